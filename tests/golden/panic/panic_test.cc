// Golden test: panics (exceptions) in tests, Goexit, exit(0), t.Parallel
// misuse. Twin of tests/golden/go/panic/panic_test.go: same tests, same lines.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "runtime/runtime.h"
#include "testing/testing.h"

using go::testing::T;


GO_TEST(TestBefore, t) { t->Log("runs before the panic"); }

GO_TEST(TestPanics, t) {
  t->Cleanup([] { std::puts("cleanup runs while panicking"); });
  t->Log("about to panic");
  throw std::runtime_error("boom");
}

GO_TEST(TestNestedPanic, t) {
  t->Cleanup([] { std::puts("parent cleanup"); });
  t->Run("sub", [](T* t) {
    t->Run("deeper", [](T* t) {
      t->Log("deep log");
      throw std::runtime_error("deep boom");
    });
  });
}

GO_TEST(TestGoexit, t) {
  t->Log("calling Goexit");
  go::runtime::Goexit();
}

GO_TEST(TestExit0, t) {
  std::exit(0);
}

GO_TEST(TestParallelTwice, t) {
  t->Parallel();
  t->Parallel();
}

GO_TEST(TestSetenvParallel, t) {
  t->Setenv("GOTEST_GOLDEN", "1");
  t->Parallel();
}

GO_TEST(TestAfter, t) { t->Log("never runs"); }
