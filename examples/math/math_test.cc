// Tests for examples/math, written as a Go programmer would write them.
#include "examples/math/math.h"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "testing/testing.h"

namespace examples::math {
namespace {

using go::testing::T;

GO_TEST(TestAdd, t) {
  struct Case {
    std::string name;
    int a, b, want;
  };
  for (const Case& c : std::vector<Case>{
           {"small", 1, 2, 3}, {"negative", -1, -2, -3}, {"zero", 0, 0, 0}}) {
    t->Run(c.name, [c](T* t) {
      t->Parallel();
      if (int got = Add(c.a, c.b); got != c.want) {
        t->Errorf("Add(%d, %d) = %d; want %d", c.a, c.b, got, c.want);
      }
    });
  }
}

GO_TEST(TestGcd, t) {
  struct Case {
    int64_t a, b, want;
  };
  for (const Case& c :
       {Case{12, 18, 6}, Case{-12, 18, 6}, Case{7, 0, 7}, Case{0, 0, 0}}) {
    if (int64_t got = Gcd(c.a, c.b); got != c.want) {
      t->Errorf("Gcd(%d, %d) = %d; want %d", c.a, c.b, got, c.want);
    }
  }
}

GO_TEST(TestFib, t) {
  const uint64_t want[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55};
  for (int n = 0; n <= 10; n++) {
    if (Fib(n) != want[n])
      t->Fatalf("Fib(%d) = %d; want %d", n, Fib(n), want[n]);
  }
  if (uint64_t got = Fib(90); got != 2880067194370816120u) {
    t->Errorf("Fib(90) = %d", got);
  }
}

GO_EXAMPLE(ExampleGcd, "6\n") { std::cout << Gcd(12, 18) << "\n"; }

// b.N style: the function is called with N = 1, 100, ... until a run takes
// -benchtime. DoNotOptimize keeps the unused result (and the call) alive.
GO_BENCHMARK(BenchmarkGcd, b) {
  for (int64_t i = 0; i < b->N; i++) {
    go::testing::DoNotOptimize(Gcd(832040 + i, 514229));
  }
}

// b.Loop style with sub-benchmarks: one per input size, named n=10 ...
GO_BENCHMARK(BenchmarkFib, b) {
  for (int n : {10, 40, 90}) {
    b->Run("n=" + std::to_string(n), [n](go::testing::B* b) {
      int arg = n;
      while (b->Loop()) {
        go::testing::DoNotOptimize(arg);  // not a constant to fold
        go::testing::DoNotOptimize(Fib(arg));
      }
    });
  }
}

}  // namespace
}  // namespace examples::math
