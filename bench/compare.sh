#!/usr/bin/env bash
# Interleaved A/B reads of two (or more) builds of the server, for judging a change on a
# noisy machine: each build gets its own store (made by its own `deepwell`, so a newer
# schema never meets an older server), then the builds take turns, ROUNDS times, and the
# medians are printed.  Besides requests/s and latency it reports the server's CPU per
# request (from /proc, over the middle of each run), which moves less with machine noise.
#   bench/compare.sh [--rounds N] [--duration S] BIN_DIR_A BIN_DIR_B [...]
# A BIN_DIR holds scipnet-server and deepwell (a copy of bin/ from another commit).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${SCIPNET_BENCH_TOOL:-$PWD/bin/scipnet-bench}
rounds=5 duration=6
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || { echo "usage: bench/compare.sh [--rounds N] [--duration S] BIN_A BIN_B [...]" >&2; exit 2; }
[ "$duration" -ge 4 ] || { echo "compare: --duration must be at least 4" >&2; exit 2; }
[ -x "$bench" ] || { echo "compare: $bench is missing: make bin/scipnet-bench" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" || true

work=$(mktemp -d /tmp/scipnet-compare.XXXXXX)
server_pid=""
cleanup() {
    local status=$?
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

start_server() { # bin dir, store
    "$1/scipnet-server" --db "$2" --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.log" &
    server_pid=$!
    for _ in $(seq 300); do
        grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
        sleep 0.1
    done
    port=$(sed -n 's/^listening on .*://p' "$work/server.out" | head -1)
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

# One store per build: 8 level-3 bench users and the 8 KB file, as bench/run.sh makes them.
i=0
for dir in "$@"; do
    store="$work/store-$i"
    mkdir "$store"
    "$dir/deepwell" init --db "$store/deepwell.db" --demo >/dev/null 2>&1
    for u in 0 1 2 3 4 5 6 7; do
        printf 'bench-pass\n' | "$dir/deepwell" user add "bench-user-$u" --clearance 3 \
            --title Researcher --password-stdin --db "$store/deepwell.db" >/dev/null 2>&1
    done
    start_server "$dir" "$store/deepwell.db"
    "$bench" --mode setup --port "$port" --ref SCP-900 --json >/dev/null
    stop_server
    i=$((i + 1))
done

hz=$(getconf CLK_TCK)
for r in $(seq "$rounds"); do
    i=0
    for dir in "$@"; do
        rm -rf "$work/run" && cp -r "$work/store-$i" "$work/run"
        start_server "$dir" "$work/run/deepwell.db"
        "$bench" --mode read --connections 50 --inflight 1 --duration "$duration" --port "$port" \
            --json >"$work/out.json" 2>/dev/null &
        bench_pid=$!
        # The middle of the run: after login and warm-up, before the end.
        sleep 4
        c1=$(cpu_ticks) t1=$(date +%s.%N)
        sleep $((duration - 2))
        c2=$(cpu_ticks) t2=$(date +%s.%N)
        wait "$bench_pid" || true
        stop_server
        python3 - "$work/out.json" "$c1" "$c2" "$t1" "$t2" "$hz" "$i" "$dir" >>"$work/runs.txt" <<'EOF'
import json, sys
out, c1, c2, t1, t2, hz, i, d = sys.argv[1:]
j = json.load(open(out))
cores = (float(c2) - float(c1)) / float(hz) / (float(t2) - float(t1))
rps = j["requests_per_s"]
print(i, d, rps, j["p50_ms"], j["p99_ms"], j["errors"], cores, cores * 1e6 / rps if rps else 0)
EOF
        tail -1 "$work/runs.txt" | awk '{printf "round '"$r"' %-30s %8.0f req/s  p50 %5.2f  p99 %5.2f ms  errors %d  server %.2f cores  %5.1f us/req\n", $2, $3, $4, $5, $6, $7, $8}'
        i=$((i + 1))
    done
done
echo "medians over $rounds rounds:"
python3 - "$work/runs.txt" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for i in sorted({r[0] for r in rows}, key=int):
    mine = [r for r in rows if r[0] == i]
    med = lambda k: statistics.median(float(r[k]) for r in mine)
    print("  %-30s %8.0f req/s  p99 %5.2f ms  %5.1f us/req  errors %d"
          % (mine[0][1], med(2), med(4), med(7), sum(int(r[5]) for r in mine)))
EOF
