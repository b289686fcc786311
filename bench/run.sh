#!/usr/bin/env bash
# The load benchmark (what `make bench` runs).  Everything runs on 127.0.0.1.
#   bench/run.sh            full run: reads vs redis TLS GET, login storm, 10k idle;
#                           prints one table and rewrites the results in docs/BENCHMARKS.md
#   bench/run.sh --smoke    2 s of reads on 4 connections; exits non-zero on any error
# Options: --reps N (3), --duration S (10), --no-doc (don't touch docs/BENCHMARKS.md),
#          --stub (measure bench/stub_server.py instead of scipnet-server: tests the tools).
# The server's argon2 limits are its configured ones (SCIPNET_ARGON2_OPSLIMIT /
# SCIPNET_ARGON2_MEMLIMIT_KIB when set, else its defaults); the bench users are hashed
# with the same, so the login storm pays what a real login pays.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${SCIPNET_BIN:-$root/bin}

smoke=0 reps=3 duration=10 write_doc=1 stub=0
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --reps) reps=$2; shift ;;
        --duration) duration=$2; shift ;;
        --no-doc) write_doc=0 ;;
        --stub) stub=1 ;;
        *) echo "usage: bench/run.sh [--smoke] [--reps N] [--duration S] [--no-doc] [--stub]" >&2
           exit 2 ;;
    esac
    shift
done

users=8
password=bench-pass
ref=SCP-900
idle_conns=${SCIPNET_BENCH_IDLE:-10000}
redis_requests=${SCIPNET_BENCH_REDIS_N:-200000}
ops=${SCIPNET_ARGON2_OPSLIMIT:-2}
mem_kib=${SCIPNET_ARGON2_MEMLIMIT_KIB:-65536}
bench=${SCIPNET_BENCH_TOOL:-$bin/scipnet-bench}
bench_caps="SCIPNET_MAX_CONNECTIONS_PER_ADDR=16384 SCIPNET_MAX_SESSIONS_PER_USER=1000000"
bench_caps="$bench_caps SCIPNET_SESSION_RATE=1000000000 SCIPNET_SESSION_BURST=1000000000"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

