// Golden test: examples. Twin of tests/golden/go/examples/examples_test.go.
#include <iostream>
#include <stdexcept>

#include "testing/testing.h"

GO_TEST(TestFirst, t) {}

GO_EXAMPLE(ExamplePass, "hello\n  world\n") {
  std::cout << "hello\n";
  std::cout << "  world  \n";
}

GO_EXAMPLE(ExampleFail, "wanted that\n") { std::cout << "got this\n"; }

GO_EXAMPLE_UNORDERED(ExampleUnordered, "a\nb\nc\n") {
  std::cout << "b\n";
  std::cout << "a\n";
  std::cout << "c\n";
}

GO_EXAMPLE_UNORDERED(ExampleUnorderedFail, "y\nz\n") {
  std::cout << "x\n";
  std::cout << "y\n";
}

GO_EXAMPLE(ExampleEmpty, "") {}

GO_EXAMPLE(ExampleNotRun) { throw std::runtime_error("compiled only"); }
