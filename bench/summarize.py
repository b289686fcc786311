#!/usr/bin/env python3
"""Turns one bench/run.sh run into its table: medians of the repeated runs, the ratios,
and the targets of the performance issue.  Prints the table and, with --doc, rewrites
the results block of docs/BENCHMARKS.md (between the results markers).

    bench/summarize.py --dir RUN_DIR [--doc docs/BENCHMARKS.md] [--smoke]
Exit status: 1 when any run counted an error (or measured nothing), else 0.
"""
import argparse
import csv
import json
import os
import re
import statistics
import sys

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_redis(path):
    """redis-benchmark --csv GET rows: test, rps, avg, min, p50, p95, p99, max (ms)."""
    if not os.path.exists(path):
        return []
    rows = []
    with open(path) as f:
        for row in csv.reader(f):
            if len(row) >= 8 and row[0] == "GET":
                rows.append({"rps": float(row[1]), "p50_ms": float(row[4]),
                             "p99_ms": float(row[6]), "max_ms": float(row[7])})
    return rows


def med(runs, key):
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def fmt(v, decimals=0):
    if v is None:
        return "-"
    return f"{v:,.{decimals}f}"


def verdict(ok):
    return "n/a" if ok is None else ("yes" if ok else "NO")


def machine(dirname):
    facts = {}
    path = os.path.join(dirname, "machine.txt")
    if os.path.exists(path):
        for line in open(path):
            key, _, value = line.rstrip("\n").partition("=")
            facts[key] = value
    return facts


def round_ratios(ours, redis):
    """Each round's requests/s over redis's in the same round (run.sh runs them back to back)."""
    return [o["requests_per_s"] / r["rps"] for o, r in zip(ours, redis)
            if o.get("requests_per_s") and r.get("rps")]


