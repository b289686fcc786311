"""The audit log proves what it held: signed seals of the chain head (deepwell/seal.h).

The attacks of issue 16, item 7, by someone with write access to the store's files
(or the PostgreSQL database): delete the newest audit rows, delete every row, rename
a user, forge or edit a seal line.  `deepwell audit verify` must fail naming the seal
and the server must refuse to start on a log behind its newest seal.
"""
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import unittest

import pg_util
from harness import BIN, Server, clean_env, make_demo_store


def deepwell(*args):
    return subprocess.run([os.path.join(BIN, "deepwell")] + [str(a) for a in args],
                          env=clean_env(), capture_output=True, text=True, timeout=120)


def refused_start(db, args=(), log_path=None):
    """Runs the server expecting it not to start; returns its stderr."""
    proc = subprocess.run([os.path.join(BIN, "scipnet-server"), "--db", db, "--listen",
                           "127.0.0.1:0"] + list(args), env=clean_env(), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0 and "listening on" not in proc.stdout, proc.stdout
    return proc.stderr


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


class SealCase:
    """The attacks, for one engine; subclasses say how to reach the store."""

    def serve_some_requests(self, env=None):
        server = self.server(env)
        server.start()
        try:
            c = server.client()
            self.assertTrue(c.login("researcher")["ok"])
            self.assertTrue(c.request("read", ref="SCP-173")["ok"] or True)
            c.request("logout")
            c.close()
        finally:
            self.assertEqual(server.stop(), 0, server.log())
        return server

    def verify(self):
        return deepwell("audit", "verify", "--db", self.db, *self.verify_args())

    def test_a_served_log_verifies_against_its_seals(self):
        self.serve_some_requests()
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"audit chain intact: \d+ rows; sealed to row \d+")
        self.assertEqual(stat.S_IMODE(os.stat(self.paths["key"]).st_mode), 0o600)
        lines = read_lines(self.paths["file"])
        self.assertGreaterEqual(len(lines), 2)  # at start and at shutdown
        newest = re.search(r"row=(\d+)", lines[-1]).group(1)
        self.assertEqual(int(newest), self.max_id())

    def test_deleting_the_newest_rows_fails_verify_and_start(self):
        self.serve_some_requests()
        last = self.max_id()
        self.tamper("DELETE FROM audit_log WHERE id > %d" % (last - 2))
        r = self.verify()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("the audit log ends at row %d, before the seal of row %d" % (last - 2, last),
                      r.stderr)
        self.assertIn(os.path.basename(self.paths["file"]), r.stderr)
        err = refused_start(self.db, self.server_args())
        self.assertIn("refusing to start", err)
        self.assertIn("seal of row %d" % last, err)

    def test_deleting_every_row_fails_verify_and_start(self):
        self.serve_some_requests()
        self.tamper("DELETE FROM audit_log")
        r = self.verify()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("ends at row 0", r.stderr)
        self.assertIn("refusing to start", refused_start(self.db, self.server_args()))
        self.assertEqual(self.max_id(), 0)  # no new chain was begun

    def test_a_renamed_user_keeps_their_name_in_old_rows(self):
        self.serve_some_requests()
        self.tamper("UPDATE users SET name = 'mallory' WHERE name = 'researcher'")
        r = deepwell("audit", "tail", "--db", self.db, "-n", "50")
        self.assertEqual(r.returncode, 0, r.stderr)
        logins = [l for l in r.stdout.splitlines() if " login " in l]
        self.assertTrue(logins and all("researcher" in l for l in logins), r.stdout)
        self.assertNotIn("mallory", r.stdout)
        self.assertEqual(self.verify().returncode, 0)

    def test_a_forged_or_edited_seal_line_is_a_bad_signature(self):
        self.serve_some_requests()
        last = self.max_id()
        self.tamper("DELETE FROM audit_log WHERE id > %d" % (last - 1))
        lines = read_lines(self.paths["file"])
        lines[-1] = lines[-1].replace("row=%d " % last, "row=%d " % (last - 1))
        with open(self.paths["file"], "w") as f:
            f.write("\n".join(lines) + "\n")
        r = self.verify()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("line %d: its signature does not match" % len(lines), r.stderr)
        self.assertIn("signature does not match", refused_start(self.db, self.server_args()))

    def test_seals_every_n_rows_reach_the_file_and_the_server_log(self):
        server = self.serve_some_requests({"SCIPNET_AUDIT_SEAL_ROWS": "1"})
        lines = read_lines(self.paths["file"])
        # at start-up, after rows (at most once a second) and at shutdown
        self.assertGreaterEqual(len(lines), 2)
        self.assertEqual(int(re.search(r"row=(\d+)", lines[-1]).group(1)), self.max_id())
        log = server.log()
        for line in lines:
            self.assertIn("seal " + line, log)
        self.assertEqual(self.verify().returncode, 0)


