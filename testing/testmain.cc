// M.Run (Go's testing.M): checks the run-time flags, lists (-list), shuffles
// (-shuffle), runs the tests once per -cpu value and -count, then the
// examples, and prints PASS or FAIL. Also RunMain, the body of //testing:main's
// main().

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "testing/bazel_env.h"
#include "testing/benchmark_state.h"
#include "testing/chatty.h"
#include "testing/flag.h"
#include "testing/json.h"
#include "testing/junit.h"
#include "testing/profile_hooks.h"
#include "testing/rand.h"
#include "testing/registry.h"
#include "testing/state.h"
#include "testing/strconv.h"

namespace go::testing {

namespace internal {
namespace {

std::string Prefix() {
  return G().flags.test2json ? std::string(1, kMarker) : "";
}

[[noreturn]] void Die(const std::string& msg, int code) {
  WriteStderr(msg);
  fflush(stdout);
  _exit(code);
}

void ListTests() {
  auto filter = ListFilter::Create(G().flags.list);
  if (!filter.ok()) Die(std::string(filter.status().message()) + "\n", 1);
  const Registry& r = GetRegistry();
  std::string out;
  for (const TestEntry& e : r.tests) {
    if (filter->Matches(e.name)) absl::StrAppend(&out, e.name, "\n");
  }
  for (const BenchmarkEntry& e : r.benchmarks) {
    if (filter->Matches(e.name)) absl::StrAppend(&out, e.name, "\n");
  }
  for (const ExampleEntry& e : r.examples) {
    if (filter->Matches(e.name)) absl::StrAppend(&out, e.name, "\n");
  }
  WriteStdout(out);
}

std::unique_ptr<Matcher> NewMatcher() {
  auto m = Matcher::Create(G().flags.run, "-test.run", G().flags.skip);
  if (!m.ok()) Die(std::string(m.status().message()) + "\n", 1);
  return std::move(*m);
}

// Go's runTests.
void RunTests(const std::vector<TestEntry>& tests, const std::vector<int>& cpus,
              std::optional<absl::Time> deadline, bool* ran_out, bool* ok_out) {
  bool ok = true;
  bool ran = false;
  const Flags& flags = G().flags;
  for (int procs : cpus) {
    runtime::GOMAXPROCS(procs);
    for (uint64_t i = 0; i < flags.count; i++) {
      if (ShouldFailFast()) break;
      if (i > 0 && !ran) break;
      // Never freed: goroutines a test leaked may still hold its T.
      RunContext* ctx = new RunContext;
      ctx->match = NewMatcher();
      ctx->max_parallel = flags.parallel;
      ctx->deadline = deadline;
      State* root = new State;
      root->ctx = ctx;
      if (flags.verbose) root->chatty = new Chatty(flags.test2json);
      Closure body;
      body.obj = const_cast<std::vector<TestEntry>*>(&tests);
      body.call = [](void* obj, T* t) {
        for (const TestEntry& e : *static_cast<std::vector<TestEntry>*>(obj))
          t->Run(e.name, e.fn);
      };
      body.destroy = [](void*) {};
      TRunner(root, body);
      bool signal;
      if (!root->signal.TryRecv(&signal)) {
        Die("panic: internal error: tRunner exited without sending on "
            "t.signal\n",
            2);
      }
      ok = ok && !root->Failed();
      std::lock_guard<std::mutex> l(root->mu);
      ran = ran || root->ran;
    }
  }
  *ran_out = ran;
  *ok_out = ok;
}

// Go's example.go processRunResult: compares the trimmed output.
bool ExampleResult(const ExampleEntry& eg, const std::string& stdout_text,
                   int64_t spent) {
  std::string fail;
  std::string got(TrimSpace(stdout_text));
  std::string want(TrimSpace(eg.output));
  if (eg.unordered) {
    std::vector<std::string> g = absl::StrSplit(got, '\n');
    std::vector<std::string> w = absl::StrSplit(want, '\n');
    std::sort(g.begin(), g.end());
    std::sort(w.begin(), w.end());
    if (g != w)
      fail = absl::StrCat("got:\n", stdout_text, "\nwant (unordered):\n",
                          eg.output, "\n");
  } else if (got != want) {
    fail = absl::StrCat("got:\n", got, "\nwant:\n", want, "\n");
  }
  bool passed = fail.empty();
  std::string out;
  if (!passed) {
    out = absl::StrCat(Prefix(), "--- FAIL: ", eg.name, " (",
                       FmtDuration(spent), ")\n", fail);
  } else if (G().flags.verbose) {
    out = absl::StrCat(Prefix(), "--- PASS: ", eg.name, " (",
                       FmtDuration(spent), ")\n");
  }
  if (G().flags.verbose && G().flags.test2json)
    absl::StrAppend(&out, Prefix(), "=== NAME   \n");
  WriteStdout(out);
  JUnitExample(eg.name, passed, spent, fail);
  return passed;
}

// Go's runExample: runs the example with stdout redirected into a pipe.
bool RunExample(const ExampleEntry& eg) {
  if (G().flags.verbose)
    WriteStdout(absl::StrCat(Prefix(), "=== RUN   ", eg.name, "\n"));
  fflush(stdout);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) Die("testing: pipe failed\n", 1);
  int saved = dup(1);
  dup2(fds[1], 1);
  close(fds[1]);
  std::string captured;
  std::thread reader([&captured, fd = fds[0]] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      captured.append(buf, static_cast<size_t>(n));
    close(fd);
  });
  auto restore = [&] {
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    reader.join();
  };
  int64_t start = Nanotime();
  try {
    eg.fn();
  } catch (...) {
    std::string what = runtime::internal::DescribeCurrentException();
    int64_t spent = Nanotime() - start;
    restore();
    WriteStdout(absl::StrCat(Prefix(), "--- FAIL: ", eg.name, " (",
                             FmtDuration(spent), ")\n"));
    fflush(stdout);
    throw runtime::Panic(what + " [recovered, repanicked]");
  }
  int64_t spent = Nanotime() - start;
  restore();
  return ExampleResult(eg, captured, spent);
}

void RunExamples(bool* ran_out, bool* ok_out) {
  bool ran = false;
  bool ok = true;
  std::unique_ptr<Matcher> m = NewMatcher();
  for (const ExampleEntry& eg : GetRegistry().examples) {
    if (!m->FullName(std::nullopt, eg.name).ok) continue;
    ran = true;
    if (!RunExample(eg)) ok = false;
  }
  *ran_out = ran;
  *ok_out = ok;
}

}  // namespace
}  // namespace internal

