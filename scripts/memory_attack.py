#!/usr/bin/env python3
"""The memory attack of issue 16 (item 2e), replayed against a real server.

A level-3 user creates SITES sites with KB-kilobyte locations, then CONNS connections
that never read each send REQUESTS `list site limit 200`.  Prints the server's
resident memory before, its peak (VmHWM) during, and how long a well-behaved
client waited meanwhile.  Against the server before the fix: 31 MB -> 1.86 GB.

    SCIPNET_BIN=bin python3 scripts/memory_attack.py [--sites 200] [--kb 60]
        [--conns 5] [--requests 32] [--hold 10]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "tests"), os.path.join(HERE, "..", "tests", "e2e")]

from harness import Server, make_demo_store  # noqa: E402


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--kb", type=int, default=60)
    ap.add_argument("--conns", type=int, default=5)
    ap.add_argument("--requests", type=int, default=32)
    ap.add_argument("--hold", type=float, default=10.0, help="seconds to watch")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="scipnet-memory-attack-")
    server = None
    try:
        db = make_demo_store(tmp)
        # No login throttling or per-session rate in the way of the setup itself.
        server = Server(db, env={"SCIPNET_SESSION_RATE": "100000",
                                 "SCIPNET_SESSION_BURST": "100000"}).start()
        pid = server.proc.pid
        attacker = server.client(timeout=120)
        assert attacker.login("agent")["ok"]  # level 3: may create sites
        location = "L" * (args.kb * 1000)
        t0 = time.monotonic()
        for base in range(0, args.sites, 20):
            batch = [{"id": n, "op": "create", "token": attacker.token, "kind": "site",
                      "name": "Attack-Site-%04d" % n, "location": location}
                     for n in range(base, min(base + 20, args.sites))]
            attacker.send_raw(b"".join(json.dumps(m).encode() + b"\n" for m in batch))
            for _ in batch:
                r = attacker.recv()
                assert r["ok"], r
        print("setup: %d sites of %d KB in %.1f s" % (args.sites, args.kb, time.monotonic() - t0))

        good = server.client(timeout=60)
        assert good.login("researcher")["ok"]
        good.request("whoami")
        rss_before = status_kib(pid, "VmRSS")
        hwm_before = status_kib(pid, "VmHWM")
        one = json.dumps({"op": "list", "token": attacker.token, "kind": "site",
                          "limit": 200}).encode() + b"\n"
        bad = []
        for _ in range(args.conns):
            c = server.client(timeout=60)
            c.send_raw(one * args.requests)  # and never read
            bad.append(c)
        worst, peak_rss, fails = 0.0, rss_before, 0
        end = time.monotonic() + args.hold
        while time.monotonic() < end:
            t = time.monotonic()
            try:
                ok = good.request("whoami")["ok"]
            except (OSError, ConnectionError):
                ok = False
            worst = max(worst, time.monotonic() - t)
            fails += 0 if ok else 1
            peak_rss = max(peak_rss, status_kib(pid, "VmRSS"))
            time.sleep(0.05)
        hwm = status_kib(pid, "VmHWM")
        print("server RSS before the attack: %.1f MiB (peak so far %.1f MiB)"
              % (rss_before / 1024, hwm_before / 1024))
        print("server peak RSS (VmHWM) during %d conns x %d `list site limit 200`: %.1f MiB"
              % (args.conns, args.requests, hwm / 1024))
        print("server RSS sampled during the attack, highest: %.1f MiB" % (peak_rss / 1024))
        print("good client: worst whoami %.3f s, %d failed" % (worst, fails))
        for c in bad:
            c.close()
        good.close()
        attacker.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
