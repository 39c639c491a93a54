#include "cmd/gotest/run.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cmd/gotest/exec.h"
#include "cmd/gotest/json.h"
#include "cmd/gotest/sha256.h"
#include "testing/duration.h"

extern char** environ;

namespace gotest {
namespace {

double SecondsSince(const struct timespec& t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec - t0.tv_sec) +
         static_cast<double>(now.tv_nsec - t0.tv_nsec) / 1e9;
}

// test2json's package Elapsed: seconds rounded to the millisecond.
double RoundMillis(double s) { return std::round(s * 1000) / 1000; }

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Whether `kv` is a variable of Bazel's test protocol (or one the driver sets
// itself), which a binary run by the driver must not inherit.
bool IsTestProtocolVar(absl::string_view kv) {
  static constexpr absl::string_view kPrefixes[] = {
      "TEST_",
      "TESTBRIDGE_",
      "GTEST_",
      "XML_OUTPUT_FILE=",
      "RUNFILES_",
      "JAVA_RUNFILES=",
      "GOTEST_PACKAGE=",
      "PWD=",
      "BUILD_WORKSPACE_DIRECTORY=",
      "BUILD_WORKING_DIRECTORY="};
  for (absl::string_view p : kPrefixes) {
    if (absl::StartsWith(kv, p)) return true;
  }
  return false;
}

// Replaces the Time of a stored event line with the current time, as a
// re-conversion of cached output would stamp it.
std::string Restamp(absl::string_view line) {
  constexpr absl::string_view kTime = "{\"Time\":\"";
  if (!absl::StartsWith(line, kTime)) return std::string(line);
  size_t end = line.find('"', kTime.size());
  if (end == absl::string_view::npos) return std::string(line);
  return absl::StrCat(kTime, NowRFC3339Nano(), line.substr(end));
}

}  // namespace

