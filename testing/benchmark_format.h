// Go 1.26's benchmark output and iteration-count arithmetic, as pure
// functions.
//
// `gotest -bench` output is read by benchstat and every other tool that
// parses Go benchmark results, and by people used to Go's columns, so each
// byte follows Go's testing package (src/testing/benchmark.go, Go 1.26.10):
// the result line (BenchmarkResult.String and MemString: `%8d` iterations,
// ns/op with prettyPrint's precision steps, `%7.2f MB/s`, ReportMetric units
// sorted by name, `%8d B/op\t%8d allocs/op`), the name column padded as
// `fmt.Sprintf("%-*s\t", maxLen, name)` with Go's width bookkeeping (the
// `-N` suffix counted twice, run1's +8 slack), the `-cpu` suffix (omitted
// for GOMAXPROCS 1), the goos/goarch/pkg/cpu header and the CPU name Go
// finds, and the N ramp-up (predictN's 1.2x, 100x growth bound and 1e9 cap)
// for both b.N benchmarks and b.Loop. Expected strings in the tests come
// from real Go runs.
//
// What a benchmark driver does with these (Go's order):
//   1. width = InitialNameWidth(top-level names matched, -cpu list)
//   2. per benchmark, after run1: width = ExtendNameWidth(width, name, ext)
//   3. per -cpu value x -count: print NameColumn(BenchmarkName(name, procs),
//      width) before running (after, in -v mode), then run with
//      BenchLauncher, then print ResultLine(result, benchmem || ReportAllocs).
#ifndef GOTEST_TESTING_BENCHMARK_FORMAT_H_
#define GOTEST_TESTING_BENCHMARK_FORMAT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "testing/flag.h"

namespace go::testing {

// Go's testing.BenchmarkResult.
struct BenchmarkResult {
  int64_t n = 0;                        // iterations (N)
  absl::Duration t;                     // total time (T), whole nanoseconds
  int64_t bytes = 0;                    // bytes processed per iteration
  uint64_t mem_allocs = 0;              // total allocations
  uint64_t mem_bytes = 0;               // total bytes allocated
  std::map<std::string, double> extra;  // ReportMetric values by unit

  // ns/op as Go's NsPerOp: Extra["ns/op"] truncated, else T/N (0 if N <= 0).
  int64_t NsPerOp() const;
  // Extra["allocs/op"] truncated, else MemAllocs/N (0 if N <= 0).
  int64_t AllocsPerOp() const;
  // Extra["B/op"] truncated, else MemBytes/N (0 if N <= 0).
  int64_t AllocedBytesPerOp() const;
  // Extra["MB/s"], else bytes*N/1e6 per second (0 if any input is <= 0).
  double MbPerSec() const;

