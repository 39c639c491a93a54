// -timeout: when the binary has run longer than the timeout, Go 1.26 panics
// with "test timed out after <d>", the list of running tests with how long
// each has run, and every goroutine's stack (traceback=all), exit 2.
//
// The alarm is a plain thread sleeping on a condition variable, so it fires
// even when every goroutine is stuck (a busy loop, a deadlock).

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "runtime/dump.h"
#include "runtime/panic.h"
#include "testing/duration.h"
#include "testing/junit.h"
#include "testing/state.h"

namespace go::testing::internal {

namespace {

std::mutex g_mu;
std::condition_variable g_cv;
bool g_stopped = false;
std::thread* g_thread = nullptr;

[[noreturn]] void Fire(absl::Duration timeout) {
  std::string msg =
      absl::StrCat("test timed out after ", FormatGoDuration(timeout));
  std::vector<std::string> list = RunningList();
  if (!list.empty()) {
    msg += "\nrunning tests:";
    for (const std::string& name : list) msg += "\n\t" + name;
  }
  // The runtime prints continuation lines of a panic message indented by a
  // tab.
  absl::StrReplaceAll({{"\n", "\n\t"}}, &msg);
  std::string out = "panic: " + msg + "\n\n";
  out += runtime::internal::FormatAllGoroutines(0);
  runtime::internal::WriteStderr(out);
  JUnitAbort("panic: " + msg);
  _exit(2);
}

}  // namespace

void StartAlarm(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::nanoseconds(absl::ToInt64Nanoseconds(timeout));
  g_thread = new std::thread([timeout, deadline] {
    std::unique_lock<std::mutex> l(g_mu);
    if (!g_cv.wait_until(l, deadline, [] { return g_stopped; })) Fire(timeout);
  });
}

void StopAlarm() {
  if (g_thread == nullptr) return;
  {
    std::lock_guard<std::mutex> l(g_mu);
    g_stopped = true;
  }
  g_cv.notify_all();
  g_thread->join();
  delete g_thread;
  g_thread = nullptr;
}

}  // namespace go::testing::internal
