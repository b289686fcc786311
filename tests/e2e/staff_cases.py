"""The staff tools through the real server: sessions (who is online), revoke, passwd
and whoami's last login.  Run on SQLite (test_staff.py) and PostgreSQL
(test_pg_staff.py); the mixin needs self.client() and self.logged_in(name).

The server's store is shared by a class's tests: a test that changes a password or
counts failures does it to a user of its own, made through `create`.
"""
import itertools

from harness import DEMO_USERS

# Per-address failures would add up across the tests of a class.
SERVER_ENV = {"SCIPNET_LOGIN_MAX_FAILURES": "5", "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000",
              "SCIPNET_LOGIN_BACKOFF_BASE_S": "60"}

_serial = itertools.count(1)


class StaffCases:
    def make_user(self, clearance=2, password="first-pass-1"):
        """A new user of this test's own; (name, password)."""
        name = "staff%d.%d" % (id(self) % 100000, next(_serial))
        c = self.logged_in("director")
        r = c.request("create", kind="user", name=name, password=password,
                      clearance=clearance, title="Researcher")
        self.assertTrue(r["ok"], r)
        return name, password

    def login_as(self, name, password):
        c = self.client()
        r = c.login(name, password)
        self.assertTrue(r["ok"], r)
        return c

    def sessions(self, c, **kw):
        r = c.request("sessions", **kw)
        self.assertTrue(r["ok"], r)
        return r["sessions"]

    # -- who is online ----------------------------------------------------------------

    def test_level4_sees_only_own_sessions(self):
        self.logged_in("director")
        self.logged_in("cadet")
        a, b = self.logged_in("officer"), self.logged_in("officer")
        rows = self.sessions(a)
        self.assertGreaterEqual(len(rows), 2)
        self.assertEqual({s["user"]["name"] for s in rows}, {"officer"})
        self.assertEqual(sum(1 for s in rows if s["current"]), 1)
        self.assertEqual(self.sessions(b)[0]["user"]["name"], "officer")
        # One's own name, in any case, is one's own sessions.
        self.assertEqual({s["user"]["name"] for s in self.sessions(a, user="OFFICER")},
                         {"officer"})
        r = a.request("sessions", user="cadet")
        self.assertError(r, "clearance_denied")
        self.assertEqual(r["screen"]["needed_clearance"]["level"], 5)

    def test_director_sees_all_but_users_above(self):
        self.logged_in("o5")
        self.logged_in("cadet")
        d = self.logged_in("director")
        rows = self.sessions(d, limit=200)
        names = {s["user"]["name"] for s in rows}
        self.assertIn("cadet", names)
        self.assertIn("director", names)
        self.assertNotIn("o5", names)
        cadet = next(s for s in rows if s["user"]["name"] == "cadet")
        self.assertTrue(cadet["client"].startswith("127.0.0.1:"), cadet)
        self.assertEqual(cadet["clearance"]["level"], 1)
        for key in ("since", "last_seen", "expires"):
            self.assertRegex(cadet[key], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # Filtering on a user above the reader finds nobody, as an unknown name does.
        self.assertEqual(self.sessions(d, user="o5"), [])
        self.assertEqual(self.sessions(d, user="no.such.user"), [])
        self.assertTrue(all(s["user"]["name"] == "cadet"
                            for s in self.sessions(d, user="cadet")))

    def test_sessions_page_at_the_limit(self):
        d = self.logged_in("director")
        for _ in range(3):
            self.logged_in("cadet")
        first = d.request("sessions", user="cadet", limit=2)
        self.assertTrue(first["ok"], first)
        self.assertEqual(len(first["sessions"]), 2)
        self.assertEqual(first["next"], 2)
        rest = d.request("sessions", user="cadet", limit=200, offset=first["next"])
        self.assertTrue(rest["sessions"])
        self.assertNotIn("next", rest)
        self.assertError(d.request("sessions", limit=201), "bad_request")
        self.assertError(d.request("sessions", limit=0), "bad_request")

    # -- revoke -----------------------------------------------------------------------

    def test_director_revokes_one_session(self):
        victim, other = self.logged_in("agent"), self.logged_in("agent")
        d = self.logged_in("director")
        mine = [s for s in self.sessions(victim) if s["current"]][0]
        r = d.request("revoke", session=mine["id"])
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["ended"], 1)
        self.assertError(victim.request("whoami"), "unauthenticated")
        self.assertTrue(other.request("whoami")["ok"])

    def test_director_revokes_all_of_a_user(self):
        name, pw = self.make_user(clearance=3)
        a, b = self.login_as(name, pw), self.login_as(name, pw)
        d = self.logged_in("director")
        r = d.request("revoke", user=name)
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["ended"], 2)
        self.assertError(a.request("whoami"), "unauthenticated")
        self.assertError(b.request("whoami"), "unauthenticated")
        self.assertTrue(d.request("whoami")["ok"])

    def test_revoke_of_a_higher_user_is_refused(self):
        o5 = self.logged_in("o5")
        o5_session = [s for s in self.sessions(o5) if s["current"]][0]["id"]
        d = self.logged_in("director")
        above = d.request("revoke", user="o5")
        self.assertError(above, "clearance_denied")
        by_id = d.request("revoke", session=o5_session)
        self.assertError(by_id, "clearance_denied")
        # The same refusal as for a user or a session that does not exist.
        for missing in (d.request("revoke", user="no.such.user"),
                        d.request("revoke", session=10 ** 9)):
            self.assertError(missing, "clearance_denied")
            self.assertEqual(missing["error"], above["error"])
            self.assertEqual(missing["screen"], above["screen"])
        self.assertTrue(o5.request("whoami")["ok"])
        # Below level 5 nobody else's sessions may be ended at all.
        cadet = self.logged_in("cadet")
        cadet_id = [s for s in self.sessions(cadet) if s["current"]][0]["id"]
        self.assertError(self.logged_in("officer").request("revoke", session=cadet_id),
                         "clearance_denied")
        self.assertTrue(cadet.request("whoami")["ok"])

    def test_anyone_may_end_their_own_other_session(self):
        keep, drop = self.logged_in("researcher"), self.logged_in("researcher")
        drop_id = [s for s in self.sessions(drop) if s["current"]][0]["id"]
        r = keep.request("revoke", session=drop_id)
        self.assertTrue(r["ok"], r)
        self.assertError(drop.request("whoami"), "unauthenticated")
        self.assertTrue(keep.request("whoami")["ok"])

    def test_revoke_needs_one_target(self):
        d = self.logged_in("director")
        self.assertError(d.request("revoke"), "bad_request")
        self.assertError(d.request("revoke", user="cadet", session=1), "bad_request")
        self.assertError(d.request("revoke", session="1"), "bad_request")

    # -- passwd -----------------------------------------------------------------------

    def test_passwd_ends_the_other_sessions(self):
        name, old = self.make_user()
        a, b = self.login_as(name, old), self.login_as(name, old)
        r = a.request("passwd", old=old, new="second-pass-2")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["sessions_ended"], 1)
        self.assertError(b.request("whoami"), "unauthenticated")
        self.assertTrue(a.request("whoami")["ok"])
        self.assertError(self.client().login(name, old), "auth_failed")
        self.assertTrue(self.client().login(name, "second-pass-2")["ok"])

    def test_passwd_wrong_old_password_is_throttled(self):
        name, old = self.make_user()
        c = self.login_as(name, old)
        left = []
        for i in range(5):
            r = c.request("passwd", old="guess-%d" % i, new="second-pass-2")
            self.assertError(r, "auth_failed")
            left.append(r["error"]["attempts_left"])
        self.assertEqual(left, [4, 3, 2, 1, 0])
        r = c.request("passwd", old=old, new="second-pass-2")
        self.assertError(r, "rate_limited")
        self.assertGreaterEqual(r["retry_after"], 1)
        # The guesses count against the account's logins too.
        self.assertError(self.client().login(name, old), "rate_limited")
        self.assertTrue(c.request("whoami")["ok"])
        # A flood of refused guesses is not a flood of audit rows: the first is audited,
        # later ones are summarised, as login's are.
        for _ in range(5):
            self.assertError(c.request("passwd", old="x", new="second-pass-2"), "rate_limited")
        rows = self.logged_in("director").request("audit", user=name, action="passwd",
                                                  outcome="denied")["rows"]
        self.assertEqual(len(rows), 1, rows)

    def test_passwd_refuses_a_weak_new_password(self):
        name, old = self.make_user()
        c = self.login_as(name, old)
        self.assertError(c.request("passwd", old=old, new="short"), "bad_request")
        self.assertError(c.request("passwd", old=old), "bad_request")
        self.assertTrue(self.client().login(name, old)["ok"])

    # -- whoami: the last login and the failures since --------------------------------

    def test_whoami_tells_the_last_login_and_failures_since(self):
        name, pw = self.make_user()
        first = self.login_as(name, pw)
        self.assertIsNone(first.request("whoami")["last_login"])
        for _ in range(2):
            self.assertError(self.client().login(name, "wrong-guess"), "auth_failed")
        c = self.client()
        r = c.login(name, pw)
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["failed_logins"], 2)
        self.assertRegex(r["last_login"], r"^\d{4}-\d\d-\d\dT")
        w = c.request("whoami")
        self.assertEqual((w["last_login"], w["failed_logins"]), (r["last_login"], 2))
        # A clean login after that: no failures since the one before.
        again = self.client().login(name, pw)
        self.assertEqual(again["failed_logins"], 0)

    # -- the audit view's filters -------------------------------------------------------

    def test_audit_filters_outcome_time_and_pages(self):
        name, pw = self.make_user()
        for _ in range(3):
            self.assertError(self.client().login(name, "wrong-guess"), "auth_failed")
        self.login_as(name, pw)
        d = self.logged_in("director")
        r = d.request("audit", user=name, action="login", outcome="failure")
        self.assertTrue(r["ok"], r)
        self.assertEqual(len(r["rows"]), 3)
        self.assertTrue(all(row["outcome"] == "failure" for row in r["rows"]))
        ok = d.request("audit", user=name, action="login", outcome="success")["rows"]
        self.assertEqual(len(ok), 1)
        self.assertEqual(ok[0]["user"], name)
        # Pages: a full page says where the next begins; the last one does not.
        first = d.request("audit", user=name, action="login", limit=2)
        self.assertEqual(len(first["rows"]), 2)
        rest = d.request("audit", user=name, action="login", limit=2, before=first["next"])
        self.assertEqual(len(rest["rows"]), 2)
        self.assertLess(rest["rows"][0]["id"], first["rows"][-1]["id"])
        self.assertNotIn("next", d.request("audit", user=name, action="login", limit=10))
        # A time range: nothing in the future, everything since a day long gone.
        self.assertEqual(d.request("audit", user=name, since="2999-01-01")["rows"], [])
        self.assertEqual(len(d.request("audit", user=name, action="login",
                                       since="2000-01-01", until="2999-12-31T00:00:00Z")
                             ["rows"]), 4)
        for bad in ({"outcome": "maybe"}, {"since": "yesterday"}, {"until": "2026-13"},
                    {"before": 0}):
            self.assertError(d.request("audit", **bad), "bad_request")

    def test_audit_rows_of_users_above_stay_withheld_under_filters(self):
        o5_id = self.logged_in("o5").request("whoami")["user"]["id"]
        d = self.logged_in("director")
        rows = d.request("audit", action="login", outcome="success", limit=500)["rows"]
        self.assertTrue(rows)
        self.assertTrue(all(row["outcome"] == "success" for row in rows))
        self.assertIn("director", {row["user"] for row in rows})
        self.assertNotIn(o5_id, {row["user_id"] for row in rows})
        self.assertNotIn("o5", {row["user"] for row in rows})
        self.assertEqual(d.request("audit", user="o5", outcome="success")["rows"], [])
        self.assertError(self.logged_in("officer").request("audit", outcome="failure"),
                         "clearance_denied")

    # -- a personnel file's recent audit rows ------------------------------------------

    def test_personnel_file_carries_the_persons_audit_rows_from_level_5(self):
        name, pw = self.make_user()
        self.assertError(self.client().login(name, "wrong-guess"), "auth_failed")
        me = self.login_as(name, pw)
        ref = "USER-%d" % me.request("whoami")["user"]["id"]
        r = self.logged_in("director").request("read", ref=ref)
        self.assertTrue(r["ok"], r)
        rows = r["audit"]
        self.assertTrue(1 <= len(rows) <= 10, rows)
        self.assertEqual([row["outcome"] for row in rows[:2]], ["success", "failure"])
        self.assertTrue(all(row["user"] == name for row in rows))
        # Below level 5 the file comes without them.
        r = self.logged_in("officer").request("read", ref=ref)
        self.assertTrue(r["ok"], r)
        self.assertNotIn("audit", r)
        # A reader may not read the file of a user above them at all.
        o5 = self.logged_in("o5")
        o5_ref = "USER-%d" % o5.request("whoami")["user"]["id"]
        self.assertError(self.logged_in("director").request("read", ref=o5_ref), "redacted")
        self.assertIn("audit", o5.request("read", ref=o5_ref))
