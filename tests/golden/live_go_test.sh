#!/usr/bin/env bash
# The golden test against real Go, live: regenerates the expected outputs with
# Go 1.26 (tools/regen-golden.sh) into a temporary directory and runs the
# golden comparison against them, so that a change in Go's output or a stale
# checked-in file shows up in CI. Go 1.26 comes from tools/get-go.sh
# ($GO126, default /opt/go1.26/bin/go); without it the test fails.
set -euo pipefail
go="${GO126:-/opt/go1.26/bin/go}"
if [ ! -x "$go" ]; then
  echo "live_go_test: Go 1.26 not found at $go; run tools/install-deps.sh --peers" >&2
  exit 1
fi
out="${TEST_TMPDIR:-$(mktemp -d)}/expected"
export GOCACHE="${TEST_TMPDIR:-/tmp}/gocache"
tests/golden/regen.sh -g "$go" -o "$out" >/dev/null
status=0
tests/golden/golden_test.sh "$out" || status=1
# The checked-in files must be what Go prints today (after normalization).
while IFS=$'\t' read -r pkg name mode _ _; do
  case "$pkg" in '#'* | '') continue ;; esac
  if ! diff -q <(tests/golden/normalize.sh "$mode" <"tests/golden/expected/$pkg/$name.txt") \
    <(tests/golden/normalize.sh "$mode" <"$out/$pkg/$name.txt") >/dev/null; then
    echo "STALE tests/golden/expected/$pkg/$name.txt: differs from Go's output today"
    status=1
  fi
done <tests/golden/cases.tsv
exit "$status"
