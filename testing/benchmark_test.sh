#!/usr/bin/env bash
# Benchmarks (benchmark_fixture.cc) run with Go's flags: exact B/op and
# allocs/op for new, malloc, std::string and std::vector growth; exact
# iteration counts with -benchtime=Nx (b.N and b.Loop); RunParallel runs N
# iterations in total on parallelism x GOMAXPROCS bodies; sub-benchmark
# names and -bench matching per level; -cpu suffixes and -count; the
# failure, skip and log reports; a benchmark that ignores N still ends; and
# Go's messages and exit statuses for bad -benchtime and -cpu values.
set -uo pipefail
bin="testing/benchmark_fixture"
fail=0
out=""
code=0

run() {
  out="$("$bin" "$@" 2>&1)"
  code=$?
}

# The value before `unit` on the result line of benchmark `name`.
metric() {
  awk -v n="$1" -v u="$2" '$1 == n { for (i = 4; i <= NF; i++) if ($i == u) print $(i - 1) + 0 }' <<<"$out"
}

# The iteration count (second field) of benchmark `name`'s result lines.
iters() {
  awk -v n="$1" '$1 == n { print $2 }' <<<"$out"
}

check() {
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: got '$2', want '$3'"
    fail=1
  fi
}

expect() {
  if ! grep -qE -- "$1" <<<"$out"; then
    echo "FAIL: missing /$1/"
    fail=1
  fi
}

reject() {
  if grep -qE -- "$1" <<<"$out"; then
    echo "FAIL: unexpected /$1/"
    fail=1
  fi
}

show() {
  if [ "$fail" != 0 ]; then
    echo "--- output of: $bin $*"
    echo "$out"
    exit 1
  fi
}

# ---- Allocations: exact per-op counts (10000 iterations: an allocation by
# another thread during the measurement cannot move the quotients).
args=(-test.bench=Alloc -test.benchmem -test.benchtime=10000x -test.cpu=1)
run "${args[@]}"
check "exit status" "$code" 0
for b in New:64:1 Malloc:100:1 String:101:1 Vector:8188:11 Report:4:1; do
  IFS=: read -r name bytes allocs <<<"$b"
  check "BenchmarkAlloc$name iterations" "$(iters "BenchmarkAlloc$name")" 10000
  check "BenchmarkAlloc$name B/op" "$(metric "BenchmarkAlloc$name" B/op)" "$bytes"
  check "BenchmarkAlloc$name allocs/op" "$(metric "BenchmarkAlloc$name" allocs/op)" "$allocs"
done
expect '^goos: linux$'
expect '^goarch: (amd64|arm64)$'
expect '^PASS$'
show "${args[@]}"

# Without -benchmem only ReportAllocs shows the columns.
args=(-test.bench=Alloc -test.benchtime=100x -test.cpu=1)
run "${args[@]}"
check "BenchmarkAllocNew B/op without -benchmem" "$(metric BenchmarkAllocNew B/op)" ""
check "BenchmarkAllocReport B/op" "$(metric BenchmarkAllocReport B/op)" 4
show "${args[@]}"

# ---- Iterations: -benchtime=100x is one call with N = 1, then one with 100.
args=(-test.bench=Iterations -test.benchtime=100x -test.cpu=1)
run "${args[@]}"
check "BenchmarkIterations N" "$(iters BenchmarkIterations)" 100
check "BenchmarkIterations total" "$(metric BenchmarkIterations total)" 101
show "${args[@]}"

# b.Loop: one call, exactly 100 iterations, the 20 ms setup not measured.
args=(-test.bench=Loop$ -test.benchtime=100x -test.cpu=1)
run "${args[@]}"
check "BenchmarkLoop N" "$(iters BenchmarkLoop)" 100
check "BenchmarkLoop iterations" "$(metric BenchmarkLoop iters)" 100
check "BenchmarkLoop calls" "$(metric BenchmarkLoop calls)" 1
# A measured setup makes every run >= 200 us/op; a loaded machine can stall
# one run's 100 iterations past 100 us/op, so the best of three counts.
under() { awk -v x="$1" 'BEGIN { exit !(x != "" && x + 0 < 100000) }'; }
ns="$(metric BenchmarkLoop ns/op)"
for _ in 1 2; do
  under "$ns" && break
  run "${args[@]}"
  ns="$(metric BenchmarkLoop ns/op)"
