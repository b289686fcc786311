"""A site file's staff, task forces and SCP files, each row cleared for its reader
(shared by test_site_tables.py on SQLite and test_pg_site_tables.py on PostgreSQL).

The class using these cases provides logged_in(name) and a fresh demo store."""
import json

HIDDEN_USER = "Quill.Vantablack"  # level 4, stationed at SITE-19
HIDDEN_SCP = "The Whispering Lattice"  # SCP-3900, level 4, at SITE-19
HIDDEN_MTF = "Pale Orchard"  # level 4, at SITE-19
REDACTED = "[REDACTED]"


class SiteTableCases:

    def seed(self):
        """What only a level-4 reader may name, stationed at SITE-19 (once per store)."""
        d = self.logged_in("director")
        if d.request("read", ref="SCP-3900")["ok"]:
            return
        r = d.request("create", kind="user", name=HIDDEN_USER, password="quill-pass-1234",
                      clearance=4, title="Security Officer", site="SITE-19")
        self.assertTrue(r["ok"], r)
        r = d.request("create", kind="scp", number=3900, title=HIDDEN_SCP, level=4,
                      containment="Keter", site="SITE-19")
        self.assertTrue(r["ok"], r)
        r = d.request("create", kind="mtf", designation="Tau-9", nickname=HIDDEN_MTF, level=4,
                      site="SITE-19")
        self.assertTrue(r["ok"], r)

    def read_site(self, name, ref="SITE-19"):
        c = self.logged_in(name)
        c.send({"id": 99, "op": "read", "token": c.token, "ref": ref})
        raw = c.recv_line()
        reply = json.loads(raw)
        self.assertTrue(reply["ok"], reply)
        return reply["file"], raw.decode("utf-8")

    def rows(self, table):
        return {row["ref"]: row for row in table}

    def test_level_2_staff_sees_hidden_rows_redacted(self):
        self.seed()
        f, raw = self.read_site("researcher")  # level 2, stationed at SITE-19
        staff = self.rows(f["staff"])
        self.assertEqual(staff["USER-2"]["name"], "researcher")
        self.assertEqual(staff["USER-2"]["detail"], "Researcher")
        hidden = [r for r in f["staff"] if r["name"] == REDACTED]
        # The director (5) and the new officer (4) are above the reader: ref and level only.
        self.assertEqual(len(hidden), 2, f["staff"])
        for row in hidden:
            self.assertIsNone(row["detail"])
            self.assertGreater(row["classification"]["level"], 2)
        scps = self.rows(f["scps"])
        self.assertEqual(scps["SCP-002"]["detail"], "Euclid")
        self.assertEqual(scps["SCP-3900"]["name"], REDACTED)
        self.assertIsNone(scps["SCP-3900"]["detail"])
        mtfs = [r for r in f["task_forces"] if r["name"] == REDACTED]
        self.assertEqual(len(mtfs), 1, f["task_forces"])
        self.assertEqual(f["staff_total"], len(f["staff"]))
        self.assertEqual(f["scps_total"], len(f["scps"]))
        # Nothing of a hidden name anywhere in the bytes the reader got.
        for secret in (HIDDEN_USER, HIDDEN_SCP, HIDDEN_MTF, "Security Officer", "Quill",
                       "Whispering", "Orchard"):
            self.assertNotIn(secret, raw)
        self.assertNotIn('"director"', raw.replace('"director":', ""))

    def test_cleared_reader_sees_every_name(self):
        self.seed()
        f, raw = self.read_site("o5")
        self.assertIn(HIDDEN_USER, [r["name"] for r in f["staff"]])
        self.assertIn(HIDDEN_SCP, [r["name"] for r in f["scps"]])
        self.assertNotIn(REDACTED, raw)
        scp = self.rows(f["scps"])["SCP-3900"]
        self.assertEqual(scp["detail"], "Keter")
        self.assertEqual(scp["classification"]["level"], 4)

    def test_other_site_lists_only_its_own(self):
        self.seed()
        f, _ = self.read_site("officer", "SITE-77")
        self.assertEqual(sorted(self.rows(f["scps"])), ["SCP-005", "SCP-042"])
        self.assertEqual(sorted(self.rows(f["staff"])), ["USER-3", "USER-4"])
        self.assertEqual(self.rows(f["task_forces"])["MTF-6"]["detail"], "active")
