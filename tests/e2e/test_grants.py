"""No power granted that the granter lacks (issue 16, item 1), and the oracles of
create and the audit log (item 6): each attack driven as a logged-in user would."""
from admin_util import connect_store
from harness import ServerTestCase


def without_id(reply):
    return {k: v for k, v in reply.items() if k != "id"}


class TestGrants(ServerTestCase):

    def assertDenied(self, reply, needed, have):
        self.assertError(reply, "clearance_denied")
        self.assertEqual(reply["screen"]["kind"], "clearance_denied")
        self.assertEqual(reply["screen"]["needed_clearance"]["level"], needed)
        self.assertEqual(reply["screen"]["usr_clearance"]["level"], have)

    def user_exists(self, name):
        con = connect_store(self.db)
        try:
            return con.execute("SELECT count(*) FROM users WHERE name = ? COLLATE NOCASE",
                               (name,)).fetchone()[0] > 0
        finally:
            con.close()

    def test_level2_cannot_staff_a_site_it_may_not_read(self):
        """The filed attack: a level-2 researcher (SITE-19) makes a level-1 account on
        SITE-77, whose staff may read the level-3 site file.  Refused; no account."""
        researcher = self.logged_in("researcher")
        r = researcher.request("create", kind="user", name="mole", password="mole-password",
                               clearance=1, title="Containment Specialist", site="SITE-77")
        self.assertDenied(r, 3, 2)
        self.assertFalse(self.user_exists("mole"))
        self.assertError(self.client().login("mole", "mole-password"), "auth_failed")
        # Its own site the researcher may read, so it may staff it.
        r = researcher.request("create", kind="user", name="trainee19", password="trainee-pass",
                               clearance=1, title="Containment Specialist", site="SITE-19")
        self.assertTrue(r["ok"], r)
        trainee = self.client()
        self.assertTrue(trainee.login("trainee19", "trainee-pass")["ok"])
        self.assertTrue(trainee.request("read", ref="SITE-19")["ok"])
        self.assertError(trainee.request("read", ref="SITE-77"), "redacted")

    def test_task_force_above_the_creator(self):
        researcher = self.logged_in("researcher")  # level 2; MTF-6 is level 4
        r = researcher.request("create", kind="user", name="tf.mole", password="mole-password",
                               clearance=1, title="Researcher", task_force="MTF-6")
        self.assertDenied(r, 3, 2)
        self.assertFalse(self.user_exists("tf.mole"))
        r = researcher.request("create", kind="scp", number=4601, title="Placed", level=2,
                               containment="Safe", task_force="MTF-6")
        self.assertDenied(r, 3, 2)
        r = researcher.request("create", kind="scp", number=4601, title="Placed", level=2,
                               containment="Safe", site="SITE-77")
        self.assertDenied(r, 3, 2)
        r = researcher.request("create", kind="mtf", designation="Mu-46", level=2,
                               site="SITE-77")
        self.assertDenied(r, 3, 2)
        self.assertError(researcher.request("read", ref="SCP-4601"), "expunged")
        r = researcher.request("create", kind="scp", number=4601, title="Placed", level=2,
                               containment="Safe", task_force="MTF-3", site="SITE-19")
        self.assertTrue(r["ok"], r)

    def test_missing_and_hidden_targets_look_alike(self):
        director = self.logged_in("director")  # level 5; USER-6 (o5) is level 6
        hidden = director.request("create", kind="mtf", designation="Pi-1", leader="USER-6")
        missing = director.request("create", kind="mtf", designation="Pi-1",
                                   leader="USER-999999")
        self.assertDenied(hidden, 6, 5)
        self.assertEqual(without_id(hidden), without_id(missing))
        researcher = self.logged_in("researcher")
        hidden = researcher.request("create", kind="user", name="x.ray", password="x-password",
                                    clearance=1, title="Researcher", task_force="MTF-6")
        missing = researcher.request("create", kind="user", name="x.ray", password="x-password",
                                     clearance=1, title="Researcher", task_force="MTF-999999")
        self.assertEqual(without_id(hidden), without_id(missing))

    def test_leader_and_director_above_the_creator(self):
        agent = self.logged_in("agent")  # level 3
        r = agent.request("create", kind="site", name="Site-46", director="USER-5")
        self.assertDenied(r, 4, 3)
        r = agent.request("create", kind="mtf", designation="Sigma-46", leader="USER-4")
        self.assertDenied(r, 4, 3)
        director = self.logged_in("director")
        r = director.request("create", kind="site", name="Site-46b", director="USER-6")
        self.assertDenied(r, 6, 5)
        self.assertEqual(director.request("list", kind="site", query="Site-46")["total"], 0)
        # Someone the creator may read is fine.
        r = agent.request("create", kind="site", name="Site-46", director="USER-3")
        self.assertTrue(r["ok"], r)
        r = agent.request("create", kind="mtf", designation="Sigma-46", leader="USER-2",
                          site="SITE-77")
        self.assertTrue(r["ok"], r)

    def test_titles_above_ones_rank(self):
        officer = self.logged_in("officer")  # level 4, Security Officer
        for title in ["Site Director", "o5 council member"]:
            r = officer.request("create", kind="user", name="climber", password="climb-pass",
                                clearance=2, title=title)
            self.assertDenied(r, 5, 4)
        self.assertFalse(self.user_exists("climber"))
        director = self.logged_in("director")  # Site Director
        r = director.request("create", kind="user", name="climber", password="climb-pass",
                             clearance=2, title="O5 Council Member")
        self.assertDenied(r, 6, 5)
        r = director.request("create", kind="user", name="deputy", password="deputy-pass",
                             clearance=4, title="Site Director", site="SITE-19")
        self.assertTrue(r["ok"], r)
        r = officer.request("create", kind="user", name="guard", password="guard-pass",
                            clearance=3, title="Security Officer", site="SITE-77")
        self.assertTrue(r["ok"], r)

    def test_refused_grants_are_audited(self):
        researcher = self.logged_in("researcher")
        r = researcher.request("create", kind="user", name="audited.mole",
                               password="mole-password", clearance=1, title="Researcher",
                               site="SITE-77")
        self.assertError(r, "clearance_denied")
        rows = self.audit_rows("action = 'create' AND outcome = 'denied' AND details LIKE ?",
                               ('%"field":"site"%',))
        self.assertTrue(rows)
        self.assertEqual(rows[-1]["user_id"], 2)


