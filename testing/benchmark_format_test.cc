#include "testing/benchmark_format.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "testing/flag.h"

namespace go::testing {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct ResultCase {
  int64_t n;
  int64_t t_ns;
  int64_t bytes;
  uint64_t mem_allocs;
  uint64_t mem_bytes;
  std::vector<std::pair<std::string, double>> extra;
  const char* string;
  const char* mem_string;
};

struct PredictCase {
  int64_t goal_ns, prev_iters, prev_ns, last, want;
};

struct PadCase {
  const char* name;
  int width;
  const char* want;
};

// Go's own output: BenchmarkResult.String/MemString, predictN (through
// go:linkname) and fmt's "%-*s\t", printed by Go 1.26.10 on linux/amd64 by
// benchmark_format_gen.go (its header says how to rerun it).
#include "testing/benchmark_format_golden.inc"

BenchmarkResult FromCase(const ResultCase& c) {
  BenchmarkResult r;
  r.n = c.n;
  r.t = absl::Nanoseconds(c.t_ns);
  r.bytes = c.bytes;
  r.mem_allocs = c.mem_allocs;
  r.mem_bytes = c.mem_bytes;
  for (const auto& [unit, value] : c.extra) r.extra[unit] = value;
  return r;
}

TEST(BenchmarkResultTest, StringAndMemStringMatchGo) {
  for (const ResultCase& c : kResultCases) {
    const BenchmarkResult r = FromCase(c);
    EXPECT_EQ(r.String(), c.string) << "N=" << c.n << " T=" << c.t_ns;
    EXPECT_EQ(r.MemString(), c.mem_string) << "N=" << c.n << " T=" << c.t_ns;
  }
}

TEST(BenchmarkResultTest, ResultLine) {
  BenchmarkResult r;
  r.n = 100;
  r.t = absl::Nanoseconds(15970);
  r.mem_allocs = 100;
  r.mem_bytes = 6400;
  // From `go test -bench . -benchmem` (Go 1.26.10): a 64-byte make per op.
  EXPECT_EQ(
      ResultLine(r, /*show_mem=*/true),
      "     100\t       159.7 ns/op\t      64 B/op\t       1 allocs/op\n");
  EXPECT_EQ(ResultLine(r, /*show_mem=*/false),
            "     100\t       159.7 ns/op\n");
}

TEST(BenchmarkResultTest, PerOpAccessors) {
  BenchmarkResult r;
  r.n = 3;
  r.t = absl::Nanoseconds(10);
  r.mem_allocs = 7;
  r.mem_bytes = 100;
  EXPECT_EQ(r.NsPerOp(), 3);
  EXPECT_EQ(r.AllocsPerOp(), 2);
  EXPECT_EQ(r.AllocedBytesPerOp(), 33);
  EXPECT_EQ(r.MbPerSec(), 0);
  r.extra["ns/op"] = 2.9;
  r.extra["allocs/op"] = -1.5;
  EXPECT_EQ(r.NsPerOp(), 2);
  EXPECT_EQ(r.AllocsPerOp(), -1);
  r.n = 0;
  r.extra.clear();
  EXPECT_EQ(r.NsPerOp(), 0);
  EXPECT_EQ(r.AllocsPerOp(), 0);
}

TEST(PrettyPrintTest, PrecisionSteps) {
  // Go's prettyPrint thresholds (benchmark.go), checked in the golden
  // table too; the units are arbitrary.
  EXPECT_EQ(PrettyPrint(0, "x"), "         0 x");
  EXPECT_EQ(PrettyPrint(999.95, "x"), "      1000 x");
  EXPECT_EQ(PrettyPrint(999.94, "x"), "       999.9 x");
  EXPECT_EQ(PrettyPrint(99.995, "x"), "       100.0 x");
  EXPECT_EQ(PrettyPrint(9.9995, "x"), "        10.00 x");
  EXPECT_EQ(PrettyPrint(0.99995, "x"), "         1.000 x");
  EXPECT_EQ(PrettyPrint(0.099995, "x"), "         0.1000 x");
  EXPECT_EQ(PrettyPrint(0.0099995, "x"), "         0.01000 x");
  EXPECT_EQ(PrettyPrint(0.00099995, "x"), "         0.001000 x");
  EXPECT_EQ(PrettyPrint(0.00099994, "x"), "         0.0009999 x");
  EXPECT_EQ(PrettyPrint(kNaN, "x"), "               NaN x");
  EXPECT_EQ(PrettyPrint(-kInf, "x"), "      -Inf x");
  EXPECT_EQ(FormatFloat(kInf, 7, 2), "   +Inf");
}

TEST(BenchmarkNameTest, CpuSuffix) {
  // `-cpu=1,2`: no suffix for 1 (Go 1.26.10, BenchmarkA / BenchmarkA-2).
  EXPECT_EQ(BenchmarkName("BenchmarkA", 1), "BenchmarkA");
  EXPECT_EQ(BenchmarkName("BenchmarkA", 2), "BenchmarkA-2");
  EXPECT_EQ(BenchmarkName("BenchmarkSub/x", 12), "BenchmarkSub/x-12");
  EXPECT_EQ(BenchmarkExtLen({1}), 0);
  EXPECT_EQ(BenchmarkExtLen({}), 0);
  EXPECT_EQ(BenchmarkExtLen({1, 2}), 2);
  EXPECT_EQ(BenchmarkExtLen({2, 1}), 2);
  EXPECT_EQ(BenchmarkExtLen({12}), 3);
  EXPECT_EQ(BenchmarkExtLen({0, -3}), 0);
}

TEST(NameColumnTest, PadsLikeGoFmt) {
  for (const PadCase& c : kPadCases) {
    EXPECT_EQ(NameColumn(c.name, c.width), c.want) << c.name;
  }
}

// Replays Go's name-column bookkeeping for one binary run and returns the
// column of each result line, in Go's order: for each top-level benchmark,
// run1 (which extends the width for itself and its sub-benchmarks), then a
// line per -cpu value (x -count).
struct Bench {
  std::string name;
  std::vector<std::string> subs;  // sub-benchmark full names, if any
};

std::vector<std::string> Columns(const std::vector<Bench>& benches,
                                 const std::vector<int>& cpus, int count) {
  std::vector<std::string> top;
  for (const Bench& b : benches) top.push_back(b.name);
  int width = InitialNameWidth(top, cpus);
  const int ext = BenchmarkExtLen(cpus);
  std::vector<std::string> out;
  auto lines = [&](const std::string& name) {
    width = ExtendNameWidth(width, name, ext);
    for (int procs : cpus) {
      for (int i = 0; i < count; i++) {
        out.push_back(NameColumn(BenchmarkName(name, procs), width));
      }
    }
  };
  for (const Bench& b : benches) {
    width = ExtendNameWidth(width, b.name, ext);  // the parent's run1
    if (b.subs.empty()) {
      lines(b.name);
    } else {
      for (const std::string& sub : b.subs) lines(sub);
    }
  }
  return out;
}

// From /tmp/gobench/b_test.go run with Go 1.26.10 (-test.benchtime=1x):
//
//   func BenchmarkA(b *testing.B)          { ... }
//   func BenchmarkLongerName(b *testing.B) { ... }
//   func BenchmarkSub(b *testing.B) {
//     b.Run("short", ...); b.Run("a much longer sub-benchmark name", ...)
//     b.Run("x", ...)
//   }
const std::vector<Bench> kGoBenchmarks = {
    {"BenchmarkA", {}},
    {"BenchmarkLongerName", {}},
    {"BenchmarkSub",
     {"BenchmarkSub/short", "BenchmarkSub/a_much_longer_sub-benchmark_name",
      "BenchmarkSub/x"}},
};

TEST(NameColumnTest, GoRunWithCpu12) {
  // -test.cpu=1,2
  EXPECT_EQ(Columns(kGoBenchmarks, {1, 2}, 1),
            (std::vector<std::string>{
                "BenchmarkA              \t",
                "BenchmarkA-2            \t",
                "BenchmarkLongerName     \t",
                "BenchmarkLongerName-2   \t",
                "BenchmarkSub/short      \t",
                "BenchmarkSub/short-2    \t",
                "BenchmarkSub/a_much_longer_sub-benchmark_name           \t",
                "BenchmarkSub/a_much_longer_sub-benchmark_name-2         \t",
                "BenchmarkSub/x                                          \t",
                "BenchmarkSub/x-2                                        \t",
            }));
}

TEST(NameColumnTest, GoRunWithCpu1) {
  // -test.cpu=1
  EXPECT_EQ(Columns(kGoBenchmarks, {1}, 1),
            (std::vector<std::string>{
                "BenchmarkA          \t",
                "BenchmarkLongerName \t",
                "BenchmarkSub/short  \t",
                "BenchmarkSub/a_much_longer_sub-benchmark_name         \t",
                "BenchmarkSub/x                                        \t",
            }));
}

TEST(NameColumnTest, GoRunWithCpu12Count2) {
  // -test.cpu=12 -test.count=2
  EXPECT_EQ(Columns(kGoBenchmarks, {12}, 2),
            (std::vector<std::string>{
                "BenchmarkA-12             \t",
                "BenchmarkA-12             \t",
                "BenchmarkLongerName-12    \t",
                "BenchmarkLongerName-12    \t",
                "BenchmarkSub/short-12     \t",
                "BenchmarkSub/short-12     \t",
                "BenchmarkSub/a_much_longer_sub-benchmark_name-12         \t",
                "BenchmarkSub/a_much_longer_sub-benchmark_name-12         \t",
                "BenchmarkSub/x-12                                        \t",
                "BenchmarkSub/x-12                                        \t",
            }));
}

TEST(NameColumnTest, GoRunWithCpu21) {
  // -test.cpu=2,1: the order of the list is kept, the width is the max's.
  std::vector<std::string> got = Columns(kGoBenchmarks, {2, 1}, 1);
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got[0], "BenchmarkA-2            \t");
  EXPECT_EQ(got[1], "BenchmarkA              \t");
}

