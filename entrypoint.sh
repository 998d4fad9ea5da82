#!/bin/sh
# soak-gate container entrypoint: run the gate in GitHub-action mode. Every input arrives
# as an INPUT_<NAME> variable; the binary reads them itself (hyphenated names are not shell
# variables), writes the step outputs and the summary page, hands the files it wrote back
# to the workspace owner, and its exit code is the step's (0 PASS/WARN, 1 FAIL, 2 error).
set -eu
exec /usr/local/bin/soak-gate action "$@"
