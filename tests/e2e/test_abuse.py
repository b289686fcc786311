"""Abuse: bad input of every kind against one real server.

For each kind of bad input: the right error code (docs/protocol.md), and a separate,
already logged-in, well-behaved connection is still answered (hello and read) within
LATENCY_MS (100 ms) right after.  At the end the server's resident memory has not
grown beyond a bound, the store passes `deepwell check` and nothing was changed by
the SQL and markup thrown at it.  The bad lines: abuse_cases.py.  Raw sockets, slow
readers and idle clients: test_abuse_sockets.py.

Not repeated here (see test_server_framing.py / test_server_ops.py): the basic
too_large cases, ids echoed verbatim, the simple bad refs and list bounds.
"""

import json
import os
import re
import sqlite3
import unittest

from abuse_cases import INJECTIONS, T, bad_lines
from abuse_util import (AbuseBase, client, rss_kib, sanitized, start_shared, stop_shared,
                        token_hash)
from harness import connect_store


_shared = {}


def setUpModule():
    start_shared(_shared, "scipnet-abuse-")


def tearDownModule():
    stop_shared(_shared)


class Abuse(AbuseBase):
    shared = _shared


class TestBadInput(Abuse):

    def test_each_kind_of_bad_line(self):
        cases = bad_lines()
        self.assertGreater(len(cases), 200)
        conns = {}

        def conn(login):
            if conns.get(login) is None:
                cl = client(self.server)
                if login:
                    r = cl.login("o5")
                    self.assertTrue(r["ok"], r)
                conns[login] = cl
            return conns[login]

        try:
            for name, line, code, login, rid in cases:
                with self.subTest(case=name):
                    cl = conn(login)
                    if cl.token:
                        line = line.replace(T, cl.token.encode())
                    expected_id = None
                    if rid == "keep":
                        expected_id = json.loads(line)["id"]
                    try:
                        cl.send_raw(line + b"\n")
                        raw = cl.recv_line()
                    except OSError as e:
                        conns[login] = None
                        self.fail("%s: connection error %r" % (name, e))
                    if not raw:
                        conns[login] = None
                        self.fail("%s: the server closed the connection" % name)
                    reply = json.loads(raw)
                    codes = (code,) if isinstance(code, str) else code
                    self.assertFalse(reply["ok"], reply)
                    self.assertIn(reply["error"]["code"], codes, (name, reply))
                    self.assertIsInstance(reply["error"]["message"], str)
                    if rid != "any":
                        self.assertEqual(reply.get("id", "absent"), expected_id, (name, reply))
                    if reply["error"]["code"] == "bad_request":
                        # Nothing of a rejected request is echoed back but its id.
                        self.assertEqual(set(reply), {"id", "ok", "error"}, reply)
                    self.assertServed(name)
            # The connections stayed usable through all of it.
            for login, cl in conns.items():
                if cl is not None:
                    self.assertTrue(cl.request("hello", token=False)["ok"])
                    if login:
                        self.assertEqual(cl.request("whoami")["user"]["name"], "o5")
        finally:
            for cl in conns.values():
                if cl is not None:
                    cl.close()

    def test_line_limits_boundaries(self):
        """Exactly at the limit is served; one byte over gets too_large and a close."""
        def padded(limit, extra, token=None):
            head = b'{"op":"hello","pad":"' if token is None else \
                b'{"op":"whoami","token":"' + token.encode() + b'","pad":"'
            return head + b"p" * (limit + extra - len(head) - 2) + b'"}'

        for login, limit in ((False, 4096), (True, 65536)):
            with self.subTest(login=login, at_limit=True):
                c = self.login_client("cadet") if login else client(self.server)
                self.addCleanup(c.close)
                line = padded(limit, 0, c.token)
                self.assertEqual(len(line), limit)
                c.send_raw(line + b"\r\n")  # a CR before the LF does not count
                r = json.loads(c.recv_line())
                self.assertTrue(r["ok"], r)
                self.assertServed("line at limit")
            with self.subTest(login=login, at_limit=False):
                c = self.login_client("cadet") if login else client(self.server)
                self.addCleanup(c.close)
                line = padded(limit, 1, c.token)
                c.send_raw(line + b"\n")
                r = json.loads(c.recv_line())
                self.assertEqual(r["error"]["code"], "too_large", r)
                self.assertIsNone(r["id"])
                self.assertEqual(c.recv_line(), b"")
                self.assertServed("line over limit")
                if login:  # the close does not end the session
                    d = client(self.server)
                    self.addCleanup(d.close)
                    d.token = c.token
                    self.assertTrue(d.request("whoami")["ok"])

    def test_overlong_garbage_lines_close(self):
        for name, data, login in [
                ("100k-brackets-pre-login", b"[" * 100000, False),
                ("100k-brackets-post-login", b"[" * 100000 + b"\n", True),
                ("nul-flood", b"\x00" * 6000, False),
                ("ff-flood", b"\xff" * 6000 + b"\n", False),
                ("megabyte-post-login", b"A" * (1 << 20), True),
                ("long-then-valid", b"B" * 5000 + b'\n{"op":"hello"}\n', False)]:
            with self.subTest(case=name):
                c = self.login_client("cadet") if login else client(self.server)
                try:
                    c.send_raw(data)
                except OSError:
                    pass  # the server may close while we still write: also fine
                line = c.recv_line()
                r = json.loads(line)
                self.assertEqual(r["error"]["code"], "too_large", r)
                self.assertEqual(c.recv_line(), b"", "connection not closed after too_large")
                c.close()
                self.assertServed(name)

    def test_sql_and_markup_in_every_string_field(self):
        before = self.snapshot()
        o5 = self.login_client("o5")
        director = self.login_client("director")
        anon = client(self.server)
        self.addCleanup(anon.close)
        for s in INJECTIONS:
            with self.subTest(text=s):
                r = anon.request("login", token=False, user=s, password="x")
                self.assertEqual(r["error"]["code"], "auth_failed", r)
                r = anon.request("login", token=False, user="cadet' --", password=s)
                self.assertEqual(r["error"]["code"], "auth_failed", r)
                r = anon.request("login", token=False, user="cadet", password=s)
                self.assertEqual(r["error"]["code"], "auth_failed", r)
                for kind in ("scp", "site", "mtf", "user"):
                    r = o5.request("list", kind=kind, query=s)
                    self.assertTrue(r["ok"], r)
                    for item in r["items"]:  # only literal matches, never wildcards
                        self.assertIn(s.lower(), item.get("title", "").lower() + item["ref"],
                                      (kind, s, item))
                    self.assertEqual(r["total"], len(r["items"]))
                    self.assertEqual(r["total"], 0, (kind, s, r))
                self.assertEqual(o5.request("read", ref=s)["error"]["code"], "bad_request")
                self.assertEqual(o5.request("read", ref="SCP-002" + s)["error"]["code"],
                                 "bad_request")
                self.assertEqual(anon.request("whoami", token=s)["error"]["code"],
                                 "unauthenticated")
                r = director.request("audit", user=s, limit=200)
                self.assertTrue(r["ok"], r)
                for row in r["rows"]:  # only rows of that exact (attempted) name
                    self.assertIn(s.lower(), [str(row.get("attempted_name")).lower(),
                                              str(row.get("user")).lower()], row)
                r = director.request("audit", action=s, limit=200)
                self.assertTrue(r["ok"], r)
                self.assertEqual(r["rows"], [], s)
                r = o5.request("set_status", ref="SCP-013", status=s)
                self.assertEqual(r["error"]["code"], "bad_request", r)
                r = o5.request("create", kind="scp", number=7100, title="x", level=1,
                               containment=s)
                self.assertEqual(r["error"]["code"], "bad_request", r)
                if not re.fullmatch(r"[A-Za-z0-9._-]+", s):  # else a legal name
                    r = o5.request("create", kind="user", name=s, password="long-password-1",
                                   clearance=1, title="Researcher")
                    self.assertEqual(r["error"]["code"], "bad_request", r)
                r = o5.request("create", kind="user", name="inj.user", password="long-pass-1",
                               clearance=1, title=s)
                self.assertEqual(r["error"]["code"], "bad_request", r)
        # Stored as given, never executed: a title and a reason full of SQL and markup.
        title = "\"; DROP TABLE users; -- ' OR 1=1 -- [[LEVEL 1]] 100% _x_"
        r = o5.request("create", kind="scp", number=7101, title=title, level=1,
                       containment="Safe",
                       sections=[{"kind": "description", "title": "' OR 1=1 --", "level": 1,
                                  "text": "plain '; DELETE FROM sections; -- text"}])
        self.assertTrue(r["ok"], r)
        f = o5.request("read", ref="SCP-7101")
        self.assertTrue(f["ok"], f)
        self.assertIn("DROP TABLE users", f["file"]["title"])
        self.assertEqual(f["file"]["sections"][0]["text"],
                         "plain '; DELETE FROM sections; -- text")
        reason = "'); DROP TABLE status_history; --"
        self.assertTrue(o5.request("set_status", ref="SCP-7101", status="explained",
                                   reason=reason)["ok"])
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            reasons = [r[0] for r in con.execute("SELECT reason FROM status_history")]
        finally:
            con.close()
        self.assertIn(reason, reasons)
        after = self.snapshot()
        self.assertEqual(after["tables"], before["tables"])
        self.assertEqual(after["users"], before["users"])
        self.assertEqual(after["sections"], before["sections"] + 1)
        self.assertGreaterEqual(after["audit"], before["audit"])
        self.assertServed("injections")

    def snapshot(self):
        con = connect_store(self.db, readonly=True)
        try:
            return {
                "tables": sorted(r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table','trigger','index')"
                    " UNION ALL SELECT 'audit.' || name FROM audit.sqlite_master"
                    " WHERE type IN ('table','trigger','index')")),
                "users": con.execute("SELECT id, name, clearance_level, password_hash FROM users "
                                     "ORDER BY id").fetchall(),
                "sections": con.execute("SELECT count(*) FROM sections").fetchone()[0],
                "audit": con.execute("SELECT count(*) FROM audit_log").fetchone()[0],
            }
        finally:
            con.close()

    def test_tokens(self):
        researcher = self.login_client("researcher")
        o5 = self.login_client("o5")
        anon = client(self.server)
        self.addCleanup(anon.close)
        forged = [os.urandom(32).hex()[:43], "A" * 43, "_" * 43, "-" * 43,
                  researcher.token[:-1] + ("A" if researcher.token[-1] != "A" else "B"),
                  researcher.token.upper() if researcher.token.upper() != researcher.token
                  else researcher.token.lower()]
        invalid = ["", " ", "a", researcher.token + "=", researcher.token[:-1] + "=",
                   researcher.token[:-1] + "+", researcher.token[:-1] + "/",
                   researcher.token[:-1] + " ", " " + researcher.token[1:],
                   researcher.token[:40] + "\u00e9\u00e9\u00e9", "\u00e9" * 43,
                   researcher.token * 2, researcher.token[:42], "x" * 1000, "%s%n" * 9,
                   "' OR 1=1 --" + "x" * 32, "Bearer " + researcher.token]
        for name, tokens in (("forged", forged), ("invalid-base64", invalid)):
            for tok in tokens:
                with self.subTest(kind=name, token=tok[:50]):
                    for op, fields in (("whoami", {}), ("read", {"ref": "SCP-013"}),
                                       ("list", {"kind": "scp"}), ("logout", {})):
                        r = anon.request(op, token=tok, **fields)
                        self.assertEqual(r["error"]["code"], "unauthenticated", (op, r))
                        self.assertNotIn("file", r)
                        self.assertNotIn("items", r)
        self.assertServed("forged tokens")

        # Another user's token is valid: it acts as that user, on any connection, and
        # the connection's own login does not leak into it (or the other way round).
        with self.subTest(kind="other-users-token"):
            r = o5.request("whoami", token=researcher.token)
            self.assertEqual(r["user"]["name"], "researcher", r)
            r = o5.request("read", token=researcher.token, ref="SCP-005")
            self.assertEqual(r["error"]["code"], "redacted", r)
            self.assertEqual(r["screen"]["usr_clearance"]["level"], 2)
            self.assertEqual(o5.request("whoami")["user"]["name"], "o5")
            self.assertTrue(o5.request("read", ref="SCP-005")["ok"])
            r = researcher.request("whoami", token=o5.token)
            self.assertEqual(r["user"]["name"], "o5")
            self.assertEqual(researcher.request("whoami")["user"]["name"], "researcher")
            # Interleaved and pipelined on one connection, each reply is its token's user.
            msgs = []
            for i in range(40):
                tok, who = ((researcher.token, "researcher"), (o5.token, "o5"))[i % 2]
                msgs.append(({"id": i, "op": "whoami", "token": tok}, who))
            anon.send_raw(b"".join(json.dumps(m).encode() + b"\n" for m, _ in msgs))
            for m, who in msgs:
                r = anon.recv()
                self.assertEqual(r["id"], m["id"])
                self.assertEqual(r["user"]["name"], who, r)
            # A request without a token after those is still unauthenticated.
            self.assertEqual(anon.request("whoami")["error"]["code"], "unauthenticated")

        with self.subTest(kind="revoked-after-logout"):
            c = self.login_client("officer")
            tok = c.token
            self.assertTrue(c.request("logout")["ok"])
            for cl in (c, o5, anon):
                r = cl.request("whoami", token=tok)
                self.assertEqual(r["error"]["code"], "unauthenticated", r)
                r = cl.request("read", token=tok, ref="SCP-005")
                self.assertEqual(r["error"]["code"], "unauthenticated", r)
            # Logging in again gives a new token; the old one stays dead.
            self.assertTrue(c.login("officer")["ok"])
            self.assertNotEqual(c.token, tok)
            self.assertEqual(anon.request("whoami", token=tok)["error"]["code"],
                             "unauthenticated")

        with self.subTest(kind="expired"):
            c = self.login_client("cadet")
            con = sqlite3.connect(self.db, timeout=10)
            try:
                with con:
                    n = con.execute("UPDATE sessions SET expires_ms = 1 WHERE token_hash = ?",
                                    (token_hash(c.token),)).rowcount
            finally:
                con.close()
            self.assertEqual(n, 1, "token hash is not BLAKE2b-256 of the token?")
            r = c.request("whoami")
            self.assertEqual(r["error"]["code"], "unauthenticated", r)
            self.assertEqual(c.request("read", ref="SCP-013")["error"]["code"], "unauthenticated")
        self.assertServed("token games")

    def test_refs(self):
        o5 = self.login_client("o5")
        cases = [("SCP-../../x", "bad_request"), ("SCP-000", "expunged"),
                 # a suffixed designation is another file: SCP-002-J is not SCP-002
                 ("SCP-002-J", "expunged"), ("SCP-1-", "bad_request"),
                 ("SCP-1-J2", "bad_request"), ("SITE-19-J", "bad_request"),
                 ("SCP-1-ABCDEFGHI", "bad_request"),
                 ("SCP--1", "bad_request"), ("SCP-+2", "bad_request"), ("SCP-0x10", "bad_request"),
                 ("SCP-2 ", "bad_request"), (" SCP-2", "bad_request"), ("SCP- 2", "bad_request"),
                 ("SCP-2\n", "bad_request"), ("SCP_002", "bad_request"), ("SCP002", "bad_request"),
                 ("SCP-\u0662", "bad_request"), ("SCP-\uff12", "bad_request"),
                 ("SCP-1e3", "bad_request"), ("SCP-2.0", "bad_request"),
                 ("USER-0", "bad_request"), ("USER--6", "bad_request"),
                 ("USER-999999999", "expunged"), ("SCP-999999999", "expunged"),
                 ("SITE-999999999", "expunged"), ("MTF-999999999", "expunged"),
                 ("SCP-0000000002", "bad_request"), ("SCP-9999999999", "bad_request"),
                 ("SCP-" + "9" * 5000, "bad_request"), ("SCP-" + "0" * 5000 + "2", "bad_request"),
                 ("X" * 60000, "bad_request"), ("SCP-2/../5", "bad_request"),
                 ("SCP-2%00", "bad_request"), ("SCP-%", "bad_request"), ("SCP-_", "bad_request"),
                 ("SCP-18446744073709551617", "bad_request"), ("site-19", "ok"),
                 ("mTf-0003", "ok"), ("USER-000000006", "ok"), ("SCP-000000002", "ok")]
        for ref, code in cases:
            with self.subTest(ref=ref[:40]):
                r = o5.request("read", ref=ref)
                if code == "ok":
                    self.assertTrue(r["ok"], r)
                else:
                    self.assertEqual(r["error"]["code"], code, r)
                    self.assertNotIn("file", r)
                if code == "expunged":
                    self.assertEqual(r["screen"]["file_ref"], ref)
                if code == "bad_request":
                    self.assertNotIn(ref[:20] if len(ref) > 30 else "\x00\x00", json.dumps(r))
        # set_status and create refs go through the same parser.
        for ref in ("SCP-../../x", "SCP-1-", "SCP--1", "SCP-" + "9" * 5000):
            r = o5.request("set_status", ref=ref, status="active")
            self.assertEqual(r["error"]["code"], "bad_request", r)
            r = o5.request("create", kind="scp", number=7200, title="x", level=1,
                           containment="Safe", site=ref)
            self.assertEqual(r["error"]["code"], "bad_request", r)
        self.assertServed("refs")

    def test_offsets_and_limits(self):
        o5 = self.login_client("o5")
        for kind in ("scp", "site", "mtf", "user"):
            for fields, ok in [({"offset": -1}, False), ({"offset": -(2 ** 63)}, False),
                               ({"offset": 2 ** 63 - 1}, False), ({"offset": 2 ** 31}, False),
                               ({"offset": 10 ** 9}, True), ({"limit": -1}, False),
                               ({"limit": 2 ** 31}, False), ({"limit": 2 ** 63 - 1}, False),
                               ({"limit": 2 ** 32 + 1}, False), ({"limit": 1}, True),
                               ({"limit": 200, "offset": 10 ** 9}, True),
                               ({"limit": None}, None), ({"offset": None}, None)]:
                with self.subTest(kind=kind, fields=fields):
                    r = o5.request("list", kind=kind, **fields)
                    if ok is None:  # null: either "absent" or refused, never a crash
                        self.assertTrue(r["ok"] or r["error"]["code"] == "bad_request", r)
                    elif ok:
                        self.assertTrue(r["ok"], r)
                        if fields.get("offset") == 10 ** 9:
                            self.assertEqual(r["items"], [])
                        self.assertLessEqual(len(r["items"]), fields.get("limit", 50))
                    else:
                        self.assertEqual(r["error"]["code"], "bad_request", r)
        director = self.login_client("director")
        for limit in (-1, 0, 2 ** 31, 2 ** 63 - 1, "5", 1.5):
            r = director.request("audit", limit=limit)
            self.assertEqual(r["error"]["code"], "bad_request", (limit, r))
        self.assertServed("offsets")


class TestZzzAfterAll(Abuse):
    """Runs last (unittest sorts by name): everything at once, then memory and the store."""

    def test_memory_and_store_after_abuse(self):
        # Replay the bad lines a few times on fresh connections: no growth per round.
        cases = bad_lines()
        o5 = self.login_client("o5")
        samples = []
        for rnd in range(3):
            for login in (False, True):
                c = client(self.server)
                if login:  # the larger limit needs a request answered with a token first
                    c.token = o5.token
                    self.assertTrue(c.request("whoami")["ok"])
                payload = b"".join((line.replace(T, o5.token.encode()) if login else line)
                                   + b"\n" for name, line, code, need, rid in cases
                                   if need == login)
                c.send_raw(payload)
                expected = sum(1 for x in cases if x[3] == login)
                for _ in range(expected):
                    self.assertTrue(c.recv_line())
                c.close()
            samples.append(rss_kib(self.server.proc.pid))
        self.assertServed("replayed bad lines")
        self.assertLess(samples[-1] - samples[0], (32 if sanitized() else 8) * 1024,
                        "RSS keeps growing: %r" % samples)
        self.assertSoundAfterAbuse(samples[-1])


if __name__ == "__main__":
    unittest.main()
