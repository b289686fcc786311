"""Crash consistency: kill -9 the server at random points under load, restart, check.

Several rounds of: start the server on the same store, run a few client threads
(logins that fail with a distinct attempted name, reads of distinct refs, logins
that succeed, creates of distinct SCP numbers) for a random short time, kill -9 the
server at a random moment, then:

- `deepwell check --db` and `deepwell audit verify --db` pass;
- every request whose reply a client received has its audit row (found by its
  distinct name / ref in `deepwell audit export --format jsonl`);
- every create whose reply arrived is in the store, every login whose reply arrived
  has a session that still works after the restart.

SCIPNET_TEST_SEED fixes the random choices (the seed is printed on failure).
"""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from abuse_util import (BIN, NO_THROTTLE, Server, audit_export, clean_env, client,
                        make_demo_store, run_deepwell)

ROUNDS = 5
# Any session answered before a crash must work after it: no login may end an older
# one (max_sessions_per_user), and the load stays under the per-session request rate.
KEEP_SESSIONS = {"SCIPNET_MAX_SESSIONS_PER_USER": "1000000", "SCIPNET_SESSION_RATE": "1000000",
                 "SCIPNET_SESSION_BURST": "1000000"}
THREADS = 4


class Recorder:
    """What the clients saw: each request whose reply arrived, by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failed_logins = []   # attempted names answered auth_failed
        self.expunged_reads = []  # refs answered expunged
        self.granted_reads = 0
        self.logins = []          # (user, token) answered ok
        self.creates = []         # refs answered ok
        self.other = []           # unexpected replies

    def add(self, attr, value):
        with self.lock:
            getattr(self, attr).append(value)


def worker(server, rnd, tid, rec, stop, rng):
    """Requests until the server dies or stop is set; records every reply received."""
    try:
        c = client(server, timeout=5)
    except OSError:
        return
    seq = 0
    try:
        r = c.login("o5")
        if not r.get("ok"):
            rec.add("other", r)
            return
        rec.add("logins", ("o5", c.token))
        while not stop.is_set():
            seq += 1
            tag = "%d-%d-%d" % (rnd, tid, seq)
            what = rng.random()
            if what < 0.3:
                name = "ghost-%s" % tag
                r = c.request("login", token=False, user=name, password="nope")
                if r.get("error", {}).get("code") == "auth_failed":
                    rec.add("failed_logins", name)
                else:
                    rec.add("other", r)
            elif what < 0.6:
                # A distinct missing ref per request: its audit row names it.
                ref = "SCP-%d" % (100000000 + rnd * 1000000 + tid * 100000 + seq)
                r = c.request("read", ref=ref)
                if r.get("error", {}).get("code") == "expunged":
                    rec.add("expunged_reads", ref)
                else:
                    rec.add("other", r)
            elif what < 0.75:
                r = c.request("read", ref=rng.choice(["SCP-002", "SCP-100", "SITE-19", "MTF-6"]))
                if r.get("ok"):
                    with rec.lock:
                        rec.granted_reads += 1
                else:
                    rec.add("other", r)
            elif what < 0.9:
                number = 50000 + rnd * 5000 + tid * 1000 + seq
                r = c.request("create", kind="scp", number=number, title="Crash %s" % tag,
                              level=1, containment="Safe",
                              sections=[{"kind": "description", "title": "Description",
                                         "level": 1, "text": "Made in round %s." % tag}])
                if r.get("ok"):
                    rec.add("creates", r["ref"])
                else:
                    rec.add("other", r)
            else:
                d = client(server, timeout=5)
                try:
                    r = d.login(rng.choice(["cadet", "agent", "director"]))
                    if r.get("ok"):
                        rec.add("logins", (r["user"]["name"], d.token))
                    else:
                        rec.add("other", r)
                finally:
                    d.close()
    except (OSError, ConnectionError, ValueError):
        pass  # the server was killed under us
    finally:
        c.close()


def pipeliner(server, rnd, rec, stop, rng):
    """Bursts of pipelined failed logins: many requests in flight when the kill comes."""
    try:
        c = client(server, timeout=5)
    except OSError:
        return
    burst = 0
    try:
        while not stop.is_set():
            burst += 1
            names = ["burst-%d-%d-%d" % (rnd, burst, i) for i in range(rng.randint(5, 30))]
            c.send_raw(b"".join(json.dumps({"id": n, "op": "login", "user": n,
                                            "password": "nope"}).encode() + b"\n"
                                for n in names))
            for n in names:
                line = c.recv_line()
                if not line:
                    return
                r = json.loads(line)
                if r.get("id") == n and r.get("error", {}).get("code") == "auth_failed":
                    rec.add("failed_logins", n)
                else:
                    rec.add("other", r)
    except (OSError, ConnectionError, ValueError):
        pass
    finally:
        c.close()


class TestCrashConsistency(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-crash-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.db = make_demo_store(self.tmp)
        self.seed = int(os.environ.get("SCIPNET_TEST_SEED") or time.time())
        self.rng = random.Random(self.seed)
        self.server = None
        self.addCleanup(self.kill_server)

    def kill_server(self):
        if self.server is not None and self.server.proc is not None:
            self.server.stop(sig=signal.SIGKILL, timeout=10)
        self.server = None

    def check_store(self, when):
        p = run_deepwell("check", "--db", self.db)
        self.assertEqual(p.returncode, 0, "seed %d, %s: deepwell check: %s%s"
                         % (self.seed, when, p.stdout, p.stderr))
        self.assertIn("integrity: ok", p.stdout)
        p = run_deepwell("audit", "verify", "--db", self.db)
        self.assertEqual(p.returncode, 0, "seed %d, %s: audit verify: %s%s"
                         % (self.seed, when, p.stdout, p.stderr))

    def test_kill_9_under_load(self):
        rec = Recorder()
        for rnd in range(ROUNDS):
            self.server = Server(self.db, env=dict(NO_THROTTLE, **KEEP_SESSIONS)).start()
            # Sessions from before the crash still work (the logins were answered).
            if rec.logins:
                user, token = self.rng.choice(rec.logins)
                c = client(self.server)
                c.token = token
                r = c.request("whoami")
                c.close()
                self.assertTrue(r.get("ok"), "seed %d: session of %s lost in a crash: %r"
                                % (self.seed, user, r))
                self.assertEqual(r["user"]["name"], user)
            stop = threading.Event()
            threads = [threading.Thread(target=worker, args=(self.server, rnd, t, rec, stop,
                                                             random.Random(self.rng.random())),
                                        daemon=True) for t in range(THREADS)]
            threads.append(threading.Thread(target=pipeliner, daemon=True, args=(
                self.server, rnd, rec, stop, random.Random(self.rng.random()))))
            for t in threads:
                t.start()
            time.sleep(self.rng.uniform(0.2, 1.2))
            pid = self.server.proc.pid
            os.kill(pid, signal.SIGKILL)  # no warning, no flush
            self.server.proc.wait(timeout=10)
            for t in threads:
                t.join(10)
                self.assertFalse(t.is_alive(), "a client hangs after the server died")
            stop.set()
            self.server.stop(timeout=5)
            self.server = None
            self.check_store("after kill -9 in round %d" % rnd)

        self.assertEqual(rec.other, [], "seed %d: unexpected replies" % self.seed)
        self.assertTrue(rec.failed_logins and rec.expunged_reads,
                        "seed %d: the load did too little" % self.seed)
        # A last start and a clean stop after the crashes: recovery is complete.
        self.server = Server(self.db).start()
        self.assertEqual(self.server.stop(), 0)
        self.server = None
        self.check_store("after the final clean restart")

        rows = audit_export(self.db)
        ids = [r["id"] for r in rows]
        self.assertEqual(ids, sorted(ids))
        failed = {r["attempted_name"] for r in rows
                  if r["action"] == "login" and r["outcome"] == "failure"}
        missing = [n for n in rec.failed_logins if n not in failed]
        self.assertEqual(missing, [], "seed %d: answered failed logins without an audit row"
                         % self.seed)
        read_refs = {(r["details"] or {}).get("ref") for r in rows if r["action"] == "read"}
        missing = [ref for ref in rec.expunged_reads if ref not in read_refs]
        self.assertEqual(missing, [], "seed %d: answered reads without an audit row" % self.seed)
        logins_ok = sum(1 for r in rows if r["action"] == "login" and r["outcome"] == "success")
        self.assertGreaterEqual(logins_ok, len(rec.logins))
        granted = sum(1 for r in rows if r["action"] == "read"
                      and (r["details"] or {}).get("result") == "granted")
        self.assertGreaterEqual(granted, rec.granted_reads)
        create_refs = {(r["details"] or {}).get("ref") for r in rows if r["action"] == "create"}
        missing = [ref for ref in rec.creates if ref not in create_refs]
        self.assertEqual(missing, [], "seed %d: answered creates without an audit row"
                         % self.seed)
        # Every answered create is in the store with its section.
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            have = {"SCP-%03d" % n: s for n, s in con.execute(
                "SELECT f.number, count(s.id) FROM scp_files f LEFT JOIN sections s "
                "ON s.scp_id = f.id GROUP BY f.id")}
        finally:
            con.close()
        for ref in rec.creates:
            self.assertIn(ref, have, "seed %d: answered create %s lost" % (self.seed, ref))
            self.assertEqual(have[ref], 1, ref)


    def test_kill_9_during_start(self):
        """Killed while it creates its certificate, migrates or opens the store: the next
        start works and the store is whole."""
        fresh = os.path.join(self.tmp, "fresh.db")  # no certificate yet: made at start
        p = run_deepwell("init", "--db", fresh)
        self.assertEqual(p.returncode, 0, p.stderr)
        for rnd in range(5):
            for db in (self.db, fresh):
                proc = subprocess.Popen([os.path.join(BIN, "scipnet-server"), "--db", db,
                                         "--listen", "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=clean_env())
                time.sleep(self.rng.uniform(0, 0.03))
                proc.kill()
                proc.wait(timeout=10)
        for db in (self.db, fresh):
            self.db = db
            s = Server(db).start()
            c = client(s)
            r = c.request("hello", token=False)
            c.close()
            self.assertTrue(r["ok"])
            self.assertEqual(s.stop(), 0)
            self.check_store("after kills during start (%s)" % os.path.basename(db))


if __name__ == "__main__":
    unittest.main()
