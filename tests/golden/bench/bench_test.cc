// Golden test: benchmarks (GO_BENCHMARK, B, PB) and their output shape.
// Twin of tests/golden/go/bench/bench_test.go: same benchmarks, same lines.
#include <cstdint>
#include <string>
#include <vector>

#include "testing/testing.h"

namespace {

// (the lines match the Go twin's)
uint64_t sink = 0;
std::vector<char> sinkBytes;

uint64_t chain(uint64_t x, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    x = x * 2862933555777941757ull + 3037000493ull;
  }
  return x;
}

GO_TEST(TestBeforeBenchmarks, t) {
  t->Log("tests run before benchmarks");
}

GO_BENCHMARK(BenchmarkPlain, b) {
  sink = chain(sink, b->N);
}

GO_BENCHMARK(BenchmarkLoop, b) {
  uint64_t x = sink;
  while (b->Loop()) {
    x = chain(x, 1);
  }
  sink = x;
}

GO_BENCHMARK(BenchmarkSub, b) {
  for (int n : {1, 10}) {
    b->Run("size=" + std::to_string(n), [n](go::testing::B* b) {
      for (int64_t i = 0; i < b->N; i++) {
        sink = chain(sink, n);
      }
    });
  }
  b->Run("with space", [](go::testing::B* b) {
    sink = chain(sink, b->N);
  });
}

GO_BENCHMARK(BenchmarkAllocs, b) {
  b->ReportAllocs();
  for (int64_t i = 0; i < b->N; i++) {
    sinkBytes = std::vector<char>(64);
    sink++;
  }
}

GO_BENCHMARK(BenchmarkBytes, b) {
  b->SetBytes(1024);
  for (int64_t i = 0; i < b->N; i++) {
    sink = chain(sink, 16);
  }
}

GO_BENCHMARK(BenchmarkMetric, b) {
  sink = chain(sink, b->N);
  b->ReportMetric(42, "widgets/op");
  b->ReportMetric(3.14159, "pi");
  b->ReportMetric(123456789, "big");
  b->ReportMetric(0.000123, "small/op");
}

GO_BENCHMARK(BenchmarkNoNsOp, b) {
  sink = chain(sink, b->N);
  b->ReportMetric(0, "ns/op");
  b->ReportMetric(7, "custom/op");
}

GO_BENCHMARK(BenchmarkParallel, b) {
  b->RunParallel([b](go::testing::PB* pb) {
    uint64_t x = 1;
    while (pb->Next()) {
      x = chain(x, 1);
    }
    if (x == 0) {
      b->Log("never");
    }
  });
}

GO_BENCHMARK(BenchmarkFail, b) {
  b->Log("about to fail");
  b->Error("benchmark failed");
}

GO_BENCHMARK(BenchmarkFatalAfterN, b) {
  if (b->N > 1) {
    b->Fatal("fails on the timed run");
  }
}

GO_BENCHMARK(BenchmarkSkip, b) {
  b->Skip("skipping this benchmark");
}

GO_BENCHMARK(BenchmarkLog, b) {
  if (b->N == 1) {
    b->Log("logged on the probe run");
  }
  sink = chain(sink, b->N);
}

GO_BENCHMARK(BenchmarkTimer, b) {
  b->StopTimer();
  sink = chain(sink, 1000);
  b->StartTimer();
  sink = chain(sink, b->N);
  b->ResetTimer();
  sink = chain(sink, b->N);
}

GO_BENCHMARK(BenchmarkSubSkip, b) {
  b->Run("skipped", [](go::testing::B* b) {
    b->Skip("sub skipped");
  });
  b->Run("runs", [](go::testing::B* b) {
    sink = chain(sink, b->N);
  });
}

GO_BENCHMARK(BenchmarkIgnoresN, b) {
  sink = chain(sink, 1);
}

}  // namespace
