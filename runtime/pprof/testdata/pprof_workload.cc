// Copyright 2026 The gotest Authors.
//
// Writes profiles for the interop test (pprof_interop_test.sh) and runs the
// workload of the overhead comparison (tests/perf/pprof).
//
//   pprof_workload cpu OUT [rounds] [hz] [auto|cpu-timer]
//                                          profiled 70/30 workload (labels),
//                                          with the given per-thread clock
//   pprof_workload cpub OUT [rounds]       the same, PprofHotB run twice as
//                                          long (a second profile for -base)
//   pprof_workload none [rounds]           the workload, not profiled
//   pprof_workload heap OUT | allocs OUT | block OUT | mutex OUT
//   pprof_workload goroutine OUT DEBUG
//
// The workload: 4 goroutines plus 1 plain thread, each `rounds` rounds of
// PprofHotA/PprofHotB (testdata/split_workload.h); goroutines 0 and 2 run
// under pprof::Do(Labels("worker", "even")), 1 and 3 under "odd", the
// thread without labels. It prints one line:
//   split true_a=69.71 cpu_s=4.123 wall_s=2.345 a_s=.. b_s=..
// and, profiled, the clock the profile used:
//   profile clock=task-clock

#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/blockevent.h"
#include "runtime/chan.h"
#include "runtime/context.h"
#include "runtime/malloc.h"
#include "runtime/pprof/cpuprof.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/testdata/split_workload.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"

