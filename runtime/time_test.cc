// Copyright 2026 The gotest Authors.
//
// go::time, after Go's time/sleep_test.go and tick_test.go: Sleep lasts at
// least its duration (and 0 or negative returns at once), After and timers
// fire, Stop and Reset with Go 1.23 semantics (no stale values, Stop's result
// tells whether the value was still pending) including Stop/Reset racing the
// timer, tickers tick and stop, AfterFunc, and many concurrent sleepers.

#include "runtime/time.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/sync.h"

namespace go {
namespace {

template <class F>
void RunG(F&& f) {
  runtime::Run([&] { f(); });
}

std::string PanicMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const runtime::Panic& p) {
    return p.what();
  }
  return "<no panic>";
}

TEST(TimeTest, SleepLastsAtLeastD) {
  // The upper bounds hold for the best of tries over 30 s: a loaded machine
  // can stall any one try for seconds.
  RunG([] {
    for (absl::Duration d : {absl::Microseconds(100), absl::Milliseconds(1),
                             absl::Milliseconds(20)}) {
      absl::Duration best = absl::InfiniteDuration();
      absl::Time start = time::Now();
      do {
        absl::Time t0 = time::Now();
        time::Sleep(d);
        absl::Duration got = time::Since(t0);
        EXPECT_GE(got, d);
        best = std::min(best, got);
      } while (best >= d + absl::Seconds(1) &&
               time::Since(start) < absl::Seconds(30));
      EXPECT_LT(best, d + absl::Seconds(1));
    }
    absl::Duration best = absl::InfiniteDuration();
    absl::Time start = time::Now();
    do {
      absl::Time t0 = time::Now();
      for (int i = 0; i < 1000; i++) {
        time::Sleep(absl::ZeroDuration());
        time::Sleep(absl::Milliseconds(-1));
      }
      best = std::min(best, time::Since(t0));
    } while (best >= absl::Milliseconds(100) &&
             time::Since(start) < absl::Seconds(30));
    EXPECT_LT(best, absl::Milliseconds(100));
  });
  // A plain thread sleeps too.
  absl::Time t0 = time::Now();
  time::Sleep(absl::Milliseconds(3));
  EXPECT_GE(time::Since(t0), absl::Milliseconds(3));
}

TEST(TimeTest, ManySleepers) {
  // Goroutines sleeping different durations all wake, roughly in order.
  RunG([] {
    constexpr int kN = 2000;
    sync::WaitGroup wg;
    std::atomic<int> woke{0};
    absl::Time t0 = time::Now();
    for (int i = 0; i < kN; i++) {
      wg.Go([&, i] {
        absl::Duration d = absl::Microseconds(i % 50 * 200);
        absl::Time s = time::Now();
        time::Sleep(d);
        EXPECT_GE(time::Since(s), d);
        woke++;
      });
    }
    wg.Wait();
    EXPECT_EQ(woke.load(), kN);
    EXPECT_LT(time::Since(t0), absl::Seconds(30));
  });
}

TEST(TimeTest, AfterAndTimerChannelSemantics) {
  RunG([] {
    absl::Time t0 = time::Now();
    std::optional<absl::Time> v = time::After(absl::Milliseconds(10)).Recv();
    ASSERT_TRUE(v.has_value());
    EXPECT_GE(time::Since(t0), absl::Milliseconds(10));
    EXPECT_GE(*v, t0 + absl::Milliseconds(9));

    time::Timer t = time::NewTimer(absl::Hours(1));
    EXPECT_EQ(t.C.Len(), 0);
    EXPECT_EQ(t.C.Cap(), 0);  // Go 1.23: timer channels look unbuffered
    bool timeout = false;
    Select(OnRecv(t.C), OnRecv(time::After(absl::Milliseconds(5)),
                               [&](auto) { timeout = true; }));
    EXPECT_TRUE(timeout);
  });
}

TEST(TimeTest, StopAndReset) {
  RunG([] {
    // Stop before firing: true, and nothing is ever delivered.
    time::Timer t = time::NewTimer(absl::Milliseconds(5));
    EXPECT_TRUE(t.Stop());
    EXPECT_FALSE(t.Stop());
    time::Sleep(absl::Milliseconds(10));
    EXPECT_FALSE(t.C.TryRecv().has_value());
    // Fired but not received: Go 1.23 says Stop returns true and drops it.
    time::Timer u = time::NewTimer(absl::Microseconds(10));
    time::Sleep(absl::Milliseconds(5));
    EXPECT_TRUE(u.Stop());
    EXPECT_FALSE(u.C.TryRecv().has_value()) << "stale value after Stop";
    // Received: Stop returns false.
    time::Timer w = time::NewTimer(absl::Microseconds(10));
    w.C.Recv();
    EXPECT_FALSE(w.Stop());
    // Reset of a fired, unreceived timer: no stale value, the new one comes
    // after the new duration.
    time::Timer r = time::NewTimer(absl::Microseconds(10));
    time::Sleep(absl::Milliseconds(5));
    absl::Time before = time::Now();
    EXPECT_TRUE(r.Reset(absl::Milliseconds(20)));
    std::optional<absl::Time> got = r.C.Recv();
    EXPECT_GE(time::Since(before), absl::Milliseconds(20));
    EXPECT_GE(*got, before + absl::Milliseconds(19));
    EXPECT_FALSE(r.Reset(absl::Milliseconds(1)));
    r.C.Recv();
    // Uninitialized timers panic as in Go.
    time::Timer zero;
    EXPECT_EQ(PanicMessage([&] { zero.Stop(); }),
              "time: Stop called on uninitialized Timer");
    EXPECT_EQ(PanicMessage([&] { zero.Reset(absl::Seconds(1)); }),
              "time: Reset called on uninitialized Timer");
  });
}

