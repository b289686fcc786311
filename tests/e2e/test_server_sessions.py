"""Sessions (expiry, revocation, restart), login throttling and shutdown."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import BIN, Server, ServerTestCase, clean_env, connect_store, make_demo_store


class TestSessionExpiry(ServerTestCase):
    server_env = {"SCIPNET_SESSION_IDLE_S": "2", "SCIPNET_SESSION_LIFETIME_S": "4"}

    def test_idle_expiry(self):
        c = self.logged_in("cadet")
        self.assertEqual(c.token and len(c.token), 43)
        self.assertTrue(c.request("whoami")["ok"])
        time.sleep(2.3)
        r = c.request("whoami")
        self.assertError(r, "unauthenticated")
        self.assertEqual(r["error"]["message"], "session expired")
        self.assertTrue(self.audit_rows("action = 'session.expire'"))
        # An expired session stays dead.
        self.assertError(c.request("whoami"), "unauthenticated")

    def test_absolute_lifetime(self):
        c = self.logged_in("researcher")
        self.assertLessEqual(c.request("whoami")["expires_in"], 4)
        for _ in range(5):  # stay active: idle never runs out
            time.sleep(0.9)
            r = c.request("whoami")
        self.assertError(r, "unauthenticated")
        self.assertEqual(r["error"]["message"], "session expired")


class TestAuditActor(ServerTestCase):
    """Each audit row names who acted, passed explicitly to the audit call."""

    def user_id(self, name):
        con = connect_store(self.db)
        try:
            return con.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()[0]
        finally:
            con.close()

    def last_row(self, action):
        rows = self.audit_rows("action = ?", (action,))
        self.assertTrue(rows, action)
        return rows[-1]

    def test_rows_name_the_account_tried_or_nobody(self):
        agent = self.user_id("agent")
        c = self.client()
        self.assertError(c.login("agent", "wrong"), "auth_failed")
        row = self.last_row("login")
        self.assertEqual((row["user_id"], row["attempted_name"]), (agent, "agent"))
        self.assertError(c.login("ghost", "wrong"), "auth_failed")
        row = self.last_row("login")
        self.assertEqual((row["user_id"], row["attempted_name"]), (None, "ghost"))
        self.assertTrue(c.login("agent")["ok"])
        self.assertEqual(self.last_row("login")["user_id"], agent)
        # The request after a failed one is not audited in the failed one's name.
        self.assertTrue(c.request("list", kind="scp")["ok"])
        self.assertEqual(self.last_row("list")["user_id"], agent)
        token = c.token
        self.assertTrue(c.request("logout")["ok"])
        self.assertEqual(self.last_row("logout")["user_id"], agent)
        # A revoked session's token: rejected in the name of the session's user.
        c.token = token
        self.assertError(c.request("whoami"), "unauthenticated")
        row = self.last_row("session.reject")
        self.assertEqual(row["user_id"], agent)
        self.assertIn("revoked", row["details"])
        # A token nobody holds names nobody.
        c.token = "A" * 43
        self.assertError(c.request("whoami"), "unauthenticated")
        self.assertIsNone(self.last_row("session.reject")["user_id"])


class TestThrottle(ServerTestCase):
    server_env = {"SCIPNET_LOGIN_MAX_FAILURES": "3", "SCIPNET_LOGIN_BACKOFF_BASE_S": "1",
                  "SCIPNET_LOGIN_BACKOFF_MAX_S": "8", "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000"}

    def test_backoff_grows_and_success_resets(self):
        c = self.client()
        for _ in range(3):
            self.assertError(c.login("agent", "wrong"), "auth_failed")
        r = c.login("agent", "agent-pass")  # blocked: refused without a password check
        self.assertError(r, "rate_limited")
        self.assertEqual(r["retry_after"], 1)
        time.sleep(1.1)
        self.assertError(c.login("agent", "wrong"), "auth_failed")
        r = c.login("agent", "wrong")
        self.assertError(r, "rate_limited")
        self.assertEqual(r["retry_after"], 2)
        time.sleep(2.1)
        self.assertTrue(c.login("agent")["ok"])
        # The count started over: one failure is just a failure.
        self.assertError(c.login("agent", "wrong"), "auth_failed")
        self.assertTrue(c.login("agent")["ok"])
        rows = self.audit_rows("action = 'login' AND outcome = 'denied'")
        self.assertTrue(any("rate_limited" in row["details"] for row in rows))

    def test_unknown_names_are_throttled_alike(self):
        c = self.client()
        for _ in range(3):
            self.assertError(c.login("ghost", "x"), "auth_failed")
        r = c.login("ghost", "x")
        self.assertError(r, "rate_limited")
        self.assertIn("retry_after", r)
        # Another account is not affected.
        self.assertTrue(c.login("officer")["ok"])

    def test_disabled_account(self):
        a = self.logged_in("director")
        env = clean_env()
        subprocess.run([os.path.join(BIN, "deepwell"), "--db", self.db, "user", "disable",
                        "director"], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        try:
            self.assertError(a.request("whoami"), "unauthenticated")
            self.assertError(self.client().login("director"), "account_disabled")
            self.assertError(self.client().login("director", "nope"), "auth_failed")
        finally:
            subprocess.run([os.path.join(BIN, "deepwell"), "--db", self.db, "user", "enable",
                            "director"], env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)


class TestRestartAndShutdown(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-e2e-")
        self.db = make_demo_store(self.tmp)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_missing_store_is_a_clear_error(self):
        p = subprocess.run([os.path.join(BIN, "scipnet-server"), "--db",
                            os.path.join(self.tmp, "missing.db"), "--listen", "127.0.0.1:0"],
                           env=clean_env(), capture_output=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"no such store", p.stderr)
        self.assertIn(b"deepwell init", p.stderr)

    def test_sessions_and_certificate_survive_restart(self):
        s = Server(self.db).start()
        c = s.client()
        self.assertTrue(c.login("officer")["ok"])
        token, fp = c.token, s.fingerprint
        c.close()
        self.assertEqual(s.stop(), 0)
        key = self.db + ".key.pem"
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        s = Server(self.db).start()
        try:
            self.assertEqual(s.fingerprint, fp)
            c = s.client()
            c.token = token
            r = c.request("whoami")
            self.assertTrue(r["ok"], r)
            self.assertEqual(r["user"]["name"], "officer")
            c.close()
        finally:
            self.assertEqual(s.stop(), 0)

    def test_sighup_reloads_certificate(self):
        s = Server(self.db).start()
        try:
            for suffix in (".cert.pem", ".key.pem"):
                os.remove(self.db + suffix)
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=reloaded",
                            "-days", "2", "-keyout", self.db + ".key.pem", "-out",
                            self.db + ".cert.pem"], check=True, capture_output=True, timeout=30)
            der = subprocess.run(["openssl", "x509", "-in", self.db + ".cert.pem", "-outform",
                                  "DER"], check=True, capture_output=True, timeout=30).stdout
            import hashlib
            new_fp = hashlib.sha256(der).hexdigest()
            s.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 5
            while True:
                try:
                    c = Server.client.__get__(s)()  # old fingerprint must fail now
                    c.close()
                except AssertionError:
                    break
                if time.time() > deadline:
                    self.fail("certificate was not reloaded")
                time.sleep(0.1)
            s.fingerprint = new_fp
            c = s.client()
            self.assertTrue(c.request("hello")["ok"])
            c.close()
        finally:
            self.assertEqual(s.stop(), 0)

    def test_sigterm_loses_no_audit_row(self):
        s = Server(self.db).start()
        clients = []
        for name in ("agent", "officer", "o5"):
            c = s.client()
            self.assertTrue(c.login(name)["ok"])
            clients.append(c)
        sent = {}
        for i, c in enumerate(clients):
            for j in range(30):
                rid = "c%d-%d" % (i, j)
                c.send({"id": rid, "op": "read", "token": c.token,
                        "ref": ["SCP-002", "SCP-042", "SCP-100"][j % 3]})
                sent[rid] = c
        time.sleep(0.02)  # let the server read them: they are in flight, not yet answered
        s.proc.send_signal(signal.SIGTERM)
        received = []
        for c in clients:
            while True:
                line = c.recv_line()
                if not line:
                    break
                received.append(line)
        self.assertEqual(s.stop(), 0)
        import json
        import sqlite3
        replies = [json.loads(x) for x in received]
        reads = [r for r in replies if r.get("id") in sent]
        self.assertTrue(reads, "no reply arrived before shutdown")
        con = connect_store(self.db)
        n_audit = con.execute("SELECT count(*) FROM audit_log WHERE action = 'read'").fetchone()[0]
        con.close()
        answered = [r for r in reads if r["ok"] or r["error"]["code"] in ("redacted",)]
        self.assertGreaterEqual(n_audit, len(answered))
        self.assertEqual(len(answered), len(reads))
        # Requests the server had read when the signal came are finished, not dropped
        # (those still unread in the socket are not; the client cannot tell them apart).
        self.assertGreaterEqual(len(reads), len(clients))


class TestImportedHash(ServerTestCase):

    def test_werkzeug_hash_is_verified_and_upgraded(self):
        import hashlib
        import sqlite3
        salt, n, r, p = "Xq3v9LkP0aBcDeFg", 16384, 8, 1
        digest = hashlib.scrypt(b"old-secret", salt=salt.encode(), n=n, r=r, p=p,
                                maxmem=132 * n * r * p, dklen=64).hex()
        con = sqlite3.connect(self.db, timeout=10)
        con.execute("UPDATE users SET password_hash = ? WHERE name = 'agent'",
                    ("scrypt:%d:%d:%d$%s$%s" % (n, r, p, salt, digest),))
        con.commit()
        c = self.client()
        self.assertError(c.login("agent", "agent-pass"), "auth_failed")
        self.assertTrue(c.login("agent", "old-secret")["ok"])
        stored = con.execute("SELECT password_hash FROM users WHERE name = 'agent'").fetchone()[0]
        con.close()
        self.assertTrue(stored.startswith("$argon2id$"), stored)
        self.assertTrue(self.client().login("agent", "old-secret")["ok"])
