#!/usr/bin/env bash
# Normalizes a test binary's output for golden comparison (stdin to stdout):
# durations, Go's and our log file suffixes, the usage's flag list (it lists
# each implementation's own flags), goroutine dumps (Go and C++ frames differ:
# only the structure up to the first "goroutine N [" line is compared) and
# -json's Time/Elapsed values.
#
#   normalize.sh MODE < output       MODE: ordered | unordered | json
# (unordered: sorted lines, without "=== NAME" lines)
set -euo pipefail
mode="${1:-ordered}"
sed -E \
  -e 's/\(([0-9]+\.[0-9]+)s\)/(X.XXs)/g' \
  -e 's/_test\.(go|cc):([0-9]+):/_test.X:\2:/g' \
  -e 's/^Usage of .*:$/Usage of BIN:/' \
  -e '/^  -test\./d' -e '/^    	/d' \
  -e 's/"Time":"[^"]*",//' \
  -e 's/"Elapsed":[0-9.e+-]+/"Elapsed":X/' |
  awk '/^goroutine [0-9]+ \[/ && !dump { print "goroutine N [...]: (dump not compared)"; dump = 1 }
       /^\[exit [0-9]+\]$/ { dump = 0 }
       /"Output":"goroutine [0-9]+ \[/ && !dump { print "goroutine dump (not compared)"; dump = 1 }
       /"Action":"(pass|fail)","Package":"[^"]*","Elapsed"/ { if (dump) { dump = 0 } }
       !dump { print }' |
  if [ "$mode" = unordered ]; then
    # Parallel tests interleave as they are scheduled, and so do the "=== NAME"
    # lines that mark a switch between them: compare the rest, sorted.
    grep -v '^=== NAME ' | LC_ALL=C sort
  else
    cat
  fi
