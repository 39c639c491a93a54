// Copyright 2026 The gotest Authors.
//
// Go's net/http/pprof handlers (Index, Cmdline, Profile, Symbol and the named
// profiles) over the named profiles of this library. Differences from Go:
//  - profile?seconds=N: Go silently takes 30 s for a value that is not a
//    positive integer; here -1, 0, "abc" and values over kMaxProfileSeconds
//    are a 400 with a message (a mistyped duration should not hold the CPU
//    profiler for 30 s). No parameter still means 30 s.
//  - Named profiles with ?seconds= (Go's delta profiles) and /trace (Go's
//    execution tracer) are not supported: a 400 / 501 with a message.
//  - Only GET and HEAD (and POST for /symbol, as Go) are served: other
//    methods get 405.
//  - /symbol answers for any symbolized PC (C++ functions), not Go's.

#include "runtime/pprof/handler.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "runtime/pprof/pprof.h"
#include "runtime/symtab.h"

namespace go::pprof::internal {

void HttpResponse::SetHeader(absl::string_view name, absl::string_view value) {
  for (auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) {
      v = std::string(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

const char* StatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Request Entity Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    default:
      return "Unknown";
  }
}

namespace {

constexpr absl::string_view kPrefix = "/debug/pprof/";
constexpr absl::string_view kText = "text/plain; charset=utf-8";

// Go's serveError.
HttpResponse Error(int status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.SetHeader("Content-Type", kText);
  r.SetHeader("X-Go-Pprof", "1");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.body = absl::StrCat(text, "\n");
  return r;
}

HttpResponse Text(std::string body) {
  HttpResponse r;
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Content-Type", kText);
  r.body = std::move(body);
  return r;
}

std::string Description(absl::string_view name) {
  static const std::pair<absl::string_view, absl::string_view> kDesc[] = {
      {"allocs", "A sampling of all past memory allocations"},
      {"block",
       "Stack traces that led to blocking on synchronization primitives"},
      {"cmdline", "The command line invocation of the current program"},
      {"goroutine",
       "Stack traces of all current goroutines. Use debug=2 as a query "
       "parameter to export in the same format as an unrecovered panic."},
      {"heap",
       "A sampling of memory allocations of live objects. You can specify "
       "the gc GET parameter to run GC before taking the heap sample."},
      {"mutex", "Stack traces of holders of contended mutexes"},
      {"profile",
       "CPU profile. You can specify the duration in the seconds GET "
       "parameter. After you get the profile file, use the go tool pprof "
       "command to investigate the profile."},
      {"symbol",
       "Maps given program counters to function names. Counters can be "
       "specified in a GET raw query or POST body, multiple counters are "
       "separated by '+'."},
      {"threadcreate",
       "Stack traces that led to the creation of new OS threads"},
  };
  for (const auto& [k, v] : kDesc) {
    if (k == name) return std::string(v);
  }
  return "";
}

std::string HtmlEscape(absl::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '"':
        out += "&#34;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Go's Index page (indexTmplExecute), byte for byte.
HttpResponse Index() {
  struct Entry {
    std::string name;
    int count;
  };
  std::vector<Entry> entries;
  for (Profile* p : Profiles()) entries.push_back({p->Name(), p->Count()});
  for (const char* n : {"cmdline", "profile", "symbol"}) {
    entries.push_back({n, 0});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  std::string b =
      "<html>\n<head>\n<title>/debug/pprof/</title>\n<style>\n"
      ".profile-name{\n\tdisplay:inline-block;\n\twidth:6rem;\n}\n</style>\n"
      "</head>\n<body>\n/debug/pprof/\n<br>\n<p>Set debug=1 as a query "
      "parameter to export in legacy text format</p>\n<br>\nTypes of "
      "profiles available:\n<table>\n<thead><td>Count</td><td>Profile</td>"
      "</thead>\n";
  for (const Entry& e : entries) {
    absl::StrAppend(&b, "<tr><td>", e.count, "</td><td><a href='", e.name,
                    "?debug=1'>", HtmlEscape(e.name), "</a></td></tr>\n");
  }
  b += "</table>\n<a href=\"goroutine?debug=2\">full goroutine stack dump</a>"
       "\n<br>\n<p>\nProfile Descriptions:\n<ul>\n";
  for (const Entry& e : entries) {
    absl::StrAppend(&b, "<li><div class=profile-name>", HtmlEscape(e.name),
                    ": </div> ", HtmlEscape(Description(e.name)), "</li>\n");
  }
  b += "</ul>\n</p>\n</body>\n</html>";
  HttpResponse r;
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.body = std::move(b);
  return r;
}

// Go's Cmdline: os.Args joined by NUL.
HttpResponse Cmdline() {
  std::string data;
  int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, n);
    close(fd);
  }
  if (!data.empty() && data.back() == '\0') data.pop_back();
  return Text(std::move(data));
}

// Go's Profile: a CPU profile of `seconds` (default 30).
HttpResponse CPUProfile(const HttpRequest& req, const SleepFn& sleep) {
  int64_t sec = 30;
  std::optional<std::string> v = QueryValue(req.raw_query, "seconds");
  if (v && !v->empty()) {
    if (!absl::SimpleAtoi(*v, &sec) || sec <= 0) {
      return Error(400, absl::StrCat("invalid value \"", *v,
                                     "\" for seconds: must be a positive "
                                     "integer"));
    }
    if (sec > kMaxProfileSeconds) {
      return Error(
          400, absl::StrCat("invalid value \"", *v, "\" for seconds: at most ",
                            kMaxProfileSeconds, " seconds"));
    }
  }
  std::ostringstream out;
  if (absl::Status s = StartCPUProfile(out); !s.ok()) {
    return Error(500,
                 absl::StrCat("Could not enable CPU profiling: ", s.message()));
  }
  sleep(absl::Seconds(sec));
  if (absl::Status s = StopCPUProfile(); !s.ok()) {
    return Error(500,
                 absl::StrCat("Could not write CPU profile: ", s.message()));
  }
  HttpResponse r;
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Content-Type", "application/octet-stream");
  r.SetHeader("Content-Disposition", "attachment; filename=\"profile\"");
  r.body = out.str();
  return r;
}

// Go's Symbol: "num_symbols: 1", then "<pc> <name>" per known PC.
HttpResponse Symbol(const HttpRequest& req, absl::string_view body) {
  std::string out = "num_symbols: 1\n";
  absl::string_view in = req.method == "POST" ? body : req.raw_query;
  for (absl::string_view word : absl::StrSplit(in, '+')) {
    word = absl::StripAsciiWhitespace(word);
    uint64_t pc = 0;
    std::string w(word);
    bool ok = absl::StartsWithIgnoreCase(w, "0x")
                  ? absl::SimpleHexAtoi(w.substr(2), &pc)
                  : absl::SimpleAtoi(w, &pc);
    if (!ok || pc == 0) continue;
    std::vector<go::runtime::internal::Frame> frames =
        go::runtime::internal::Symbolize(static_cast<uintptr_t>(pc));
    const auto& f = frames.back();  // the physical function, as FuncForPC
    if (f.function.empty()) continue;
    absl::StrAppend(&out, "0x", absl::Hex(pc), " ", f.function, "\n");
  }
  return Text(std::move(out));
}

// Go's handler(name).ServeHTTP for a named profile.
HttpResponse Named(const std::string& name, const HttpRequest& req) {
  Profile* p = Lookup(name);
  if (p == nullptr) {
    if (name == "trace") {
      return Error(501, "execution traces are not supported by this runtime");
    }
    return Error(404, "Unknown profile");
  }
  if (std::optional<std::string> sec = QueryValue(req.raw_query, "seconds");
      sec && !sec->empty()) {
    return Error(400, absl::StrCat("delta profiles (", name,
                                   "?seconds=) are not supported"));
  }
  int debug = 0;
  if (std::optional<std::string> d = QueryValue(req.raw_query, "debug")) {
    if (!absl::SimpleAtoi(*d, &debug)) debug = 0;  // Go ignores the error
  }
  HttpResponse r;
  r.SetHeader("X-Content-Type-Options", "nosniff");
  if (debug != 0) {
    r.SetHeader("Content-Type", kText);
  } else {
    r.SetHeader("Content-Type", "application/octet-stream");
    r.SetHeader("Content-Disposition",
                absl::StrCat("attachment; filename=\"", name, "\""));
  }
  std::ostringstream out;
  if (absl::Status s = p->WriteTo(out, debug); !s.ok()) {
    return Error(500, absl::StrCat("Could not write profile: ", s.message()));
  }
  r.body = out.str();
  return r;
}

}  // namespace

HttpResponse ServeDebugPprof(const HttpRequest& req, absl::string_view body,
                             const SleepFn& sleep) {
  absl::string_view path = req.path;
  if (path == "/debug/pprof") {
    // Go's ServeMux redirects a subtree's root without its slash.
    HttpResponse r;
    r.status = 301;
    std::string loc = "/debug/pprof/";
    if (!req.raw_query.empty()) absl::StrAppend(&loc, "?", req.raw_query);
    r.SetHeader("Location", loc);
    r.SetHeader("Content-Type", "text/html; charset=utf-8");
    r.body = absl::StrCat("<a href=\"", loc, "\">Moved Permanently</a>.\n\n");
    return r;
  }
  if (!absl::ConsumePrefix(&path, kPrefix)) {
    HttpResponse r = Text("404 page not found\n");
    r.status = 404;
    return r;
  }
  bool is_post = req.method == "POST";
  if (req.method != "GET" && req.method != "HEAD" &&
      !(is_post && path == "symbol")) {
    HttpResponse r = Error(405, "Method Not Allowed");
    r.SetHeader("Allow", path == "symbol" ? "GET, HEAD, POST" : "GET, HEAD");
    return r;
  }
  if (path.empty()) return Index();
  if (path == "cmdline") return Cmdline();
  if (path == "profile") return CPUProfile(req, sleep);
  if (path == "symbol") return Symbol(req, body);
  return Named(std::string(path), req);
}

}  // namespace go::pprof::internal
