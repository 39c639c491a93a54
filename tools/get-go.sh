#!/usr/bin/env bash
# Puts Go (default 1.26) at /opt/go<ver> for the interop tests and the perf peers.
# Debian stable ships only Go 1.19 (golang-go); newer Go is taken from Debian's own
# archive (unstable): a temporary apt source is added just long enough to download
# golang-<ver>-go and golang-<ver>-src, which are unpacked with dpkg -x, never installed,
# so the system's packages are untouched. Idempotent. Prints the path of the go binary.
# Check-Valid-Until is off for that source alone: a mirror that serves a frozen
# snapshot of unstable has an expired Release date (packages are still signature-checked).
#
# Usage: tools/get-go.sh [VERSION]     env GO_ROOT_DIR (default /opt)
set -euo pipefail
ver="${1:-1.26}"
root="${GO_ROOT_DIR:-/opt}"
link="$root/go${ver}"
if [ -x "$link/bin/go" ]; then
  echo "$link/bin/go"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "get-go.sh: must run as root (it uses apt-get download)" >&2
  exit 1
fi
work="$(mktemp -d)"
sources=/etc/apt/sources.list.d/gotest-get-go-unstable.sources
cleanup() {
  rm -f "$sources"
  apt-get update -qq >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cat >"$sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
Check-Valid-Until: no
SRC
apt-get update -qq >/dev/null
(cd "$work" && apt-get download -qq "golang-${ver}-go" "golang-${ver}-src" >/dev/null)
tree="$root/go${ver}-debian"
rm -rf "$tree"
mkdir -p "$tree"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$tree"; done
ln -sfn "$tree/usr/lib/go-${ver}" "$link"
"$link/bin/go" version >&2
echo "$link/bin/go"
