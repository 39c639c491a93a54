#!/usr/bin/env bash
# Puts Go (default 1.26) at /opt/go<ver> for the interop tests and the perf peers.
# Debian stable ships only Go 1.19 (golang-go); newer Go is taken from Debian's own
# archive (unstable): a temporary apt source is added just long enough to download
# golang-<ver>-go and golang-<ver>-src, which are unpacked with dpkg -x, never installed,
# so the system's packages are untouched. Idempotent. Prints the path of the go binary.
# Check-Valid-Until is off for that source alone: a mirror that serves a frozen
# snapshot of unstable has an expired Release date (packages are still signature-checked).
#
# The packages' md5sums are kept as <tree>/md5sums, so that --verify can tell whether the
# toolchain still is Debian's: a peer whose runtime was edited (say, instrumented for a
# measurement) makes every comparison against it wrong. The perf scripts verify first.
#
# Usage: tools/get-go.sh [VERSION]            env GO_ROOT_DIR (default /opt)
#        tools/get-go.sh --verify [VERSION]   exit 1, naming a changed file, if the
#                                             installed tree differs from the packages
set -euo pipefail
verify=0
if [ "${1:-}" = --verify ]; then
  verify=1
  shift
fi
ver="${1:-1.26}"
root="${GO_ROOT_DIR:-/opt}"
link="$root/go${ver}"
tree="$root/go${ver}-debian"
if [ "$verify" = 1 ]; then
  if [ ! -x "$link/bin/go" ]; then
    echo "get-go.sh: no Go ${ver} at $link" >&2
    exit 1
  fi
  if [ ! -f "$tree/md5sums" ]; then
    echo "get-go.sh: $tree has no md5sums (installed by an older get-go.sh): not verified" >&2
    exit 0
  fi
  if ! bad="$(cd "$tree" && md5sum --check --quiet md5sums 2>/dev/null)"; then
    echo "get-go.sh: $link differs from Debian's golang-${ver} packages:" \
      "$(echo "$bad" | head -1 | sed 's/:.*//') (reinstall: rm -rf $tree $link; tools/get-go.sh ${ver})" >&2
    exit 1
  fi
  exit 0
fi
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
rm -rf "$tree"
mkdir -p "$tree"
for deb in "$work"/*.deb; do
  dpkg -x "$deb" "$tree"
  # Control members are "./md5sums" as dpkg-deb builds them; a package without one
  # leaves the tree unverifiable rather than failing the install.
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO --wildcards '*md5sums' >>"$work/md5sums" ||
    echo "get-go.sh: $(basename "$deb") has no md5sums; --verify will not check it" >&2
done
if [ -s "$work/md5sums" ]; then mv "$work/md5sums" "$tree/md5sums"; fi
ln -sfn "$tree/usr/lib/go-${ver}" "$link"
"$link/bin/go" version >&2
echo "$link/bin/go"
