#!/bin/sh
# SPDX-License-Identifier: MIT
# deps-musl.sh [DIR]: static musl builds of OpenSSL, json-c and an HTTP/HTTPS-only libcurl,
# made from Debian's source packages (Debian's patches, CVE fixes included, are applied).
#
# DIR defaults to ${SG_DEPS_CACHE:-/var/cache/soak-gate-deps}. Each set of source versions
# gets its own DIR/<key>/prefix; a finished one carries DIR/<key>/.complete and is reused as
# is (the cache hit costs one local apt-get --print-uris, well under a second).
# Stdout: the prefix path, as the last (and only) line. Progress and errors: stderr.
# Then build with: CC=musl-gcc PKG_CONFIG_LIBDIR=<prefix>/lib/pkgconfig cmake ...
#
# Environment:
#   SG_DEPS_CACHE    default DIR
#   SG_DEPS_SUITE    Debian suite to take sources from (default bookworm; see note below)
#   SG_DEPS_REFRESH  1: refresh the private deb-src index first (new versions -> new key)
#   SG_DEPS_KEEP_SRC 1: keep the unpacked sources and build trees after a good build
#   SG_JOBS          parallel make jobs (default: nproc)
#
# Never changes the system's apt configuration: the deb-src index lives in DIR/apt.
# Sources come from "<pkg>/<suite>" (the main archive): bookworm-security's openssl
# .debian.tar.xz is not always fetchable, while the point-release copy is (build-env.md 2(c)).
set -eu

# Bump when a configure flag or the layout of the prefix changes: old prefixes stop matching.
RECIPE=1
PKGS='json-c curl openssl'
# musl-tools/musl-dev: the compiler wrapper; linux-libc-dev: kernel headers for OpenSSL;
# dpkg-dev: apt-get source unpacking; ninja-build/file/binutils: build-static.sh (the
# presets use Ninja; file and strip for its checks). A bare debian:12 container has none.
TOOLS='gcc musl-tools musl-dev linux-libc-dev dpkg-dev cmake make ninja-build perl pkg-config
xz-utils file binutils'

DIR=${1:-${SG_DEPS_CACHE:-/var/cache/soak-gate-deps}}
SUITE=${SG_DEPS_SUITE:-bookworm}
JOBS=${SG_JOBS:-}

log() {
    printf 'deps-musl: %s\n' "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

# run LOG CMD...: run a build step quietly; on failure show the end of its log.
run() {
    step_log=$1
    shift
    if ! "$@" >"$step_log" 2>&1; then
        tail -n 40 "$step_log" >&2
        die "failed: $* (full log: $step_log)"
    fi
}

# Install whatever of $TOOLS is missing. apt-get update runs only if the install fails
# (typically: no package lists yet on a fresh machine).
ensure_tools() {
    missing=
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    installed=$(dpkg-query -W -f=' ${Package}=${db:Status-Status};' $TOOLS 2>/dev/null) || true
    for p in $TOOLS; do
        case "$installed" in
        *" $p=installed;"*) ;;
        *) missing="$missing $p" ;;
        esac
    done
    [ -n "$missing" ] || return 0
    [ "$(id -u)" -eq 0 ] || die "missing packages:$missing (run as root or install them)"
    log "installing:$missing"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $missing >&2; then
        apt-get update -qq >&2
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            $missing >&2
    fi
}

# apt-get with a private deb-src twin of the machine's archive configuration.
papt() {
    apt-get -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$APTD/parts" \
        -o Dir::State::Lists="$APTD/lists" -o Dir::Cache="$APTD/cache" "$@"
}

# The deb-src twin is (re)written together with the index it describes, so the cache hit
# path spawns no process for it.
setup_private_apt() {
    if [ "${SG_DEPS_REFRESH:-0}" != 1 ] && have_index; then
        return 0
    fi
    lock_dir
    # A concurrent caller may have fetched the index while this one waited for the lock.
    if [ "${SG_DEPS_REFRESH:-0}" != 1 ] && have_index; then
        return 0
    fi
    rm -rf "$APTD/parts"
    mkdir -p "$APTD/parts" "$APTD/lists/partial" "$APTD/cache/archives/partial"
    found=0
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed 's/^Types:.*/Types: deb-src/' "$f" >"$APTD/parts/${f##*/}"
        found=1
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >"$APTD/parts/${f##*/}"
        found=1
    done
    [ "$found" -eq 1 ] || die "no apt sources found under /etc/apt"
    log "updating the private deb-src index in $APTD"
    rm -f "$APTD"/versions.*
    papt -qq update >&2
    have_index || die "no Sources index after apt-get update in $APTD"
}

have_index() {
    for f in "$APTD"/lists/*Sources*; do
        [ -f "$f" ] && return 0
    done
    return 1
}

# Serialises index updates and builds between callers sharing DIR; held until exit.
lock_dir() {
    [ -z "${LOCKED:-}" ] || return 0
    exec 9>"$DIR/.lock"
    flock 9
    LOCKED=1
}

# Prints "name_version" for each of $PKGS, from the .dsc that apt-get source would fetch.
# The answer only changes when setup_private_apt updates the index, which drops this memo;
# reading it keeps the cache hit fast (apt-get itself takes 0.3-1 s here).
source_versions() {
    memo=$APTD/versions.$SUITE
    if [ ! -s "$memo" ]; then
        # shellcheck disable=SC2046 # one argument per package is intended
        papt -qq source --print-uris $(for p in $PKGS; do printf '%s/%s ' "$p" "$SUITE"; done) |
            sed -n "s/^'[^']*' \([^ ]*\)\.dsc .*/\1/p" >"$memo.$$"
        mv "$memo.$$" "$memo"
    fi
    while IFS= read -r line; do
        printf '%s\n' "$line"
    done <"$memo"
}

