"""Helpers of the `deepwell import` / `export` tests (test_import*.py, test_pg_admin.py):
an original-style deepwell folder in either schema variant, werkzeug scrypt hashes, the
command, and a test case with a temporary folder of its own.
"""

import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

import harness
from admin_util import connect_store

BIN = harness.BIN
DEEPWELL = os.path.join(BIN, "deepwell")
SCRYPT_N = 1024  # werkzeug's default is 32768; a small N keeps the tests fast

OVERRIDE_PHRASE = "plaintext-override-phrase"
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
    # The original ranks the ACS classes in their names: "Level 1 - Dark" ... "Level 5 - Critical".
    if named:
        rows("disruption_classes", [(1, "Level 1 - Dark"), (2, "Level 2 - Vlam")])
        rows("risk_classes", [(1, "Level 1 - Notice"), (2, "Level 4 - Danger")])
    else:
        rows("disruption_classes", [(1, "Dark"), (2, "Vlam")])
        rows("risk_classes", [(1, "Notice"), (2, "Danger")])

    # The earlier original names the columns director / leader, the later director_id /
    # leader_id; the later one has a site 0, "NULL-Site-0", where the earlier has only files.
    person = "_id" if named else ""
    db.execute("CREATE TABLE sites (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL,"
               " director%s INTEGER, %s)" % (person, ts))
    rows("sites", [(19, "Site-19", 1), (77, "Site-77", None)]
         + ([(0, "NULL-Site-0", None)] if named else []))
    db.execute("CREATE TABLE mtfs (id INTEGER PRIMARY KEY, name VARCHAR(25) NOT NULL,"
               " nickname VARCHAR(100) NOT NULL, leader%s INTEGER, site_id INTEGER,"
               " active BOOLEAN, %s)" % (person, ts))
    rows("mtfs", [(3, "Epsilon-6", "Village Idiots", 2, 19, 1)])
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,"
               " password VARCHAR(162) NOT NULL, override_phrase VARCHAR(162),"
               " clearance_lvl_id INTEGER NOT NULL, title_id INTEGER NOT NULL,"
               " site_id INTEGER, mtf_id INTEGER, is_active BOOLEAN NOT NULL,"
               " last_login DATETIME, %s)" % ts)
    unknown_level = 16 if named else 99
    rows("users", [
        (1, "director", werkzeug_hash("director-old"), OVERRIDE_PHRASE, level_id(variant, 5), 3,
         19, None,
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
        [13, level_id(variant, 1), 1, None, None, None, 0, None],
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
    # One version of the layout keeps an SCP's description in descs/main.md.
    write(scp("5", "descs", "main.md") if named else scp("5", "desc.md"), "A red door.\n")
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
    if named:  # "Level 4 - Danger"'s description
        write(os.path.join(root, "descs", "risk_classes", "2.md"), "Danger.\n")
    # Site 0: by id in the earlier layout, by name in the later.
    write(os.path.join(root, "sites", "NULL-Site-0" if named else "0", "desc.md"), "No site.\n")
    write(os.path.join(root, "creation_guides", "clearance_lvl_guide.md"), "How to pick one.\n")
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
