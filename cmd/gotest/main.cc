// gotest: go test for C++ tests built by Bazel.
//
//   gotest [build/test flags] [packages] [build/test flags & test binary flags]
//
// The flow is go test's: split the command line (testflag.h), resolve the
// package patterns (pattern.h) with two `bazel query` calls, build every
// gotest_test target in one `bazel build` (bazel.h), run the binaries at most
// -p at a time (run.h), print each package's output as a unit in package
// order (output.h), and exit 1 if anything failed or did not build, 2 on a
// usage error. See README's driver section for the differences from go test.

#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cmd/gotest/bazel.h"
#include "cmd/gotest/cache.h"
#include "cmd/gotest/exec.h"
#include "cmd/gotest/json.h"
#include "cmd/gotest/output.h"
#include "cmd/gotest/pattern.h"
#include "cmd/gotest/run.h"
#include "cmd/gotest/testflag.h"

extern char** environ;

namespace gotest {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool HasBuildFile(const std::string& dir) {
  return Exists(dir + "/BUILD") || Exists(dir + "/BUILD.bazel");
}

std::string Getwd() {
  // Like Go's os.Getwd: $PWD when it names the current directory.
  char buf[PATH_MAX];
  std::string real = getcwd(buf, sizeof buf) != nullptr ? buf : ".";
  const char* pwd = getenv("PWD");
  if (pwd != nullptr && *pwd == '/') {
    struct stat a, b;
    if (stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
      return CleanPath(pwd);
    }
  }
  return real;
}

int NumCPU() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// A query expression naming one target pattern.
std::string Quote(absl::string_view pattern) {
  return absl::StrCat("\"", pattern, "\"");
}

// Build output lines worth showing: the compiler's, without the sandbox's
// debug chatter (Bazel's --sandbox_debug lines) that a stderr file may hold.
std::string CleanBuildOutput(absl::string_view text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StrContains(line, ": src/main/tools/") && !line.empty() &&
        line[0] >= '0' && line[0] <= '9') {
      continue;
    }
    absl::StrAppend(&out, line, "\n");
  }
  while (absl::EndsWith(out, "\n\n")) out.pop_back();
  if (out == "\n") out.clear();
  return out;
}

// go test -json's build events (cmd/go's BuildEvent): not test2json events.
std::string BuildEvent(absl::string_view import_path, absl::string_view action,
                       std::optional<absl::string_view> output) {
  std::string js = absl::StrCat("{\"ImportPath\":", JsonString(import_path),
                                ",\"Action\":", JsonString(action));
  if (output) absl::StrAppend(&js, ",\"Output\":", JsonString(*output));
  return js + "}\n";
}

// Writes `from` to `to` as an executable copy (-c).
bool CopyBinary(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::copy_file(
      from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    std::cerr << "gotest: " << ec.message() << ": " << to << "\n";
    return false;
  }
  std::filesystem::permissions(to,
                               std::filesystem::perms::owner_all |
                                   std::filesystem::perms::group_read |
                                   std::filesystem::perms::group_exec |
                                   std::filesystem::perms::others_read |
                                   std::filesystem::perms::others_exec,
                               ec);
  return true;
}

