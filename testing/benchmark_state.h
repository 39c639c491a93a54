// The harness's state of one benchmark (Go's testing.B fields beyond
// common) and of one run of the benchmarks (Go's benchState), shared by the
// benchmark driver (benchmark.cc) and RunParallel (benchmark_parallel.cc).
// Not for users: testing.h is the API.

#ifndef GOTEST_TESTING_BENCHMARK_STATE_H_
#define GOTEST_TESTING_BENCHMARK_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "testing/benchmark_format.h"
#include "testing/flag.h"
#include "testing/match.h"
#include "testing/registry.h"
#include "testing/state.h"
#include "testing/testing.h"

namespace go::testing::internal {

// Go's benchState: the -bench matcher and the name column's width.
struct BenchContext {
  std::unique_ptr<Matcher> match;
  int max_len = 0;  // the name column's width
  int ext_len = 0;  // the length of the largest -cpu suffix
  std::vector<int> cpus;
  uint64_t count = 1;
};

// One benchmark or sub-benchmark; `Main` (the root) has no function of its
// own but runs the top-level benchmarks as its sub-benchmarks. The State
// part is what common's methods use (name, output, failed, cleanups, ...):
// `bench` is set, and `done` stays false, as in Go.
struct BenchState : State {
  BenchState();
  ~BenchState();

  B b;  // the user's handle: b.state_ == this

  BenchContext* bctx = nullptr;
  BenchFn fn{};
  BenchTime benchtime;

  int64_t previous_n = 0;         // iterations of the previous runN
  int64_t previous_duration = 0;  // its timed ns
  int64_t bytes = 0;              // SetBytes
  bool missing_bytes = false;
  bool timer_on = false;
  bool show_alloc_result = false;
  int parallelism = 1;
  uint64_t start_allocs = 0;
  uint64_t start_bytes = 0;
  uint64_t net_allocs = 0;
  uint64_t net_bytes = 0;
  // ReportMetric values, in call order; reserved up front so that reporting
  // (short units) does not allocate in the timed region.
  std::vector<std::pair<std::string, double>> extra;
  bool loop_done = false;  // Loop returned false
  BenchmarkResult result;

  void StartTimer();
  void StopTimer();
  void ResetTimer();
  int64_t Elapsed() const;  // ns

  // Go's runN, run1, run/processBench, doBench/launch and add.
  void RunN(int64_t n);
  bool Run1();
  void RunAll();
  void DoBench();
  void Add(const BenchmarkResult& other);
};

// Go's runBenchmarks: runs the benchmarks that -bench selects (none when it
// is empty) for each value of `cpus` and -count. Returns false if one failed.
bool RunBenchmarks(const std::vector<BenchmarkEntry>& benchmarks,
                   const std::vector<int>& cpus);

// Go's benchmarkLock: one benchmark runs at a time.
void LockBenchmarks();
void UnlockBenchmarks();

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_BENCHMARK_STATE_H_
