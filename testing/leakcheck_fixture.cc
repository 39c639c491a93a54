// Test binary for leakcheck_test.sh: one test leaks a goroutine, one starts a
// goroutine that ends in time, one stops the leaked goroutine.
#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/runtime.h"
#include "testing/testing.h"

namespace {

std::atomic<bool> stop{false};

void Spin() {
  while (!stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    go::runtime::Gosched();
  }
}

GO_TEST(TestLeaks, t) {
  go::Go([] { Spin(); });
}

GO_TEST(TestFinishesInTime, t) {
  std::atomic<bool> done{false};
  go::Go([&done] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    done = true;
  });
  while (!done.load()) go::runtime::Gosched();
}

GO_TEST(TestLeaksFromSubtest, t) {
  t->Run("sub", [](go::testing::T*) { go::Go([] { Spin(); }); });
}

GO_TEST(TestStopsThem, t) { stop = true; }

}  // namespace
