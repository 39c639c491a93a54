// The cost of counting: malloc+free pairs through the interposer (counting,
// sampling at Go's default rate) against glibc's own entry points called
// directly (__libc_malloc/__libc_free), in one binary, one thread and two.
//
//   bazel run -c opt //runtime:malloc_benchmark
#include <stdlib.h>

#include <cstddef>

#include "benchmark/benchmark.h"
#include "runtime/malloc.h"

extern "C" {
void* __libc_malloc(size_t size);
void __libc_free(void* ptr);
}

namespace {

void BM_LibcMallocFree(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = __libc_malloc(size);
    benchmark::DoNotOptimize(p);
    __libc_free(p);
  }
}
BENCHMARK(BM_LibcMallocFree)->Arg(16)->Arg(64)->Arg(1024)->ThreadRange(1, 2);

void BM_MallocFree(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = malloc(size);
    benchmark::DoNotOptimize(p);
    free(p);
  }
}
BENCHMARK(BM_MallocFree)->Arg(16)->Arg(64)->Arg(1024)->ThreadRange(1, 2);

void BM_MallocFreeNoSampling(benchmark::State& state) {
  if (state.thread_index() == 0) go::runtime::SetMemProfileRate(0);
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = malloc(size);
    benchmark::DoNotOptimize(p);
    free(p);
  }
  if (state.thread_index() == 0) {
    go::runtime::SetMemProfileRate(go::runtime::kDefaultMemProfileRate);
  }
}
BENCHMARK(BM_MallocFreeNoSampling)->Arg(64);

void BM_NewDelete(benchmark::State& state) {
  for (auto _ : state) {
    char* p = new char[64];
    benchmark::DoNotOptimize(p);
    delete[] p;
  }
}
BENCHMARK(BM_NewDelete)->ThreadRange(1, 2);

void BM_ReadMemStats(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(go::runtime::ReadMemStats());
  }
}
BENCHMARK(BM_ReadMemStats);

}  // namespace

BENCHMARK_MAIN();
