"""Caps per address, per user and per session, and what one connection may make the
server hold (docs/SECURITY.md, "Limits and their defaults").

Each test drives the real server the way an abusive client would and checks that
the cap holds while someone else is still served.  127.0.0.2 is loopback too: the
"other address" of the per-address tests.
"""
import hashlib
import json
import shutil
import socket
import ssl
import tempfile
import time
import unittest

from abuse_util import asan_env, sanitized
from harness import Client, Server, ServerTestCase, connect_store, make_demo_store

LIST_PAGE_MAX_BYTES = 64 * 1024  # server/op_list.c
LIST_LOCATION_MAX = 200


class SourceClient(Client):
    """A Client whose socket is bound to a chosen local address (127.0.0.x)."""

    def __init__(self, server, source, timeout=5):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        raw = socket.create_connection((server.host, server.port), timeout=timeout,
                                       source_address=(source, 0))
        try:
            self.sock = ctx.wrap_socket(raw)
        except BaseException:
            raw.close()
            raise
        der = self.sock.getpeercert(binary_form=True)
        assert hashlib.sha256(der).hexdigest() == server.fingerprint
        self.buf = b""
        self.next_id = 1
        self.token = None


def can_bind(ip):
    s = socket.socket()
    try:
        s.bind((ip, 0))
        return True
    except OSError:
        return False
    finally:
        s.close()


def refused(server, source):
    """True when a connection from source is closed without being served."""
    try:
        c = SourceClient(server, source, timeout=3)
    except (ssl.SSLError, ConnectionError, OSError):
        return True
    try:
        c.send({"op": "hello"})
        return not c.recv_line()
    except (ssl.SSLError, ConnectionError, OSError):
        return True
    finally:
        c.close()


class TestConnectionsPerAddress(ServerTestCase):
    server_env = {"SCIPNET_MAX_CONNECTIONS_PER_ADDR": "4", "SCIPNET_MAX_CONNECTIONS": "64"}

    def test_one_address_cannot_fill_the_server(self):
        if not can_bind("127.0.0.2"):
            self.skipTest("cannot bind 127.0.0.2")
        held = []
        try:
            for _ in range(4):
                c = SourceClient(self.server, "127.0.0.1")
                held.append(c)
                self.assertTrue(c.request("hello", token=False)["ok"])
            # The fifth from the same address is closed at accept ...
            self.assertTrue(refused(self.server, "127.0.0.1"))
            # ... while another address still connects, logs in and reads.
            other = SourceClient(self.server, "127.0.0.2")
            self.addCleanup(other.close)
            self.assertTrue(other.login("agent")["ok"])
            self.assertTrue(other.request("read", ref="SCP-002")["ok"])
            # A closed connection gives its slot back.
            held.pop().close()
            deadline = time.time() + 5
            while True:
                try:
                    again = SourceClient(self.server, "127.0.0.1")
                    held.append(again)
                    if again.request("hello", token=False)["ok"]:
                        break
                except (ssl.SSLError, ConnectionError, OSError):
                    pass
                self.assertLess(time.time(), deadline, "the freed slot never came back")
                time.sleep(0.1)
        finally:
            for c in held:
                c.close()
        self.assertIn("max_connections_per_addr", self.server.log())


class TestSessionsPerUser(ServerTestCase):
    server_env = {"SCIPNET_MAX_SESSIONS_PER_USER": "3"}

    def test_a_login_past_the_cap_ends_the_oldest_session(self):
        tokens = []
        for _ in range(4):
            c = self.client()
            self.assertTrue(c.login("researcher")["ok"])
            tokens.append(c.token)
        other = self.logged_in("agent")
        probe = self.client()
        codes = []
        for t in tokens:
            r = probe.request("whoami", token=t)
            codes.append("ok" if r["ok"] else r["error"]["code"])
        self.assertEqual(codes, ["unauthenticated", "ok", "ok", "ok"])
        # Another user's session is not touched.
        self.assertTrue(other.request("whoami")["ok"])
        # One more login ends the next oldest, and only that one.
        c = self.client()
        self.assertTrue(c.login("researcher")["ok"])
        codes = []
        for t in tokens[1:] + [c.token]:
            r = probe.request("whoami", token=t)
            codes.append("ok" if r["ok"] else r["error"]["code"])
        self.assertEqual(codes, ["unauthenticated", "ok", "ok", "ok"])
        self.assertIn("max_sessions_per_user 3", self.server.log())


