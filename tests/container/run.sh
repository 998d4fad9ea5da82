#!/bin/sh
# Container emulation test for the GitHub action (no Docker engine needed).
#
# Builds a root file system the way the image is laid out - busybox as /bin/sh, the static
# soak-gate at /usr/local/bin, /entrypoint.sh, a CA bundle - and enters it with chroot, with
# /github/workspace and /github/file_commands prepared as the runner prepares them and the
# inputs passed as INPUT_<NAME> variables (hyphens kept). For a PASS, a WARN, a FAIL and an
# invalid-input run it checks the exit code, GITHUB_OUTPUT (parsed the way the runner parses
# it), the job summary, the annotations on stdout, the ownership of the written files, and
# that the secret webhook URL appears nowhere but in the ::add-mask:: line.
#
# Usage (as root): tests/container/run.sh PATH/TO/STATIC/soak-gate
set -eu

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ "$(id -u)" -eq 0 ] || { echo "container test: needs root (chroot)" >&2; exit 2; }
[ -x "$BUSYBOX" ] || { echo "container test: $BUSYBOX missing (apt-get install busybox-static)" >&2; exit 2; }
if ldd "$BIN" >/dev/null 2>&1; then
    echo "container test: $BIN is not a static binary" >&2
    exit 1
fi

CHROOT=$(command -v chroot)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/root
SECRET_PATH=T0000/B0000/c0ntainer5ecret
SECRET="http://127.0.0.1:9/services/$SECRET_PATH"
passed=0
failed=0

make_root() {
    rm -rf "$ROOT"
    mkdir -p "$ROOT/bin" "$ROOT/usr/local/bin" "$ROOT/etc/ssl/certs" "$ROOT/tmp" \
        "$ROOT/github/workspace" "$ROOT/github/file_commands" "$ROOT/github/home"
    cp "$BUSYBOX" "$ROOT/bin/busybox"
    ln -s busybox "$ROOT/bin/sh"
    cp "$BIN" "$ROOT/usr/local/bin/soak-gate"
    cp "$TOP/entrypoint.sh" "$ROOT/entrypoint.sh"
    chmod 755 "$ROOT/entrypoint.sh"
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"
    fi
    # The runner mounts a workspace owned by its own (non-root) user.
    chown 1001:1001 "$ROOT/github/workspace"
    : >"$ROOT/github/file_commands/set_output"
    : >"$ROOT/github/file_commands/step_summary"
}

# Value of output $2 in GITHUB_OUTPUT file $1, parsed like the runner: "name=value", or
# "name<<DELIM" ... "DELIM" (whichever separator comes first on the line).
output() {
    awk -v want="$2" '
        delim != "" { if ($0 == delim) { delim = ""; if (name == want) { print val; found = 1 } }
                      else { val = (val == "" ? $0 : val "\n" $0) } next }
        {
            eq = index($0, "="); hd = index($0, "<<")
            if (eq > 0 && (hd == 0 || eq < hd)) {
                if (substr($0, 1, eq - 1) == want) { print substr($0, eq + 1); found = 1 }
            } else if (hd > 0) {
                name = substr($0, 1, hd - 1); delim = substr($0, hd + 2); val = ""
                if (name == "" || delim == "") { print "bad line: " $0 > "/dev/stderr"; exit 3 }
            } else { print "bad line: " $0 > "/dev/stderr"; exit 3 }
        }
        END { if (delim != "") { print "delimiter not found" > "/dev/stderr"; exit 3 } }
    ' "$1"
}

expect() { # expect MESSAGE COMMAND...: counts a pass when COMMAND succeeds
    msg=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL [$CASE] $msg" >&2
    fi
}

first_line_masks() { head -n 1 "$1" | grep -q '^::add-mask::'; }
no_match() { ! grep -q "$@"; }