namespace {

using pprof_workload::Split;

int64_t Nanos(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void RunSplit(int rounds, uint64_t b_factor) {
  constexpr int kGoroutines = 4;
  constexpr uint64_t kUnit = 130000;
  std::vector<Split> splits(kGoroutines + 1);
  int64_t cpu0 = Nanos(CLOCK_PROCESS_CPUTIME_ID);
  int64_t wall0 = Nanos(CLOCK_MONOTONIC);
  std::thread plain([&] {
    pprof_workload::PprofWorker(rounds, 99, kUnit, &splits[kGoroutines]);
  });
  go::runtime::Run([&] {
    auto done = go::MakeChan<int>(kGoroutines);
    for (int g = 0; g < kGoroutines; g++) {
      go::Go([&, g, done]() mutable {
        go::pprof::Do(go::context::Background(),
                      go::pprof::Labels("worker", g % 2 == 0 ? "even" : "odd"),
                      [&](go::context::Context) {
                        for (uint64_t k = 0; k < b_factor; k++) {
                          Split s;
                          pprof_workload::PprofWorker(rounds, g + 1, kUnit, &s);
                          splits[g].a_ns += k == 0 ? s.a_ns : 0;
                          splits[g].b_ns += s.b_ns;
                        }
                      });
        done.Send(1);
      });
    }
    for (int g = 0; g < kGoroutines; g++) done.Recv();
    return 0;
  });
  plain.join();
  int64_t cpu = Nanos(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  int64_t wall = Nanos(CLOCK_MONOTONIC) - wall0;
  int64_t a = 0, b = 0;
  for (const Split& s : splits) {
    a += s.a_ns;
    b += s.b_ns;
  }
  std::printf("split true_a=%.2f cpu_s=%.3f wall_s=%.3f a_s=%.3f b_s=%.3f\n",
              100.0 * a / (a + b), cpu / 1e9, wall / 1e9, a / 1e9, b / 1e9);
}

__attribute__((noinline)) std::vector<std::string*> PprofWorkloadAllocate(
    int n) {
  std::vector<std::string*> v;
  for (int i = 0; i < n; i++) v.push_back(new std::string(1000, 'x'));
  return v;
}

__attribute__((noinline)) void PprofWorkloadWait(go::Chan<int> ch) {
  ch.Recv();
}

__attribute__((noinline)) void PprofWorkloadContend(go::sync::Mutex* mu) {
  mu->Lock();
  mu->Unlock();
}

int Fail(const char* what) {
  std::fprintf(stderr, "pprof_workload: %s\n", what);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Fail("usage: pprof_workload MODE ...");
  std::string mode = argv[1];
  auto arg = [&](int i, int def) {
    return argc > i ? std::atoi(argv[i]) : def;
  };
  if (mode == "none") {
    RunSplit(arg(2, 400), 1);
    return 0;
  }
  if (argc < 3) return Fail("missing output file");
  std::string out = argv[2];
  if (mode == "cpu" || mode == "cpub") {
    if (argc > 4) go::pprof::SetCPUProfileRate(std::atoi(argv[4]));
    if (argc > 5) {
      const std::string clock = argv[5];
      if (clock != "auto" && clock != "cpu-timer") {
        return Fail("clock must be auto or cpu-timer");
      }
      go::pprof::internal::SetCPUProfileClock(
          clock == "auto" ? go::pprof::internal::CPUProfileClock::kAuto
                          : go::pprof::internal::CPUProfileClock::kCPUTimer);
    }
    absl::Status s = go::pprof::StartCPUProfileFile(out);
    if (!s.ok()) return Fail(std::string(s.message()).c_str());
    RunSplit(arg(3, 400), mode == "cpub" ? 2 : 1);
    s = go::pprof::StopCPUProfile();
    if (!s.ok()) return Fail(std::string(s.message()).c_str());
    std::printf("profile clock=%s\n",
                go::pprof::internal::LastCPUProfileStats().clock);
    return 0;
  }
  std::ofstream f(out, std::ios::binary);
  if (mode == "heap" || mode == "allocs") {
    go::runtime::SetMemProfileRate(1);
    std::vector<std::string*> kept = PprofWorkloadAllocate(1000);
    std::vector<std::string*> freed = PprofWorkloadAllocate(500);
    for (std::string* s : freed) delete s;
    absl::Status s = go::pprof::Lookup(mode)->WriteTo(f, 0);
    for (std::string* p : kept) delete p;
    return s.ok() ? 0 : 1;
  }
  if (mode == "block" || mode == "mutex") {
    go::runtime::SetBlockProfileRate(1);
    go::runtime::SetMutexProfileFraction(1);
    go::runtime::Run([] {
      auto ch = go::MakeChan<int>();
      auto done = go::MakeChan<int>(2);
      go::sync::Mutex mu;
      go::Go([ch, done]() mutable {
        PprofWorkloadWait(ch);
        done.Send(1);
      });
      mu.Lock();
      go::Go([&mu, done]() mutable {
        PprofWorkloadContend(&mu);
        done.Send(1);
      });
      int64_t end = Nanos(CLOCK_MONOTONIC) + 30'000'000;
      while (Nanos(CLOCK_MONOTONIC) < end) go::runtime::Gosched();
      mu.Unlock();
      ch.Send(1);
      done.Recv();
      done.Recv();
      return 0;
    });
    return go::pprof::Lookup(mode)->WriteTo(f, 0).ok() ? 0 : 1;
  }
  if (mode == "goroutine") {
    int debug = arg(3, 0);
    int rc = go::runtime::Run([&] {
      auto ch = go::MakeChan<int>();
      auto done = go::MakeChan<int>(5);
      for (int i = 0; i < 5; i++) {
        go::Go([ch, done]() mutable {
          PprofWorkloadWait(ch);
          done.Send(1);
        });
      }
      while (go::runtime::NumGoroutine() < 6) go::runtime::Gosched();
      int64_t end = Nanos(CLOCK_MONOTONIC) + 20'000'000;
      while (Nanos(CLOCK_MONOTONIC) < end) go::runtime::Gosched();
      absl::Status s = go::pprof::Lookup("goroutine")->WriteTo(f, debug);
      ch.Close();
      for (int i = 0; i < 5; i++) done.Recv();
      return s.ok() ? 0 : 1;
    });
    return rc;
  }
  return Fail("unknown mode");
}
