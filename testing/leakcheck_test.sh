#!/usr/bin/env bash
# The goroutine leak check: a leaked goroutine fails the test that started it
# (and only it), with its stack and creation site; a goroutine that ends
# within the grace period is no leak; -leakcheck=false turns the check off.
set -uo pipefail
bin="testing/leakcheck_fixture"
out="$("$bin" 2>&1)"
code=$?
fail=0
expect() {
  if ! grep -qE -- "$1" <<<"$out"; then
    echo "missing: $1"
    fail=1
  fi
}
reject() {
  if grep -qE -- "$1" <<<"$out"; then
    echo "unexpected: $1"
    fail=1
  fi
}
[ "$code" = 1 ] || { echo "exit status $code, want 1"; fail=1; }
expect '^--- FAIL: TestLeaks \('
expect '^    leakcheck: 1 goroutine started by TestLeaks is still running:$'
expect '^        goroutine [0-9]+ \[.*\]:$'
expect '^        created by .*TestLeaks in goroutine [0-9]+$'
expect 'leakcheck_fixture.cc:[0-9]+ \+0x'
expect '^--- FAIL: TestLeaksFromSubtest \('
expect '^    --- FAIL: TestLeaksFromSubtest/sub \('
expect '^        leakcheck: 1 goroutine started by TestLeaksFromSubtest/sub is still running:$'
reject 'TestFinishesInTime'
reject 'leakcheck: .* started by TestLeaksFromSubtest is'
[ "$(grep -c 'leakcheck:' <<<"$out")" = 2 ] || { echo "want exactly 2 leak reports"; fail=1; }
if [ "$fail" != 0 ]; then
  echo "--- output:"
  echo "$out"
  exit 1
fi
out="$("$bin" -leakcheck=false 2>&1)"
code=$?
if [ "$code" != 0 ] || [ "$out" != PASS ]; then
  echo "with -leakcheck=false: exit $code, output:"
  echo "$out"
  exit 1
fi
echo "leakcheck: ok"
