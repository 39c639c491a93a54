// Copyright 2026 The gotest Authors.
//
// Semaphore table, after Go's sema.go. Go keeps a treap of addresses per
// bucket; here a bucket has a plain list of per-address heads (each head
// carries its address's waiter list through waitlink/waittail), which is as
// good with 251 buckets and few distinct contended addresses at a time.

#include "runtime/sema.h"

#include <cstdint>

#include "runtime/blockevent.h"
#include "runtime/lock.h"
#include "runtime/proc.h"
#include "runtime/race.h"
#include "runtime/runtime2.h"
#include "runtime/sudog.h"

namespace go::runtime::internal {

namespace {

constexpr int kSemTabSize = 251;

struct alignas(64) SemaRoot {
  Lock lock;
  Sudog* heads = nullptr;  // one Sudog per address with waiters
  std::atomic<uint32_t> nwait{0};
};

SemaRoot g_semtable[kSemTabSize];

SemaRoot* semroot(const void* addr) {
  return &g_semtable[(reinterpret_cast<uintptr_t>(addr) >> 3) % kSemTabSize];
}

bool cansemacquire(std::atomic<uint32_t>* addr) {
  uint32_t v = addr->load(std::memory_order_relaxed);
  for (;;) {
    if (v == 0) return false;
    if (addr->compare_exchange_weak(v, v - 1, std::memory_order_acquire,
                                    std::memory_order_relaxed)) {
      return true;
    }
  }
}

// Replaces head t by s in the bucket's list of heads.
void replace_head(SemaRoot* root, Sudog* t, Sudog* s) {
  s->prev = t->prev;
  s->next = t->next;
  if (s->prev != nullptr) {
    s->prev->next = s;
  } else {
    root->heads = s;
  }
  if (s->next != nullptr) s->next->prev = s;
  t->prev = t->next = nullptr;
}

void queue(SemaRoot* root, const void* addr, Sudog* s, bool lifo) {
  s->g = getg();
  s->addr = addr;
  s->next = s->prev = nullptr;
  s->waitlink = s->waittail = nullptr;
  s->ticket = 0;
  for (Sudog* t = root->heads; t != nullptr; t = t->next) {
    if (t->addr != addr) continue;
    if (lifo) {
      // s becomes the head; t and its list follow it.
      replace_head(root, t, s);
      s->waitlink = t;
      s->waittail = t->waittail;
      if (s->waittail == nullptr) s->waittail = t;
      t->waittail = nullptr;
    } else {
      if (t->waittail == nullptr) {
        t->waitlink = s;
      } else {
        t->waittail->waitlink = s;
      }
      t->waittail = s;
    }
    return;
  }
  s->next = root->heads;
  if (s->next != nullptr) s->next->prev = s;
  root->heads = s;
}

Sudog* dequeue(SemaRoot* root, const void* addr) {
  for (Sudog* s = root->heads; s != nullptr; s = s->next) {
    if (s->addr != addr) continue;
    if (Sudog* t = s->waitlink) {
      replace_head(root, s, t);
      t->waittail = t->waitlink != nullptr ? s->waittail : nullptr;
      s->waitlink = nullptr;
      s->waittail = nullptr;
    } else {
      if (s->prev != nullptr) {
        s->prev->next = s->next;
      } else {
        root->heads = s->next;
      }
      if (s->next != nullptr) s->next->prev = s->prev;
      s->next = s->prev = nullptr;
    }
    return s;
  }
  return nullptr;
}

bool parkunlock_root(G*, void* lock) {
  static_cast<Lock*>(lock)->unlock();
  return true;
}

}  // namespace

void semacquire1(std::atomic<uint32_t>* addr, bool lifo, WaitReason reason,
                 uint8_t profile) {
  if (cansemacquire(addr)) {
    RaceAcquire(addr);
    return;
  }
  SemaRoot* root = semroot(addr);
  Sudog s;
  int64_t t0 = 0;
  if ((profile & kSemaProfileBlock) && BlockProfileEnabled()) t0 = nanotime();
  if ((profile & kSemaProfileMutex) && MutexProfileEnabled()) {
    s.acquiretime = t0 != 0 ? t0 : nanotime();
  }
  for (;;) {
    root->lock.lock();
    // Count ourselves as a waiter before the re-check, so a releaser that
    // adds to *addr after our check sees nwait > 0.
    root->nwait.fetch_add(1, std::memory_order_seq_cst);
    if (cansemacquire(addr)) {
      root->nwait.fetch_sub(1, std::memory_order_seq_cst);
      root->lock.unlock();
      break;
    }
    int64_t acq = s.acquiretime;
    queue(root, addr, &s, lifo);
    s.acquiretime = acq;
    gopark(&parkunlock_root, &root->lock, reason);
    if (s.ticket != 0 || cansemacquire(addr)) break;
  }
  RaceAcquire(addr);
  if (t0 != 0) blockevent(nanotime() - t0, 2);
}

void semrelease1(std::atomic<uint32_t>* addr, bool handoff) {
  RaceRelease(addr);
  SemaRoot* root = semroot(addr);
  addr->fetch_add(1, std::memory_order_seq_cst);
  if (root->nwait.load(std::memory_order_seq_cst) == 0) return;
  root->lock.lock();
  if (root->nwait.load(std::memory_order_relaxed) == 0) {
    root->lock.unlock();
    return;
  }
  Sudog* s = dequeue(root, addr);
  if (s != nullptr) root->nwait.fetch_sub(1, std::memory_order_seq_cst);
  root->lock.unlock();
  if (s == nullptr) return;
  if (s->ticket != 0) fatal("corrupted semaphore ticket");
  if (s->acquiretime != 0) mutexevent(nanotime() - s->acquiretime, 2);
  bool handed = handoff && cansemacquire(addr);
  if (handed) s->ticket = 1;
  G* gp = s->g;  // s is on gp's stack: not touched after ReadyG
  ReadyG(gp);
  if (handed) Goyield();
}

}  // namespace go::runtime::internal
