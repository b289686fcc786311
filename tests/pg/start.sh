#!/usr/bin/env bash
# Starts a private PostgreSQL cluster for the tests and prints, on stdout, the lines
#   SCIPNET_TEST_PG=postgresql://...      the test database (a URL libpq and psql accept)
#   SCIPNET_TEST_PG_DIR=/tmp/...          the cluster's directory (give it to stop.sh)
# for `eval`.  The cluster listens only on a unix socket in that directory, on a
# private port, so it never meets a system PostgreSQL.  initdb and postgres refuse
# to run as root: as root the cluster is owned by and run as the `postgres` user the
# Debian package creates.  Exits 77 (skip) when PostgreSQL is not installed.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "tests/pg/start.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 77
fi

dir=$(mktemp -d /tmp/scipnet-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "tests/pg/start.sh: no postgres user" >&2; rm -rf "$dir"; exit 77; }
    chown postgres "$dir"
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi
cleanup_on_failure() { as_owner "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup_on_failure ERR

# A port nobody listens on (the socket file says whether one is taken).
port=$((20000 + RANDOM % 20000))
while [ -e "/tmp/.s.PGSQL.$port" ] || [ -e "/var/run/postgresql/.s.PGSQL.$port" ]; do port=$((port + 1)); done

as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-locale -E UTF8 >"$dir/initdb.log" 2>&1
# Durability is not what the tests measure: fsync off keeps a 2-core CI quick.
# SCIPNET_PG_DURABLE=1 (tests/pg/bench.sh) keeps PostgreSQL's durable defaults.
opts="-p $port -k $dir -c listen_addresses= -c max_connections=200"
[ "${SCIPNET_PG_DURABLE:-0}" = 1 ] || opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start -o "$opts" >/dev/null
url="postgresql://postgres@/scipnet_test?host=$dir&port=$port"
"$bindir/psql" -q -v ON_ERROR_STOP=1 "postgresql://postgres@/postgres?host=$dir&port=$port" \
    -c "CREATE DATABASE scipnet_test" >/dev/null
# citext in public once, so every per-test schema (search_path "t_x, public") finds it.
"$bindir/psql" -q -v ON_ERROR_STOP=1 "$url" -c "CREATE EXTENSION citext" >/dev/null
trap - ERR
printf "SCIPNET_TEST_PG=%q\n" "$url"
printf "SCIPNET_TEST_PG_DIR=%q\n" "$dir"
