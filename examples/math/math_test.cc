// Tests for examples/math. Written with GoogleTest until the testing package
// (GO_TEST, issue "The testing package") lands; they then move to GO_TEST.
#include "examples/math/math.h"

#include <gtest/gtest.h>

namespace examples::math {
namespace {

TEST(Math, Add) {
  EXPECT_EQ(Add(1, 2), 3);
  EXPECT_EQ(Add(-1, -2), -3);
}

TEST(Math, Gcd) {
  struct Case {
    int64_t a, b, want;
  };
  for (const Case& c :
       {Case{12, 18, 6}, Case{-12, 18, 6}, Case{7, 0, 7}, Case{0, 0, 0}}) {
    EXPECT_EQ(Gcd(c.a, c.b), c.want) << "Gcd(" << c.a << ", " << c.b << ")";
  }
}

TEST(Math, Fib) {
  EXPECT_EQ(Fib(0), 0u);
  EXPECT_EQ(Fib(1), 1u);
  EXPECT_EQ(Fib(10), 55u);
  EXPECT_EQ(Fib(90), 2880067194370816120u);
}

}  // namespace
}  // namespace examples::math
