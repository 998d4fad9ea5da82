#!/bin/sh
# SPDX-License-Identifier: MIT
# Usage: scripts/get-promtool.sh DIR
#
# Puts a standalone promtool under DIR and prints its path. Debian's `prometheus` package
# would pull in ~330 MB of web-UI dependencies; promtool itself is one static Go binary,
# so the package is only downloaded and unpacked (apt-get download + dpkg-deb -x), never
# installed. Idempotent: a promtool already under DIR is reused without touching apt.
set -eu

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
tool=$dir/usr/bin/promtool

if [ -x "$tool" ] && "$tool" --version >/dev/null 2>&1; then
    echo "$tool"
    exit 0
fi

mkdir -p "$dir/deb"
cd "$dir/deb"
if ! ls prometheus_*.deb >/dev/null 2>&1; then
    # apt-get download needs package lists; refresh them once if the first try fails.
    apt-get download prometheus >/dev/null 2>&1 || {
        apt-get update >/dev/null
        apt-get download prometheus >/dev/null
    }
fi
cd - >/dev/null
for deb in "$dir"/deb/prometheus_*.deb; do
    dpkg-deb -x "$deb" "$dir"
done
if ! [ -x "$tool" ]; then
    echo "$0: promtool not found in the prometheus package" >&2
    exit 1
fi
"$tool" --version >/dev/null
echo "$tool"
