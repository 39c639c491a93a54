#include "testing/wait.h"

#include "runtime/park.h"

namespace go::testing::internal {

namespace rt = ::go::runtime::internal;

namespace {

// Parks the calling goroutine with `mu` held; gopark releases it once the
// goroutine is off its stack, so a waker holding `mu` cannot race the switch.
void ParkUnlock(rt::Lock* mu) {
  rt::gopark(
      [](rt::G*, void* m) {
        static_cast<rt::Lock*>(m)->unlock();
        return true;
      },
      mu, rt::WaitReason::kChanReceive);
}

}  // namespace

void Mailbox::Send(bool v) {
  rt::G* wake = nullptr;
  {
    std::lock_guard<rt::Lock> l(mu_);
    values_.push_back(v);
    if (!waiters_.empty()) {
      wake = waiters_.back();
      waiters_.pop_back();
    }
  }
  if (wake != nullptr) rt::goready(wake);
}

bool Mailbox::Recv() {
  for (;;) {
    mu_.lock();
    bool v;
    if (PopLocked(&v)) {
      mu_.unlock();
      return v;
    }
    waiters_.push_back(rt::getg());
    ParkUnlock(&mu_);
  }
}

bool Mailbox::TryRecv(bool* v) {
  std::lock_guard<rt::Lock> l(mu_);
  return PopLocked(v);
}

bool Mailbox::PopLocked(bool* v) {
  if (head_ == values_.size()) return false;
  *v = values_[head_++];
  if (head_ == values_.size()) {
    values_.clear();
    head_ = 0;
  }
  return true;
}

void Event::Fire() {
  absl::InlinedVector<rt::G*, 2> wake;
  {
    std::lock_guard<rt::Lock> l(mu_);
    fired_ = true;
    wake.swap(waiters_);
  }
  for (rt::G* g : wake) rt::goready(g);
}

void Event::Wait() {
  for (;;) {
    mu_.lock();
    if (fired_) {
      mu_.unlock();
      return;
    }
    waiters_.push_back(rt::getg());
    ParkUnlock(&mu_);
  }
}

bool Event::Fired() {
  std::lock_guard<rt::Lock> l(mu_);
  return fired_;
}

void Semaphore::Release() {
  rt::G* wake = nullptr;
  {
    std::lock_guard<rt::Lock> l(mu_);
    tokens_++;
    if (head_ < waiters_.size()) {
      wake = waiters_[head_++];
      if (head_ == waiters_.size()) {
        waiters_.clear();
        head_ = 0;
      } else if (head_ >= 64 && head_ * 2 >= waiters_.size()) {
        // Never drained (waiters keep coming): drop the taken prefix.
        waiters_.erase(waiters_.begin(), waiters_.begin() + head_);
        head_ = 0;
      }
    }
  }
  if (wake != nullptr) rt::goready(wake);
}

void Semaphore::Acquire() {
  for (;;) {
    mu_.lock();
    if (tokens_ > 0) {
      tokens_--;
      mu_.unlock();
      return;
    }
    waiters_.push_back(rt::getg());
    ParkUnlock(&mu_);
  }
}

}  // namespace go::testing::internal
