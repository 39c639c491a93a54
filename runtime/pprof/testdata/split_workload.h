// Copyright 2026 The gotest Authors.
//
// The attribution workload shared by cpuprof_accuracy_test and
// pprof_workload: workers that alternate between two CPU-bound functions,
// PprofHotA (~70% of the CPU) and PprofHotB (~30%), timing every call with
// the thread's own CPU clock so the true split is known in the same run.
//
// Round lengths are random (0.1-2.5 ms): a periodic workload can lock in
// phase with the tick-driven CPU timers and bias any sampling profiler by
// 10 points (research/profiling.md §1a, pitfall 3); the measured split is
// the reference either way. The functions take different constants so
// identical-code folding cannot merge them.

#ifndef GOTEST_RUNTIME_PPROF_TESTDATA_SPLIT_WORKLOAD_H_
#define GOTEST_RUNTIME_PPROF_TESTDATA_SPLIT_WORKLOAD_H_

#include <time.h>

#include <atomic>
#include <cstdint>

namespace pprof_workload {

inline int64_t ThreadCPUNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline std::atomic<uint64_t> g_sink{0};

__attribute__((noipa)) uint64_t PprofHotA(uint64_t n, uint64_t x) {
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

__attribute__((noipa)) uint64_t PprofHotB(uint64_t n, uint64_t x) {
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 5;
    x ^= x >> 9;
    x ^= x << 23;
  }
  return x;
}

struct Split {
  int64_t a_ns = 0;
  int64_t b_ns = 0;
};

// Runs `rounds` rounds of PprofHotA(7k) + PprofHotB(3k) with k random per
// round; adds the CPU time of each side to *split.
__attribute__((noinline)) inline void PprofWorker(int rounds, uint64_t seed,
                                                  uint64_t unit, Split* split) {
  uint64_t x = seed | 1, r = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (int i = 0; i < rounds; i++) {
    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    uint64_t k = unit / 10 + r % (unit * 2);  // mean ~1.05 unit
    int64_t t0 = ThreadCPUNanos();
    x = PprofHotA(7 * k, x);
    int64_t t1 = ThreadCPUNanos();
    x = PprofHotB(3 * k, x);
    int64_t t2 = ThreadCPUNanos();
    split->a_ns += t1 - t0;
    split->b_ns += t2 - t1;
  }
  g_sink.fetch_add(x, std::memory_order_relaxed);
}

}  // namespace pprof_workload

#endif  // GOTEST_RUNTIME_PPROF_TESTDATA_SPLIT_WORKLOAD_H_