TEST(NameColumnTest, ResearchCorpusSlack) {
  // research/go-testing.md §3.1 (c09/expected_bench_skip.txt): width 28
  // grows to 37 when BenchmarkSub/nested/deeper (-cpu=4) runs.
  EXPECT_EQ(ExtendNameWidth(28, "BenchmarkSub/nested/deeper", 2), 37);
  EXPECT_EQ(ExtendNameWidth(37, "BenchmarkSub/with_space", 2), 37);
}

TEST(HeaderTest, Lines) {
  // Go 1.26.10, /tmp/gobench: the header of every run above.
  EXPECT_EQ(
      BenchmarkHeader("linux", "amd64", "example.com/gobench", "AMD EPYC"),
      "goos: linux\ngoarch: amd64\npkg: example.com/gobench\n"
      "cpu: AMD EPYC\n");
  EXPECT_EQ(BenchmarkHeader("linux", "arm64", "", ""),
            "goos: linux\ngoarch: arm64\n");
  EXPECT_EQ(Goos(), "linux");
#if defined(__x86_64__)
  EXPECT_EQ(Goarch(), "amd64");
#elif defined(__aarch64__)
  EXPECT_EQ(Goarch(), "arm64");
#endif
}

TEST(CpuNameTest, FromCpuinfo) {
  // The shape of this machine's /proc/cpuinfo (no MHz in the name).
  EXPECT_EQ(CPUNameFromCpuinfo("processor\t: 0\n"
                               "vendor_id\t: AuthenticAMD\n"
                               "cpu family\t: 25\n"
                               "model name\t: AMD EPYC\n"
                               "stepping\t: 1\n"
                               "cpu MHz\t\t: 2445.406\n"),
            "AMD EPYC @ 2445.406MHz");
  // A name that has its frequency keeps it as is.
  EXPECT_EQ(CPUNameFromCpuinfo("model name\t: Intel(R) Core(TM) i7-10700 CPU "
                               "@ 2.90GHz\ncpu MHz\t\t: 2900.000\n"),
            "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz");
  // No MHz line (arm64 kernels): the name alone; "Model Name" spelling too.
  EXPECT_EQ(CPUNameFromCpuinfo("Model Name\t: Foo\r\n"), "Foo");
  EXPECT_EQ(CPUNameFromCpuinfo("processor\t: 0\nBogoMIPS\t: 50.00\n"), "");
  // The value is everything after the first ": ".
  EXPECT_EQ(CPUNameFromCpuinfo("model name\t:  Spaced : name \n"),
            " Spaced : name ");
  // Go reads 512 bytes: a name beyond them is not seen.
  std::string padded(520, 'x');
  padded[519] = '\n';
  EXPECT_EQ(CPUNameFromCpuinfo(padded + "model name\t: Late\n"), "");
  // A last line cut at byte 512 is what Go sees.
  std::string cut(491, '\n');  // + 13 + 8 = 512
  cut += "model name\t: ABCDEFGHIJKLMNOP";
  EXPECT_EQ(CPUNameFromCpuinfo(cut), "ABCDEFGH");
}

