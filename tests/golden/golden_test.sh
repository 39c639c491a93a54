#!/usr/bin/env bash
# The golden-output test of the testing package: runs our test binaries with
# each case of cases.tsv and compares their normalized output (normalize.sh)
# with Go 1.26's for the Go twins.
#
#   golden_test.sh [EXPECTED_DIR]
#
# EXPECTED_DIR defaults to the checked-in tests/golden/expected (made by
# tools/regen-golden.sh). live_go_test.sh passes a directory it has just
# regenerated with real Go, so that drift between Go and the files shows.
# Each failing case prints a diff; the exit status is 1 if any failed.
set -uo pipefail
here="tests/golden"
expected="${1:-$here/expected}"
export TZ=UTC GOMAXPROCS="${GOMAXPROCS:-4}"
work="${TEST_TMPDIR:-$(mktemp -d)}/golden"
mkdir -p "$work"
# The binaries run as a user runs them by hand, not under Bazel's test
# protocol (which they honour: TEST_TIMEOUT would set a -timeout deadline,
# XML_OUTPUT_FILE a JUnit report, TESTBRIDGE_TEST_ONLY a -run filter, ...);
# the benchmark header's "pkg:" line comes from $GOTEST_PACKAGE, as under the
# gotest driver.
unset TEST_TIMEOUT XML_OUTPUT_FILE TEST_PREMATURE_EXIT_FILE TESTBRIDGE_TEST_ONLY \
  TESTBRIDGE_TEST_RUNNER_FAIL_FAST TEST_RANDOM_SEED TEST_UNDECLARED_OUTPUTS_DIR \
  TEST_TOTAL_SHARDS TEST_SHARD_INDEX TEST_SHARD_STATUS_FILE GTEST_SHARD_STATUS_FILE \
  TEST_TARGET
pass=0
fail=0
while IFS=$'\t' read -r pkg name mode args goargs; do
  case "$pkg" in '#'* | '') continue ;; esac
  bin="$PWD/$here/$pkg/${pkg}_test"
  want="$expected/$pkg/$name.txt"
  if [ ! -f "$want" ]; then
    echo "FAIL $pkg/$name: no expected output $want (run tools/regen-golden.sh)"
    fail=$((fail + 1))
    continue
  fi
  # shellcheck disable=SC2086
  (cd "$work" && if [ "$mode" = json ]; then
    GOTEST_PACKAGE="golden/$pkg" "$bin" -json $args
  else
    GOTEST_PACKAGE="golden/$pkg" "$bin" $args
  fi) >"$work/got" 2>&1
  echo "[exit $?]" >>"$work/got"
  norm_mode="$mode"
  [ "$mode" = json ] && norm_mode=json
  "$here/normalize.sh" "$norm_mode" <"$want" >"$work/want.n"
  "$here/normalize.sh" "$norm_mode" <"$work/got" >"$work/got.n"
  if diff -u "$work/want.n" "$work/got.n" >"$work/diff"; then
    pass=$((pass + 1))
  else
    echo "FAIL $pkg/$name ($mode; args: $args)"
    sed 's/^/    /' "$work/diff"
    fail=$((fail + 1))
  fi
done <"$here/cases.tsv"
echo "golden: $pass passed, $fail failed"
[ "$fail" = 0 ]