using internal::G;

int M::Run() {
  const Flags& flags = G().flags;
  int gomaxprocs = runtime::GOMAXPROCS(0);
  if (auto err = CheckParallel(flags, G().program, gomaxprocs)) {
    internal::WriteStderr(err->message);
    return exit_code_ = err->exit_code;
  }
  if (!flags.list.empty()) {
    internal::ListTests();
    return exit_code_ = 0;
  }
  std::vector<internal::TestEntry> tests = internal::GetRegistry().tests;
  std::vector<internal::BenchmarkEntry> benchmarks =
      internal::GetRegistry().benchmarks;
  ShuffleResult shuffle = ParseShuffle(flags.shuffle);
  if (shuffle.error) {
    internal::WriteStderr(shuffle.error->message);
    return exit_code_ = shuffle.error->exit_code;
  }
  if (shuffle.seed) {
    internal::WriteStdout(absl::StrCat("-test.shuffle ", *shuffle.seed, "\n"));
    internal::GoRand rng(*shuffle.seed);
    rng.Shuffle(tests);
    rng.Shuffle(benchmarks);
  }
  CpuListResult cpus = ParseCpuList(flags.cpu, gomaxprocs);
  if (cpus.error) internal::Die(cpus.error->message, cpus.error->exit_code);
  // Go's m.before() and deferred m.after(): profiles span everything below.
  internal::ProfileScope profiles(flags);

  std::optional<absl::Time> deadline;
  if (flags.timeout > absl::ZeroDuration())
    deadline = absl::Now() + flags.timeout;
  internal::StartAlarm(flags.timeout);
  G().tests_running.store(true);
  bool test_ran, test_ok, example_ran, example_ok;
  internal::RunTests(tests, cpus.cpus, deadline, &test_ran, &test_ok);
  internal::RunExamples(&example_ran, &example_ok);
  internal::StopAlarm();
  if (!test_ran && !example_ran && flags.bench.empty()) {
    internal::WriteStderr("testing: warning: no tests to run\n");
  }
  // As Go: no benchmarks after a failed test or example, and no -timeout
  // for them.
  bool bench_ok =
      test_ok && example_ok && internal::RunBenchmarks(benchmarks, cpus.cpus);
  G().tests_running.store(false);
  internal::FinishBazelProtocol();  // the JUnit XML; a normal end
  if (!bench_ok) {
    internal::WriteStdout(internal::Prefix() + "FAIL\n");
    return exit_code_ = 1;
  }
  internal::WriteStdout(internal::Prefix() + "PASS\n");
  return exit_code_ = 0;
}

int RunMain(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  int gomaxprocs = runtime::GOMAXPROCS(0);
  FlagParseResult parsed = ParseFlags(argc, argv, gomaxprocs);
  if (parsed.exit_code) {
    internal::WriteStderr(parsed.message);
    return *parsed.exit_code;
  }
  G().flags = parsed.flags;
  G().program = argc > 0 ? argv[0] : "test";
  G().flags_parsed = true;
  if (G().flags.json && !G().flags.test2json)
    return internal::RunJSON(argc, argv);
  if (G().flags.test2json) {
    // As Go: stderr shares stdout's pipe so that test2json sees both in order.
    fflush(stderr);
    dup2(1, 2);
  }
  if (auto exit_code = internal::StartBazelProtocol(G().program.c_str()))
    return *exit_code;
  int code = runtime::Run([] {
    internal::InstallPanicHandler();
    internal::InstallExitCheck();
    M m;
    const internal::Registry& r = internal::GetRegistry();
    int code = r.main != nullptr ? r.main(&m) : m.Run();
    fflush(stdout);
    return code;
  });
  internal::FinishBazelProtocol();  // a TestMain that did not call m.Run()
  fflush(stdout);
  return code;
}

}  // namespace go::testing
