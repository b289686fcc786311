"""`deepwell import` refusing what it must not take: a missing, unreadable or malformed
source, text that is not UTF-8, a database of another schema, and links, FIFOs and huge
files in a source or an export.  Nothing is written to the store when it refuses.  The
original-style source folders are built by import_util.py.
"""

import json
import os
import sqlite3
import unittest

from import_util import ImportTestCase, query, run, write


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


if __name__ == "__main__":
    unittest.main()
