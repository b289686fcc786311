"""The edit, history and status cases, run on SQLite (test_edit.py) and PostgreSQL
(test_pg_edit.py) through the real server.

Each test uses files of the demo store no other test here changes.  The mixin needs
self.logged_in(name) and self.assertError(reply, code).
"""

import json


class EditCases:
    def read(self, c, ref):
        r = c.request("read", ref=ref)
        self.assertTrue(r["ok"], r)
        return r["file"]

    def audit(self, action, outcome):
        rows = self.logged_in("o5").request("audit", action=action, limit=100)["rows"]
        return [row for row in rows if row["outcome"] == outcome]

    def test_an_edit_is_a_new_revision_with_who_when_why(self):
        agent = self.logged_in("agent")
        base = self.read(agent, "SCP-013")["revision"]
        r = agent.request("edit", ref="SCP-013", base_revision=base, section=1,
                          text="Keep the umbrella closed.", reason="shorter")
        self.assertTrue(r["ok"], r)
        self.assertGreater(r["revision"], base)
        self.assertEqual(r["change"], "section 1")
        f = self.read(self.logged_in("cadet"), "SCP-013")
        self.assertEqual(f["revision"], r["revision"])
        self.assertEqual(f["sections"][0]["text"], "Keep the umbrella closed.")
        h = agent.request("history", ref="SCP-013")
        self.assertTrue(h["ok"], h)
        self.assertEqual(h["revision"], r["revision"])
        top = h["edits"][0]
        self.assertEqual(top["revision"], r["revision"])
        self.assertEqual(top["by"]["name"], "agent")
        self.assertEqual(top["reason"], "shorter")
        self.assertEqual(top["change"], "section 1")
        self.assertRegex(top["at"], r"^\d{4}-\d\d-\d\dT")
        self.assertTrue(self.audit("scp.edit", "success"))

        # Fields and an addendum, each on the revision before it.
        r = agent.request("edit", ref="SCP-013", base_revision=r["revision"], reason="renamed",
                          fields={"title": "Blue Umbrella", "containment": "Euclid"})
        self.assertTrue(r["ok"], r)
        r = agent.request("edit", ref="SCP-013", base_revision=r["revision"], reason="test log",
                          addendum={"title": "Addendum 013-2", "level": 3, "text": "It rained."})
        self.assertTrue(r["ok"], r)
        f = self.read(agent, "SCP-013")
        self.assertEqual(f["title"], "Blue Umbrella")
        self.assertEqual(f["containment"]["name"], "Euclid")
        self.assertEqual(f["sections"][-1]["title"], "Addendum 013-2")
        # The level-3 addendum's edit is not listed to a level-1 reader.
        changes = [e["change"] for e in self.logged_in("cadet").request(
            "history", ref="SCP-013")["edits"]]
        self.assertNotIn("addendum", changes)
        self.assertIn("title, containment", changes)

    def test_two_editors_of_one_revision_conflict(self):
        first, second = self.logged_in("agent"), self.logged_in("officer")
        base = self.read(first, "SCP-217")["revision"]
        self.assertEqual(self.read(second, "SCP-217")["revision"], base)
        r = first.request("edit", ref="SCP-217", base_revision=base, section=2,
                          text="First.", reason="one")
        self.assertTrue(r["ok"], r)
        r2 = second.request("edit", ref="SCP-217", base_revision=base, section=2,
                            text="Second.", reason="two")
        self.assertError(r2, "conflict")
        self.assertEqual(r2["revision"], r["revision"])
        self.assertEqual(self.read(second, "SCP-217")["sections"][1]["text"], "First.")
        self.assertTrue(self.audit("scp.edit", "failure"))

    def test_two_editors_at_the_same_moment_one_wins(self):
        # Sent together on two connections: the store decides, never both.
        first, second = self.logged_in("officer"), self.logged_in("director")
        for i in range(10):
            base = self.read(first, "SCP-005")["revision"]
            for c, who in ((first, "officer"), (second, "director")):
                c.send({"id": i, "op": "edit", "token": c.token, "ref": "SCP-005",
                        "base_revision": base, "section": 1, "text": "%s %d" % (who, i),
                        "reason": who})
            replies = [first.recv(), second.recv()]
            self.assertEqual(sorted(r["ok"] for r in replies), [False, True], replies)
            lost = [r for r in replies if not r["ok"]][0]
            self.assertEqual(lost["error"]["code"], "conflict")
            won = "officer" if replies[0]["ok"] else "director"
            text = self.read(first, "SCP-005")["sections"][0]["text"]
            self.assertEqual(text, "%s %d" % (won, i))

    def test_nobody_writes_above_their_clearance(self):
        researcher = self.logged_in("researcher")  # level 2
        base = self.read(researcher, "SCP-002")["revision"]

        def refused(needed, **change):
            r = researcher.request("edit", ref="SCP-002", base_revision=base, reason="x",
                                   **change)
            self.assertError(r, "clearance_denied")
            self.assertEqual(r["screen"]["needed_clearance"]["level"], needed, r)

        # Section 2 holds a level-4 passage: replacing it would overwrite what they cannot read.
        refused(4, section=2, text="Just a lamp.")
        # Section 4 is a level-5 addendum.
        refused(5, section=4, text="Nothing happened.")
        refused(3, section=1, text="Keep it dark. [[LEVEL 3]]Mostly.[[/LEVEL]]")
        refused(3, addendum={"title": "Addendum 002-3", "level": 3, "text": "More."})
        refused(3, fields={"level": 3})
        self.assertError(self.logged_in("cadet").request(
            "edit", ref="SCP-013", base_revision=1, section=1, text="x", reason="x"),
            "clearance_denied")
        r = researcher.request("edit", ref="SCP-005", base_revision=1, section=1, text="x",
                               reason="x")
        self.assertError(r, "clearance_denied")
        self.assertEqual(self.read(researcher, "SCP-002")["revision"], base)
        self.assertTrue(self.audit("scp.edit", "denied"))

    def test_history_redacts_changers_above_the_reader(self):
        officer, director = self.logged_in("officer"), self.logged_in("director")
        base = self.read(officer, "SCP-042")["revision"]
        r = officer.request("edit", ref="SCP-042", base_revision=base, section=1,
                            text="Sealed.", reason="officer's edit")
        self.assertTrue(r["ok"], r)
        r = director.request("set_status", ref="SCP-042", status="neutralized", reason="done")
        self.assertTrue(r["ok"], r)
        h = self.logged_in("agent").request("history", ref="SCP-042")  # level 3
        self.assertTrue(h["ok"], h)
        self.assertEqual(h["edits"][0]["by"], "[REDACTED]")
        self.assertEqual(h["edits"][0]["reason"], "officer's edit")
        status = h["statuses"][0]
        self.assertEqual((status["old"], status["new"], status["reason"], status["by"]),
                         ("active", "neutralized", "done", "[REDACTED]"))
        h = self.logged_in("o5").request("history", ref="SCP-042")
        self.assertEqual(h["edits"][0]["by"]["name"], "officer")
        self.assertEqual(h["statuses"][0]["by"]["name"], "director")
        # A file above the reader: the redacted screen, as for read.
        r = self.logged_in("agent").request("history", ref="SCP-100")
        self.assertError(r, "redacted")

    def test_history_and_edit_are_bounded(self):
        agent = self.logged_in("agent")
        for bad in (0, 51, "5"):
            self.assertError(agent.request("history", ref="SCP-002", limit=bad), "bad_request")
        self.assertError(agent.request("history", ref="SITE-19"), "bad_request")
        self.assertError(agent.request("history", ref="SCP-9999"), "expunged")
        base = self.read(agent, "SCP-002")["revision"]
        for change in ({"section": 1}, {"text": "x"},
                       {"section": 1, "text": "x", "fields": {"title": "t"}},
                       {"fields": {"owner": "me"}}, {"fields": {}},
                       {"section": 1, "text": "x" * 60001}, {"section": 0, "text": "x"},
                       {"addendum": {"title": "t", "text": "x"}}):
            r = agent.request("edit", ref="SCP-002", base_revision=base, reason="r", **change)
            self.assertError(r, "bad_request")
        self.assertError(agent.request("edit", ref="SCP-002", base_revision=base, section=1,
                                       text="x"), "bad_request")  # no reason
        self.assertError(agent.request("edit", ref="SCP-002", section=1, text="x", reason="r"),
                         "bad_request")  # no base
        self.assertError(agent.request("edit", ref="SCP-002", base_revision=base, section=9,
                                       text="x", reason="r"), "bad_request")
        # Three status changes, one page of two: the cap says there is more.
        for status in ("explained", "active", "explained"):
            self.assertTrue(agent.request("set_status", ref="SCP-002", status=status)["ok"])
        h = agent.request("history", ref="SCP-002", limit=2)
        self.assertEqual(len(h["statuses"]), 2)
        self.assertTrue(h["more_statuses"])
        self.assertEqual(h["statuses"][0]["new"], "explained")
        self.assertEqual(h["statuses"][0]["by"]["name"], "agent")

    def test_the_largest_history_fits_a_client_line(self):
        # 51 of each with the longest reason, all control characters (6 bytes each in JSON):
        # a page of 50 of each still fits the clients' 1 MiB line.
        agent = self.logged_in("agent")
        r = agent.request("create", kind="scp", number=4701, title="Long Memory", level=2,
                          containment="Safe", sections=[{"kind": "description",
                                                         "title": "Description", "level": 2,
                                                         "text": "It remembers."}])
        self.assertTrue(r["ok"], r)
        reason = "\x01" * 1000
        for i in range(51):
            status = "explained" if i % 2 == 0 else "active"
            self.assertTrue(agent.request("set_status", ref="SCP-4701", status=status,
                                          reason=reason)["ok"])
            base = self.read(agent, "SCP-4701")["revision"]
            self.assertTrue(agent.request("edit", ref="SCP-4701", base_revision=base, section=1,
                                          text="v%d" % i, reason=reason)["ok"])
        agent.send({"id": 1, "op": "history", "token": agent.token, "ref": "SCP-4701",
                    "limit": 50})
        line = agent.recv_line()
        self.assertLess(len(line), 1024 * 1024)
        h = json.loads(line)
        self.assertEqual((len(h["edits"]), len(h["statuses"])), (50, 50))
        self.assertTrue(h["more_edits"] and h["more_statuses"])
        self.assertEqual(h["edits"][0]["reason"], reason)
