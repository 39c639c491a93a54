// Copyright 2026 The gotest Authors.
//
// Go's sync algorithms (mutex.go, rwmutex.go, waitgroup.go, cond.go) on the
// runtime semaphore table.

#include "runtime/sync.h"

#include <atomic>
#include <cstdint>

#include "runtime/blockevent.h"
#include "runtime/panic.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/race.h"
#include "runtime/runtime2.h"
#include "runtime/sema.h"
#include "runtime/sudog.h"

namespace go::sync {

using runtime::internal::CanSpin;
using runtime::internal::ProcYield;
using runtime::internal::Semacquire;
using runtime::internal::Semrelease;
using runtime::internal::WaitReason;

namespace {

constexpr int64_t kStarvationThresholdNs = 1000000;

[[noreturn]] void sync_fatal(const char* msg) { runtime::internal::fatal(msg); }

}  // namespace

// ---- Mutex ----

bool Mutex::TryLock() {
  int32_t old = state_.load(std::memory_order_relaxed);
  if ((old & (kLocked | kStarving)) != 0) return false;
  if (!state_.compare_exchange_strong(old, old | kLocked,
                                      std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
    return false;
  }
  Acquired();
  return true;
}

void Mutex::LockSlow() {
  // Before contending: a goroutine that lost its P yields it the lock.
  runtime::internal::PreemptPoint();
  int64_t wait_start = 0;
  bool starving = false;
  bool awoke = false;
  int iter = 0;
  int32_t old = state_.load(std::memory_order_relaxed);
  for (;;) {
    // Spin only in normal mode while locked: in starvation mode ownership is
    // handed to waiters, so spinning cannot get it.
    if ((old & (kLocked | kStarving)) == kLocked && CanSpin(iter)) {
      // Set the woken flag so Unlock does not wake others while we spin.
      if (!awoke && (old & kWoken) == 0 && (old >> kWaiterShift) != 0 &&
          state_.compare_exchange_strong(old, old | kWoken,
                                         std::memory_order_relaxed)) {
        awoke = true;
      }
      ProcYield(30);
      iter++;
      old = state_.load(std::memory_order_relaxed);
      continue;
    }
    int32_t next = old;
    // New arrivals do not take a starving mutex; they queue.
    if ((old & kStarving) == 0) next |= kLocked;
    if ((old & (kLocked | kStarving)) != 0) next += 1 << kWaiterShift;
    // Switch to starvation mode only if the mutex is still locked.
    if (starving && (old & kLocked) != 0) next |= kStarving;
    if (awoke) {
      if ((next & kWoken) == 0) sync_fatal("sync: inconsistent mutex state");
      next &= ~kWoken;
    }
    if (state_.compare_exchange_strong(old, next, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      if ((old & (kLocked | kStarving)) == 0) break;  // locked with CAS
      // A goroutine that waited before queues at the front.
      bool lifo = wait_start != 0;
      if (wait_start == 0) wait_start = runtime::internal::nanotime();
      Semacquire(&sema_, lifo, WaitReason::kSyncMutexLock,
                 runtime::internal::kSemaProfileBlock |
                     runtime::internal::kSemaProfileMutex);
      starving = starving || runtime::internal::nanotime() - wait_start >
                                 kStarvationThresholdNs;
      old = state_.load(std::memory_order_relaxed);
      if ((old & kStarving) != 0) {
        // Handed off to us in starvation mode: the state is inconsistent
        // (locked not set, we still count as a waiter); fix it up.
        if ((old & (kLocked | kWoken)) != 0 || (old >> kWaiterShift) == 0) {
          sync_fatal("sync: inconsistent mutex state");
        }
        int32_t delta = kLocked - (1 << kWaiterShift);
        if (!starving || (old >> kWaiterShift) == 1) {
          // Leave starvation mode: we are the last waiter, or waited little.
          delta -= kStarving;
        }
        state_.fetch_add(delta, std::memory_order_acquire);
        break;
      }
      awoke = true;
      iter = 0;
    } else {
      old = state_.load(std::memory_order_relaxed);
    }
  }
  Acquired();
}

void Mutex::UnlockSlow(int32_t n) {
  if (((n + kLocked) & kLocked) == 0) {
    sync_fatal("sync: unlock of unlocked mutex");
  }
  if ((n & kStarving) == 0) {
    int32_t old = n;
    for (;;) {
      // No waiters, or someone already woken/grabbed the lock, or starving:
      // nothing to wake.
      if ((old >> kWaiterShift) == 0 ||
          (old & (kLocked | kWoken | kStarving)) != 0) {
        return;
      }
      int32_t next = (old - (1 << kWaiterShift)) | kWoken;
      if (state_.compare_exchange_strong(old, next, std::memory_order_release,
                                         std::memory_order_relaxed)) {
        Semrelease(&sema_, false);
        runtime::internal::PreemptPoint();
        return;
      }
      old = state_.load(std::memory_order_relaxed);
    }
  } else {
    // Starvation mode: hand ownership to the next waiter and yield to it.
    Semrelease(&sema_, true);
  }
}

// ---- RWMutex ----

void RWMutex::RLockSlow() {
  Semacquire(&reader_sem_, false, WaitReason::kSyncRWMutexRLock);
}

bool RWMutex::TryRLock() {
  int32_t c = reader_count_.load(std::memory_order_relaxed);
  for (;;) {
    if (c < 0) return false;
    if (reader_count_.compare_exchange_weak(c, c + 1,
                                            std::memory_order_acquire)) {
      runtime::internal::RaceAcquire(&reader_sem_);
      return true;
    }
  }
}

void RWMutex::RUnlockSlow(int32_t r) {
  if (r + 1 == 0 || r + 1 == -kMaxReaders) {
    sync_fatal("sync: RUnlock of unlocked RWMutex");
  }
  // A writer is pending: the last departing reader wakes it.
  if (reader_wait_.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) {
    Semrelease(&writer_sem_, false);
    runtime::internal::PreemptPoint();
  }
}

void RWMutex::Lock() {
  w_.Lock();
  // Announce the pending writer to readers.
  int32_t r = reader_count_.fetch_sub(kMaxReaders, std::memory_order_acq_rel);
  // Wait for active readers.
  if (r != 0 && reader_wait_.fetch_add(r, std::memory_order_acq_rel) + r != 0) {
    Semacquire(&writer_sem_, false, WaitReason::kSyncRWMutexLock);
  }
  runtime::internal::RaceAcquire(&reader_sem_);
  runtime::internal::RaceAcquire(&writer_sem_);
}

bool RWMutex::TryLock() {
  if (!w_.TryLock()) return false;
  int32_t zero = 0;
  if (!reader_count_.compare_exchange_strong(zero, -kMaxReaders,
                                             std::memory_order_acquire)) {
    w_.Unlock();
    return false;
  }
  runtime::internal::RaceAcquire(&reader_sem_);
  runtime::internal::RaceAcquire(&writer_sem_);
  return true;
}

void RWMutex::Unlock() {
  runtime::internal::RaceRelease(&reader_sem_);
  // Announce to readers there is no active writer.
  int32_t r = reader_count_.fetch_add(kMaxReaders, std::memory_order_release) +
              kMaxReaders;
  if (r >= kMaxReaders) sync_fatal("sync: Unlock of unlocked RWMutex");
  // Unblock the readers that arrived while the writer held the lock.
  for (int32_t i = 0; i < r; i++) Semrelease(&reader_sem_, false);
  w_.Unlock();
}

// ---- WaitGroup ----

void WaitGroup::Add(int delta) {
  runtime::internal::RaceRelease(this);
  uint64_t state =
      state_.fetch_add(static_cast<uint64_t>(static_cast<int64_t>(delta)) << 32,
                       std::memory_order_acq_rel) +
      (static_cast<uint64_t>(static_cast<int64_t>(delta)) << 32);
  int32_t v = static_cast<int32_t>(state >> 32);
  uint32_t w = static_cast<uint32_t>(state);
  if (v < 0) throw runtime::Panic("sync: negative WaitGroup counter");
  if (w != 0 && delta > 0 && v == delta) {
    throw runtime::Panic(
        "sync: WaitGroup misuse: Add called concurrently with Wait");
  }
  if (v > 0 || w == 0) return;
  // Counter is 0 and there are waiters: no concurrent Add may happen now
  // (Add with a positive delta must happen before Wait), so reset and wake.
  if (state_.load(std::memory_order_relaxed) != state) {
    throw runtime::Panic(
        "sync: WaitGroup misuse: Add called concurrently with Wait");
  }
  state_.store(0, std::memory_order_relaxed);
  for (; w != 0; w--) Semrelease(&sema_, false);
}

void WaitGroup::Wait() {
  uint64_t state = state_.load(std::memory_order_acquire);
  for (;;) {
    int32_t v = static_cast<int32_t>(state >> 32);
    if (v == 0) {
      runtime::internal::RaceAcquire(this);
      return;
    }
    if (state_.compare_exchange_weak(state, state + 1,
                                     std::memory_order_acq_rel)) {
      Semacquire(&sema_, false, WaitReason::kSyncWaitGroupWait);
      if (state_.load(std::memory_order_relaxed) != 0) {
        throw runtime::Panic(
            "sync: WaitGroup is reused before previous Wait has returned");
      }
      runtime::internal::RaceAcquire(this);
      return;
    }
  }
}

// ---- Cond (Go's notifyList) ----

namespace {
bool parkunlock_nl(runtime::internal::G*, void* lock) {
  static_cast<runtime::internal::Lock*>(lock)->unlock();
  return true;
}
// a < b in wrap-around ticket arithmetic.
bool less(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
}  // namespace

void Cond::Wait() {
  uint32_t t = wait_.fetch_add(1, std::memory_order_acq_rel);
  unlock_(l_);
  {
    nl_lock_.lock();
    if (less(t, notify_.load(std::memory_order_relaxed))) {
      // Already notified.
      nl_lock_.unlock();
    } else {
      runtime::internal::Sudog s;
      s.g = runtime::internal::getg();
      s.ticket = t;
      if (tail_ == nullptr) {
        head_ = &s;
      } else {
        tail_->next = &s;
      }
      tail_ = &s;
      int64_t t0 = runtime::internal::BlockProfileEnabled()
                       ? runtime::internal::nanotime()
                       : 0;
      runtime::internal::gopark(&parkunlock_nl, &nl_lock_,
                                WaitReason::kSyncCondWait);
      if (t0 != 0) {
        runtime::internal::blockevent(runtime::internal::nanotime() - t0, 1);
      }
    }
  }
  runtime::internal::RaceAcquire(this);
  lock_(l_);
}

void Cond::Signal() {
  runtime::internal::RaceRelease(this);
  if (wait_.load(std::memory_order_acquire) ==
      notify_.load(std::memory_order_acquire)) {
    return;
  }
  nl_lock_.lock();
  uint32_t t = notify_.load(std::memory_order_relaxed);
  if (t == wait_.load(std::memory_order_acquire)) {
    nl_lock_.unlock();
    return;
  }
  notify_.store(t + 1, std::memory_order_release);
  // The waiter with ticket t may not have queued yet; then it sees the new
  // notify_ and returns at once.
  for (runtime::internal::Sudog *p = nullptr, *s = head_; s != nullptr;
       p = s, s = s->next) {
    if (s->ticket == t) {
      runtime::internal::Sudog* n = s->next;
      if (p != nullptr) {
        p->next = n;
      } else {
        head_ = n;
      }
      if (n == nullptr) tail_ = p;
      nl_lock_.unlock();
      runtime::internal::ReadyG(s->g);
      return;
    }
  }
  nl_lock_.unlock();
}

void Cond::Broadcast() {
  runtime::internal::RaceRelease(this);
  if (wait_.load(std::memory_order_acquire) ==
      notify_.load(std::memory_order_acquire)) {
    return;
  }
  nl_lock_.lock();
  runtime::internal::Sudog* s = head_;
  head_ = tail_ = nullptr;
  notify_.store(wait_.load(std::memory_order_acquire),
                std::memory_order_release);
  nl_lock_.unlock();
  while (s != nullptr) {
    runtime::internal::Sudog* next = s->next;
    runtime::internal::ReadyG(s->g);
    s = next;
  }
}

}  // namespace go::sync
