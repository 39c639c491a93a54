// Benchmarks with known behaviour for benchmark_test.sh, which runs this
// binary with Go's benchmark flags and checks the lines it prints:
// allocation counts, iteration counts, sub-benchmark names, failures.

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "runtime/runtime.h"
#include "testing/testing.h"

namespace {

// One allocation per iteration of each kind, of a known size.
GO_BENCHMARK(BenchmarkAllocNew, b) {
  for (int64_t i = 0; i < b->N; i++) {
    char* p = new char[64];
    go::testing::DoNotOptimize(p);
    delete[] p;
  }
}

GO_BENCHMARK(BenchmarkAllocMalloc, b) {
  for (int64_t i = 0; i < b->N; i++) {
    void* p = malloc(100);
    go::testing::DoNotOptimize(p);
    free(p);
  }
}

// 100 characters: one allocation of capacity + 1 = 101 bytes.
GO_BENCHMARK(BenchmarkAllocString, b) {
  for (int64_t i = 0; i < b->N; i++) {
    std::string s(100, 'x');
    go::testing::DoNotOptimize(s);
  }
}

// 1000 push_backs: capacities 1, 2, 4, ..., 1024: 11 allocations of
// 4 * 2047 = 8188 bytes.
GO_BENCHMARK(BenchmarkAllocVector, b) {
  for (int64_t i = 0; i < b->N; i++) {
    std::vector<int> v;
    for (int j = 0; j < 1000; j++) v.push_back(j);
    go::testing::DoNotOptimize(v);
  }
}

// ReportAllocs without -benchmem; the allocation before the loop is not
// counted (ResetTimer).
GO_BENCHMARK(BenchmarkAllocReport, b) {
  b->ReportAllocs();
  std::vector<char> setup(1 << 20);
  go::testing::DoNotOptimize(setup);
  b->ResetTimer();
  for (int64_t i = 0; i < b->N; i++) {
    int* p = new int(1);
    go::testing::DoNotOptimize(p);
    delete p;
  }
}

// Every iteration the harness asked for, over all calls.
int64_t g_total_iterations = 0;

GO_BENCHMARK(BenchmarkIterations, b) {
  for (int64_t i = 0; i < b->N; i++) g_total_iterations++;
  b->ReportMetric(static_cast<double>(g_total_iterations), "total");
}

int64_t g_loop_calls = 0;

GO_BENCHMARK(BenchmarkLoop, b) {
  g_loop_calls++;
  usleep(20000);  // setup: not measured
  int64_t iterations = 0;
  while (b->Loop()) iterations++;
  b->ReportMetric(static_cast<double>(iterations), "iters");
  b->ReportMetric(static_cast<double>(g_loop_calls), "calls");
}

GO_BENCHMARK(BenchmarkLoopBreak, b) {
  while (b->Loop()) break;
}

// Pausing the timer inside a Loop loop keeps the iteration count exact.
GO_BENCHMARK(BenchmarkLoopPaused, b) {
  int64_t iterations = 0;
  while (b->Loop()) {
    if (++iterations % 7 == 0) {
      b->StopTimer();
      b->StartTimer();
    }
  }
  b->ReportMetric(static_cast<double>(iterations), "iters");
}

GO_BENCHMARK(BenchmarkLoopStopped, b) {
  b->StopTimer();
  while (b->Loop()) {
  }
}

// RunParallel: the bodies together run exactly N iterations.
GO_BENCHMARK(BenchmarkParallelCount, b) {
  std::atomic<int64_t> count{0};
  std::atomic<int> bodies{0};
  b->RunParallel([&](go::testing::PB* pb) {
    bodies++;
    int64_t local = 0;
    while (pb->Next()) local++;
    count += local;
  });
  b->ReportMetric(static_cast<double>(count.load()), "count");
  b->ReportMetric(static_cast<double>(bodies.load()), "bodies");
}

GO_BENCHMARK(BenchmarkParallelSetParallelism, b) {
  std::atomic<int> bodies{0};
  b->SetParallelism(3);
  b->RunParallel([&](go::testing::PB& pb) {
    bodies++;
    while (pb.Next()) {
    }
  });
  b->ReportMetric(static_cast<double>(bodies.load()), "bodies");
}

GO_BENCHMARK(BenchmarkParallelNoNext, b) {
  b->RunParallel([](go::testing::PB*) {});
}

// A CPU-bound body (a dependent chain of multiply-adds) for the -cpu=1,2
// throughput comparison.
uint64_t Chain(uint64_t x, int n) {
  for (int i = 0; i < n; i++)
    x = x * 6364136223846793005u + 1442695040888963407u;
  return x;
}

GO_BENCHMARK(BenchmarkParallelCPU, b) {
  b->RunParallel([](go::testing::PB* pb) {
    uint64_t x = 1;
    while (pb->Next()) x = Chain(x, 200);
    go::testing::DoNotOptimize(x);
  });
}

GO_BENCHMARK(BenchmarkEmpty, b) {
  for (int64_t i = 0; i < b->N; i++) {
  }
}

GO_BENCHMARK(BenchmarkEmptyLoop, b) {
  while (b->Loop()) {
  }
}

// Never looks at N: each call takes about 1 ms whatever N is.
GO_BENCHMARK(BenchmarkIgnoresN, b) { usleep(1000); }

GO_BENCHMARK(BenchmarkSub, b) {
  b->Run("small", [](go::testing::B* b) {
    for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(i);
  });
  b->Run("with space", [](go::testing::B* b) {
    for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(i);
  });
  b->Run("nested", [](go::testing::B* b) {
    b->Run("deeper", [](go::testing::B* b) {
      for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(i);
    });
  });
}

GO_BENCHMARK(BenchmarkBytes, b) {
  b->SetBytes(1024);
  char buf[1024];
  for (int64_t i = 0; i < b->N; i++) {
    for (char& c : buf) c = static_cast<char>(i);
    go::testing::DoNotOptimize(buf);
  }
}

GO_BENCHMARK(BenchmarkMetric, b) {
  for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(i);
  b->ReportMetric(0, "ns/op");
  b->ReportMetric(42, "widgets/op");
  b->ReportMetric(7, "allocs/op");
}

GO_BENCHMARK(BenchmarkTimerStopped, b) {
  for (int64_t i = 0; i < b->N; i++) {
    b->StopTimer();
    usleep(1000);
    b->StartTimer();
  }
  b->ReportMetric(static_cast<double>(b->Elapsed() / absl::Microseconds(1)) /
                      static_cast<double>(b->N),
                  "us/op");
}

GO_BENCHMARK(BenchmarkLogs, b) {
  b->Log("called with N =", b->N);
  for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(i);
}

GO_BENCHMARK(BenchmarkFails, b) {
  if (b->N > 1) b->Fatalf("failed at N=%d", b->N);
}

GO_BENCHMARK(BenchmarkSkips, b) { b->Skip("not today"); }

GO_BENCHMARK(BenchmarkCleanup, b) {
  b->Cleanup([b] { b->Log("cleanup at N =", b->N); });
  for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(i);
}

GO_TEST(TestRunsFirst, t) { t->Log("test ran"); }

}  // namespace
