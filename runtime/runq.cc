// Copyright 2026 The gotest Authors.

#include "runtime/runq.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "runtime/lock.h"

namespace go::runtime::internal {

namespace {

constexpr uint32_t kMask = kRunqSize - 1;

// Moves half of pp's ring plus gp to the global queue. False if a thief changed
// the head meanwhile (the caller retries the fast path).
bool runqputslow(P* pp, G* gp, uint32_t h, uint32_t t) {
  G* batch[kRunqSize / 2 + 1];
  uint32_t n = (t - h) / 2;
  for (uint32_t i = 0; i < n; i++) {
    batch[i] = pp->runq[(h + i) & kMask].load(std::memory_order_relaxed);
  }
  if (!pp->runqhead.compare_exchange_strong(h, h + n,
                                            std::memory_order_acq_rel)) {
    return false;
  }
  batch[n] = gp;
  std::lock_guard<Lock> l(sched().lock);
  globrunqputbatch(batch, static_cast<int32_t>(n + 1));
  return true;
}

// How long a thief waits before taking a running P's runnext. Go waits
// usleep(3), which lasts about 50 us at its Ms' default timer slack (and
// 90-100 us on this project's VMs); ours run with 1 ns of slack (minit), so the
// 50 us is explicit (83-95 us here). A sleep rather than a spin: meanwhile a
// spawning owner queues a batch that the next look takes at once, instead of
// this M parking and being woken (two system calls) for every few goroutines.
// (Measured with usleep(3) at 1 ns of slack: WaitGroup spawn+join P=2 186 ns
// CPU per goroutine against 98 with this.)
constexpr unsigned kRunnextWaitUs = 50;

// How long it waits for each further look once the owner has run the runnext
// it saw: the owner is scheduling its own goroutines and serves its runnext
// itself, so looking every 50 us only costs the thief a sleep and a wakeup
// each time (a context switch: some 20 us of CPU on a VM) and keeps it from
// parking. Go keeps looking at the first pace; this back-off is what brought
// RWMutex P=2 from 1.10 to 0.90 of Go's CPU (tests/perf/runtime, issue 4),
// and ring and buffered channels P=2 to 0.80 and 0.77 of the 50 us pace. The
// cost: a runnext that gets stuck behind a long-running goroutine while a
// thief is in this back-off waits up to 1 ms for it, against ~0.1 ms in Go.
// Usually no thief is watching then, and both runtimes take about a
// millisecond to wake one (proc_test ThiefTakesRunnextFromBusyOwner: medians
// 0.6-1.6 ms, Go 1.2-1.4 ms); the preemption bound is 10 ms in both.
constexpr unsigned kRunnextBusyOwnerWaitUs = 1000;

void thief_wait(unsigned us) {
  // While a spinning M sleeps, wakep starts no other. For a long wait with
  // idle Ps about (GOMAXPROCS > 2), the thief stops counting as spinning, so
  // that other Ps' new work still gets an M.
  M* m =
      us > kRunnextWaitUs && sched().npidle.load(std::memory_order_relaxed) > 0
          ? getm()
          : nullptr;
  bool uncount = m != nullptr && m->spinning;
  if (uncount) sched().nmspinning.fetch_sub(1, std::memory_order_seq_cst);
  usleep(us);
  if (uncount) sched().nmspinning.fetch_add(1, std::memory_order_seq_cst);
}

// Grabs up to half of pp's ring into batch[batch_head...]; returns how many.
uint32_t runqgrab(P* pp, std::atomic<G*>* batch, uint32_t batch_head,
                  bool steal_runnext) {
  unsigned wait_us = kRunnextWaitUs;
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_acquire);
    uint32_t n = t - h;
    n = n - n / 2;
    if (n == 0) {
      if (steal_runnext) {
        G* next = pp->runnext.load(std::memory_order_acquire);
        if (next != nullptr) {
          // The owner is probably about to run it (a goroutine it just
          // readied, or the newest of those it is spawning): give it a
          // moment before taking it, as Go does.
          uint32_t st = pp->status.load(std::memory_order_relaxed);
          if (st == kPRunning || st == kPUser) {
            thief_wait(wait_us);
            if (pp->runnext.load(std::memory_order_acquire) != next) {
              wait_us = kRunnextBusyOwnerWaitUs;
              continue;
            }
          }
          if (!pp->runnext.compare_exchange_strong(next, nullptr,
                                                   std::memory_order_acq_rel)) {
            continue;
          }
          batch[batch_head & kMask].store(next, std::memory_order_relaxed);
          return 1;
        }
      }
      return 0;
    }
    if (n > kRunqSize / 2) continue;  // read an inconsistent h and t
    for (uint32_t i = 0; i < n; i++) {
      G* g = pp->runq[(h + i) & kMask].load(std::memory_order_relaxed);
      batch[(batch_head + i) & kMask].store(g, std::memory_order_relaxed);
    }
    if (pp->runqhead.compare_exchange_strong(h, h + n,
                                             std::memory_order_acq_rel)) {
      return n;
    }
  }
}

}  // namespace

void runqput(P* pp, G* gp, bool next) {
  if (next) {
    G* old = pp->runnext.load(std::memory_order_relaxed);
    while (!pp->runnext.compare_exchange_weak(old, gp,
                                              std::memory_order_acq_rel)) {
    }
    if (old == nullptr) return;
    gp = old;  // kick the old runnext out to the regular queue
  }
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
    if (t - h < kRunqSize) {
      pp->runq[t & kMask].store(gp, std::memory_order_relaxed);
      pp->runqtail.store(t + 1, std::memory_order_release);
      return;
    }
    if (runqputslow(pp, gp, h, t)) return;
  }
}

