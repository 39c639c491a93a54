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

#include <cstddef>
#include <cstdint>
#include <mutex>

#include "absl/container/inlined_vector.h"

// The locks are the runtime's futex Lock, not std::mutex: gopark releases them
// on the scheduler's stack, which TSan sees as another thread, and a pthread
// mutex unlocked there is reported as "unlock of an unlocked mutex".
#include "runtime/lock.h"

namespace go::runtime::internal {
struct G;
}

namespace go::testing::internal {

// A queue of values with blocking receive (an unbounded buffered channel of
// bool). Every test makes one and uses it once or twice, so the storage is
// inline: no heap allocation until more than a few values or waiters queue.
class Mailbox {
 public:
  void Send(bool v);
  bool Recv();
  // A value if one is queued, without waiting.
  bool TryRecv(bool* v);

 private:
  bool PopLocked(bool* v);  // with mu_ held

  ::go::runtime::internal::Lock mu_;
  absl::InlinedVector<bool, 4> values_;  // values_[head_..] are queued
  size_t head_ = 0;
  absl::InlinedVector<runtime::internal::G*, 2> waiters_;
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
  absl::InlinedVector<runtime::internal::G*, 2> waiters_;
};

// A counting semaphore.
class Semaphore {
 public:
  void Release();
  void Acquire();

 private:
  ::go::runtime::internal::Lock mu_;
  long tokens_ = 0;
  absl::InlinedVector<runtime::internal::G*, 2> waiters_;  // FIFO from head_
  size_t head_ = 0;
};

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_WAIT_H_
