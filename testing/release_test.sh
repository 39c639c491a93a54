#!/usr/bin/env bash
# Finished tests' states are freed: release_fixture checks that thousands of
# subtests leave no allocations alive. Without XML_OUTPUT_FILE, as the JUnit
# report (which bazel test asks for) keeps a record of every test.
set -uo pipefail
out="$(env -u XML_OUTPUT_FILE testing/release_fixture -test.v 2>&1)"
code=$?
grep -E 'live allocations|FAIL|^PASS' <<<"$out" | grep -v -- '--- PASS'
if [ "$code" != 0 ]; then
  echo "exit status $code, want 0"
  grep -v -- '--- PASS\|=== ' <<<"$out" | head -50
  exit 1
fi
