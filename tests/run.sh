#!/usr/bin/env bash
# Runs the test suites and prints one closing line "total: N passed, N failed".
#   tests/run.sh all | unit | unit-asan | valgrind | fuzz-replay | e2e | e2e-asan | tui
# Unit tests are cmocka programs in build/tests (and build-asan/tests for the
# sanitizer build); end-to-end and terminal tests are Python unittest modules that
# start the real programs (SCIPNET_BIN says which build).  `all` also runs the unit
# tests under valgrind, the fuzz corpora once through their libFuzzer targets, and the
# end-to-end suite against the ASan+UBSan build.
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
unit_wrapper=() # a command each unit test runs under (valgrind), empty for none

unit_jobs=1 # unit test programs run at once (valgrind: one per core)

# Programs that time their own threads (a checkpointer keeping up with a writer, even
# failure timing, checkout timeouts): with unit_jobs > 1 they run after the rest, alone.
runs_alone() {
    [ "$unit_jobs" -gt 1 ] || return 1
    case "$(basename "$1")" in
        test_dw_checkpoint|test_srv_pwtiming|test_dw_pool|test_srv_workq|test_srv_fairq) return 0 ;;
    esac
    return 1
}

run_one_unit() { # $1 = test program, $2 = output file; the exit status goes on its last line
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        timeout 600 ${unit_wrapper[@]+"${unit_wrapper[@]}"} "$1" > "$2" 2>&1
    echo "rc=$?" >> "$2"
}

