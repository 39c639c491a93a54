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
    if (!values_.empty()) {
      bool v = values_.front();
      values_.pop_front();
      mu_.unlock();
      return v;
    }
    waiters_.push_back(rt::getg());
    ParkUnlock(&mu_);
  }
}

bool Mailbox::TryRecv(bool* v) {
  std::lock_guard<rt::Lock> l(mu_);
  if (values_.empty()) return false;
  *v = values_.front();
  values_.pop_front();
  return true;
}

void Event::Fire() {
  std::vector<rt::G*> wake;
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
    if (!waiters_.empty()) {
      wake = waiters_.front();
      waiters_.pop_front();
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
