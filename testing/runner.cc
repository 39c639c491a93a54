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
#include "testing/state.h"

namespace go::testing::internal {

namespace {

constexpr char kParallelConflict[] =
    "testing: test using t.Setenv, t.Chdir, or cryptotest.SetGlobalRandom can "
    "not use "
    "t.Parallel";

std::mutex g_running_mu;
std::map<std::string, int64_t>* g_running = new std::map<std::string, int64_t>;

std::mutex g_goroutines_mu;
absl::flat_hash_map<int64_t, State*>* g_goroutines =
    new absl::flat_hash_map<int64_t, State*>;

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
  return absl::StrFormat("%.2fs", static_cast<double>(ns) / 1e9);
}

void SetRunning(const std::string& name, int64_t since) {
  std::lock_guard<std::mutex> l(g_running_mu);
  (*g_running)[name] = since;
}

void ClearRunning(const std::string& name) {
  std::lock_guard<std::mutex> l(g_running_mu);
  g_running->erase(name);
}

std::vector<std::string> RunningList() {
  std::vector<std::string> list;
  int64_t now = Nanotime();
  std::lock_guard<std::mutex> l(g_running_mu);
  for (const auto& [name, since] : *g_running) {
    // time.Duration.Round(time.Second).
    int64_t d = now - since;
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
}

void UnbindGoroutine(int64_t goid) {
  std::lock_guard<std::mutex> l(g_goroutines_mu);
  g_goroutines->erase(goid);
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
      n->chatty->Printf(n->name, indented);
    } else {
      n->output.append("    ");
      n->output.append(line.data(), line.size());
    }
    rest.remove_prefix(end);
  }
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
  std::string d = FmtDuration(t->duration);
  const char* what = nullptr;
  if (t->Failed()) {
    what = "FAIL";
  } else if (t->chatty != nullptr) {
    std::lock_guard<std::mutex> l(t->mu);
    what = t->skipped ? "SKIP" : "PASS";
  }
  if (what == nullptr) return;
  t->FlushToParent(t->name,
                   absl::StrCat("--- ", what, ": ", t->name, " (", d, ")\n"));
}

}  // namespace

void TRunner(State* t, Closure fn) {
  t->goid = runtime::GoID();
  BindGoroutine(t->goid, t);
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
    ClearRunning(t->name);
    t->barrier.Fire();
    for (State* sub : t->sub) sub->signal.Recv();
    int64_t cleanup_start = Nanotime();
    SetRunning(t->name, cleanup_start);
    t->RunCleanups();
    t->duration += Nanotime() - cleanup_start;
    if (!t->is_parallel) t->ctx->WaitParallel();
  } else if (t->is_parallel) {
    t->ctx->Release();
  }
  if (t->parent != nullptr && G().flags.leakcheck) CheckLeaks(t);
  Report(t);
  {
    std::lock_guard<std::mutex> l(t->mu);
    t->done = true;
  }
  if (t->parent != nullptr && !t->has_sub.load()) t->SetRan();
  ClearRunning(t->name);
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
  internal::SetRunning(child->name, internal::Nanotime());
  go::Go([child, c] { internal::TRunner(child, c); });
  if (!child->signal.Recv()) runtime::Goexit();
  if (t->chatty != nullptr && t->chatty->json()) {
    t->chatty->Updatef(t->name, absl::StrCat("=== NAME  ", t->name, "\n"));
  }
  return !child->Failed();
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
  internal::ClearRunning(t->name);
  t->signal.Send(true);       // release the calling test
  t->parent->barrier.Wait();  // wait for the parent test to complete
  t->ctx->WaitParallel();
  if (t->chatty != nullptr) {
    t->chatty->Updatef(t->name, absl::StrCat("=== CONT  ", t->name, "\n"));
  }
  int64_t now = internal::Nanotime();
  internal::SetRunning(t->name, now);
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
