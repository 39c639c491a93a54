// Package math is a small example library: what a gotest user tests.
#ifndef GOTEST_EXAMPLES_MATH_MATH_H_
#define GOTEST_EXAMPLES_MATH_MATH_H_

#include <cstdint>

namespace examples::math {

// Add returns a + b.
int Add(int a, int b);

// Gcd returns the greatest common divisor of |a| and |b|; Gcd(0, 0) is 0.
int64_t Gcd(int64_t a, int64_t b);

// Fib returns the n-th Fibonacci number (Fib(0) = 0, Fib(1) = 1) for n >= 0.
uint64_t Fib(int n);

}  // namespace examples::math

#endif  // GOTEST_EXAMPLES_MATH_MATH_H_
