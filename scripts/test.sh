#!/bin/sh
# Installs what is needed, builds soak-gate with warnings as errors and runs every test.
# Usage: scripts/test.sh [BUILD_DIR]     (default build/test)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build/test}
sh scripts/install-deps.sh
# promtool for the exposition-format lint test (unpacked from Debian's package, cached).
PROMTOOL=$(sh scripts/get-promtool.sh .deps/promtool)
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSG_WERROR=ON \
    -DSG_PROMTOOL="$PROMTOOL" -DSG_PUSHGATEWAY=/usr/bin/prometheus-pushgateway >/dev/null
cmake --build "$B" -j2
ctest --test-dir "$B" -j2 --output-on-failure
