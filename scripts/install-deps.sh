#!/bin/sh
# Installs the Debian 12 packages soak-gate needs to build and test. Idempotent: when
# every package is already installed it changes nothing and needs no network.
# Usage: scripts/install-deps.sh [EXTRA_PACKAGE...]   (uses sudo when not root)
set -eu

PKGS="build-essential cmake ninja-build pkg-config libjson-c-dev libcurl4-openssl-dev \
libcriterion-dev ca-certificates prometheus-pushgateway"

missing=""
for p in $PKGS "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
