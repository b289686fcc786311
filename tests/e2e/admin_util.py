"""Helpers for end-to-end tests that drive the real programs (stdlib only).

SCIPNET_BIN names the directory holding the programs (default: <repo>/bin).
Stores made here use tiny argon2 limits so hashing never slows a test down.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Argon2 limits small enough for tests (libsodium's minimums).
SMALL_HASH_ENV = {"SCIPNET_ARGON2_OPSLIMIT": "1", "SCIPNET_ARGON2_MEMLIMIT_KIB": "8"}

# The demo users and passwords (docs/demo.md).
DEMO_USERS = {
    "cadet": "cadet-pass",
    "researcher": "researcher-pass",
    "agent": "agent-pass",
    "officer": "officer-pass",
    "director": "director-pass",
    "o5": "o5-pass",
}


def bin_dir() -> Path:
    return Path(os.environ.get("SCIPNET_BIN") or REPO / "bin")


def program(name: str) -> str:
    return str(bin_dir() / name)


def test_env(extra=None) -> dict:
    """The caller's environment without SCIPNET_* settings, plus small argon2 limits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIPNET_")}
    env.update(SMALL_HASH_ENV)
    if extra:
        env.update(extra)
    return env


class TempDir:
    """A temporary directory removed on exit: `with TempDir() as d: ...` (d is a Path)."""

    def __enter__(self) -> Path:
        self._dir = tempfile.TemporaryDirectory(prefix="scipnet-test-")
        return Path(self._dir.name)

    def __exit__(self, *exc):
        self._dir.cleanup()
        return False


def make_temp_dir(testcase) -> Path:
    """A temporary directory removed when the unittest.TestCase finishes."""
    d = tempfile.TemporaryDirectory(prefix="scipnet-test-")
    testcase.addCleanup(d.cleanup)
    return Path(d.name)


def run(name: str, *args, input=None, env=None, timeout=60, cwd=None) -> subprocess.CompletedProcess:
    """Runs bin/<name> with args; returns the CompletedProcess (text stdout, stderr)."""
    return subprocess.run(
        [program(name), *[str(a) for a in args]],
        input=input,
        capture_output=True,
        text=True,
        env=test_env() if env is None else env,
        timeout=timeout,
        cwd=cwd,
    )


def deepwell(*args, input=None, env=None, timeout=60, cwd=None) -> subprocess.CompletedProcess:
    return run("deepwell", *args, input=input, env=env, timeout=timeout, cwd=cwd)


def create_demo_store(directory, name="deepwell.db") -> Path:
    """`deepwell init --demo` in directory; returns the store's path."""
    db = Path(directory) / name
    r = deepwell("init", "--db", db, "--demo")
    if r.returncode != 0:
        raise RuntimeError(f"deepwell init --demo failed ({r.returncode}): {r.stderr.strip()}")
    return db


def add_user(db, name, password, clearance=2, title="Researcher", *extra):
    """`deepwell user add`; returns the CompletedProcess."""
    return deepwell("user", "add", name, "--db", db, "--clearance", clearance, "--title", title,
                    *extra, "--password-stdin", input=password + "\n")


def connect_store(db, readonly=False, timeout=10):
    """A connection to an SQLite store as the store itself opens it: the file DB with
    its audit log, the file DB.audit, attached as "audit" when it is there (so SQL
    naming audit_log finds it)."""
    if readonly:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=timeout)
    else:
        con = sqlite3.connect(db, timeout=timeout)
    audit = f"{db}.audit"
    if os.path.exists(audit):
        con.execute("ATTACH ? AS audit", (f"file:{audit}?mode=ro" if readonly else audit,))
    return con


def query(db, sql, params=()):
    """Rows of a read-only query on the store (never writes, never holds a lock after)."""
    con = connect_store(db, readonly=True, timeout=5)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def audit_rows(db):
    """(id, action, details) of every audit row, oldest first."""
    return query(db, "SELECT id, action, details FROM audit_log ORDER BY id")


def user_row(db, name):
    """(id, clearance_level, active, password_hash) of a user, or None."""
    rows = query(db, "SELECT id, clearance_level, active, password_hash FROM users "
                     "WHERE name = ? COLLATE NOCASE", (name,))
    return rows[0] if rows else None


def file_digest(path) -> bytes:
    """The bytes of a store and its WALs, to prove a refused command changed nothing."""
    data = b""
    for suffix in ("", "-wal", ".audit", ".audit-wal"):
        p = Path(str(path) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data


def sqlite3_cli() -> str:
    cli = shutil.which("sqlite3")
    if cli is None:
        raise RuntimeError("the sqlite3 command-line tool is not installed")
    return cli


class LockHolder:
    """A child process holding a write lock (BEGIN EXCLUSIVE) on a store until closed.

    exclusive_mode=True also sets PRAGMA locking_mode=EXCLUSIVE, which in WAL mode
    keeps readers out too.
    """

    SCRIPT = r"""
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
if sys.argv[2] == "1":
    con.execute("PRAGMA locking_mode=EXCLUSIVE")
con.execute("BEGIN EXCLUSIVE")
con.execute("SELECT count(*) FROM users").fetchall()
print("locked", flush=True)
sys.stdin.read()
con.execute("ROLLBACK")
"""

    def __init__(self, db, exclusive_mode=False):
        self.proc = subprocess.Popen(
            ["python3", "-c", self.SCRIPT, str(db), "1" if exclusive_mode else "0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "locked":
            err = self.proc.stderr.read()
            self.close()
            raise RuntimeError(f"could not lock {db}: {err.strip()}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def timed(fn, *args, **kwargs):
    """(result, seconds) of fn(*args, **kwargs)."""
    start = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - start