int Main(int argc, char** argv) {
  // Under `bazel run //cmd/gotest -- ...` work where the user typed it.
  if (const char* wd = getenv("BUILD_WORKING_DIRECTORY");
      wd != nullptr && *wd != '\0') {
    if (chdir(wd) == 0) setenv("PWD", wd, 1);
  }
  SplitResult split =
      SplitArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (split.exit_code.has_value()) {
    std::cerr << split.message;
    return *split.exit_code;
  }
  const DriverFlags& d = split.driver;
  const bool local_mode = split.packages.empty();

  std::string bazel_name = "bazel";
  if (const char* b = getenv("GOTEST_BAZEL"); b != nullptr && *b != '\0')
    bazel_name = b;
  std::string bazel_path = LookPath(bazel_name);
  if (bazel_path.empty()) {
    std::cerr << "gotest: " << bazel_name
              << " not found in $PATH: install Bazel (Debian: apt-get install "
                 "bazel-bootstrap, "
                 "or run tools/install-deps.sh of the gotest repository)\n";
    return 1;
  }
  std::string cwd = Getwd();
  std::string root = FindWorkspaceRoot(cwd);
  if (root.empty()) {
    std::cerr
        << "gotest: no WORKSPACE file in " << cwd
        << " or any parent directory: run gotest inside a Bazel workspace\n";
    return 1;
  }

  int status = 0;
  std::vector<std::string> args = split.packages;
  if (local_mode) args = {"."};
  std::vector<Pattern> patterns;
  for (const std::string& arg : args) {
    Pattern p = MapPattern(arg, cwd, root);
    std::string abs_dir = p.dir.empty() ? root : absl::StrCat(root, "/", p.dir);
    if (p.error.empty() && p.is_dir && !IsDir(abs_dir)) {
      p.error = p.recursive ? absl::StrCat("pattern ", arg, ": lstat ",
                                           arg.substr(0, arg.size() - 3),
                                           ": no such file or directory")
                            : absl::StrCat("directory ", arg, " not found");
    } else if (p.error.empty() && p.is_dir && !p.recursive &&
               !HasBuildFile(abs_dir)) {
      p.error = absl::StrCat("no BUILD file in ", abs_dir);
    }
    if (!p.error.empty()) {
      // go test's "setup failed" for a package it cannot load.
      std::cerr << "# " << arg << "\n" << p.error << "\n";
      if (d.json) {
        TestEvent e;
        e.time = NowRFC3339Nano();
        e.action = "start";
        e.package = arg;
        std::cout << FormatEvent(e);
        e.time = NowRFC3339Nano();
        e.action = "output";
        e.output = absl::StrCat("FAIL\t", arg, " [setup failed]\n");
        std::cout << FormatEvent(e);
        e.time = NowRFC3339Nano();
        e.action = "fail";
        e.output.reset();
        e.elapsed = 0;
        e.failed_build = arg;
        std::cout << FormatEvent(e);
      } else {
        std::cout << "FAIL\t" << arg << " [setup failed]\n";
      }
      status = 1;
      continue;
    }
    patterns.push_back(std::move(p));
  }

  Bazel bazel(bazel_path, root, d.x);
  std::set<std::string> packages;
  std::map<std::string, std::vector<std::string>>
      gotest_targets;  // package -> labels
  std::vector<std::string> selected;
  if (!patterns.empty()) {
    std::vector<std::string> query_patterns, wide_patterns;
    for (const Pattern& p : patterns) {
      query_patterns.push_back(Quote(p.bazel));
      // The whole package of a single target: DisplayName counts its targets.
      wide_patterns.push_back(
          Quote(p.recursive ? p.bazel : absl::StrCat("//", p.dir, ":all")));
    }
    absl::StatusOr<Bazel::QueryResult> pkgs =
        bazel.Query(absl::StrJoin(query_patterns, " + "), "package");
    if (!pkgs.ok()) {
      std::cerr << pkgs.status().message();
      return 1;
    }
    if (!pkgs->errors.empty()) {
      std::cerr << pkgs->errors;
      status = 1;
    }
    absl::StatusOr<Bazel::QueryResult> tests =
        bazel.Query(absl::StrCat("attr(tags, \"\\bgotest\\b\", tests(",
                                 absl::StrJoin(wide_patterns, " + "), "))"),
                    "label");
    if (!tests.ok()) {
      std::cerr << tests.status().message();
      return 1;
    }
    for (const std::string& label : tests->lines) {
      gotest_targets[LabelPackage(label)].push_back(label);
    }
    for (const Pattern& p : patterns) {
      bool matched = false;
      for (const std::string& pkg : pkgs->lines) {
        if (PatternMatchesPackage(p, pkg)) {
          packages.insert(pkg);
          matched = true;
        }
      }
      if (!p.recursive && p.is_dir) {
        packages.insert(
            p.dir);  // a BUILD file without targets is a package too
        matched = true;
      }
      for (const auto& [pkg, labels] : gotest_targets) {
        for (const std::string& label : labels) {
          bool target_pattern = !p.recursive &&
                                !absl::EndsWith(p.bazel, ":all") &&
                                !absl::EndsWith(p.bazel, ":*") &&
                                !absl::EndsWith(p.bazel, ":all-targets");
          bool sel =
              target_pattern ? label == p.bazel : PatternMatchesPackage(p, pkg);
          if (sel) {
            selected.push_back(label);
            packages.insert(pkg);
            matched = true;
          }
        }
      }
      if (!matched) {
        std::cerr << "gotest: warning: \"" << p.arg
                  << "\" matched no packages\n";
      }
    }
  }
  std::sort(selected.begin(), selected.end());
  selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
  if (packages.empty()) {
    if (status == 0) {
      std::cerr << "no packages to test\n";
    } else if (!d.json && !local_mode) {
      std::cout << "FAIL\n";
    }
    return 1;
  }
  if (!d.profile.empty() && packages.size() > 1) {
    std::cerr << "cannot use " << d.profile << " flag with multiple packages\n";
    return 1;
  }

  // The jobs, in package order.
  std::vector<PackageJob> jobs;
  std::map<std::string, size_t> job_of_label;
  for (const std::string& pkg : packages) {
    std::vector<std::string> mine;
    for (const std::string& label : selected) {
      if (LabelPackage(label) == pkg) mine.push_back(label);
    }
    if (mine.empty()) {
      PackageJob j;
      j.kind = PackageJob::Kind::kNoTestFiles;
      j.name = PackageDisplayName(pkg);
      jobs.push_back(std::move(j));
      continue;
    }
    int count = static_cast<int>(gotest_targets[pkg].size());
    for (const std::string& label : mine) {
      PackageJob j;
      j.name = DisplayName(label, count);
      job_of_label[label] = jobs.size();
      jobs.push_back(std::move(j));
    }
  }
  if (d.c && !d.o.empty() && selected.size() > 1 && !IsDir(d.o) &&
      !absl::EndsWith(d.o, "/") && d.o != "/dev/null") {
    std::cerr << "with multiple packages, -o must refer to a directory or "
                 "/dev/null\n";
    return 1;
  }

  // One build of everything.
  std::string temp_dir = absl::StrCat(P_tmpdir, "/gotest-XXXXXX");
  if (const char* t = getenv("TMPDIR"); t != nullptr && *t == '/') {
    temp_dir = absl::StrCat(t, "/gotest-XXXXXX");
  }
  if (mkdtemp(temp_dir.data()) == nullptr) {
    std::cerr << "gotest: cannot create a temporary directory: "
              << strerror(errno) << "\n";
    return 1;
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{temp_dir};

  if (!selected.empty()) {
    std::vector<std::string> flags = BazelBuildFlags(d);
    absl::StatusOr<Bazel::BuildResult> built =
        bazel.Build(selected, flags, temp_dir);
    if (!built.ok()) {
      std::cerr << "gotest: " << built.status().message() << "\n";
      return 1;
    }
    std::set<std::string> shown;
    std::string first_failed;
    for (const Bazel::FailedAction& fa : built->failed_actions) {
      std::string text = CleanBuildOutput(fa.output);
      if (!shown.insert(fa.label + "\n" + text).second) continue;
      if (first_failed.empty()) first_failed = fa.label;
      std::string header = absl::StrCat("# ", fa.label, "\n");
      if (d.json) {
        std::cout << BuildEvent(fa.label, "build-output", header);
        for (absl::string_view line :
             absl::StrSplit(text, '\n', absl::SkipEmpty())) {
          std::cout << BuildEvent(fa.label, "build-output",
                                  absl::StrCat(line, "\n"));
        }
        std::cout << BuildEvent(fa.label, "build-fail", std::nullopt);
      } else {
        std::cout.flush();
        std::cerr << header << text;
      }
    }
    bool any_failed = false;
    for (const std::string& label : selected) {
      PackageJob& j = jobs[job_of_label[label]];
      auto it = built->targets.find(label);
      if (it != built->targets.end() && it->second.built) {
        j.binary = it->second.binary;
      } else {
        j.kind = PackageJob::Kind::kBuildFailed;
        j.failed_build = first_failed.empty() ? label : first_failed;
        any_failed = true;
      }
    }
    if (any_failed && built->failed_actions.empty())
      std::cerr << built->stderr_text;
  }

  if (d.c) {
    // -c: write <name>.test for each binary (go test -c).
    for (const PackageJob& j : jobs) {
      if (j.kind == PackageJob::Kind::kBuildFailed) {
        std::cout << "FAIL\t" << j.name << " [build failed]\n";
        status = 1;
      }
      if (j.kind != PackageJob::Kind::kRun || d.o == "/dev/null") continue;
      std::string base = absl::StrCat(LabelName(j.name), ".test");
      if (!absl::StrContains(j.name, ':')) {
        absl::string_view n = j.name;
        base = absl::StrCat(n.substr(n.rfind('/') + 1), ".test");
      }
      std::string to = base;
      if (!d.o.empty())
        to = IsDir(d.o) || absl::EndsWith(d.o, "/") ? d.o + "/" + base : d.o;
      if (!CopyBinary(j.binary, to)) status = 1;
    }
    return status;
  }

  RunOptions opts;
  opts.json = d.json;
  opts.show_pass = d.verbose || !d.list.empty() || d.test_help;
  opts.stream_output = local_mode || !d.bench.empty();
  int p = d.p > 0 ? d.p : NumCPU();
  if (!d.bench.empty()) p = 1;  // benchmarks run one package at a time
  opts.stream_and_cache =
      (opts.show_pass && (jobs.size() == 1 || p == 1)) || d.json;
  opts.test_args = split.test_args;
  std::optional<std::vector<std::string>> cache_args =
      CacheableArgs(split.test_args);
  ResultCache cache(ResultCache::DefaultDir());
  opts.cache_results = !local_mode && cache_args.has_value();
  if (cache_args) opts.cache_args = *cache_args;
  opts.cache = &cache;
  opts.exec = d.exec;
  opts.keyed_env = KeyedEnvironment(environ);
  if (d.timeout > absl::ZeroDuration() && d.bench.empty()) {
    opts.kill_timeout = d.timeout + absl::Minutes(1);
  }
  opts.workspace_name = WorkspaceName(root);
  opts.workspace_root = root;
  opts.temp_dir = temp_dir;
  opts.trace = d.x;
  if (const char* g = getenv("GODEBUG"); g != nullptr) {
    opts.debug_cache = absl::StrContains(g, "gocachetest=1");
  }

  OrderedOutput out(jobs.size(), stdout);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{status != 0};
  std::atomic<bool> stop{false};  // -failfast after a failure
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      if (stop.load()) {
        out.Finish(i);
        continue;
      }
      bool ok = RunPackage(jobs[i], opts,
                           [&](absl::string_view s) { out.Write(i, s); });
      if (!ok) {
        failed = true;
        if (d.failfast) stop = true;
      }
      out.Finish(i);
    }
  };
  std::vector<std::thread> threads;
  for (int k = 0; k < p && k < static_cast<int>(jobs.size()); k++)
    threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  fflush(stdout);
  if (failed) status = 1;
  if (status != 0 && !d.json && !local_mode) {
    std::cout << "FAIL\n";
  }
  std::cout.flush();
  return status;
}

}  // namespace
}  // namespace gotest

int main(int argc, char** argv) { return gotest::Main(argc, argv); }
