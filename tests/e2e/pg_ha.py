"""A PostgreSQL primary and a synchronous streaming standby on one machine, for the
failover test (tests/e2e/test_pg_failover.py).

Both clusters listen only on unix sockets in one private directory, on two private
ports.  The standby is a `pg_basebackup -R` copy; the primary names it in
`synchronous_standby_names`, so a commit returns only once the standby has the WAL.
The test stands in for Patroni or an operator: `crash_primary` kills every process of
the primary with SIGKILL, `promote_standby` runs `pg_ctl promote`.  As root the
clusters run as the `postgres` user (initdb refuses root), as tests/pg/start.sh does.
"""
import glob
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import unittest


def _bindir():
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: [int(x) for x in d.split("/")[-2].split(".") if x.isdigit()])
    for d in reversed(dirs):
        if os.access(os.path.join(d, "pg_basebackup"), os.X_OK):
            return d
    return None


class Pair:
    """Primary "a" and standby "b"; url() is the multi-host libpq URL for both."""

    def __init__(self):
        self.bindir = _bindir()
        if self.bindir is None or shutil.which("psql") is None:
            raise unittest.SkipTest("PostgreSQL (initdb, pg_basebackup, psql) is not installed")
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="scipnet-pg-ha.")
        os.chmod(self.dir, 0o755)
        if self.root:
            shutil.chown(self.dir, "postgres")
        port = random.randrange(20000, 40000)
        self.ports = {}
        for name in ("a", "b"):
            while os.path.exists("/tmp/.s.PGSQL.%d" % port) or \
                    os.path.exists(os.path.join(self.dir, ".s.PGSQL.%d" % port)):
                port += 1
            self.ports[name] = port
            port += 1

    def _run(self, *args, **kw):
        cmd = list(args)
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=kw.get("timeout", 120))

    def _tool(self, name):
        return os.path.join(self.bindir, name)

    def _data(self, name):
        return os.path.join(self.dir, name)

    def _start(self, name, extra=""):
        # fsync off keeps a 2-core CI quick; the commit still waits for the standby.
        opts = ("-p %d -k %s -c listen_addresses= -c max_connections=100 -c fsync=off"
                " -c full_page_writes=off -c wal_level=replica -c max_wal_senders=4 %s"
                % (self.ports[name], self.dir, extra))
        self._run(self._tool("pg_ctl"), "-D", self._data(name), "-l",
                  self._data(name) + ".log", "-w", "-t", "60", "start", "-o", opts)

    def local_url(self, name, db="scipnet_test"):
        return "postgresql://postgres@/%s?host=%s&port=%d" % (db, self.dir, self.ports[name])

    def url(self):
        """Both hosts; libpq takes the first that accepts writes."""
        return ("postgresql://postgres@/scipnet_test?host=%s,%s&port=%d,%d"
                "&target_session_attrs=read-write&connect_timeout=2"
                % (self.dir, self.dir, self.ports["a"], self.ports["b"]))

    def psql_value(self, name, sql):
        return subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", self.local_url(name),
                               "-c", sql], check=True, capture_output=True, text=True,
                              timeout=60).stdout.strip()

    def start(self):
        try:
            self._run(self._tool("initdb"), "-D", self._data("a"), "-U", "postgres", "-A",
                      "trust", "--no-locale", "-E", "UTF8")
            self._start("a")
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1",
                            self.local_url("a", "postgres"), "-c",
                            "CREATE DATABASE scipnet_test"], check=True,
                           stdout=subprocess.DEVNULL, timeout=60)
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.local_url("a"), "-c",
                            "CREATE EXTENSION citext"], check=True, stdout=subprocess.DEVNULL,
                           timeout=60)
            self._run(self._tool("pg_basebackup"), "-D", self._data("b"), "-R", "-X", "stream",
                      "-c", "fast", "-h", self.dir, "-p", str(self.ports["a"]), "-U", "postgres")
            self._start("b")
            # Set on the primary only, after the copy: promoted, the standby must not
            # wait for a standby of its own.
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.local_url("a"), "-c",
                            "ALTER SYSTEM SET synchronous_standby_names = '*'", "-c",
                            "SELECT pg_reload_conf()"], check=True, stdout=subprocess.DEVNULL,
                           timeout=60)
            deadline = time.time() + 30
            while self.psql_value("a", "SELECT count(*) FROM pg_stat_replication"
                                       " WHERE sync_state = 'sync'") != "1":
                if time.time() > deadline:
                    raise RuntimeError("the standby never became synchronous")
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def primary_pids(self):
        """The primary's postmaster and every process it forked."""
        with open(os.path.join(self._data("a"), "postmaster.pid")) as f:
            postmaster = int(f.readline())
        pids = [postmaster]
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                pids.append(int(stat.split("/")[2]))
        return pids

    def crash_primary(self):
        """SIGKILL to the whole primary at once, as when its host dies."""
        for pid in self.primary_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def promote_standby(self):
        self._run(self._tool("pg_ctl"), "-D", self._data("b"), "-w", "-t", "60", "promote")

    def stop(self):
        for name in ("a", "b"):
            if os.path.exists(os.path.join(self._data(name), "postmaster.pid")):
                try:
                    self._run(self._tool("pg_ctl"), "-D", self._data(name), "stop", "-m",
                              "immediate", "-w", "-t", "30")
                except subprocess.SubprocessError:
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)
