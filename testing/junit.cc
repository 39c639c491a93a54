// JUnit XML: rendering, the atomic file write, and the recorder the runner
// feeds (see junit.h for the document and why it looks as it does).

#include "testing/junit.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "testing/state.h"
#include "testing/strconv.h"

namespace go::testing::internal {

std::string JUnitTime(int64_t ns) {
  if (ns < 0) ns = 0;
  // Integer arithmetic: "%.3f" of a double would also do, but this can never
  // print an exponent or lose the '.'.
  const int64_t ms = (ns + 500'000) / 1'000'000;
  return absl::StrFormat("%d.%03d", ms / 1000, ms % 1000);
}

std::string XmlSanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const unsigned char c = static_cast<unsigned char>(s[0]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        absl::StrAppendFormat(&out, "\\x%02x", c);
      } else {
        out.push_back(static_cast<char>(c));
      }
      s.remove_prefix(1);
      continue;
    }
    const DecodedRune r = DecodeRune(s);
    if (r.rune == 0xFFFE || r.rune == 0xFFFF) {
      absl::StrAppendFormat(&out, "\\u%04X", static_cast<uint32_t>(r.rune));
    } else if (r.rune == kRuneError && r.size == 1) {
      AppendRune(&out, kRuneError);
    } else {
      out.append(s.data(), static_cast<size_t>(r.size));
    }
    s.remove_prefix(static_cast<size_t>(r.size));
  }
  return out;
}

