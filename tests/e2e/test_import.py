"""`deepwell import` and `deepwell export`: migrating from the original SCiPNET.

Each test builds a small original-style deepwell folder (SCiPNET.db made the way
SQLAlchemy makes it, plus markdown files) in both schema variants: scps without
status/name columns, and scps with them (and lookups spelled and numbered
differently, to prove values are matched by name).  Passwords are werkzeug scrypt
hashes computed here with hashlib.scrypt.
"""
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import unittest

import harness
from admin_util import connect_store

BIN = harness.BIN
DEEPWELL = os.path.join(BIN, "deepwell")
SCRYPT_N = 1024  # werkzeug's default is 32768; a small N keeps the tests fast

ADDENDUM_1 = "Addendum 002-1: Recovery"
ADDENDUM_2 = "Addendum 002-2: Interview Log [04/16/2017]"
REDACTED_TEXT = "SCP-002 was found in ██████ ███. [DATA EXPUNGED]\n"


def werkzeug_hash(password, n=SCRYPT_N):
    """werkzeug.security.generate_password_hash(password, 'scrypt:N:8:1')."""
    salt = secrets.token_hex(8)
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=8, p=1,
                            maxmem=132 * n * 8 + 1024 * 1024, dklen=64)
    return "scrypt:%d:8:1$%s$%s" % (n, salt, digest.hex())


def url_name(title):
    """Python's urllib.parse.quote(title, safe='') as the original names addenda."""
    from urllib.parse import quote
    return quote(title, safe="") + ".md"


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


# Lookup tables per variant: (id, name).  "named" renumbers and respells everything.
LEVELS = {
    "plain": [(1, "Level 1"), (2, "Level 2"), (3, "Level 3"), (4, "Level 4"), (5, "Level 5"),
              (6, "Level 6")],
    "named": [(10, "1 - Unrestricted"), (11, "2 - Restricted"), (12, "3 - Confidential"),
              (13, "4 - Secret"), (14, "5 - Top Secret"), (15, "6 - Cosmic Top Secret"),
              (16, "Omega Black")],
}


def level_id(variant, level):
    return LEVELS[variant][level - 1][0]


