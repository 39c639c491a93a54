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
  explicit CountDown(int64_t n) : count_(n) {}
  void Reset(int64_t n) { count_.store(n, std::memory_order_relaxed); }
  void Done() {
    if (count_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      if (internal::G* w =
              waiter_.exchange(nullptr, std::memory_order_acq_rel)) {
        internal::goready(w);
      }
    }
  }
  void Wait() {
    if (count_.load(std::memory_order_acquire) == 0) return;
    waiter_.store(internal::getg(), std::memory_order_seq_cst);
    internal::gopark(
        [](internal::G* gp, void* arg) {
          CountDown* c = static_cast<CountDown*>(arg);
          if (c->count_.load(std::memory_order_seq_cst) != 0) return true;
          // Already zero: take our registration back unless Done took it (then
          // its goready is coming).
          internal::G* expected = gp;
          return !c->waiter_.compare_exchange_strong(expected, nullptr);
        },
        this, internal::WaitReason::kSyncWaitGroupWait);
  }

 private:
  std::atomic<int64_t> count_;
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
