// The test runner: Go's tRunner, T.Run and T.Parallel, and the state they
// share (testing.go). Each test runs on its own goroutine; a parent blocks in
// Run until its subtest returns or calls Parallel, and after its own function
// returns it releases its parallel subtests and waits for them before running
// its cleanups and reporting.

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "testing/chatty.h"
#include "testing/duration.h"
#include "testing/junit.h"
#include "testing/state.h"

namespace go::testing::internal {

namespace {

constexpr char kParallelConflict[] =
    "testing: test using t.Setenv, t.Chdir, or cryptotest.SetGlobalRandom can "
    "not use "
    "t.Parallel";

// Go's `running` map as an intrusive list of the running tests' states:
// starting and ending a test allocates nothing. A state leaves the list
// before it can be freed.
std::mutex g_running_mu;
State* g_running = nullptr;

std::mutex g_goroutines_mu;
absl::flat_hash_map<int64_t, State*>* g_goroutines =
    new absl::flat_hash_map<int64_t, State*>;
uint64_t g_bind_seq = 0;  // counts Bind/UnbindGoroutine calls

[[noreturn]] void Throw(std::string msg) {
  throw runtime::Panic(std::move(msg));
}

// Go's indenter: appends text to s->output, each line indented 4 spaces (a
// leading marker byte stays in front).
void Indent(State* s, std::string_view text) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    end = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(0, end);
    if (line[0] == kMarker) {
      s->output.push_back(kMarker);
      line.remove_prefix(1);
    }
    s->output.append("    ");
    s->output.append(line.data(), line.size());
    text.remove_prefix(end);
  }
}

}  // namespace

Globals& G() {
  static Globals* const g = new Globals;
  return *g;
}

bool ShouldFailFast() {
  return G().flags.failfast && G().num_failed.load() > 0;
}

int64_t Nanotime() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::string FmtDuration(int64_t ns) {
  // "%.2f" of ns/1e9 in integers (it runs for every test with -v). Below 1e15
  // ns the double ns/1e9 is within 1e-10 of the exact value, so it rounds as
  // the exact value does, except at an exact tie: printf's choice there is
  // made on the double, so ask printf.
  constexpr int64_t kCenti = 10'000'000;
  if (ns >= 0 && ns < 1'000'000'000'000'000 && ns % kCenti != kCenti / 2) {
    int64_t cs = ns / kCenti + (ns % kCenti > kCenti / 2 ? 1 : 0);
    char buf[32];
    char* end = buf + sizeof buf;
    char* p = end;
    *--p = 's';
    *--p = static_cast<char>('0' + cs % 10);
    *--p = static_cast<char>('0' + cs / 10 % 10);
    *--p = '.';
    int64_t whole = cs / 100;
    do {
      *--p = static_cast<char>('0' + whole % 10);
      whole /= 10;
    } while (whole != 0);
    return std::string(p, end);
  }
  return absl::StrFormat("%.2fs", static_cast<double>(ns) / 1e9);
}

void SetRunning(State* s, int64_t since) {
  std::lock_guard<std::mutex> l(g_running_mu);
  s->running_since = since;
  if (s->in_running) return;
  s->in_running = true;
  s->running_prev = nullptr;
  s->running_next = g_running;
  if (g_running != nullptr) g_running->running_prev = s;
  g_running = s;
}

void ClearRunning(State* s) {
  std::lock_guard<std::mutex> l(g_running_mu);
  if (!s->in_running) return;
  s->in_running = false;
  if (s->running_prev != nullptr) {
    s->running_prev->running_next = s->running_next;
  } else {
    g_running = s->running_next;
  }
  if (s->running_next != nullptr)
    s->running_next->running_prev = s->running_prev;
  s->running_prev = s->running_next = nullptr;
}

std::vector<std::string> RunningList() {
  std::vector<std::string> list;
  int64_t now = Nanotime();
  std::lock_guard<std::mutex> l(g_running_mu);
  for (const State* s = g_running; s != nullptr; s = s->running_next) {
    const std::string& name = s->name;
    // time.Duration.Round(time.Second).
    int64_t d = now - s->running_since;
    int64_t rounded = (d + 500000000) / 1000000000 * 1000000000;
    list.push_back(absl::StrCat(
        name, " (", FormatGoDuration(absl::Nanoseconds(rounded)), ")"));
  }
  std::sort(list.begin(), list.end());
  return list;
}

void BindGoroutine(int64_t goid, State* s) {
  std::lock_guard<std::mutex> l(g_goroutines_mu);
  (*g_goroutines)[goid] = s;
  g_bind_seq++;
}

