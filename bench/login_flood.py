#!/usr/bin/env python3
"""Audit rows written under a flood of refused logins (issue 16, item 2c).

Blocks one account, then has CONNECTIONS connections pipeline logins for it for
SECONDS seconds; every one is refused without a hash.  Prints the refusals per
second, the audit rows and bytes per second the flood added while it ran, and,
after an orderly stop, the rows in total and the refusals their summaries count.

    make programs && python3 bench/login_flood.py [SECONDS] [CONNECTIONS]
"""
import os
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "tests"), os.path.join(HERE, "..", "tests", "e2e")]

from harness import Server, make_demo_store  # noqa: E402
from admin_util import connect_store  # noqa: E402

PIPELINE = 32
LINE = b'{"op":"login","user":"agent","password":"guess"}\n'


def audit_bytes(db):
    return sum(os.path.getsize(p) for p in (db + ".audit", db + ".audit-wal")
               if os.path.exists(p))


def login_rows(db):
    con = connect_store(db, readonly=True)
    try:
        rows = con.execute("SELECT details FROM audit_log WHERE action = 'login'"
                           " AND outcome = 'denied'").fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    tmp = tempfile.mkdtemp(prefix="scipnet-flood-")
    try:
        db = make_demo_store(tmp)
        server = Server(db, env={"SCIPNET_LOGIN_MAX_FAILURES": "1",
                                 "SCIPNET_LOGIN_BACKOFF_BASE_S": "600",
                                 "SCIPNET_LOGIN_BACKOFF_MAX_S": "600",
                                 "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}).start()
        c = server.client()
        assert not c.login("agent", "wrong")["ok"]
        c.close()
        rows0, bytes0 = len(login_rows(db)), audit_bytes(db)
        refused = [0] * connections
        stop = time.monotonic() + seconds

        def flood(i):
            cl = server.client()
            while time.monotonic() < stop:
                cl.send_raw(LINE * PIPELINE)
                for _ in range(PIPELINE):
                    r = cl.recv()
                    assert r["error"]["code"] == "rate_limited", r
                    refused[i] += 1
            cl.close()

        t0 = time.monotonic()
        threads = [threading.Thread(target=flood, args=(i,)) for i in range(connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        rows1, bytes1 = len(login_rows(db)), audit_bytes(db)
        server.stop()
        details = login_rows(db)
        counted = sum(1 for d in details if '"summary"' not in d)
        import json
        summarised = sum(json.loads(d).get("refused", 0) for d in details if '"summary"' in d)
        total = sum(refused)
        print("refused logins: %d in %.1f s = %.0f/s" % (total, elapsed, total / elapsed))
        print("audit rows during the flood: %d = %.1f rows/s, %.0f bytes/s of audit file"
              % (rows1 - rows0, (rows1 - rows0) / elapsed, (bytes1 - bytes0) / elapsed))
        print("after stop: %d refusal rows; %d audited one by one, %d counted in summaries"
              " (%d refusals)" % (len(details) - rows0, counted - rows0,
                                  len(details) - counted, summarised))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
