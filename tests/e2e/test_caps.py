"""Caps per address, per user and per session, and what one connection may make the
server hold (docs/SECURITY.md, "Limits and their defaults").

Each test drives the real server the way an abusive client would and checks that
the cap holds while someone else is still served.  127.0.0.2 is loopback too: the
"other address" of the per-address tests.
"""
import hashlib
import json
import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
import unittest

from abuse_util import rss_kib, sanitized
from harness import DEMO_USERS, Client, Server, ServerTestCase, connect_store, make_demo_store

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


if __name__ == "__main__":
    unittest.main()
