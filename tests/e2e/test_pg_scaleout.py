"""Scale-out: two scipnet-server processes sharing one PostgreSQL store.

A session issued by one server is good on the other, a logout on one ends it on
both, audit rows from both form ONE verified chain, and a server killed with
SIGKILL loses nothing it replied to.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest

import pg_util
from harness import BIN, Server, clean_env


def make_cert(directory, name):
    cert = os.path.join(directory, name + ".cert.pem")
    key = os.path.join(directory, name + ".key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=scipnet-" + name],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return cert, key


def deepwell(*args):
    return subprocess.run([os.path.join(BIN, "deepwell")] + list(args), env=clean_env(),
                          capture_output=True, text=True, timeout=120)


class PgServers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.url, cls.schema = pg_util.fresh_schema()
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-pg-e2e-")
        cls.servers = {}
        try:
            init = deepwell("init", "--db", cls.url, "--demo")
            assert init.returncode == 0, init.stderr
            for name in ("a", "b"):
                cls.servers[name] = cls.start_server(name)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_server(cls, name):
        cert, key = make_cert(cls.tmp, name)
        server = Server(cls.url, args=["--cert", cert, "--key", key])
        server.stderr_path = os.path.join(cls.tmp, name + ".log")  # a URL has no "beside"
        try:
            return server.start()
        except RuntimeError:
            if "no such store" in server.log():
                raise unittest.SkipTest("this scipnet-server cannot open a postgresql:// store"
                                        " (server/server.c predates docs/SCALING.md)")
            raise

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers.values():
            server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        pg_util.drop_schema(cls.schema)

    def client(self, name):
        c = self.servers[name].client()
        self.addCleanup(c.close)
        return c

    def audit_count(self, where):
        return int(pg_util.psql_value(self.url, "SELECT count(*) FROM audit_log WHERE " + where))

    def test_session_moves_between_servers_and_logout_ends_it_everywhere(self):
        on_a = self.client("a")
        self.assertTrue(on_a.login("agent")["ok"])
        on_b = self.client("b")
        on_b.token = on_a.token  # the same token, presented to the other server
        who = on_b.request("whoami")
        self.assertTrue(who["ok"], who)
        self.assertEqual(who["user"]["name"], "agent")
        read = on_b.request("read", ref="SCP-002")
        self.assertTrue(read["ok"], read)
        self.assertTrue(on_b.request("logout")["ok"])
        after = on_a.request("whoami")
        self.assertFalse(after["ok"], after)
        self.assertEqual(after["error"]["code"], "unauthenticated")

    def round_trips(self, c):
        health = c.request("health")
        self.assertTrue(health["ok"], health)
        return health["db"]["pool"]["round_trips"]

    def test_a_read_costs_five_round_trips(self):
        # The session with the file's head (1) and the read's audit batch (BEGIN with the
        # lock, the tip with the actor's name, the INSERT, COMMIT: 4); it was 9 (the head,
        # and MTF-3's level for SCP-002's link, on their own).
        c = self.client("a")
        self.assertTrue(c.login("researcher")["ok"])
        for _ in range(12):  # every pooled connection prepares its statements once
            self.assertTrue(c.request("read", ref="SCP-002")["ok"])
        first = self.round_trips(c)
        health_cost = self.round_trips(c) - first
        before = self.round_trips(c)
        reads = 10
        for _ in range(reads):
            read = c.request("read", ref="SCP-002")
            self.assertTrue(read["ok"], read)
            self.assertEqual(read["file"]["ref"], "SCP-002")
        cost = self.round_trips(c) - before - health_cost
        self.assertGreater(cost, 0)
        self.assertLessEqual(cost, 5 * reads, "%d round trips for %d reads" % (cost, reads))

    def test_throttle_is_shared(self):
        # Failures counted on one server are seen by the other (login_failures is shared).
        before = int(pg_util.psql_value(
            self.url, "SELECT coalesce(max(failures), 0) FROM login_failures"
                      " WHERE key = 'user:researcher'") or 0)
        self.assertFalse(self.client("a").login("researcher", "wrong")["ok"])
        self.assertFalse(self.client("b").login("researcher", "wrong")["ok"])
        after = int(pg_util.psql_value(
            self.url, "SELECT failures FROM login_failures WHERE key = 'user:researcher'"))
        self.assertEqual(after, before + 2)
        self.assertTrue(self.client("b").login("researcher")["ok"])

    def test_audit_rows_from_both_servers_form_one_chain(self):
        before = self.audit_count("action = 'read'")
        errors = []

        def reader(name, user, count):
            try:
                c = self.servers[name].client()
                assert c.login(user)["ok"]
                for _ in range(count):
                    r = c.request("read", ref="SCP-013")
                    assert r.get("ok"), r
                c.close()
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=reader, args=(name, user, 25))
                   for name in ("a", "b") for user in ("cadet", "officer")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(self.audit_count("action = 'read'"), before + 100)
        verify = deepwell("audit", "verify", "--db", self.url)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertIn("audit chain intact", verify.stdout)
        # One chain: ids are dense and each row's prev_hash is the row before's hash.
        gaps = pg_util.psql_value(
            self.url, "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.id = a.id + 1"
                      " WHERE b.prev_hash <> a.hash")
        self.assertEqual(gaps, "0")
        self.assertEqual(pg_util.psql_value(self.url, "SELECT max(id) - count(*) FROM audit_log"),
                         "0")

    def test_kill_9_loses_nothing_replied(self):
        server = self.start_server("c")
        try:
            c = server.client()
            self.assertTrue(c.login("director")["ok"])
            local = "%s:%d" % c.sock.getsockname()[:2]
            # 200 reads pipelined; SIGKILL once 50 replies are in, while the rest are in flight.
            for n in range(200):
                c.send({"id": 1000 + n, "op": "read", "token": c.token, "ref": "SCP-002"})
            replied = 0
            while replied < 50:
                self.assertTrue(json.loads(c.recv_line())["ok"])
                replied += 1
            server.proc.send_signal(signal.SIGKILL)
            server.proc.wait(timeout=15)
            # Replies already on their way count as received too; a line cut short by
            # the kill is not a reply.
            while True:
                line = c.recv_line()
                try:
                    reply = json.loads(line) if line else None
                except ValueError:
                    reply = None
                if reply is None:
                    break
                if reply.get("ok"):
                    replied += 1
            c.close()
        finally:
            server.stop(sig=signal.SIGKILL)
        rows = self.audit_count("action = 'read' AND client_addr = '%s'" % local)
        self.assertGreaterEqual(rows, replied)
        self.assertLessEqual(replied, 200)
        verify = deepwell("audit", "verify", "--db", self.url)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        # The others keep serving, and append to the same chain.
        self.assertTrue(self.client("a").login("cadet")["ok"])
        verify = deepwell("audit", "verify", "--db", self.url)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)

    def test_check_and_backup(self):
        check = deepwell("check", "--db", self.url)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertIn("integrity: ok", check.stdout)
        self.assertRegex(check.stdout, r"schema version: (\d+) \(latest \1\)")
        if shutil.which("pg_dump") is None:
            self.skipTest("pg_dump not installed")
        out = os.path.join(self.tmp, "store.dump")
        backup = deepwell("backup", "--db", self.url, out)
        self.assertEqual(backup.returncode, 0, backup.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(5), b"PGDMP")


if __name__ == "__main__":
    unittest.main()
