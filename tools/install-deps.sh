#!/usr/bin/env bash
# Installs what gotest needs on a Debian 12 machine, from Debian's archive only.
# Idempotent and quiet when everything is present: it asks dpkg which packages are
# missing and runs apt-get (update, then install) only for those. Needs root for that.
#
#   tools/install-deps.sh            build + test dependencies
#   tools/install-deps.sh --peers    also the perf/interop peers (Go, Boost.Fiber,
#                                    Google Benchmark, gperftools, gotestsum, qemu for
#                                    AArch64) and Go 1.26 via tools/get-go.sh, and
#                                    registers qemu-aarch64 with binfmt_misc
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Build and test: Bazel 4.2.3 with the repositories it would otherwise download, the
# compiler, and the libraries wrapped in third_party/BUILD.bazel.
packages=(
  bazel-bootstrap bazel-rules-java bazel-platforms
  g++ libasan8 libtsan2 libubsan1
  libabsl-dev libre2-dev libgtest-dev libgmock-dev zlib1g-dev libdw-dev libssl-dev
  libprotobuf-dev protobuf-compiler
  python3 ca-certificates
)
peers=(
  golang-go gotestsum libbenchmark-dev libboost-fiber-dev google-perftools
  g++-aarch64-linux-gnu qemu-user qemu-user-binfmt
  # AArch64 builds (bazel --config=aarch64) link Debian's arm64 multiarch libraries.
  libc6-dev:arm64 libabsl-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
  libdw-dev:arm64 zlib1g-dev:arm64 libre2-dev:arm64 libbenchmark-dev:arm64
)

want_peers=0
for arg in "$@"; do
  case "$arg" in
    --peers) want_peers=1 ;;
    -h | --help)
      sed -n '2,11p' "$0"
      exit 0
      ;;
    *)
      echo "install-deps.sh: unknown argument $arg" >&2
      exit 2
      ;;
  esac
done
[ "$want_peers" = 1 ] && packages+=("${peers[@]}")

# The arm64 packages need the architecture enabled (dpkg multiarch) before apt-get update.
if [ "$want_peers" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: run as root to enable the arm64 architecture (dpkg --add-architecture arm64)" >&2
    exit 1
  fi
  dpkg --add-architecture arm64
fi

# installed PACKAGE: whether dpkg has it. A name without ":arch" means the native
# architecture's package (once arm64 is enabled a bare name would match both), or an
# "Architecture: all" package.
native="$(dpkg --print-architecture)"
installed() {
  local p="$1" status=""
  [[ "$p" == *:* ]] || status="$(dpkg-query -W -f='${db:Status-Status}' "$p:$native" 2>/dev/null || true)"
  [ -n "$status" ] || status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
  [ "$status" = installed ]
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: missing packages (${missing[*]}); run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$want_peers" = 1 ]; then
  "$here/get-go.sh" 1.26 >/dev/null
  # Not fatal: without binfmt_misc (a container without the privilege), test.sh
  # skips the AArch64 tests that start a second program.
  "$here/binfmt-aarch64.sh" || echo "install-deps.sh: warning: qemu-aarch64 not registered with binfmt_misc" >&2
fi