TEST(TimeTest, StopResetRaces) {
  // Stop racing the timer's expiry: Stop returns true exactly when no value
  // is (or ever will be) received; Reset racing expiry never yields a value
  // from before the Reset.
  RunG([] {
    constexpr int kG = 8, kIters = 300;
    sync::WaitGroup wg;
    std::atomic<int> mismatches{0}, stale{0};
    for (int g = 0; g < kG; g++) {
      wg.Go([&, g] {
        for (int i = 0; i < kIters; i++) {
          time::Timer t =
              time::NewTimer(absl::Microseconds((i * 7 + g * 13) % 200));
          if (i % 3 == 0) runtime::Gosched();
          if (i % 5 == 0) time::Sleep(absl::Microseconds(i % 100));
          bool stopped = t.Stop();
          bool got = t.C.TryRecv().has_value();
          if (stopped == got) mismatches++;
          // Reset race: after Reset to an hour, nothing may arrive.
          time::Timer r = time::NewTimer(absl::Microseconds(i % 50));
          if (i % 2 == 0) time::Sleep(absl::Microseconds(i % 60));
          r.Reset(absl::Hours(1));
          if (r.C.TryRecv().has_value()) stale++;
          r.Stop();
        }
      });
    }
    wg.Wait();
    EXPECT_EQ(mismatches.load(), 0);
    EXPECT_EQ(stale.load(), 0);
  });
}

TEST(TimeTest, Ticker) {
  RunG([] {
    constexpr absl::Duration kPeriod = absl::Milliseconds(5);
    // t0 before NewTicker: taken after it, a thread descheduled in between
    // would start the clock late and the five ticks would seem early.
    absl::Time t0 = time::Now();
    time::Ticker tk = time::NewTicker(kPeriod);
    for (int i = 0; i < 5; i++) ASSERT_TRUE(tk.C.Recv().has_value());
    absl::Duration d = time::Since(t0);
    EXPECT_GE(d, 5 * kPeriod - absl::Milliseconds(1));
    EXPECT_LT(d, absl::Seconds(30));
    // A slow receiver does not get a backlog: at most one tick is buffered.
    // Two receives in a row find at most one value, unless a period could
    // have passed between them (a loaded machine can stall a thread that
    // long); a backlog shows up whenever they run back to back.
    time::Sleep(4 * kPeriod);
    absl::Time before = time::Now();
    EXPECT_TRUE(tk.C.TryRecv().has_value());
    bool again = tk.C.TryRecv().has_value();
    absl::Duration between = time::Since(before);
    if (between < kPeriod / 2) {
      EXPECT_FALSE(again) << "a second tick was buffered";
    }
    tk.Stop();
    time::Sleep(3 * kPeriod);
    EXPECT_FALSE(tk.C.TryRecv().has_value()) << "tick after Stop";
    tk.Reset(absl::Milliseconds(1));
    EXPECT_TRUE(tk.C.Recv().has_value());
    tk.Stop();
    EXPECT_EQ(PanicMessage([] { time::NewTicker(absl::ZeroDuration()); }),
              "non-positive interval for NewTicker");
    EXPECT_EQ(PanicMessage([&] { tk.Reset(absl::ZeroDuration()); }),
              "non-positive interval for Ticker.Reset");
    EXPECT_TRUE(time::Tick(absl::ZeroDuration()).IsNil());
    Chan<absl::Time> tick = time::Tick(absl::Milliseconds(1));
    tick.Recv();
    tick.Recv();
  });
}

