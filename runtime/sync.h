// Copyright 2026 The gotest Authors.
//
// Go's package sync for goroutines: Mutex, RWMutex, WaitGroup, Once, Cond.
//
//   go::sync::Mutex mu;
//   go::sync::WaitGroup wg;
//   for (int i = 0; i < 10; i++) {
//     wg.Go([&] {
//       std::lock_guard<go::sync::Mutex> l(mu);   // or mu.Lock(); mu.Unlock();
//       counter++;
//     });
//   }
//   wg.Wait();
//
// The algorithms are Go's (mutex.go, rwmutex.go, waitgroup.go, once.go,
// cond.go) on the runtime's semaphore table (sema.h): a contended goroutine
// spins briefly (only while another P is running and this one has nothing
// queued) and then parks, releasing its OS thread to other goroutines; on a
// plain thread it blocks that thread. Zero values are ready to use; none of
// these may be copied or moved once used.
//
// Every type offers Go's method names and the C++ standard's
// (lock/unlock/try_lock, lock_shared/unlock_shared/try_lock_shared), so they
// work with std::lock_guard, std::unique_lock, std::scoped_lock and
// std::shared_lock.
//
// Misuse is what Go makes it: unlocking an unlocked Mutex or RWMutex is a fatal
// error ("fatal error: sync: unlock of unlocked mutex", exit 2, not
// recoverable, as in Go); a negative WaitGroup counter panics
// ("sync: negative WaitGroup counter", a go::runtime::Panic).

#ifndef GOTEST_RUNTIME_SYNC_H_
#define GOTEST_RUNTIME_SYNC_H_

#include <atomic>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <utility>

#include "runtime/lock.h"
#include "runtime/race.h"
#include "runtime/runtime.h"

namespace go::runtime::internal {
struct Sudog;
}  // namespace go::runtime::internal

namespace go::sync {

// A mutual exclusion lock (Go's sync.Mutex). Fair under contention: normally a
// woken waiter competes with arriving goroutines, but a waiter that has waited
// more than 1 ms switches the mutex to starvation mode, in which the unlocker
// hands it directly to the first waiter.
class Mutex {
 public:
  constexpr Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() {
    // Fast path: CAS(0, kLocked), as Go. If that fails on a mutex that is
    // neither locked nor starving (waiters queued, the woken bit set by an
    // unlocker whose waiter is on its way), one more CAS takes it: what
    // LockSlow's first iteration would do (a new arrival takes an unlocked
    // mutex in normal mode), without the call.
    int32_t old = 0;
    if (state_.compare_exchange_strong(old, kLocked, std::memory_order_acquire,
                                       std::memory_order_relaxed) ||
        ((old & (kLocked | kStarving)) == 0 &&
         state_.compare_exchange_strong(old, old | kLocked,
                                        std::memory_order_acquire,
                                        std::memory_order_relaxed))) {
      Acquired();
      return;
    }
    LockSlow();
  }
  bool TryLock();
  void Unlock() {
    Releasing();
    int32_t n = state_.fetch_sub(kLocked, std::memory_order_release) - kLocked;
    // The slow path only when it has something to do: report an unlock of an
    // unlocked mutex (kLocked set in n), hand off in starvation mode, or wake
    // a waiter when nobody has been woken and nobody took the lock since.
    if ((n & (kLocked | kStarving)) != 0 ||
        ((n >> kWaiterShift) != 0 && (n & kWoken) == 0)) {
      UnlockSlow(n);
    }
  }

  void lock() { Lock(); }
  bool try_lock() { return TryLock(); }
  void unlock() { Unlock(); }

  // State bits, as in Go's mutex.go.
  static constexpr int32_t kLocked = 1;
  static constexpr int32_t kWoken = 2;
  static constexpr int32_t kStarving = 4;
  static constexpr int kWaiterShift = 3;

  // For tests: the raw state word.
  int32_t StateForTesting() const {
    return state_.load(std::memory_order_relaxed);
  }

 private:
  void LockSlow();
  void UnlockSlow(int32_t n);
  void Acquired() { runtime::internal::RaceAcquire(this); }
  void Releasing() { runtime::internal::RaceRelease(this); }

  std::atomic<int32_t> state_{0};
  std::atomic<uint32_t> sema_{0};
};

// A reader/writer mutual exclusion lock (Go's sync.RWMutex). A blocked Lock
// call excludes new readers, so writers are not starved by a stream of readers
// (and recursive read locking can deadlock, as in Go).
class RWMutex {
 public:
  constexpr RWMutex() = default;
  RWMutex(const RWMutex&) = delete;
  RWMutex& operator=(const RWMutex&) = delete;