def read_rows(label, ours, redis):
    """Rows for one read configuration against redis GET at the same pipelining."""
    rows = []
    rps, rrps = med(ours, "requests_per_s"), med(redis, "rps")
    ratios = round_ratios(ours, redis)
    ratio = statistics.median(ratios) if ratios else None
    p99 = med(ours, "p99_ms")
    errors = sum(r.get("errors", 0) for r in ours) if ours else None
    rows.append((f"{label}: requests/s", fmt(rps), fmt(rrps),
                 fmt(ratio * 100, 0) + " %" if ratio else "-",
                 ">= 50 % of redis", verdict(ratio >= 0.5 if ratio else None)))
    ours_lat = " / ".join(fmt(med(ours, k), 2) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms"))
    # redis-benchmark reports p95, not p90: its column leaves p90 out.
    redis_lat = " / ".join([fmt(med(redis, "p50_ms"), 2), "-", fmt(med(redis, "p99_ms"), 2),
                            fmt(med(redis, "max_ms"), 2)]) if redis else "-"
    rows.append((f"{label}: p50 / p90 / p99 / max ms", ours_lat, redis_lat, "", "p99 <= 5 ms",
                 verdict(p99 <= 5 if p99 is not None else None)))
    rows.append((f"{label}: errors", fmt(errors), "", "", "0",
                 verdict(errors == 0 if errors is not None else None)))
    return rows


def around_run(hashes, i, key):
    """The mean of a hash-time figure timed right before and right after storm run i."""
    values = [h[key] for h in hashes[i:i + 2] if h.get(key)]
    return sum(values) / len(values) if values else None


def storm_ceilings(storm, hashes):
    """Per storm run: (logins/s, hash ms, ceiling, parallel hashes/s or None), the hash
    timed before and after it."""
    out = []
    for i, run in enumerate(storm):
        ms = around_run(hashes, i, "hash_median_ms")
        cores = hashes[i].get("cores") if i < len(hashes) else None
        if not ms or not cores:
            continue
        out.append((run.get("logins_per_s"), ms, cores * 1000.0 / ms,
                    around_run(hashes, i, "parallel_hashes_per_s")))
    return out


def bare_threads_clause(per_run):
    """The bare hashing threads of each run, for the details; "" when none were timed (a
    run.sh from before they were)."""
    if not any(p for _, _, _, p in per_run):
        return ""
    return ("; one thread per core hashing back to back in the bench process, no server, "
            "timed at the same moments: "
            + ", ".join(fmt(p, 1) + " hashes/s" if p else "-" for _, _, _, p in per_run))


def storm_rows(storm, hashes):
    rows = []
    per_run = storm_ceilings(storm, hashes)
    lps = med(storm, "logins_per_s")
    ceiling = statistics.median(c for _, _, c, _ in per_run) if per_run else None
    hash_ms = statistics.median(ms for _, ms, _, _ in per_run) if per_run else None
    ratios = [l / c for l, _, c, _ in per_run if l is not None and c]
    ratio = statistics.median(ratios) if ratios else None
    cores = hashes[0].get("cores", "?") if hashes else "?"
    rows.append(("login storm: logins/s (8 connections)", fmt(lps, 1),
                 f"ceiling {fmt(ceiling, 1)} = {cores} cores / {fmt(hash_ms, 1)} ms hash"
                 if ceiling else "-",
                 fmt(ratio * 100, 0) + " %" if ratio else "-", ">= 90 % of ceiling",
                 verdict(ratio >= 0.9 if ratio else None)))
    # The ceiling assumes the cores hash together as fast as one alone; how far this
    # machine falls short of that with no server at all is the next row's comparison.
    parallel = [(l, c, p) for l, _, c, p in per_run if l is not None and c and p]
    if parallel:
        rate = statistics.median(p for _, _, p in parallel)
        share = statistics.median(l / p for l, _, p in parallel)
        of_ceiling = statistics.median(p / c for _, c, p in parallel)
        rows.append((f"login storm: logins/s against {cores} bare hashing threads",
                     fmt(lps, 1),
                     f"{fmt(rate, 1)} hashes/s, no server ({fmt(of_ceiling * 100, 0)} % of ceiling)",
                     fmt(share * 100, 0) + " %", "(the machine's own limit)", ""))
    quiet, loud = med(storm, "quiet_p99_ms"), med(storm, "storm_p99_ms")
    # Each run measures its quiet and its storm p99 back to back: compare within runs.
    ratio = med(storm, "storm_p99_ratio")
    rows.append(("login storm: read p99 quiet -> storm (ms)",
                 f"{fmt(quiet, 2)} -> {fmt(loud, 2)}", "", fmt(ratio, 2) + "x" if ratio else "-",
                 "<= 2x quiet", verdict(ratio <= 2 if ratio else None)))
    errors = sum(r.get("errors", 0) for r in storm) if storm else None
    rows.append(("login storm: errors", fmt(errors), "", "", "0",
                 verdict(errors == 0 if errors is not None else None)))
    return rows


def idle_rows(idle):
    if not idle:
        return []
    r = idle[0]
    rss = r.get("server_rss_kib")
    mib = rss / 1024 if rss and rss > 0 else None
    return [
        (f"idle: {r['connections']:,} connections, authenticated / still answering",
         f"{r.get('authenticated', 0):,} / {r.get('answered_after_hold', 0):,}", "", "", "all",
         verdict(r.get("answered_after_hold") == r["connections"])),
        ("idle: server RSS (MiB)", fmt(mib, 1), "", "", "< 200 MiB",
         verdict(mib < 200 if mib else None)),
        ("idle: errors", fmt(r.get("errors")), "", "", "0", verdict(r.get("errors") == 0)),
    ]


def text_table(rows, header):
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def markdown_table(rows, header):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def details(dirname, setup, storm, idle, hashes):
    lines = []
    if setup:
        lines.append(f"- The file read: {setup.get('ref')}, {setup.get('stored_text_bytes')} bytes "
                     f"of section text stored; a level-3 reader gets a {setup.get('reader_reply_bytes')}"
                     f"-byte reply with {setup.get('reader_redacted_sections')} sections and "
                     f"{setup.get('reader_redacted_passages')} inline passages cut. redis values "
                     f"are the same size (`-d {setup.get('reader_reply_bytes')}`).")
    if storm:
        s = storm[0]
        per_run = storm_ceilings(storm, hashes)
        lines.append(f"- Login storm: argon2id opslimit {s.get('argon2_opslimit')}, memlimit "
                     f"{s.get('argon2_memlimit_kib')} KiB (the server's configured limits); "
                     f"{s.get('readers')} reading connections paced at {s.get('read_rate')} reads/s "
                     f"in total, measured alone (quiet) and then during the storm; login p50 / p99 "
                     f"{fmt(med(storm, 'login_p50_ms'), 1)} / {fmt(med(storm, 'login_p99_ms'), 1)} ms; "
                     f"read p99 ratio of each run "
                     + ", ".join(fmt(r.get("storm_p99_ratio"), 2) + "x" for r in storm)
                     + f"; the bench's thread at {s.get('bench_sched', 'normal')} scheduling "
                     f"(`--realtime`: it shares the cores with the server's hash threads); "
                     f"logins/s against the ceiling timed just before and after each run "
                     + ", ".join(f"{fmt(l, 1)} / {fmt(c, 1)} ({fmt(ms, 1)} ms)"
                                 for l, ms, c, _ in per_run)
                     + bare_threads_clause(per_run) + ".")
    if idle:
        r = idle[0]
        lines.append(f"- Idle: {r.get('logins')} logins, then each other connection proved a "
                     f"shared token with `whoami`; set up in {r.get('setup_s')} s "
                     f"({r.get('connections_per_s')} connections/s); held {r.get('hold_s')} s, then "
                     f"every connection was asked `whoami` again. Server RSS before the hold "
                     f"{fmt((r.get('server_rss_before_hold_kib') or 0) / 1024, 1)} MiB, peak "
                     f"{fmt((r.get('server_hwm_kib') or 0) / 1024, 1)} MiB; bench RSS "
                     f"{fmt((r.get('bench_rss_kib') or 0) / 1024, 1)} MiB.")
        if r.get("errors_detail"):
            lines.append(f"- Idle errors: `{r['errors_detail']}`")
    for label in ("1", "8"):
        ratios = round_ratios(load_jsonl(os.path.join(dirname, f"read-p{label}.jsonl")),
                              load_redis(os.path.join(dirname, f"redis-p{label}.csv")))
        if ratios:
            lines.append(f"- Reads with {label} in flight against redis, round by round (each "
                         f"round runs SCiPNET and then redis, seconds apart; the table's ratio "
                         f"is their median): " + ", ".join(fmt(r * 100, 0) + " %" for r in ratios)
                         + ".")
    spread = []
    for label, key in (("read-p1", "requests_per_s"), ("redis-p1", "rps"), ("read-p8", "requests_per_s"),
                       ("redis-p8", "rps"), ("storm", "logins_per_s")):
        path = os.path.join(dirname, label + (".csv" if label.startswith("redis") else ".jsonl"))
        runs = load_redis(path) if label.startswith("redis") else load_jsonl(path)
        if runs:
            spread.append(f"{label} " + ", ".join(fmt(r.get(key), 0 if key != "logins_per_s" else 1)
                                                  for r in runs))
    if spread:
        lines.append("- Every run (the spread between runs on this shared VM is large): "
                     + "; ".join(spread) + ".")
    for label in ("read-p1", "read-p8", "storm"):
        for i, run in enumerate(load_jsonl(os.path.join(dirname, label + ".jsonl"))):
            if run.get("errors_detail"):
                lines.append(f"- {label} run {i + 1} errors: `{run['errors_detail']}`")
    return lines


def commands(path):
    """The commands run, each once with its repeat count, the server's pid as PID."""
    if not os.path.exists(path):
        return ""
    counts = {}
    for line in open(path):
        line = re.sub(r"--server-pid \d+", "--server-pid PID", line.strip())
        if line:
            counts[line] = counts.get(line, 0) + 1
    return "\n".join(f"{cmd}   # x{n}" if n > 1 else cmd for cmd, n in counts.items())


def write_doc(path, block):
    text = open(path).read() if os.path.exists(path) else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + block + "\n" + END + tail)