# run_case NAME EXAMPLE WANT_RC WANT_VERDICT [VAR=VALUE ...]
# Inputs are given as the runner gives them: INPUT_<NAME> with hyphens kept, plus - as
# action.yml's runs.env adds - the same value under the underscore spelling.
run_case() {
    CASE=$1 example=$2 want_rc=$3 want_verdict=$4
    shift 4
    for a in "$@"; do
        case ${a%%=*} in
        INPUT_*-*) set -- "$@" "$(printf '%s' "${a%%=*}" | tr - _)=${a#*=}" ;;
        esac
    done
    make_root
    mkdir -p "$ROOT/github/workspace/artifacts/soak"
    cp -r "$TOP/examples/$example" "$ROOT/github/workspace/artifacts/soak/latest"
    out=$WORK/$CASE.stdout
    rc=0
    env -i HOME=/github/home GITHUB_WORKSPACE=/github/workspace \
        GITHUB_OUTPUT=/github/file_commands/set_output \
        GITHUB_STEP_SUMMARY=/github/file_commands/step_summary \
        GITHUB_REPOSITORY=org/soak-gate GITHUB_RUN_ID=42 \
        "INPUT_PATH=artifacts/soak/latest" "INPUT_WEBHOOK-URL=$SECRET" "INPUT_WEBHOOK_URL=$SECRET" \
        "INPUT_NOTIFY=slack" "SOAK_GATE_NOTIFY_TIMEOUT_MS=2000" "SOAK_GATE_NOTIFY_BACKOFF_MS=10" \
        "$@" "$CHROOT" "$ROOT" /entrypoint.sh >"$out" 2>"$WORK/$CASE.stderr" || rc=$?
    GO=$ROOT/github/file_commands/set_output
    SOAK=$ROOT/github/workspace/artifacts/soak/latest

    expect "exit code $rc, want $want_rc" [ "$rc" -eq "$want_rc" ]
    v=$(output "$GO" verdict)
    expect "verdict output '$v'" [ "$v" = "$want_verdict" ]
    expect "first line masks the secret" first_line_masks "$out"
    n=$(cat "$out" "$WORK/$CASE.stderr" "$GO" "$ROOT/github/file_commands/step_summary" \
        "$SOAK"/POST_SOAK_* 2>/dev/null | grep -c "$SECRET_PATH" || true)
    expect "secret appears only in the mask line ($n)" [ "$n" -eq 1 ]
    expect "log fenced by stop-commands" grep -q '^::stop-commands::[0-9a-f]\{32\}$' "$out"
    if [ "$want_verdict" != ERROR ]; then
        p=$(output "$GO" snapshot_path)
        expect "snapshot_path '$p'" [ "$p" = artifacts/soak/latest/POST_SOAK_SNAPSHOT.json ]
        expect "snapshot verdict" grep -q "\"verdict\":\"$want_verdict\"" "$ROOT/github/workspace/$p"
        owner=$(stat -c %u:%g "$SOAK/POST_SOAK_SNAPSHOT.json")
        expect "snapshot owned by the workspace owner ($owner)" [ "$owner" = 1001:1001 ]
        expect "summary page" grep -q "$want_verdict" "$ROOT/github/file_commands/step_summary"
        fr=$(output "$GO" freeze_ready)
        expect "freeze_ready '$fr'" [ "$fr" = true -o "$fr" = false ]
    fi
    case $want_rc:$want_verdict in
    1:* | 2:*) expect "error annotation" grep -q '^::error ' "$out" ;;
    0:WARN) expect "warning annotation" grep -q '^::warning title=soak-gate::Soak verdict WARN' "$out" ;;
    0:PASS) expect "no error annotation" no_match '^::error ' "$out" ;;
    esac
}

run_case pass pass 0 PASS "INPUT_NOTIFY-ON=fail"
run_case warn warn 0 WARN "INPUT_NOTIFY-ON=fail"
run_case fail fail 1 FAIL "INPUT_FAIL-ON=fail"
run_case fail-on-warn warn 1 WARN "INPUT_FAIL-ON=warn" "INPUT_NOTIFY-ON=fail"
run_case invalid pass 2 ERROR "INPUT_FAIL-ON=sometimes"
# The FAIL run tried to alert a closed loopback port: a warning, exit code unchanged.
CASE=fail-alert
expect "failed alert is a warning" grep -q '\[WARN\] Notification to slack failed' "$WORK/fail.stdout"

echo "container: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
