"""The load benchmark's tools: the smoke run against a real server, and the summary's
arithmetic (what `make bench` prints and writes to docs/BENCHMARKS.md).

The full bench is not run here (it takes minutes and measures the machine); the smoke
run drives scipnet-bench through bench/run.sh exactly as `make bench` would, for 2 s.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

from harness import BIN, Server, clean_env, make_demo_store

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


class BenchSmoke(unittest.TestCase):
    def test_smoke_run_reads_without_errors(self):
        env = clean_env({"SCIPNET_BIN": os.path.abspath(BIN)})
        out = subprocess.run(["bash", "bench/run.sh", "--smoke"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        m = re.search(r"^bench smoke: (\d+) reads in [\d.]+ s \(\d+/s\), p99 [\d.]+ ms, "
                      r"(\d+) errors$", out.stdout, re.M)
        self.assertIsNotNone(m, out.stdout)
        self.assertGreater(int(m.group(1)), 0)
        self.assertEqual(m.group(2), "0")

    def test_bench_reports_failed_logins_as_errors(self):
        """A store without the bench users: every login fails, and the bench says so."""
        with tempfile.TemporaryDirectory() as d:
            server = Server(make_demo_store(d))
            server.start()
            try:
                out = subprocess.run([os.path.join(BIN, "scipnet-bench"), "--mode", "read",
                                      "--port", str(server.port), "--connections", "2",
                                      "--duration", "1", "--json"],
                                     env=clean_env(), capture_output=True, text=True, timeout=60)
            finally:
                server.stop()
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertEqual((report["authenticated"], report["requests"]), (0, 0))
        self.assertEqual(report["errors"], 2)
        self.assertIn("auth_failed:2", report["errors_detail"])

    def test_hash_time_reports_the_ceiling_and_the_cores_hashing_at_once(self):
        out = subprocess.run([os.path.join(BIN, "scipnet-bench"), "--mode", "hash-time",
                              "--hash-count", "2", "--argon2-ops", "1", "--argon2-mem-kib", "8192",
                              "--json"], env=clean_env(), capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertEqual((report["hashes"], report["argon2_memlimit_kib"]), (2, 8192))
        self.assertEqual(report["cores"], os.sysconf("SC_NPROCESSORS_ONLN"))
        ceiling = report["cores"] * 1000.0 / report["hash_median_ms"]
        self.assertAlmostEqual(report["ceiling_logins_per_s"], ceiling, delta=0.01 * ceiling)
        # Real hashing threads: some rate, and not more than every core can give.
        self.assertGreater(report["parallel_hashes_per_s"], 0)
        self.assertLess(report["parallel_of_ceiling"], 2.0)
        self.assertAlmostEqual(report["parallel_of_ceiling"],
                               report["parallel_hashes_per_s"] / report["ceiling_logins_per_s"],
                               delta=0.01)

    def test_smoke_summary_fails_on_errors(self):
        with tempfile.TemporaryDirectory() as d:
            write_jsonl(os.path.join(d, "smoke.jsonl"),
                        [{"requests": 10, "duration_s": 2.0, "requests_per_s": 5, "p99_ms": 1.0,
                          "errors": 4, "errors_detail": "closed:4"}])
            out = subprocess.run([sys.executable, "bench/summarize.py", "--dir", d, "--smoke"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("4 errors (closed:4)", out.stdout)


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def redis_csv(path, rps_values):
    with open(path, "w") as f:
        f.write('"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",'
                '"p95_latency_ms","p99_latency_ms","max_latency_ms"\n')
        for rps in rps_values:
            f.write(f'"GET","{rps}","0.5","0.1","0.4","0.9","1.2","3.0"\n')


def read_run(rps):
    return {"mode": "read", "requests_per_s": rps, "p50_ms": 1.0, "p90_ms": 2.0,
            "p99_ms": 3.0, "max_ms": 4.0, "errors": 0}


class BenchSummary(unittest.TestCase):
    """Rounds are paired: each ratio compares runs made seconds apart."""

    def summarize(self, d):
        out = subprocess.run([sys.executable, "bench/summarize.py", "--dir", d], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return out.stdout

    def row(self, text, label):
        for line in text.splitlines():
            if line.startswith(label):
                return line
        self.fail(f"no row {label!r} in:\n{text}")

    def test_read_ratio_is_the_median_of_each_rounds_ratio(self):
        with tempfile.TemporaryDirectory() as d:
            # Round by round 43 %, 40 %, 60 %: 43 %, where the medians' ratio is 51 %.
            write_jsonl(os.path.join(d, "read-p1.jsonl"),
                        [read_run(30000), read_run(40000), read_run(36000)])
            redis_csv(os.path.join(d, "redis-p1.csv"), [70000, 100000, 60000])
            text = self.summarize(d)
        row = self.row(text, "read, 50 conns, 1 in flight: requests/s")
        self.assertRegex(row, r"36,000\s+70,000\s+43 %\s+>= 50 % of redis\s+NO")

    def test_storm_ratios_are_judged_run_by_run(self):
        with tempfile.TemporaryDirectory() as d:
            write_jsonl(os.path.join(d, "read-p1.jsonl"), [read_run(30000)])
            storm = [{"logins_per_s": l, "quiet_p99_ms": q, "storm_p99_ms": s,
                      "storm_p99_ratio": round(s / q, 2), "errors": 0}
                     for l, q, s in ((18.0, 1.0, 1.9), (27.0, 2.0, 3.6), (20.0, 1.5, 4.5))]
            write_jsonl(os.path.join(d, "storm.jsonl"), storm)
            # The ceiling of each run: 2 cores over the mean of the hashes timed around it.
            write_jsonl(os.path.join(d, "hash.jsonl"),
                        [{"hash_median_ms": ms, "cores": 2} for ms in (100, 100, 60, 100)])
            text = self.summarize(d)
        # Ceilings 20, 25, 25 logins/s: 90 %, 108 %, 80 % -> median 90 %.
        self.assertRegex(self.row(text, "login storm: logins/s"), r"\s90 %\s+>= 90 % of ceiling\s+yes")
        # Ratios 1.9x, 1.8x, 3.0x -> 1.90x, where the medians' ratio would be 3.6/1.5 = 2.4x.
        self.assertRegex(self.row(text, "login storm: read p99"), r"1\.90x\s+<= 2x quiet\s+yes")
        # Without --doc the figures behind the medians are printed under the table.
        self.assertIn("read p99 ratio of each run 1.90x, 1.80x, 3.00x", text)

    def test_storm_is_also_set_against_bare_hashing_threads(self):
        with tempfile.TemporaryDirectory() as d:
            write_jsonl(os.path.join(d, "read-p1.jsonl"), [read_run(30000)])
            write_jsonl(os.path.join(d, "storm.jsonl"),
                        [{"logins_per_s": l, "quiet_p99_ms": 1.0, "storm_p99_ms": 1.5,
                          "storm_p99_ratio": 1.5, "errors": 0} for l in (18.0, 17.0, 19.0)])
            # Ceiling 20 logins/s each run; the bare threads hash 18, 18, 20 per second
            # around the runs (the mean of the timings before and after each).
            write_jsonl(os.path.join(d, "hash.jsonl"),
                        [{"hash_median_ms": 100, "cores": 2, "parallel_hashes_per_s": p}
                         for p in (18.0, 18.0, 18.0, 22.0)])
            text = self.summarize(d)
        self.assertRegex(self.row(text, "login storm: logins/s (8"), r"\s90 %\s+>= 90 % of ceiling\s+yes")
        # 18/18, 17/18, 19/20 -> median 95 %; the threads: 18, 18, 20 -> 18 = 90 % of 20.
        row = self.row(text, "login storm: logins/s against 2 bare hashing threads")
        self.assertRegex(row, r"18\.0 hashes/s, no server \(90 % of ceiling\)\s+95 %")
        self.assertIn("timed at the same moments: 18.0 hashes/s, 18.0 hashes/s, 20.0 hashes/s.",
                      text)

    def test_storm_without_bare_thread_timings(self):
        """A hash.jsonl from before the bare threads were timed: no such row, no claim."""
        with tempfile.TemporaryDirectory() as d:
            write_jsonl(os.path.join(d, "read-p1.jsonl"), [read_run(30000)])
            write_jsonl(os.path.join(d, "storm.jsonl"),
                        [{"logins_per_s": 18.0, "quiet_p99_ms": 1.0, "storm_p99_ms": 1.5,
                          "storm_p99_ratio": 1.5, "errors": 0}])
            write_jsonl(os.path.join(d, "hash.jsonl"),
                        [{"hash_median_ms": 100, "cores": 2}, {"hash_median_ms": 100, "cores": 2}])
            text = self.summarize(d)
        self.assertRegex(self.row(text, "login storm: logins/s (8"), r"\s90 %\s+>= 90 % of ceiling")
        self.assertNotIn("bare hashing threads", text)
        self.assertNotIn("timed at the same moments", text)


if __name__ == "__main__":
    unittest.main()