class SqliteSeals(SealCase, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-seal-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = make_demo_store(self.tmp)
        self.paths = {"key": self.db + ".seal.key", "pub": self.db + ".seal.key.pub",
                      "file": self.db + ".seals"}

    def server(self, env=None):
        return Server(self.db, env=env)

    def server_args(self):
        return []

    def verify_args(self):
        return []  # the defaults beside the store

    def tamper(self, sql):
        con = sqlite3.connect(self.db)
        con.execute("ATTACH ? AS audit", (self.db + ".audit",))
        con.executescript("DROP TRIGGER IF EXISTS audit.audit_log_no_delete;"
                          "DROP TRIGGER IF EXISTS audit.audit_log_no_update;" + sql)
        con.commit()
        con.close()

    def max_id(self):
        con = sqlite3.connect(self.db + ".audit")
        try:
            return con.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
        finally:
            con.close()

    def test_a_store_never_sealed_still_verifies_and_says_so(self):
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("not checked against seals", r.stdout)

    def test_a_removed_seal_file_is_noticed(self):
        self.serve_some_requests()
        os.rename(self.paths["file"], self.paths["file"] + ".gone")
        self.assertEqual(self.verify().returncode, 1)
        self.assertIn("is missing", refused_start(self.db))


class PgSeals(SealCase, unittest.TestCase):
    """Each server of a shared store seals with its own key into its own file."""

    def setUp(self):
        self.db, self.schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, self.schema)
        self.tmp = tempfile.mkdtemp(prefix="scipnet-seal-pg-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        r = deepwell("init", "--db", self.db, "--demo")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.cert = os.path.join(self.tmp, "a.cert.pem")
        self.key = os.path.join(self.tmp, "a.key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", self.key, "-out",
                        self.cert, "-days", "2", "-subj", "/CN=scipnet-a"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        base = os.path.join(self.tmp, "a")
        self.paths = {"key": base + ".seal.key", "pub": base + ".seal.key.pub",
                      "file": base + ".seals"}

    def server(self, env=None):
        server = Server(self.db, env=env, args=self.server_args())
        server.stderr_path = os.path.join(self.tmp, "a.log")  # a URL has no "beside"
        return server

    def server_args(self):
        return ["--cert", self.cert, "--key", self.key]

    def verify_args(self):
        return ["--seals", self.paths["file"], "--pub", self.paths["pub"]]

    def tamper(self, sql):
        pg_util.psql(self.db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; " + sql)

    def max_id(self):
        return int(pg_util.psql_value(self.db, "SELECT coalesce(max(id), 0) FROM audit_log"))



class PgTwoServers(unittest.TestCase):
    """Two servers on one PostgreSQL store: a key and a seal file each, checked one by one."""

    def test_each_server_seals_the_shared_chain_with_its_own_key(self):
        db, schema = pg_util.fresh_schema()
        self.addCleanup(pg_util.drop_schema, schema)
        tmp = tempfile.mkdtemp(prefix="scipnet-seal-pg2-")
        self.addCleanup(shutil.rmtree, tmp, True)
        self.assertEqual(deepwell("init", "--db", db, "--demo").returncode, 0)
        args = {}
        for name in ("a", "b"):
            cert, key = (os.path.join(tmp, name + s) for s in (".cert.pem", ".key.pem"))
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                            cert, "-days", "2", "-subj", "/CN=scipnet-" + name], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            args[name] = ["--cert", cert, "--key", key]
        servers = {n: Server(db, args=args[n]) for n in args}
        for name, server in servers.items():
            server.stderr_path = os.path.join(tmp, name + ".log")
            server.start()
        for name in ("a", "b", "a"):
            c = servers[name].client()
            self.assertTrue(c.login("agent")["ok"])
            c.close()
        for name in ("a", "b"):  # b stops last: its shutdown seal is of the newest row
            self.assertEqual(servers[name].stop(), 0)

        def verify(seals_of, pub_of):
            return deepwell("audit", "verify", "--db", db,
                            "--seals", os.path.join(tmp, seals_of + ".seals"),
                            "--pub", os.path.join(tmp, pub_of + ".seal.key.pub"))

        for name in ("a", "b"):
            r = verify(name, name)
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("its signature does not match", verify("a", "b").stderr)
        # Each sealed the head it saw: remove rows from below both newest seals.
        newest = {n: int(re.search(r"row=(\d+)", read_lines(
            os.path.join(tmp, n + ".seals"))[-1]).group(1)) for n in ("a", "b")}
        cut = min(newest.values())
        pg_util.psql(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;"
                         " DELETE FROM audit_log WHERE id >= %d" % cut)
        for name in ("a", "b"):
            self.assertIn("before the seal of row %d" % newest[name], verify(name, name).stderr)
            self.assertIn("refusing to start", refused_start(db, args[name]))


if __name__ == "__main__":
    unittest.main()
