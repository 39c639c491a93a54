// Copyright 2026 The gotest Authors.
//
// Channels, after Go's chan.go. Invariants (Go's):
//  - At least one of sendq and recvq is empty, except for an unbuffered
//    channel with a single goroutine blocked on it in select for both sending
//    and receiving.
//  - For a buffered channel: qcount > 0 implies recvq is empty; qcount <
//    dataqsiz implies sendq is empty.
// A Sudog's elem is owned by its goroutine's frame; the channel moves values
// into or out of it while holding the channel lock, and the woken goroutine
// reads `success` only after it runs again.

#include "runtime/chan.h"

#include <cstdint>
#include <cstdlib>
#include <new>

#include "runtime/blockevent.h"
#include "runtime/chan_internal.h"
#include "runtime/panic.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/race.h"
#include "runtime/runtime2.h"
#include "runtime/sudog.h"

namespace go::runtime::internal {

namespace {

constexpr int64_t kMaxChanBytes = int64_t{1} << 40;

size_t buf_offset(const ElemOps* ops) {
  size_t a = ops->align < alignof(Hchan) ? alignof(Hchan) : ops->align;
  return (sizeof(Hchan) + a - 1) & ~(a - 1);
}

size_t alloc_align(const ElemOps* ops) {
  return ops->align < alignof(Hchan) ? alignof(Hchan) : ops->align;
}

bool parkunlock_chan(G*, void* lock) {
  static_cast<Lock*>(lock)->unlock();
  return true;
}

// A receiver now blocked on a timer channel makes its timer count as pending
// (chan_internal.h): a thread sleeping until an earlier or no deadline must
// look again.
bool parkunlock_timerchan(G*, void* lock) {
  static_cast<Lock*>(lock)->unlock();
  PollHooksChanged();
  return true;
}

// Go's full(): a send would block.
inline bool full(const Hchan* c) {
  if (c->dataqsiz == 0) return c->recvq.empty();
  return c->qcount.load(std::memory_order_relaxed) == c->dataqsiz;
}

// Go's empty(): a receive would block (ignoring closed).
inline bool empty(const Hchan* c) {
  if (c->dataqsiz == 0) return c->sendq.empty();
  return c->qcount.load(std::memory_order_relaxed) == 0;
}

[[noreturn]] void block_forever(WaitReason reason) {
  gopark(nullptr, nullptr, reason);
  fatal("unreachable");
}

inline int64_t block_t0() { return BlockProfileEnabled() ? nanotime() : 0; }

[[noreturn]] void panic_send_closed() {
  throw go::runtime::Panic("send on closed channel");
}

// The shared send path: block says whether to park.
bool chansend1(Hchan* c, void* ep, bool block) {
  if (c == nullptr) {
    if (!block) return false;
    block_forever(WaitReason::kChanSendNilChan);
  }
  // Fast path: a non-blocking send on an open, full channel fails without the
  // lock (Go: the two loads are ordered as observing "not closed" then
  // "full"; a concurrent close does not change the answer).
  if (!block && c->closed.load(std::memory_order_relaxed) == 0 && full(c)) {
    return false;
  }
  int64_t t0 = block_t0();
  c->lock.lock();
  if (c->closed.load(std::memory_order_relaxed) != 0) {
    c->lock.unlock();
    panic_send_closed();
  }
  if (Sudog* sg = c->recvq.dequeue()) {
    G* gp = send_to_receiver(c, sg, ep);
    c->lock.unlock();
    ReadyG(gp);
    return true;
  }
  if (c->qcount.load(std::memory_order_relaxed) < c->dataqsiz) {
    bufsend(c, ep);
    c->lock.unlock();
    return true;
  }
  if (!block) {
    c->lock.unlock();
    return false;
  }
  Sudog mysg;
  mysg.g = getg();
  mysg.elem = ep;
  mysg.c = c;
  c->sendq.enqueue(&mysg);
  gopark(&parkunlock_chan, &c->lock, WaitReason::kChanSend);
  RaceAcquire(c);
  if (t0 != 0) blockevent(nanotime() - t0, 1);
  if (!mysg.success) {
    if (c->closed.load(std::memory_order_relaxed) == 0) {
      fatal("chansend: spurious wakeup");
    }
    panic_send_closed();
  }
  return true;
}

// The shared receive path. Returns false only if !block and it would block.
bool chanrecv1(Hchan* c, void* ep, bool block, bool* received) {
  if (c == nullptr) {
    if (!block) return false;
    block_forever(WaitReason::kChanReceiveNilChan);
  }
  if (c->timer) timerchan_poll();
  if (!block && empty(c)) {
    if (c->closed.load(std::memory_order_acquire) == 0) return false;
    // Closed: re-check emptiness, a send may have completed before the close.
    if (empty(c)) {
      RaceAcquire(c);
      *received = false;
      return true;
    }
  }
  int64_t t0 = block_t0();
  c->lock.lock();
  if (c->closed.load(std::memory_order_relaxed) != 0) {
    if (c->qcount.load(std::memory_order_relaxed) == 0) {
      RaceAcquire(c);
      c->lock.unlock();
      *received = false;
      return true;
    }
  } else if (Sudog* sg = c->sendq.dequeue()) {
    G* gp = recv_from_sender(c, sg, ep);
    c->lock.unlock();
    ReadyG(gp);
    *received = true;
    return true;
  }
  if (c->qcount.load(std::memory_order_relaxed) > 0) {
    bufrecv(c, ep);
    c->lock.unlock();
    *received = true;
    return true;
  }
  if (!block) {
    c->lock.unlock();
    return false;
  }
  Sudog mysg;
  mysg.g = getg();
  mysg.elem = ep;
  mysg.c = c;
  c->recvq.enqueue(&mysg);
  if (c->timer) {
    g_timerchan_waiters.fetch_add(1, std::memory_order_seq_cst);
    gopark(&parkunlock_timerchan, &c->lock, WaitReason::kChanReceive);
    g_timerchan_waiters.fetch_sub(1, std::memory_order_seq_cst);
  } else {
    gopark(&parkunlock_chan, &c->lock, WaitReason::kChanReceive);
  }
  RaceAcquire(c);
  if (t0 != 0) blockevent(nanotime() - t0, 1);
  *received = mysg.success;
  return true;
}

}  // namespace

G* send_to_receiver(Hchan* c, Sudog* sg, void* ep) {
  c->ops->move(sg->elem, ep);
  RaceRelease(c);
  sg->success = true;
  G* gp = sg->g;
  set_param(gp, sg);
  return gp;
}

G* recv_from_sender(Hchan* c, Sudog* sg, void* ep) {
  if (c->dataqsiz == 0) {
    RaceAcquire(c);
    c->ops->move(ep, sg->elem);
  } else {
    // The buffer is full: take its head and put the sender's value at the
    // tail, which is the same slot.
    void* qp = chanbuf(c, c->recvx);
    RaceAcquire(qp);
    c->ops->move(ep, qp);
    c->ops->destroy(qp);
    c->ops->move(qp, sg->elem);
    RaceRelease(qp);
    if (++c->recvx == c->dataqsiz) c->recvx = 0;
    c->sendx = c->recvx;
  }
  RaceRelease(c);
  sg->success = true;
  G* gp = sg->g;
  set_param(gp, sg);
  return gp;
}

void bufsend(Hchan* c, void* ep) {
  void* qp = chanbuf(c, c->sendx);
  c->ops->move(qp, ep);
  RaceRelease(qp);
  if (++c->sendx == c->dataqsiz) c->sendx = 0;
  c->qcount.store(c->qcount.load(std::memory_order_relaxed) + 1,
                  std::memory_order_relaxed);
}

void bufrecv(Hchan* c, void* ep) {
  void* qp = chanbuf(c, c->recvx);
  RaceAcquire(qp);
  c->ops->move(ep, qp);
  c->ops->destroy(qp);
  if (++c->recvx == c->dataqsiz) c->recvx = 0;
  c->qcount.store(c->qcount.load(std::memory_order_relaxed) - 1,
                  std::memory_order_relaxed);
}

Hchan* makechan(const ElemOps* ops, int64_t size) {
  if (size < 0 || size > int64_t{UINT32_MAX} / 2 ||
      size * static_cast<int64_t>(ops->size) > kMaxChanBytes) {
    throw go::runtime::Panic("makechan: size out of range");
  }
  size_t off = buf_offset(ops);
  size_t total = off + static_cast<size_t>(size) * ops->size;
  void* mem = ::operator new(total, std::align_val_t(alloc_align(ops)));
  Hchan* c = ::new (mem) Hchan;
  c->ops = ops;
  c->dataqsiz = static_cast<uint32_t>(size);
  c->buf = static_cast<char*>(mem) + off;
  return c;
}

void chanref(Hchan* c) { c->refs.fetch_add(1, std::memory_order_relaxed); }

void chanunref(Hchan* c) {
  if (c->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // Last reference: nobody can be parked on it (a parked goroutine holds a
  // reference through the Chan it operates on).
  uint32_t n = c->qcount.load(std::memory_order_relaxed);
  uint32_t i = c->recvx;
  for (uint32_t k = 0; k < n; k++) {
    c->ops->destroy(chanbuf(c, i));
    if (++i == c->dataqsiz) i = 0;
  }
  const ElemOps* ops = c->ops;
  c->~Hchan();
  ::operator delete(static_cast<void*>(c), std::align_val_t(alloc_align(ops)));
}

void chansend(Hchan* c, void* ep) { chansend1(c, ep, true); }
bool chantrysend(Hchan* c, void* ep) { return chansend1(c, ep, false); }

bool chanrecv(Hchan* c, void* ep) {
  bool received = false;
  chanrecv1(c, ep, true, &received);
  return received;
}

bool chantryrecv(Hchan* c, void* ep, bool* received) {
  return chanrecv1(c, ep, false, received);
}

void closechan(Hchan* c) {
  if (c == nullptr) throw go::runtime::Panic("close of nil channel");
  c->lock.lock();
  if (c->closed.load(std::memory_order_relaxed) != 0) {
    c->lock.unlock();
    throw go::runtime::Panic("close of closed channel");
  }
  RaceRelease(c);
  c->closed.store(1, std::memory_order_release);
  // Collect every waiter (linked through schedlink: they are parked, so the
  // field is free), then ready them after unlocking.
  G* glist = nullptr;
  while (Sudog* sg = c->recvq.dequeue()) {
    sg->success = false;
    G* gp = sg->g;
    set_param(gp, sg);
    gp->schedlink = glist;
    glist = gp;
  }
  while (Sudog* sg = c->sendq.dequeue()) {
    sg->success = false;
    G* gp = sg->g;
    set_param(gp, sg);
    gp->schedlink = glist;
    glist = gp;
  }
  c->lock.unlock();
  while (glist != nullptr) {
    G* gp = glist;
    glist = gp->schedlink;
    gp->schedlink = nullptr;
    ReadyG(gp);
  }
}

int chanlen(const Hchan* c) {
  if (c == nullptr || c->timer) return 0;
  return static_cast<int>(c->qcount.load(std::memory_order_relaxed));
}

int chancap(const Hchan* c) {
  if (c == nullptr || c->timer) return 0;
  return static_cast<int>(c->dataqsiz);
}

void chanmarktimer(Hchan* c) { c->timer = true; }

std::atomic<void (*)()> g_timerchan_poll{nullptr};
std::atomic<int32_t> g_timerchan_waiters{0};

void chandrain(Hchan* c) {
  c->lock.lock();
  while (c->qcount.load(std::memory_order_relaxed) > 0) {
    void* qp = chanbuf(c, c->recvx);
    c->ops->destroy(qp);
    if (++c->recvx == c->dataqsiz) c->recvx = 0;
    c->qcount.store(c->qcount.load(std::memory_order_relaxed) - 1,
                    std::memory_order_relaxed);
  }
  c->lock.unlock();
}

bool chansendnb(Hchan* c, void* ep) { return chansend1(c, ep, false); }

}  // namespace go::runtime::internal