class TestCreateOracles(ServerTestCase):
    """Names are one namespace: a taken name is `conflict` whoever holds it.  The
    refusal is answered like any other and, like every refused create, audited."""

    def test_conflict_on_hidden_and_visible_names_alike_and_audited(self):
        researcher = self.logged_in("researcher")  # level 2; o5 is level 6, cadet 1
        user = {"kind": "user", "password": "probe-pass", "clearance": 1, "title": "Researcher"}
        hidden = researcher.request("create", name="o5", **user)
        visible = researcher.request("create", name="cadet", **user)
        self.assertError(hidden, "conflict")
        self.assertEqual(without_id(hidden), without_id(visible))
        hidden = researcher.request("create", kind="mtf", designation="Omicron-12")  # MTF-6
        self.assertError(hidden, "conflict")
        rows = self.audit_rows("action = 'create' AND user_id = 2 AND outcome = 'failure'"
                               " AND details LIKE '%\"error\":\"conflict\"%'")
        self.assertEqual(len(rows), 3)
        self.assertEqual({r["severity"] for r in rows}, {"warning"})
        self.assertFalse(any("o5" in r["details"] or "Omicron" in r["details"] for r in rows))

    def test_bad_request_creates_are_audited(self):
        cadet = self.logged_in("cadet")
        before = len(self.audit_rows("action = 'create' AND user_id = 1"))
        self.assertError(cadet.request("create", kind="nope"), "bad_request")
        self.assertError(cadet.request("create", kind="scp", number="x"), "bad_request")
        self.assertError(cadet.request("create", kind="mtf", designation="Tau-1"),
                         "clearance_denied")
        rows = self.audit_rows("action = 'create' AND user_id = 1")
        self.assertEqual(len(rows) - before, 3)
        self.assertEqual([r["outcome"] for r in rows[-3:]], ["failure", "failure", "denied"])
        self.assertIn('"error":"bad_request"', rows[-2]["details"])