TEST(CpuNameTest, ThisMachine) {
  const std::string name = CPUName();
#if defined(__x86_64__)
  // Go prefers CPUID's brand string on x86.
  const std::string brand = CPUIDBrandString();
  if (!brand.empty()) {
    EXPECT_EQ(name, brand);
  }
#endif
  EXPECT_EQ(name, CPUName());  // computed once
  EXPECT_EQ(name.find('\n'), std::string::npos);
}

TEST(PredictNTest, MatchesGo) {
  for (const PredictCase& c : kPredictCases) {
    EXPECT_EQ(PredictN(c.goal_ns, c.prev_iters, c.prev_ns, c.last), c.want)
        << c.goal_ns << " " << c.prev_iters << " " << c.prev_ns << " "
        << c.last;
  }
}

TEST(BenchLauncherTest, DurationRampUp) {
  // research/go-testing.md §3.1: a ~1 ns body goes 1 -> 100 -> 10000 ->
  // 1000000 -> 100000000 -> 1e9-capped.
  BenchLauncher l(BenchTime{absl::Seconds(1), 0});
  std::vector<int64_t> ns;
  int64_t b_n = 1;  // run1
  absl::Duration elapsed = absl::Nanoseconds(1);
  for (int64_t next; (next = l.Next(b_n, elapsed, false)) != 0;) {
    ns.push_back(next);
    b_n = next;
    elapsed = absl::Nanoseconds(next) * 1.09;  // 1.09 ns per iteration
  }
  EXPECT_EQ(ns,
            (std::vector<int64_t>{100, 10000, 1000000, 100000000, 1000000000}));
}

