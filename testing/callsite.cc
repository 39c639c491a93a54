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

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
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

// realpath(dir/rel) if that file exists, else "".
std::string Existing(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return "";
  std::string joined = dir + "/" + rel;
  char buf[PATH_MAX];
  if (realpath(joined.c_str(), buf) == nullptr) return "";
  return buf;
}

// The execution root of the Bazel build that made this binary (the
// directory holding bazel-out, whose top-level entries link to the source
// tree), or "".
std::string ExecRoot() {
  char buf[PATH_MAX];
  if (realpath("/proc/self/exe", buf) == nullptr) return "";
  std::string_view exe = buf;
  size_t at = exe.rfind("/bazel-out/");
  return at == std::string_view::npos ? "" : std::string(exe.substr(0, at));
}

// -fullpath: Go prints the absolute path the file was compiled from. The
// compiler recorded `file` relative to the build's root (Bazel compiles
// "pkg/x_test.cc"): it is looked up from the workspace `bazel run` names,
// the build's execution root, the working directory and the runfiles, and
// resolved to the real source file; failing that, it is made absolute from
// the working directory. Looked up once per file.
std::string FullPath(const std::string& file) {
  // Bazel maps the compiler's working directory to /proc/self/cwd in DWARF
  // (where the Helper path reads file names): that is the build's root too.
  constexpr std::string_view kCwd = "/proc/self/cwd/";
  if (file.compare(0, kCwd.size(), kCwd) == 0)
    return FullPath(file.substr(kCwd.size()));
  if (file.empty() || file.front() == '/') return file;
  static std::mutex mu;
  static auto* cache = new absl::flat_hash_map<std::string, std::string>;
  std::lock_guard<std::mutex> l(mu);
  auto it = cache->find(file);
  if (it != cache->end()) return it->second;
  char cwd[PATH_MAX];
  std::string wd = getcwd(cwd, sizeof cwd) != nullptr ? cwd : "";
  std::string runfiles;
  if (const char* srcdir = getenv("TEST_SRCDIR")) {
    const char* ws = getenv("TEST_WORKSPACE");
    runfiles = absl::StrCat(srcdir, "/", ws != nullptr ? ws : "");
    if (runfiles.back() == '/') runfiles.pop_back();
  }
  const char* bwd = getenv("BUILD_WORKSPACE_DIRECTORY");
  std::string found;
  for (const std::string& dir :
       {std::string(bwd != nullptr ? bwd : ""), ExecRoot(), wd, runfiles}) {
    found = Existing(dir, file);
    if (!found.empty()) break;
  }
  if (found.empty()) found = wd + "/" + file;
  cache->emplace(file, found);
  return found;
}

std::string Format(std::string_view file, int line) {
  if (file.empty()) file = "???";
  std::string full;
  if (G().flags.fullpath) {
    full = FullPath(std::string(file));
    file = full;
  } else {
    file = Base(file);
  }
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
