#!/usr/bin/env bash
# The search benchmark (issue 18; not part of `make test`): a store of 10,000 made-up
# articles (bench/gen_archive.py, imported with `deepwell import`), eight level-3 bench
# users, scipnet-server on 127.0.0.1 with bench/run.sh's caps, then
# `scipnet-bench --mode search --connections 10` (the default mix of ten queries, one in
# flight per connection), REPS times.
#   bench/search_bench.sh [STORE_DIR]   keeps the store in STORE_DIR (made when missing)
# Env: ARTICLES (10000), REPS (3), DURATION (10), CONNECTIONS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SCIPNET_BIN:-$PWD/bin}
articles=${ARTICLES:-10000} reps=${REPS:-3} duration=${DURATION:-10} conns=${CONNECTIONS:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/scipnet-search-bench.XXXXXX")
dir=${1:-$work/store}
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
    rm -rf "$work"
}
trap cleanup EXIT
say() { printf 'search-bench: %s\n' "$*" >&2; }

if [ ! -f "$dir/bench.db" ]; then
    mkdir -p "$dir"
    say "making a store of $articles articles in $dir"
    "$bin/deepwell" init --db "$work/demo.db" --demo >/dev/null 2>&1
    "$bin/deepwell" export --db "$work/demo.db" "$work/base" >/dev/null
    python3 bench/gen_archive.py "$work/base" "$work/arch" --articles "$articles" >/dev/null
    /usr/bin/time -f "import: %e s wall, %U s user, %S s system" \
        "$bin/deepwell" --db "$dir/bench.db" import "$work/arch" >/dev/null 2>"$work/import.err" ||
        { cat "$work/import.err" >&2; exit 1; }
    grep '^import:' "$work/import.err" >&2
    for i in 0 1 2 3 4 5 6 7; do
        printf 'bench-pass\n' | "$bin/deepwell" user add "bench-user-$i" --clearance 3 \
            --title Researcher --password-stdin --db "$dir/bench.db" >/dev/null
    done
fi
say "store: $(du -cb "$dir"/bench.db* | tail -1 | cut -f1) bytes"

env SCIPNET_MAX_CONNECTIONS_PER_ADDR=16384 SCIPNET_MAX_SESSIONS_PER_USER=1000000 \
    SCIPNET_SESSION_RATE=1000000000 SCIPNET_SESSION_BURST=1000000000 \
    "$bin/scipnet-server" --db "$dir/bench.db" --listen 127.0.0.1:0 \
    >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 600); do
    grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
port=$(sed -n 's/^listening on .*://p' "$work/server.out" | head -1)
[ -n "$port" ] || { say "the server did not listen"; exit 1; }
for rep in $(seq "$reps"); do
    "$bin/scipnet-bench" --mode search --connections "$conns" --duration "$duration" \
        --port "$port" --server-pid "$server_pid" --json
done