TEST(BenchLauncherTest, SlowBody) {
  // A 1 ms body: 1 -> 100 -> 1200 (1.2x of the 1000 the goal needs).
  BenchLauncher l(BenchTime{absl::Seconds(1), 0});
  EXPECT_EQ(l.Next(1, absl::Milliseconds(1), false), 100);
  EXPECT_EQ(l.Next(100, absl::Milliseconds(100), false), 1200);
  EXPECT_EQ(l.Next(1200, absl::Milliseconds(1200), false), 0);
}

TEST(BenchLauncherTest, StopsOnFailureAndSlowRun1) {
  BenchLauncher failed(BenchTime{absl::Seconds(1), 0});
  EXPECT_EQ(failed.Next(1, absl::Milliseconds(1), true), 0);
  BenchLauncher slow(BenchTime{absl::Seconds(1), 0});
  EXPECT_EQ(slow.Next(1, absl::Seconds(2), false), 0);
}

TEST(BenchLauncherTest, FixedCount) {
  BenchLauncher hundred(BenchTime{absl::Seconds(1), 100});
  EXPECT_EQ(hundred.Next(1, absl::Seconds(5), false), 100);
  EXPECT_EQ(hundred.Next(100, absl::Nanoseconds(1), false), 0);
  // -benchtime=1x: run1 is the result (go.dev/issue/32051).
  BenchLauncher one(BenchTime{absl::Seconds(1), 1});
  EXPECT_EQ(one.Next(1, absl::Nanoseconds(1), false), 0);
}