class TestSessionRate(ServerTestCase):
    server_env = {"SCIPNET_SESSION_RATE": "1", "SCIPNET_SESSION_BURST": "5"}

    def test_token_bucket_gives_rate_limited_with_retry_after(self):
        c = self.logged_in("researcher")
        other = self.logged_in("agent")
        n = 12
        c.send_raw(b"".join(json.dumps({"id": i, "op": "whoami", "token": c.token}).encode()
                            + b"\n" for i in range(n)))
        replies = [c.recv() for _ in range(n)]
        self.assertEqual([r["id"] for r in replies], list(range(n)))
        ok = [r for r in replies if r["ok"]]
        limited = [r for r in replies if not r["ok"]]
        # The burst of 5 (and at most one more refilled meanwhile), then refusals.
        self.assertIn(len(ok), (5, 6), replies)
        for r in limited:
            self.assertEqual(r["error"]["code"], "rate_limited", r)
            self.assertIsInstance(r["retry_after"], int)
            self.assertGreaterEqual(r["retry_after"], 1)
            self.assertLessEqual(r["retry_after"], 2)
        # Other sessions have buckets of their own; unauthenticated ops have none.
        self.assertTrue(other.request("whoami")["ok"])
        self.assertTrue(c.request("hello", token=False)["ok"])
        # After retry_after the session is served again.
        time.sleep(limited[-1]["retry_after"] + 0.2)
        self.assertTrue(c.request("whoami")["ok"])


def insert_sites(db, count, location):
    """Sites straight into the store (as an import would), each with a long location."""
    con = connect_store(db)
    with con:
        for i in range(count):
            con.execute("INSERT INTO sites (name, clearance_level, location, created_at,"
                        " updated_at) VALUES (?, 3, ?, '2026-01-01', '2026-01-01')",
                        ("Caps-Site-%03d" % i, location))
    con.close()


class TestListPages(ServerTestCase):
    """A list page carries summaries and stops at LIST_PAGE_MAX_BYTES."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix=cls.tmp_prefix)
        cls.db = make_demo_store(cls.tmp)
        insert_sites(cls.db, 30, "Sector " + "x" * 60000 + " [[LEVEL 5]]hidden[[/LEVEL]]")
        cls.server = Server(cls.db, env=asan_env()).start()  # ASan: a small quarantine

    def test_site_locations_are_summaries(self):
        c = self.logged_in("agent")
        c.send({"id": 1, "op": "list", "token": c.token, "kind": "site", "limit": 200})
        line = c.recv_line()
        self.assertLess(len(line), LIST_PAGE_MAX_BYTES + 1024)
        r = json.loads(line)
        self.assertTrue(r["ok"], r)
        caps = [i for i in r["items"] if i.get("title", "").startswith("Caps-Site-")]
        self.assertEqual(len(caps), 30)
        for item in caps:
            loc = item["location"]
            self.assertTrue(loc.startswith("Sector xxx"))
            self.assertLessEqual(len(loc.encode()), LIST_LOCATION_MAX + 3)
            self.assertTrue(loc.endswith("\u2026"), loc[-10:])
            self.assertNotIn("hidden", loc)
        # The file itself still has the whole text, cut passages redacted.
        full = c.request("read", ref=caps[0]["ref"])
        self.assertTrue(full["ok"], full)
        self.assertGreater(len(full["file"]["location"]), 60000)
        self.assertNotIn("hidden", json.dumps(full))

    def test_lists_never_read_hold_little(self):
        """Issue 16's attack, smaller: lists of sites with 60 KB locations, never read."""
        c = self.logged_in("agent")
        pid = self.server.proc.pid
        rss0 = status_kib(pid, "VmRSS")
        line = json.dumps({"op": "list", "token": c.token, "kind": "site", "limit": 200})
        bad = []
        for _ in range(3):
            b = self.client()
            b.send_raw((line + "\n").encode() * 32)  # 1.8 MB a reply before the fix
            bad.append(b)
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            self.assertTrue(c.request("whoami")["ok"])  # still served
            time.sleep(0.1)
        growth = status_kib(pid, "VmHWM") - rss0
        self.assertLess(growth, (64 if sanitized() else 32) * 1024,
                        "peak RSS grew %d KiB" % growth)

    def test_page_stops_at_its_byte_cap_and_says_where_to_go_on(self):
        c = self.logged_in("researcher")
        # 200 files with 200-byte titles: about 80 KB of items, more than one page holds.
        msgs = [{"id": n, "op": "create", "token": c.token, "kind": "scp", "number": 7000 + n,
                 "title": ("Qzcaps %04d " % n) + "t" * 180, "level": 2, "containment": "Safe"}
                for n in range(200)]
        c.send_raw(b"".join(json.dumps(m).encode() + b"\n" for m in msgs))
        for m in msgs:
            r = c.recv()
            self.assertTrue(r["ok"], r)
        c.send({"id": "p", "op": "list", "token": c.token, "kind": "scp", "query": "Qzcaps",
                "limit": 200})
        line = c.recv_line()
        self.assertLessEqual(len(line), LIST_PAGE_MAX_BYTES + 256)
        first = json.loads(line)
        self.assertTrue(first["ok"], first)
        self.assertEqual(first["total"], 200)
        self.assertTrue(first.get("more"), {k: v for k, v in first.items() if k != "items"})
        self.assertLess(len(first["items"]), 200)
        self.assertEqual(first["next"], len(first["items"]))
        # Paging by "next" reaches every file exactly once.
        refs = [i["ref"] for i in first["items"]]
        page = first
        while "next" in page:
            page = c.request("list", kind="scp", query="Qzcaps", limit=200, offset=page["next"])
            self.assertTrue(page["ok"], page)
            refs += [i["ref"] for i in page["items"]]
        self.assertEqual(len(refs), 200)
        self.assertEqual(len(set(refs)), 200)
        # A page that is not cut says neither.
        small = c.request("list", kind="scp", query="Qzcaps", limit=5)
        self.assertNotIn("more", small)
        self.assertEqual(small["next"], 5)
        last = c.request("list", kind="scp", query="Qzcaps", limit=5, offset=195)
        self.assertNotIn("more", last)
        self.assertNotIn("next", last)


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s for pid %d" % (field, pid))


