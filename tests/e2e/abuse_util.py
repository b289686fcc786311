"""Helpers for the fault, abuse, crash and leak tests (Python 3 standard library only).

Builds on harness.py: a demo store, a real scipnet-server on 127.0.0.1 and a TLS client.
Adds: the server's resident memory, a "good client" that measures how fast a
logged-in connection is still served, raw TCP / TLS sockets for misbehaving
clients, the store's admin command, and token hashes as the server stores them.
"""
import hashlib
import json
import os
import resource
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from harness import BIN, DEMO_USERS, Client, Server, clean_env, make_demo_store  # noqa: F401

# Latency bound for the good client right after each bad input (milliseconds).
LATENCY_MS = float(os.environ.get("SCIPNET_TEST_LATENCY_MS", "100"))

# Throttling off for tests that fail many logins on purpose.
NO_THROTTLE = {"SCIPNET_LOGIN_MAX_FAILURES": "1000000",
               "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}


def raise_nofile(want=20000):
    """Raises this process's (and so the server's) open-file limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def sanitized():
    """True when the programs under test are an ASan build (more memory, slower)."""
    try:
        with open(os.path.join(BIN, "scipnet-server"), "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def asan_env():
    """Server environment for an ASan build: a small quarantine, so freed memory is
    given back and a resident-memory bound still means something."""
    if not sanitized():
        return {}
    opts = os.environ.get("ASAN_OPTIONS", "")
    return {"ASAN_OPTIONS": (opts + ":" if opts else "")
            + "quarantine_size_mb=8:malloc_context_size=5"}


def rss_kib(pid):
    """VmRSS of a process in KiB (0 if it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


def tcp(server, timeout=5):
    """A raw TCP connection to the server's TLS port (no handshake)."""
    return socket.create_connection((server.host, server.port), timeout=timeout)


def read_until_closed(sock, timeout=5.0, limit=1 << 20):
    """Everything the peer sends until it closes (or timeout): (bytes, closed)."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline and len(data) < limit:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, False
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            return data, True
        except OSError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def client(server, timeout=5):
    return Client(server.host, server.port, server.fingerprint, timeout=timeout)


class GoodClient:
    """A logged-in, well-behaved connection: hello and read must stay fast."""

    def __init__(self, server, user="agent", ref="SCP-042"):
        self.server = server
        self.user = user
        self.ref = ref
        self.connect()

    def connect(self):
        self.c = client(self.server, timeout=10)
        r = self.c.login(self.user)
        if not r.get("ok"):
            raise AssertionError("good client cannot log in: %r" % (r,))

    def close(self):
        self.c.close()

    def once(self):
        """(seconds for hello, seconds for read); raises if a reply is wrong."""
        t0 = time.monotonic()
        r = self.c.request("hello", token=False)
        t1 = time.monotonic()
        if not r.get("ok") or r.get("server") != "scipnet":
            raise AssertionError("bad hello reply %r" % (r,))
        r = self.c.request("read", ref=self.ref)
        t2 = time.monotonic()
        if not r.get("ok") or r["file"]["ref"] != self.ref:
            raise AssertionError("bad read reply %r" % (r,))
        return t1 - t0, t2 - t1

    def latency(self, tries=3):
        """The best of a few hello+read rounds, in ms (one scheduler hiccup is forgiven)."""
        best = None
        for _ in range(tries):
            h, r = self.once()
            worst = max(h, r) * 1000
            best = worst if best is None else min(best, worst)
            if best < LATENCY_MS:
                break
        return best


def run_deepwell(*args, timeout=60, env=None):
    return subprocess.run([os.path.join(BIN, "deepwell")] + [str(a) for a in args],
                          env=clean_env(env), capture_output=True, text=True, timeout=timeout)


def audit_export(db, env=None):
    """Every audit row as dicts, via `deepwell audit export --format jsonl`."""
    p = run_deepwell("audit", "export", "--db", db, "--format", "jsonl", env=env, timeout=120)
    if p.returncode != 0:
        raise AssertionError("audit export failed (%d): %s" % (p.returncode, p.stderr))
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def token_hash(token):
    """The sessions.token_hash of a token (unkeyed BLAKE2b-256, as server/session.c)."""
    return hashlib.blake2b(token.encode(), digest_size=32).digest()


def wait_exit(proc, timeout):
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


# ---- fault injection below the store: an LD_PRELOAD shim --------------------------------
#
# While the control file exists, every write / pwrite64 / ftruncate / fdatasync / fsync on
# a file under FAULTFS_PREFIX fails with the errno written in the control file (30 EROFS,
# 28 ENOSPC, 5 EIO).  Sockets, the log and everything else are untouched.  This is how a
# file system turns read-only under a running program (ext4 errors=remount-ro): a
# `mount -o remount,ro` itself is refused while the server holds the store open.

FAULTFS_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int faulty(int fd)
{
    const char *ctl = getenv("FAULTFS_CTL"), *prefix = getenv("FAULTFS_PREFIX");
    if (ctl == NULL || prefix == NULL)
        return 0;
    int saved = errno;
    int cfd = open(ctl, O_RDONLY | O_CLOEXEC);
    if (cfd < 0) {
        errno = saved;
        return 0;
    }
    char buf[16] = {0};
    ssize_t n = read(cfd, buf, sizeof(buf) - 1);
    close(cfd);
    int code = n > 0 ? atoi(buf) : EIO;
    char link[64], path[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, path, sizeof(path) - 1);
    if (len <= 0) {
        errno = saved;
        return 0;
    }
    path[len] = '\0';
    if (strncmp(path, prefix, strlen(prefix)) != 0) {
        errno = saved;
        return 0;
    }
    return code > 0 ? code : EIO;
}

#define NEXT(name) static __typeof__(name) *next; if (!next) next = dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *b, size_t n)
{
    NEXT(write);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd, b, n);
}

ssize_t pwrite64(int fd, const void *b, size_t n, off64_t off)
{
    NEXT(pwrite64);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd, b, n, off);
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t off)
{
    NEXT(pwrite);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd, b, n, off);
}

int ftruncate64(int fd, off64_t len)
{
    NEXT(ftruncate64);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd, len);
}

int ftruncate(int fd, off_t len)
{
    NEXT(ftruncate);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd, len);
}

int fdatasync(int fd)
{
    NEXT(fdatasync);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd);
}

int fsync(int fd)
{
    NEXT(fsync);
    int e = faulty(fd);
    if (e) { errno = e; return -1; }
    return next(fd);
}
"""


def build_faultfs(directory):
    """Compiles the shim into directory; returns its path, or None without a C compiler."""
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if cc is None:
        return None
    src = os.path.join(directory, "faultfs.c")
    out = os.path.join(directory, "faultfs.so")
    with open(src, "w") as f:
        f.write(FAULTFS_C)
    p = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", out, src, "-ldl"],
                       capture_output=True, text=True, timeout=120)
    return out if p.returncode == 0 else None


def faultfs_env(shim, ctl, prefix):
    """Environment for a server whose store writes fail while ctl exists."""
    return {"LD_PRELOAD": shim, "FAULTFS_CTL": ctl, "FAULTFS_PREFIX": prefix,
            # An ASan build wants its runtime first; the shim does not mind.
            "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}


def mount_tmpfs(path, size):
    """Mounts a tmpfs of size (e.g. '4m') at path; returns None, or why it cannot."""
    if os.geteuid() != 0:
        return "not root: cannot mount a tmpfs"
    if shutil.which("mount") is None:
        return "no mount command"
    os.makedirs(path, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        return "mount -t tmpfs failed: %s" % p.stderr.strip()
    return None


def umount(path):
    subprocess.run(["umount", path], capture_output=True, timeout=30)
    if os.path.ismount(path):
        subprocess.run(["umount", "-l", path], capture_output=True, timeout=30)


# ---- one server shared by an abuse module (test_abuse.py, test_abuse_sockets.py) ----------

# ASan keeps shadow memory and a quarantine of freed blocks: a looser bound there.
RSS_GROWTH_MAX_KIB = (256 if sanitized() else 64) * 1024


def start_shared(shared, prefix):
    """Start the module's demo server and a warmed-up good client; details into shared."""
    raise_nofile(20000)
    tmp = tempfile.mkdtemp(prefix=prefix)
    db = make_demo_store(tmp)
    env = dict(NO_THROTTLE)
    env.update(asan_env())
    env["SCIPNET_MAX_CONNECTIONS_PER_ADDR"] = "4096"  # a thousand at once, all from 127.0.0.1
    server = Server(db, env=env).start()
    try:
        good = GoodClient(server, "agent", "SCP-042")
        for _ in range(20):  # warm up: the first requests fill caches and pools
            good.once()
    except BaseException:
        server.stop(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shared.update(tmp=tmp, db=db, server=server, good=good, rss0=rss_kib(server.proc.pid))


def stop_shared(shared):
    if not shared:
        return
    shared["good"].close()
    rc = shared["server"].stop()
    shutil.rmtree(shared["tmp"], ignore_errors=True)
    if rc not in (0, None):
        raise AssertionError("server exited %r" % rc)


def tls_read_all(c, timeout=5.0):
    """Reply lines until the server closes: (lines, 'eof' | 'timeout' | 'tls error: ...')."""
    deadline = time.monotonic() + timeout
    data = c.buf
    how = "timeout"
    while time.monotonic() < deadline:
        c.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = c.sock.recv(65536)
        except socket.timeout:
            break
        except ssl.SSLEOFError:  # EOF without close_notify: still a clean end
            how = "eof"
            break
        except ssl.SSLError as e:
            how = "tls error: %s" % e
            break
        except OSError as e:
            how = "socket error: %s" % e
            break
        if not chunk:
            how = "eof"
            break
        data += chunk
    return [x for x in data.split(b"\n") if x], how


class AbuseBase(unittest.TestCase):
    """One server for the whole module (start_shared), so the memory check sees it all.
    Each module subclasses it with its own shared dict."""

    shared = None

    @classmethod
    def setUpClass(cls):
        cls.db = cls.shared["db"]
        cls.server = cls.shared["server"]
        cls.good = cls.shared["good"]
        cls.rss0 = cls.shared["rss0"]

    def assertServed(self, what):
        """The good client is answered fast right after a bad input; the server lives."""
        self.assertIsNone(self.server.proc.poll(), "server died after %s" % what)
        ms = self.good.latency()
        self.assertLess(ms, LATENCY_MS, "good client waited %.1f ms after %s" % (ms, what))

    def login_client(self, name="o5"):
        c = client(self.server)
        self.addCleanup(c.close)
        r = c.login(name)
        self.assertTrue(r["ok"], r)
        return c

    def assertSoundAfterAbuse(self, rss_now):
        """Memory within its bound since the module began; the store and its audit chain
        check out; no request hit the "unexpected store error" path (a server bug)."""
        growth = rss_now - self.rss0
        self.assertLess(growth, RSS_GROWTH_MAX_KIB, "RSS grew %d KiB" % growth)
        p = run_deepwell("check", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = run_deepwell("audit", "verify", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        bad = [line for line in self.server.log().splitlines()
               if " store: " in line and "unexpected" in line]
        self.assertEqual(bad, [])
