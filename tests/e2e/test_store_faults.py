"""Store faults: the server answers `unavailable`, logs a clear line, recovers when the
fault goes and never corrupts the store.

(a) the database locked by another process (writer lock; then readers too);
(b) a read-only store: a read-only mount at start, and the file system turning
    read-only under the running server (EROFS from every write, injected below
    SQLite with an LD_PRELOAD shim, since a remount is refused while files are open);
(c) a full disk: the store on a small tmpfs that the test fills up;
(d) a corrupt file: at start (clear message, non-zero exit) and pages overwritten
    while the server runs (clean errors, no crash).

After each: `deepwell check` and `deepwell audit verify` pass on the store (the
restored copy for (d)), and no audit row committed before the fault is lost.
"""
import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from abuse_util import (BIN, NO_THROTTLE, Server, build_faultfs, clean_env, client,
                        faultfs_env, make_demo_store, mount_tmpfs, run_deepwell, umount)
from admin_util import LockHolder, connect_store

FAST_STORE = {"SCIPNET_BUSY_TIMEOUT_MS": "200", "SCIPNET_CHECKOUT_TIMEOUT_MS": "500"}
FAST_STORE.update(NO_THROTTLE)
REQUEST_MAX_S = 10  # no request may hang longer than this while the store is faulty
STORE_CODES = {"unavailable"}


def audit_chain(db):
    """(id, hash) of every audit row, read-only."""
    con = connect_store(db, readonly=True)
    try:
        return con.execute("SELECT id, hex(hash) FROM audit_log ORDER BY id").fetchall()
    finally:
        con.close()


def debug(*args):
    if os.environ.get("SCIPNET_TEST_DEBUG"):
        print(*args)