void UnbindGoroutine(int64_t goid) {
  std::lock_guard<std::mutex> l(g_goroutines_mu);
  g_goroutines->erase(goid);
  g_bind_seq++;
}

bool OnlyTestGoroutines() {
  // A bound goroutine is always a live one (bound in TRunner after its start,
  // unbound before its end), so equal counts at one instant mean every live
  // goroutine is bound. The runtime's count is read between two looks at the
  // bindings; no bind or unbind in between makes it that instant.
  size_t bound;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> l(g_goroutines_mu);
    bound = g_goroutines->size();
    seq = g_bind_seq;
  }
  int live = runtime::NumGoroutine();
  std::lock_guard<std::mutex> l(g_goroutines_mu);
  return seq == g_bind_seq && live >= 0 && static_cast<size_t>(live) == bound;
}

State* StateOfGoroutine(int64_t goid) {
  std::lock_guard<std::mutex> l(g_goroutines_mu);
  auto it = g_goroutines->find(goid);
  return it == g_goroutines->end() ? nullptr : it->second;
}

void WriteStdout(std::string_view s) { fwrite(s.data(), 1, s.size(), stdout); }

void WriteStderr(std::string_view s) {
  fflush(stdout);
  fwrite(s.data(), 1, s.size(), stderr);
  fflush(stderr);
}

void RunContext::WaitParallel() {
  {
    std::lock_guard<std::mutex> l(mu);
    if (running < max_parallel) {
      running++;
      return;
    }
    num_waiting++;
  }
  start_parallel.Acquire();
}

void RunContext::Release() {
  {
    std::lock_guard<std::mutex> l(mu);
    if (num_waiting == 0) {
      running--;
      return;
    }
    num_waiting--;
  }
  start_parallel.Release();  // pick a waiting test to run
}

State::~State() {
  for (Closure& c : cleanups) c.destroy(c.obj);
}

void State::Fail() {
  if (parent != nullptr) parent->Fail();
  std::lock_guard<std::mutex> l(mu);
  if (done) Throw("Fail in goroutine after " + name + " has completed");
  failed = true;
}

void State::SetRan() {
  if (parent != nullptr) parent->SetRan();
  std::lock_guard<std::mutex> l(mu);
  ran = true;
}

void State::FlushToParent(std::string_view test_name, std::string text) {
  State* p = parent;
  std::lock_guard<std::mutex> pl(p->mu);
  std::lock_guard<std::mutex> l(mu);
  if (!output.empty()) {
    text += output;
    output.clear();
  }
  if (chatty != nullptr && (p->parent == nullptr || chatty->json())) {
    // To stdout: atomic with respect to other tests' output
    // (go.dev/issue/40771).
    chatty->Updatef(test_name, text);
  } else if (p->parent == nullptr) {
    WriteStdout(text);
  } else {
    if (chatty != nullptr) text.insert(0, chatty->Prefix());
    Indent(p, text);
  }
}

State* State::Destination() {
  {
    std::lock_guard<std::mutex> l(mu);
    if (!done) return this;
  }
  for (State* p = parent; p != nullptr; p = p->parent) {
    std::lock_guard<std::mutex> l(p->mu);
    if (!p->done) return p;
  }
  return nullptr;
}

void State::Log(std::string s) {
  State* n = Destination();
  if (n == nullptr) {
    Throw("Log in goroutine after " + name + " has completed: " + s);
  }
  std::lock_guard<std::mutex> l(n->mu);
  std::string_view rest = s;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    end = end == std::string_view::npos ? rest.size() : end + 1;
    std::string_view line = rest.substr(0, end);
    if (!n->done && n->chatty != nullptr) {
      std::string indented = "    ";
      indented.append(line.data(), line.size());
      // Benchmarks print no "=== NAME" lines: straight to stdout (Go).
      if (n->bench) {
        WriteStdout(indented);
      } else {
        n->chatty->Printf(n->name, indented);
      }
    } else {
      n->output.append("    ");
      n->output.append(line.data(), line.size());
    }
    rest.remove_prefix(end);
  }
  if (n->junit != nullptr) JUnitLog(n, s);
}

