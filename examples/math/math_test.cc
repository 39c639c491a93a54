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

}  // namespace
}  // namespace examples::math