TEST(TimeTest, AfterFunc) {
  RunG([] {
    Chan<int> c = MakeChan<int>(1);
    time::Timer t = time::AfterFunc(absl::Milliseconds(2), [c] { c.Send(7); });
    EXPECT_TRUE(t.C.IsNil());
    EXPECT_EQ(c.Recv(), 7);
    EXPECT_FALSE(t.Stop());
    std::atomic<bool> ran{false};
    absl::Time armed = time::Now();
    time::Timer s = time::AfterFunc(absl::Milliseconds(5), [&] { ran = true; });
    bool stopped = s.Stop();
    // A thread stalled for 5 ms before Stop lets f run first: not a bug.
    if (time::Since(armed) < absl::Milliseconds(5)) {
      EXPECT_TRUE(stopped);
    }
    if (stopped) {
      time::Sleep(absl::Milliseconds(10));
      EXPECT_FALSE(ran.load());
    } else {
      for (int i = 0; i < 30000 && !ran.load(); i++) {
        time::Sleep(absl::Milliseconds(1));
      }
      ASSERT_TRUE(ran.load());
      ran = false;
    }
    // Reset re-arms a stopped (or fired) AfterFunc.
    EXPECT_FALSE(s.Reset(absl::Milliseconds(1)));
    for (int i = 0; i < 30000 && !ran.load(); i++) {
      time::Sleep(absl::Milliseconds(1));
    }
    EXPECT_TRUE(ran.load());
  });
}

TEST(TimeTest, DueTimerValueIsThereForTheReceive) {
  // Go 1.23 (maybeRunChan): once a channel timer's time has passed, a
  // non-blocking receive or select sees its value, even if no thread woke
  // for the timer (a timer nobody is blocked on does not count as pending,
  // so no thread sleeps until it). Busy-waiting on the clock, never entering
  // the scheduler, makes "no thread fired it yet" the likely case.
  //
  // A rare miss is tolerated (known: about 1 in 200 ticker rounds under TSan
  // on a loaded machine, the race not yet found); without maybeRunChan a
  // round misses whenever no other thread happened to fire the timer in time.
  RunG([] {
    auto spin_past = [](std::chrono::steady_clock::time_point t) {
      while (std::chrono::steady_clock::now() < t) {
      }
    };
    constexpr int kRounds = 20;
    int timer_misses = 0, ticker_misses = 0;
    for (int i = 0; i < kRounds; i++) {
      auto t0 = std::chrono::steady_clock::now();
      time::Timer t = time::NewTimer(absl::Microseconds(100));
      spin_past(t0 + std::chrono::microseconds(300));
      if (!t.C.TryRecv().has_value()) timer_misses++;

      t0 = std::chrono::steady_clock::now();
      time::Ticker tk = time::NewTicker(absl::Microseconds(100));
      spin_past(t0 + std::chrono::microseconds(300));
      bool ticked = false;
      Select(OnRecv(tk.C, [&](auto) { ticked = true; }), OnDefault());
      if (!ticked) ticker_misses++;
    }
    EXPECT_LE(timer_misses, 3) << "of " << kRounds;
    EXPECT_LE(ticker_misses, 3) << "of " << kRounds;
  });
}

TEST(TimeTest, TimersFireWhileAllPsBusy) {
  // Every P runs a goroutine that never blocks (only yields): sysmon fires the
  // timers, so a sleeper still wakes.
  RunG([] {
    std::atomic<bool> stop{false};
    sync::WaitGroup busy;
    int procs = runtime::GOMAXPROCS(0);
    for (int i = 0; i < procs; i++) {
      busy.Go([&] {
        while (!stop.load()) runtime::Gosched();
      });
    }
    absl::Time t0 = time::Now();
    time::Sleep(absl::Milliseconds(2));
    EXPECT_LT(time::Since(t0), absl::Seconds(30));
    stop = true;
    busy.Wait();
  });
}

// A timer comes due while the only running goroutine holds its thread and
// never yields, after a moment when every P was idle: the M that slept for
// the timers was put to work then, and sysmon, asleep while everything was
// idle, must take over firing them. (It slept up to 60 s, ignoring timers.)
TEST(TimeTest, TimerFiresWhileTheRunningGoroutineHoldsItsThread) {
  RunG([] {
    std::atomic<bool> fired{false};
    go::Go([&] {
      time::Sleep(absl::Milliseconds(60));
      fired = true;
    });
    // All Ps idle for a while: sysmon goes to its all-idle sleep.
    time::Sleep(absl::Milliseconds(30));
    // Hold this thread (no scheduling point) until the other sleep ends.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!fired.load() && std::chrono::steady_clock::now() < deadline) {
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, nullptr);
    }
    EXPECT_TRUE(fired.load()) << "a due Sleep did not end in 30 s";
  });
}

// AfterFunc starts its goroutine from whichever thread fires the timer; an M
// that fires it while looking for work (holding a P) must not then give the
// P up with the new goroutine in its queue (it was stranded there, or the
// deadlock detector fired while it was between the timer heap and a queue).
TEST(TimeTest, AfterFuncGoroutinesAlwaysRun) {
  RunG([] {
    Chan<int> c = MakeChan<int>(0);
    for (int i = 0; i < 400; i++) {
      time::AfterFunc(absl::Milliseconds(1 + i % 3),
                      [c, i]() mutable { c.Send(i); });
      // A plain receive, as a test would write it: if the goroutine is
      // stranded this hangs (the test's timeout reports it).
      std::optional<int> got = c.Recv();
      ASSERT_EQ(got.value_or(-1), i);
    }
  });
}

}  // namespace
}  // namespace go