  // Go's String(): "%8d" N, then "\t" + ns/op (Extra["ns/op"] or T/N as a
  // float; omitted when 0), "\t%7.2f MB/s" (omitted when 0), and every other
  // Extra unit in byte order except B/op and allocs/op. No name, no newline.
  std::string String() const;
  // Go's MemString(): "%8d B/op\t%8d allocs/op".
  std::string MemString() const;
};

// Go's prettyPrint: x and unit with the precision of its magnitude (four
// significant digits below 1000, none from 999.95 up) in a width that lines
// the decimal points up: "%10.0f %s", "%12.1f %s", ... "%18.7f %s". NaN and
// infinities print as Go prints them (NaN, +Inf, -Inf).
std::string PrettyPrint(double x, std::string_view unit);

// Go's fmt for "%<width>.<prec>f" (NaN, +Inf, -Inf spelled as Go does).
std::string FormatFloat(double x, int width, int precision);

// The result line after the name column: String(), "\t" + MemString() when
// `show_mem` (-benchmem or ReportAllocs), and "\n".
std::string ResultLine(const BenchmarkResult& r, bool show_mem);

// Go's benchmarkName: "name-procs", or "name" when procs is 1.
std::string BenchmarkName(std::string_view name, int procs);

// The length of the -cpu suffix of the largest value in `cpus` (Go's
// extLen = len(benchmarkName("", maxprocs))): 0 when it is 1 (or the list
// is empty).
int BenchmarkExtLen(const std::vector<int>& cpus);

// Go's initial maxLen: over the top-level benchmarks that -bench matched,
// len(BenchmarkName(name, maxprocs)) + extLen + 1 (the suffix is counted
// twice, as Go does), at least 0.
int InitialNameWidth(const std::vector<std::string>& names,
                     const std::vector<int>& cpus);

// run1's extension for a (sub-)benchmark `name`: if len(name)+ext_len+1
// exceeds `width`, that plus 8 ("slack to avoid too many jumps"), else
// `width`.
int ExtendNameWidth(int width, std::string_view name, int ext_len);

// fmt.Sprintf("%-*s\t", width, name): Go pads to `width` runes (the widths
// above count bytes, so non-ASCII names get extra spaces, as in Go).
std::string NameColumn(std::string_view name, int width);

// The header Go prints before the first benchmark: "goos: ...", "goarch:
// ...", "pkg: ..." (omitted when empty), "cpu: ..." (omitted when empty),
// each ending in "\n".
std::string BenchmarkHeader(std::string_view goos, std::string_view goarch,
                            std::string_view pkg, std::string_view cpu);

// runtime.GOOS and GOARCH of this build ("linux"; "amd64", "arm64", ...).
std::string_view Goos();
std::string_view Goarch();

// Go's sysinfo.CPUName: the CPUID brand string on x86 (leading spaces
// trimmed, cut at the first NUL; trailing spaces kept), else the name in
// /proc/cpuinfo; "" if neither is known. Computed once.
std::string CPUName();

// The x86 CPUID brand string as Go's internal/cpu.Name reads it ("" on
// other architectures or when CPUID lacks leaf 0x80000004).
std::string CPUIDBrandString();

// Go's osCPUInfoName on the first 512 bytes of /proc/cpuinfo (shorter input
// is NUL-padded to 512 as Go's buffer is): the last "model name" (or "Model
// Name") value, with " @ <cpu MHz>MHz" appended when a "cpu MHz" line exists
// and the name mentions neither GHz nor MHz.
std::string CPUNameFromCpuinfo(std::string_view cpuinfo);

// Go's predictN: the next iteration count from the goal, the previous run's
// iterations and duration and the last count: goal*prev_iters/prev_ns (in
// that order, with int64 wrap-around as Go), +20%, at most 100*last, at
// least last+1, at most 1e9.
int64_t PredictN(int64_t goal_ns, int64_t prev_iters, int64_t prev_ns,
                 int64_t last);

// The most iterations PredictN returns (Go's maxBenchPredictIters).
inline constexpr int64_t kMaxBenchPredictIters = 1'000'000'000;

// Go's B.launch ramp-up for a b.N benchmark. Create it after run1 (one call
// with N = 1); Next returns the N of the next run, or 0 when the benchmark
// is done. With -benchtime=<n>x: n once (nothing more for 1x); with a
// duration d: predicted N's while the last run took less than d, did not
// fail, and N is below 1e9.
class BenchLauncher {
 public:
  explicit BenchLauncher(const BenchTime& benchtime) : benchtime_(benchtime) {}
  // `b_n` and `elapsed`: the last run's b.N and timed duration.
  int64_t Next(int64_t b_n, absl::Duration elapsed, bool failed);

 private:
  BenchTime benchtime_;
  int64_t n_ = 1;  // what run1 ran
  bool fixed_done_ = false;
};

// b.Loop's scaling (Go's stopOrScaleBLoop) in duration mode: after
// `prev_target` iterations took `elapsed`, the next iteration target, or 0
// when the loop is done (elapsed reached the goal, or the target cannot
// grow past the 1e9 cap).
int64_t NextLoopTarget(absl::Duration benchtime, int64_t prev_target,
                       absl::Duration elapsed);

// RunParallel's grain (iterations a goroutine takes from the shared counter
// at a time: ~100us of work): 1e5*previous_n/previous_ns, clamped to
// [1, 1e4]; 1 when there is no previous run.
uint64_t RunParallelGrain(int64_t previous_n, absl::Duration previous);

// Go's trimOutput for a benchmark's log: cut at the 10th newline and
// append "\n\t... [output truncated]\n".
std::string TrimBenchOutput(std::string_view output);

}  // namespace go::testing

#endif  // GOTEST_TESTING_BENCHMARK_FORMAT_H_
