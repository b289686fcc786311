#!/usr/bin/env bash
# Read throughput of one server on SQLite, one on PostgreSQL and two sharing one
# PostgreSQL, with scipnet-bench (bench/), all on this machine (for docs/SCALING.md).
#   tests/pg/bench.sh [SECONDS]      (default 8 measured seconds per run)
# Each run: 50 connections, 1 request in flight each, reading one SCP file as a level-3
# reader (the same read as bench/run.sh).  With two servers the connections are split
# 25 + 25 and the two rates added.  PostgreSQL keeps its durable defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${SCIPNET_BIN:-$PWD/bin}
bench=$bin/scipnet-bench
seconds=${1:-8}
[ -x "$bench" ] || { echo "build it first: make bin/scipnet-bench" >&2; exit 1; }

work=$(mktemp -d /tmp/scipnet-pgbench.XXXXXX)
pids=() pg_dir=""
cleanup() {
    local pid
    for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -n "$pg_dir" ] && bash tests/pg/stop.sh "$pg_dir"
    rm -rf "$work"
}
trap cleanup EXIT

eval "$(SCIPNET_PG_DURABLE=1 bash tests/pg/start.sh)"
pg_dir=$SCIPNET_TEST_PG_DIR
# A key per store: the server keeps the audit seals beside its key (KEY.seals), and a
# store must not meet another store's seals.
for store in lite pg; do
    mkdir "$work/$store"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=bench -keyout "$work/$store/key.pem" -out "$work/$store/cert.pem" 2>/dev/null
done

make_store() { # $1 = store location
    "$bin/deepwell" init --db "$1" --demo >/dev/null
    for i in $(seq 0 7); do
        printf 'bench-pass\n' | "$bin/deepwell" user add "bench-user-$i" --clearance 3 \
            --title Researcher --password-stdin --db "$1" >/dev/null
    done
}

start_server() { # $1 = store, $2 = name, $3 = key dir; sets port (pids must be kept)
    "$bin/scipnet-server" --db "$1" --listen 127.0.0.1:0 --cert "$work/$3/cert.pem" \
        --key "$work/$3/key.pem" >"$work/$2.out" 2>"$work/$2.log" &
    pids+=($!)
    for _ in $(seq 100); do grep -q '^listening on ' "$work/$2.out" && break; sleep 0.1; done
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/$2.out")
    [ -n "$port" ] || { cat "$work/$2.log" >&2; echo "server $2 did not start" >&2; exit 1; }
}

read_rate() { # ports...; prints the summed requests/s
    local p i=0 benches=()
    for p in "$@"; do
        "$bench" --mode read --port "$p" --connections $((50 / $#)) --inflight 1 \
            --duration "$seconds" --share-tokens --json >"$work/read.$i.json" &
        benches+=($!)
        i=$((i + 1))
    done
    wait "${benches[@]}" || true
    python3 - "$work" <<'PY'
import glob, json, sys
rate = 0.0
for path in glob.glob(sys.argv[1] + "/read.*.json"):
    with open(path) as f:
        row = json.loads(f.read().strip().splitlines()[-1])
        key = next((k for k in ("throughput_rps", "rps", "requests_per_s") if k in row), None)
        if key is None:
            sys.exit("no rate in %s" % sorted(row))
        rate += row[key]
print(round(rate))
PY
    rm -f "$work"/read.*.json
}

make_store "$work/deepwell.db"
start_server "$work/deepwell.db" lite lite
lite=$port
"$bench" --mode setup --port "$lite" --ref SCP-900 >/dev/null
echo "sqlite, 1 server:     $(read_rate "$lite") reads/s"

make_store "$SCIPNET_TEST_PG"
start_server "$SCIPNET_TEST_PG" pg-a pg
a=$port
"$bench" --mode setup --port "$a" --ref SCP-900 >/dev/null
echo "postgresql, 1 server: $(read_rate "$a") reads/s"
start_server "$SCIPNET_TEST_PG" pg-b pg
b=$port
echo "postgresql, 2 servers: $(read_rate "$a" "$b") reads/s"
