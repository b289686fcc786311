#!/usr/bin/env bash
# Stops the cluster tests/pg/start.sh started and removes its directory: stop.sh DIR
set -u
dir=${1:-${SCIPNET_TEST_PG_DIR:-}}
case "$dir" in /tmp/scipnet-pg.*) ;; *) echo "tests/pg/stop.sh: not a test cluster: '$dir'" >&2; exit 2 ;; esac
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -d "$dir/data" ]; then
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w -t 30 >/dev/null 2>&1 ||
            runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1
    else
        "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w -t 30 >/dev/null 2>&1 ||
            "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1
    fi
fi
rm -rf "$dir"
