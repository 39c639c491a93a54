// Copyright 2026 The gotest Authors.
//
// The waiting-goroutine record shared by channels, select and the semaphore
// table (Go's sudog, runtime2.go), and the one way those layers make a parked
// goroutine runnable again.
//
// A Sudog lives on the stack of the goroutine that waits: that stack cannot go
// away while the goroutine is parked, and every waker reaches the Sudog only
// through a queue under the lock of the object waited on (a channel, a
// semaphore root), so the lock's ownership is also the Sudog's. This saves Go's
// sudog cache and an allocation per blocking operation.
//
// A select enqueues one Sudog per case; all of them point at one `selectdone`
// word on the selecting goroutine's stack. A waker that dequeues such a Sudog
// must win that word (0 -> 1) before it may use it, so exactly one case
// completes the select (Go's g.selectDone).

#ifndef GOTEST_RUNTIME_SUDOG_H_
#define GOTEST_RUNTIME_SUDOG_H_

#include <atomic>
#include <cstdint>

#include "runtime/park.h"

namespace go::runtime::internal {

struct Hchan;

struct Sudog {
  G* g = nullptr;
  Sudog* next = nullptr;
  Sudog* prev = nullptr;
  // Channels: the sender's value (moved from) or the receiver's uninitialized
  // destination (moved into).
  void* elem = nullptr;
  Hchan* c = nullptr;
  // Non-null for select cases; see the file comment.
  std::atomic<uint32_t>* selectdone = nullptr;
  // Set by the waker: true if the operation completed, false if the channel
  // was closed under the waiter.
  bool success = false;

  // Semaphores (sema.cc) and Cond's notify list: the hand-off ticket, and
  // when the wait began (mutex profile).
  uint32_t ticket = 0;
  int64_t acquiretime = 0;

  // Semaphores: the address waited on and the per-address wait list (head
  // only: waitlink/waittail). sema.cc's queue() writes all three before any
  // read, so they have no initializer: the fields above are 64 bytes, which
  // GCC zeroes with four vector stores, where a fully zeroed 88-byte Sudog
  // takes a `rep stosq`. That string instruction cost ~15% of an unbuffered
  // ping-pong round trip (P=1, 162 -> 138 ns) on this machine.
  const void* addr;
  Sudog* waitlink;
  Sudog* waittail;
};

// A FIFO of Sudogs (Go's waitq). `first` is atomic (relaxed) only because the
// non-blocking fast paths of channels peek at it without the lock, as Go does.
struct WaitQ {
  std::atomic<Sudog*> first{nullptr};
  Sudog* last = nullptr;

  bool empty() const {
    return first.load(std::memory_order_relaxed) == nullptr;
  }
  void enqueue(Sudog* sg) {
    sg->next = nullptr;
    Sudog* x = last;
    if (x == nullptr) {
      sg->prev = nullptr;
      first.store(sg, std::memory_order_relaxed);
      last = sg;
      return;
    }
    sg->prev = x;
    x->next = sg;
    last = sg;
  }
  // Removes and returns the first Sudog whose waiter is still waiting: select
  // Sudogs whose select another case already won are dropped.
  Sudog* dequeue() {
    for (;;) {
      Sudog* sg = first.load(std::memory_order_relaxed);
      if (sg == nullptr) return nullptr;
      Sudog* y = sg->next;
      if (y == nullptr) {
        first.store(nullptr, std::memory_order_relaxed);
        last = nullptr;
      } else {
        y->prev = nullptr;
        first.store(y, std::memory_order_relaxed);
        sg->next = nullptr;
      }
      if (sg->selectdone != nullptr) {
        uint32_t zero = 0;
        if (!sg->selectdone->compare_exchange_strong(
                zero, 1, std::memory_order_acq_rel)) {
          continue;
        }
      }
      return sg;
    }
  }
  // Removes sg if it is queued (select's losing cases).
  void remove(Sudog* sg) {
    Sudog* x = sg->prev;
    Sudog* y = sg->next;
    if (x != nullptr) {
      if (y != nullptr) {
        x->next = y;
        y->prev = x;
        sg->next = nullptr;
        sg->prev = nullptr;
        return;
      }
      x->next = nullptr;
      last = x;
      sg->prev = nullptr;
      return;
    }
    if (y != nullptr) {
      y->prev = nullptr;
      first.store(y, std::memory_order_relaxed);
      sg->next = nullptr;
      return;
    }
    if (first.load(std::memory_order_relaxed) == sg) {
      first.store(nullptr, std::memory_order_relaxed);
      last = nullptr;
    }
  }
};

// Makes a parked goroutine runnable: goready, except inside a poll hook (timers
// and netpoll run on sysmon or on an idle M's scheduler stack), where readied
// goroutines are collected for the hook to return to the scheduler
// (MarkReadyForInject). A plain thread's stand-in G is always woken directly.
void ReadyG(G* gp);

// While alive on this thread, ReadyG collects goroutines instead of queueing
// them. Take() returns the list linked through schedlink.
class InjectScope {
 public:
  InjectScope();
  ~InjectScope();
  InjectScope(const InjectScope&) = delete;
  InjectScope& operator=(const InjectScope&) = delete;
  G* Take();
  void Add(G* gp);

 private:
  InjectScope* prev_;
  G* head_ = nullptr;
  G* tail_ = nullptr;
};

// A cheap per-thread random number in [0, n) (select's poll order, profile
// sampling). Not inlined: see getm() in runtime2.h.
uint32_t fastrandn(uint32_t n);
uint64_t fastrand64();

// The number of CPUs and GOMAXPROCS-related checks for bounded spinning
// (Go's sync_runtime_canSpin): true if spinning a little is likely to see the
// holder release, i.e. this is a goroutine on a multicore machine, another P
// is running and this P has nothing else queued.
bool CanSpin(int iter);
void ProcYield(int cycles);

// Yields to the goroutine just readied (Go's goyield); sched_yield on a plain
// thread.
void Goyield();

// A preemption point for the sync slow paths (Go checks gp.preempt in every
// function prologue). A goroutine that ran over 10 ms while others waited
// loses its P to sysmon but keeps running on its thread, beside the M that
// got the P: two threads then run goroutine code where GOMAXPROCS allows one,
// and contend for the same locks. Such a goroutine yields here, to the global
// run queue, as Go's preempted goroutines do; anything else returns at once.
void PreemptPoint();

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_SUDOG_H_
