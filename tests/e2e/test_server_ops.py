"""Every op's good and bad paths, and the fields of the screens."""
import re
import time

from harness import ServerTestCase


LEVEL_NAMES = {1: "Level 1 - Unrestricted", 2: "Level 2 - Restricted",
               3: "Level 3 - Confidential", 4: "Level 4 - Secret", 5: "Level 5 - Top Secret",
               6: "Level 6 - Cosmic Top Secret"}
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class TestOps(ServerTestCase):

    def assertLevel(self, obj, level):
        self.assertEqual(obj["level"], level)
        self.assertEqual(obj["name"], LEVEL_NAMES[level])
        self.assertRegex(obj["colour"], r"^#[0-9A-F]{6}$")

    def test_hello(self):
        c = self.client()
        r = c.request("hello", token=False)
        self.assertEqual(r, {"id": r["id"], "ok": True, "server": "scipnet", "version": "0.1.0",
                             "protocol": 1})

    def test_id_is_echoed_verbatim(self):
        c = self.client()
        for ident in ["abc", 0, -5, 2.5, True, None, "ünï"]:
            c.send({"id": ident, "op": "hello"})
            self.assertEqual(c.recv()["id"], ident)
        c.send({"op": "hello"})
        self.assertIsNone(c.recv()["id"])
        c.send({"id": {"a": 1}, "op": "hello"})
        r = c.recv()
        self.assertError(r, "bad_request")
        self.assertIsNone(r["id"])

    def test_login_screen_and_user(self):
        c = self.client()
        r = c.login("agent")
        self.assertTrue(r["ok"], r)
        self.assertEqual(len(r["token"]), 43)
        self.assertRegex(r["token"], r"^[A-Za-z0-9_-]{43}$")
        self.assertEqual(r["expires_in"], 28800)
        self.assertEqual(r["user"]["name"], "agent")
        self.assertEqual(r["user"]["title"], "Field Agent")
        self.assertLevel(r["user"]["clearance"], 3)
        self.assertEqual(r["user"]["site"], {"ref": "SITE-77", "name": "Site-77"})
        self.assertEqual(r["screen"], {"kind": "login", "usr_name": "agent",
                                       "usr_title_name": "Field Agent",
                                       "usr_clearance_level_name": "Level 3 - Confidential"})

    def test_login_by_id(self):
        c = self.client()
        r = c.request("login", token=False, user=4, password="officer-pass")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["user"]["name"], "officer")

    def test_login_failures_look_the_same(self):
        c = self.client()
        wrong = c.request("login", token=False, user="officer", password="nope")
        unknown = c.request("login", token=False, user="nobody.here", password="nope")
        for r in (wrong, unknown):
            self.assertError(r, "auth_failed")
            self.assertEqual(r["error"]["message"], "identification / authentication invalid")
        self.assertEqual(set(wrong), set(unknown))
        rows = self.audit_rows("action = 'login' AND outcome = 'failure'")
        names = [row["attempted_name"] for row in rows]
        self.assertIn("officer", names)
        self.assertIn("nobody.here", names)
        for row in rows:
            self.assertNotIn("nope", row["details"])

    def test_login_bad_requests(self):
        c = self.client()
        for fields in [{}, {"user": "cadet"}, {"password": "x"}, {"user": [], "password": "x"},
                       {"user": "cadet", "password": 5}, {"user": "", "password": "x"},
                       {"user": 0, "password": "x"}, {"user": 1.5, "password": "x"}]:
            self.assertError(c.request("login", token=False, **fields), "bad_request")

    def test_whoami_and_logout(self):
        c = self.logged_in("researcher")
        r = c.request("whoami")
        self.assertTrue(r["ok"])
        self.assertEqual(r["user"]["name"], "researcher")
        self.assertTrue(0 < r["expires_in"] <= 28800)
        self.assertTrue(c.request("logout")["ok"])
        self.assertError(c.request("whoami"), "unauthenticated")
        self.assertError(c.request("logout"), "unauthenticated")
        self.assertTrue(self.audit_rows("action = 'logout'"))

    def test_token_checks(self):
        c = self.client()
        self.assertError(c.request("whoami"), "unauthenticated")
        self.assertError(c.request("whoami", token="x" * 43), "unauthenticated")
        self.assertError(c.request("whoami", token="short"), "unauthenticated")
        self.assertError(c.request("read", token=42, ref="SCP-002"), "bad_request")

    def test_read_cleared(self):
        c = self.logged_in("officer")
        r = c.request("read", ref="scp-0002")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["screen"], {"kind": "file"})
        f = r["file"]
        self.assertEqual(f["ref"], "SCP-002")
        self.assertEqual(f["kind"], "scp")
        self.assertLevel(f["classification"], 2)
        self.assertEqual(f["containment"]["name"], "Euclid")
        self.assertEqual(f["status"], "active")
        self.assertEqual(f["site"]["ref"], "SITE-19")
        self.assertEqual(f["task_force"]["ref"], "MTF-3")
        kinds = [s["kind"] for s in f["sections"]]
        self.assertIn("containment", kinds)
        # The level-4 passage is readable by the officer, the level-5 addendum is not.
        for s in f["sections"]:
            if s["level"] <= 4:
                self.assertIn("text", s)
                self.assertNotIn("[[", s["text"])
            else:
                self.assertEqual(set(s), {"kind", "level", "redacted", "needed_clearance"})
                self.assertLevel(s["needed_clearance"], s["level"])

    def test_read_redacted_screen(self):
        c = self.logged_in("researcher")
        before = time.time()
        r = c.request("read", ref="SCP-005")
        self.assertError(r, "redacted")
        self.assertNotIn("file", r)
        s = r["screen"]
        self.assertEqual(s["kind"], "redacted")
        self.assertEqual(s["file_ref"], "SCP-005")
        self.assertLevel(s["file_classification"], 4)
        self.assertLevel(s["usr_clearance"], 2)
        self.assertRegex(s["logged_at"], ISO_MS)
        rows = self.audit_rows("action = 'read' AND details LIKE '%SCP-005%redacted%'")
        self.assertTrue(rows)
        self.assertEqual(rows[-1]["outcome"], "denied")
        self.assertTrue(rows[-1]["client_addr"].startswith("127.0.0.1:"))
        self.assertLess(before - 5, time.time())

    def test_read_expunged_screen(self):
        c = self.logged_in("o5")
        r = c.request("read", ref="SCP-4040")
        self.assertError(r, "expunged")
        self.assertEqual(r["screen"], {"kind": "expunged", "file_ref": "SCP-4040"})
        self.assertError(c.request("read", ref="USER-999"), "expunged")

    def test_read_bad_refs(self):
        c = self.logged_in("o5")
        for ref in ["SCP-../../x", "SCP-", "SCP-1a", "", "XYZ-1", "SCP-1234567890", 5, None]:
            self.assertError(c.request("read", ref=ref), "bad_request")
        self.assertError(c.request("read"), "bad_request")

    def test_read_other_kinds(self):
        o5 = self.logged_in("o5")
        site = o5.request("read", ref="SITE-19")["file"]
        self.assertEqual(site["kind"], "site")
        self.assertEqual(site["director"], {"ref": "USER-5", "name": "director"})
        self.assertIn("location", site)
        mtf = o5.request("read", ref="MTF-3")["file"]
        self.assertEqual(mtf["designation"], "Epsilon-6")
        self.assertEqual(mtf["nickname"], "Lamplighters")
        self.assertIs(mtf["active"], True)
        self.assertEqual(mtf["sections"][0]["kind"], "mission")
        user = o5.request("read", ref="USER-3")["file"]
        self.assertEqual(user["name"], "agent")
        self.assertEqual(user["job_title"], "Field Agent")
        self.assertLevel(user["clearance"], 3)
        self.assertNotIn("password_hash", user)
        # Sites: level 3, or the site's own staff.
        cadet = self.logged_in("cadet")
        self.assertTrue(cadet.request("read", ref="SITE-19")["ok"])
        r = cadet.request("read", ref="SITE-77")
        self.assertError(r, "redacted")
        self.assertLevel(r["screen"]["file_classification"], 3)
        # Users: by clearance.
        self.assertError(cadet.request("read", ref="USER-2"), "redacted")
        self.assertTrue(cadet.request("read", ref="USER-1")["ok"])

    def test_list(self):
        c = self.logged_in("researcher")
        r = c.request("list", kind="scp")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["kind"], "scp")
        self.assertEqual(r["offset"], 0)
        self.assertGreaterEqual(r["total"], 6)
        by_ref = {i["ref"]: i for i in r["items"]}
        self.assertTrue(by_ref["SCP-002"]["accessible"])
        self.assertEqual(by_ref["SCP-002"]["title"], "The Patient Lamp")
        self.assertFalse(by_ref["SCP-005"]["accessible"])
        self.assertNotIn("title", by_ref["SCP-005"])
        self.assertEqual(by_ref["SCP-217"]["status"], "neutralized")
        self.assertIn("containment", by_ref["SCP-013"])
        sites = c.request("list", kind="site")["items"]
        self.assertTrue(all("title" in s for s in sites))
        for s in sites:
            self.assertEqual("location" in s, s["accessible"])
        mtfs = c.request("list", kind="mtf")["items"]
        self.assertTrue(all(isinstance(m["active"], bool) for m in mtfs))
        users = c.request("list", kind="user")["items"]
        self.assertTrue(all("job_title" in u for u in users))
        page = c.request("list", kind="scp", limit=2, offset=1)
        self.assertEqual(len(page["items"]), 2)
        self.assertEqual(page["offset"], 1)

    def test_list_query_never_matches_hidden_titles(self):
        c = self.logged_in("cadet")
        r = c.request("list", kind="scp", query="Census")
        self.assertTrue(r["ok"])
        self.assertEqual(r["items"], [])
        o5 = self.logged_in("o5")
        r = o5.request("list", kind="scp", query="Census")
        self.assertEqual([i["ref"] for i in r["items"]], ["SCP-005"])

    def test_list_bad(self):
        c = self.logged_in("cadet")
        for fields in [{}, {"kind": "files"}, {"kind": "scp", "limit": 0},
                       {"kind": "scp", "limit": 201}, {"kind": "scp", "offset": -1},
                       {"kind": "scp", "offset": 10 ** 9 + 1}, {"kind": "scp", "limit": "5"},
                       {"kind": "scp", "query": 5}]:
            self.assertError(c.request("list", **fields), "bad_request")
        self.assertTrue(c.request("list", kind="scp", limit=200, offset=10 ** 9)["ok"])

    def test_create_scp_and_read_back(self):
        c = self.logged_in("officer")
        r = c.request("create", kind="scp", number=3001, title="A Test Object", level=3,
                      containment="Safe", risk="Notice", site="SITE-19",
                      sections=[{"kind": "description", "title": "Description", "level": 3,
                                 "text": "Plain. [[LEVEL 4]]Hidden.[[/LEVEL]]"}])
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["ref"], "SCP-3001")
        f = c.request("read", ref="SCP-3001")["file"]
        self.assertEqual(f["title"], "A Test Object")
        self.assertEqual(f["sections"][0]["text"], "Plain. Hidden.")
        agent = self.logged_in("agent")
        s = agent.request("read", ref="SCP-3001")["file"]["sections"][0]
        self.assertEqual(s["parts"][0], {"text": "Plain. "})
        self.assertTrue(s["parts"][1]["redacted"])
        self.assertError(c.request("create", kind="scp", number=3001, title="Again", level=1,
                                   containment="Safe"), "conflict")
        self.assertTrue(self.audit_rows("action = 'create' AND details LIKE '%SCP-3001%'"))

    def test_create_denied_screen(self):
        c = self.logged_in("researcher")
        r = c.request("create", kind="scp", number=3002, title="Too High", level=4,
                      containment="Keter")
        self.assertError(r, "clearance_denied")
        self.assertEqual(r["screen"]["kind"], "clearance_denied")
        self.assertLevel(r["screen"]["needed_clearance"], 4)
        self.assertLevel(r["screen"]["usr_clearance"], 2)
        cadet = self.logged_in("cadet")
        r = cadet.request("create", kind="mtf", designation="Nu-7")
        self.assertError(r, "clearance_denied")
        self.assertLevel(r["screen"]["needed_clearance"], 2)
        r = c.request("create", kind="site", name="Site-99")
        self.assertError(r, "clearance_denied")
        self.assertLevel(r["screen"]["needed_clearance"], 3)
        r = c.request("create", kind="user", name="someone", password="long-password",
                      clearance=3, title="Researcher")
        self.assertError(r, "clearance_denied")

    def test_create_other_kinds(self):
        c = self.logged_in("director")
        r = c.request("create", kind="site", name="Site-88", location="Somewhere",
                      description="A site.")
        self.assertTrue(r["ok"], r)
        self.assertRegex(r["ref"], r"^SITE-\d+$")
        r = c.request("create", kind="mtf", designation="Nu-7", nickname="Hammer Down",
                      level=3, site="SITE-19", mission="Hold the line.")
        self.assertTrue(r["ok"], r)
        r = c.request("create", kind="user", name="new.hire", password="new-hire-pass",
                      clearance=2, title="researcher", site="SITE-19")
        self.assertTrue(r["ok"], r)
        fresh = self.client()
        self.assertTrue(fresh.login("new.hire", "new-hire-pass")["ok"])
        self.assertError(c.request("create", kind="user", name="new.hire",
                                   password="new-hire-pass", clearance=2,
                                   title="Researcher"), "conflict")

    def test_create_refuses_passages_above_own_clearance(self):
        agent = self.logged_in("agent")  # level 3
        r = agent.request("create", kind="scp", number=3010, title="Marked Too High", level=3,
                          containment="Safe",
                          sections=[{"kind": "description", "title": "Description", "level": 3,
                                     "text": "Known. [[LEVEL 5]]Above me.[[/LEVEL]]"}])
        self.assertError(r, "bad_request")
        self.assertIn("above your own clearance", r["error"]["message"])
        r = agent.request("create", kind="scp", number=3010, title="Malformed Marker", level=3,
                          containment="Safe",
                          sections=[{"kind": "description", "title": "Description", "level": 3,
                                     "text": "Known. [[LEVEL 9]]typo"}])
        self.assertError(r, "bad_request")
        self.assertError(agent.request("read", ref="SCP-3010"), "expunged")
        director = self.logged_in("director")  # level 5
        r = director.request("create", kind="site", name="Site-97",
                             dossier="[[LEVEL 6]]Not for me to write.[[/LEVEL]]")
        self.assertError(r, "bad_request")
        r = director.request("create", kind="mtf", designation="Rho-9",
                             mission="[[LEVEL 6]]x[[/LEVEL]]")
        self.assertError(r, "bad_request")
        r = agent.request("create", kind="scp", number=3010, title="Marked At My Level", level=2,
                          containment="Safe",
                          sections=[{"kind": "description", "title": "Description", "level": 2,
                                     "text": "Known. [[LEVEL 3]]Mine.[[/LEVEL]]"}])
        self.assertTrue(r["ok"], r)

    def test_create_bad(self):
        c = self.logged_in("o5")
        for fields in [{"kind": "nope"}, {"kind": "scp"},
                       {"kind": "scp", "number": "1", "title": "x", "level": 1,
                        "containment": "Safe"},
                       {"kind": "scp", "number": 3003, "title": "x", "level": 9,
                        "containment": "Safe"},
                       {"kind": "scp", "number": 3003, "title": "x", "level": 1,
                        "containment": "Fluffy"},
                       {"kind": "scp", "number": 3003, "title": "x", "level": 1,
                        "containment": "Safe", "site": "MTF-3"},
                       {"kind": "scp", "number": 3003, "title": "x", "level": 1,
                        "containment": "Safe", "sections": [{"kind": "x"}]},
                       {"kind": "user", "name": "bad name", "password": "password1",
                        "clearance": 1, "title": "Researcher"},
                       {"kind": "user", "name": "u1", "password": "password1",
                        "clearance": 1, "title": "Janitor"},
                       {"kind": "user", "name": "u1", "password": "short",
                        "clearance": 1, "title": "Researcher"},
                       {"kind": "site"}]:
            self.assertError(c.request("create", **fields), "bad_request")

    def test_create_refuses_what_is_missing(self):
        """A missing site, leader or task force is refused like one the creator may not
        read (clearance_denied, docs/SECURITY.md), an unknown class by the server's own
        check naming it; nothing is created."""
        c = self.logged_in("o5")
        user = {"kind": "user", "name": "u9", "password": "password1", "clearance": 1,
                "title": "Researcher"}
        scp = {"kind": "scp", "number": 3004, "title": "x", "level": 1, "containment": "Safe"}
        for fields in [{"kind": "mtf", "designation": "Xi-99", "site": "SITE-999999"},
                       {"kind": "mtf", "designation": "Xi-98", "leader": "USER-999999"},
                       {"kind": "site", "name": "Site-96", "director": "USER-999999"},
                       dict(scp, site="SITE-999999"), dict(user, site="SITE-999999"),
                       dict(user, task_force="MTF-999999")]:
            self.assertError(c.request("create", **fields), "clearance_denied")
        r = c.request("create", **dict(scp, disruption="Nope"))
        self.assertError(r, "bad_request")
        self.assertEqual(r["error"]["message"], "unknown class name")
        self.assertError(c.request("read", ref="SCP-3004"), "expunged")  # none was made

    def test_set_status(self):
        c = self.logged_in("agent")
        r = c.request("set_status", ref="SCP-013", status="explained", reason="umbrella")
        self.assertTrue(r["ok"], r)
        self.assertEqual(r, {"id": r["id"], "ok": True, "ref": "SCP-013", "old": "active",
                             "new": "explained"})
        self.assertError(c.request("set_status", ref="SCP-013", status="explained"), "conflict")
        self.assertTrue(c.request("set_status", ref="SCP-013", status="active")["ok"])
        r = c.request("set_status", ref="SCP-005", status="neutralized")
        self.assertError(r, "clearance_denied")
        self.assertLevel(r["screen"]["needed_clearance"], 4)
        researcher = self.logged_in("researcher")
        r = researcher.request("set_status", ref="SCP-002", status="explained")
        self.assertError(r, "clearance_denied")
        self.assertLevel(r["screen"]["needed_clearance"], 3)
        self.assertError(c.request("set_status", ref="SCP-999", status="active"), "expunged")
        self.assertError(c.request("set_status", ref="SCP-013", status="gone"), "bad_request")
        self.assertError(c.request("set_status", ref="SITE-19", status="active"), "bad_request")

    def test_audit(self):
        c = self.logged_in("director")
        r = c.request("audit", limit=5)
        self.assertTrue(r["ok"], r)
        self.assertLessEqual(len(r["rows"]), 5)
        ids = [row["id"] for row in r["rows"]]
        self.assertEqual(ids, sorted(ids, reverse=True))
        for row in r["rows"]:
            self.assertEqual(set(row), {"id", "ts", "user_id", "user", "attempted_name", "client",
                                        "action", "outcome", "severity", "details"})
        r = c.request("audit", action="login", limit=50)
        self.assertTrue(all(row["action"] == "login" for row in r["rows"]))
        self.assertError(c.request("audit", limit=0), "bad_request")
        self.assertError(c.request("audit", user=5), "bad_request")
        officer = self.logged_in("officer")
        r = officer.request("audit")
        self.assertError(r, "clearance_denied")
        self.assertLevel(r["screen"]["needed_clearance"], 5)
        self.assertTrue(self.audit_rows("action = 'audit' AND outcome = 'denied'"))

    def test_health(self):
        c = self.client()
        r = c.request("health", token=False)
        self.assertTrue(r["ok"])
        self.assertEqual(r["status"], "ok")
        self.assertGreaterEqual(r["connections"], 1)
        self.assertGreaterEqual(r["uptime_s"], 0)
        self.assertIsInstance(r["sessions"], int)
        self.assertTrue(r["db"]["ok"])
        self.assertEqual(set(r["db"]["pool"]), {"size", "in_use", "checkouts", "waits",
                                                "timeouts", "replaced", "round_trips"})
        self.assertEqual(r["db"]["pool"]["round_trips"], 0)  # SQLite answers in-process
        wal = r["db"]["wal"]
        self.assertEqual(set(wal), {"pages", "checkpoints", "restarts", "failures"})
        # Every request so far committed audit rows: the WAL has pages, none failed.
        self.assertGreater(wal["pages"], 0)
        self.assertEqual(wal["failures"], 0)

    def test_unknown_op(self):
        c = self.client()
        c.send({"id": 9, "op": "format_c"})
        r = c.recv()
        self.assertError(r, "unknown_op")
        self.assertEqual(r["id"], 9)
        self.assertTrue(c.request("hello")["ok"])

    def test_no_secret_in_audit(self):
        c = self.logged_in("cadet")
        token = c.token
        for row in self.audit_rows():
            self.assertNotIn(token, str(row))
            self.assertNotIn("cadet-pass", str(row))
        self.assertNotIn(token, self.server.log())
        self.assertNotIn("cadet-pass", self.server.log())