work=$(mktemp -d /tmp/scipnet-bench.XXXXXX)
server_pid="" redis_pid=""
cleanup() {
    local status=$? # the script's own exit status, kept whatever the stopped servers say
    # Only what this script started, by its pid.
    local pid
    for pid in $server_pid $redis_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "${SCIPNET_BENCH_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT

# The bench and the server each hold up to 10,000 sockets: both inherit this limit.
ulimit -n "$(ulimit -Hn)" || say "cannot raise the open-file limit (now $(ulimit -n))"

# Every command that measures is written to commands.txt for docs/BENCHMARKS.md.
record() { printf '%s\n' "$*" >>"$work/commands.txt"; }
run_bench() { # label, then scipnet-bench's flags; output line appended to $work/label.jsonl
    local label=$1; shift
    record "scipnet-bench $*"
    local rc=0
    timeout 300 "$bench" "$@" --port "$port" --json >>"$work/$label.jsonl" 2>>"$work/bench.err" || rc=$?
    [ "$rc" -le 1 ] || { cat "$work/bench.err" >&2; die "scipnet-bench $1 $2 failed to run (exit $rc)"; }
    return 0
}

start_server() {
    if [ "$stub" = 1 ]; then
        python3 bench/stub_server.py --listen 127.0.0.1:0 --password "$password" \
            >"$work/server.out" 2>"$work/server.log" &
    else
        # The per-address, per-user and per-session caps are for many clients; the bench is
        # one address holding 10,000 connections, 8 sessions read flat out, and a login
        # storm on the same users: it lifts them.  Every other limit keeps its default.
        record "$bench_caps scipnet-server --db DB --listen 127.0.0.1:0   # other limits: defaults"
        env $bench_caps "$bin/scipnet-server" --db "$work/deepwell.db" --listen 127.0.0.1:0 \
            >"$work/server.out" 2>"$work/server.log" &
    fi
    server_pid=$!
    for _ in $(seq 300); do
        grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "server exited"; }
        sleep 0.1
    done
    local addr
    addr=$(sed -n 's/^listening on //p' "$work/server.out" | head -1)
    [ -n "$addr" ] || die "server did not say where it listens; see $work/server.log"
    port=${addr##*:}
    say "server pid $server_pid on $addr"
}

make_store() {
    [ "$stub" = 1 ] && return 0
    record "deepwell init --db DB --demo"
    "$bin/deepwell" init --db "$work/deepwell.db" --demo >/dev/null
    record "deepwell user add bench-user-N --clearance 3 --title Researcher --password-stdin" \
        "--db DB   # N = 0..$((users - 1)), password $password"
    for i in $(seq 0 $((users - 1))); do
        printf '%s\n' "$password" | "$bin/deepwell" user add "bench-user-$i" --clearance 3 \
            --title Researcher --password-stdin --db "$work/deepwell.db" >/dev/null
    done
}

machine_facts() {
    {
        echo "nproc=$(nproc)"
        echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
        echo "kernel=$(uname -sr)"
        echo "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
        echo "openssl=$(openssl version | cut -d' ' -f1-2)"
        echo "redis=$(redis-server --version 2>/dev/null | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
        echo "argon2_opslimit=$ops"
        echo "argon2_memlimit_kib=$mem_kib"
        echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
        echo "stub=$stub"
    } >"$work/machine.txt"
}

ensure_redis() {
    command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null && return 0
    say "installing redis-server and redis-tools"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# redis with TLS only, no persistence: the ceiling for "one small TLS server answering
# 8 KB values on loopback".
start_redis() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=127.0.0.1 -keyout "$work/redis.key" -out "$work/redis.crt" 2>/dev/null
    redis_port=$(free_port)
    record "redis-server --bind 127.0.0.1 --port 0 --tls-port PORT --tls-cert-file redis.crt" \
        "--tls-key-file redis.key --tls-ca-cert-file redis.crt --tls-auth-clients no --save ''" \
        "--appendonly no   # redis.crt: self-signed EC P-256 (openssl req -x509 -newkey ec)"
    redis-server --bind 127.0.0.1 --port 0 --tls-port "$redis_port" \
        --tls-cert-file "$work/redis.crt" --tls-key-file "$work/redis.key" \
        --tls-ca-cert-file "$work/redis.crt" --tls-auth-clients no \
        --save '' --appendonly no --daemonize no --logfile "$work/redis.log" &
    redis_pid=$!
    for _ in $(seq 100); do
        redis-cli --tls --cacert "$work/redis.crt" -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null |
            grep -q PONG && return 0
        sleep 0.1
    done
    die "redis did not start; see $work/redis.log"
}

run_redis() { # label pipeline value-bytes
    local label=$1 pipeline=$2 bytes=$3
    local cmd=(redis-benchmark --tls --cacert "$work/redis.crt" -h 127.0.0.1 -p "$redis_port"
               -t set,get -c 50 -n "$redis_requests" -P "$pipeline" -d "$bytes" --csv)
    record "redis-benchmark --tls --cacert redis.crt -h 127.0.0.1 -p PORT -t set,get -c 50" \
        "-n $redis_requests -P $pipeline -d $bytes --csv"
    timeout 300 "${cmd[@]}" 2>>"$work/redis.err" | grep '^"GET"' >>"$work/$label.csv" ||
        die "redis-benchmark failed; see $work/redis.err"
}

# ---- the run ------------------------------------------------------------------------
[ -x "$bench" ] || die "$bench is missing: run 'make bench' (or make bin/scipnet-bench)"
if [ "$stub" = 0 ]; then
    [ -x "$bin/scipnet-server" ] && [ -x "$bin/deepwell" ] || die "build the programs first (make)"
fi
[ "$smoke" = 1 ] || ensure_redis
machine_facts
make_store
start_server

record "scipnet-bench --mode setup --ref $ref"
timeout 60 "$bench" --mode setup --port "$port" --ref "$ref" --json >"$work/setup.json" ||
    { cat "$work/setup.json" >&2; die "setup failed: the file could not be created or read"; }
reply_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reader_reply_bytes"])' \
    "$work/setup.json")
say "setup: $ref is $reply_bytes bytes as a level-3 reader gets it"

if [ "$smoke" = 1 ]; then
    run_bench smoke --mode read --connections 4 --inflight 2 --duration 2 --warmup 0 \
        --server-pid "$server_pid"
    rc=0; python3 bench/summarize.py --dir "$work" --smoke || rc=$?
    exit "$rc"
fi

# redis runs beside the server, and each round measures both back to back: the
# machine's speed drifts by tens of percent within minutes, so a ratio is only fair
# between runs seconds apart (summarize.py takes the median of the rounds' ratios).
start_redis
for r in $(seq "$reps"); do
    say "read, 50 connections, 1 in flight ($r/$reps)"
    run_bench read-p1 --mode read --connections 50 --inflight 1 --duration "$duration" \
        --server-pid "$server_pid"
    say "redis TLS GET, 50 connections, -P 1, $reply_bytes-byte values ($r/$reps)"
    run_redis redis-p1 1 "$reply_bytes"
done
for r in $(seq "$reps"); do
    say "read, 50 connections, 8 in flight ($r/$reps)"
    run_bench read-p8 --mode read --connections 50 --inflight 8 --duration $((duration / 2)) \
        --server-pid "$server_pid"
    say "redis TLS GET, 50 connections, -P 8 ($r/$reps)"
    run_redis redis-p8 8 "$reply_bytes"
done

# The machine's speed drifts by tens of percent within minutes here, so the ceiling
# of each storm run is timed right before and right after it (hash.jsonl: reps + 1 lines),
# and with it the rate of one bare hashing thread per core (no server).
time_hash() {
    "$bench" --mode hash-time --hash-count 10 --argon2-ops "$ops" --argon2-mem-kib "$mem_kib" \
        --json >>"$work/hash.jsonl" || die "scipnet-bench --mode hash-time failed"
}
record "scipnet-bench --mode hash-time --hash-count 10 --argon2-ops $ops --argon2-mem-kib $mem_kib   # before each storm run and after the last"
for r in $(seq "$reps"); do
    say "timing one argon2id hash at ops $ops, mem $mem_kib KiB"
    time_hash
    say "login storm ($r/$reps)"
    # --realtime: the bench's own thread must not wait behind the server's hashes, which
    # a client on its own machine never does (docs/BENCHMARKS.md).
    run_bench storm --mode login-storm --connections 8 --readers 4 --read-rate 200 \
        --duration "$duration" --argon2-ops "$ops" --argon2-mem-kib "$mem_kib" \
        --server-pid "$server_pid" --realtime
done
time_hash

say "idle: $idle_conns authenticated connections"
run_bench idle --mode idle --connections "$idle_conns" --duration 5 --server-pid "$server_pid"
cp "$work/server.log" "$work/server-after.log" 2>/dev/null || true

doc_flag=()
[ "$write_doc" = 1 ] && doc_flag=(--doc docs/BENCHMARKS.md)
python3 bench/summarize.py --dir "$work" "${doc_flag[@]}"
