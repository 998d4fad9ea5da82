#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind memcheck on end-to-end runs of the built binary: every example and every
# vector, as `gate` and as `snapshot --pretty --strict`, each on a scratch copy. Fails on
# any memcheck error or any byte definitely or indirectly lost.
#   usage: scripts/valgrind.sh [BUILD_DIR]   (default build; a non-sanitizer build)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/src/soak-gate
[ -x "$bin" ] || { echo "valgrind.sh: $bin not built" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
runs=0 bad=0
check() { # $1 = label, rest = soak-gate arguments; soak dir is $scratch/soak
    log=$scratch/vg.log
    rc=0
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no \
        --log-file="$log" "$bin" "$@" >/dev/null 2>"$scratch/stderr" || rc=$?
    runs=$((runs + 1))
    if [ "$rc" = 99 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$log" ||
        grep -Eq 'definitely lost: [1-9]|indirectly lost: [1-9]' "$log"; then
        echo "!! $1 ($*): memcheck found problems"
        grep -E 'Invalid|uninitialised|lost|ERROR SUMMARY' "$log" | head -20
        bad=$((bad + 1))
    fi
}
for src in examples/* tests/vectors/*/input; do
    [ -d "$src" ] || continue
    for mode in gate snapshot; do
        rm -rf "$scratch/soak" && mkdir "$scratch/soak" && cp "$src"/* "$scratch/soak/"
        if [ $mode = gate ]; then
            check "$src" gate --path "$scratch/soak"
        else
            check "$src" snapshot --path "$scratch/soak" --pretty --strict
        fi
    done
done
rm -rf "$scratch/sim"
check simulate simulate --out "$scratch/sim" --iterations 200 --layout runner
check simulated-run gate --path "$scratch/sim" --threads 2
echo "valgrind: $runs runs, $bad with problems"
[ "$bad" = 0 ]