TEST(BenchLauncherTest, WithParsedBenchtime) {
  // The -benchtime values flag.h parses feed the launcher directly.
  FlagParseResult parsed =
      ParseFlags("prog", {"-test.benchtime=250x"}, /*gomaxprocs=*/2);
  ASSERT_FALSE(parsed.exit_code.has_value()) << parsed.message;
  BenchLauncher l(parsed.flags.benchtime);
  EXPECT_EQ(l.Next(1, absl::Seconds(1), false), 250);
  parsed = ParseFlags("prog", {"-benchtime=10ms"}, 2);
  ASSERT_FALSE(parsed.exit_code.has_value()) << parsed.message;
  BenchLauncher d(parsed.flags.benchtime);
  EXPECT_EQ(d.Next(1, absl::Microseconds(1), false), 100);
  EXPECT_EQ(d.Next(100, absl::Microseconds(100), false), 10000);
  EXPECT_EQ(d.Next(10000, absl::Milliseconds(10), false), 0);
}

TEST(LoopTest, NextTarget) {
  // b.Loop: 1 -> 100 -> ... until the elapsed time reaches the goal.
  EXPECT_EQ(NextLoopTarget(absl::Seconds(1), 1, absl::Nanoseconds(5)), 100);
  EXPECT_EQ(NextLoopTarget(absl::Seconds(1), 100, absl::Microseconds(100)),
            10000);
  EXPECT_EQ(NextLoopTarget(absl::Seconds(1), 100, absl::Seconds(1)), 0);
  // At the 1e9 cap the target cannot grow: done.
  EXPECT_EQ(
      NextLoopTarget(absl::Seconds(1), 1000000000, absl::Milliseconds(500)), 0);
  EXPECT_EQ(
      NextLoopTarget(absl::Seconds(1), 100000000, absl::Milliseconds(100)),
      1000000000);
}

TEST(RunParallelGrainTest, Clamped) {
  EXPECT_EQ(RunParallelGrain(0, absl::ZeroDuration()), 1u);
  EXPECT_EQ(RunParallelGrain(1, absl::Milliseconds(1)), 1u);  // 1 ms/op
  EXPECT_EQ(RunParallelGrain(1000, absl::Microseconds(1000)), 100u);
  EXPECT_EQ(RunParallelGrain(1000000000, absl::Seconds(1)), 10000u);
}

TEST(TrimBenchOutputTest, TenLines) {
  std::string nine;
  for (int i = 0; i < 9; i++) nine += "    b_test.go:1: line\n";
  EXPECT_EQ(TrimBenchOutput(nine), nine);
  // Cut at the 10th newline, even if nothing follows it (as Go does).
  std::string ten = nine + "    b_test.go:1: tenth\n";
  EXPECT_EQ(TrimBenchOutput(ten),
            nine + "    b_test.go:1: tenth\n\t... [output truncated]\n");
  EXPECT_EQ(TrimBenchOutput(ten + "more\nmore\n"),
            nine + "    b_test.go:1: tenth\n\t... [output truncated]\n");
}

}  // namespace
}  // namespace go::testing