std::vector<std::string> TestEnvironment(
    char** environ, const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; e++) {
    if (!IsTestProtocolVar(*e)) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

void JsonMerger::Write(absl::string_view chunk) {
  partial_.append(chunk.data(), chunk.size());
  size_t start = 0;
  while (true) {
    size_t nl = partial_.find('\n', start);
    if (nl == std::string::npos) break;
    Line(absl::string_view(partial_).substr(start, nl + 1 - start));
    start = nl + 1;
  }
  partial_.erase(0, start);
}

void JsonMerger::Flush() {
  if (!partial_.empty()) Line(partial_);
  partial_.clear();
}

void JsonMerger::Line(absl::string_view line) {
  absl::string_view body = line;
  absl::ConsumeSuffix(&body, "\n");
  if (absl::StartsWith(body, "{")) {
    std::optional<JsonValue> ev = ParseJson(body);
    if (ev.has_value() && ev->kind == JsonValue::Kind::kObject &&
        ev->Get("Action") != nullptr) {
      std::string action = ev->GetString("Action");
      bool package_level = ev->Get("Test") == nullptr;
      if (action == "start" ||
          (package_level &&
           (action == "pass" || action == "fail" || action == "skip"))) {
        return;  // the driver writes these itself
      }
      write_(absl::StrCat(body, "\n"));
      return;
    }
  }
  TestEvent e;
  e.time = NowRFC3339Nano();
  e.action = "output";
  e.package = package_;
  // test2json's output lines: a ^V framing marker is not part of the text.
  std::string text(line);
  if (absl::StartsWith(text, "\x16")) text.erase(0, 1);
  e.output = std::move(text);
  write_(FormatEvent(e));
}

bool RunPackage(const PackageJob& job, const RunOptions& opts,
                const std::function<void(absl::string_view)>& write) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  auto event = [&](std::string action, std::optional<double> elapsed,
                   std::string failed_build) {
    TestEvent e;
    e.time = NowRFC3339Nano();
    e.action = std::move(action);
    e.package = job.name;
    e.elapsed = elapsed;
    e.failed_build = std::move(failed_build);
    write(FormatEvent(e));
  };
  JsonMerger merger(job.name, write);
  if (opts.json) event("start", std::nullopt, "");
  // The driver's own lines: text, or output events under -json.
  auto say = [&](absl::string_view text) {
    if (opts.json) {
      merger.Write(text);
      merger.Flush();
    } else {
      write(text);
    }
  };

  switch (job.kind) {
    case PackageJob::Kind::kNoTestFiles:
      say(absl::StrCat("?   \t", job.name, "\t[no test files]\n"));
      if (opts.json) event("skip", 0.0, "");
      return true;
    case PackageJob::Kind::kBuildFailed:
      say(absl::StrCat("FAIL\t", job.name, " [build failed]\n"));
      if (opts.json) event("fail", 0.0, job.failed_build);
      return false;
    case PackageJob::Kind::kRun:
      break;
  }

  // The result cache (package-list mode, cacheable flags only).
  std::string key;
  if (opts.cache_results && opts.cache != nullptr && opts.cache->enabled()) {
    std::string hash = Sha256File(job.binary);
    if (!hash.empty())
      key = CacheKey(hash, opts.cache_args, opts.exec, opts.keyed_env);
    if (opts.debug_cache) {
      std::cerr << "testcache: " << job.name << ": binary " << hash << " args "
                << absl::StrJoin(opts.cache_args, " ") << " => " << key << "\n";
    }
  }
  if (!key.empty()) {
    if (std::optional<std::string> data = opts.cache->Get(key);
        data.has_value()) {
      if (std::optional<std::string> cached = CachedOutput(*data);
          cached.has_value()) {
        if (!opts.json) {
          write(*cached);
          return true;
        }
        std::vector<absl::string_view> lines =
            absl::StrSplit(*cached, '\n', absl::SkipEmpty());
        for (size_t k = 0; k + 1 < lines.size(); k++) {
          merger.Write(absl::StrCat(Restamp(lines[k]), "\n"));
        }
        say(absl::StrCat(lines.back(), "\n"));
        event("pass", RoundMillis(SecondsSince(t0)), "");
        return true;
      }
    }
  }

  // Go's three ways of handling a test's output (runTestActor).
  std::string buf;
  auto sink = [&](absl::string_view s) {
    if (opts.json) {
      merger.Write(s);
      if (!opts.stream_output) buf.append(s.data(), s.size());
    } else if (opts.stream_output) {
      write(s);
    } else if (opts.stream_and_cache) {
      write(s);
      buf.append(s.data(), s.size());
    } else {
      buf.append(s.data(), s.size());
    }
  };

  std::string runfiles = absl::StrCat(job.binary, ".runfiles");
  std::string dir = absl::StrCat(runfiles, "/", opts.workspace_name);
  if (!IsDir(dir)) dir = opts.workspace_root;
  std::string tmp = absl::StrCat(opts.temp_dir, "/tmp-XXXXXX");
  if (mkdtemp(tmp.data()) == nullptr) tmp = opts.temp_dir;
  Command cmd;
  cmd.argv = opts.exec;
  cmd.argv.push_back(job.binary);
  cmd.argv.insert(cmd.argv.end(), opts.test_args.begin(), opts.test_args.end());
  cmd.dir = dir;
  cmd.env = TestEnvironment(
      environ, {
                   absl::StrCat("PWD=", dir),
                   absl::StrCat("GOTEST_PACKAGE=", job.name),
                   absl::StrCat("TEST_SRCDIR=", runfiles),
                   absl::StrCat("RUNFILES_DIR=", runfiles),
                   absl::StrCat("TEST_WORKSPACE=", opts.workspace_name),
                   absl::StrCat("TEST_TMPDIR=", tmp),
               });
  if (opts.trace) std::cerr << CommandLine(cmd.argv) << std::endl;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ExitStatus st = Run(cmd, sink, nullptr, opts.kill_timeout);
  double seconds = SecondsSince(t0);
  if (tmp != opts.temp_dir) {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
  }
  if (opts.json) merger.Flush();
  std::string t = absl::StrFormat("%.3fs", seconds);
  std::string out = buf;

  bool ok = st.Success();
  if (ok) {
    std::string norun;
    constexpr absl::string_view kNoTests =
        "\ntesting: warning: no tests to run\n";
    if (absl::StartsWith(out, kNoTests.substr(1)) ||
        absl::StrContains(out, kNoTests)) {
      norun = " [no tests to run]";
    }
    if (!opts.show_pass && !opts.json) buf.clear();
    if (!out.empty() && out.back() != '\n') sink("\n");
    sink(absl::StrCat("ok  \t", job.name, "\t", t, norun, "\n"));
    if (!key.empty()) opts.cache->Put(key, buf);
  } else {
    if (st.killed_by_deadline) {
      sink(absl::StrCat(
          "*** Test killed: ran too long (",
          go::testing::internal::FormatGoDuration(opts.kill_timeout), ").\n"));
    }
    if (!st.exited || out.empty()) {
      sink(absl::StrCat(st.String(), "\n"));
    } else if (out.back() != '\n') {
      sink("\n");
    }
    sink(absl::StrCat("FAIL\t", job.name, "\t", t, "\n"));
  }
  if (opts.json) {
    merger.Flush();
    event(ok ? "pass" : "fail", RoundMillis(SecondsSince(t0)), "");
  } else if (!opts.stream_output && !opts.stream_and_cache) {
    write(buf);
  }
  return ok;
}

}  // namespace gotest
