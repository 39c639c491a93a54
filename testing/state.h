// The harness's internal state of one test (Go's testing.common and T fields)
// and of one run of the tests (Go's testState), shared by the runner
// (runner.cc), T's methods (common.cc), the panic path (panic.cc), the leak
// check and the -timeout alarm. Not for users: testing.h is the API.

#ifndef GOTEST_TESTING_STATE_H_
#define GOTEST_TESTING_STATE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "runtime/context.h"
#include "testing/flag.h"
#include "testing/match.h"
#include "testing/testing.h"
#include "testing/wait.h"

namespace go::testing::internal {

class Chatty;
struct JUnitEntry;  // junit.cc

// Go's testState: shared by all tests of one run (one -count/-cpu round).
struct RunContext {
  std::unique_ptr<Matcher> match;
  std::optional<absl::Time> deadline;

  // The -parallel limit (Go's waitParallel/release).
  std::mutex mu;
  Semaphore start_parallel;
  int64_t running = 1;  // the main (sequential) test
  int64_t num_waiting = 0;
  int64_t max_parallel = 1;
  void WaitParallel();
  void Release();
};

// One test or subtest; also the root of a run (parent == nullptr).
struct State {
  State() { t.state_ = this; }
  ~State();

  T t;  // the user's handle: t.state_ == this

  // Guards the fields up to `helper_pcs` (Go's c.mu).
  mutable std::mutex mu;
  std::string output;  // buffered log (non-verbose, or after the test ended)
  bool ran = false;
  bool failed = false;
  bool skipped = false;
  bool done = false;      // the test and all its subtests have completed
  bool finished = false;  // the test function returned (or FailNow/SkipNow)
  std::vector<Closure> cleanups;
  std::vector<uintptr_t> helper_pcs;  // return addresses inside helpers

  Chatty* chatty = nullptr;  // -v
  std::atomic<bool> has_sub{false};
  std::atomic<bool> cleanup_started{false};
  bool is_parallel = false;
  bool deny_parallel = false;  // Setenv/Chdir used
  bool bench = false;  // a benchmark (benchmark_state.h): -v logs go to stdout

  State* parent = nullptr;
  int level = 0;
  std::string name;
  int64_t start = 0;        // monotonic ns
  int64_t duration = 0;     // ns
  Event barrier;            // parallel subtests wait for it
  Mailbox signal;           // tRunner to Run: paused or done (false: abort)
  std::vector<State*> sub;  // parallel subtests
  std::vector<std::unique_ptr<State>> children;  // ownership of subtests
  RunContext* ctx = nullptr;

  // Context(): made on first use, canceled before the cleanups run.
  std::mutex ctx_mu;
  std::optional<context::Context> context;
  context::CancelFunc cancel;

  // TempDir.
  std::mutex temp_mu;
  std::string temp_dir;
  int temp_seq = 0;

  // The goroutine running the test function, and the first goroutine id
  // that could have been created by it (leak check).
  int64_t goid = 0;
  int64_t goid_floor = 0;
  bool panicking = false;       // the panic report is being made
  JUnitEntry* junit = nullptr;  // its JUnit XML record, when one is written

  // Freed by its parent once it and its subtests have reported (Go collects
  // it), unless it is kept: then false (-leakcheck=false, a goroutine it
  // started was still alive at its end, or a subtest of it was kept), as
  // such a goroutine may still use it. Written by the test's goroutine before
  // its final signal, read by the parent after it.
  std::atomic<bool> releasable{true};

  // Membership of the running-tests list (SetRunning), under its lock.
  State* running_prev = nullptr;
  State* running_next = nullptr;
  bool in_running = false;
  int64_t running_since = 0;

  bool Failed() const {
    std::lock_guard<std::mutex> l(mu);
    return failed;
  }
  void Fail();
  void SetRan();
  // Go's flushToParent: the "--- X: name (d)" line plus this test's buffered
  // output, to the parent's buffer (indented) or to stdout.
  void FlushToParent(std::string_view test_name, std::string header);
  // Go's c.log: writes one log entry (already with its file:line prefix).
  void Log(std::string s);
  // Go's runCleanup: cancels the context, runs cleanups LIFO.
  void RunCleanups();
  // Go's destination(): this test if not done, else its nearest not-done
  // ancestor; nullptr if all are done. Locks nothing on return.
  State* Destination();
};

// Process-wide settings, set once by main before the tests run.
struct Globals {
  Flags flags;
  std::string program;
  bool flags_parsed = false;
  bool json_child = false;  // -v=test2json framing
  std::atomic<int64_t> num_failed{0};
  std::atomic<bool> tests_running{false};
  int64_t leak_grace_ns = 100'000'000;
};
Globals& G();

// The -failfast check (Go's shouldFailFast).
bool ShouldFailFast();

// Monotonic clock in ns.
int64_t Nanotime();

// Go's fmtDuration: "%.2fs".
std::string FmtDuration(int64_t ns);

// Running tests (Go's `running` map), for the -timeout report. A state is
// cleared before it is freed.
void SetRunning(State* s, int64_t since);
void ClearRunning(State* s);
std::vector<std::string> RunningList();

// Goroutine id -> test running on it, for the panic path.
void BindGoroutine(int64_t goid, State* s);
void UnbindGoroutine(int64_t goid);
State* StateOfGoroutine(int64_t goid);
// True when every live goroutine is running a test (nothing a test started
// is alive): the leak check's fast path.
bool OnlyTestGoroutines();

// Writes to the process's stdout / stderr in order with user output.
void WriteStdout(std::string_view s);
void WriteStderr(std::string_view s);

// Runs fn on a new goroutine as a test (Go's tRunner).
void TRunner(State* t, Closure fn);

// The file:line: prefix of a log call at loc, honouring Helper().
std::string CallSite(State* s, const std::source_location& loc);

// Fails t if goroutines it started are still alive (beyond Go: -leakcheck).
void CheckLeaks(State* t);

// Installs the terminate handler that turns an exception escaping a test
// into Go's "--- FAIL" lines and panic report.
void InstallPanicHandler();

// Go's doPanic: cleanups of the panicking test, then "--- FAIL" for it and
// its ancestors (running their cleanups).
void FlushPanickingTest(State* t);

// Arms and disarms the -timeout alarm.
void StartAlarm(absl::Duration timeout);
void StopAlarm();

// Turns exit(0) during the tests into Go's panic.
void InstallExitCheck();

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_STATE_H_
