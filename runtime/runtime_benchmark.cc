// Copyright 2026 The gotest Authors.
//
// Microbenchmarks of the scheduler core, the same shapes as tests/perf's
// side-by-side comparison with Go and Boost.Fiber:
//   BM_SpawnJoin/P    spawn 1e5 goroutines that each signal a countdown, wait
//   BM_Gosched/P      two goroutines yielding to each other
//   BM_RawSwitch      the bare register swap, one way (the floor)
// "cpu_ns" counters are process CPU time per operation (all threads), the
// figure the research notes compare; P is GOMAXPROCS.
//
//   bazel run --config=opt //runtime:runtime_benchmark

#include <time.h>

#include <atomic>
#include <cstdint>

#include "benchmark/benchmark.h"
#include "runtime/context_switch.h"
#include "runtime/runtime.h"
#include "runtime/testing_util.h"

namespace {

using go::runtime::testing::CountDown;

int64_t ProcessCpuNs() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void BM_SpawnJoin(benchmark::State& state) {
  go::runtime::GOMAXPROCS(static_cast<int>(state.range(0)));
  constexpr int kN = 100000;
  int64_t cpu = 0;
  go::runtime::Run([&] {
    // Warm the free lists once, as a steady-state program has them.
    {
      CountDown cd(kN);
      for (int i = 0; i < kN; i++) go::Go([&cd] { cd.Done(); });
      cd.Wait();
    }
    for (auto _ : state) {
      int64_t c0 = ProcessCpuNs();
      CountDown cd(kN);
      for (int i = 0; i < kN; i++) go::Go([&cd] { cd.Done(); });
      cd.Wait();
      cpu += ProcessCpuNs() - c0;
    }
  });
  state.SetItemsProcessed(state.iterations() * kN);
  state.counters["cpu_ns"] =
      static_cast<double>(cpu) / static_cast<double>(state.iterations() * kN);
}
BENCHMARK(BM_SpawnJoin)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Gosched(benchmark::State& state) {
  go::runtime::GOMAXPROCS(static_cast<int>(state.range(0)));
  constexpr int kN = 1000000;
  int64_t cpu = 0;
  go::runtime::Run([&] {
    for (auto _ : state) {
      int64_t c0 = ProcessCpuNs();
      CountDown cd(2);
      for (int g = 0; g < 2; g++) {
        go::Go([&cd] {
          for (int i = 0; i < kN; i++) go::runtime::Gosched();
          cd.Done();
        });
      }
      cd.Wait();
      cpu += ProcessCpuNs() - c0;
    }
  });
  state.SetItemsProcessed(state.iterations() * 2 * kN);
  state.counters["cpu_ns"] = static_cast<double>(cpu) /
                             static_cast<double>(state.iterations() * 2 * kN);
}
BENCHMARK(BM_Gosched)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Two contexts bouncing through go_ctx_switch: one iteration = two switches.
void* g_main_sp;
void* g_peer_sp;
void PeerLoop(void*) {
  for (;;) go_ctx_switch(&g_peer_sp, g_main_sp, nullptr);
}

void BM_RawSwitch(benchmark::State& state) {
  static char stack[64 * 1024] __attribute__((aligned(64)));
  g_peer_sp = go::runtime::internal::MakeContext(stack + sizeof stack,
                                                 &PeerLoop, nullptr);
  int64_t n = 0;
  for (auto _ : state) {
    go_ctx_switch(&g_main_sp, g_peer_sp, nullptr);
    n++;
  }
  state.SetItemsProcessed(n * 2);
  state.counters["ns_per_switch"] = benchmark::Counter(
      static_cast<double>(n * 2),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RawSwitch);

}  // namespace

BENCHMARK_MAIN();
