#!/usr/bin/env bash
# Checks the README's promise on a fresh machine: a minimal Debian 12 made with
# debootstrap (nothing of gotest's dependencies installed), a clean clone of this
# repository inside it, and the README's two commands run as written, as root.
# Not part of tools/test.sh (it downloads ~1 GiB of packages and takes ~15 minutes).
#
#   tests/fresh/check.sh [ROOTFS_DIR]      default /tmp/gotest-fresh (reused if present)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rootfs="${1:-/tmp/gotest-fresh}"
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian
fi
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mounts=(proc sys dev dev/pts)
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "$rootfs/${mounts[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mount -t proc proc "$rootfs/proc"
mount --rbind /sys "$rootfs/sys"
mount --rbind /dev "$rootfs/dev"
mount -t devpts devpts "$rootfs/dev/pts" 2>/dev/null || true
rm -rf "$rootfs/root/gotest"
git clone -q "$repo" "$rootfs/root/gotest"
# The README's two commands, in a login-like environment with nothing inherited.
chroot "$rootfs" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c 'cd /root/gotest && ./gotest ./examples/... && tools/test.sh'
echo "fresh-machine check: README commands passed"
