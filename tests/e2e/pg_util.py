"""PostgreSQL for the end-to-end tests: a cluster (the one tests/run.sh started, named
by SCIPNET_TEST_PG, or a private one started here) and a fresh schema per test class.

Skips, with the reason, when PostgreSQL is not installed.
"""
import atexit
import os
import shutil
import subprocess
import unittest
import uuid
from urllib.parse import quote

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
_own_cluster = None  # (url, dir) of a cluster this process started


def _psql():
    return shutil.which("psql")


def cluster_url():
    """The test database's URL, starting a private cluster if none was given."""
    global _own_cluster
    url = os.environ.get("SCIPNET_TEST_PG")
    if url:
        return url
    if _own_cluster is None:
        start = os.path.join(ROOT, "tests", "pg", "start.sh")
        proc = subprocess.run(["bash", start], capture_output=True, text=True, timeout=120)
        if proc.returncode == 77 or _psql() is None:
            raise unittest.SkipTest("PostgreSQL is not installed: " + proc.stderr.strip())
        if proc.returncode != 0:
            raise RuntimeError("tests/pg/start.sh failed: " + proc.stderr)
        values = {}
        for line in proc.stdout.splitlines():
            key, _, value = line.partition("=")
            # start.sh prints shell-quoted values (printf %q): undo the backslashes.
            values[key] = value.replace("\\", "")
        _own_cluster = (values["SCIPNET_TEST_PG"], values["SCIPNET_TEST_PG_DIR"])
        atexit.register(lambda: subprocess.run(
            ["bash", os.path.join(ROOT, "tests", "pg", "stop.sh"), _own_cluster[1]]))
    return _own_cluster[0]


def psql(url, sql):
    quiet = "SET client_min_messages = warning; "  # no NOTICE for each dropped table
    subprocess.run([_psql(), "-q", "-v", "ON_ERROR_STOP=1", url, "-c", quiet + sql], check=True,
                   stdout=subprocess.DEVNULL, timeout=60)


def psql_value(url, sql):
    out = subprocess.run([_psql(), "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    return out.strip()


def fresh_schema():
    """(store URL whose search_path is a new empty schema, schema name)."""
    base = cluster_url()
    schema = "e2e_" + uuid.uuid4().hex[:12]
    psql(base, "CREATE SCHEMA %s" % schema)
    sep = "&" if "?" in base else "?"
    return base + sep + "options=" + quote("-csearch_path=%s,public" % schema, safe=""), schema


def drop_schema(schema):
    psql(cluster_url(), "DROP SCHEMA IF EXISTS %s CASCADE" % schema)
