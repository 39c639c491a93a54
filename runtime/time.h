// Copyright 2026 The gotest Authors.
//
// Go's package time for goroutines: Sleep, timers, tickers (Go's time.go and
// time/sleep.go, tick.go).
//
//   go::time::Sleep(absl::Milliseconds(5));            // parks this goroutine
//   go::Select(go::OnRecv(done, ...),
//              go::OnRecv(go::time::After(absl::Seconds(1)), ...));  // timeout
//   go::time::Timer t = go::time::NewTimer(absl::Seconds(1));
//   if (t.Stop()) { ... }                               // never fires now
//   go::time::Ticker tk = go::time::NewTicker(absl::Milliseconds(10));
//   for (int i = 0; i < 3; i++) tk.C.Recv();
//   tk.Stop();
//
// Timers live in sharded 4-ary heaps (one shard per P, up to kTimerShards)
// that the scheduler polls through a PollHook (park.h): an idle thread sleeps
// exactly until the earliest timer, and sysmon fires due timers when every P
// is busy. As in Go 1.23+, a Sleep, an AfterFunc and a timer whose channel a
// goroutine is blocked receiving from (Recv or Select) count as pending work
// and keep the deadlock detector quiet; an armed Timer or Ticker that nobody
// is blocked on does not (Go only heaps those timers when a goroutine blocks
// on the channel), and a receive from a timer channel first fires the timers
// that are due, so their value is there once the time has passed.
//
// Timer channels have Go 1.23 semantics: they behave as unbuffered (Len and
// Cap are 0), and after Stop or Reset returns no stale value from before the
// call can be received. Stop returns true if the call stopped the timer before
// its value was received (or its function started).
//
// Deviations from Go: Now() is absl::Now() (wall clock, no monotonic reading;
// Since/Until use it too). A Ticker is stopped when its last Ticker handle is
// destroyed, and Tick's ticker lives forever (Go 1.23 would collect an
// unreferenced one; like Go's, it does not count as pending work while nobody
// waits on its channel).

#ifndef GOTEST_RUNTIME_TIME_H_
#define GOTEST_RUNTIME_TIME_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "runtime/chan.h"

namespace go::runtime::internal {

struct TimerImpl;

// A timer whose callback runs inside the scheduler's poll hook (sysmon or an
// idle M's scheduler stack), for runtime code such as netpoll deadlines: fn
// must not block, park or throw; it may ReadyG goroutines. Not for users.
class RuntimeTimer {
 public:
  RuntimeTimer(void (*fn)(void* arg, uintptr_t seq), void* arg);
  ~RuntimeTimer();
  RuntimeTimer(const RuntimeTimer&) = delete;
  RuntimeTimer& operator=(const RuntimeTimer&) = delete;
  // Arms (or re-arms) the timer to call fn(arg, seq) at nanotime() `when`.
  void Reset(int64_t when, uintptr_t seq);
  // Disarms; true if it was armed and had not fired.
  bool Stop();

 private:
  std::shared_ptr<TimerImpl> t_;
};

constexpr int kTimerShards = 8;

}  // namespace go::runtime::internal

namespace go::time {

// The current time (absl::Now()).
absl::Time Now();
// Now() - t.
absl::Duration Since(absl::Time t);
// t - Now().
absl::Duration Until(absl::Time t);

// Pauses the calling goroutine for at least d; returns at once if d <= 0. On a
// plain thread it sleeps that thread.
void Sleep(absl::Duration d);

// A single event: C receives the current time once d has elapsed, unless
// stopped. A default-constructed Timer is uninitialized: Stop and Reset panic,
// as on a Go Timer not made by NewTimer or AfterFunc. Copies share the timer.
class Timer {
 public:
  Timer() = default;
  // The channel on which the time is delivered (nil for AfterFunc timers).
  Chan<absl::Time> C;
  // Prevents the timer from firing. Returns true if the call stops the timer,
  // false if it had already expired (its value received or its function
  // started) or been stopped.
  bool Stop();
  // Changes the timer to expire after d. Returns true if the timer had been
  // active. After Reset returns, no value from before the call is received.
  bool Reset(absl::Duration d);

 private:
  friend Timer NewTimer(absl::Duration d);
  friend Timer AfterFunc(absl::Duration d, std::function<void()> f);
  std::shared_ptr<runtime::internal::TimerImpl> t_;
};

// A Timer whose channel receives the time after at least d.
Timer NewTimer(absl::Duration d);
// Waits d and then runs f in its own goroutine. The Timer's C is nil.
Timer AfterFunc(absl::Duration d, std::function<void()> f);
// NewTimer(d).C.
Chan<absl::Time> After(absl::Duration d);

// Delivers the time on C every period, dropping ticks for a slow receiver.
// Copies share the ticker; the last copy's destruction stops it.
class Ticker {
 public:
  Ticker() = default;
  Chan<absl::Time> C;
  // Turns the ticker off; no tick from before the call is received after it.
  void Stop();
  // Stops the ticker and resets its period to d; the next tick arrives after
  // d. Panics "non-positive interval for Ticker.Reset" if d <= 0.
  void Reset(absl::Duration d);

 private:
  friend Ticker NewTicker(absl::Duration d);
  struct Holder;
  std::shared_ptr<Holder> h_;
};

// A ticker with period d; panics "non-positive interval for NewTicker" if
// d <= 0.
Ticker NewTicker(absl::Duration d);
// NewTicker(d).C, or the nil channel if d <= 0 (as Go).
Chan<absl::Time> Tick(absl::Duration d);

}  // namespace go::time

#endif  // GOTEST_RUNTIME_TIME_H_
