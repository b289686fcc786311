"""Login throttling under pressure: pipelined and parallel guesses, refusal floods.

Every password the server verifies leaves one 'login' audit row with outcome
'failure' (or a session), so counting those rows counts the verifies.
"""
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
import unittest

from harness import (BIN, Server, ServerTestCase, clean_env, connect_store,
                     make_demo_store)

CONNECTIONS = 4
PER_CONNECTION = 32  # CONN_MAX_INFLIGHT: the most one connection has in flight


def login_line(rid, user, password):
    return ('{"id":%d,"op":"login","user":"%s","password":"%s"}\n'
            % (rid, user, password)).encode()


def pipeline(test, batches):
    """Sends each batch (a list of (user, password)) down its own connection at once,
    every line before reading any reply; returns the replies, batch by batch."""
    return pipeline_on(test, [test.client() for _ in batches], batches)


def pipeline_on(test, clients, batches):
    """pipeline() on the given connections, one per batch."""
    replies = [None] * len(batches)
    start = threading.Barrier(len(batches))
    errors = []

    def run(i):
        try:
            data = b"".join(login_line(n + 1, u, p) for n, (u, p) in enumerate(batches[i]))
            start.wait(10)
            clients[i].send_raw(data)
            replies[i] = [clients[i].recv() for _ in batches[i]]
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    test.assertEqual(errors, [])
    return replies


def codes(replies):
    out = {}
    for batch in replies:
        for r in batch:
            code = "ok" if r.get("ok") else r["error"]["code"]
            out[code] = out.get(code, 0) + 1
    return out


