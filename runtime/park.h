// Copyright 2026 The gotest Authors.
//
// The one blocking primitive of the runtime: gopark/goready (Go's proc.go).
// Channels, sync, timers and netpoll are all built on it.
//
//   // Channel receive, simplified:
//   lock(&c->lock);
//   if (no sender) {
//     enqueue(&c->recvq, gp = getg());
//     gopark([](G*, void* l) { unlock(l); return true; }, &c->lock,
//            WaitReason::kChanReceive);   // unlocked after gp is off its stack
//   }
//
// gopark switches to the scheduler first and only then calls unlockf, so a
// waker that takes the lock after unlockf can goready the G at once without
// racing the switch (Go's parkunlock). If unlockf returns false the G is
// resumed at once instead of parking. goready may be called from any thread: a
// goroutine (the G goes to its P's runnext, inheriting the time slice, as Go
// does), the scheduler, a timer/netpoll hook or a plain thread (global queue).
//
// Plain threads: getg() on a thread that is not running a goroutine returns a
// stand-in G for that thread; gopark on it blocks the thread on a futex and
// goready wakes it, so every primitive works from non-goroutine code unchanged.

#ifndef GOTEST_RUNTIME_PARK_H_
#define GOTEST_RUNTIME_PARK_H_

#include <cstdint>
#include <string_view>

namespace go::runtime::internal {

struct G;

// Why a goroutine waits; printed by goroutine dumps as Go prints waitReason.
enum class WaitReason : uint8_t {
  kZero,
  kChanReceiveNilChan,
  kChanSendNilChan,
  kSelectNoCases,
  kChanReceive,
  kChanSend,
  kSelect,
  kSleep,
  kSyncCondWait,
  kSyncMutexLock,
  kSyncRWMutexRLock,
  kSyncRWMutexLock,
  kSyncWaitGroupWait,
  kSemacquire,
  kIOWait,
  kTimerGoroutineIdle,
  kPreempted,
  kPanicWait,
  kWaitForTestCompletion,  // harness: tRunner waiting for subtests
};

std::string_view WaitReasonString(WaitReason r);

// Parks the current goroutine. unlockf(gp, lock) runs on the scheduler stack
// after the switch; returning false resumes gp at once. unlockf must not block,
// park or throw. Returns when some goready(gp) made it runnable and it was
// scheduled.
void gopark(bool (*unlockf)(G* gp, void* lock), void* lock, WaitReason reason);

// Makes a parked G runnable. Exactly one goready per gopark.
void goready(G* gp);

// The running goroutine (or the stand-in G of a plain thread). Not inlined; see
// getm() in runtime2.h.
G* getg();

// The goroutine id of gp (0 for a plain thread's stand-in).
int64_t goid(const G* gp);

// Goroutine-side scratch word that a waker may set before goready (Go's
// g.param).
void set_param(G* gp, void* p);
void* param(const G* gp);

// Markers around a call that may block the OS thread (a read, a futex wait, a C
// library call). While inside, sysmon may hand this goroutine's P to another
// thread so the other goroutines keep running; ExitSyscall gets a P back,
// waiting on the global queue if none is free. Cheap when the call is short
// (two atomic operations). Nesting is not allowed. No-ops on a plain thread.
void EnterSyscall();
void ExitSyscall();

// RAII form of EnterSyscall/ExitSyscall.
class BlockingRegion {
 public:
  BlockingRegion() { EnterSyscall(); }
  ~BlockingRegion() { ExitSyscall(); }
  BlockingRegion(const BlockingRegion&) = delete;
  BlockingRegion& operator=(const BlockingRegion&) = delete;
};

// Hooks for the sources of wakeups outside the scheduler (timers, netpoll),
// which are later layers. The scheduler consults every registered hook:
//  - poll(now) returns the Gs that became ready (linked through their
//  schedlink,
//    already marked runnable with MarkReadyForInject) without blocking; it is
//    called by idle Ms before they sleep and by sysmon every tick;
//  - next_deadline() is the nanotime() at which poll may next have something (a
//    timer), kNoDeadline if only an outside event (IO) can produce one, or
//    kNothingPending if nothing is registered at all.
// An idle M sleeps until the earliest deadline (only one M does the timed
// sleep); when a hook learns of an earlier deadline or of ready work it calls
// PollHooksChanged() to wake that M. A pending hook also keeps the deadlock
// detector quiet, as Go's pending timers do.
//
// Optionally (netpoll), a hook may block: block(timeout_ns, arg) waits up to
// timeout_ns (< 0: until an event or a wake) for the hook's events and returns
// the Gs that became ready, as poll does; wake(arg) makes a block in progress
// (or the next one) return at once. The M that sleeps until the earliest
// deadline then waits in block instead of on its futex, and PollHooksChanged
// also calls wake. At most one registered hook may block.
struct PollHook {
  G* (*poll)(int64_t now, void* arg);
  int64_t (*next_deadline)(void* arg);
  void* arg;
  G* (*block)(int64_t timeout_ns, void* arg) = nullptr;
  void (*wake)(void* arg) = nullptr;
};
constexpr int64_t kNoDeadline = INT64_MAX;
constexpr int64_t kNothingPending = -1;

void AddPollHook(const PollHook& hook);
void PollHooksChanged();
// Marks a parked G runnable for return from a poll hook (status only; the
// scheduler queues it).
void MarkReadyForInject(G* gp);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_PARK_H_
