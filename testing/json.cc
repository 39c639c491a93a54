#include "testing/json.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "testing/strconv.h"

namespace go::testing::internal {

namespace {

constexpr char kMarker = 0x16;

bool SW(std::string_view s, std::string_view p) { return s.starts_with(p); }
bool EW(std::string_view s, std::string_view p) { return s.ends_with(p); }

int64_t Now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

const std::string_view kUpdates[] = {
    "=== RUN   ", "=== PAUSE ", "=== CONT  ", "=== NAME  ",    "=== PASS  ",
    "=== FAIL  ", "=== SKIP  ", "=== ATTR  ", "=== ARTIFACTS "};
const std::string_view kReports[] = {
    "--- PASS: ", "--- FAIL: ", "--- SKIP: ", "--- BENCH: "};

// RFC 3339 with nanoseconds, trailing zeros dropped, in the local zone (Go's
// time.RFC3339Nano as encoding/json writes time.Time).
std::string TimeString(absl::Time t) {
  absl::TimeZone tz = absl::LocalTimeZone();
  std::string s = absl::FormatTime("%Y-%m-%dT%H:%M:%E*S", t, tz);
  absl::TimeZone::CivilInfo ci = tz.At(t);
  if (ci.offset == 0) return s + "Z";
  return s + absl::FormatTime("%Ez", t, tz);
}

// encoding/json's float64: shortest representation; 'e' form outside
// [1e-6, 1e21), with a two-digit exponent.
std::string FloatString(double f) {
  char buf[64];
  double a = f < 0 ? -f : f;
  std::to_chars_result r;
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
    std::string s(buf, r.ptr);
    // Go writes e-07 as e-07 and e+21 as e+21: two digits at least.
    size_t e = s.find('e');
    if (e != std::string::npos && s.size() - e == 3) s.insert(e + 2, "0");
    return s;
  }
  r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

bool IsBenchmarkName(std::string_view b) {
  if (!SW(b, "Benchmark")) return false;
  if (b.size() == 9) return true;
  char c = b[9];
  return !(c >= 'a' && c <= 'z');
}

// Go's trimUTF8: the length of b without an incomplete trailing sequence.
size_t TrimUTF8(std::string_view b) {
  for (size_t i = 1; i < 4 && i <= b.size(); i++) {
    unsigned char c = static_cast<unsigned char>(b[b.size() - i]);
    if ((c & 0xc0) != 0x80) {
      if ((c & 0xe0) == 0xc0) {
        if (i < 2) return b.size() - i;
      } else if ((c & 0xf0) == 0xe0) {
        if (i < 3) return b.size() - i;
      } else if ((c & 0xf8) == 0xf0) {
        if (i < 4) return b.size() - i;
      }
      break;
    }
  }
  return b.size();
}

}  // namespace

void Test2JSON::LineBuffer::Write(std::string_view data) {
  while (!data.empty()) {
    size_t m = std::min(cap - b.size(), data.size());
    b.append(data.substr(0, m));
    data.remove_prefix(m);
    size_t i = 0;
    while (i < b.size()) {
      // Go's indexEOL: a newline, or a marker that does not start the line.
      size_t j = std::string::npos, w = 0;
      for (size_t k = i; k < b.size(); k++) {
        if (b[k] == '\n') {
          j = k - i, w = 1;
          break;
        }
        if (b[k] == kMarker && k > i) {
          j = k - i, w = 0;
          break;
        }
      }
      if (j == std::string::npos) {
        if (!mid) {
          size_t tab = b.find('\t', i);
          if (tab != std::string::npos) {
            std::string_view name(b.data() + i, tab - i);
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            if (IsBenchmarkName(name)) {
              part(std::string_view(b.data() + i, tab - i + 1));
              mid = true;
              i = tab + 1;
            }
          }
        }
        break;
      }
      size_t e = i + j + w;
      if (mid) {
        part(std::string_view(b.data() + i, e - i));
        mid = false;
      } else {
        line(std::string_view(b.data() + i, e - i));
      }
      i = e;
    }
    if (i == 0 && b.size() == cap) {
      size_t t = TrimUTF8(b);
      part(std::string_view(b.data(), t));
      b.erase(0, t);
      mid = true;
    }
    if (i > 0) b.erase(0, i);
  }
}

void Test2JSON::LineBuffer::Flush() {
  if (!b.empty()) {
    std::string copy;
    copy.swap(b);
    part(copy);
  }
}

Test2JSON::Test2JSON(std::function<void(std::string_view)> write,
                     std::string package, bool timestamps)
    : write_(std::move(write)),
      pkg_(std::move(package)),
      timestamps_(timestamps),
      start_ns_(Now()) {
  input_.cap = 4096;
  input_.line = [this](std::string_view l) { HandleInputLine(l); };
  input_.part = [this](std::string_view p) { output_.Write(p); };
  output_.cap = 1024;
  output_.line = [this](std::string_view l) { WriteOutputEvent(l); };
  output_.part = [this](std::string_view p) { WriteOutputEvent(p); };
  Event e;
  e.action = "start";
  WriteEvent(std::move(e));
}

void Test2JSON::Write(std::string_view b) { input_.Write(b); }

void Test2JSON::Exited(bool ok) {
  if (ok) {
    if (result_ != "skip") result_ = "pass";
  } else {
    result_ = "fail";
  }
}

void Test2JSON::HandleInputLine(std::string_view line) {
  if (line.empty()) return;
  bool saw_marker = false;
  if (need_marker_ && line[0] != kMarker) {
    output_.Write(line);
    return;
  }
  if (line[0] == kMarker) {
    output_.Flush();
    saw_marker = true;
    line.remove_prefix(1);
  }
  std::string_view trim = line;
  if (!trim.empty() && trim.back() == '\n') {
    trim.remove_suffix(1);
    if (!trim.empty() && trim.back() == '\r') trim.remove_suffix(1);
  }
  static constexpr std::string_view kEmptyNameLine = "=== NAME  \n";
  if (trim == "=== NAME") {
    line = kEmptyNameLine;
    trim = line.substr(0, line.size() - 1);
  }
  if (trim == "PASS" || trim == "FAIL" || SW(trim, "FAIL\t")) {
    FlushReport(0);
    test_name_.clear();
    need_marker_ = saw_marker;
    output_.Write(line);
    result_ = trim == "PASS" ? "pass" : "fail";
    return;
  }
  if (SW(line, "?   \t") && EW(trim, "\t[no test files]") && report_.empty()) {
    result_ = "skip";
  }
  std::string_view orig = line;
  bool ok = false;
  size_t indent = 0;
  for (std::string_view magic : kUpdates) {
    if (SW(line, magic)) {
      ok = true;
      break;
    }
  }
  if (!ok) {
    while (SW(line, "    ")) {
      line.remove_prefix(4);
      indent++;
    }
    for (std::string_view magic : kReports) {
      if (SW(line, magic)) {
        ok = true;
        break;
      }
    }
  }
  if (!ok) {
    if (indent > 0 && indent <= report_.size())
      test_name_ = report_[indent - 1].test;
    output_.Write(orig);
    return;
  }
  std::string_view rest = line.substr(4);
  size_t sp = rest.find(' ');
  std::string action(sp == std::string_view::npos ? rest : rest.substr(0, sp));
  std::string_view name_view =
      sp == std::string_view::npos ? "" : rest.substr(sp + 1);
  if (!action.empty() && action.back() == ':') action.pop_back();
  absl::AsciiStrToLower(&action);
  std::string name(TrimSpace(name_view));

  Event e;
  e.action = action;
  if (line[0] == '-') {
    size_t i = name.find(" (");
    if (i != std::string::npos) {
      if (EW(name, "s)")) {
        double t;
        if (absl::SimpleAtod(absl::string_view(name).substr(
                                 i + 2, name.size() - 2 - (i + 2)),
                             &t) &&
            timestamps_) {
          e.has_elapsed = true;
          e.elapsed = t;
        }
      }
      name.resize(i);
    }
    if (report_.size() < indent) {
      output_.Write(orig);
      return;
    }
    need_marker_ = saw_marker;
    FlushReport(indent);
    e.test = name;
    test_name_ = name;
    report_.push_back(std::move(e));
    output_.Write(orig);
    return;
  }
  if (action == "artifacts") {
    size_t c = name.find(' ');
    if (c != std::string::npos) {
      e.path = name.substr(c + 1);
      name.resize(c);
    }
  } else if (action == "attr") {
    size_t c = name.find(' ');
    std::string r2;
    if (c != std::string::npos) {
      r2 = name.substr(c + 1);
      name.resize(c);
    }
    size_t c2 = r2.find(' ');
    e.key = r2.substr(0, c2);
    if (c2 != std::string::npos) e.value = r2.substr(c2 + 1);
  }
  need_marker_ = saw_marker;
  FlushReport(0);
  test_name_ = name;
  if (action == "name") return;
  if (action == "pause") output_.Write(orig);
  WriteEvent(std::move(e));
  if (action != "pause") output_.Write(orig);
}

void Test2JSON::FlushReport(size_t depth) {
  test_name_.clear();
  while (report_.size() > depth) {
    Event e = std::move(report_.back());
    report_.pop_back();
    WriteEvent(std::move(e));
  }
}

void Test2JSON::Close() {
  input_.Flush();
  output_.Flush();
  if (!result_.empty()) {
    Event e;
    e.action = result_;
    if (timestamps_) {
      int64_t ms = (Now() - start_ns_ + 500000) / 1000000;
      e.has_elapsed = true;
      e.elapsed = static_cast<double>(ms) / 1000.0;
    }
    WriteEvent(std::move(e));
  }
}

void Test2JSON::WriteOutputEvent(std::string_view out) {
  Event e;
  e.action = "output";
  e.has_output = true;
  e.output = std::string(out);
  WriteEvent(std::move(e));
}

void Test2JSON::WriteEvent(Event e) {
  if (e.test.empty()) e.test = test_name_;
  std::string js = "{";
  if (timestamps_)
    absl::StrAppend(&js, "\"Time\":", JSONString(TimeString(absl::Now())), ",");
  absl::StrAppend(&js, "\"Action\":", JSONString(e.action));
  if (!pkg_.empty()) absl::StrAppend(&js, ",\"Package\":", JSONString(pkg_));
  if (!e.test.empty()) absl::StrAppend(&js, ",\"Test\":", JSONString(e.test));
  if (e.has_elapsed)
    absl::StrAppend(&js, ",\"Elapsed\":", FloatString(e.elapsed));
  if (e.has_output) absl::StrAppend(&js, ",\"Output\":", JSONString(e.output));
  if (!e.key.empty()) absl::StrAppend(&js, ",\"Key\":", JSONString(e.key));
  if (!e.value.empty())
    absl::StrAppend(&js, ",\"Value\":", JSONString(e.value));
  if (!e.path.empty()) absl::StrAppend(&js, ",\"Path\":", JSONString(e.path));
  js += "}\n";
  write_(js);
}

std::string PackageName(const char* argv0) {
  for (const char* env : {"GOTEST_PACKAGE", "TEST_TARGET"}) {
    const char* v = getenv(env);
    if (v != nullptr && *v != '\0') return v;
  }
  std::string_view p = argv0;
  size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

namespace {

// Whether arg is one of -json/-v in any of the flag package's spellings.
bool IsFlag(std::string_view arg, std::string_view name) {
  if (!SW(arg, "-")) return false;
  arg.remove_prefix(1);
  if (SW(arg, "-")) arg.remove_prefix(1);
  if (SW(arg, "test.")) arg.remove_prefix(5);
  return arg == name ||
         (SW(arg, name) && arg.size() > name.size() && arg[name.size()] == '=');
}

void WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

int RunJSON(int argc, char** argv) {
  std::vector<std::string> args;
  args.push_back(argv[0]);
  args.push_back("-test.v=test2json");
  bool flags_done = false;
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    if (!flags_done && (IsFlag(a, "json") || IsFlag(a, "v"))) continue;
    if (a == "--" || a.empty() || a[0] != '-') flags_done = true;
    args.push_back(argv[i]);
  }
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);

  fflush(stdout);
  int fds[2];
  if (pipe(fds) != 0) {
    perror("testing: pipe");
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("testing: fork");
    return 1;
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execv("/proc/self/exe", cargs.data());
    execvp(cargs[0], cargs.data());
    perror("testing: exec");
    _exit(127);
  }
  close(fds[1]);
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  Test2JSON conv([](std::string_view s) { WriteAll(1, s); },
                 PackageName(argv[0]), true);
  char buf[8192];
  ssize_t n;
  int64_t total = 0;
  while ((n = read(fds[0], buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    total += n;
    conv.Write(std::string_view(buf, static_cast<size_t>(n)));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok && total == 0) {
    std::string why =
        WIFEXITED(status)
            ? absl::StrCat("exit status ", WEXITSTATUS(status))
            : absl::StrCat("signal: ", strsignal(WTERMSIG(status)));
    conv.Write(absl::StrCat("test2json: ", why, "\n"));
  }
  conv.Exited(ok);
  conv.Close();
  return ok ? 0 : 1;
}

}  // namespace go::testing::internal
