// Golden test: -timeout. Twin of tests/golden/go/timeout/timeout_test.go.
#include <chrono>
#include <optional>
#include <thread>

#include "absl/time/time.h"
#include "testing/testing.h"

GO_TEST(TestFast, t) {}

GO_TEST(TestSlow, t) {
  t->Log("sleeping past the timeout");
  std::this_thread::sleep_for(std::chrono::seconds(5));
}

GO_TEST(TestDeadline, t) {
  if (!t->Deadline().has_value()) {
    t->Error("no deadline");
  }
}
