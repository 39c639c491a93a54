// The `file:line: ` prefix of log lines (Go's callSite/frameSkip): the
// caller of Log/Errorf/..., or with Helper(), the first caller outside the
// functions marked as helpers.
//
// Without helpers the std::source_location captured at the call is used (no
// stack walk). With helpers the goroutine's stack is walked by frame pointers
// and symbolized: the frame of the logging call is found by its file and line,
// and while it lies in a helper function (the function containing a return
// address recorded by Helper), attribution moves to its caller. A helper that
// the compiler inlined is recognized only with DWARF inline entries (-g2); at
// -O2 -g1 its caller may be taken for the helper.

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/runtime2.h"
#include "runtime/traceback.h"
#include "testing/state.h"

namespace go::testing::internal {

namespace {

namespace rt = ::go::runtime::internal;

std::string_view Base(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string Format(std::string_view file, int line) {
  if (file.empty()) file = "???";
  if (!G().flags.fullpath) file = Base(file);
  if (line == 0) line = 1;
  std::string out(file);
  out += ":" + std::to_string(line) + ": ";
  return out;
}

// The functions marked as helpers: the innermost source-level function at
// each return address recorded by Helper (inlined helpers included when the
// binary has DWARF inline entries, i.e. -g2).
std::vector<std::string> HelperNames(const std::vector<uintptr_t>& pcs) {
  std::vector<std::string> names;
  for (uintptr_t pc : pcs) {
    uintptr_t adjusted = pc - 1;
    std::vector<rt::Frame> frames = rt::SymbolizeStack(&adjusted, 1);
    if (!frames.empty() && !frames.front().short_function.empty()) {
      names.push_back(frames.front().short_function);
    }
  }
  return names;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  for (const std::string& y : v) {
    if (y == x) return true;
  }
  return false;
}

}  // namespace

std::string CallSite(State* s, const std::source_location& loc) {
  std::vector<uintptr_t> helpers;
  {
    std::lock_guard<std::mutex> l(s->mu);
    helpers = s->helper_pcs;
  }
  if (helpers.empty())
    return Format(loc.file_name(), static_cast<int>(loc.line()));

  rt::G* gp = rt::getg();
  uintptr_t pcs[64];
  int n = 0;
  if (gp != nullptr && !gp->is_thread) {
    n = rt::CaptureStack(pcs, 64, 0, gp->stack_lo, gp->stack_hi);
  } else {
    n = rt::CaptureStack(pcs, 64, 0);
  }
  std::vector<std::string> names = HelperNames(helpers);
  // Source-level frames, inlined ones included, innermost first.
  std::vector<rt::Frame> frames = rt::SymbolizeStack(pcs, n);
  std::string_view want_file = Base(loc.file_name());
  int want_line = static_cast<int>(loc.line());
  size_t i = 0;
  for (; i < frames.size(); i++) {
    if (frames[i].line == want_line && Base(frames[i].file) == want_file) break;
  }
  // Move up while the frame is in a helper function.
  for (; i < frames.size(); i++) {
    if (!Contains(names, frames[i].short_function)) {
      return Format(frames[i].file, frames[i].line);
    }
  }
  return Format(loc.file_name(), want_line);
}

}  // namespace go::testing::internal