def build_original(root, variant):
    """An original SCiPNET deepwell folder at root; returns its expectations."""
    named = variant == "named"
    db = sqlite3.connect(os.path.join(root, "SCiPNET.db"))
    ts = "created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL"
    lvl_table = "clearance_levels" if named else "clearance_lvls"
    for table in (lvl_table, "titles", "containment_classes", "secondary_classes",
                  "disruption_classes", "risk_classes"):
        db.execute("CREATE TABLE %s (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, %s)"
                   % (table, ts))
    now = "2024-03-01 12:00:00.000000"

    def rows(table, values):
        for v in values:
            db.execute("INSERT INTO %s VALUES (%s)" % (table, ",".join("?" * (len(v) + 2))),
                       (*v, now, now))

    rows(lvl_table, LEVELS[variant])
    rows("titles", [(1, "researcher"), (2, "FIELD AGENT"), (3, "Site Director"), (4, "Janitor")])
    rows("containment_classes", [(1, "Safe"), (2, "euclid"), (3, "KETER")])
    rows("secondary_classes", [(1, "Apollyon")])
    rows("disruption_classes", [(1, "Dark"), (2, "Vlam")])
    rows("risk_classes", [(1, "Notice"), (2, "Danger")])

    db.execute("CREATE TABLE sites (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL,"
               " director_id INTEGER, %s)" % ts)
    rows("sites", [(19, "Site-19", 1), (77, "Site-77", None)])
    db.execute("CREATE TABLE mtfs (id INTEGER PRIMARY KEY, name VARCHAR(25) NOT NULL,"
               " nickname VARCHAR(100) NOT NULL, leader_id INTEGER, site_id INTEGER,"
               " active BOOLEAN, %s)" % ts)
    rows("mtfs", [(3, "Epsilon-6", "Village Idiots", 2, 19, 1)])
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,"
               " password VARCHAR(162) NOT NULL, override_phrase VARCHAR(162),"
               " clearance_lvl_id INTEGER NOT NULL, title_id INTEGER NOT NULL,"
               " site_id INTEGER, mtf_id INTEGER, is_active BOOLEAN NOT NULL,"
               " last_login DATETIME, %s)" % ts)
    unknown_level = 16 if named else 99
    rows("users", [
        (1, "director", werkzeug_hash("director-old"), None, level_id(variant, 5), 3, 19, None,
         1, "2024-02-01 08:30:00.250000"),
        (2, "agent.vance", werkzeug_hash("vance-old"), None, level_id(variant, 3), 2, 19, 3, 0,
         None),
        (3, "plainuser", "hunter2", None, level_id(variant, 2), 4, 77, None, 1, None),
        (4, "weird", "pbkdf2:sha256:600000$abc$def", None, level_id(variant, 1), 1, None, None,
         1, None),
        (5, "ghost", werkzeug_hash("ghost"), None, unknown_level, 1, None, None, 1, None),
    ])

    extra = ", status VARCHAR(15), name VARCHAR(100)" if named else ""
    db.execute("CREATE TABLE scps (id INTEGER PRIMARY KEY, clearance_lvl_id INTEGER NOT NULL,"
               " containment_class_id INTEGER, secondary_class_id INTEGER,"
               " disruption_class_id INTEGER, risk_class_id INTEGER,"
               " site_responsible_id INTEGER, assigned_task_force_id INTEGER%s, %s)"
               % (extra, ts))
    scps = [
        # id, level, containment, secondary, disruption, risk, site, mtf [, status, name]
        [2, level_id(variant, 2), 2, None, 2, 1, 19, 3],
        [5, level_id(variant, 4), 3, 1, 1, 2, 77, None],
        [13, level_id(variant, 1), 1, None, None, None, None, None],
        [8, unknown_level, 1, None, None, None, None, None],
    ]
    if named:
        scps[0] += ["active", "SCP-002"]
        scps[1] += ["NEUTRALIZED", "The Red Door"]
        scps[2] += ["bogus", None]
        scps[3] += [None, None]
    rows("scps", [tuple(s) for s in scps])

    db.execute("CREATE TABLE audit_log (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,"
               " user_ip VARCHAR(25) NOT NULL, action VARCHAR(255) NOT NULL,"
               " details VARCHAR(255) NOT NULL, status BOOLEAN, timestamp DATETIME NOT NULL, %s)"
               % ts)
    rows("audit_log", [
        (1, 1, "10.0.0.5", "login", "director logged in", 1, "2024-02-01 08:30:00.250000"),
        (2, 3, "10.0.0.6", "login", "bad password", 0, "2024-02-01 08:31:00"),
        (3, 1, "10.0.0.5", "read", "SCP-002", 1, "2024-02-01 08:32:00"),
    ])
    db.commit()
    db.close()

    scp = lambda *p: os.path.join(root, "scps", *p)
    write(scp("2", "cps.md"), "Keep the door closed.\n")
    write(scp("2", "desc.md"), REDACTED_TEXT)
    write(scp("2", "addenda", url_name(ADDENDUM_1)), "Recovered from ███.\n")
    write(scp("2", "addenda", url_name(ADDENDUM_2)), "Interview text.\n")
    write(scp("2", "addenda", "bad%ZZname.md"), "never imported\n")
    write(scp("2", "notes.txt"), "not part of the layout\n")
    write(scp("5", "desc.md"), "A red door.\n")
    write(scp("77", "desc.md"), "Files without a database row.\n")
    write(scp("abc", "desc.md"), "not a number\n")
    write(os.path.join(root, "sites", "19", "desc.md"), "Site-19 description.\n")
    write(os.path.join(root, "sites", "19", "loc.md"), "Undisclosed.\n")
    write(os.path.join(root, "sites", "19", "dossier.md"), "Dossier.\n")
    write(os.path.join(root, "sites", "88", "desc.md"), "An orphan site.\n")
    write(os.path.join(root, "mtfs", "3", "mission.md"), "Containment of SCP-002.\n")
    write(os.path.join(root, "descs", "clearance_levels", "%d.md" % level_id(variant, 3)),
          "Confidential means confidential.\n")
    write(os.path.join(root, "descs", "containment_classes", "2.md"), "Euclid: unpredictable.\n")
    write(os.path.join(root, "descs", "disruption_classes", "2.md"), "Vlam.\n")
    return named


