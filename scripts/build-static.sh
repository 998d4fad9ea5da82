#!/bin/sh
# SPDX-License-Identifier: MIT
# build-static.sh [BUILD_DIR [CMAKE_ARG...]]: the fully static musl release binary of
# soak-gate, checked.
# Builds the musl dependencies first (scripts/deps-musl.sh, cached under
# ${SG_DEPS_CACHE:-/var/cache/soak-gate-deps}), configures the "release" preset with
# SG_STATIC=ON into BUILD_DIR (default build-static), writes the stripped binary to
# BUILD_DIR/soak-gate and asserts that it is static and runs. Extra arguments go to the
# configure step, e.g. -DSG_WERROR=ON in CI (each run starts from SG_WERROR=OFF, so an
# option given once does not stick in the cache).
# Stdout ends with the binary path and its size in bytes. SG_JOBS: parallel jobs (default 2).
set -eu

# A BUILD_DIR given by the caller is relative to the caller's directory; the default lives
# at the repository root (ignored by git as /build*/).
B=${1:-}
[ "$#" -eq 0 ] || shift
case "$B" in
'') ;;
/*) ;;
*) B=$PWD/$B ;;
esac
cd "$(dirname "$0")/.."
B=${B:-$PWD/build-static}
JOBS=${SG_JOBS:-2}

log() {
    printf 'build-static: %s\n' "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

start=$(date +%s)
P=$(sh scripts/deps-musl.sh | tail -n 1)
[ -f "$P/lib/pkgconfig/libcurl.pc" ] || die "deps-musl.sh gave no usable prefix: '$P'"
log "musl prefix: $P"

# A cache from a glibc configure or from another prefix must not survive (pkg-config
# results are cached): start it afresh then. Object files stay either way.
fresh=--fresh
if grep -q '^CMAKE_C_COMPILER:FILEPATH=.*musl-gcc$' "$B/CMakeCache.txt" 2>/dev/null &&
    grep -qF "$P/lib" "$B/CMakeCache.txt"; then
    fresh=
fi
# shellcheck disable=SC2086 # $fresh is empty or one word
CC=musl-gcc PKG_CONFIG_LIBDIR="$P/lib/pkgconfig" \
    cmake --preset release $fresh -B "$B" -DSG_STATIC=ON -DBUILD_TESTING=OFF -DSG_WERROR=OFF \
    "$@" >/dev/null
cmake --build "$B" --parallel "$JOBS" >&2

BIN=$B/soak-gate
cp "$B/src/soak-gate" "$BIN.tmp"
strip "$BIN.tmp"
mv "$BIN.tmp" "$BIN"

desc=$(file -b "$BIN")
case "$desc" in
*"statically linked"*) ;;
*) die "not statically linked: $desc" ;;
esac
# ldd exits non-zero for a static binary; succeeding here means it is dynamic.
if ldd_out=$(ldd "$BIN" 2>&1); then
    die "ldd lists dependencies: $ldd_out"
fi
case "$ldd_out" in
*"not a dynamic executable"*) ;;
*) die "unexpected ldd output: $ldd_out" ;;
esac
version=$(timeout 10 "$BIN" --version) || die "'$BIN --version' failed"
log "$version"

# Smoke run on the bundled examples (as the image build does): copies, since gate writes
# its outputs next to the input files.
if [ -d examples/pass ] && [ -d examples/fail ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    for ex in pass:0 fail:1; do
        name=${ex%:*}
        want=${ex#*:}
        cp -r "examples/$name" "$work/$name"
        rc=0
        timeout 30 "$BIN" gate --path "$work/$name" >"$work/$name.out" 2>&1 || rc=$?
        [ "$rc" -eq "$want" ] ||
            die "gate on examples/$name exited $rc, expected $want: $(tail -n 5 "$work/$name.out")"
    done
    log "gate smoke run: examples/pass -> 0, examples/fail -> 1"
fi

size=$(wc -c <"$BIN" | tr -d ' ')
log "done in $(($(date +%s) - start)) s"
printf '%s %s bytes (%s)\n' "$BIN" "$size" "$desc"
