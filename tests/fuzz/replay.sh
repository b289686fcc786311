#!/usr/bin/env bash
# tests/fuzz/replay.sh - replays every seed and regression input through its
# libFuzzer target once (no fuzzing): seconds, so it can run with the unit tests.
#
#   bash tests/fuzz/replay.sh [TARGET...]
#
# Prints one line per target, "fuzz-replay <target> N passed, N failed", and
# exits non-zero when any input crashes or breaks an invariant.
set -u
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${FUZZ_TARGETS[@]}")
fuzz_have_clang || { echo "fuzz-replay: clang is not available" >&2; exit 1; }
fuzz_check_link || { echo "fuzz-replay: libFuzzer does not link" >&2; exit 1; }

total_failed=0
for t in "${targets[@]}"; do
    if ! fuzz_build_target "$t"; then
        printf '%-12s %-16s %3d passed, %d failed\n' fuzz-replay "$t" 0 1
        total_failed=$((total_failed + 1))
        continue
    fi
    passed=0 failed=0
    for f in "$FUZZ_DIR/corpus/$t"/* "$FUZZ_DIR/regressions/$t"/*; do
        [ -f "$f" ] || continue
        if out=$("$FUZZ_BUILD/$t" -runs=0 "$f" 2>&1); then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAILED: $t ${f#"$ROOT"/}"
            printf '%s\n' "$out" | grep -E 'ERROR|SUMMARY|fuzz_[a-z]+:' | head -5
        fi
    done
    printf '%-12s %-16s %3d passed, %d failed\n' fuzz-replay "$t" "$passed" "$failed"
    total_failed=$((total_failed + failed))
done
[ "$total_failed" -eq 0 ]