std::string XmlAttr(std::string_view s) {
  const std::string clean = XmlSanitize(s);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string XmlCData(std::string_view s) {
  const std::string clean = XmlSanitize(s);
  std::string out = "<![CDATA[";
  std::string_view rest = clean;
  // "]]>" would end the section: end it after "]]" and start a new one
  // before ">".
  for (size_t at; (at = rest.find("]]>")) != std::string_view::npos;) {
    out.append(rest.substr(0, at + 2));
    out += "]]><![CDATA[";
    rest.remove_prefix(at + 2);
  }
  out.append(rest);
  out += "]]>";
  return out;
}

std::string RenderJUnit(const JUnitSuite& suite) {
  int64_t failures = 0, errors = 0, skipped = 0;
  for (const JUnitCase& c : suite.cases) {
    failures += c.result == JUnitCase::Result::kFailed;
    errors += c.result == JUnitCase::Result::kError;
    skipped += c.result == JUnitCase::Result::kSkipped;
  }
  const std::string time = JUnitTime(suite.duration_ns);
  const std::string name = XmlAttr(suite.name);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&out, "<testsuites tests=\"", suite.cases.size(),
                  "\" failures=\"", failures, "\" errors=\"", errors,
                  "\" time=\"", time, "\">\n");
  absl::StrAppend(&out, "  <testsuite name=\"", name, "\" tests=\"",
                  suite.cases.size(), "\" failures=\"", failures,
                  "\" errors=\"", errors, "\" skipped=\"", skipped,
                  "\" time=\"", time, "\"");
  if (!suite.timestamp.empty())
    absl::StrAppend(&out, " timestamp=\"", XmlAttr(suite.timestamp), "\"");
  out += ">\n";
  for (const JUnitCase& c : suite.cases) {
    const bool skip = c.result == JUnitCase::Result::kSkipped;
    absl::StrAppend(&out, "    <testcase name=\"", XmlAttr(c.name),
                    "\" classname=\"", name, "\" time=\"",
                    JUnitTime(c.duration_ns), "\" status=\"run\" result=\"",
                    skip ? "skipped" : "completed", "\"");
    const char* child = nullptr;
    switch (c.result) {
      case JUnitCase::Result::kPassed:
        break;
      case JUnitCase::Result::kFailed:
        child = "failure";
        break;
      case JUnitCase::Result::kSkipped:
        child = "skipped";
        break;
      case JUnitCase::Result::kError:
        child = "error";
        break;
    }
    if (child == nullptr) {
      if (c.log.empty()) {
        out += "/>\n";
      } else {
        absl::StrAppend(&out, ">\n      <system-out>", XmlCData(c.log),
                        "</system-out>\n    </testcase>\n");
      }
      continue;
    }
    absl::StrAppend(&out, ">\n      <", child, " message=\"",
                    XmlAttr(c.message), "\"");
    if (!skip) out += " type=\"\"";
    if (c.log.empty()) {
      out += "/>\n";
    } else {
      absl::StrAppend(&out, ">", XmlCData(c.log), "</", child, ">\n");
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string WriteFileAtomically(const std::string& path,
                                std::string_view content) {
  const std::string tmp = absl::StrCat(path, ".tmp", getpid());
  const int fd =
      open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::StrCat("open ", tmp, ": ", strerror(errno));
  std::string err;
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = absl::StrCat("write ", tmp, ": ", strerror(errno));
      break;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (close(fd) != 0 && err.empty())
    err = absl::StrCat("close ", tmp, ": ", strerror(errno));
  if (err.empty() && rename(tmp.c_str(), path.c_str()) != 0)
    err = absl::StrCat("rename ", tmp, " ", path, ": ", strerror(errno));
  if (!err.empty()) unlink(tmp.c_str());
  return err;
}

// ---- The recorder ----

// One testcase as it is recorded; State::junit points at it.
struct JUnitEntry {
  std::mutex mu;  // log (appended while the test runs) and the result
  JUnitCase c;
  bool done = false;
};

namespace {

struct Recorder {
  std::string path;
  std::string suite;
  std::string timestamp;
  int64_t start_ns = 0;

  std::mutex mu;                   // entries
  std::deque<JUnitEntry> entries;  // stable addresses, in start order

  std::mutex write_mu;  // Finish/Abort: one report
  bool written = false;
};

std::atomic<Recorder*> g_recorder{nullptr};

// The failure message: the log itself (what gtest puts in message=), kept
// short; the body has all of it.
std::string Message(std::string_view log, std::string_view fallback) {
  std::string_view m = TrimSpace(log);
  if (m.empty()) return std::string(fallback);
  constexpr size_t kMax = 1024;
  if (m.size() <= kMax) return std::string(m);
  return std::string(m.substr(0, kMax)) + "...";
}

void Write(Recorder* r, const std::string* abort_reason) {
  std::lock_guard<std::mutex> wl(r->write_mu);
  if (r->written) return;
  r->written = true;
  JUnitSuite suite;
  suite.name = r->suite;
  suite.timestamp = r->timestamp;
  suite.duration_ns = Nanotime() - r->start_ns;
  {
    std::lock_guard<std::mutex> l(r->mu);
    suite.cases.reserve(r->entries.size());
    for (JUnitEntry& e : r->entries) {
      std::lock_guard<std::mutex> el(e.mu);
      suite.cases.push_back(e.c);
      if (e.done) continue;
      JUnitCase& c = suite.cases.back();
      c.result = JUnitCase::Result::kError;
      c.message = abort_reason != nullptr ? *abort_reason : "did not finish";
      c.log += c.message + "\n";
    }
  }
  const std::string err = WriteFileAtomically(r->path, RenderJUnit(suite));
  if (!err.empty()) WriteStderr(absl::StrCat("testing: junit: ", err, "\n"));
}

}  // namespace

void JUnitEnable(std::string path, std::string suite_name) {
  auto* r = new Recorder;  // never freed: goroutines may outlive main
  r->path = std::move(path);
  r->suite = std::move(suite_name);
  r->timestamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::Now(), absl::UTCTimeZone());
  r->start_ns = Nanotime();
  g_recorder.store(r);
}

bool JUnitEnabled() { return g_recorder.load() != nullptr; }

void JUnitStart(State* s) {
  Recorder* r = g_recorder.load();
  if (r == nullptr) return;
  std::lock_guard<std::mutex> l(r->mu);
  JUnitEntry& e = r->entries.emplace_back();
  e.c.name = s->name;
  s->junit = &e;
}

void JUnitLog(State* s, std::string_view text) {
  JUnitEntry* e = s->junit;
  if (e == nullptr) return;
  std::lock_guard<std::mutex> l(e->mu);
  e->c.log.append(text);
  if (!text.empty() && text.back() != '\n') e->c.log.push_back('\n');
}

void JUnitEnd(State* s) {
  JUnitEntry* e = s->junit;
  if (e == nullptr) return;
  bool failed, skipped;
  {
    std::lock_guard<std::mutex> l(s->mu);
    failed = s->failed;
    skipped = s->skipped;
  }
  std::lock_guard<std::mutex> l(e->mu);
  e->c.duration_ns = s->duration;
  if (failed) {
    e->c.result = JUnitCase::Result::kFailed;
    e->c.message = Message(e->c.log, "Failed");
  } else if (skipped) {
    e->c.result = JUnitCase::Result::kSkipped;
    e->c.message = Message(e->c.log, "Skipped");
  }
  e->done = true;
}

void JUnitExample(std::string_view name, bool passed, int64_t ns,
                  std::string_view fail) {
  Recorder* r = g_recorder.load();
  if (r == nullptr) return;
  std::lock_guard<std::mutex> l(r->mu);
  JUnitEntry& e = r->entries.emplace_back();
  e.c.name = std::string(name);
  e.c.duration_ns = ns;
  if (!passed) {
    e.c.result = JUnitCase::Result::kFailed;
    e.c.log = std::string(fail);
    e.c.message = "output differs from the expected output";
  }
  e.done = true;
}

void JUnitFinish() {
  if (Recorder* r = g_recorder.load()) Write(r, nullptr);
}

void JUnitAbort(std::string_view reason) {
  if (Recorder* r = g_recorder.load()) {
    const std::string why(reason);
    Write(r, &why);
  }
}

}  // namespace go::testing::internal
