"""Abuse at the socket level against one real server: TLS garbage and bad handshakes,
half-closed sockets, a reader that never reads, a thousand connections at once, and
clients that never speak (closed by the handshake and idle timeouts).  After it all the
good client is still answered fast, memory is within its bound and the store checks out.
Bad request lines: test_abuse.py.
"""

import json
import os
import socket
import ssl
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from abuse_util import (LATENCY_MS, RSS_GROWTH_MAX_KIB, AbuseBase, client, raise_nofile,
                        read_until_closed, rss_kib, start_shared, stop_shared, tcp, tls_context,
                        tls_read_all)
from harness import ServerTestCase


_shared = {}


def setUpModule():
    start_shared(_shared, "scipnet-abuse-sockets-")


def tearDownModule():
    stop_shared(_shared)


class Abuse(AbuseBase):
    shared = _shared


class TestRawSockets(Abuse):

    def test_tls_garbage_before_handshake(self):
        kinds = [("random-4k", os.urandom(4096)),
                 ("random-64k", os.urandom(65536)),
                 ("record-16m", b"\x16\x03\x01\xff\xff" + os.urandom(2000)),
                 ("handshake-huge-len", b"\x16\x03\x01\x00\x40\x01\xff\xff\xff" + b"\x00" * 60),
                 ("sslv2-hello", b"\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10"
                  + os.urandom(37)),
                 ("zeros", b"\x00" * 1024), ("http", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                 ("plaintext-json", b'{"op":"hello"}\n'),
                 ("plaintext-login", b'{"op":"login","user":"o5","password":"o5-pass"}\n'),
                 ("alert", b"\x15\x03\x03\x00\x02\x02\x28"),
                 ("change-cipher-spec", b"\x14\x03\x03\x00\x01\x01" * 50)]
        for name, data in kinds:
            with self.subTest(kind=name):
                s = tcp(self.server)
                try:
                    try:
                        s.sendall(data)
                    except OSError:
                        pass
                    got, closed = read_until_closed(s, timeout=5)
                finally:
                    s.close()
                self.assertTrue(closed, "%s: server did not close the connection" % name)
                self.assertNotIn(b'"ok"', got)
                self.assertNotIn(b"scipnet", got)
                self.assertLess(len(got), 1024, "unexpected reply to %s: %r" % (name, got[:80]))
                self.assertServed(name)

    def test_tls12_and_bad_handshakes(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        s = tcp(self.server)
        with self.assertRaises((ssl.SSLError, OSError)):
            w = ctx.wrap_socket(s)
            w.sendall(b'{"op":"hello"}\n')
            if not w.recv(100):
                raise OSError("closed")
        s.close()
        self.assertServed("TLS 1.2 client")
        # A real ClientHello followed by garbage instead of the Finished message.
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = tls_context().wrap_bio(inc, out)
        s = tcp(self.server)
        try:
            try:
                obj.do_handshake()
            except ssl.SSLWantReadError:
                pass
            s.sendall(out.read())
            time.sleep(0.05)
            s.sendall(b"\x17\x03\x03\x00\x20" + os.urandom(32) + os.urandom(500))
            got, closed = read_until_closed(s, timeout=5)
        finally:
            s.close()
        self.assertTrue(closed)
        self.assertServed("garbage after ClientHello")

    def test_half_closed_sockets(self):
        """shutdown(SHUT_WR) after a request: the reply arrives or the close is clean.

        Clean = EOF or close_notify, never a TLS alert, never a hang.
        """
        hangs = 0
        for i in range(40):  # a race between the EOF and the reply shows in a few rounds
            if hangs >= 2:
                break
            with self.subTest(round=i):
                c = self.login_client("officer")
                rid = "half-%d" % i
                c.send({"id": rid, "op": "read", "token": c.token, "ref": "SCP-005"})
                socket.socket.shutdown(c.sock, socket.SHUT_WR)  # keeps the TLS object
                lines, how = tls_read_all(c, timeout=3)
                if how == "timeout":
                    hangs += 1
                    c.close()
                self.assertIn(how, ("eof",), "after a half-close: %s (%d lines)"
                              % (how, len(lines)))
                if lines:
                    self.assertEqual(len(lines), 1, lines)
                    r = json.loads(lines[0])
                    self.assertEqual(r["id"], rid)
                    self.assertTrue(r["ok"], r)
                c.close()
        with self.subTest(where="before the handshake"):
            s = tcp(self.server)
            s.shutdown(socket.SHUT_WR)
            got, closed = read_until_closed(s, timeout=5)
            s.close()
            self.assertTrue(closed)
        with self.subTest(where="in the middle of a line"):
            c = client(self.server)
            c.send_raw(b'{"op":"hel')
            socket.socket.shutdown(c.sock, socket.SHUT_WR)
            lines, how = tls_read_all(c, timeout=5)
            self.assertEqual(how, "eof", "after a half-close mid-line: %s" % how)
            self.assertEqual(lines, [])  # an unfinished line is not a request
            c.close()
        self.assertServed("half-closed sockets")

    def test_reader_that_never_reads(self):
        """Thousands of pipelined requests, replies never read: memory stays bounded."""
        c = self.login_client("o5")
        rss_before = rss_kib(self.server.proc.pid)
        one = json.dumps({"op": "read", "token": c.token, "ref": "SCP-002"}).encode() + b"\n"
        n = 20000
        sent = [0]
        done = threading.Event()

        def pump():
            c.sock.settimeout(1.0)
            chunk = one * 200
            deadline = time.monotonic() + 8
            try:
                while sent[0] < n and time.monotonic() < deadline:
                    try:
                        c.sock.sendall(chunk)
                        sent[0] += 200
                    except (socket.timeout, ssl.SSLWantWriteError):
                        continue  # the server stopped reading: backpressure
            except OSError:
                pass
            finally:
                done.set()

        t = threading.Thread(target=pump, daemon=True)
        t.start()
        worst, peak = 0.0, 0
        deadline = time.monotonic() + 10
        while not done.is_set() and time.monotonic() < deadline:
            h, rd = self.good.once()
            worst = max(worst, h, rd)
            peak = max(peak, rss_kib(self.server.proc.pid))
            time.sleep(0.05)
        t.join(15)
        peak = max(peak, rss_kib(self.server.proc.pid))
        self.assertLess(worst, 1.0, "good client waited %.3f s while another did not read" % worst)
        self.assertLess(peak - rss_before, RSS_GROWTH_MAX_KIB,
                        "RSS grew %d KiB with %d unread requests" % (peak - rss_before, sent[0]))
        self.assertServed("a client that never reads")
        # Reply sizes: 20000 reads of SCP-002 would be tens of MB if all were buffered.
        c.close()
        self.assertServed("closing the client that never read")

    def test_many_connections_at_once(self):
        soft = raise_nofile(20000)
        if soft < 2500:
            self.skipTest("RLIMIT_NOFILE is %d; need 2500" % soft)
        n_tcp, n_tls = 600, 400
        raw, tls = [], []
        stop = threading.Event()
        lat = []

        def watch():
            while not stop.is_set():
                h, rd = self.good.once()
                lat.append(max(h, rd))
                time.sleep(0.02)

        def open_tls(_):
            return client(self.server, timeout=20)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        t0 = time.monotonic()
        try:
            for _ in range(n_tcp):
                raw.append(tcp(self.server, timeout=20))
            with ThreadPoolExecutor(max_workers=16) as ex:
                tls.extend(ex.map(open_tls, range(n_tls)))
            opened = time.monotonic() - t0
            self.assertLess(opened, 20, "opening %d connections took %.1f s" % (n_tcp + n_tls,
                                                                                  opened))
            stop.set()
            watcher.join(10)
            self.assertLess(max(lat), 2.0, "good client waited %.3f s during the connection "
                                           "storm" % max(lat))
            # All held open at once: the good client is fast, and every one is served.
            self.assertServed("%d open connections" % (n_tcp + n_tls))
            for c in tls:
                c.send_raw(b'{"id":"m","op":"hello"}\n')
            for c in tls:
                r = c.recv()
                self.assertEqual(r["id"], "m")
            h = client(self.server)
            health = h.request("health", token=False)
            h.close()
            self.assertGreaterEqual(health["connections"], n_tcp + n_tls)
        finally:
            stop.set()
            for s in raw:
                s.close()
            for c in tls:
                c.close()
        self.assertServed("closing %d connections" % (n_tcp + n_tls))

        def count():
            h = client(self.server)
            try:
                return h.request("health", token=False)["connections"]
            finally:
                h.close()
        deadline = time.monotonic() + 10
        while count() > 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertLessEqual(count(), 20, "closed connections are not released")


class TestIdleClients(ServerTestCase):
    """Clients that connect and never speak are closed by the handshake / idle timeouts."""

    HANDSHAKE_S, IDLE_S = 1, 2
    tmp_prefix = "scipnet-idle-"
    server_env = {"SCIPNET_HANDSHAKE_TIMEOUT_S": str(HANDSHAKE_S),
                  "SCIPNET_IDLE_TIMEOUT_S": str(IDLE_S)}

    @classmethod
    def setUpClass(cls):
        raise_nofile(20000)
        super().setUpClass()

    def test_silent_clients_are_closed(self):
        def silent_tcp():
            return tcp(self.server, timeout=10)

        def one_byte():
            s = tcp(self.server, timeout=10)
            s.sendall(b"\x16")
            return s

        def partial_hello():
            inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
            obj = tls_context().wrap_bio(inc, out)
            try:
                obj.do_handshake()
            except ssl.SSLWantReadError:
                pass
            s = tcp(self.server, timeout=10)
            s.sendall(out.read()[:20])
            return s

        def tls_silent():
            return client(self.server, timeout=10)

        def tls_partial_line():
            c = client(self.server, timeout=10)
            c.send_raw(b'{"op":"hello"')
            return c

        kinds = [("silent-tcp", silent_tcp, self.HANDSHAKE_S),
                 ("one-byte", one_byte, self.HANDSHAKE_S),
                 ("partial-client-hello", partial_hello, self.HANDSHAKE_S),
                 ("tls-silent", tls_silent, self.IDLE_S),
                 ("tls-partial-line", tls_partial_line, self.IDLE_S)]
        opened = []
        for name, make, limit in kinds:
            for _ in range(20):
                opened.append((name, make(), limit, time.monotonic()))
        h = client(self.server)
        self.assertGreaterEqual(h.request("health", token=False)["connections"], len(opened))
        h.close()
        results = {}
        lock = threading.Lock()

        def wait_close(item):
            name, conn, limit, t0 = item
            sock = conn.sock if hasattr(conn, "sock") else conn
            got, closed = read_until_closed(sock, timeout=limit + 5)
            with lock:
                results.setdefault(name, []).append((closed, time.monotonic() - t0, got))
            conn.close()

        with ThreadPoolExecutor(max_workers=len(opened)) as ex:
            list(ex.map(wait_close, opened))
        for name, _, limit in kinds:
            with self.subTest(kind=name):
                for closed, elapsed, got in results[name]:
                    self.assertTrue(closed, "%s still open after %.1f s" % (name, elapsed))
                    self.assertGreaterEqual(elapsed, limit - 0.3, "%s closed too early" % name)
                    self.assertLess(elapsed, limit + 3, "%s closed late" % name)
                    self.assertNotIn(b'"ok"', got)
        # Every one of them is gone from the server's books, and it still serves.
        c = client(self.server)
        self.assertTrue(c.login("agent")["ok"])
        t0 = time.monotonic()
        self.assertTrue(c.request("read", ref="SCP-042")["ok"])
        self.assertLess((time.monotonic() - t0) * 1000, LATENCY_MS)
        self.assertLessEqual(c.request("health", token=False)["connections"], 2)
        c.close()

    def test_active_client_is_not_idled_out(self):
        c = client(self.server)
        self.assertTrue(c.login("cadet")["ok"])
        t0 = time.monotonic()
        while time.monotonic() - t0 < self.IDLE_S * 2:
            self.assertTrue(c.request("whoami")["ok"])
            time.sleep(self.IDLE_S / 4)
        c.close()


class TestZzzAfterAll(Abuse):
    """Runs last (unittest sorts by name): memory and the store after the socket abuse."""

    def test_memory_and_store_after_socket_abuse(self):
        self.assertServed("socket abuse")
        self.assertSoundAfterAbuse(rss_kib(self.server.proc.pid))


if __name__ == "__main__":
    unittest.main()
