#!/usr/bin/env bash
# Writes N trivial tests in one of three dialects to stdout.
#   gen.sh gotest|gtest|go N
set -euo pipefail
kind="$1"
n="$2"
case "$kind" in
  gotest)
    echo '#include "testing/testing.h"'
    for ((i = 0; i < n; i++)); do echo "GO_TEST(Test$i, t) {}"; done
    ;;
  gtest)
    echo '#include <gtest/gtest.h>'
    for ((i = 0; i < n; i++)); do echo "TEST(Trivial, Test$i) {}"; done
    ;;
  go)
    printf 'package trivial\n\nimport "testing"\n\n'
    for ((i = 0; i < n; i++)); do echo "func Test$i(t *testing.T) {}"; done
    ;;
  *)
    echo "gen.sh: unknown kind $kind" >&2
    exit 2
    ;;
esac
