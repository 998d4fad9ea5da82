#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer harnesses (clang, ASan + UBSan + fuzzer, own build directory) and
# runs each for SECONDS (default 60). Exits non-zero when any harness crashes, leaks or
# times out; the reproducer is left in build/fuzz-out/<harness>/. The committed seed
# corpus in fuzz/corpus/<harness>/ (fuzz_iterscan: fuzz/corpus/iter/) is read only; new
# inputs go to build/fuzz-out.
#   usage: fuzz/run.sh [SECONDS] [HARNESS...]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
harnesses=${*:-"iter iterscan summary config num"}
bdir=build/fuzz
odir=build/fuzz-out
CC=${FUZZ_CC:-clang} cmake -S . -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSG_FUZZ=ON -DSG_SANITIZE=address,undefined -DBUILD_TESTING=OFF >/dev/null
cmake --build "$bdir" -j2 >/dev/null
failed=""
for h in $harnesses; do
    mkdir -p "$odir/$h/corpus"
    # fuzz_iterscan reads the same files as fuzz_iter, so it shares its seeds.
    seeds=fuzz/corpus/$h
    if [ "$h" = iterscan ]; then
        seeds=fuzz/corpus/iter
    fi
    echo "== fuzz_$h for ${secs}s"
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bdir/fuzz/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -dict=fuzz/json.dict -print_final_stats=1 \
        -artifact_prefix="$odir/$h/" "$odir/$h/corpus" "$seeds" \
        >"$odir/$h/log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^Done' "$odir/$h/log" || true
    else
        echo "!! fuzz_$h failed; log: $odir/$h/log"
        grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$odir/$h/log" | head -20
        failed="$failed $h"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzzing FAILED:$failed"
    exit 1
fi
echo "fuzzing passed ($secs s per harness)"
