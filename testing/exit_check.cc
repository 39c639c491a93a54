// exit(0) while tests run is a failure, not a silent pass (Go 1.17+, with
// cmd/go's -test.paniconexit0): "panic: unexpected call to os.Exit(0) during
// test". The program's exit() is interposed: while the tests run, exit(0)
// panics (on a test goroutine that is the test's panic, with its "--- FAIL"
// lines); any other call goes to the C library's exit.

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "runtime/panic.h"
#include "testing/junit.h"
#include "testing/state.h"

namespace go::testing::internal {
void InstallExitCheck() {}
}  // namespace go::testing::internal

extern "C" [[noreturn]] void exit(int code) {
  using go::testing::internal::G;
  if (code == 0 && G().tests_running.load()) {
    G().tests_running.store(false);
    // exit is noexcept: this goes straight to std::terminate, whose handler
    // reports it as the test's panic.
    throw go::runtime::Panic("unexpected call to os.Exit(0) during test");
  }
  // exit(1) from a test: the report is still written, the running tests as
  // errors (the premature-exit file stays: Bazel sees the early exit).
  if (G().tests_running.load())
    go::testing::internal::JUnitAbort(
        absl::StrCat("exit(", code, ") during test"));
  using ExitFn = void (*)(int);
  static ExitFn real_exit = reinterpret_cast<ExitFn>(dlsym(RTLD_NEXT, "exit"));
  real_exit(code);
  __builtin_unreachable();
}
