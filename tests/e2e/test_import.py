"""`deepwell import` and `deepwell export`: migrating from the original SCiPNET.

Each test builds a small original-style deepwell folder (SCiPNET.db made the way
SQLAlchemy makes it, plus markdown files) in both schema variants: scps without
status/name columns, and scps with them (and lookups spelled and numbered
differently, to prove values are matched by name).  Passwords are werkzeug scrypt
hashes computed with hashlib.scrypt.  The folders and helpers: import_util.py; what
import must refuse: test_import_refusals.py.
"""

import json
import os
import sqlite3
import stat
import unittest

import harness
from import_util import (ADDENDUM_1, ADDENDUM_2, OVERRIDE_PHRASE, REDACTED_TEXT, SCRYPT_N,
                         ImportTestCase, query, run, tree, url_name, write)


class OriginalImportTest(ImportTestCase):
    def check_variant(self, variant):
        src = self.source(variant)
        db = self.store()
        out = self.import_ok(db, src)

        # Users: logins kept, plaintext / unknown formats disabled, unknown level refused.
        users = {r[0]: r[1:] for r in query(
            db, "SELECT u.name, u.password_hash, u.active, u.personnel_active, u.clearance_level,"
                " t.name, u.site_id, u.task_force_id, u.last_login FROM users u"
                " JOIN titles t ON t.id = u.title_id")}
        self.assertEqual(set(users), {"director", "agent.vance", "plainuser", "weird"})
        self.assertTrue(users["director"][0].startswith("scrypt:%d:8:1$" % SCRYPT_N))
        self.assertEqual(users["director"][1:], (1, 1, 5, "Site Director", 19, None,
                                                 "2024-02-01T08:30:00.250Z"))
        # is_active is the personnel status only: it never stops a login.
        self.assertEqual(users["agent.vance"][1:7], (1, 0, 3, "Field Agent", 19, 3))
        for name in ("plainuser", "weird"):
            self.assertEqual(users[name][0], "!unusable")
            self.assertEqual(users[name][1], 0, name)
            self.assertIn("disabled: user '%s'" % name, out)
        self.assertNotIn("hunter2", out)
        self.assertEqual(users["plainuser"][4], "Researcher")  # "Janitor" is unknown
        self.assertIn("unknown title 'Janitor'", out)
        self.assertIn("refused: user 'ghost'", out)

        # SCP files: numbers, titles, levels and classes mapped by name.
        scps = {r[0]: r[1:] for r in query(
            db, "SELECT s.number, s.title, s.clearance_level, cc.name, sc.name, dc.name, rc.name,"
                " s.status, s.site_id, s.task_force_id FROM scp_files s"
                " LEFT JOIN containment_classes cc ON cc.id = s.containment_class_id"
                " LEFT JOIN secondary_classes sc ON sc.id = s.secondary_class_id"
                " LEFT JOIN disruption_classes dc ON dc.id = s.disruption_class_id"
                " LEFT JOIN risk_classes rc ON rc.id = s.risk_class_id")}
        self.assertEqual(set(scps), {2, 5, 13, 77})
        self.assertEqual(scps[2], ("SCP-002", 2, "Euclid", None, "Vlam", "Notice", "active", 19,
                                   3))
        title5 = "The Red Door" if variant == "named" else "SCP-005"
        status5 = "neutralized" if variant == "named" else "active"
        self.assertEqual(scps[5], (title5, 4, "Keter", "Apollyon", "Dark", "Danger", status5, 77,
                                   None))
        self.assertEqual(scps[13][:2], ("SCP-013", 1))
        self.assertEqual(scps[77][:2], ("SCP-077", 6))  # files only: highest level
        self.assertIn("orphan: scps/77", out)
        self.assertIn("refused: SCP-008", out)
        self.assertIn("missing: SCP-013", out)
        self.assertIn("missing: sites row 77: no files", out)
        if variant == "named":
            self.assertIn("unknown status 'bogus'", out)

        # Sections: procedures, description, then addenda titled by their decoded names.
        sections = query(db, "SELECT kind, title, position, clearance_level, body FROM sections"
                             " WHERE scp_id = (SELECT id FROM scp_files WHERE number = 2)"
                             " ORDER BY position")
        self.assertEqual([s[:4] for s in sections], [
            ("containment", "Special Containment Procedures", 1, 2),
            ("description", "Description", 2, 2),
            ("addendum", ADDENDUM_1, 3, 2),
            ("addendum", ADDENDUM_2, 4, 2),
        ])
        self.assertEqual(sections[1][4], REDACTED_TEXT)  # classified text kept as it is
        self.assertIn("skipped: scps/2/addenda/bad%ZZname.md", out)
        self.assertIn("skipped: scps/2/notes.txt", out)
        self.assertIn("skipped: scps/abc", out)

        # Sites, task forces, lookup descriptions.
        sites = {r[0]: r[1:] for r in query(
            db, "SELECT id, name, director_id, description, location, dossier FROM sites")}
        self.assertEqual(sites[19], ("Site-19", 1, "Site-19 description.\n", "Undisclosed.\n",
                                     "Dossier.\n"))
        self.assertEqual(sites[77][:2], ("Site-77", None))
        self.assertEqual(sites[88][:1], ("Site-88",))
        self.assertEqual(query(db, "SELECT designation, nickname, leader_id, site_id, mission"
                                   " FROM task_forces"),
                         [("Epsilon-6", "Village Idiots", 2, 19, "Containment of SCP-002.\n")])
        self.assertEqual(query(db, "SELECT description FROM clearance_levels WHERE id = 3"),
                         [("Confidential means confidential.\n",)])
        self.assertEqual(query(db, "SELECT description FROM containment_classes WHERE id = 2"),
                         [("Euclid: unpredictable.\n",)])

        # Audit history: imported, in the original's order, chained.
        rows = query(db, "SELECT ts, user_id, client_addr, action, outcome, details"
                         " FROM audit_log WHERE imported = 1 ORDER BY id")
        self.assertEqual([r[:5] for r in rows], [
            ("2024-02-01T08:30:00.250Z", 1, "10.0.0.5", "login", "success"),
            ("2024-02-01T08:31:00.000Z", 3, "10.0.0.6", "login", "failure"),
            ("2024-02-01T08:32:00.000Z", 1, "10.0.0.5", "read", "success"),
        ])
        self.assertEqual(json.loads(rows[1][5])["details"], "bad password")
        verify = run("--db", db, "audit", "verify")
        self.assertEqual(verify.returncode, 0, verify.stderr + verify.stdout)

        self.check_kept_everything(variant, db, out)

        # Summary counts.
        self.assertIn("users         4 added, 0 already there, 1 refused", out)
        self.assertIn("disabled      2", out)
        return src, db

    def check_kept_everything(self, variant, db, out):
        """Issue 19 section 2: every class, site, task force, description and login is kept."""
        # "Level 2 - Vlam", "Level 4 - Danger" (named) map like "Vlam", "Danger" (plain),
        # and so do their descriptions.
        self.assertNotIn("unknown disruption_classes", out)
        self.assertNotIn("unknown risk_classes", out)
        self.assertNotIn("matches no", out)
        self.assertEqual(query(db, "SELECT description FROM disruption_classes WHERE id = 2"),
                         [("Vlam.\n",)])
        if variant == "named":
            self.assertEqual(query(db, "SELECT description FROM risk_classes WHERE id = 4"),
                             [("Danger.\n",)])
        # Site 0 is a site of its own (ids start at 1 here), and SCP-013 stays at it.
        site0 = "NULL-Site-0" if variant == "named" else "Site-0"
        rows = query(db, "SELECT id, description FROM sites WHERE name = ?", (site0,))
        self.assertEqual(len(rows), 1, out)
        self.assertEqual(rows[0][1], "No site.\n")
        self.assertIn("renumbered: sites row 0: '%s' is SITE-%d here" % (site0, rows[0][0]), out)
        self.assertEqual(query(db, "SELECT site_id FROM scp_files WHERE number = 13"),
                         [(rows[0][0],)])
        # Task forces keep the original's access: every user may open them.
        self.assertEqual(query(db, "SELECT clearance_level FROM task_forces"), [(1,)])
        # scps/<n>/descs/main.md (named) is the description as desc.md is (plain).
        self.assertEqual(query(db, "SELECT kind, body FROM sections WHERE scp_id ="
                                   " (SELECT id FROM scp_files WHERE number = 5)"),
                         [("description", "A red door.\n")])
        # What is left out is named, with why; the override phrase itself never appears.
        self.assertIn("skipped: creation_guides/: the original's authoring guides", out)
        self.assertIn("skipped: users row 1: override phrase not imported", out)
        self.assertNotIn(OVERRIDE_PHRASE, out)
        self.assertNotIn("skipped: SCiPNET.db", out)

    def test_original_without_status_and_name_columns(self):
        self.check_variant("plain")

    def test_original_with_status_and_name_columns(self):
        self.check_variant("named")

    def test_import_twice_adds_nothing(self):
        src = self.source("named")
        db = self.store()
        self.import_ok(db, src)
        counts = "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM scp_files)," \
                 " (SELECT count(*) FROM sections), (SELECT count(*) FROM sites)," \
                 " (SELECT count(*) FROM task_forces)," \
                 " (SELECT count(*) FROM audit_log WHERE imported = 1)"
        before = query(db, counts)
        out = self.import_ok(db, src)
        self.assertEqual(query(db, counts), before)
        self.assertIn("users         0 added, 4 already there", out)
        self.assertIn("audit rows    already imported from this source: 3 skipped", out)
        verify = run("--db", db, "audit", "verify")
        self.assertEqual(verify.returncode, 0, verify.stderr + verify.stdout)


