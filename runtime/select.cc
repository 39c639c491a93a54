// Copyright 2026 The gotest Authors.
//
// selectgo, after Go's select.go: a random poll order over the non-nil cases,
// every channel locked in address order, one pass for a ready case, then one
// Sudog per case enqueued on every channel and a single park; the case that
// wakes the goroutine won the select's `done` word, the others are dequeued
// after waking.

#include "runtime/select.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>

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

struct SelState {
  Scase* cases;
  uint16_t* lockorder;
  int n;
  bool timer = false;  // a receive case on a timer channel
};

void sellock(const SelState& s) {
  Hchan* last = nullptr;
  for (int i = 0; i < s.n; i++) {
    Hchan* c = s.cases[s.lockorder[i]].c;
    if (c != last) {
      last = c;
      c->lock.lock();
    }
  }
}

void selunlock(const SelState& s) {
  // Unlock in reverse order; a channel listed twice is unlocked once, at its
  // first occurrence.
  for (int i = s.n - 1; i >= 0; i--) {
    Hchan* c = s.cases[s.lockorder[i]].c;
    if (i > 0 && c == s.cases[s.lockorder[i - 1]].c) continue;
    c->lock.unlock();
  }
}

bool selparkcommit(G*, void* arg) {
  const SelState& s = *static_cast<const SelState*>(arg);
  // Read before unlocking: once the channels are unlocked the goroutine may be
  // readied, run elsewhere and reuse the stack that s lives on.
  bool timer = s.timer;
  selunlock(s);
  // Blocked on a timer channel: its timer now counts as pending
  // (chan_internal.h).
  if (timer) PollHooksChanged();
  return true;
}

void sort_lockorder(Scase* cases, uint16_t* lo, int n) {
  auto less = [cases](uint16_t a, uint16_t b) {
    return std::less<const Hchan*>()(cases[a].c, cases[b].c);
  };
  if (n <= 16) {
    for (int i = 1; i < n; i++) {
      uint16_t v = lo[i];
      int j = i;
      for (; j > 0 && less(v, lo[j - 1]); j--) lo[j] = lo[j - 1];
      lo[j] = v;
    }
  } else {
    std::sort(lo, lo + n, less);
  }
}

}  // namespace

void block_no_cases() {
  gopark(nullptr, nullptr, WaitReason::kSelectNoCases);
  fatal("unreachable");
}

int selectgo(Scase* cases, uint16_t* order, int ncases, bool block,
             bool* recv_ok) {
  *recv_ok = false;
  uint16_t* pollorder = order;
  uint16_t* lockorder = order + ncases;
  // Random permutation of the non-nil cases (inside-out Fisher-Yates).
  int norder = 0;
  for (int i = 0; i < ncases; i++) {
    if (cases[i].c == nullptr) continue;
    uint32_t j = fastrandn(static_cast<uint32_t>(norder + 1));
    pollorder[norder] = pollorder[j];
    pollorder[j] = static_cast<uint16_t>(i);
    norder++;
  }
  for (int i = 0; i < norder; i++) lockorder[i] = pollorder[i];
  sort_lockorder(cases, lockorder, norder);
  SelState st{cases, lockorder, norder};

  if (norder == 0) {
    if (!block) return -1;
    gopark(nullptr, nullptr, WaitReason::kSelect);
    fatal("unreachable");
  }

  // Go's maybeRunChan for timer channels, before any channel lock is held.
  for (int k = 0; k < norder; k++) {
    const Scase& cas = cases[pollorder[k]];
    if (!cas.send && cas.c->timer) {
      st.timer = true;
      timerchan_poll();
      break;  // one poll fires every due timer
    }
  }

  int64_t t0 = BlockProfileEnabled() ? nanotime() : 0;
  sellock(st);

  // Pass 1: a case that can proceed now.
  for (int k = 0; k < norder; k++) {
    int i = pollorder[k];
    Scase& cas = cases[i];
    Hchan* c = cas.c;
    if (cas.send) {
      if (c->closed.load(std::memory_order_relaxed) != 0) {
        selunlock(st);
        throw go::runtime::Panic("send on closed channel");
      }
      if (Sudog* sg = c->recvq.dequeue()) {
        G* gp = send_to_receiver(c, sg, cas.elem);
        selunlock(st);
        ReadyG(gp);
        return i;
      }
      if (c->qcount.load(std::memory_order_relaxed) < c->dataqsiz) {
        bufsend(c, cas.elem);
        selunlock(st);
        return i;
      }
    } else {
      if (Sudog* sg = c->sendq.dequeue()) {
        G* gp = recv_from_sender(c, sg, cas.elem);
        selunlock(st);
        ReadyG(gp);
        *recv_ok = true;
        return i;
      }
      if (c->qcount.load(std::memory_order_relaxed) > 0) {
        bufrecv(c, cas.elem);
        selunlock(st);
        *recv_ok = true;
        return i;
      }
      if (c->closed.load(std::memory_order_relaxed) != 0) {
        RaceAcquire(c);
        selunlock(st);
        *recv_ok = false;
        return i;
      }
    }
  }

  if (!block) {
    selunlock(st);
    return -1;
  }

  // Pass 2: enqueue on every channel, in lock order.
  G* gp = getg();
  std::atomic<uint32_t> done{0};
  Sudog sgs_small[8];
  Sudog* sgs = ncases <= 8 ? sgs_small : new Sudog[ncases];
  for (int k = 0; k < norder; k++) {
    int i = lockorder[k];
    Scase& cas = cases[i];
    Sudog* sg = &sgs[i];
    sg->g = gp;
    sg->selectdone = &done;
    sg->c = cas.c;
    sg->elem = cas.elem;
    sg->success = false;
    if (cas.send) {
      cas.c->sendq.enqueue(sg);
    } else {
      cas.c->recvq.enqueue(sg);
    }
  }
  set_param(gp, nullptr);
  if (st.timer) g_timerchan_waiters.fetch_add(1, std::memory_order_seq_cst);
  gopark(&selparkcommit, &st, WaitReason::kSelect);
  if (st.timer) g_timerchan_waiters.fetch_sub(1, std::memory_order_seq_cst);

  // Pass 3: find the winner, dequeue the rest.
  sellock(st);
  Sudog* winner = static_cast<Sudog*>(param(gp));
  set_param(gp, nullptr);
  int casi = -1;
  bool success = false;
  for (int k = 0; k < norder; k++) {
    int i = lockorder[k];
    Sudog* sg = &sgs[i];
    if (sg == winner) {
      casi = i;
      success = sg->success;
    } else if (cases[i].send) {
      cases[i].c->sendq.remove(sg);
    } else {
      cases[i].c->recvq.remove(sg);
    }
  }
  if (sgs != sgs_small) delete[] sgs;
  if (casi < 0) {
    selunlock(st);
    fatal("selectgo: bad wakeup");
  }
  Hchan* c = cases[casi].c;
  RaceAcquire(c);
  selunlock(st);
  if (t0 != 0) blockevent(nanotime() - t0, 1);
  if (cases[casi].send) {
    if (!success) throw go::runtime::Panic("send on closed channel");
  } else {
    *recv_ok = success;
  }
  return casi;
}

}  // namespace go::runtime::internal
