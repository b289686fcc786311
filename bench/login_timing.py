#!/usr/bin/env python3
"""Login time of an unknown name against a real account's wrong password (issue 16, 9a/9b).

The store's hashes are made at the default argon2 cost (64 MiB, 2 passes); the server
runs with a lower argon2_memlimit_kib (MEMLIMIT_KIB, default 8192), as after an
operator lowered it.  For each of ROUNDS fresh server starts it times the very first
failed login (alternately of a real account and of an unknown name), then SAMPLES
more of each, interleaved; it prints the medians in milliseconds.

    make programs && python3 bench/login_timing.py [SAMPLES] [ROUNDS] [MEMLIMIT_KIB]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "tests"), os.path.join(HERE, "..", "tests", "e2e")]

from harness import BIN, Server, clean_env  # noqa: E402

NO_THROTTLE = {"SCIPNET_LOGIN_MAX_FAILURES": "1000000",
               "SCIPNET_LOGIN_MAX_FAILURES_ADDR": "1000000"}
REAL = ["cadet", "researcher", "agent", "officer", "director", "o5"]


def timed_login(c, user):
    t0 = time.monotonic()
    r = c.request("login", token=False, user=user, password="not-the-password")
    ms = (time.monotonic() - t0) * 1000
    assert r["error"]["code"] == "auth_failed", r
    return ms


def main():
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    memlimit = sys.argv[3] if len(sys.argv) > 3 else "8192"
    tmp = tempfile.mkdtemp(prefix="scipnet-timing-")
    try:
        db = os.path.join(tmp, "deepwell.db")
        store_env = {k: v for k, v in clean_env().items() if not k.startswith("SCIPNET_ARGON2")}
        subprocess.run([os.path.join(BIN, "deepwell"), "init", "--db", db, "--demo"],
                       env=store_env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        env = dict(NO_THROTTLE, SCIPNET_ARGON2_OPSLIMIT="2",
                   SCIPNET_ARGON2_MEMLIMIT_KIB=memlimit)
        first = {"real": [], "unknown": []}
        later = {"real": [], "unknown": []}
        for rnd in range(rounds):
            server = Server(db, env=env).start()
            try:
                c = server.client(timeout=60)
                kind = "real" if rnd % 2 == 0 else "unknown"
                first[kind].append(timed_login(c, REAL[rnd % 6] if kind == "real"
                                               else "nobody-%d" % rnd))
                for i in range(samples):
                    later["real"].append(timed_login(c, REAL[i % 6]))
                    later["unknown"].append(timed_login(c, "ghost-%d-%d" % (rnd, i)))
                c.close()
            finally:
                server.stop()
        print("argon2_memlimit_kib %s, stored hashes at 65536 KiB / 2 passes" % memlimit)
        for kind in ("real", "unknown"):
            print("%-8s median %.1f ms over %d (p10 %.1f, p90 %.1f); first after a start:"
                  " %s ms" % (kind, statistics.median(later[kind]), len(later[kind]),
                              statistics.quantiles(later[kind], n=10)[0],
                              statistics.quantiles(later[kind], n=10)[-1],
                              ", ".join("%.0f" % v for v in first[kind])))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