class TransactionTest(ImportTestCase):
    def test_a_failure_while_writing_writes_nothing(self):
        db = self.store()
        init = run("--db", db, "init")
        self.assertEqual(init.returncode, 0, init.stderr)
        # Make the store refuse one row late in the import (after users, sites, ...).
        con = sqlite3.connect(db)
        con.execute("CREATE TRIGGER refuse_013 BEFORE INSERT ON scp_files WHEN NEW.number = 13"
                    " BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
        con.commit()
        con.close()
        counts = "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM scp_files)," \
                 " (SELECT count(*) FROM sections), (SELECT count(*) FROM sites)," \
                 " (SELECT count(*) FROM task_forces), (SELECT count(*) FROM audit_log)," \
                 " (SELECT count(*) FROM clearance_levels WHERE description != '')"
        before = query(db, counts)
        r = run("--db", db, "import", self.source("plain"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("import failed; nothing was written", r.stderr)
        self.assertIn("refused by test", r.stderr)
        self.assertEqual(query(db, counts), before)


class RoundTripTest(ImportTestCase):
    def test_export_import_export_is_byte_identical(self):
        db = self.store()
        self.import_ok(db, self.source("named"))
        out1, out2 = os.path.join(self.tmp, "out1"), os.path.join(self.tmp, "out2")
        r = run("--db", db, "export", out1)
        self.assertEqual(r.returncode, 0, r.stderr)
        fresh = self.store("fresh.db")
        out = self.import_ok(fresh, out1)
        self.assertIn("(manifest.json)", out)
        r = run("--db", fresh, "export", out2)
        self.assertEqual(r.returncode, 0, r.stderr)
        first, second = tree(out1), tree(out2)
        self.assertEqual(sorted(first), sorted(second))
        for path in first:
            self.assertEqual(first[path], second[path], path)
        # The same layout as the original, with the addenda under their encoded titles.
        self.assertIn(os.path.join("scps", "2", "addenda", url_name(ADDENDUM_2)), first)
        self.assertIn(os.path.join("sites", "19", "loc.md"), first)
        self.assertEqual(first[os.path.join("scps", "2", "desc.md")], REDACTED_TEXT.encode())
        manifest = json.loads(first["manifest.json"])
        scp2 = [s for s in manifest["scps"] if s["number"] == 2][0]
        self.assertEqual([(s["kind"], s["title"], s["level"], s["position"])
                          for s in scp2["sections"]],
                         [("containment", "Special Containment Procedures", 2, 1),
                          ("description", "Description", 2, 2),
                          ("addendum", ADDENDUM_1, 2, 3), ("addendum", ADDENDUM_2, 2, 4)])
        # No password hashes unless asked for.
        self.assertNotIn(b"scrypt:", first["manifest.json"])
        self.assertNotIn("credentials.json", first)
        # Without hashes the copies cannot log in, and say so.
        self.assertIn("disabled: user 'director': no password in the source", out)

    def test_credentials_round_trip_keeps_logins(self):
        db = self.store()
        self.import_ok(db, self.source("plain"))
        out1, out2 = os.path.join(self.tmp, "out1"), os.path.join(self.tmp, "out2")
        self.assertEqual(run("--db", db, "export", "--with-credentials", out1).returncode, 0)
        creds = os.path.join(out1, "credentials.json")
        self.assertEqual(stat.S_IMODE(os.stat(creds).st_mode), 0o600)
        fresh = self.store("fresh.db")
        self.import_ok(fresh, out1)
        self.assertEqual(query(fresh, "SELECT name, password_hash, active FROM users ORDER BY id"),
                         query(db, "SELECT name, password_hash, active FROM users ORDER BY id"))
        self.assertEqual(run("--db", fresh, "export", "--with-credentials", out2).returncode, 0)
        self.assertEqual(tree(out1), tree(out2))

    def test_edited_export_imports_new_file(self):
        db = self.store()
        self.import_ok(db, self.source("plain"))
        out1 = os.path.join(self.tmp, "out1")
        self.assertEqual(run("--db", db, "export", out1).returncode, 0)
        # An editor adds a new SCP folder by hand: imported from its files alone.
        write(os.path.join(out1, "scps", "404", "desc.md"), "Written in an editor.\n")
        fresh = self.store("fresh.db")
        out = self.import_ok(fresh, out1)
        self.assertIn("orphan: scps/404", out)
        self.assertEqual(query(fresh, "SELECT title, clearance_level FROM scp_files"
                                      " WHERE number = 404"), [("SCP-404", 6)])

    def test_export_refuses_a_non_empty_folder(self):
        db = self.store()
        self.import_ok(db, self.source("plain"))
        out = os.path.join(self.tmp, "busy")
        write(os.path.join(out, "keep.txt"), "x")
        r = run("--db", db, "export", out)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not empty", r.stderr)


class LoginAfterImportTest(ImportTestCase):
    def test_old_password_logs_in_and_is_upgraded_to_argon2id(self):
        db = self.store()
        self.import_ok(db, self.source("named"))
        server = harness.Server(db).start()
        try:
            c = server.client()
            try:
                reply = c.login("director", "director-old")
                self.assertTrue(reply["ok"], reply)
                self.assertEqual(reply["user"]["clearance"]["level"], 5)
                self.assertTrue(harness.wait_for(lambda: query(
                    db, "SELECT password_hash FROM users WHERE name = 'director'")[0][0]
                    .startswith("$argon2id$")), "hash was not upgraded")
                # Personnel status "inactive" never stops a login.
                self.assertTrue(c.login("agent.vance", "vance-old")["ok"])
                self.assertFalse(c.login("director", "wrong")["ok"])
                # A plaintext password from the original is never accepted.
                self.assertFalse(c.login("plainuser", "hunter2")["ok"])
            finally:
                c.close()
            c = server.client()
            try:
                self.assertTrue(c.login("director", "director-old")["ok"])  # argon2id now
            finally:
                c.close()
        finally:
            rc = server.stop()
        self.assertIn(rc, (0, None), server.log())


if __name__ == "__main__":
    unittest.main()