class TestReplyMemory(unittest.TestCase):
    """Connections that never read cannot make the server hold their replies' worth."""

    CONNS = 3
    PER_CONN = 32  # CONN_MAX_INFLIGHT: all read at once, before any reply exists
    LOCATION_BYTES = 1024 * 1024  # one read reply carries it twice: 2 MB
    HOLD_S = 8  # long enough for every read to run when nothing holds them back
    # Without the cap: CONNS x PER_CONN x 2 MB, about 190 MB.  With it: per connection
    # CONN_OUTPUT_HIGH plus CONN_MAX_AT_WORKERS (4) replies, under 30 MB in all.
    GROWTH_MAX_KIB = (128 if sanitized() else 64) * 1024

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-e2e-caps-mem-")
        cls.db = make_demo_store(cls.tmp)
        insert_sites(cls.db, 1, "y" * cls.LOCATION_BYTES)
        con = connect_store(cls.db)
        cls.site_ref = "SITE-%d" % con.execute(
            "SELECT id FROM sites WHERE name = 'Caps-Site-000'").fetchone()[0]
        con.close()
        # One store worker, so the run is the same each time.  (With standby workers a
        # queued job can also sit unrun in server/workq.c while the primary sleeps.)
        env = {"SCIPNET_WORKERS": "1"}
        env.update(asan_env())  # a small quarantine, so the bound means something
        cls.server = Server(cls.db, env=env).start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if rc not in (0, None):
            raise AssertionError("server exited %r" % rc)

    def test_non_reading_connections_are_held_back(self):
        pid = self.server.proc.pid
        good = self.server.client()
        self.addCleanup(good.close)
        self.assertTrue(good.login("agent")["ok"])
        self.assertTrue(good.request("read", ref=self.site_ref)["ok"])  # warm caches
        rss0 = status_kib(pid, "VmRSS")
        bad = []
        for _ in range(self.CONNS):
            c = self.server.client()
            self.addCleanup(c.close)
            c.token = good.token
            line = json.dumps({"op": "read", "token": c.token, "ref": self.site_ref})
            c.send_raw((line + "\n").encode() * self.PER_CONN)
            bad.append(c)
        worst = 0.0
        deadline = time.monotonic() + self.HOLD_S
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            self.assertTrue(good.request("whoami")["ok"])  # everyone else is served
            worst = max(worst, time.monotonic() - t0)
            time.sleep(0.1)
        growth = status_kib(pid, "VmHWM") - rss0
        self.assertLess(growth, self.GROWTH_MAX_KIB,
                        "peak RSS grew %d KiB for %d connections that never read"
                        % (growth, self.CONNS))
        self.assertLess(worst, 5.0)  # served; fair shares of the workers are workq.c's
        # A client that starts reading gets every reply, in order.
        c = bad[0]
        c.sock.settimeout(30)
        for _ in range(self.PER_CONN):
            r = c.recv()
            self.assertTrue(r["ok"], r.get("error"))
            self.assertEqual(len(r["file"]["location"]), self.LOCATION_BYTES)


if __name__ == "__main__":
    unittest.main()
