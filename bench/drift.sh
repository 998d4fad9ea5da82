#!/bin/sh
# SPDX-License-Identifier: MIT
# Usage: bench/drift.sh [SOAK_GATE [SEEDS]]
#
# Drift validation with the real binary (issue #7; not a timed test, not run in CI).
# For each scenario (latency-creep, step, noise), run length (24, 96, 500) and seed
# (1..SEEDS, default 200): `soak-gate simulate` writes the run, `soak-gate gate
# --drift warn --prometheus` judges it, and the outcome is read from the .prom file
# (soakgate_drift_degrading) and the snapshot (the original's last-8 verdict).
# Prints one table row per scenario and length:
#   detect  share of runs where p95 latency is flagged degrading (creep, step: power)
#   any     share of runs where any KPI is flagged (noise: the false-alarm rate)
#   orig    share of runs the original last-8 rule calls PASS
# Two runs at a time (2 cores); a few minutes in all.
set -eu

# one SCENARIO N SEED: prints "SCENARIO N SEED orig p95 any" (0/1 flags).
if [ "${SG_BENCH_ONE:-}" = 1 ]; then
    scen=$1 n=$2 seed=$3
    dir=$SG_BENCH_TMP/$scen-$n-$seed
    "$SG_BENCH_BIN" simulate --out "$dir" --scenario "$scen" --iterations "$n" \
        --seed "$seed" 2>/dev/null
    "$SG_BENCH_BIN" gate --quiet --no-audit --prometheus --drift warn --path "$dir" \
        >/dev/null 2>&1 || true
    prom=$dir/POST_SOAK_METRICS.prom
    orig=0
    grep -q '"verdict":"PASS"' "$dir/POST_SOAK_SNAPSHOT.json" && orig=1
    p95=0
    grep -q '^soakgate_drift_degrading{kpi="p95_latency_seconds"} 1$' "$prom" && p95=1
    any=0
    grep -q '^soakgate_drift_degrading{kpi="[a-z0-9_]*"} 1$' "$prom" && any=1
    rm -rf "$dir"
    echo "$scen $n $seed $orig $p95 $any"
    exit 0
fi

bin=${1:-build/src/soak-gate}
seeds=${2:-200}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if ! [ -x "$bin" ]; then
    echo "usage: $0 [SOAK_GATE [SEEDS]]: $bin is not executable" >&2
    exit 2
fi

# Runs are written and deleted at once: a RAM disk when there is one.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    TMPDIR=/dev/shm
    export TMPDIR
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
SG_BENCH_ONE=1 SG_BENCH_TMP=$tmp SG_BENCH_BIN=$bin
export SG_BENCH_ONE SG_BENCH_TMP SG_BENCH_BIN

start=$(date +%s)
for scen in latency-creep step noise; do
    for n in 24 96 500; do
        seed=1
        while [ "$seed" -le "$seeds" ]; do
            echo "$scen $n $seed"
            seed=$((seed + 1))
        done
    done
done | xargs -P 2 -n 3 sh "$0" >"$tmp/results"
end=$(date +%s)

echo "| scenario | iterations | runs | p95 flagged (detect) | any KPI flagged | original says PASS |"
echo "|---|---:|---:|---:|---:|---:|"
sort -k1,1 -k2,2n "$tmp/results" | awk '
    { k = $1 " " $2; runs[k]++; orig[k] += $4; p95[k] += $5; any[k] += $6
      if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
    END { for (i = 1; i <= n; i++) { k = order[i]; split(k, f, " ")
          printf "| %s | %d | %d | %.1f %% | %.1f %% | %.1f %% |\n", f[1], f[2], runs[k],
                 100 * p95[k] / runs[k], 100 * any[k] / runs[k], 100 * orig[k] / runs[k] } }'
echo
echo "$(wc -l <"$tmp/results") runs in $((end - start)) s"