void State::RunCleanups() {
  cleanup_started.store(true);
  {
    std::lock_guard<std::mutex> l(ctx_mu);
    if (cancel) cancel();
  }
  for (;;) {
    Closure c;
    {
      std::lock_guard<std::mutex> l(mu);
      if (cleanups.empty()) break;
      c = cleanups.back();
      cleanups.pop_back();
    }
    struct Destroy {
      Closure c;
      ~Destroy() { c.destroy(c.obj); }
    } destroy{c};
    try {
      c.call0(c.obj);
    } catch (const runtime::GoexitUnwind&) {
      // FailNow/SkipNow in a cleanup ends only that cleanup; the others run.
    }
  }
  cleanup_started.store(false);
}

namespace {

void Report(State* t) {
  if (t->parent == nullptr) return;
  const char* what = nullptr;
  if (t->Failed()) {
    what = "FAIL";
  } else if (t->chatty != nullptr) {
    std::lock_guard<std::mutex> l(t->mu);
    what = t->skipped ? "SKIP" : "PASS";
  }
  if (what == nullptr) return;
  t->FlushToParent(t->name, absl::StrCat("--- ", what, ": ", t->name, " (",
                                         FmtDuration(t->duration), ")\n"));
}

// Frees a finished child's state (Go's garbage collector would, once nothing
// refers to it), unless something may still use it: it is then kept, owned by
// its parent, which is kept too.
void ReleaseChild(State* parent, State* child) {
  if (!child->releasable.load()) {
    parent->releasable.store(false);
    return;
  }
  std::unique_ptr<State> owned;
  {
    std::lock_guard<std::mutex> l(parent->mu);
    auto& kids = parent->children;
    // A sequential subtest is the last one added, but for parallel ones.
    for (auto it = kids.end(); it != kids.begin();) {
      --it;
      if (it->get() == child) {
        owned = std::move(*it);
        kids.erase(it);
        break;
      }
    }
  }
}

// ReleaseChild for all of parent's subtests, once they have all finished
// (after the wait for the parallel ones): one pass.
void ReleaseChildren(State* parent) {
  std::vector<std::unique_ptr<State>> freed;
  std::lock_guard<std::mutex> l(parent->mu);
  auto& kids = parent->children;
  auto keep = std::stable_partition(
      kids.begin(), kids.end(),
      [](const std::unique_ptr<State>& c) { return !c->releasable.load(); });
  freed.assign(std::make_move_iterator(keep),
               std::make_move_iterator(kids.end()));
  kids.erase(keep, kids.end());
  if (!kids.empty()) parent->releasable.store(false);
}

}  // namespace

void TRunner(State* t, Closure fn) {
  t->goid = runtime::GoID();
  BindGoroutine(t->goid, t);
  if (t->parent != nullptr && JUnitEnabled()) JUnitStart(t);
  t->start = Nanotime();
  bool exited = false;
  try {
    fn.call(fn.obj, &t->t);
  } catch (const runtime::GoexitUnwind&) {
    exited = true;
  }
  if (!exited) {
    std::lock_guard<std::mutex> l(t->mu);
    t->finished = true;
  }
  if (t->sub.empty()) t->RunCleanups();

  if (t->Failed()) G().num_failed.fetch_add(1);
  bool signal = true;
  bool finished;
  {
    std::lock_guard<std::mutex> l(t->mu);
    finished = t->finished;
  }
  if (!finished) {
    // Goexit other than by FailNow/SkipNow.
    bool err = true;
    for (State* p = t->parent; p != nullptr; p = p->parent) {
      bool p_finished;
      {
        std::lock_guard<std::mutex> l(p->mu);
        p_finished = p->finished;
      }
      if (p_finished) {
        if (!t->is_parallel) {
          t->t.Errorf("%s: subtest may have called FailNow on a parent test",
                      "test executed panic(nil) or runtime.Goexit");
          err = false;
        }
        signal = false;
        break;
      }
    }
    if (err) {
      // Go's doPanic(errNilPanicOrGoexit): the runtime's panic report, with
      // this goroutine's stack, after the "--- FAIL" lines.
      t->panicking = true;
      FlushPanickingTest(t);
      Throw("test executed panic(nil) or runtime.Goexit");
    }
  }

  t->duration += Nanotime() - t->start;
  if (!t->sub.empty()) {
    t->ctx->Release();
    ClearRunning(t);
    t->barrier.Fire();
    for (State* sub : t->sub) sub->signal.Recv();
    t->sub.clear();
    ReleaseChildren(t);
    int64_t cleanup_start = Nanotime();
    SetRunning(t, cleanup_start);
    t->RunCleanups();
    t->duration += Nanotime() - cleanup_start;
    if (!t->is_parallel) t->ctx->WaitParallel();
  } else if (t->is_parallel) {
    t->ctx->Release();
  }
  if (t->parent != nullptr) {
    if (G().flags.leakcheck) {
      CheckLeaks(t);
    } else {
      t->releasable.store(false);  // goroutines it started may still use it
    }
  }
  Report(t);
  if (t->junit != nullptr) JUnitEnd(t);
  {
    std::lock_guard<std::mutex> l(t->mu);
    t->done = true;
  }
  if (t->parent != nullptr && !t->has_sub.load()) t->SetRan();
  ClearRunning(t);
  UnbindGoroutine(t->goid);
  fn.destroy(fn.obj);
  t->signal.Send(signal);
}

