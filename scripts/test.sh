#!/bin/sh
# Installs what is needed, builds soak-gate with warnings as errors and runs every test.
# Usage: scripts/test.sh [BUILD_DIR]     (default build/test)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build/test}
sh scripts/install-deps.sh
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSG_WERROR=ON >/dev/null
cmake --build "$B" -j2
ctest --test-dir "$B" -j2 --output-on-failure
