#include "examples/math/math.h"

#include <cstdlib>

namespace examples::math {

int Add(int a, int b) { return a + b; }

int64_t Gcd(int64_t a, int64_t b) {
  a = std::llabs(a);
  b = std::llabs(b);
  while (b != 0) {
    int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

uint64_t Fib(int n) {
  uint64_t a = 0, b = 1;
  for (int i = 0; i < n; i++) {
    uint64_t next = a + b;
    a = b;
    b = next;
  }
  return a;
}

}  // namespace examples::math