def smoke(dirname):
    runs = load_jsonl(os.path.join(dirname, "smoke.jsonl"))
    if not runs:
        print("bench smoke: no result")
        return 1
    r = runs[0]
    print(f"bench smoke: {r['requests']} reads in {r['duration_s']} s "
          f"({r['requests_per_s']:.0f}/s), p99 {r['p99_ms']:.2f} ms, {r['errors']} errors"
          + (f" ({r['errors_detail']})" if r.get("errors_detail") else ""))
    return 0 if r["errors"] == 0 and r["requests"] > 0 else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        return smoke(args.dir)

    d = args.dir
    p1, p8 = load_jsonl(f"{d}/read-p1.jsonl"), load_jsonl(f"{d}/read-p8.jsonl")
    r1, r8 = load_redis(f"{d}/redis-p1.csv"), load_redis(f"{d}/redis-p8.csv")
    storm, idle = load_jsonl(f"{d}/storm.jsonl"), load_jsonl(f"{d}/idle.jsonl")
    hashes = load_jsonl(f"{d}/hash.jsonl")
    setup = (load_jsonl(f"{d}/setup.json") or [{}])[0]
    facts = machine(d)

    rows = (read_rows("read, 50 conns, 1 in flight", p1, r1) +
            read_rows("read, 50 conns, 8 in flight", p8, r8) +
            storm_rows(storm, hashes) + idle_rows(idle))
    header = ("measurement (median of runs)", "SCiPNET", "redis TLS GET / reference",
              "ratio (median of rounds)", "target", "met")
    print(text_table(rows, header))
    lines = details(d, setup, storm, idle, hashes)
    if not args.doc and lines:
        # The per-round and per-run figures behind the medians, for runs kept out of the doc.
        print("\n" + "\n".join(lines))

    if args.doc:
        cmds = commands(f"{d}/commands.txt")
        runs = max(len(p1), 1)
        block = "\n".join([
            f"Measured {facts.get('date', '?')} by `make bench` (bench/run.sh): medians of {runs} "
            f"runs each" + (" — against bench/stub_server.py, NOT scipnet-server" if facts.get("stub") == "1" else "") + ".",
            "",
            f"Machine: {facts.get('nproc', '?')} cores ({facts.get('cpu', '?')}), "
            f"{facts.get('memory', '?')}, {facts.get('kernel', '?')}, {facts.get('openssl', '?')}, "
            f"redis {facts.get('redis', '?')}. Server and bench share the machine; the bench "
            f"uses one thread.",
            "",
            markdown_table(rows, header),
            "",
            *lines,
            "",
            "Commands (PORT is the port the server or redis chose; every scipnet-bench run also "
            "had `--port PORT --json`):",
            "",
            "```",
            cmds,
            "```",
        ])
        write_doc(args.doc, block)
        print(f"bench: results written to {args.doc}")

    all_runs = p1 + p8 + storm + idle
    return 1 if any(r.get("errors", 0) for r in all_runs) or not p1 else 0


if __name__ == "__main__":
    sys.exit(main())
