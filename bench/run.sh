#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark of the full gate (figures in the output; not a timed test). Generates runs
# with `soak-gate simulate` into a scratch dir outside the repo (kept between runs, keyed
# by size and layout), times the gate with /usr/bin/time -v and prints wall, user, sys
# and peak RSS per size, the 10k -> 100k growth ratio, and the T24 vector timing.
# Output flags (--prometheus, --audit, --summary) are added when `gate --help` lists them.
#   usage: bench/run.sh [BUILD_DIR] [SCRATCH]   (defaults: build, /tmp/soak-gate-bench)
# On a shared machine wall time follows the load (printed first); cpu_s = user + sys is
# the figure to compare between builds.
# Targets: 100k nested <= 0.6 s wall and <= 32 MB RSS; 100k runner <= 1.5 s;
# growth 10k -> 100k <= 11x; T24 <= 5 ms.
set -eu
cd "$(dirname "$0")/.."
bin=$(cd "${1:-build}/src" && pwd)/soak-gate
scratch=${2:-/tmp/soak-gate-bench}
reps=${BENCH_REPS:-3}
[ -x "$bin" ] || { echo "bench: $bin not built" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mkdir -p "$scratch"

flags="--quiet"
help=$("$bin" gate --help)
case $help in *--prometheus*) flags="$flags --prometheus" ;; esac
case $help in *--audit*) flags="$flags --audit" ;; esac
case $help in *--summary*) flags="$flags --summary $scratch/summary.md" ;; esac

gen() { # $1 = iterations, $2 = layout -> prints the dir
    d=$scratch/$2-$1
    if [ ! -f "$d/.complete" ]; then
        rm -rf "$d"
        "$bin" simulate --out "$d" --iterations "$1" --layout "$2" --scenario noise >/dev/null 2>&1
        touch "$d/.complete"
    fi
    echo "$d"
}

# One timed gate run; prints "wall user sys rss_kb" (best wall of $reps runs).
measure() {
    best=""
    i=0
    while [ $i -lt "$reps" ]; do
        rm -f "$scratch/summary.md"
        /usr/bin/time -v -o "$scratch/time.txt" "$bin" gate --path "$1" $flags \
            --fail-on never >/dev/null 2>&1 || true
        line=$(awk -F': ' '/Elapsed \(wall/ {w=$2} /User time/ {u=$2} /System time/ {s=$2}
            /Maximum resident/ {r=$2} END {n=split(w, p, ":"); sec=p[n]+60*p[n-1];
            if (n == 3) sec += 3600*p[1]; printf "%.3f %s %s %s\n", sec, u, s, r}' \
            "$scratch/time.txt")
        if [ -z "$best" ] || [ "$(echo "$line $best" | awk '{print ($1 < $5)}')" = 1 ]; then
            best=$line
        fi
        i=$((i + 1))
    done
    echo "$best"
}

echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flags: $flags (best of $reps)"
printf '%-16s %8s %8s %8s %8s %10s\n' run wall_s user_s sys_s cpu_s peak_rss_MB
w10k=""
for spec in nested:1000 nested:10000 nested:100000 runner:100000; do
    layout=${spec%%:*}
    n=${spec#*:}
    d=$(gen "$n" "$layout")
    set -- $(measure "$d")
    printf '%-16s %8s %8s %8s %8s %10.1f\n' "$layout-$n" "$1" "$2" "$3" \
        "$(echo "$2 $3" | awk '{printf "%.2f", $1 + $2}')" "$(echo "$4" | awk '{print $1/1024}')"
    [ "$layout-$n" = nested-10000 ] && w10k=$1
    [ "$layout-$n" = nested-100000 ] && w100k=$1
done
echo "growth 10k -> 100k (nested, wall): $(echo "$w100k $w10k" | awk '{printf "%.2fx", $1/$2}')"

# T24: the canonical vector, many runs; hyperfine when installed.
t24=$scratch/t24
rm -rf "$t24" && mkdir -p "$t24" && cp tests/vectors/T24_repo_generator/input/* "$t24/"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 20 --runs 200 --export-json "$scratch/t24.json" \
        "$bin gate --path $t24 $flags --fail-on never" >/dev/null 2>&1
    awk -F': ' '/"mean"/ {gsub(/,/, "", $2); printf "T24 gate: %.2f ms mean (hyperfine, 200 runs)\n", $2*1000; exit}' "$scratch/t24.json"
else
    start=$(date +%s%N)
    for i in $(seq 200); do "$bin" gate --path "$t24" $flags --fail-on never >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    echo "T24 gate: $(( (end - start) / 200000 / 1000 )).$(( (end - start) / 200000 % 1000 )) ms mean (loop, 200 runs)"
fi