void FlushPanickingTest(State* t) {
  t->Fail();
  t->RunCleanups();
  for (State* root = t; root->parent != nullptr; root = root->parent) {
    int64_t d;
    {
      std::lock_guard<std::mutex> l(root->mu);
      root->duration += Nanotime() - root->start;
      d = root->duration;
    }
    root->FlushToParent(root->name, absl::StrCat("--- FAIL: ", root->name, " (",
                                                 FmtDuration(d), ")\n"));
    root->parent->RunCleanups();
  }
  fflush(stdout);
}

}  // namespace go::testing::internal

namespace go::testing {

using internal::State;

bool T::RunClosure(internal::Str name, internal::Closure c) {
  State* t = state_;
  if (t->cleanup_started.load()) {
    c.destroy(c.obj);
    internal::Throw("testing: t.Run called during t.Cleanup");
  }
  t->has_sub.store(true);
  std::optional<std::string_view> parent;
  if (t->level > 0) parent = t->name;
  Matcher::Name n = t->ctx->match->FullName(
      parent, std::string_view(name.data(), name.size()));
  if (!n.ok || internal::ShouldFailFast()) {
    c.destroy(c.obj);
    return true;
  }
  auto owned = std::make_unique<State>();
  State* child = owned.get();
  child->name = std::move(n.name);
  child->parent = t;
  child->level = t->level + 1;
  child->chatty = t->chatty;
  child->ctx = t->ctx;
  {
    std::lock_guard<std::mutex> l(t->mu);
    t->children.push_back(std::move(owned));
  }
  if (child->chatty != nullptr) {
    child->chatty->Updatef(child->name,
                           absl::StrCat("=== RUN   ", child->name, "\n"));
  }
  internal::SetRunning(child, internal::Nanotime());
  go::Go([child, c] { internal::TRunner(child, c); });
  if (!child->signal.Recv()) runtime::Goexit();
  if (t->chatty != nullptr && t->chatty->json()) {
    t->chatty->Updatef(t->name, absl::StrCat("=== NAME  ", t->name, "\n"));
  }
  bool done;
  bool failed;
  {
    std::lock_guard<std::mutex> l(child->mu);
    done = child->done;  // else paused in Parallel: the parent releases it
    failed = child->failed;
  }
  if (done) internal::ReleaseChild(t, child);
  return !failed;
}

void T::Parallel() {
  State* t = state_;
  if (t->is_parallel)
    internal::Throw("testing: t.Parallel called multiple times");
  if (t->deny_parallel) internal::Throw(internal::kParallelConflict);
  if (t->parent == nullptr) return;
  t->is_parallel = true;
  t->duration += internal::Nanotime() - t->start;
  {
    std::lock_guard<std::mutex> l(t->parent->mu);
    t->parent->sub.push_back(t);
  }
  if (t->chatty != nullptr) {
    t->chatty->Updatef(t->name, absl::StrCat("=== PAUSE ", t->name, "\n"));
  }
  internal::ClearRunning(t);
  t->signal.Send(true);       // release the calling test
  t->parent->barrier.Wait();  // wait for the parent test to complete
  t->ctx->WaitParallel();
  if (t->chatty != nullptr) {
    t->chatty->Updatef(t->name, absl::StrCat("=== CONT  ", t->name, "\n"));
  }
  int64_t now = internal::Nanotime();
  internal::SetRunning(t, now);
  t->start = now;
}

namespace {
void CheckParallel(State* t) {
  for (State* c = t; c != nullptr; c = c->parent) {
    if (c->is_parallel) internal::Throw(internal::kParallelConflict);
  }
  t->deny_parallel = true;
}
}  // namespace

void T::Setenv(internal::Str key, internal::Str value) {
  CheckParallel(state_);
  common::Setenv(key, value);
}

void T::Chdir(internal::Str dir) {
  CheckParallel(state_);
  common::Chdir(dir);
}

std::optional<absl::Time> T::Deadline() const { return state_->ctx->deadline; }

}  // namespace go::testing