class TestAuditReads(ServerTestCase):
    """A level-5 auditor sees the log through the same rules as files."""

    def audit(self, client, **fields):
        r = client.request("audit", **fields)
        self.assertTrue(r["ok"], r)
        return r["rows"]

    def test_level6_rows_are_left_out_and_counted_consistently(self):
        o5 = self.logged_in("o5")
        for _ in range(5):
            self.assertTrue(o5.request("list", kind="user")["ok"])
        director = self.logged_in("director")
        rows = self.audit(director, limit=500)
        self.assertTrue(rows)
        self.assertNotIn(6, [row["user_id"] for row in rows])
        self.assertEqual(self.audit(director, action="list"), [])
        # The limit counts rows the reader may see: o5's newest rows take no place.
        self.assertTrue(self.client().login("cadet")["ok"])
        for _ in range(3):
            self.assertTrue(o5.request("list", kind="scp")["ok"])
        newest = self.audit(director, limit=1)
        self.assertEqual(len(newest), 1)
        self.assertEqual((newest[0]["user_id"], newest[0]["action"]), (1, "login"))
        # The level-6 reader still sees everything.
        self.assertIn(6, [row["user_id"] for row in self.audit(o5, limit=500)])

    def test_user_filter_on_a_hidden_name_is_like_an_unknown_one(self):
        director = self.logged_in("director")
        self.assertTrue(self.logged_in("o5").request("whoami")["ok"])
        for name in ["o5", "O5", "ghost.six"]:
            self.assertEqual(self.audit(director, user=name), [], name)
        # A failed login for each leaves rows that must look the same to the auditor.
        self.assertError(self.client().login("o5", "wrong-password"), "auth_failed")
        self.assertError(self.client().login("ghost.six", "wrong-password"), "auth_failed")

        def shape(row):
            return {k: v for k, v in row.items() if k not in ("id", "ts", "client",
                                                             "attempted_name")}
        hidden = self.audit(director, user="o5")
        unknown = self.audit(director, user="ghost.six")
        self.assertEqual(len(hidden), 1)
        self.assertEqual(len(unknown), 1)
        self.assertEqual(shape(hidden[0]), shape(unknown[0]))
        self.assertIsNone(hidden[0]["user_id"])
        # A visible user's failure keeps its reason and user.
        self.assertError(self.client().login("officer", "wrong-password"), "auth_failed")
        officer = self.audit(director, user="officer")[0]
        self.assertEqual((officer["user_id"], officer["details"]),
                         (4, {"reason": "wrong password"}))

    def test_details_naming_files_above_the_reader_are_cut(self):
        director = self.logged_in("director")
        self.assertError(director.request("read", ref="USER-6"), "redacted")
        self.assertTrue(director.request("read", ref="USER-4")["ok"])
        reads = self.audit(director, action="read", user="director", limit=2)
        self.assertEqual([r["details"] for r in reads],
                         [{"ref": "USER-4", "result": "granted"},
                          {"ref": "[REDACTED]", "result": "redacted"}])
        o5 = self.logged_in("o5")
        reads = self.audit(o5, action="read", user="director", limit=2)
        self.assertEqual(reads[1]["details"], {"ref": "USER-6", "result": "redacted"})


class TestCreateRefusalLimit(ServerTestCase):
    """Probing names through `conflict` is bounded: 50 creates of taken names, then
    `rate_limited` until a minute passes without one.  Other refusals do not count."""

    def test_probing_names_hits_the_bound(self):
        researcher = self.logged_in("researcher")
        for i in range(60):  # bad_request and clearance_denied tell nothing hidden
            self.assertError(researcher.request("create", kind="scp", number="x"),
                             "bad_request")
        self.assertError(researcher.request("create", kind="mtf", designation="Chi-1",
                                            leader="USER-6"), "clearance_denied")
        for i in range(50):
            r = researcher.request("create", kind="user", name="o5", password="probe-pass",
                                   clearance=1, title="Researcher")
            self.assertError(r, "conflict")
        fine = {"kind": "user", "name": "after.probe", "password": "after-pass",
                "clearance": 1, "title": "Researcher", "site": "SITE-19"}
        r = researcher.request("create", **fine)
        self.assertError(r, "rate_limited")
        self.assertTrue(55 <= r["retry_after"] <= 60, r)
        self.assertFalse(any(row["details"] and '"reason":"rate_limited"' in row["details"]
                             for row in self.audit_rows("user_id = 3")))
        self.assertTrue(self.audit_rows("user_id = 2 AND action = 'create'"
                                        " AND details LIKE '%rate_limited%'"))
        # Another account is not slowed down.
        agent = self.logged_in("agent")
        self.assertTrue(agent.request("create", kind="user", name="agent.hire",
                                      password="hire-pass", clearance=1,
                                      title="Researcher")["ok"])
        # A minute later without a refusal, the count starts over.
        con = connect_store(self.db)
        try:
            con.execute("UPDATE login_failures SET last_failure_ms = last_failure_ms - 61000"
                        " WHERE key = 'create-conflict:2'")
            con.commit()
        finally:
            con.close()
        self.assertTrue(researcher.request("create", **fine)["ok"])