# Kernel headers only (linux/, asm/, asm-generic/) for musl-gcc, which has none of its own;
# exposing just these keeps glibc's headers out of the musl build.
make_kernel_headers() {
    mkdir -p "$1"
    for h in /usr/include/linux /usr/include/asm-generic /usr/include/x86_64-linux-gnu/asm; do
        [ -d "$h" ] || die "kernel headers missing: $h (install linux-libc-dev)"
        ln -sfn "$h" "$1/$(basename "$h")"
    done
}

build_openssl() {
    log "building OpenSSL (about 1 min on 2 cores)"
    cd "$SRC"/openssl-*/
    run "$LOGS/openssl-configure.log" env CC="musl-gcc -idirafter $W/kinc" \
        ./Configure linux-x86_64 no-shared no-tests no-engine no-afalgeng no-async \
        --prefix="$P" --libdir=lib --openssldir=/etc/ssl
    run "$LOGS/openssl-build.log" make -j"$JOBS" build_libs
    run "$LOGS/openssl-install.log" make install_dev
}

build_jsonc() {
    log "building json-c"
    cd "$SRC"/json-c-*/
    run "$LOGS/json-c-configure.log" cmake -S . -B b -DCMAKE_C_COMPILER=musl-gcc \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
        -DBUILD_TESTING=OFF -DBUILD_APPS=OFF -DDISABLE_WERROR=ON \
        -DCMAKE_INSTALL_PREFIX="$P" -DCMAKE_INSTALL_LIBDIR=lib
    run "$LOGS/json-c-build.log" cmake --build b -j"$JOBS"
    run "$LOGS/json-c-install.log" cmake --install b
}

# configure of the release tarball is used as is: the Debian patches that touch configure.ac
# or Makefile.am are packaging-only, and AM_MAINTAINER_MODE keeps make from re-running
# autotools. Protocols: HTTP and HTTPS only; proxies stay (CI runners use HTTPS_PROXY).
build_curl() {
    log "building libcurl"
    cd "$SRC"/curl-*/
    run "$LOGS/curl-configure.log" env CC=musl-gcc PKG_CONFIG_LIBDIR="$P/lib/pkgconfig" \
        ./configure --prefix="$P" --disable-shared --enable-static --with-openssl="$P" \
        --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs \
        --without-zlib --without-brotli --without-zstd --without-nghttp2 --without-libidn2 \
        --without-libpsl --without-libssh2 --without-librtmp --without-gssapi \
        --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
        --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
        --disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-manual \
        --disable-ntlm-wb
    run "$LOGS/curl-build.log" make -j"$JOBS" -C lib
    run "$LOGS/curl-install.log" sh -c 'make -C lib install && make -C include install &&
        make install-pkgconfigDATA install-binSCRIPTS'
}

# The prefix must hold everything the project's CMake asks pkg-config for.
check_prefix() {
    for f in libssl.a libcrypto.a libjson-c.a libcurl.a \
        pkgconfig/libcurl.pc pkgconfig/json-c.pc pkgconfig/openssl.pc; do
        [ -f "$P/lib/$f" ] || die "incomplete prefix: $P/lib/$f missing"
    done
    PKG_CONFIG_LIBDIR="$P/lib/pkgconfig" pkg-config --exists --static libcurl json-c ||
        die "pkg-config cannot resolve libcurl/json-c in $P"
    curl_protos=$(grep '^supported_protocols=' "$P/lib/pkgconfig/libcurl.pc" || true)
    log "libcurl $curl_protos"
}

ensure_tools
[ -d "$DIR" ] || mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
APTD=$DIR/apt
setup_private_apt

VERSIONS=$(source_versions)
# KEY: "json-c_<ver>+curl_<ver>+openssl_<ver>+r<RECIPE>", built without extra processes.
KEY=
n=0
for v in $VERSIONS; do
    KEY=$KEY$v+
    n=$((n + 1))
done
[ "$n" -eq 3 ] ||
    die "could not resolve source versions for: $PKGS (suite $SUITE); try SG_DEPS_REFRESH=1"
KEY=${KEY}r$RECIPE
W=$DIR/$KEY
P=$W/prefix
if [ -f "$W/.complete" ]; then
    printf '%s\n' "$P"
    exit 0
fi

# One builder at a time; a second caller waits, then finds the stamp.
lock_dir
if [ -f "$W/.complete" ]; then
    printf '%s\n' "$P"
    exit 0
fi

log "building $KEY into $W"
JOBS=${JOBS:-$(nproc)}
start=$(date +%s)
rm -rf "$W"
SRC=$W/src
LOGS=$W/logs
mkdir -p "$SRC" "$LOGS" "$P"
make_kernel_headers "$W/kinc"

cd "$SRC"
# apt's download sandbox user must be able to write here.
if id _apt >/dev/null 2>&1; then
    chown _apt "$SRC"
fi
for p in $PKGS; do
    log "fetching and unpacking $p/$SUITE"
    run "$LOGS/$p-source.log" papt source "$p/$SUITE"
done

build_openssl
build_jsonc
build_curl
check_prefix

if [ "${SG_DEPS_KEEP_SRC:-0}" != 1 ]; then
    rm -rf "$SRC" "$W/kinc"
fi
printf '%s\n' "$VERSIONS" >"$W/.complete"
log "done in $(($(date +%s) - start)) s"
printf '%s\n' "$P"
