#!/usr/bin/env bash
# -fullpath: log lines name their file by its absolute path (as Go prints the
# path the file was compiled from); without it, by its base name.
set -uo pipefail
bin="testing/fullpath_fixture"
fail=0
check() {  # check OUTPUT REGEXP
  if ! grep -qE -- "$2" <<<"$1"; then
    echo "missing: $2"
    fail=1
  fi
}
out="$("$bin" -test.fullpath 2>&1)"
check "$out" '^    /([^ ]+/)?testing/fullpath_fixture\.cc:13: direct$'
check "$out" '^    /([^ ]+/)?testing/fullpath_fixture\.cc:14: from helper$'
check "$out" '^        /([^ ]+/)?testing/fullpath_fixture\.cc:15: in subtest$'
if grep -q '/proc/self/cwd' <<<"$out"; then
  echo "unexpected /proc/self/cwd path"
  fail=1
fi
plain="$("$bin" 2>&1)"
check "$plain" '^    fullpath_fixture\.cc:13: direct$'
check "$plain" '^        fullpath_fixture\.cc:15: in subtest$'
if [ "$fail" != 0 ]; then
  printf -- '--- output with -test.fullpath:\n%s\n--- output without:\n%s\n' "$out" "$plain"
  exit 1
fi
echo PASS
