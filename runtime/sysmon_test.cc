// Copyright 2026 The gotest Authors.
//
// sysmon: a busy loop on GOMAXPROCS=1 does not stop a sleeping goroutine from
// waking; a goroutine blocked in a marked blocking call loses its P so others
// run; timed sleeps are driven by the scheduler's poll hooks.

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "gtest/gtest.h"
#include "runtime/park.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/sleep_for_testing.h"
#include "runtime/testing_util.h"

namespace go::runtime {
namespace {

using internal::nanotime;
using internal::SleepFor;
using testing::TestWaitGroup;

constexpr int64_t kMs = 1000 * 1000;

// On one P, sleeps 20 ms on Run's main goroutine while another goroutine runs
// a loop with no scheduling point; returns how long the sleep took, in ms.
int64_t SleepBehindBusyLoopMs() {
  std::atomic<bool> stop{false};
  std::atomic<bool> busy_running{false};
  return go::runtime::Run([&]() -> int {
    TestWaitGroup done(1);
    go::Go([&] {
      busy_running = true;
      while (!stop.load(std::memory_order_relaxed)) {
        // No scheduling point at all.
      }
      done.Done();
    });
    Gosched();  // let the busy loop start
    EXPECT_TRUE(busy_running.load());
    int64_t t0 = nanotime();
    SleepFor(20 * kMs);
    int ms = static_cast<int>((nanotime() - t0) / kMs);
    stop = true;
    done.Wait();
    return ms;
  });
}

TEST(SysmonTest, BusyLoopDoesNotBlockSleeperOnOneP) {
  int old = GOMAXPROCS(1);
  // Go's bound is the 10 ms forcePreemptNS plus sysmon's tick. A loaded CI
  // machine can stall sysmon's thread for seconds, so the best of tries over
  // 30 s must meet it (without the handoff every try hangs).
  int64_t elapsed = 0;
  int64_t start = nanotime();
  do {
    elapsed = SleepBehindBusyLoopMs();
    EXPECT_GE(elapsed, 20);
  } while (elapsed >= 150 && nanotime() - start < 30 * 1000 * kMs);
  GOMAXPROCS(old);
  EXPECT_LT(elapsed, 150) << "sleep took " << elapsed
                          << " ms behind a busy loop";
}

TEST(SysmonTest, BlockingCallHandsOffP) {
  // One P; one goroutine blocks its thread in a marked call until the other
  // has made progress. Without the handoff the counter never moves (the only
  // P stays with the blocked thread) and the wait runs to its 20 s bound. The
  // bound is generous, not the expectation: a loaded TSan run on two cores has
  // stalled sysmon's thread for whole scheduling quanta.
  int old = GOMAXPROCS(1);
  std::atomic<int64_t> progress_during{0};
  std::atomic<int64_t> handoff_ms{0};
  std::atomic<int64_t> counter{0};
  std::atomic<bool> stop{false};
  TestWaitGroup wg(2);
  go::Go([&] {
    int64_t before = counter.load();
    int64_t t0 = nanotime();
    {
      internal::BlockingRegion region;
      while (counter.load() - before < 100 &&
             nanotime() - t0 < 20 * 1000 * kMs) {
        usleep(1000);
      }
    }
    progress_during = counter.load() - before;
    handoff_ms = (nanotime() - t0) / kMs;
    stop = true;
    wg.Done();
  });
  go::Go([&] {
    while (!stop.load()) {
      counter++;
      Gosched();
    }
    wg.Done();
  });
  wg.Wait();
  GOMAXPROCS(old);
  EXPECT_GE(progress_during.load(), 100)
      << "other goroutines were stuck for " << handoff_ms.load()
      << " ms while one goroutine blocked its thread";
}

TEST(SysmonTest, SleepDurations) {
  // The upper bound holds for the best of tries over 30 s: a loaded machine
  // can stall any one try for seconds.
  int64_t ms = 0;
  int64_t start = nanotime();
  do {
    TestWaitGroup wg(1);
    go::Go([&] {
      int64_t t0 = nanotime();
      SleepFor(5 * kMs);
      ms = (nanotime() - t0) / kMs;
      wg.Done();
    });
    wg.Wait();
    EXPECT_GE(ms, 5);
  } while (ms >= 100 && nanotime() - start < 30 * 1000 * kMs);
  EXPECT_LT(ms, 100);
}

TEST(SysmonTest, ManySleepersAllWake) {
  constexpr int kN = 1000;
  TestWaitGroup wg(kN);
  std::atomic<int> late{0};
  for (int i = 0; i < kN; i++) {
    go::Go([&, i] {
      int64_t d = (1 + i % 20) * kMs;
      int64_t t0 = nanotime();
      SleepFor(d);
      if (nanotime() - t0 < d) late++;  // woke early
      wg.Done();
    });
  }
  wg.Wait();
  EXPECT_EQ(late.load(), 0);
}

// A goroutine that runs without a scheduling point keeps its P while another
// P takes its queued goroutines, but on one P nobody does: after ~10 ms
// sysmon hands the P (and the queue) to another thread.
TEST(SysmonTest, BusyLoopDoesNotStarveItsQueuedGoroutineOnOneP) {
  int old = GOMAXPROCS(1);
  std::atomic<bool> ran{false};
  go::runtime::Run([&] {
    TestWaitGroup done(1);
    go::Go([&] {
      go::Go([&] { ran = true; });  // queued on this goroutine's P
      int64_t deadline = nanotime() + 30 * 1000 * kMs;
      while (!ran.load(std::memory_order_relaxed) && nanotime() < deadline) {
        // No scheduling point at all.
      }
      done.Done();
    });
    done.Wait();
  });
  GOMAXPROCS(old);
  EXPECT_TRUE(ran.load()) << "the queued goroutine did not run in 30 s";
}

// Taking a long runner's P is not work that keeps sysmon ticking every 20 us
// (Go's retake counts only Ps freed from system calls): on one P, goroutines
// that run 15 ms between yields have their P retaken every 10 ms or so, and
// the process stays at a few voluntary context switches per retake (the
// handoff's wakeup and park), not the ~60 of a sysmon whose back-off restarts.
TEST(SysmonTest, RetakingLongRunnersDoesNotKeepSysmonTicking) {
  int old = GOMAXPROCS(1);
  struct rusage r0, r1;
  int64_t t0 = 0, t1 = 0;
  go::runtime::Run([&] {
    constexpr int kWorkers = 3;
    TestWaitGroup done(kWorkers);
    getrusage(RUSAGE_SELF, &r0);
    t0 = nanotime();
    for (int w = 0; w < kWorkers; w++) {
      go::Go([&] {
        for (int i = 0; i < 8; i++) {
          int64_t until = nanotime() + 15 * kMs;
          while (nanotime() < until) {
            // No scheduling point.
          }
          Gosched();
        }
        done.Done();
      });
    }
    done.Wait();
    t1 = nanotime();
    getrusage(RUSAGE_SELF, &r1);
  });
  GOMAXPROCS(old);
  long switches = r1.ru_nvcsw - r0.ru_nvcsw;
  int64_t retakes_at_most = (t1 - t0) / (10 * kMs) + 1;
  // Measured: 97-99 switches for 34 intervals; 790-960 with the back-off
  // reset.
  EXPECT_LT(switches, 12 * retakes_at_most)
      << switches << " voluntary context switches in " << (t1 - t0) / kMs
      << " ms";
}

}  // namespace
}  // namespace go::runtime
