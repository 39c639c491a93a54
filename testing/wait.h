// The harness's own waiting primitives, built on the runtime's gopark/goready:
// what Go's testing package does with channels (tRunner's `signal` and
// `barrier`, the -parallel semaphore) and the example runner's pipe reader.
// Waiters park as goroutines (a goroutine dump shows them "[chan receive]", as
// Go's tests waiting on channels), and a plain thread blocks its OS thread.
//
//   Mailbox m;           // Go's `make(chan bool, 1)` used by one sender at a
//   m.Send(true);        // time: Send never blocks, Recv waits for a value.
//   bool v = m.Recv();
//
//   Event e;             // Go's `close(barrier)` / `<-barrier`
//   e.Fire(); e.Wait();
//
//   Semaphore s;         // tokens: Release adds one, Acquire takes one
//
// All three are safe to use from any goroutine or thread.

#ifndef GOTEST_TESTING_WAIT_H_
#define GOTEST_TESTING_WAIT_H_

#include <deque>
#include <mutex>
#include <vector>

// The locks are the runtime's futex Lock, not std::mutex: gopark releases them
// on the scheduler's stack, which TSan sees as another thread, and a pthread
// mutex unlocked there is reported as "unlock of an unlocked mutex".
#include "runtime/lock.h"

namespace go::runtime::internal {
struct G;
}

namespace go::testing::internal {

// A queue of values with blocking receive (an unbounded buffered channel of
// bool).
class Mailbox {
 public:
  void Send(bool v);
  bool Recv();
  // A value if one is queued, without waiting.
  bool TryRecv(bool* v);

 private:
  ::go::runtime::internal::Lock mu_;
  std::deque<bool> values_;
  std::vector<runtime::internal::G*> waiters_;
};

// A one-way latch: Wait returns once Fire has been called.
class Event {
 public:
  void Fire();
  void Wait();
  bool Fired();

 private:
  ::go::runtime::internal::Lock mu_;
  bool fired_ = false;
  std::vector<runtime::internal::G*> waiters_;
};

// A counting semaphore.
class Semaphore {
 public:
  void Release();
  void Acquire();

 private:
  ::go::runtime::internal::Lock mu_;
  long tokens_ = 0;
  std::deque<runtime::internal::G*> waiters_;
};

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_WAIT_H_
