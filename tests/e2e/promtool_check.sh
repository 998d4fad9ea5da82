#!/bin/sh
# SPDX-License-Identifier: MIT
# Usage: promtool_check.sh SOAK_GATE VECTORS_DIR
#
# `promtool check metrics` must exit 0 on the default POST_SOAK_METRICS.prom of every test
# vector and of the simulate scenarios pass, warn and fail (D-14), and of a 96-iteration
# latency-creep and step (the drift series, issue #7); as a control, the legacy
# file of one vector must be rejected (exit 3), which shows that promtool really lints.
# promtool comes from $SG_PROMTOOL (CMake cache variable or environment; see
# scripts/get-promtool.sh). Not configured: exit 77, which ctest reports as skipped.
# Configured but missing: a failure, never a skip.
set -eu

bin=$1
vectors=$2

if [ -z "${SG_PROMTOOL:-}" ]; then
    echo "NOTE: promtool not configured; set SG_PROMTOOL (scripts/get-promtool.sh DIR prints" \
         "a path) to run this check. Skipping." >&2
    exit 77
fi
if ! [ -x "$SG_PROMTOOL" ]; then
    echo "FAIL: SG_PROMTOOL=$SG_PROMTOOL is not an executable file" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

# Label values that need escaping end up in soakgate_run_info; the quote, backslash and
# newline are meant literally.
GITHUB_REPOSITORY='octo/soak-gate'
# shellcheck disable=SC2089
GITHUB_REF='refs/heads/we"ird\name
with-newline'
GITHUB_SHA='0123456789abcdef0123456789abcdef01234567'
GITHUB_RUN_ID='987654321'
SOAK_GATE_NOW=1760630400
# shellcheck disable=SC2090
export GITHUB_REPOSITORY GITHUB_REF GITHUB_SHA GITHUB_RUN_ID SOAK_GATE_NOW

# check NAME DIR WANT [extra soak-gate options]: write the .prom file, lint it, and
# expect promtool to exit WANT.
check() {
    name=$1
    dir=$2
    want=$3
    shift 3
    rc=0
    "$bin" gate --quiet --path "$dir" --prometheus "$@" >/dev/null 2>"$tmp/stderr" || rc=$?
    if [ "$rc" -gt 1 ] || ! [ -f "$dir/POST_SOAK_METRICS.prom" ]; then
        echo "FAIL $name: soak-gate exited $rc" >&2
        cat "$tmp/stderr" >&2
        failures=$((failures + 1))
        return 0
    fi
    rc=0
    "$SG_PROMTOOL" check metrics <"$dir/POST_SOAK_METRICS.prom" >"$tmp/lint" 2>&1 || rc=$?
    echo "promtool $name: exit $rc (want $want)"
    if [ "$rc" -ne "$want" ]; then
        cat "$tmp/lint" >&2
        failures=$((failures + 1))
    fi
}

for v in T24_repo_generator A_order F_warn K_sig RUNPY_mock_10iter; do
    mkdir "$tmp/$v"
    cp "$vectors/$v/input/"* "$tmp/$v/"
    check "$v" "$tmp/$v" 0
done

for s in pass warn fail; do
    "$bin" simulate --out "$tmp/sim_$s" --scenario "$s" 2>/dev/null
    check "simulate-$s" "$tmp/sim_$s" 0
done

# Drift series (issue #7): a creep and a step long enough to be judged, with degrading 1.
for s in latency-creep step; do
    "$bin" simulate --out "$tmp/sim_$s" --scenario "$s" --iterations 96 2>/dev/null
    check "simulate-$s-96" "$tmp/sim_$s" 0
    if ! grep -q '^soakgate_drift_degrading{kpi="p95_latency_seconds"} 1$' \
        "$tmp/sim_$s/POST_SOAK_METRICS.prom"; then
        echo "FAIL simulate-$s-96: no soakgate_drift_degrading series of 1" >&2
        failures=$((failures + 1))
    fi
done

# Control: the original's names have counters without _total, which promtool reports
# (exit 3); if it does not, SG_PROMTOOL is not linting.
check "T24-legacy-control" "$tmp/T24_repo_generator" 3 --prometheus-names legacy

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all default .prom files pass promtool check metrics"