done
if ! under "$ns"; then
  echo "FAIL: BenchmarkLoop ns/op = '$ns': the setup was measured"
  fail=1
fi
show "${args[@]}"

# b.Loop with a duration ramps up inside one call; N is what ran.
args=(-test.bench=Loop$ -test.benchtime=50ms -test.cpu=1)
run "${args[@]}"
check "BenchmarkLoop (50ms) calls" "$(metric BenchmarkLoop calls)" 1
check "BenchmarkLoop (50ms) iterations" "$(metric BenchmarkLoop iters)" "$(iters BenchmarkLoop)"
show "${args[@]}"

args=(-test.bench=LoopBreak -test.cpu=1)
run "${args[@]}"
check "LoopBreak exit status" "$code" 1
expect '^--- FAIL: BenchmarkLoopBreak$'
expect '^    benchmark\.go:225: benchmark function returned without B\.Loop\(\) == false \(break or return in loop\?\)$'
expect '^FAIL$'
show "${args[@]}"

args=(-test.bench=LoopPaused -test.benchtime=100x -test.cpu=1)
run "${args[@]}"
check "LoopPaused N" "$(iters BenchmarkLoopPaused)" 100
check "LoopPaused iterations" "$(metric BenchmarkLoopPaused iters)" 100
args=(-test.bench=LoopPaused -test.benchtime=20ms -test.cpu=1)
run "${args[@]}"
check "LoopPaused (20ms) iterations" "$(metric BenchmarkLoopPaused iters)" "$(iters BenchmarkLoopPaused)"

args=(-test.bench=LoopStopped -test.cpu=1)
run "${args[@]}"
check "LoopStopped exit status" "$code" 1
expect '^    benchmark\.go:417: B\.Loop called with timer stopped$'
show "${args[@]}"

# ---- RunParallel: N iterations in all, one body per P (x SetParallelism).
args=(-test.bench=Parallel -test.skip=CPU -test.cpu=1,2,4 -test.benchtime=1000x)
run "${args[@]}"
check "exit status" "$code" 1  # BenchmarkParallelNoNext fails
for p in 1 2 4; do
  name=BenchmarkParallelCount
  [ "$p" = 1 ] || name="$name-$p"
  check "$name N" "$(iters "$name")" 1000
  check "$name count" "$(metric "$name" count)" 1000
  check "$name bodies" "$(metric "$name" bodies)" "$p"
done
check "SetParallelism(3) bodies at -cpu=2" "$(metric BenchmarkParallelSetParallelism-2 bodies)" 6
expect '^    benchmark\.go:987: RunParallel: body exited without pb\.Next\(\) == false$'
show "${args[@]}"

args=(-test.bench=ParallelCount -test.cpu=2 -test.benchtime=20ms)
run "${args[@]}"
check "ParallelCount (20ms) count" "$(metric BenchmarkParallelCount-2 count)" "$(iters BenchmarkParallelCount-2)"
show "${args[@]}"

# ---- A benchmark that never reads N: N grows to Go's 1e9 cap, and it ends.
args=(-test.bench=IgnoresN -test.cpu=1)
run "${args[@]}"
check "IgnoresN exit status" "$code" 0
check "IgnoresN N" "$(iters BenchmarkIgnoresN)" 1000000000
show "${args[@]}"

# ---- Sub-benchmarks: only the leaves report; -bench matches per level.
args=(-test.bench=Sub -test.benchtime=10x -test.cpu=1)
run "${args[@]}"
for n in BenchmarkSub/small BenchmarkSub/with_space BenchmarkSub/nested/deeper; do
  check "$n N" "$(iters "$n")" 10
done
reject '^BenchmarkSub[[:space:]]'
reject '^BenchmarkSub/nested[[:space:]]'
show "${args[@]}"

args=(-test.bench=Sub/nested/ -test.benchtime=10x -test.cpu=1)
run "${args[@]}"
check "Sub/nested/deeper N" "$(iters BenchmarkSub/nested/deeper)" 10
reject '^BenchmarkSub/small'
show "${args[@]}"