class FaultCase(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scipnet-faults-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.replies = []  # every reply seen while testing, to look for "internal"

    def start(self, db, env=None):
        s = Server(str(db), env=env).start()
        self.addCleanup(self.stop_quietly, s)
        return s

    def stop_quietly(self, s):
        if s.proc is not None:
            s.stop(timeout=10)

    def timed(self, c, op, **fields):
        t0 = time.monotonic()
        r = c.request(op, **fields)
        elapsed = time.monotonic() - t0
        self.replies.append(r)
        self.assertLess(elapsed, REQUEST_MAX_S, "%s hung %.1f s on a faulty store" % (op, elapsed))
        self.assertNotEqual(r.get("error", {}).get("code"), "internal", (op, r))
        return r

    def code(self, r):
        return "ok" if r.get("ok") else r["error"]["code"]

    def assertStoreHealthy(self, db, before_chain=None):
        p = run_deepwell("check", "--db", db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("integrity: ok", p.stdout)
        p = run_deepwell("audit", "verify", "--db", db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        if before_chain is not None:
            after = audit_chain(db)
            self.assertEqual(after[:len(before_chain)], before_chain,
                             "audit rows committed before the fault changed or vanished")

    def assertRecovers(self, server, user="officer", timeout=15):
        """Within timeout after the fault goes, a fresh login and a read succeed."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            c = client(server)
            try:
                r = c.login(user)
                last = r
                if r.get("ok"):
                    r = c.request("read", ref="SCP-002")
                    last = r
                    if r.get("ok"):
                        return
            finally:
                c.close()
            self.assertNotEqual(last.get("error", {}).get("code"), "internal", last)
            time.sleep(0.2)
        self.fail("no recovery within %d s: %r" % (timeout, last))

    def assertNoInternal(self):
        bad = [r for r in self.replies if r.get("error", {}).get("code") == "internal"]
        self.assertEqual(bad, [])


class TestLocked(FaultCase):

    def test_writer_lock_held_by_another_process(self):
        db = make_demo_store(self.tmp)
        s = self.start(db, FAST_STORE)
        c = client(s)
        self.addCleanup(c.close)
        self.assertTrue(c.login("officer")["ok"])
        before = audit_chain(db)
        log_at = len(s.log())
        with LockHolder(db):
            t0 = time.monotonic()
            codes = []
            for _ in range(3):
                codes.append(self.code(self.timed(c, "read", ref="SCP-002")))
                d = client(s)
                codes.append(self.code(self.timed(d, "login", token=False, user="agent",
                                                  password="agent-pass")))
                codes.append(self.code(self.timed(d, "login", token=False, user="agent",
                                                  password="wrong")))
                d.close()
            # Everything that must write (its audit row at least) is refused, cleanly.
            debug(self.id(), codes)
            self.assertEqual(set(codes), STORE_CODES, codes)
            r = self.timed(c, "hello", token=False)
            self.assertTrue(r["ok"])
            r = self.timed(c, "health", token=False)
            self.assertTrue(r["ok"], r)
            self.assertLess(time.monotonic() - t0, 30)
            self.assertIsNone(s.proc.poll(), "server died while the store was locked")
        log = s.log()[log_at:]
        debug("\n".join(sorted(set(x[25:160] for x in log.splitlines())))[:3000])
        self.assertRegex(log, r"(?i)(busy|locked)", "no clear log line for a locked store")
        self.assertRecovers(s)
        self.assertTrue(c.request("read", ref="SCP-002")["ok"])  # the old session lives on
        self.assertNoInternal()
        self.assertStoreHealthy(db, before)
        self.assertEqual(s.stop(), 0)
        self.assertStoreHealthy(db, before)

    def test_store_locked_exclusively_at_start(self):
        """Another process holds the store in exclusive mode (readers kept out too) when
        the server starts: a clear message and a non-zero exit, or a server that answers
        `unavailable` until the lock goes; never a crash."""
        db = make_demo_store(self.tmp)
        before = audit_chain(db)
        with LockHolder(db, exclusive_mode=True):
            proc = subprocess.Popen([os.path.join(BIN, "scipnet-server"), "--db", db,
                                     "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=clean_env(FAST_STORE))
            try:
                out, err = proc.communicate(timeout=15)
                started = False
            except subprocess.TimeoutExpired:
                started = True
                proc.kill()
                out, err = proc.communicate()
            err = err.decode(errors="replace")
            if started:
                self.assertIn(b"listening on", out, "server hangs at start on a locked store")
            if not started:
                self.assertGreater(proc.returncode, 0, "signal %d on a locked store: %s"
                                   % (-proc.returncode, err))
                self.assertRegex(err, r"(?i)locked|busy", "no clear message: %r" % err)
                self.assertLess(len(err), 4096)
        s = self.start(db, FAST_STORE)
        self.assertRecovers(s, "o5")
        self.assertEqual(s.stop(), 0)
        self.assertStoreHealthy(db, before)


class TestReadOnly(FaultCase):

    def test_read_only_mount_at_start(self):
        """A store on a read-only mount: either a clear refusal naming the reason, or a
        server that reads and answers every write `unavailable`; never a crash."""
        mnt = os.path.join(self.tmp, "ro")
        why = mount_tmpfs(mnt, "8m")
        if why:
            self.skipTest(why)
        self.addCleanup(umount, mnt)
        db = make_demo_store(mnt)
        s = self.start(db)  # makes its certificate beside the store, while it can
        self.assertEqual(s.stop(), 0)
        before = audit_chain(db)
        for state in ("with -wal and -shm", "clean"):
            with self.subTest(state=state):
                for suffix in ("-wal", "-shm"):
                    self.assertEqual(os.path.exists(db + suffix), state != "clean", suffix)
                p = subprocess.run(["mount", "-o", "remount,ro", mnt], capture_output=True,
                                   text=True)
                if p.returncode != 0:
                    self.skipTest("cannot remount the tmpfs read-only: %s" % p.stderr.strip())
                try:
                    self.read_only_start(db)
                finally:
                    subprocess.run(["mount", "-o", "remount,rw", mnt], capture_output=True)
                # The read-only look of audit_chain() left -wal and -shm; a writer's
                # close removes them for the next state.
                con = sqlite3.connect(db)
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.close()
        self.assertNoInternal()
        self.assertStoreHealthy(db, before)
        s = self.start(db)
        self.assertRecovers(s)
        self.assertEqual(s.stop(), 0)

    def read_only_start(self, db):
        proc = subprocess.Popen([os.path.join(BIN, "scipnet-server"), "--db", db, "--listen",
                                 "127.0.0.1:0"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=clean_env())
        try:
            first = proc.stdout.readline().decode()
            if first.startswith("listening on "):
                # It serves from a read-only store: then every write is `unavailable`.
                fp = proc.stdout.readline().decode().strip().split(":", 1)[1]
                srv = Server(db)
                srv.host, port = first.split()[-1].rsplit(":", 1)
                srv.port, srv.fingerprint = int(port), fp
                c = client(srv)
                r = self.timed(c, "login", token=False, user="agent", password="agent-pass")
                self.assertEqual(self.code(r), "unavailable", r)
                r = self.timed(c, "login", token=False, user="ghost", password="x")
                self.assertEqual(self.code(r), "unavailable", r)
                self.assertTrue(self.timed(c, "hello", token=False)["ok"])
                c.close()
                proc.send_signal(signal.SIGTERM)
                rc = proc.wait(timeout=15)
                err = proc.stderr.read().decode(errors="replace")
                debug("read-only served:", rc, err)
                self.assertGreaterEqual(rc, 0)
                self.assertRegex(err, r"(?i)read-?only")
            else:
                rc = proc.wait(timeout=30)
                err = proc.stderr.read().decode(errors="replace")
                debug("read-only start:", rc, err)
                self.assertGreater(rc, 0, "exit %d on a read-only store" % rc)
                # The reason must be named: "unable to open database file" alone is not.
                self.assertRegex(err, r"(?i)read-?only",
                                 "no clear message for a read-only store: %r" % err)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()

    def test_file_system_turns_read_only_while_running(self):
        self.write_fault_while_running(errno.EROFS, "read-only")

    def test_io_errors_while_running(self):
        self.write_fault_while_running(errno.EIO, "I/O error")

    def write_fault_while_running(self, code, what):
        shim = build_faultfs(self.tmp)
        if shim is None:
            self.skipTest("no C compiler to build the fault-injection shim")
        store_dir = os.path.join(self.tmp, "store")
        os.makedirs(store_dir)
        db = make_demo_store(store_dir)
        ctl = os.path.join(self.tmp, "fault")
        env = dict(FAST_STORE)
        env.update(faultfs_env(shim, ctl, os.path.realpath(store_dir) + "/"))
        s = self.start(db, env)
        c = client(s)
        self.addCleanup(c.close)
        self.assertTrue(c.login("officer")["ok"])
        self.assertTrue(c.request("read", ref="SCP-005")["ok"])
        before = audit_chain(db)
        log_at = len(s.log())
        with open(ctl, "w") as f:
            f.write(str(code))
        try:
            codes = []
            answered_failures = []
            for i in range(4):
                codes.append(self.code(self.timed(c, "read", ref="SCP-002")))
                d = client(s)
                codes.append(self.code(self.timed(d, "login", token=False, user="agent",
                                                  password="agent-pass")))
                name = "ro-ghost-%d" % i
                r = self.timed(d, "login", token=False, user=name, password="x")
                codes.append(self.code(r))
                if self.code(r) == "auth_failed":
                    answered_failures.append(name)
                d.close()
                codes.append(self.code(self.timed(c, "create", kind="scp", number=8800 + i,
                                                  title="Written to a %s disk" % what, level=1,
                                                  containment="Safe")))
            debug(self.id(), codes)
            self.assertIn("unavailable", codes)
            self.assertLessEqual(set(codes), STORE_CODES | {"ok", "auth_failed"}, codes)
            self.assertTrue(self.timed(c, "hello", token=False)["ok"])
            r = self.timed(c, "health", token=False)
            self.assertTrue(r["ok"], r)
            self.assertIsNone(s.proc.poll(), "server died on a %s store" % what)
        finally:
            os.remove(ctl)
        log = s.log()[log_at:]
        debug("\n".join(sorted(set(x[25:160] for x in log.splitlines())))[:3000])
        self.assertRegex(log, r"(?i)(read-?only|readonly|i/o|disk|unavailable|error)",
                         "no clear log line for a %s store" % what)
        self.assertRecovers(s)
        self.assertNoInternal()
        self.assertEqual(s.stop(), 0)
        self.assertStoreHealthy(db, before)
        # Whatever was answered during the fault has its audit row.
        names = {r[0] for r in connect_store(db).execute(
            "SELECT attempted_name FROM audit_log WHERE attempted_name IS NOT NULL")}
        for name in answered_failures:
            self.assertIn(name, names)


class TestFullDisk(FaultCase):

    def test_full_disk_then_space_again(self):
        mnt = os.path.join(self.tmp, "small")
        why = mount_tmpfs(mnt, "3m")
        if why:
            self.skipTest(why)
        self.addCleanup(umount, mnt)
        db = make_demo_store(mnt)
        s = self.start(db, FAST_STORE)
        c = client(s)
        self.addCleanup(c.close)
        self.assertTrue(c.login("o5")["ok"])
        self.assertTrue(c.request("read", ref="SCP-002")["ok"])
        before = audit_chain(db)
        filler = os.path.join(mnt, "filler")
        f = open(filler, "wb", buffering=0)
        try:
            for _ in range(10000):  # at most 40 MiB; the tmpfs is 3 MiB
                f.write(b"\0" * 4096)
        except OSError as e:
            self.assertEqual(e.errno, errno.ENOSPC)
        finally:
            f.close()
        self.assertLess(shutil.disk_usage(mnt).free, 8192)
        log_at = len(s.log())
        codes, answered_ok, answered_failures = [], [], []
        try:
            big = "Filler text for a full disk. " * 1500  # ~45 KB per create
            for i in range(60):
                r = self.timed(c, "create", kind="scp", number=9000 + i, title="Full %d" % i,
                               level=1, containment="Safe",
                               sections=[{"kind": "description", "title": "Description",
                                          "level": 1, "text": big}])
                codes.append(self.code(r))
                if r.get("ok"):
                    answered_ok.append(r["ref"])
                d = client(s)
                name = "full-ghost-%d" % i
                r = self.timed(d, "login", token=False, user=name, password="x")
                codes.append(self.code(r))
                if self.code(r) == "auth_failed":
                    answered_failures.append(name)
                d.close()
                if codes.count("unavailable") >= 6:
                    break
            debug(self.id(), codes)
            self.assertIn("unavailable", codes, "a full disk never made a write fail")
            self.assertLessEqual(set(codes), STORE_CODES | {"ok", "auth_failed"}, codes)
            self.assertTrue(self.timed(c, "hello", token=False)["ok"])
            self.assertIsNone(s.proc.poll(), "server died on a full disk")
        finally:
            os.remove(filler)
        log = s.log()[log_at:]
        debug("\n".join(sorted(set(x[25:160] for x in log.splitlines())))[:3000])
        self.assertRegex(log, r"(?i)(full|disk|space|unavailable)",
                         "no clear log line for a full disk")
        self.assertRecovers(s, "o5")
        r = c.request("create", kind="scp", number=9999, title="After the disk was freed",
                      level=1, containment="Safe")
        self.assertTrue(r["ok"], r)
        self.assertNoInternal()
        self.assertEqual(s.stop(), 0)
        self.assertStoreHealthy(db, before)
        con = connect_store(db, readonly=True)
        try:
            numbers = {n for (n,) in con.execute("SELECT number FROM scp_files")}
            names = {n for (n,) in con.execute(
                "SELECT attempted_name FROM audit_log WHERE attempted_name IS NOT NULL")}
        finally:
            con.close()
        for ref in answered_ok:  # what was answered ok is there
            self.assertIn(int(ref.split("-")[1]), numbers, ref)
        for name in answered_failures:
            self.assertIn(name, names)


class TestCorrupt(FaultCase):

    def test_random_bytes_file_is_refused_at_start(self):
        for name, data in (("random", os.urandom(200000)),
                           ("header-then-random", b"SQLite format 3\0" + os.urandom(8192)),
                           ("truncated-store", None)):
            with self.subTest(kind=name):
                path = os.path.join(self.tmp, name + ".db")
                if data is None:  # a real store cut in half
                    src = make_demo_store(tempfile.mkdtemp(dir=self.tmp))
                    with open(src, "rb") as f:
                        whole = f.read()
                    data = whole[:len(whole) // 2]
                with open(path, "wb") as f:
                    f.write(data)
                p = subprocess.run([os.path.join(BIN, "scipnet-server"), "--db", path,
                                    "--listen", "127.0.0.1:0"], env=clean_env(),
                                   capture_output=True, timeout=30)
                self.assertNotIn(b"listening on", p.stdout, "served a %s store" % name)
                self.assertGreater(p.returncode, 0, "exit %d on a %s store" % (p.returncode, name))
                self.assertRegex(p.stderr.decode(errors="replace"),
                                 r"(?i)corrupt|not a (deepwell|database)|malformed",
                                 "no clear message for a %s store" % name)
                self.assertLess(len(p.stderr), 4096)
                d = run_deepwell("check", "--db", path)
                self.assertNotEqual(d.returncode, 0, "deepwell check passes a %s store" % name)

    def test_pages_corrupted_while_running(self):
        db = make_demo_store(self.tmp)
        # Some history first, then everything checkpointed into the main file.
        s = self.start(db)
        c = client(s)
        self.assertTrue(c.login("o5")["ok"])
        for ref in ("SCP-002", "SCP-005", "SCP-042", "SITE-19", "MTF-3"):
            self.assertTrue(c.request("read", ref=ref)["ok"])
        c.close()
        self.assertEqual(s.stop(), 0)
        con = sqlite3.connect(db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
        backup = db + ".good"
        shutil.copyfile(db, backup)
        before = audit_chain(db)

        s = self.start(db, FAST_STORE)
        c = client(s)
        self.addCleanup(c.close)
        self.assertTrue(c.login("o5")["ok"])
        size = os.path.getsize(db)
        pages = size // page_size
        with open(db, "r+b") as f:  # every page but the first (the header) and the last few
            for page in range(1, max(2, pages - 2)):
                f.seek(page * page_size)
                f.write(os.urandom(page_size))
            f.flush()
            os.fsync(f.fileno())
        refs = ["SCP-002", "SCP-005", "SCP-013", "SCP-042", "SCP-100", "SCP-217", "SITE-19",
                "SITE-77", "MTF-3", "MTF-6", "USER-1", "USER-6"]
        codes = []
        for ref in refs:
            codes.append(self.code(self.timed(c, "read", ref=ref)))
        for kind in ("scp", "site", "mtf", "user"):
            codes.append(self.code(self.timed(c, "list", kind=kind, query="e")))
        codes.append(self.code(self.timed(c, "whoami")))
        codes.append(self.code(self.timed(c, "audit", limit=20)))
        d = client(s)
        codes.append(self.code(self.timed(d, "login", token=False, user="agent",
                                          password="agent-pass")))
        codes.append(self.code(self.timed(d, "login", token=False, user="ghost", password="x")))
        d.close()
        self.assertTrue(self.timed(c, "hello", token=False)["ok"])
        r = self.timed(c, "health", token=False)
        self.assertTrue(r["ok"], r)
        debug(self.id(), codes)
        self.assertIn("unavailable", codes, "a corrupt store was never noticed: %r" % codes)
        self.assertLessEqual(set(codes), {"ok", "unavailable", "expunged", "auth_failed",
                                          "unauthenticated"}, codes)
        self.assertIsNone(s.proc.poll(), "server crashed on a corrupt store")
        self.assertRegex(s.log(), r"(?i)corrupt|malformed", "no clear log line for corruption")
        rc = s.stop()
        self.assertGreaterEqual(rc, 0, "server died of signal %d on a corrupt store" % -rc)
        self.assertNoInternal()
        d = run_deepwell("check", "--db", db)
        self.assertNotEqual(d.returncode, 0, "deepwell check passes a corrupted store")
        # The copy taken before is whole, with every audit row.
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        shutil.copyfile(backup, db)
        self.assertStoreHealthy(db, before)
        s = self.start(db)
        self.assertRecovers(s)
        self.assertEqual(s.stop(), 0)


    def test_one_table_corrupted_while_running(self):
        """Only the sections table's pages are overwritten: SCP files become
        `unavailable`, everything else is still served, nothing crashes."""
        db = make_demo_store(self.tmp)
        con = sqlite3.connect(db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        roots = [r for (r,) in con.execute(
            "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'sections' AND rootpage > 0")]
        con.close()
        backup = db + ".good"
        shutil.copyfile(db, backup)
        before = audit_chain(db)
        s = self.start(db, FAST_STORE)
        c = client(s)
        self.addCleanup(c.close)
        self.assertTrue(c.login("o5")["ok"])
        self.assertTrue(c.request("read", ref="SITE-19")["ok"])
        with open(db, "r+b") as f:
            for page in roots:  # 1-based page numbers
                f.seek((page - 1) * page_size)
                f.write(b"\xff" * 8 + os.urandom(page_size - 8))
            f.flush()
            os.fsync(f.fileno())
        scp = [self.code(self.timed(c, "read", ref=ref))
               for ref in ("SCP-002", "SCP-013", "SCP-100")]
        debug(self.id(), scp)
        self.assertEqual(set(scp), {"unavailable"}, scp)
        for ref in ("SITE-19", "MTF-3", "USER-2"):
            r = self.timed(c, "read", ref=ref)
            self.assertTrue(r["ok"], r)
        self.assertTrue(self.timed(c, "list", kind="scp")["ok"])
        d = client(s)
        self.assertTrue(self.timed(d, "login", token=False, user="agent",
                                   password="agent-pass")["ok"])
        d.close()
        self.assertIsNone(s.proc.poll(), "server crashed on a corrupt table")
        self.assertRegex(s.log(), r"(?i)corrupt|malformed", "no clear log line for corruption")
        self.assertGreaterEqual(s.stop(), 0)
        self.assertNoInternal()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        shutil.copyfile(backup, db)
        self.assertStoreHealthy(db, before)


if __name__ == "__main__":
    unittest.main()
