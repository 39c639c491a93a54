// T's methods shared with B (Go's testing.common): logging, failing,
// skipping, cleanups, temporary directories, environment and working
// directory changes.

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "testing/state.h"

namespace go::testing {

using internal::Arg;
using internal::ArgKind;
using internal::State;

namespace {

// Go's absl-compatible formatting of `format` with type-erased operands; %v
// prints an operand as Log would (Go's %v).
std::string FormatArgs(const char* format, const Arg* args, size_t n) {
  std::string spec;
  std::vector<absl::FormatArg> fargs;
  fargs.reserve(n);
  // Stable storage for the values absl::FormatArg points at.
  std::deque<std::string> strings;
  std::deque<absl::string_view> views;
  size_t next = 0;
  auto add = [&](const Arg& a, char conv) {
    if (conv == 'v' || a.kind == ArgKind::kCustom) {
      strings.emplace_back();
      internal::AppendArg(&strings.back(), a);
      views.emplace_back(strings.back());
      fargs.emplace_back(views.back());
      return;
    }
    switch (a.kind) {
      case ArgKind::kNil:
        if (conv == 'p') {
          fargs.emplace_back(static_cast<const void*>(nullptr));
        } else {
          views.emplace_back("<nil>");
          fargs.emplace_back(views.back());
        }
        break;
      case ArgKind::kString:
        if (conv == 'p') {
          fargs.emplace_back(static_cast<const void*>(a.str.data));
        } else {
          views.emplace_back(a.str.data, a.str.size);
          fargs.emplace_back(views.back());
        }
        break;
      case ArgKind::kChar:
        fargs.emplace_back(a.c);
        break;
      case ArgKind::kBool:
        fargs.emplace_back(static_cast<int>(a.b));
        break;
      case ArgKind::kInt:
        fargs.emplace_back(a.i);
        break;
      case ArgKind::kUint:
        fargs.emplace_back(a.u);
        break;
      case ArgKind::kFloat32:
        fargs.emplace_back(a.f32);
        break;
      case ArgKind::kFloat64:
        fargs.emplace_back(a.f64);
        break;
      case ArgKind::kPointer:
        fargs.emplace_back(a.ptr);
        break;
      case ArgKind::kCustom:
        break;
    }
  };
  for (const char* p = format; *p != '\0'; p++) {
    spec.push_back(*p);
    if (*p != '%') continue;
    p++;
    if (*p == '%') {
      spec.push_back('%');
      continue;
    }
    while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0')
      spec.push_back(*p++);
    if (*p == '*') {
      spec.push_back(*p++);
      if (next < n) fargs.emplace_back(static_cast<int>(args[next++].i));
    } else {
      while (*p >= '0' && *p <= '9') spec.push_back(*p++);
    }
    if (*p == '.') {
      spec.push_back(*p++);
      if (*p == '*') {
        spec.push_back(*p++);
        if (next < n) fargs.emplace_back(static_cast<int>(args[next++].i));
      } else {
        while (*p >= '0' && *p <= '9') spec.push_back(*p++);
      }
    }
    while (*p == 'h' || *p == 'l' || *p == 'L' || *p == 'j' || *p == 'z' ||
           *p == 't' || *p == 'q') {
      spec.push_back(*p++);
    }
    if (*p == '\0') break;
    char conv = *p;
    if (next < n && (conv == 'v' || args[next].kind == ArgKind::kCustom)) {
      spec.push_back('s');
    } else {
      spec.push_back(conv);
    }
    if (next < n) add(args[next++], conv);
  }
  std::string out;
  if (!absl::FormatUntyped(&out, absl::UntypedFormatSpec(spec),
                           absl::Span<const absl::FormatArg>(fargs))) {
    out = absl::StrCat("%!(BADFORMAT ", format, ")");
  }
  return out;
}

// Go's c.log message shaping: one trailing newline dropped, continuation
// lines indented, a newline added.
std::string ShapeMessage(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  absl::StrReplaceAll({{"\n", "\n    "}}, &s);
  s.push_back('\n');
  return s;
}

void After(common* c, internal::LogAction action) {
  switch (action) {
    case internal::LogAction::kLog:
      break;
    case internal::LogAction::kError:
      c->Fail();
      break;
    case internal::LogAction::kFatal:
      c->FailNow();
    case internal::LogAction::kSkip:
      c->SkipNow();
  }
}

}  // namespace

void common::LogArgs(const std::source_location& loc,
                     internal::LogAction action, const internal::Arg* args,
                     std::size_t n) {
  std::string msg = internal::SprintArgs(args, n, /*ln=*/true);
  state_->Log(internal::CallSite(state_, loc) + ShapeMessage(std::move(msg)));
  After(this, action);
}

void common::LogFormat(const std::source_location& loc,
                       internal::LogAction action, const char* format,
                       const internal::Arg* args, std::size_t n) {
  state_->Log(internal::CallSite(state_, loc) +
              ShapeMessage(FormatArgs(format, args, n)));
  After(this, action);
}

void common::Fail() { state_->Fail(); }

void common::FailNow() {
  Fail();
  {
    std::lock_guard<std::mutex> l(state_->mu);
    state_->finished = true;
  }
  runtime::Goexit();
}

bool common::Failed() const { return state_->Failed(); }

void common::SkipNow() {
  {
    std::lock_guard<std::mutex> l(state_->mu);
    state_->skipped = true;
    state_->finished = true;
  }
  runtime::Goexit();
}

bool common::Skipped() const {
  std::lock_guard<std::mutex> l(state_->mu);
  return state_->skipped;
}

void common::Helper() {
  uintptr_t pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  std::lock_guard<std::mutex> l(state_->mu);
  for (uintptr_t h : state_->helper_pcs) {
    if (h == pc) return;
  }
  state_->helper_pcs.push_back(pc);
}

const std::string& common::Name() const { return state_->name; }

void common::AddCleanup(internal::Closure c) {
  std::lock_guard<std::mutex> l(state_->mu);
  state_->cleanups.push_back(c);
}

namespace {

// Go's removeSymbolsExcept: letters, digits and `allowed` are kept (bytes of
// multi-byte UTF-8 sequences too).
std::string RemoveSymbolsExcept(std::string_view s, std::string_view allowed) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || allowed.find(c) != std::string_view::npos) {
      out.push_back(c);
    }
  }
  return out;
}

