#!/usr/bin/env bash
# The scp-data import benchmark (not part of `make test`): generates a dump of
# made-up articles (bench/gen_scp_data.py), imports it into a new SQLite store with
# `deepwell import --format scp-data`, and reports articles per second and the
# store's size.  A second import of the same dump is timed too (it changes nothing).
#   bench/import_bench.sh [ARTICLES]     (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SCIPNET_BIN:-$PWD/bin}
articles=${1:-10000}
work=$(mktemp -d "${TMPDIR:-/tmp}/scipnet-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 bench/gen_scp_data.py "$work/items" --articles "$articles"
dump=$(du -sb "$work/items" | cut -f1)

# Prints "WALL CPU" seconds: on a shared machine the CPU time (user + system) says
# what the import costs, the wall time what it took among everything else running.
run() {
    /usr/bin/time -f "%e %U %S" -o "$work/time.txt" \
        "$bin/deepwell" --db "$work/store.db" import --format scp-data "$work/items" \
        >"$work/out.txt" 2>"$work/err.txt" || { cat "$work/out.txt" "$work/err.txt" >&2; exit 1; }
    awk '{ print $1, $2 + $3 }' "$work/time.txt"
}

first=$(run)
grep -E "articles|scp files|sections" "$work/out.txt"
second=$(run)
store=$(du -cb "$work"/store.db* | tail -1 | cut -f1)
awk -v n="$articles" -v a="$first" -v b="$second" -v s="$store" -v d="$dump" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    printf "import:  %d articles in %.2f s = %.0f articles/s wall; %.2f s CPU = %.0f articles/CPU-s" \
           " (dump %.1f MB)\n", n, x[1], n / x[1], x[2], n / x[2], d / 1e6
    printf "again:   %.2f s = %.0f articles/s wall; %.0f articles/CPU-s (nothing changed)\n",
           y[1], n / y[1], n / y[2]
    printf "store:   %.1f MB (%.1f KB per article)\n", s / 1e6, s / n / 1024
}'
