// Copyright 2026 The gotest Authors.
//
// The runtime semaphore (Go's sema.go), on which sync.Mutex, RWMutex and
// WaitGroup park goroutines. A semaphore is any uint32 word; Semacquire waits
// until it is positive and decrements it, Semrelease increments it and wakes
// one waiter. Waiters live in a fixed table of 251 buckets keyed by the word's
// address, each with its own lock and a waiter count checked without the lock,
// so an uncontended release is one atomic add and one load. Within a bucket,
// each address has a FIFO of waiters (LIFO insertion on request: a Mutex
// waiter that already waited once goes to the front).
//
// Handoff: Semrelease(addr, /*handoff=*/true) gives the count directly to the
// first waiter and yields to it, so a stream of new arrivals cannot overtake a
// starving waiter (sync.Mutex's starvation mode).

#ifndef GOTEST_RUNTIME_SEMA_H_
#define GOTEST_RUNTIME_SEMA_H_

#include <atomic>
#include <cstdint>

#include "runtime/park.h"
#include "runtime/traceback.h"

namespace go::runtime::internal {

enum SemaProfile : uint8_t {
  kSemaProfileNone = 0,
  kSemaProfileBlock = 1,  // waiting counts as a block event
  kSemaProfileMutex = 2,  // the releaser reports the wait as mutex contention
};

// The bodies (Go's names). Callers use Semacquire and Semrelease.
void semacquire1(std::atomic<uint32_t>* addr, bool lifo, WaitReason reason,
                 uint8_t profile);
void semrelease1(std::atomic<uint32_t>* addr, bool handoff);

// The block and mutex events these report leave out two frames: the
// semaphore's and its caller's (Mutex::LockSlow, WaitGroup::Wait, ...), so
// that the stack starts where the user called into sync. That count needs
// the caller's frame to exist, so the call is kept out of tail position: as
// the last statement of its caller it would be a jump at -O2, and the user's
// frame would be left out instead.
inline void Semacquire(std::atomic<uint32_t>* addr, bool lifo,
                       WaitReason reason, uint8_t profile = kSemaProfileBlock) {
  semacquire1(addr, lifo, reason, profile);
  KeepCallerFrame();
}
inline void Semrelease(std::atomic<uint32_t>* addr, bool handoff) {
  semrelease1(addr, handoff);
  KeepCallerFrame();
}

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_SEMA_H_
