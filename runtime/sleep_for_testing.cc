// Copyright 2026 The gotest Authors.

#include "runtime/sleep_for_testing.h"

#include <time.h>

#include <algorithm>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "runtime/lock.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/runtime2.h"

namespace go::runtime::internal {

namespace {

struct Sleeper {
  int64_t when;
  G* gp;
  bool operator>(const Sleeper& o) const { return when > o.when; }
};

struct SleepHeap {
  Lock mu;
  std::vector<Sleeper> heap;  // min-heap on when
};

SleepHeap& sleep_heap() {
  static SleepHeap* h = [] {
    SleepHeap* s = new SleepHeap;
    PollHook hook;
    hook.arg = s;
    hook.poll = [](int64_t now, void* arg) -> G* {
      SleepHeap* s = static_cast<SleepHeap*>(arg);
      G* head = nullptr;
      std::lock_guard<Lock> l(s->mu);
      while (!s->heap.empty() && s->heap.front().when <= now) {
        std::pop_heap(s->heap.begin(), s->heap.end(), std::greater<Sleeper>());
        G* gp = s->heap.back().gp;
        s->heap.pop_back();
        MarkReadyForInject(gp);
        gp->schedlink = head;
        head = gp;
      }
      return head;
    };
    hook.next_deadline = [](void* arg) -> int64_t {
      SleepHeap* s = static_cast<SleepHeap*>(arg);
      std::lock_guard<Lock> l(s->mu);
      return s->heap.empty() ? kNothingPending : s->heap.front().when;
    };
    AddPollHook(hook);
    return s;
  }();
  return *h;
}

}  // namespace

void SleepFor(int64_t ns) {
  if (getm() == nullptr) {
    struct timespec ts = {static_cast<time_t>(ns / 1000000000),
                          static_cast<long>(ns % 1000000000)};
    nanosleep(&ts, nullptr);
    return;
  }
  SleepHeap& s = sleep_heap();
  s.mu.lock();
  s.heap.push_back({nanotime() + ns, getg()});
  std::push_heap(s.heap.begin(), s.heap.end(), std::greater<Sleeper>());
  gopark(
      [](G*, void* arg) {
        static_cast<SleepHeap*>(arg)->mu.unlock();
        // The new deadline may be the earliest: let the timed sleeper know.
        PollHooksChanged();
        return true;
      },
      &s, WaitReason::kSleep);
}

}  // namespace go::runtime::internal
