#!/usr/bin/env bash
# tests/fuzz/run.sh - builds the libFuzzer targets and runs each one in turn.
#
#   bash tests/fuzz/run.sh [TARGET...]          (make fuzz runs every target)
#
# FUZZ_SECONDS   how long each target runs (default 600: "ten minutes clean")
# FUZZ_FRESH=1   start from the seed corpus only (drop what earlier runs found)
# FUZZ_ARGS      extra libFuzzer flags
#
# One fuzzer at a time, one process each (-jobs/-workers are not used): the
# machine is shared.  Each target first replays tests/fuzz/regressions/<target>/,
# then fuzzes from a scratch copy of its seeds tests/fuzz/corpus/<target>/ in
# tests/fuzz/corpus-run/<target>/ (git-ignored, so the repository's seeds are
# never polluted).  A crash, leak, timeout or failed invariant is saved in
# tests/fuzz/build/artifacts/<target>/ and makes the script exit non-zero;
# once fixed, copy the input into tests/fuzz/regressions/<target>/ so it is
# replayed for good.
set -u
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

SECONDS_EACH=${FUZZ_SECONDS:-600}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${FUZZ_TARGETS[@]}")

fuzz_have_clang || { echo "fuzz: clang is not available" >&2; exit 1; }
fuzz_check_link || { echo "fuzz: libFuzzer does not link" >&2; exit 1; }

max_len() {
    case "$1" in
        fuzz_markup|fuzz_config|fuzz_request|fuzz_reply) echo 8192 ;;
        fuzz_import|fuzz_scpdata) echo 32768 ;;
        *) echo 4096 ;;
    esac
}

failed=()
for t in "${targets[@]}"; do
    echo "=== $t: build"
    if ! fuzz_build_target "$t"; then
        failed+=("$t (build)")
        continue
    fi
    bin=$FUZZ_BUILD/$t
    art=$FUZZ_BUILD/artifacts/$t/
    mkdir -p "$art"

    reg=$FUZZ_DIR/regressions/$t
    if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
        echo "=== $t: replaying $(ls "$reg" | wc -l) regression inputs"
        if ! "$bin" -runs=0 "$reg"/* >"$art/replay.log" 2>&1; then
            tail -30 "$art/replay.log"
            failed+=("$t (regression)")
            continue
        fi
    fi

    run=$FUZZ_DIR/corpus-run/$t
    [ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$run"
    mkdir -p "$run"
    cp -n "$FUZZ_DIR/corpus/$t"/* "$run"/ 2>/dev/null
    dict=()
    [ -f "$FUZZ_DIR/dict/$t.dict" ] && dict=(-dict="$FUZZ_DIR/dict/$t.dict")
    echo "=== $t: fuzzing for ${SECONDS_EACH}s"
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$bin" "$run" "${dict[@]}" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$art" ${FUZZ_ARGS:-} >"$art/fuzz.log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$art/fuzz.log" | tr '\n' ' '
    echo
    if [ $rc -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|fuzz_[a-z]+:|Test unit written' "$art/fuzz.log" | head -20
        echo "=== $t: FAILED after ${elapsed}s (log: $art/fuzz.log)"
        failed+=("$t")
    else
        echo "=== $t: clean for ${elapsed}s ($(ls "$run" | wc -l) corpus entries)"
    fi
done

for f in "${failed[@]+"${failed[@]}"}"; do echo "FAILED: $f"; done
echo "fuzz: ${#targets[@]} targets, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
