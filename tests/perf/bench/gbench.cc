// Google Benchmark's side of tests/perf/bench/compare.py: the same chain and
// empty body as ours.cc and go/bench_test.go. With $GBENCH_ITERATIONS set,
// each runs exactly that many iterations (for the CPU-time-per-op figure).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>

namespace {

uint64_t sink = 0;

inline uint64_t Chain(uint64_t x) {
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull;
  return x;
}

void BM_Chain(benchmark::State& state) {
  uint64_t x = sink + 1;
  for (auto _ : state) x = Chain(x);
  sink = x;
}

void BM_Empty(benchmark::State& state) {
  for (auto _ : state) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* iters = std::getenv("GBENCH_ITERATIONS");
  for (auto [name, fn] :
       {std::pair{"BM_Chain", &BM_Chain}, std::pair{"BM_Empty", &BM_Empty}}) {
    benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(name, fn);
    if (iters != nullptr) b->Iterations(std::strtoll(iters, nullptr, 10));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
