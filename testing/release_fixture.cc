// Test binary for release_test.sh. Subtest states are freed once they have
// reported, as Go's collector frees a finished test's T: a test that runs
// thousands of subtests must not keep allocations alive for each of them
// (their names, which Go keeps too for its duplicate check, fit in
// std::string's inline buffer here). Run without a JUnit report, which
// keeps a record of every test by design.
#include <cstdint>

#include "runtime/malloc.h"
#include "testing/testing.h"

namespace {

int64_t LiveAllocations() {
  go::runtime::MemStats s = go::runtime::ReadMemStats();
  return static_cast<int64_t>(s.mallocs - s.frees);
}

GO_TEST(TestFree, t) {
  constexpr int kN = 4000;
  auto body = [](go::testing::T* t) { t->Log("buffered, then dropped"); };
  for (int i = 0; i < 100; i++) t->Run("", body);  // caches reach size
  int64_t before = LiveAllocations();
  for (int i = 0; i < kN; i++) t->Run("", body);
  int64_t grown = LiveAllocations() - before;
  t->Logf("%d subtests: %d more live allocations", kN, grown);
  if (grown > kN / 4) {
    t->Errorf(
        "%d finished subtests left %d allocations alive; want their "
        "states freed",
        kN, grown);
  }
}

// Parallel subtests' states are freed by their parent once it has waited
// for them: TestFreeP records the count, TestFreePCheck (run next, in
// registration order) compares. Names stay short ("TestFreeP/#1999").
int64_t g_before_parallel = 0;
constexpr int kParallel = 2000;

GO_TEST(TestFreePWarm, t) {
  for (int i = 0; i < 100; i++) {
    t->Run("", [](go::testing::T* t) { t->Parallel(); });
  }
}

GO_TEST(TestFreeP, t) {
  g_before_parallel = LiveAllocations();
  for (int i = 0; i < kParallel; i++) {
    t->Run("", [](go::testing::T* t) {
      t->Parallel();
      t->Log("buffered, then dropped");
    });
  }
}

GO_TEST(TestFreePCheck, t) {
  int64_t grown = LiveAllocations() - g_before_parallel;
  t->Logf("%d parallel subtests: %d more live allocations", kParallel, grown);
  if (grown > kParallel / 4) {
    t->Errorf(
        "%d finished parallel subtests left %d allocations alive; want "
        "their states freed",
        kParallel, grown);
  }
}

}  // namespace