G* runqget(P* pp, bool* inherit_time) {
  G* next = pp->runnext.load(std::memory_order_relaxed);
  if (next != nullptr && pp->runnext.compare_exchange_strong(
                             next, nullptr, std::memory_order_acq_rel)) {
    *inherit_time = true;
    return next;
  }
  *inherit_time = false;
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
    if (t == h) return nullptr;
    G* gp = pp->runq[h & kMask].load(std::memory_order_relaxed);
    if (pp->runqhead.compare_exchange_weak(h, h + 1,
                                           std::memory_order_acq_rel)) {
      // The G after it is likely next: start fetching its G and top frames.
      if (h + 1 != t) {
        const char* n = reinterpret_cast<const char*>(
            pp->runq[(h + 1) & kMask].load(std::memory_order_relaxed));
        __builtin_prefetch(n);
        __builtin_prefetch(n - 64);
        __builtin_prefetch(n - 128);
      }
      return gp;
    }
  }
}

G* runqsteal(P* pp, P* victim, bool steal_runnext) {
  uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
  uint32_t n = runqgrab(victim, pp->runq, t, steal_runnext);
  if (n == 0) return nullptr;
  n--;
  G* gp = pp->runq[(t + n) & kMask].load(std::memory_order_relaxed);
  if (n == 0) return gp;
  pp->runqtail.store(t + n, std::memory_order_release);
  return gp;
}

bool runqempty(const P* pp) {
  // Go's careful read: tail, runnext, then tail again, so that a G moving from
  // runnext to the ring is not missed.
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_seq_cst);
    uint32_t t = pp->runqtail.load(std::memory_order_seq_cst);
    G* next = pp->runnext.load(std::memory_order_seq_cst);
    if (pp->runqtail.load(std::memory_order_seq_cst) == t) {
      return h == t && next == nullptr;
    }
  }
}

uint32_t runqlen(const P* pp) {
  uint32_t h = pp->runqhead.load(std::memory_order_acquire);
  uint32_t t = pp->runqtail.load(std::memory_order_acquire);
  return t - h +
         (pp->runnext.load(std::memory_order_acquire) != nullptr ? 1 : 0);
}

void runqdrain_to_global(P* pp) {
  bool inherit;
  std::lock_guard<Lock> l(sched().lock);
  while (G* gp = runqget(pp, &inherit)) globrunqput(gp);
}

namespace {

// sched.lock held. Room for n more.
void globrunq_reserve(uint32_t n) {
  Sched& s = sched();
  uint32_t size =
      static_cast<uint32_t>(s.runqsize.load(std::memory_order_relaxed));
  if (size + n <= s.runqcap) return;
  uint32_t cap = s.runqcap == 0 ? 1024 : s.runqcap;
  while (cap < size + n) cap *= 2;
  G** buf = new G*[cap];
  for (uint32_t i = 0; i < size; i++) {
    buf[i] = s.runqbuf[(s.runqfirst + i) % s.runqcap];
  }
  delete[] s.runqbuf;
  s.runqbuf = buf;
  s.runqcap = cap;
  s.runqfirst = 0;
}

}  // namespace

void globrunqput(G* gp) {
  Sched& s = sched();
  globrunq_reserve(1);
  uint32_t size =
      static_cast<uint32_t>(s.runqsize.load(std::memory_order_relaxed));
  s.runqbuf[(s.runqfirst + size) % s.runqcap] = gp;
  s.runqsize.fetch_add(1, std::memory_order_seq_cst);
}

void globrunqputhead(G* gp) {
  Sched& s = sched();
  globrunq_reserve(1);
  s.runqfirst = (s.runqfirst + s.runqcap - 1) % s.runqcap;
  s.runqbuf[s.runqfirst] = gp;
  s.runqsize.fetch_add(1, std::memory_order_seq_cst);
}

void globrunqputbatch(G* const* gs, int32_t n) {
  Sched& s = sched();
  globrunq_reserve(static_cast<uint32_t>(n));
  uint32_t size =
      static_cast<uint32_t>(s.runqsize.load(std::memory_order_relaxed));
  for (int32_t i = 0; i < n; i++) {
    s.runqbuf[(s.runqfirst + size + static_cast<uint32_t>(i)) % s.runqcap] =
        gs[i];
  }
  s.runqsize.fetch_add(n, std::memory_order_seq_cst);
}

void globrunqputlist(G* list) {
  while (list != nullptr) {
    G* next = list->schedlink;
    list->schedlink = nullptr;
    globrunqput(list);
    list = next;
  }
}

G* globrunqpop() {
  Sched& s = sched();
  if (s.runqsize.load(std::memory_order_relaxed) == 0) return nullptr;
  G* gp = s.runqbuf[s.runqfirst];
  s.runqfirst = (s.runqfirst + 1) % s.runqcap;
  s.runqsize.fetch_sub(1, std::memory_order_relaxed);
  return gp;
}

G* globrunqget(P* pp, int32_t max) {
  Sched& s = sched();
  int32_t size = s.runqsize.load(std::memory_order_relaxed);
  if (size == 0) return nullptr;
  int32_t procs = std::max(1, s.gomaxprocs.load(std::memory_order_relaxed));
  int32_t n = size / procs + 1;
  n = std::min(n, size);
  if (max > 0) n = std::min(n, max);
  n = std::min(n, kRunqSize / 2);
  G* gp = globrunqpop();
  for (int32_t i = 1; i < n; i++) runqput(pp, globrunqpop(), false);
  return gp;
}

}  // namespace go::runtime::internal
