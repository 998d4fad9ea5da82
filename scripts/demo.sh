#!/bin/sh
# Installs what is needed, builds soak-gate and runs the gate on the bundled example soak
# runs (examples/pass, examples/warn, examples/fail), showing each verdict and output.
# The examples are copied to a scratch directory first, so the repository stays clean.
# Usage: scripts/demo.sh
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/demo -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ex in pass warn fail; do
    cp -r "examples/$ex" "$work/$ex"
    printf '\n##### soak-gate gate --path examples/%s\n' "$ex"
    rc=0
    build/demo/src/soak-gate gate --path "$work/$ex" --prometheus \
        --summary "$work/$ex/JOB_SUMMARY.md" || rc=$?
    printf '##### exit code %s; files written:' "$rc"
    for f in "$work/$ex"/POST_SOAK_* "$work/$ex"/JOB_SUMMARY.md; do printf ' %s' "${f##*/}"; done
    echo
done
