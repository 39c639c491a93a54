// Copyright 2026 The gotest Authors.
//
// Attribution accuracy of the CPU profiler: goroutines and a plain thread
// spend ~70%/30% of their CPU in PprofHotA/PprofHotB; the profile's split of
// those two functions must be within 3 percentage points of the split the
// threads' own CPU clocks measured in the same run.
//
// The profiler's default clock, task-clock perf events, is what this
// measures (cpuprof.cc says why CPU timers cannot meet it everywhere).
//
// Sampling error is binomial: with N samples the share's standard deviation
// is sqrt(p(1-p)/N), 1.4 points at N = 1000. The test samples at 250 Hz (the
// kernel's tick rate here, so each sample is still an independent tick) for
// about 10 CPU-seconds: N ~ 2500, sigma ~ 0.9 points, and 3 points is more
// than three sigmas. Go's default 100 Hz is measured by the perf script
// (tests/perf/pprof) over longer runs.

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/pprof/cpuprof.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/pprof_test_util.h"
#include "runtime/pprof/testdata/split_workload.h"
#include "runtime/runtime.h"

namespace go::pprof {
namespace {

namespace pb = ::perftools::profiles;
using testing::Decode;
using testing::View;

TEST(CPUProfileAccuracy, SeventyThirtyWithinThreePoints) {
  constexpr int kGoroutines = 4;
  constexpr int kRounds = 1400;  // per worker, ~1.5 ms each
  constexpr uint64_t kUnit = 130000;
  std::vector<pprof_workload::Split> splits(kGoroutines + 1);

  SetCPUProfileRate(250);
  std::ostringstream out;
  ASSERT_TRUE(StartCPUProfile(out).ok());
  std::thread plain([&] {
    pprof_workload::PprofWorker(kRounds, 99, kUnit, &splits[kGoroutines]);
  });
  int rc = go::runtime::Run([&] {
    auto done = go::MakeChan<int>(kGoroutines);
    for (int g = 0; g < kGoroutines; g++) {
      go::Go([&, g, done]() mutable {
        pprof_workload::PprofWorker(kRounds, g + 1, kUnit, &splits[g]);
        done.Send(1);
      });
    }
    for (int g = 0; g < kGoroutines; g++) done.Recv();
    return 0;
  });
  plain.join();
  ASSERT_TRUE(StopCPUProfile().ok());
  SetCPUProfileRate(100);
  ASSERT_EQ(rc, 0);

  int64_t true_a = 0, true_b = 0;
  for (const auto& s : splits) {
    true_a += s.a_ns;
    true_b += s.b_ns;
  }
  double true_share = 100.0 * true_a / (true_a + true_b);

  pb::Profile p = Decode(out.str());
  View v(p);
  int64_t a = 0, b = 0, total = 0;
  for (const auto& s : p.sample()) {
    total += s.value(0);
    std::vector<std::string> stack = v.Stack(s);
    if (stack.empty()) continue;
    if (stack[0] == "pprof_workload::PprofHotA") a += s.value(0);
    if (stack[0] == "pprof_workload::PprofHotB") b += s.value(0);
  }
  ASSERT_GT(a + b, 1000) << "too few samples: " << a + b;
  double share = 100.0 * a / (a + b);
  internal::CPUProfileStats st = internal::LastCPUProfileStats();
  std::printf(
      "true PprofHotA share %.2f%%, profiled %.2f%% (%+.2f points); samples "
      "%lld in hot functions, %lld total, %lld signals, %lld lost, %lld "
      "threads; measured hot CPU %.2fs, profiled %.2fs; clock %s\n",
      true_share, share, share - true_share, static_cast<long long>(a + b),
      static_cast<long long>(total), static_cast<long long>(st.signals),
      static_cast<long long>(st.lost), static_cast<long long>(st.threads),
      (true_a + true_b) / 1e9, (a + b) * 0.004, st.clock);
  if (std::string(st.clock) == "cpu-timer") {
    // The fallback, where perf_event_open is refused: the kernel checks CPU
    // timers only at ticks, and with more busy threads than CPUs that biases
    // the split by several points (Go's profiler too). Not what this checks.
    GTEST_SKIP() << "perf_event_open refused here; CPU timers measured "
                 << share - true_share << " points off";
  }
  EXPECT_NEAR(share, true_share, 3.0);
  // Per-thread timers count every thread's CPU: the hot functions' samples
  // add up to their measured CPU time (within 10%).
  EXPECT_NEAR((a + b) * 4e6, static_cast<double>(true_a + true_b),
              0.1 * (true_a + true_b));
  EXPECT_EQ(st.lost, 0);
}

}  // namespace
}  // namespace go::pprof