run_unit_dir() { # $1 = build dir, $2 = label, $3 = name pattern (default test_*)
    local dir=$1/tests label=$2 pattern=${3:-test_*} t out p f rc outdir
    local -a tests=()
    for t in "$dir"/$pattern; do
        [ -x "$t" ] && tests+=("$t")
    done
    outdir=$(mktemp -d)
    for t in "${tests[@]+"${tests[@]}"}"; do # at most unit_jobs at once
        runs_alone "$t" && continue
        while [ "$(jobs -rp | wc -l)" -ge "$unit_jobs" ]; do wait -n; done
        run_one_unit "$t" "$outdir/$(basename "$t")" &
    done
    wait
    for t in "${tests[@]+"${tests[@]}"}"; do # then the timing ones, with nothing beside them
        runs_alone "$t" && run_one_unit "$t" "$outdir/$(basename "$t")"
    done
    for t in "${tests[@]+"${tests[@]}"}"; do # results in order, whatever order they ended in
        out=$(sed '$d' "$outdir/$(basename "$t")")
        rc=$(sed -n '$s/^rc=//p' "$outdir/$(basename "$t")")
        p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        p=${p:-0}; f=${f:-0}
        if [ "${rc:-1}" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        passed=$((passed + p)); failed=$((failed + f))
        if [ "$f" -ne 0 ]; then
            failures+=("$label $(basename "$t")")
            printf '%s\n' "$out" | tail -40
        fi
        printf '%-10s %-32s %3d passed, %d failed\n' "$label" "$(basename "$t")" "$p" "$f"
    done
    rm -rf "$outdir"
}

run_py_dir() { # $1 = test dir, $2 = label, $3 = bin dir
    local dir=$1 label=$2 bin=$3 out p f
    [ -d "$dir" ] || return 0
    ls "$dir"/test_*.py >/dev/null 2>&1 || return 0
    out=$(SCIPNET_BIN="$PWD/$bin" timeout 1800 python3 tests/pyrun.py "$dir" 2>&1)
    local rc=$?
    printf '%s\n' "$out" | grep -E '^(FAIL|ERROR|  File|AssertionError|[A-Za-z]*Error)' | head -60
    p=$(printf '%s\n' "$out" | sed -n 's/^pyrun: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^pyrun: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; printf '%s\n' "$out" | tail -30; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -ne 0 ] && failures+=("$label")
    printf '%-10s %-32s %3d passed, %d failed\n' "$label" "$dir" "$p" "$f"
}

# ---- PostgreSQL (the store's second engine) ------------------------------------
# A private cluster (tests/pg/start.sh) for the run, stopped and removed on exit;
# SCIPNET_TEST_PG already set means use that one.  The store's unit tests then run
# again on PostgreSQL (label unit-pg / asan-pg) and the e2e suite's test_pg_* use it.
pg_dir=""
pg_start() {
    [ -n "${SCIPNET_TEST_PG:-}" ] && return 0
    local out rc
    out=$(bash tests/pg/start.sh)
    rc=$?
    if [ "$rc" -eq 77 ]; then
        echo "pg         skipped: PostgreSQL is not installed (apt-get install postgresql)"
        return 0
    elif [ "$rc" -ne 0 ]; then # installed but broken: a failure, not a skip
        echo "pg         tests/pg/start.sh failed (exit $rc)"
        failed=$((failed + 1)); failures+=("pg cluster")
        return 0
    fi
    eval "$out"
    pg_dir=$SCIPNET_TEST_PG_DIR
    export SCIPNET_TEST_PG
    trap 'bash tests/pg/stop.sh "$pg_dir"' EXIT
}
run_unit_pg() { # $1 = build dir, $2 = label
    if [ -z "${SCIPNET_TEST_PG:-}" ]; then
        echo "$2 skipped: PostgreSQL is not available"
        return 0
    fi
    SCIPNET_TEST_DW_ENGINE=pg run_unit_dir "$1" "$2" 'test_dw_*'
}
# ---------------------------------------------------------------------------------

# Memory errors and definite or indirect leaks fail a unit test under valgrind.
run_unit_valgrind() {
    unit_wrapper=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
                  --error-exitcode=99)
    unit_jobs=$(nproc 2>/dev/null || echo 1) # valgrind is slow and the programs independent
    run_unit_dir build valgrind
    unit_jobs=1
    unit_wrapper=()
}

# Every fuzz seed and saved crash input, replayed once through its libFuzzer target.
run_fuzz_replay() {
    local out rc p f
    out=$(timeout 900 bash tests/fuzz/replay.sh 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^(fuzz-replay|FAILED)'
    read -r p f < <(printf '%s\n' "$out" | awk '/^fuzz-replay/ {p+=$3; f+=$5} END {print p+0, f+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; printf '%s\n' "$out" | tail -20; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -ne 0 ] && failures+=("fuzz-replay")
}

# Runs a suite and says how long it took, so the time `make test` costs is seen per part.
timed() {
    local start=$SECONDS
    "$@"
    printf '%-10s %-32s %3d s\n' time "$1 ${2:-}" $((SECONDS - start))
}

suite=${1:-all}
case "$suite" in
    unit|unit-asan|e2e|e2e-asan|all) pg_start ;;
esac
case "$suite" in
    unit)      run_unit_dir build unit; run_unit_pg build unit-pg ;;
    unit-asan) run_unit_dir build-asan asan; run_unit_pg build-asan asan-pg ;;
    e2e)       run_py_dir tests/e2e e2e bin ;;
    e2e-asan)  run_py_dir tests/e2e e2e-asan build-asan/bin ;;
    valgrind)  run_unit_valgrind ;;
    fuzz-replay) run_fuzz_replay ;;
    tui)       run_py_dir tests/tui tui bin ;;
    all)
        timed run_unit_dir build unit
        timed run_unit_pg build unit-pg
        timed run_unit_dir build-asan asan
        timed run_unit_pg build-asan asan-pg
        timed run_unit_valgrind
        timed run_fuzz_replay
        timed run_py_dir tests/e2e e2e bin
        timed run_py_dir tests/e2e e2e-asan build-asan/bin
        timed run_py_dir tests/tui tui bin
        ;;
    *) echo "usage: $0 all|unit|unit-asan|valgrind|fuzz-replay|e2e|e2e-asan|tui" >&2; exit 2 ;;
esac

for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
