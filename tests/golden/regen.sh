#!/usr/bin/env bash
# Regenerates the golden expected outputs of tests/golden from real Go 1.26:
# builds each Go twin in tests/golden/go/<package> with `go test -c` and runs
# it with every case of tests/golden/cases.tsv, writing the merged
# stdout+stderr plus "[exit N]" to tests/golden/expected/<package>/<case>.txt
# (raw: normalize.sh is applied when comparing). -json cases run the binary
# under `go tool test2json -t -p golden/<package>`, which is what -json of
# ours must equal.
#
#   tools/regen-golden.sh [-g GO] [-o OUTDIR]   (runs this script)
#     GO      the go command (default: $GO126, else /opt/go1.26/bin/go)
#     OUTDIR  where to write (default: tests/golden/expected)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
golden="$root/tests/golden"
go="${GO126:-/opt/go1.26/bin/go}"
out="$golden/expected"
while getopts "g:o:" opt; do
  case "$opt" in
    g) go="$OPTARG" ;;
    o) out="$OPTARG" ;;
    *) exit 2 ;;
  esac
done
if [ ! -x "$go" ]; then
  echo "regen-golden: no Go 1.26 at $go (tools/get-go.sh installs it)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GOCACHE="${GOCACHE:-$work/gocache}" GOPATH="$work/gopath" GOFLAGS=-mod=mod \
  GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off GOMAXPROCS="${GOMAXPROCS:-4}" TZ=UTC

built=" "
while IFS=$'\t' read -r pkg name mode args goargs; do
  case "$pkg" in '#'* | '') continue ;; esac
  bin="$work/$pkg.test"
  if [[ "$built" != *" $pkg "* ]]; then
    (cd "$golden/go/$pkg" && "$go" test -vet=off -c -o "$bin" .)
    built+="$pkg "
  fi
  [ "$goargs" = - ] && goargs=""
  mkdir -p "$out/$pkg"
  dest="$out/$pkg/$name.txt"
  # shellcheck disable=SC2086
  set +e
  if [ "$mode" = json ]; then
    (cd "$work" && "$go" tool test2json -t -p "golden/$pkg" "$bin" -test.v=test2json $goargs $args) >"$dest" 2>&1
  else
    (cd "$work" && "$bin" $goargs $args) >"$dest" 2>&1
  fi
  code=$?
  set -e
  echo "[exit $code]" >>"$dest"
done <"$golden/cases.tsv"
echo "regen-golden: wrote $out"