class TestAccountLimitUnderPipelining(ServerTestCase):
    # A long backoff, so the block outlasts the test; the address limit out of the way.
    server_env = {"SCIPNET_LOGIN_MAX_FAILURES": "5", "SCIPNET_LOGIN_BACKOFF_BASE_S": "60",
                  "SCIPNET_LOGIN_BACKOFF_MAX_S": "120",
                  "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}

    def test_pipelined_guesses_verify_at_most_the_limit(self):
        wrong = [("agent", "guess-%d" % i) for i in range(PER_CONNECTION)]
        batches = [list(wrong) for _ in range(CONNECTIONS)]
        batches[0][-1] = ("agent", "agent-pass")  # the right password, last
        replies = pipeline(self, batches)
        seen = codes(replies)
        # Exactly login_max_failures passwords were verified (and failed); every other
        # attempt was refused unverified, the right one too.
        self.assertEqual(seen.get("auth_failed"), 5, seen)
        self.assertEqual(seen.get("rate_limited"), CONNECTIONS * PER_CONNECTION - 5, seen)
        self.assertNotIn("ok", seen)
        self.assertEqual(replies[0][-1]["error"]["code"], "rate_limited", replies[0][-1])
        verified = self.audit_rows("action = 'login' AND outcome = 'failure'"
                                   " AND attempted_name = 'agent'")
        self.assertEqual(len(verified), 5)
        self.assertEqual(self.audit_rows("action = 'login' AND outcome = 'success'"), [])
        # Still blocked afterwards, for the right password too.
        r = self.client().login("agent")
        self.assertError(r, "rate_limited")
        self.assertGreater(r["retry_after"], 0)
        # Another account is untouched.
        self.assertTrue(self.client().login("officer")["ok"])


class TestAddressLimitUnderPipelining(ServerTestCase):
    server_env = {"SCIPNET_LOGIN_MAX_FAILURES": "1000000",
                  "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "6", "SCIPNET_LOGIN_BACKOFF_BASE_S": "60",
                  "SCIPNET_LOGIN_BACKOFF_MAX_S": "120"}

    def test_spread_over_names_verify_at_most_the_address_limit(self):
        # A different (unknown) name per attempt: only the address limit applies.
        batches = [[("ghost-%d-%d" % (c, i), "x") for i in range(PER_CONNECTION)]
                   for c in range(CONNECTIONS)]
        batches[0][-1] = ("researcher", "researcher-pass")
        replies = pipeline(self, batches)
        seen = codes(replies)
        self.assertEqual(seen.get("auth_failed"), 6, seen)
        self.assertEqual(seen.get("rate_limited"), CONNECTIONS * PER_CONNECTION - 6, seen)
        self.assertEqual(replies[0][-1]["error"]["code"], "rate_limited", replies[0][-1])
        verified = self.audit_rows("action = 'login' AND outcome = 'failure'")
        self.assertEqual(len(verified), 6)
        self.assertError(self.client().login("researcher"), "rate_limited")


class TestGoodLoginGivesBackItsReservation(ServerTestCase):
    server_env = {"SCIPNET_LOGIN_MAX_FAILURES": "3", "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "4",
                  "SCIPNET_LOGIN_BACKOFF_BASE_S": "60", "SCIPNET_LOGIN_BACKOFF_MAX_S": "120"}

    def test_good_logins_do_not_count_against_the_address(self):
        c = self.client()
        # Three failures on three accounts: the address is one short of its limit.
        for name in ("cadet", "agent", "ghost"):
            self.assertError(c.login(name, "wrong"), "auth_failed")
        # Good logins reserve an attempt (reaching the limit) and give it back.
        for _ in range(5):
            self.assertTrue(c.login("officer")["ok"])
        self.assertError(c.login("director", "wrong"), "auth_failed")  # the 4th failure
        self.assertError(c.login("officer"), "rate_limited")


class TestRefusalFloodIsSummarised(unittest.TestCase):
    """Refusals of a blocked key cost no hash; they must not cost an audit row each."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = make_demo_store(self.tmp)
        self.server = Server(self.db, env={
            "SCIPNET_LOGIN_MAX_FAILURES": "1", "SCIPNET_LOGIN_BACKOFF_BASE_S": "600",
            "SCIPNET_LOGIN_BACKOFF_MAX_S": "600",
            "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}).start()
        self.addCleanup(self.server.stop)

    def client(self):
        c = self.server.client()
        self.addCleanup(c.close)
        return c

    def assertError(self, reply, code):
        self.assertFalse(reply["ok"], reply)
        self.assertEqual(reply["error"]["code"], code, reply)

    def denied(self):
        con = connect_store(self.db, readonly=True)
        try:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(
                "SELECT * FROM audit_log WHERE action = 'login' AND outcome = 'denied'"
                " ORDER BY id")]
        finally:
            con.close()

    def test_flood_of_refusals_is_one_row_and_a_summary(self):
        for name in ("agent", "ghost"):  # a real account and an unknown name, both blocked
            self.assertError(self.client().login(name, "wrong"), "auth_failed")
        rounds = 3
        for _ in range(rounds):
            batches = [[(name, "guess")] * PER_CONNECTION
                       for name in ("agent", "agent", "agent", "ghost")]
            seen = codes(pipeline(self, batches))
            self.assertEqual(seen, {"rate_limited": CONNECTIONS * PER_CONNECTION}, seen)
        agent_n, ghost_n = 3 * PER_CONNECTION * rounds, PER_CONNECTION * rounds
        total = agent_n + ghost_n
        # While the server runs: the first refusal of each key, audited before its reply.
        rows = self.denied()
        self.assertEqual(len(rows), 2, "%d refusal rows for %d refusals" % (len(rows), total))
        self.assertEqual(sorted(r["attempted_name"] for r in rows), ["agent", "ghost"])
        for r in rows:
            self.assertIn("rate_limited", r["details"])
            self.assertNotIn("summary", r["details"])
        # An orderly stop writes the rest as one summary row per key, with the count.
        self.assertEqual(self.server.stop(), 0)
        rows = self.denied()
        self.assertEqual(len(rows), 4, [r["details"] for r in rows][:8])
        summaries = {json.loads(r["details"])["key"]: (r, json.loads(r["details"]))
                     for r in rows if "summary" in r["details"]}
        self.assertEqual(set(summaries), {"user:agent", "user:ghost"})
        row, details = summaries["user:agent"]
        self.assertEqual(details["refused"], agent_n - 1)
        self.assertEqual(details["reason"], "rate_limited")
        self.assertEqual(row["attempted_name"], "agent")
        self.assertNotEqual(row["user_id"], None)
        self.assertTrue(row["client_addr"].startswith("127.0.0.1:"), row)
        self.assertEqual(summaries["user:ghost"][1]["refused"], ghost_n - 1)
        self.assertIsNone(summaries["user:ghost"][0]["user_id"])

    def test_blocked_key_with_a_right_password_is_still_refused_after_restart(self):
        self.assertError(self.client().login("officer", "wrong"), "auth_failed")
        self.assertError(self.client().login("officer"), "rate_limited")
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        self.assertError(self.client().login("officer"), "rate_limited")


class TestUnknownNamesCostWhatRealOnesDo(unittest.TestCase):
    """The attacker times failed logins to learn which names exist.

    The store's hashes are made at 16 MiB / 2 passes.  Medians of interleaved samples
    are compared with a wide margin (load slows both paths alike); the gap this guards
    against is tenfold or more.
    """

    STORED = {"SCIPNET_ARGON2_OPSLIMIT": "2", "SCIPNET_ARGON2_MEMLIMIT_KIB": "16384"}
    SAMPLES = 7

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="scipnet-e2e-")
        cls.db = os.path.join(cls.tmp, "deepwell.db")
        subprocess.run([os.path.join(BIN, "deepwell"), "init", "--db", cls.db, "--demo"],
                       env=clean_env(cls.STORED), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def server(self, env):
        env = dict(env, SCIPNET_LOGIN_MAX_FAILURES="1000000",
                   SCIPNET_LOGIN_MAX_FAILURES_ADDR="1000000")
        s = Server(self.db, env=env).start()
        self.addCleanup(s.stop)
        return s

    def timed(self, c, user):
        t0 = time.monotonic()
        r = c.request("login", token=False, user=user, password="not-it")
        self.assertEqual(r["error"]["code"], "auth_failed")
        return time.monotonic() - t0

    def test_lowered_memlimit_does_not_make_unknown_names_cheap(self):
        # The operator lowered the limits (to the harness's 8 KiB) below the stored cost.
        c = self.server({}).client(timeout=60)
        self.addCleanup(c.close)
        real, unknown = [], []
        for i in range(self.SAMPLES):
            real.append(self.timed(c, "agent"))
            unknown.append(self.timed(c, "nobody-%d" % i))
        ratio = statistics.median(unknown) / statistics.median(real)
        self.assertGreater(ratio, 0.5, "unknown %.1f ms, real %.1f ms" % (
            statistics.median(unknown) * 1000, statistics.median(real) * 1000))

    def test_first_wrong_password_after_a_start_costs_what_later_ones_do(self):
        firsts, later = [], []
        for _ in range(2):
            s = self.server(self.STORED)
            c = s.client(timeout=60)
            firsts.append(self.timed(c, "officer"))
            for _ in range(4):
                later.append(self.timed(c, "officer"))
            c.close()
            s.stop()
        # Before: the first one also made the dummy hash and verified it (about 3x).
        self.assertLess(min(firsts), 1.8 * statistics.median(later), "first %s ms, later %.1f"
                        % (["%.1f" % (f * 1000) for f in firsts],
                           statistics.median(later) * 1000))