std::string TempBase() {
  for (const char* env : {"TEST_TMPDIR", "GOTMPDIR", "TMPDIR"}) {
    const char* v = getenv(env);
    if (v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

}  // namespace

std::string common::TempDir() {
  State* s = state_;
  std::string dir;
  std::string failure;
  {
    std::lock_guard<std::mutex> l(s->temp_mu);
    std::error_code ec;
    if (s->temp_dir.empty() || !std::filesystem::exists(s->temp_dir, ec)) {
      std::string pattern =
          s->name.substr(0, std::min<size_t>(s->name.size(), 64));
      pattern = RemoveSymbolsExcept(pattern, "!#$%&()+,-.=@^_{}~ ");
      std::string templ = absl::StrCat(TempBase(), "/", pattern, "XXXXXX");
      if (mkdtemp(templ.data()) == nullptr) {
        failure = absl::StrCat("mkdir ", templ, ": ", strerror(errno));
      } else {
        s->temp_dir = templ;
        s->temp_seq = 0;
        Cleanup([this, templ] {
          std::error_code ec;
          std::filesystem::remove_all(templ, ec);
          if (ec) Errorf("TempDir RemoveAll cleanup: %s", ec.message());
        });
      }
    }
    if (failure.empty())
      dir = absl::StrFormat("%s/%03d", s->temp_dir, ++s->temp_seq);
  }
  if (failure.empty() && mkdir(dir.c_str(), 0777) != 0) {
    failure = absl::StrCat("mkdir ", dir, ": ", strerror(errno));
  }
  if (!failure.empty()) Fatalf("TempDir: %s", failure);
  return dir;
}

void common::Setenv(internal::Str key, internal::Str value) {
  std::string k(key.data(), key.size());
  std::string v(value.data(), value.size());
  const char* prev = getenv(k.c_str());
  if (setenv(k.c_str(), v.c_str(), 1) != 0) {
    Fatalf("cannot set environment variable: setenv: %s",
           std::string(strerror(errno)));
  }
  if (prev != nullptr) {
    std::string old = prev;
    Cleanup([k, old] { setenv(k.c_str(), old.c_str(), 1); });
  } else {
    Cleanup([k] { unsetenv(k.c_str()); });
  }
}

void common::Chdir(internal::Str dir_arg) {
  std::string dir(dir_arg.data(), dir_arg.size());
  int oldwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (oldwd < 0) Fatal(absl::StrCat("open .: ", strerror(errno)));
  if (chdir(dir.c_str()) != 0) {
    std::string err = strerror(errno);
    close(oldwd);
    Fatal(absl::StrCat("chdir ", dir, ": ", err));
  }
  if (dir.empty() || dir[0] != '/') {
    std::error_code ec;
    dir = std::filesystem::current_path(ec).string();
  }
  Setenv("PWD", dir);
  Cleanup([oldwd] {
    int r = fchdir(oldwd);
    int err = errno;
    close(oldwd);
    if (r != 0)
      throw runtime::Panic(absl::StrCat("testing.Chdir: ", strerror(err)));
  });
}

context::Context common::Context() {
  State* s = state_;
  std::lock_guard<std::mutex> l(s->ctx_mu);
  if (!s->context) {
    auto [ctx, cancel] = context::WithCancel(context::Background());
    s->context = ctx;
    s->cancel = cancel;
    // Already canceled if asked for during or after the cleanups.
    if (s->cleanup_started.load()) s->cancel();
  }
  return *s->context;
}

bool Short() { return internal::G().flags.short_mode; }
bool Verbose() { return internal::G().flags.verbose; }
bool Testing() { return true; }

}  // namespace go::testing
