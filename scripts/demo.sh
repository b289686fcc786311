#!/usr/bin/env bash
# make demo: a demo deepwell, a server on localhost and the client attached to it.
#   scripts/demo.sh [DIR]   (DIR holds the demo store, certificate and server log)
# Without a terminal (a script or CI) it runs a few batch commands instead of the
# interactive client, so the demo can be checked end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-demo-data}
bin=${SCIPNET_BIN:-$PWD/bin}
mkdir -p "$dir"
db="$dir/deepwell.db"

if [ ! -f "$db" ]; then
    # Quietly: its schema notices would only scroll past; shown when it fails.
    "$bin/deepwell" init --db "$db" --demo >"$dir/init.log" 2>&1 || {
        cat "$dir/init.log" >&2
        echo "demo: cannot create the demo store $db" >&2
        exit 1
    }
    echo "demo: demo store created in $db"
fi

port=${SCIPNET_DEMO_PORT:-0}
log="$dir/server.log"
fifo=$(mktemp -u)
mkfifo "$fifo"
"$bin/scipnet-server" --db "$db" --listen "127.0.0.1:$port" >"$fifo" 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$fifo"' EXIT
exec 3<"$fifo"
read -r -t 30 listening <&3 || { echo "demo: server did not start; see $log" >&2; exit 1; }
read -r -t 5 fingerprint <&3 || true
addr=${listening#listening on }
fp=${fingerprint#fingerprint }
echo "demo: server on $addr ($fp), log in $log"
echo "demo: users and passwords are in docs/demo.md (try researcher / researcher-pass)"
# The login screen shows these itself: lines printed here are gone once the client draws.
export SCIPNET_LOGIN_HINT="DEMO LOGINS (name / password, clearance 1 to 6):
cadet / cadet-pass   researcher / researcher-pass
agent / agent-pass   officer / officer-pass
director / director-pass   o5 / o5-pass"

if [ -t 0 ] && [ -t 1 ]; then
    # The server runs until the client ends; how it ended is said, never a make error.
    status=0
    "$bin/scipnet" --fingerprint "$fp" "$addr" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "demo: the client ended with status $status; the server log is $log"
    fi
else
    echo "demo: no terminal; running batch commands instead"
    "$bin/scipnet" --batch --fingerprint "$fp" "$addr" health
    printf 'researcher-pass\n' | "$bin/scipnet" --batch --fingerprint "$fp" --user researcher \
        --password-stdin "$addr" read SCP-002
fi
