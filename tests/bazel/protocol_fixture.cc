// The test binary the Bazel-protocol tests run: passing, failing, skipped
// tests, subtests with names Go rewrites, a log full of characters XML
// forbids, an example, and tests that hang or exit when the environment asks
// (FIXTURE_HANG, FIXTURE_EXIT) for the timeout, SIGTERM and premature-exit
// paths.

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "testing/testing.h"

namespace {

GO_TEST(TestPass, t) { t->Log("pass log"); }

GO_TEST(TestFail, t) {
  t->Log("before the failure");
  t->Errorf("got %d, want %d", 2, 3);
}

GO_TEST(TestSkip, t) { t->Skip("skipped: needs a network"); }

GO_TEST(TestSubtests, t) {
  t->Run("case one", [](go::testing::T* t) { t->Log("one"); });
  t->Run("case one", [](go::testing::T* t) { t->Log("one again"); });
  t->Run("bad", [](go::testing::T* t) { t->Error("sub failure <&>"); });
  t->Run("nested", [](go::testing::T* t) {
    t->Run("deep", [](go::testing::T* t) { t->Skip("deep skip"); });
  });
}

GO_TEST(TestNasty, t) {
  t->Error(std::string("ctl \x01\x02\x1b[31m nul ") + std::string(1, '\0') +
           " cdata ]]> end, quote \" amp & lt < bad utf8 \xff\xfe done");
}

GO_TEST(TestParallelA, t) {
  t->Parallel();
  t->Log("parallel a");
}

GO_TEST(TestParallelB, t) {
  t->Parallel();
  t->Log("parallel b");
}

GO_TEST(TestX, t) { t->Log("the filtered test"); }

GO_TEST(TestHang, t) {
  if (getenv("FIXTURE_HANG") == nullptr) return;
  t->Log("hanging now");
  for (;;) pause();
}

GO_TEST(TestExit, t) {
  const char* code = getenv("FIXTURE_EXIT");
  if (code == nullptr) return;
  t->Log("exiting");
  exit(atoi(code));
}

GO_EXAMPLE(ExampleHello, "hello\n") { std::cout << "hello\n"; }

}  // namespace
