// Copyright 2026 The gotest Authors.
//
// Small blocking helpers for the runtime's own tests, built only on
// gopark/goready (the sync issue provides the real WaitGroup). They work from
// goroutines and from plain threads alike.

#ifndef GOTEST_RUNTIME_TESTING_UTIL_H_
#define GOTEST_RUNTIME_TESTING_UTIL_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "runtime/lock.h"
#include "runtime/park.h"

namespace go::runtime::testing {

// A WaitGroup: Add, Done, Wait.
class TestWaitGroup {
 public:
  explicit TestWaitGroup(int64_t n = 0) : count_(n) {}
  void Add(int64_t n) {
    mu_.lock();
    count_ += n;
    if (count_ == 0 && !waiters_.empty()) {
      std::vector<internal::G*> w = std::move(waiters_);
      waiters_.clear();
      mu_.unlock();
      for (internal::G* g : w) internal::goready(g);
      return;
    }
    mu_.unlock();
  }
  void Done() { Add(-1); }
  void Wait() {
    mu_.lock();
    if (count_ == 0) {
      mu_.unlock();
      return;
    }
    waiters_.push_back(internal::getg());
    internal::gopark(&Unlock, &mu_, internal::WaitReason::kSyncWaitGroupWait);
  }

 private:
  static bool Unlock(internal::G*, void* l) {
    static_cast<internal::Lock*>(l)->unlock();
    return true;
  }
  internal::Lock mu_;
  int64_t count_;
  std::vector<internal::G*> waiters_;
};

// A WaitGroup with one waiter and a lock-free Done (an atomic decrement), for
// benchmarks: Done costs what Go's WaitGroup.Done costs.
class CountDown {
 public:
  explicit CountDown(int64_t n) : count_(n) {
    if (n <= 0) waiter_.store(Finished(), std::memory_order_relaxed);
  }
  void Done() {
    if (count_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    // The last touch of *this: once Finished is visible a waiter may return
    // and destroy it.
    internal::G* w = waiter_.exchange(Finished(), std::memory_order_acq_rel);
    if (w != nullptr) internal::goready(w);
  }
  void Wait() {
    if (waiter_.load(std::memory_order_acquire) == Finished()) return;
    // The waiter is published by the unlock function, which runs once the G
    // is marked waiting (on a plain thread, once its wake word is cleared):
    // a Done that found it earlier would ready a running G. Publishing is
    // also the unlock function's last touch of *this, since from then on Done
    // may ready the G, which may return and destroy it.
    internal::gopark(
        [](internal::G* gp, void* arg) {
          internal::G* expected = nullptr;
          return static_cast<CountDown*>(arg)->waiter_.compare_exchange_strong(
              expected, gp, std::memory_order_acq_rel,
              std::memory_order_acquire);  // fails only on Finished
        },
        this, internal::WaitReason::kSyncWaitGroupWait);
  }

 private:
  static internal::G* Finished() {
    return reinterpret_cast<internal::G*>(uintptr_t{1});
  }
  std::atomic<int64_t> count_;
  // nullptr, the parked waiter, or Finished once the count reached zero.
  std::atomic<internal::G*> waiter_{nullptr};
};

// A gate many goroutines wait at until Open; after Open, Wait returns at once.
class Gate {
 public:
  void Wait(internal::WaitReason reason = internal::WaitReason::kChanReceive) {
    mu_.lock();
    if (open_) {
      mu_.unlock();
      return;
    }
    waiters_.push_back(internal::getg());
    internal::gopark(
        [](internal::G*, void* l) {
          static_cast<internal::Lock*>(l)->unlock();
          return true;
        },
        &mu_, reason);
  }
  void Open() {
    mu_.lock();
    open_ = true;
    std::vector<internal::G*> w = std::move(waiters_);
    waiters_.clear();
    mu_.unlock();
    for (internal::G* g : w) internal::goready(g);
  }
  size_t Waiting() {
    std::lock_guard<internal::Lock> l(mu_);
    return waiters_.size();
  }

 private:
  internal::Lock mu_;
  bool open_ = false;
  std::vector<internal::G*> waiters_;
};

}  // namespace go::runtime::testing

#endif  // GOTEST_RUNTIME_TESTING_UTIL_H_
