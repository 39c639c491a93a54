#!/usr/bin/env bash
# Makes the kernel run AArch64 ELF programs under qemu-user (binfmt_misc), as Debian's
# qemu-user-binfmt package would at boot through systemd-binfmt. Our machines do not
# run systemd, so nothing registers it there. Needed by the AArch64 tests that start
# another AArch64 program: a gtest death test re-executes the test binary, fatal_test
# and chan_fatal_test run a helper binary. `bazel test --config=aarch64` starts the
# test itself under qemu (--run_under), but qemu-user passes a guest's execve to the
# host kernel, which refuses an AArch64 binary ("Exec format error") unless
# binfmt_misc knows it. Idempotent: does nothing when qemu-aarch64 is registered.
#
# Usage: tools/binfmt-aarch64.sh     (as root; install-deps.sh --peers runs it)
set -euo pipefail
dir=/proc/sys/fs/binfmt_misc
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
entry="$dir/qemu-aarch64"
if [ -e "$entry" ] && head -n1 "$entry" | grep -qx enabled; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "binfmt-aarch64.sh: qemu-aarch64 is not registered with binfmt_misc; run as root: $0" >&2
  exit 1
fi
if [ ! -r "$conf" ]; then
  echo "binfmt-aarch64.sh: $conf missing; install qemu-user-binfmt" >&2
  exit 1
fi
if [ ! -e "$dir/register" ]; then
  mount -t binfmt_misc binfmt_misc "$dir"
fi
if [ -e "$entry" ]; then
  echo 1 >"$entry"
else
  # The .conf line is exactly what the register file takes.
  grep -v '^#' "$conf" >"$dir/register"
fi
