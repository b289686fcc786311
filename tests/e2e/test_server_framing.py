"""Framing, limits and bad input: the connection survives what it should."""
import json
import threading
import time

from harness import BIN, ServerTestCase


class TestFraming(ServerTestCase):

    def test_too_large_before_login_closes(self):
        c = self.client()
        c.send_raw(b'{"op":"hello","pad":"' + b"x" * 5000)  # no newline: never buffered whole
        r = json.loads(c.recv_line())
        self.assertError(r, "too_large")
        self.assertEqual(c.recv_line(), b"")  # closed

    def test_too_large_line_with_newline(self):
        c = self.client()
        c.send_raw(b'{"op":"hello","pad":"' + b"x" * 4100 + b'"}\n')
        self.assertError(json.loads(c.recv_line()), "too_large")
        self.assertEqual(c.recv_line(), b"")

    def test_limit_is_larger_after_login(self):
        c = self.logged_in("researcher")
        pad = "x" * 20000
        r = c.request("whoami", pad=pad)
        self.assertTrue(r["ok"], r)
        c.send_raw(b'{"op":"whoami","pad":"' + b"y" * (70 * 1024) + b'"}\n')
        self.assertError(json.loads(c.recv_line()), "too_large")
        self.assertEqual(c.recv_line(), b"")

    def test_replies_before_too_large_arrive_first(self):
        c = self.client()
        c.send_raw(b'{"id":1,"op":"hello"}\n{"id":2,"op":"health"}\n' + b"z" * 5000)
        self.assertEqual(json.loads(c.recv_line())["id"], 1)
        self.assertEqual(json.loads(c.recv_line())["id"], 2)
        self.assertError(json.loads(c.recv_line()), "too_large")

    def test_bad_input_keeps_the_connection(self):
        c = self.client()
        bad = [b"{", b"[1,2]", b'"str"', b"{\"op\":5}", b"{\"id\":1}",
               b'{"op":"hello","x":"\xc0\xaf"}', b'{"op":"hello","x":"\xed\xa0\x80"}',
               b'{"op":"hello","x":"\xf4\x90\x80\x80"}', b'{"op":"hello","x":"\xff"}',
               b'{"op":"hel\x00lo"}', b'{"op":"hello","x":"\\u0000"}',
               b'{"op":"hello","x":"\\ud800"}', b'{"op":"hello"}{"op":"hello"}',
               b'{"op":"hello","op":"health"}']
        for line in bad:
            c.send_raw(line + b"\n")
            r = json.loads(c.recv_line())
            self.assertError(r, "bad_request")
        c.send_raw(b'{"id":"u","op":"nope"}\n')
        r = json.loads(c.recv_line())
        self.assertError(r, "unknown_op")
        self.assertEqual(r["id"], "u")
        self.assertTrue(c.request("hello")["ok"])

    def test_pipelined_replies_come_in_order(self):
        c = self.logged_in("o5")
        ops = []
        for i in range(60):
            kind = i % 4
            if kind == 0:
                ops.append({"id": i, "op": "hello"})
            elif kind == 1:
                ops.append({"id": i, "op": "read", "token": c.token, "ref": "SCP-002"})
            elif kind == 2:
                ops.append({"id": i, "op": "list", "token": c.token, "kind": "scp"})
            else:
                ops.append({"id": i, "op": "bogus"})
        c.send_raw(b"".join(json.dumps(o).encode() + b"\n" for o in ops))
        ids = [c.recv()["id"] for _ in ops]
        self.assertEqual(ids, list(range(60)))

    def test_burst_of_garbage_does_not_starve_others(self):
        stop = threading.Event()
        errors = []

        def spam():
            try:
                g = self.server.client()
                while not stop.is_set():
                    g.send_raw(b"{not json\n" * 50 + b'{"op":"x"}\n' * 50)
                    for _ in range(100):
                        g.recv_line()
                g.close()
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=spam) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            c = self.logged_in("agent")
            worst = 0.0
            for _ in range(30):
                t0 = time.time()
                self.assertTrue(c.request("read", ref="SCP-042")["ok"])
                worst = max(worst, time.time() - t0)
            self.assertLess(worst, 2.0)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])

    def test_slow_login_hashing_does_not_block_reads(self):
        reader = self.logged_in("officer")
        others = [self.client() for _ in range(4)]
        for o in others:
            o.send({"op": "login", "user": "cadet", "password": "wrong-password"})
        t0 = time.time()
        self.assertTrue(reader.request("read", ref="SCP-005")["ok"])
        self.assertLess(time.time() - t0, 2.0)
        for o in others:
            self.assertIn(o.recv()["error"]["code"], ("auth_failed", "rate_limited"))

    def test_crlf_and_blank_lines(self):
        c = self.client()
        c.send_raw(b'\n\r\n{"id":1,"op":"hello"}\r\n')
        self.assertEqual(json.loads(c.recv_line())["id"], 1)


class TestConnectionLimits(ServerTestCase):
    server_env = {"SCIPNET_IDLE_TIMEOUT_S": "2", "SCIPNET_HANDSHAKE_TIMEOUT_S": "1",
                  "SCIPNET_MAX_CONNECTIONS": "6"}

    def test_handshake_timeout(self):
        import socket
        raw = socket.create_connection((self.server.host, self.server.port), timeout=5)
        self.addCleanup(raw.close)
        t0 = time.time()
        self.assertEqual(raw.recv(100), b"")  # closed without a handshake
        self.assertLess(time.time() - t0, 3)

    def test_handshake_timer_stops_after_handshake(self):
        c = self.client()
        time.sleep(1.5)
        self.assertTrue(c.request("hello")["ok"])

    def test_idle_timeout(self):
        c = self.client()
        self.assertTrue(c.request("hello")["ok"])
        t0 = time.time()
        self.assertEqual(c.recv_line(), b"")
        self.assertLess(time.time() - t0, 4)

    def test_max_connections(self):
        import socket
        import ssl
        clients = []
        try:
            refused = False
            for _ in range(10):
                try:
                    c = self.server.client(timeout=3)
                    clients.append(c)
                    c.request("hello")
                except (ConnectionError, ssl.SSLError, OSError, socket.timeout):
                    refused = True
                    break
            self.assertTrue(refused)
            self.assertLessEqual(len(clients), 7)
        finally:
            for c in clients:
                c.close()

    def test_client_that_never_reads_is_held_back(self):
        c = self.logged_in("o5")
        other = self.logged_in("cadet")
        # Small requests, large replies: the reply side fills up first.
        line = json.dumps({"op": "read", "token": c.token, "ref": "SCP-002"})
        burst = (line + "\n").encode() * 500
        c.sock.settimeout(1.0)
        sent, limit = 0, 64 * 1024 * 1024
        try:
            while sent < limit:  # until the server stops reading: sendall blocks
                c.sock.sendall(burst)
                sent += len(burst)
        except (TimeoutError, OSError):
            pass
        self.assertLess(sent, limit, "server kept reading a client that never reads")
        for _ in range(5):
            self.assertTrue(other.request("whoami")["ok"])
        if "asan" not in BIN:  # AddressSanitizer's quarantine keeps freed memory resident
            with open("/proc/%d/status" % self.server.proc.pid) as f:
                rss_kib = int([x for x in f if x.startswith("VmRSS:")][0].split()[1])
            self.assertLess(rss_kib, 200 * 1024)