# ---- -cpu suffixes (none for 1) and -count.
args=(-test.bench=Empty$ -test.cpu=1,2 -test.count=3 -test.benchtime=10x)
run "${args[@]}"
check "BenchmarkEmpty lines" "$(grep -c '^BenchmarkEmpty[[:space:]]' <<<"$out")" 3
check "BenchmarkEmpty-2 lines" "$(grep -c '^BenchmarkEmpty-2[[:space:]]' <<<"$out")" 3
show "${args[@]}"

# ---- Columns: MB/s, ReportMetric overriding ns/op and allocs/op, timer.
args=('-test.bench=Bytes|Metric|TimerStopped' -test.benchmem -test.benchtime=20x -test.cpu=1)
run "${args[@]}"
expect '^BenchmarkBytes[[:space:]]+20[[:space:]]+[0-9.]+ ns/op[[:space:]]+[0-9.]+ MB/s'
expect '^BenchmarkMetric[[:space:]]+20[[:space:]]+42\.00 widgets/op[[:space:]]+0 B/op[[:space:]]+7 allocs/op$'
us="$(metric BenchmarkTimerStopped us/op)"
if ! awk -v x="$us" 'BEGIN { exit !(x != "" && x + 0 < 500) }'; then
  echo "FAIL: BenchmarkTimerStopped us/op = '$us': the stopped timer counted"
  fail=1
fi
show "${args[@]}"

# ---- Logs, cleanups, failures and skips.
args=('-test.bench=Logs|Cleanup' -test.benchtime=5x -test.cpu=1)
run "${args[@]}"
expect '^--- BENCH: BenchmarkLogs$'
expect '^    benchmark_fixture\.cc:[0-9]+: called with N = 1$'
expect '^    benchmark_fixture\.cc:[0-9]+: called with N = 5$'
expect '^    benchmark_fixture\.cc:[0-9]+: cleanup at N = 5$'
show "${args[@]}"

args=('-test.bench=Fails|Skips' -test.benchtime=5x -test.cpu=1)
run "${args[@]}"
check "Fails exit status" "$code" 1
expect '^BenchmarkFails[[:space:]]+--- FAIL: BenchmarkFails$'
expect '^    benchmark_fixture\.cc:[0-9]+: failed at N=5$'
reject 'Skips'
expect '^FAIL$'
show "${args[@]}"

args=(-test.v '-test.bench=Skips|Iterations' -test.benchtime=5x -test.cpu=1)
run "${args[@]}"
expect '^--- SKIP: BenchmarkSkips$'
expect '^    benchmark_fixture\.cc:[0-9]+: not today$'
# Tests first, then the header, then the benchmarks.
order="$(grep -oE '^(=== RUN   TestRunsFirst|goos: linux|BenchmarkIterations)' <<<"$out" | tr '\n' '|')"
check "order" "$order" "=== RUN   TestRunsFirst|goos: linux|BenchmarkIterations|BenchmarkIterations|"
show "${args[@]}"

# ---- pkg: header, -list, -json.
out="$(GOTEST_PACKAGE=example/pkg "$bin" -test.bench=Iterations -test.benchtime=1x -test.cpu=1 2>&1)"
expect '^pkg: example/pkg$'
show pkg
args=(-test.list=.)
run "${args[@]}"
expect '^TestRunsFirst$'
expect '^BenchmarkAllocNew$'
show "${args[@]}"
args=(-json -test.bench=Iterations -test.benchtime=3x -test.cpu=1)
run "${args[@]}"
expect '"Output":"BenchmarkIterations +\\t +3\\t'
expect '"Action":"pass","Package"'
show "${args[@]}"

# ---- Bad input: Go's messages and exit statuses.
bad() {
  local want_code="$1" want="$2"
  shift 2
  run "$@"
  check "$* exit status" "$code" "$want_code"
  check "$* message" "$(head -n 1 <<<"$out")" "$want"
  show "$@"
}
bad 2 'invalid value "abc" for flag -test.benchtime: invalid duration' -test.benchtime=abc
bad 2 'invalid value "0x" for flag -test.benchtime: invalid count' -test.benchtime=0x
bad 1 'testing: invalid value "0" for -test.cpu' -test.cpu=0
bad 1 'testing: invalid value "a" for -test.cpu' -test.cpu=a
bad 1 'testing: invalid regexp for element 0 of -test.bench ("("): error parsing regexp: missing closing ): `(`' -test.bench='('

echo "benchmark: ok"
