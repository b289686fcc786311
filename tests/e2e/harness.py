"""End-to-end harness: a demo store, a real scipnet-server and a TLS client.

Everything is Python stdlib.  SCIPNET_BIN names the directory holding scipnet-server
and deepwell (default: bin).  Argon2 runs with tiny limits so tests stay fast.
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unittest

from admin_util import connect_store

BIN = os.environ.get("SCIPNET_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "bin")

FAST_ARGON2 = {"SCIPNET_ARGON2_OPSLIMIT": "1", "SCIPNET_ARGON2_MEMLIMIT_KIB": "8"}

DEMO_USERS = {
    "cadet": ("cadet-pass", 1),
    "researcher": ("researcher-pass", 2),
    "agent": ("agent-pass", 3),
    "officer": ("officer-pass", 4),
    "director": ("director-pass", 5),
    "o5": ("o5-pass", 6),
}


def clean_env(extra=None):
    """The environment for our programs: no stray SCIPNET_* from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIPNET_")}
    env.update(FAST_ARGON2)
    if extra:
        env.update(extra)
    return env


def make_demo_store(directory):
    db = os.path.join(directory, "deepwell.db")
    subprocess.run([os.path.join(BIN, "deepwell"), "init", "--db", db, "--demo"],
                   env=clean_env(), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)
    return db


class Server:
    """One scipnet-server process on 127.0.0.1 and a free port."""

    def __init__(self, db, env=None, args=()):
        self.db = db
        self.env = clean_env(env)
        self.args = list(args)
        self.proc = None
        self.stderr_path = db + ".server.log"

    def start(self):
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "scipnet-server"), "--db", self.db, "--listen", "127.0.0.1:0"]
            + self.args, stdout=subprocess.PIPE, stderr=self.stderr, env=self.env)
        listening = self.proc.stdout.readline().decode()
        fingerprint = self.proc.stdout.readline().decode()
        if not listening.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError("server did not start: %r\n%s" % (listening, self.log()))
        hostport = listening.split()[-1]
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)
        assert fingerprint.startswith("fingerprint sha256:"), fingerprint
        self.fingerprint = fingerprint.strip().split(":", 1)[1]
        return self

    def log(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        self.proc = None
        return rc

    def client(self, **kw):
        return Client(self.host, self.port, self.fingerprint, **kw)


class Client:
    """A line-oriented TLS client that pins the server's certificate fingerprint."""

    def __init__(self, host, port, fingerprint, timeout=15):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        raw = socket.create_connection((host, port), timeout=timeout)
        self.sock = ctx.wrap_socket(raw)
        der = self.sock.getpeercert(binary_form=True)
        if hashlib.sha256(der).hexdigest() != fingerprint:
            raise AssertionError("certificate fingerprint mismatch")
        self.buf = b""
        self.next_id = 1
        self.token = None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def recv_line(self):
        """One reply line as bytes (without newline); b'' on a clean close."""
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except (ssl.SSLEOFError, ConnectionResetError):
                chunk = b""
            if not chunk:
                line, self.buf = self.buf, b""
                return line
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def recv(self):
        line = self.recv_line()
        if not line:
            raise ConnectionError("connection closed")
        return json.loads(line)

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode() + b"\n")

    def request(self, op, token=True, **fields):
        """Sends one request (with our token unless token=False) and returns the reply."""
        msg = {"id": self.next_id, "op": op}
        self.next_id += 1
        if token is True:
            if self.token is not None:
                msg["token"] = self.token
        elif token is not False:
            msg["token"] = token  # any value, to test type checks
        msg.update(fields)
        self.send(msg)
        reply = self.recv()
        assert reply.get("id") == msg["id"], (msg, reply)
        return reply

    def login(self, name, password=None):
        if password is None:
            password = DEMO_USERS[name][0]
        reply = self.request("login", token=False, user=name, password=password)
        if reply.get("ok"):
            self.token = reply["token"]
        return reply


class ServerClient:
    """What a test class with a `server` asks of it: clients closed at the test's end,
    logged-in clients, and the shape of an error reply."""

    def client(self):
        c = self.server.client()
        self.addCleanup(c.close)
        return c

    def logged_in(self, name):
        c = self.client()
        reply = c.login(name)
        self.assertTrue(reply["ok"], reply)
        return c

    def assertError(self, reply, code):
        self.assertFalse(reply["ok"], reply)
        self.assertEqual(reply["error"]["code"], code, reply)


class ServerTestCase(ServerClient, unittest.TestCase):
    """A demo store and one server shared by the tests of a class."""

    server_env = {}
    tmp_prefix = "scipnet-e2e-"  # names the class's temporary directory, for post-mortems

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix=cls.tmp_prefix)
        cls.db = make_demo_store(cls.tmp)
        cls.server = Server(cls.db, env=cls.server_env).start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if rc not in (0, None):
            raise AssertionError("server exited %r" % rc)

    def audit_rows(self, where="1=1", params=()):
        con = connect_store(self.db)
        try:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(
                "SELECT * FROM audit_log WHERE %s ORDER BY id" % where, params)]
        finally:
            con.close()


def wait_for(predicate, timeout=10, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
