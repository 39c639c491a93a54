// Copyright 2026 The gotest Authors.
//
// The channel object (Go's hchan) for the runtime files that operate on
// channels directly: chan.cc, select.cc and the timers (time.cc).

#ifndef GOTEST_RUNTIME_CHAN_INTERNAL_H_
#define GOTEST_RUNTIME_CHAN_INTERNAL_H_

#include <atomic>
#include <cstdint>

#include "runtime/chan.h"
#include "runtime/lock.h"
#include "runtime/sudog.h"

namespace go::runtime::internal {

struct Hchan {
  std::atomic<int64_t> refs{1};
  // Elements in the buffer; written under lock, read without it by Len and the
  // non-blocking fast paths.
  std::atomic<uint32_t> qcount{0};
  uint32_t dataqsiz = 0;  // capacity
  uint32_t sendx = 0;
  uint32_t recvx = 0;
  std::atomic<uint32_t> closed{0};
  // A time.Timer / time.Ticker channel: as in Go 1.23, Len and Cap report 0
  // (the one-element buffer is an implementation detail).
  bool timer = false;
  const ElemOps* ops = nullptr;
  char* buf = nullptr;
  WaitQ recvq;  // parked receivers
  WaitQ sendq;  // parked senders
  Lock lock;
};

inline void* chanbuf(Hchan* c, uint32_t i) {
  return c->buf + static_cast<size_t>(i) * c->ops->size;
}

// The steps of a send/receive once the channel's lock is held, shared with
// select. Each returns the goroutine to ready after the caller unlocks.
//
// send_to_receiver: moves *ep into the parked receiver sg.
G* send_to_receiver(Hchan* c, Sudog* sg, void* ep);
// recv_from_sender: takes a value from the parked sender sg (directly, or the
// buffer's head with sg's value appended) into ep.
G* recv_from_sender(Hchan* c, Sudog* sg, void* ep);
// Buffer operations; the caller checked there is room / a value.
void bufsend(Hchan* c, void* ep);
void bufrecv(Hchan* c, void* ep);

// Timers: marks c as a timer channel; drains a buffered value (Stop/Reset
// never leave a stale time behind).
void chanmarktimer(Hchan* c);
void chandrain(Hchan* c);
// Non-blocking send used by timers; drops the value if the buffer is full.
bool chansendnb(Hchan* c, void* ep);

// Set once by the timers (time.cc) before the first timer channel exists.
// Go 1.23 keeps a channel timer in a heap only while a goroutine is blocked on
// its channel, and a receive runs the timer if it is due (maybeRunChan). Here
// channel timers stay in their heap but count as pending for the scheduler
// only while some goroutine is blocked on a timer channel (so an unreferenced
// Ticker no longer hides a deadlock, as in Go); so a receive from a timer
// channel first fires the timers that are due (this hook), since no thread
// may be sleeping until them. Called with no lock held.
extern std::atomic<void (*)()> g_timerchan_poll;
// Goroutines parked in a receive or select with a timer channel case: while
// there are any, every armed timer counts as pending (time.cc).
extern std::atomic<int32_t> g_timerchan_waiters;
inline void timerchan_poll() {
  if (void (*f)() = g_timerchan_poll.load(std::memory_order_acquire)) f();
}

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_CHAN_INTERNAL_H_
