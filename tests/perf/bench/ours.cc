// Our side of tests/perf/bench/compare.py: the dependent-arithmetic chain and
// the empty body, each in b->N style and in b->Loop() style. The arithmetic
// is go/bench_test.go's and gbench.cc's, step for step.
#include <cstdint>

#include "testing/testing.h"

namespace {

uint64_t sink = 0;

// Five xor-shift-multiply steps, each needing the previous result (about 5
// cycles a step): nothing to fold, vectorize or run in parallel.
inline uint64_t Chain(uint64_t x) {
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  return x;
}

GO_BENCHMARK(BenchmarkChain, b) {
  uint64_t x = sink + 1;
  for (int64_t i = 0; i < b->N; i++) x = Chain(x);
  sink = x;
}

GO_BENCHMARK(BenchmarkChainLoop, b) {
  uint64_t x = sink + 1;
  while (b->Loop()) x = Chain(x);
  sink = x;
}

// The optimizer deletes this loop (as it does Google Benchmark's): what is
// left to measure is the harness's own cost.
GO_BENCHMARK(BenchmarkEmpty, b) {
  for (int64_t i = 0; i < b->N; i++) {
  }
}

// Loop() is an optimization barrier: the empty body runs N times.
GO_BENCHMARK(BenchmarkEmptyLoop, b) {
  while (b->Loop()) {
  }
}

}  // namespace
