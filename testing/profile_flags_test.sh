#!/usr/bin/env bash
# The test binary's profile flags (profile_flags.cc): -cpuprofile, -memprofile,
# -memprofilerate, -blockprofile, -mutexprofile under -outputdir, read back by
# real `go tool pprof` (Go 1.26: $GO126, default /opt/go1.26/bin/go); an
# unwritable path stops the binary before any test runs (exit 2); no
# temporary files are left behind.
set -uo pipefail
# shellcheck source=runtime/pprof/testdata/go_pprof_test_lib.sh
source runtime/pprof/testdata/go_pprof_test_lib.sh profile_flags_test
bin="$PWD/testing/profile_flags_fixture"

out="$tmp/out"
mkdir -p "$out"
run="$(cd "$tmp" && "$bin" -test.v -test.cpuprofile=cpu.out -test.memprofile=mem.out \
  -test.memprofilerate=1 -test.blockprofile=block.out -test.mutexprofile=mutex.out \
  -test.outputdir="$out" 2>&1)"
code=$?
expect "profiled run passes" '^PASS$' "$run"
[ "$code" = 0 ] || { echo "FAIL profiled run: exit $code"; fails=$((fails + 1)); }
for f in cpu mem block mutex; do
  if [ -s "$out/$f.out" ]; then echo "ok   $f.out written under -outputdir"; else
    echo "FAIL $f.out missing from $out"; fails=$((fails + 1)); fi
  [ -e "$tmp/$f.out" ] && { echo "FAIL $f.out written outside -outputdir"; fails=$((fails + 1)); }
done
reject "no temporary files left" 'tmp|probe' "$(ls -a "$out")"

expect "cpu: ProfFlagsBurn" 'profile_flags_fixture::ProfFlagsBurn' "$(pprof -top "$out/cpu.out")"
mem="$(pprof -sample_index=alloc_space -top "$out/mem.out")"
expect "mem: allocs profile" '^Type: alloc_space' "$mem"
expect "mem: ProfFlagsAllocate" 'profile_flags_fixture::ProfFlagsAllocate' "$mem"
expect "mem: -memprofilerate=1 is the period" '^Period: 1$' "$(pprof -raw "$out/mem.out")"
expect "block: ProfFlagsBlockOnChannel" 'profile_flags_fixture::ProfFlagsBlockOnChannel' \
  "$(pprof -top "$out/block.out")"
expect "mutex: ProfFlagsContendMutex" 'profile_flags_fixture::ProfFlagsContendMutex' \
  "$(pprof -top "$out/mutex.out")"

# An absolute path ignores -outputdir.
"$bin" -test.run=TestAllocate -test.memprofile="$tmp/abs.out" -test.outputdir="$out" >/dev/null 2>&1
[ -s "$tmp/abs.out" ] && echo "ok   absolute path ignores -outputdir" ||
  { echo "FAIL absolute -memprofile path not written"; fails=$((fails + 1)); }

# Unwritable paths: Go's "testing: open ..." message, exit 2, no test runs.
for flag in cpuprofile memprofile blockprofile mutexprofile; do
  bad="$("$bin" -test.v -test.$flag="$tmp/missing/dir/p.out" 2>&1)"
  code=$?
  expect "-$flag unwritable: message" "^testing: open $tmp/missing/dir/p.out: no such file or directory\$" "$bad"
  reject "-$flag unwritable: no test ran" '=== RUN|PASS' "$bad"
  [ "$code" = 2 ] && echo "ok   -$flag unwritable: exit 2" ||
    { echo "FAIL -$flag unwritable: exit $code, want 2"; fails=$((fails + 1)); }
done
bad="$("$bin" -test.memprofile="$out" 2>&1)"
expect "a directory: message" "^testing: open $out: is a directory\$" "$bad"
bad="$("$bin" -test.cpuprofile=c.out -test.outputdir="$tmp/missing" 2>&1)"
expect "missing -outputdir: message" "^testing: open $tmp/missing/c.out: no such file or directory\$" "$bad"
[ -e "$tmp/missing" ] && { echo "FAIL -outputdir created"; fails=$((fails + 1)); }

if [ "$fails" != 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all checks passed"
