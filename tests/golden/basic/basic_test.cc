// Golden test: basic pass/fail/skip/log/fatal/helper/cleanup behaviour.
// Twin of tests/golden/go/basic/basic_test.go: same tests, same lines.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include "runtime/context.h"

#include "testing/testing.h"

namespace {

GO_TEST(TestPass, t) {
  t->Log("passing test log");
}

GO_TEST(TestFail, t) {
  t->Error("first error");
  t->Errorf("formatted %d %s", 42, "words");
  t->Log("multi\nline\nlog");
}

GO_TEST(TestSkip, t) {
  t->Skip("skipping for a reason");
}

GO_TEST(TestFailThenSkip, t) {
  t->Error("failed first");
  t->Skip("then skipped");
}

GO_TEST(TestLogValues, t) {
  t->Log("a", 1, true, nullptr, 0.1, 1e6, -2.5);
  t->Logf("%v|%d|%5.2f|%s", 7, -3, 3.14159, "\"hi\"");
  t->Log("trailing newline\n");
  t->Log("");
  t->Fail();
}

GO_TEST(TestFatal, t) {
  struct Deferred { ~Deferred() { std::puts("deferred print runs"); } } deferred;
  t->Fatal("fatal stops the test");
  t->Log("not reached");
}

void check(go::testing::T* t, int got, int want) {
  t->Helper();
  if (got != want) {
    t->Errorf("got %d, want %d", got, want);
  }
}

void checkTwice(go::testing::T* t, int v) {
  t->Helper();
  check(t, v, 1);
  check(t, v, 2);
}

GO_TEST(TestHelper, t) {
  check(t, 1, 2);
  checkTwice(t, 3);
}

GO_TEST(TestCleanupOrder, t) {
  t->Cleanup([] { std::puts("cleanup 1"); });
  t->Cleanup([] { std::puts("cleanup 2"); });
  t->Cleanup([t] { t->Log("cleanup logs"); });
  std::puts("test body");
  t->Error("fail so logs show");
}

GO_TEST(TestStdout, t) {
  std::puts("printed to stdout");
}

GO_TEST(TestContext, t) {
  go::context::Context ctx = t->Context();
  if (!ctx.Err().ok()) {
    t->Error("canceled early");
  }
  t->Cleanup([t, ctx] { t->Log("in cleanup:", std::string(ctx.Err().message())); });
  t->Fail();
}

std::string lastDir;

GO_TEST(TestEnvAndDirs, t) {
  std::string dir = t->TempDir();
  lastDir = dir;
  t->Setenv("GOLDEN_VAR", "set");
  t->Chdir(dir);
  if (std::string(getenv("GOLDEN_VAR")) != "set") {
    t->Error("Setenv did not set");
  }
  if (std::string wd = std::filesystem::current_path(); wd != dir) {
    t->Errorf("Chdir: in %s", wd);
  }
  if (std::string(getenv("PWD")) != dir) {
    t->Error("PWD not set");
  }
}

GO_TEST(TestEnvRestored, t) {
  if (getenv("GOLDEN_VAR") != nullptr) {
    t->Error("GOLDEN_VAR still set");
  }
  if (std::filesystem::exists(lastDir)) {
    t->Error("TempDir not removed");
  }
}

}  // namespace
