// An exception escaping a test is Go's panic in a test (tRunner's doPanic):
// the test's cleanups run, "--- FAIL" lines are printed for it and its
// ancestors (their cleanups run too), then Go 1.26's report
// "panic: <what> [recovered, repanicked]" with the goroutine's stack, exit 2.
//
// It is done in a std::terminate handler rather than a catch block: the
// runtime makes the goroutine's entry frame the end of the unwinder's stack,
// so an exception nobody catches reaches std::terminate before any frame is
// unwound, and the report can show the stack at the throw, not tRunner's.
// (Destructors of the panicking test's frames therefore do not run, as with
// any uncaught C++ exception.)

#include "runtime/panic.h"

#include <exception>
#include <string>

#include "runtime/runtime.h"
#include "testing/junit.h"
#include "testing/state.h"

namespace go::testing::internal {

namespace {

std::terminate_handler g_runtime_terminate = nullptr;

[[noreturn]] void TestTerminate() {
  State* t = nullptr;
  if (std::current_exception()) t = StateOfGoroutine(runtime::GoID());
  if (t == nullptr || t->panicking) {
    JUnitAbort(std::current_exception()
                   ? "panic: " + runtime::internal::DescribeCurrentException()
                   : std::string("std::terminate called"));
    g_runtime_terminate();
    _exit(2);
  }
  t->panicking = true;
  std::string what = runtime::internal::DescribeCurrentException();
  try {
    FlushPanickingTest(t);
  } catch (...) {
    // A cleanup panicked while panicking: Go reports the first panic.
  }
  JUnitAbort("panic: " + what);
  // Hand the runtime's reporter a panic with Go's re-panic text; the stack it
  // prints is still the one at the original throw (below these frames).
  try {
    throw runtime::Panic(what + " [recovered, repanicked]");
  } catch (...) {
    g_runtime_terminate();
  }
  _exit(2);
}

}  // namespace

void InstallPanicHandler() {
  if (g_runtime_terminate != nullptr) return;
  g_runtime_terminate = std::get_terminate();
  std::set_terminate(&TestTerminate);
}

}  // namespace go::testing::internal
