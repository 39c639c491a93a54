// Benchmarks: B's timer, metrics, sub-benchmarks and b.Loop, and the driver
// that runs them as Go 1.26's testing package does (benchmark.go): Main runs
// the benchmarks -bench selects as its sub-benchmarks; each one is first
// called once with N = 1 on a goroutine of its own (run1: this also finds
// sub-benchmarks, which are then reported instead of their parent), then,
// for each -cpu value and -count, N is grown with Go's prediction until a
// call takes -benchtime (launch), and the result line is printed. One
// benchmark runs at a time (benchmarkLock). Output goes straight to stdout
// in Go's format (benchmark_format.h): the name column is printed before the
// measurement starts, as Go does, so a crash shows which benchmark it was.
//
// Allocation counts come from //runtime:malloc's process-wide counters,
// read when the timer starts and stops (Go's ReadMemStats).

#include <errno.h>  // program_invocation_name

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "runtime/malloc.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "testing/benchmark_format.h"
#include "testing/benchmark_state.h"
#include "testing/chatty.h"
#include "testing/json.h"
#include "testing/state.h"
#include "testing/strconv.h"

namespace go::testing {

namespace internal {
namespace {

// Go's loopPoisonTimer: B::loop_left_ while the timer is stopped, so that
// Loop's fast path falls into the slow path, which fails the benchmark. (Far
// from both ends: Loop's decrements cannot wrap it around.)
constexpr int64_t kLoopPoisonTimer = INT64_MIN / 2;

// Go's benchmarkLock. A goroutine-aware mutex: the benchmark goroutine holds
// it while it runs and B::Run releases it while a sub-benchmark runs.
sync::Mutex* const g_bench_lock = new sync::Mutex;

// Go's labelsOnce.
std::atomic<bool> g_labels_printed{false};

// The import path Go prints as "pkg: ...", named as the -json events name
// it: the driver's $GOTEST_PACKAGE, else Bazel's $TEST_TARGET, else the
// binary's file name (Go always prints the line).
std::string PackagePath() { return PackageName(program_invocation_name); }

void PrintLabels() {
  if (g_labels_printed.exchange(true)) return;
  WriteStdout(BenchmarkHeader(Goos(), Goarch(), PackagePath(), CPUName()));
}

std::string ChattyPrefix(const State* s) {
  return std::string(s->chatty != nullptr ? s->chatty->Prefix() : "");
}

std::string OutputOf(State* s) {
  std::lock_guard<std::mutex> l(s->mu);
  return s->output;
}

// A message the harness logs on a benchmark's behalf, attributed to the line
// of Go's benchmark.go that logs it, so the output is Go's byte for byte.
void HarnessLog(State* s, int go_line, std::string_view msg) {
  std::string line = absl::StrCat("benchmark.go:", go_line, ": ");
  line.append(msg.data(), msg.size());
  line += "\n";
  s->Log(std::move(line));
}

// Whether s holds a rune that is unicode.IsSpace (ReportMetric's unit check).
bool HasSpace(std::string_view s) {
  while (!s.empty()) {
    DecodedRune d = DecodeRune(s);
    if (IsSpace(d.rune)) return true;
    s.remove_prefix(static_cast<size_t>(d.size));
  }
  return false;
}

}  // namespace

void LockBenchmarks() { g_bench_lock->Lock(); }
void UnlockBenchmarks() { g_bench_lock->Unlock(); }

BenchState::BenchState() {
  b.state_ = this;
  bench = true;
  extra.reserve(16);
}

BenchState::~BenchState() = default;

void BenchState::StartTimer() {
  if (timer_on) return;
  runtime::MemStats m = runtime::ReadMemStats();
  start_allocs = m.mallocs;
  start_bytes = m.total_alloc_bytes;
  start = Nanotime();
  timer_on = true;
  b.loop_left_ = b.loop_left_saved_;
}

void BenchState::StopTimer() {
  if (!timer_on) return;
  duration += Nanotime() - start;
  runtime::MemStats m = runtime::ReadMemStats();
  net_allocs += m.mallocs - start_allocs;
  net_bytes += m.total_alloc_bytes - start_bytes;
  timer_on = false;
  b.loop_left_saved_ = b.loop_left_;
  b.loop_left_ = kLoopPoisonTimer;
}

void BenchState::ResetTimer() {
  extra.clear();
  if (timer_on) {
    runtime::MemStats m = runtime::ReadMemStats();
    start_allocs = m.mallocs;
    start_bytes = m.total_alloc_bytes;
    start = Nanotime();
  }
  duration = 0;
  net_allocs = 0;
  net_bytes = 0;
}

int64_t BenchState::Elapsed() const {
  int64_t d = duration;
  if (timer_on) d += Nanotime() - start;
  return d;
}

void BenchState::RunN(int64_t n) {
  LockBenchmarks();
  // Each call gets a fresh Context(), canceled before its cleanups.
  {
    std::lock_guard<std::mutex> l(ctx_mu);
    context.reset();
    cancel = nullptr;
  }
  auto finish = [this] {
    RunCleanups();
    UnlockBenchmarks();
  };
  b.N = n;
  b.loop_n_ = 0;
  b.loop_left_saved_ = 0;  // StartTimer below makes it loop_left_
  loop_done = false;
  parallelism = 1;
  ResetTimer();
  StartTimer();
  try {
    fn.call(fn.obj, &b);
  } catch (const runtime::GoexitUnwind&) {
    // FailNow or SkipNow: the cleanups still run, the lock is released.
    finish();
    throw;
  }
  StopTimer();
  previous_n = n;
  previous_duration = duration;
  if (b.loop_n_ > 0 && !loop_done && !Failed()) {
    HarnessLog(this, 225,
               "benchmark function returned without B.Loop() == false "
               "(break or return in loop?)");
    Fail();
  }
  finish();
}

bool BenchState::Run1() {
  if (bctx != nullptr) {
    bctx->max_len = ExtendNameWidth(bctx->max_len, name, bctx->ext_len);
  }
  go::Go([this] {
    try {
      RunN(1);
    } catch (const runtime::GoexitUnwind&) {
    }
    signal.Send(true);
  });
  signal.Recv();
  if (Failed()) {
    WriteStdout(absl::StrCat(ChattyPrefix(this), "--- FAIL: ", name, "\n",
                             OutputOf(this)));
    return false;
  }
  bool fin;
  bool skip;
  {
    std::lock_guard<std::mutex> l(mu);
    fin = finished;
    skip = skipped;
  }
  if (has_sub.load() || fin) {
    std::string out = OutputOf(this);
    if (chatty != nullptr && (!out.empty() || fin)) {
      WriteStdout(absl::StrCat(ChattyPrefix(this), "--- ",
                               skip ? "SKIP" : "BENCH", ": ", name, "\n",
                               TrimBenchOutput(out)));
    }
    return false;
  }
  return true;
}

void BenchState::RunAll() {
  PrintLabels();
  if (bctx == nullptr) {
    DoBench();
    return;
  }
  // Go's processBench.
  const bool benchmem = G().flags.benchmem;
  BenchState* bs = this;
  for (size_t i = 0; i < bctx->cpus.size(); i++) {
    const int procs = bctx->cpus[i];
    for (uint64_t j = 0; j < bctx->count; j++) {
      runtime::GOMAXPROCS(procs);
      std::string bench_name = BenchmarkName(bs->name, procs);
      if (chatty == nullptr) {
        WriteStdout(NameColumn(bench_name, bctx->max_len));
        fflush(stdout);
      }
      if (i > 0 || j > 0) {
        // A fresh B for each further measurement (as Go: no parent, so its
        // failure is reported but does not fail Main). Never freed: a
        // goroutine it started may still log to it.
        BenchState* fresh = new BenchState;
        fresh->name = bs->name;
        fresh->chatty = bs->chatty;
        fresh->fn = bs->fn;
        fresh->benchtime = bs->benchtime;
        fresh->Run1();
        bs = fresh;
      }
      bs->DoBench();
      if (bs->Failed()) {
        WriteStdout(absl::StrCat(ChattyPrefix(bs), "--- FAIL: ", bench_name,
                                 "\n", OutputOf(bs)));
        continue;
      }
      std::string line =
          ResultLine(bs->result, benchmem || bs->show_alloc_result);
      if (chatty != nullptr) {
        line.insert(0, NameColumn(bench_name, bctx->max_len));
      }
      WriteStdout(line);
      std::string out = OutputOf(bs);
      if (!out.empty()) {
        WriteStdout(absl::StrCat(ChattyPrefix(bs), "--- BENCH: ", bench_name,
                                 "\n", TrimBenchOutput(out)));
      }
      if (int p = runtime::GOMAXPROCS(0); p != procs) {
        WriteStderr(absl::StrFormat("testing: %s left GOMAXPROCS set to %d\n",
                                    bench_name, p));
      }
      if (chatty != nullptr && chatty->json()) {
        chatty->Updatef("", "=== NAME  \n");
      }
    }
  }
}

void BenchState::DoBench() {
  go::Go([this] {
    try {
      // Go's launch. A b.Loop benchmark ramped up inside run1's call.
      if (b.loop_n_ == 0) {
        BenchLauncher launcher(benchtime);
        for (;;) {
          int64_t n = launcher.Next(b.N, absl::Nanoseconds(duration), Failed());
          if (n == 0) break;
          RunN(n);
        }
      }
      result = BenchmarkResult{};
      result.n = b.N;
      result.t = absl::Nanoseconds(duration);
      result.bytes = bytes;
      result.mem_allocs = net_allocs;
      result.mem_bytes = net_bytes;
      for (const auto& [unit, value] : extra) result.extra[unit] = value;
    } catch (const runtime::GoexitUnwind&) {
    }
    signal.Send(true);
  });
  signal.Recv();
}

void BenchState::Add(const BenchmarkResult& other) {
  result.n = 1;
  result.t += absl::Nanoseconds(other.NsPerOp());
  if (other.bytes == 0) {
    missing_bytes = true;
    result.bytes = 0;
  }
  if (!missing_bytes) result.bytes += other.bytes;
  result.mem_allocs += static_cast<uint64_t>(other.AllocsPerOp());
  result.mem_bytes += static_cast<uint64_t>(other.AllocedBytesPerOp());
}

bool RunBenchmarks(const std::vector<BenchmarkEntry>& benchmarks,
                   const std::vector<int>& cpus) {
  const Flags& flags = G().flags;
  if (flags.bench.empty()) return true;
  auto match = Matcher::Create(flags.bench, "-test.bench", flags.skip);
  if (!match.ok()) {
    WriteStderr(absl::StrCat(match.status().message(), "\n"));
    fflush(stdout);
    _exit(1);
  }
  // Never freed, as the runner's states: goroutines a benchmark leaked may
  // still hold them.
  auto* ctx = new BenchContext;
  ctx->match = std::move(*match);
  ctx->cpus = cpus;
  ctx->count = flags.count;
  ctx->ext_len = BenchmarkExtLen(cpus);
  auto* selected = new std::vector<BenchmarkEntry>;
  std::vector<std::string> names;
  for (const BenchmarkEntry& e : benchmarks) {
    if (ctx->match->FullName(std::nullopt, e.name).ok) {
      selected->push_back(e);
      names.push_back(e.name);
    }
  }
  ctx->max_len = InitialNameWidth(names, cpus);

  auto* main = new BenchState;
  main->name = "Main";
  main->bctx = ctx;
  main->benchtime = flags.benchtime;
  if (flags.verbose) main->chatty = new Chatty(flags.test2json);
  main->fn.obj = selected;
  main->fn.call = [](void* obj, B* b) {
    for (const BenchmarkEntry& e :
         *static_cast<std::vector<BenchmarkEntry>*>(obj)) {
      b->Run(e.name, e.fn);
    }
  };
  main->RunN(1);
  fflush(stdout);
  return !main->Failed();
}

}  // namespace internal

using internal::BenchState;

namespace {
BenchState* Of(internal::State* s) { return static_cast<BenchState*>(s); }
}  // namespace

void B::StartTimer() { Of(state_)->StartTimer(); }
void B::StopTimer() { Of(state_)->StopTimer(); }
void B::ResetTimer() { Of(state_)->ResetTimer(); }

absl::Duration B::Elapsed() const {
  return absl::Nanoseconds(Of(state_)->Elapsed());
}

void B::SetBytes(int64_t n) { Of(state_)->bytes = n; }

void B::ReportAllocs() { Of(state_)->show_alloc_result = true; }

void B::ReportMetric(double n, internal::Str unit_arg) {
  std::string_view unit(unit_arg.data(), unit_arg.size());
  if (unit.empty()) throw runtime::Panic("metric unit must not be empty");
  if (internal::HasSpace(unit)) {
    throw runtime::Panic("metric unit must not contain whitespace");
  }
  auto& extra = Of(state_)->extra;
  for (auto& [u, v] : extra) {
    if (u == unit) {
      v = n;
      return;
    }
  }
  extra.emplace_back(std::string(unit), n);
}

bool B::RunFn(internal::Str name_arg, internal::BenchFn f) {
  BenchState* s = Of(state_);
  std::string_view name(name_arg.data(), name_arg.size());
  // A benchmark with sub-benchmarks is not measured itself; the lock is
  // released while they run and taken back on the way out.
  s->has_sub.store(true);
  internal::UnlockBenchmarks();
  struct Relock {
    ~Relock() { internal::LockBenchmarks(); }
  } relock;

  std::string bench_name = s->name;
  bool ok = true;
  bool partial = false;
  if (s->bctx != nullptr) {
    std::optional<std::string_view> parent;
    if (s->level > 0) parent = s->name;
    Matcher::Name n = s->bctx->match->FullName(parent, name);
    bench_name = std::move(n.name);
    ok = n.ok;
    partial = n.partial;
  }
  if (!ok) return true;
  // Never freed: see RunBenchmarks.
  auto* sub = new BenchState;
  sub->name = bench_name;
  sub->parent = s;
  sub->level = s->level + 1;
  sub->chatty = s->chatty;
  sub->fn = f;
  sub->benchtime = s->benchtime;
  sub->bctx = s->bctx;
  // A partial match (-bench=X/Y for BenchmarkX): only its sub-benchmarks
  // are measured.
  if (partial) sub->has_sub.store(true);
  if (s->chatty != nullptr) {
    internal::PrintLabels();
    if (s->chatty->json()) {
      s->chatty->Updatef(bench_name,
                         absl::StrCat("=== RUN   ", bench_name, "\n"));
    }
    internal::WriteStdout(absl::StrCat(bench_name, "\n"));
  }
  if (sub->Run1()) sub->RunAll();
  s->Add(sub->result);
  return !sub->Failed();
}

bool B::LoopSlowPath() {
  BenchState* s = Of(state_);
  if (!s->timer_on) {
    internal::HarnessLog(s, 417, "B.Loop called with timer stopped");
    FailNow();
  }
  if (loop_left_ != -1) {  // the budget was not spent: poisoned, or corrupt
    throw runtime::Panic(absl::StrFormat("unknown loop stop condition: %#x",
                                         static_cast<uint64_t>(loop_left_)));
  }
  // Every iteration granted so far ran: Go's b.loop.i is loop_n_.
  const int64_t i = loop_n_;
  const BenchTime& bt = s->benchtime;
  if (loop_n_ == 0) {
    // The first call: the setup before it is not measured; N is not used
    // inside a Loop loop.
    loop_n_ = bt.n > 0 ? bt.n : 1;
    N = 0;
    ResetTimer();
    loop_left_ = loop_n_ - 1;  // this call grants the first iteration
    return true;
  }
  bool more;
  if (bt.n > 0) {
    more = false;  // exactly bt.n iterations ran
  } else {
    // Go's stopOrScaleBLoop.
    int64_t next =
        NextLoopTarget(bt.d, loop_n_, absl::Nanoseconds(s->Elapsed()));
    more = next != 0;
    if (more) loop_n_ = next;
  }
  if (!more) {
    loop_left_ = 0;
    StopTimer();
    N = loop_n_;
    s->loop_done = true;
    return false;
  }
  loop_left_ = loop_n_ - i - 1;  // this call grants iteration i + 1
  return true;
}

}  // namespace go::testing