  void RLock() {
    if (reader_count_.fetch_add(1, std::memory_order_acquire) + 1 < 0) {
      RLockSlow();  // a writer is pending: wait for it
    }
    runtime::internal::RaceAcquire(&reader_sem_);
  }
  bool TryRLock();
  void RUnlock() {
    runtime::internal::RaceRelease(&writer_sem_);
    int32_t r = reader_count_.fetch_sub(1, std::memory_order_release) - 1;
    if (r < 0) RUnlockSlow(r);
  }
  void Lock();
  bool TryLock();
  void Unlock();

  void lock() { Lock(); }
  bool try_lock() { return TryLock(); }
  void unlock() { Unlock(); }
  void lock_shared() { RLock(); }
  bool try_lock_shared() { return TryRLock(); }
  void unlock_shared() { RUnlock(); }

  // Go's RLocker(): a lockable whose lock/unlock are RLock/RUnlock.
  class ReadLocker {
   public:
    explicit ReadLocker(RWMutex* rw) : rw_(rw) {}
    void Lock() { rw_->RLock(); }
    void Unlock() { rw_->RUnlock(); }
    void lock() { rw_->RLock(); }
    void unlock() { rw_->RUnlock(); }

   private:
    RWMutex* rw_;
  };
  ReadLocker RLocker() { return ReadLocker(this); }

  static constexpr int32_t kMaxReaders = 1 << 30;

 private:
  void RLockSlow();
  void RUnlockSlow(int32_t r);

  Mutex w_;
  std::atomic<uint32_t> writer_sem_{0};
  std::atomic<uint32_t> reader_sem_{0};
  std::atomic<int32_t> reader_count_{0};
  std::atomic<int32_t> reader_wait_{0};
};

// Waits for a collection of goroutines to finish (Go's sync.WaitGroup).
class WaitGroup {
 public:
  constexpr WaitGroup() = default;
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  // Adds delta (may be negative) to the counter; panics
  // "sync: negative WaitGroup counter" below zero.
  void Add(int delta);
  void Done() { Add(-1); }
  // Blocks until the counter is zero.
  void Wait();
  // Go 1.25's WaitGroup.Go: Add(1), run fn on a new goroutine, Done when it
  // returns (or unwinds).
  template <class F>
  void Go(F&& fn) {
    Add(1);
    go::Go([this, f = std::forward<F>(fn)]() mutable {
      struct DoneOnExit {
        WaitGroup* wg;
        ~DoneOnExit() { wg->Done(); }
      } done{this};
      f();
    });
  }

 private:
  // High 32 bits: counter; low 32 bits: waiters.
  std::atomic<uint64_t> state_{0};
  std::atomic<uint32_t> sema_{0};
};

// Performs an action exactly once (Go's sync.Once). If fn throws, Do considers
// it done (Go: a panicking f counts as returned) and rethrows.
class Once {
 public:
  constexpr Once() = default;
  Once(const Once&) = delete;
  Once& operator=(const Once&) = delete;

  template <class F>
  void Do(F&& fn) {
    if (done_.load(std::memory_order_acquire) != 0) return;
    m_.Lock();
    struct Unlock {
      Mutex* m;
      ~Unlock() { m->Unlock(); }
    } unlock{&m_};
    if (done_.load(std::memory_order_relaxed) == 0) {
      struct SetDone {
        std::atomic<uint32_t>* d;
        ~SetDone() { d->store(1, std::memory_order_release); }
      } set{&done_};
      std::forward<F>(fn)();
    }
  }

 private:
  std::atomic<uint32_t> done_{0};
  Mutex m_;
};

// A condition variable (Go's sync.Cond) over any lockable L (Mutex,
// RWMutex::ReadLocker, std::mutex...): Wait atomically unlocks L and parks;
// it re-locks L before returning. Signal wakes the longest waiter, Broadcast
// all of them; neither requires holding L.
class Cond {
 public:
  template <class L>
  explicit Cond(L* l)
      : l_(l),
        lock_([](void* p) { Lock(static_cast<L*>(p)); }),
        unlock_([](void* p) { Unlock(static_cast<L*>(p)); }) {}
  Cond(const Cond&) = delete;
  Cond& operator=(const Cond&) = delete;

  void Wait();
  void Signal();
  void Broadcast();

 private:
  template <class L>
  static void Lock(L* l) {
    if constexpr (requires { l->Lock(); }) {
      l->Lock();
    } else {
      l->lock();
    }
  }
  template <class L>
  static void Unlock(L* l) {
    if constexpr (requires { l->Unlock(); }) {
      l->Unlock();
    } else {
      l->unlock();
    }
  }

  void* l_;
  void (*lock_)(void*);
  void (*unlock_)(void*);
  // Go's notifyList: tickets handed out (wait) and notified (notify).
  std::atomic<uint32_t> wait_{0};
  std::atomic<uint32_t> notify_{0};
  runtime::internal::Lock nl_lock_;
  runtime::internal::Sudog* head_ = nullptr;
  runtime::internal::Sudog* tail_ = nullptr;
};

}  // namespace go::sync

#endif  // GOTEST_RUNTIME_SYNC_H_