def run(*args, env=None, user=None, timeout=120):
    return subprocess.run([DEEPWELL, *args], env=harness.clean_env(env), capture_output=True,
                          text=True, timeout=timeout, user=user)


def query(db, sql, params=()):
    con = connect_store(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def tree(root):
    """Every file under root: relative path -> bytes."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = fh.read()
    return out


class ImportTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-import-")
        os.chmod(self.tmp, 0o755)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def source(self, variant, name="src"):
        root = os.path.join(self.tmp, "%s-%s" % (name, variant))
        os.makedirs(root)
        build_original(root, variant)
        return root

    def store(self, name="store.db"):
        return os.path.join(self.tmp, name)

    def import_ok(self, db, source):
        r = run("--db", db, "import", source)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r.stdout


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

        # Summary counts.
        self.assertIn("users         4 added, 0 already there, 1 refused", out)
        self.assertIn("disabled      2", out)
        return src, db

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


class BadSourceTest(ImportTestCase):
    """Each bad source: one clear error line, non-zero exit, nothing changed."""

    def assertRefused(self, source, expected, user=None):
        db = self.store()
        r = run("--db", db, "import", source, user=user)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        lines = [l for l in r.stderr.splitlines() if l.startswith("deepwell:")]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(expected, lines[0])
        self.assertFalse(os.path.exists(db), "a bad source must not create the store")
        return lines[0]

    def assertStoreUnchanged(self, source, expected):
        """Against an existing store: the failed import writes nothing."""
        db = self.store("existing.db")
        self.import_ok(db, self.source("plain", name="good"))
        dump = lambda: query(db, "SELECT (SELECT count(*) FROM users),"
                                 " (SELECT count(*) FROM scp_files),"
                                 " (SELECT count(*) FROM sections), (SELECT count(*) FROM sites),"
                                 " (SELECT count(*) FROM audit_log)")
        before = dump()
        r = run("--db", db, "import", source)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(expected, r.stderr)
        self.assertEqual(dump(), before)

    def test_missing_database(self):
        src = os.path.join(self.tmp, "empty")
        os.makedirs(src)
        self.assertRefused(src, "no SCiPNET.db")

    def test_missing_folder(self):
        self.assertRefused(os.path.join(self.tmp, "nowhere"), "No such file or directory")

    def test_not_sqlite(self):
        src = self.source("plain")
        write(os.path.join(src, "SCiPNET.db"), "this is not a database\n" * 100)
        self.assertRefused(src, "not an SQLite database")

    def test_not_the_original_schema(self):
        src = os.path.join(self.tmp, "other")
        os.makedirs(src)
        con = sqlite3.connect(os.path.join(src, "SCiPNET.db"))
        con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        con.commit()
        con.close()
        self.assertRefused(src, "not the original SCiPNET's database (no scps table)")

    def test_file_not_utf8(self):
        src = self.source("plain")
        write(os.path.join(src, "scps", "2", "cps.md"), b"Latin-1 \xe9t\xe9\n", mode="wb")
        self.assertRefused(src, "scps/2/cps.md: not valid UTF-8")
        self.assertStoreUnchanged(src, "not valid UTF-8")

    def test_database_text_not_utf8(self):
        src = self.source("plain")
        con = sqlite3.connect(os.path.join(src, "SCiPNET.db"))
        con.execute("UPDATE users SET name = CAST(X'626F62FF' AS TEXT) WHERE id = 2")
        con.commit()
        con.close()
        self.assertRefused(src, "not valid UTF-8")

    def unreadable(self, target):
        """Makes target unreadable; returns the user to run as (root reads anything)."""
        os.chmod(target, 0)
        if os.geteuid() != 0:
            return None
        for dirpath, dirs, files in os.walk(self.tmp):
            os.chmod(dirpath, 0o777)
            for f in files:
                if os.path.join(dirpath, f) != target:
                    os.chmod(os.path.join(dirpath, f), 0o666)
        return 65534  # nobody

    def test_unreadable_file(self):
        src = self.source("plain")
        user = self.unreadable(os.path.join(src, "scps", "5", "desc.md"))
        self.assertRefused(src, "scps/5/desc.md: cannot read: Permission denied", user=user)

    def test_unreadable_database(self):
        src = self.source("plain")
        user = self.unreadable(os.path.join(src, "SCiPNET.db"))
        self.assertRefused(src, "SCiPNET.db: cannot read: Permission denied", user=user)

    def test_malformed_manifest(self):
        src = os.path.join(self.tmp, "exported")
        write(os.path.join(src, "manifest.json"), '{"format": "scipnet-deepwell-export",'
              ' "version": 1, "scps": [{"number": 2, "title": "x", "level": 2, "sections":'
              ' [{"kind": "addendum", "title": "t", "position": 1,'
              ' "file": "scps/2/../../../etc/passwd"}]}]}')
        self.assertRefused(src, "not a path inside")


# What `deepwell import` reads at most from one file (TEXTFILE_MAX_BYTES).
FILE_CAP = 16 * 1024 * 1024
KEY_TEXT = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-for-level-1\n"


def store_bytes(db):
    """Every byte the store keeps on disk (main file, audit file, their WALs)."""
    data = b""
    for suffix in ("", "-wal", ".audit", ".audit-wal"):
        if os.path.exists(db + suffix):
            with open(db + suffix, "rb") as f:
                data += f.read()
    return data


class UnsafeFilesTest(ImportTestCase):
    """A source tree someone else could write to: import reads only the files it holds.

    Symbolic links (to files or folders) are never followed, a FIFO never blocks, and a
    file larger than the cap is not read; each is named in the summary and the rest of
    the source is imported."""

    def secret_outside(self):
        """A key file and a folder of markdown outside the source, as an attacker links them."""
        outside = os.path.join(self.tmp, "outside")
        write(os.path.join(outside, "server.key"), KEY_TEXT)
        write(os.path.join(outside, "scp", "desc.md"), KEY_TEXT)
        write(os.path.join(outside, "scp", "cps.md"), KEY_TEXT)
        write(os.path.join(outside, "addenda", "Leak.md"), KEY_TEXT)
        write(os.path.join(outside, "descs", "1.md"), KEY_TEXT)
        return outside

    def test_links_fifos_and_huge_files_are_refused_and_named(self):
        src = self.source("plain")
        outside = self.secret_outside()
        key = os.path.join(outside, "server.key")
        # SCP-013 is a level-1 file without files of its own: the filed attack.
        os.makedirs(os.path.join(src, "scps", "13"))
        os.symlink(key, os.path.join(src, "scps", "13", "desc.md"))
        os.symlink(key, os.path.join(src, "sites", "19", "loc.md.tmp"))  # not in the layout
        os.remove(os.path.join(src, "sites", "19", "loc.md"))
        os.symlink(key, os.path.join(src, "sites", "19", "loc.md"))
        os.symlink(key, os.path.join(src, "descs", "containment_classes", "1.md"))
        # Folders that are links: a whole SCP folder, an addenda folder, a descs table.
        os.symlink(os.path.join(outside, "scp"), os.path.join(src, "scps", "21"))
        os.symlink(os.path.join(outside, "addenda"), os.path.join(src, "scps", "5", "addenda"))
        os.symlink(os.path.join(outside, "descs"), os.path.join(src, "descs", "risk_classes"))
        # A FIFO nobody writes to, and a file one byte over the cap.
        os.mkfifo(os.path.join(src, "scps", "5", "cps.md"))
        with open(os.path.join(src, "mtfs", "3", "mission.md"), "w") as f:
            f.write("a" * (FILE_CAP + 1))

        db = self.store()
        r = run("--db", db, "import", src, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        out = r.stdout
        for line in ["refused: scps/13/desc.md: symbolic link; not followed",
                     "refused: sites/19/loc.md: symbolic link; not followed",
                     "refused: descs/containment_classes/1.md: symbolic link; not followed",
                     "refused: scps/21: symbolic link; not followed",
                     "refused: scps/5/addenda: symbolic link; not followed",
                     "refused: descs/risk_classes: symbolic link; not followed",
                     "refused: scps/5/cps.md: not a regular file (fifo); not read",
                     "refused: mtfs/3/mission.md: larger than %d bytes; not read" % FILE_CAP]:
            self.assertIn("  " + line + "\n", out)
        self.assertIn("skipped: sites/19/loc.md.tmp", out)
        self.assertIn("  files         8 refused (not read; named below)\n", out)
        details = json.loads(query(db, "SELECT details FROM audit_log WHERE action = 'import'")
                             [0][0])
        self.assertEqual(details["files_refused"], 8)

        # The secret is nowhere in the store, not even in the audit log.
        self.assertNotIn(b"BEGIN PRIVATE KEY", store_bytes(db))
        self.assertNotIn("BEGIN PRIVATE KEY", out)
        self.assertEqual(query(db, "SELECT count(*) FROM scp_files WHERE number = 21"), [(0,)])

        # The rest is imported.
        self.assertEqual(query(db, "SELECT s.kind, s.body FROM sections s JOIN scp_files f"
                                   " ON f.id = s.scp_id WHERE f.number = 5"),
                         [("description", "A red door.\n")])
        self.assertEqual(query(db, "SELECT count(*) FROM sections s JOIN scp_files f"
                                   " ON f.id = s.scp_id WHERE f.number = 2"), [(4,)])
        self.assertEqual(query(db, "SELECT description, location FROM sites WHERE id = 19"),
                         [("Site-19 description.\n", "")])
        self.assertEqual(query(db, "SELECT mission FROM task_forces"), [("",)])
        self.assertIn("missing: SCP-013: no files", out)

    def test_a_fifo_or_link_as_the_database_fails_promptly(self):
        for make in ("fifo", "link"):
            with self.subTest(make=make):
                src = self.source("plain", name="db-" + make)
                dbfile = os.path.join(src, "SCiPNET.db")
                real = os.path.join(self.tmp, "real-%s.db" % make)
                os.rename(dbfile, real)
                if make == "fifo":
                    os.mkfifo(dbfile)
                else:
                    os.symlink(real, dbfile)
                db = self.store("store-%s.db" % make)
                r = run("--db", db, "import", src, timeout=30)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                why = "not a regular file (fifo)" if make == "fifo" else "symbolic link"
                self.assertIn("SCiPNET.db: %s" % why, r.stderr)
                self.assertFalse(os.path.exists(db), "a refused source must not create the store")

    def test_links_in_an_export_are_refused(self):
        db = self.store()
        self.import_ok(db, self.source("plain"))
        out1 = os.path.join(self.tmp, "out1")
        self.assertEqual(run("--db", db, "export", out1).returncode, 0)
        outside = self.secret_outside()
        # A section the manifest lists, replaced by a link: left out, and said why.
        desc = os.path.join(out1, "scps", "2", "desc.md")
        os.remove(desc)
        os.symlink(os.path.join(outside, "server.key"), desc)
        fresh = self.store("fresh.db")
        r = run("--db", fresh, "import", out1, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("refused: scps/2/desc.md: symbolic link; not followed", r.stdout)
        self.assertNotIn("missing: scps/2/desc.md", r.stdout)
        self.assertNotIn(b"BEGIN PRIVATE KEY", store_bytes(fresh))
        # The manifest and credentials are the source itself: a link to one fails it.
        for name in ("credentials.json", "manifest.json"):
            with self.subTest(name=name):
                target = os.path.join(out1, name)
                if os.path.exists(target):
                    os.remove(target)
                os.symlink(os.path.join(outside, "server.key"), target)
                other = self.store("other-%s.db" % name)
                r = run("--db", other, "import", out1, timeout=30)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertIn("%s: symbolic link" % name, r.stderr)
                self.assertNotIn("BEGIN PRIVATE KEY", r.stderr)
                self.assertFalse(os.path.exists(other))


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
