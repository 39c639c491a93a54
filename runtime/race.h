// Copyright 2026 The gotest Authors.
//
// Happens-before annotations for ThreadSanitizer (Go's raceacquire /
// racerelease in chan.go and sema.go). A channel or sync hand-off passes data
// between goroutines through a parked goroutine's stack and the scheduler's run
// queues; TSan cannot infer that edge from the atomics alone, so every hand-off
// releases on the object's address and the receiving side acquires it. Compiled
// away without -fsanitize=thread.

#ifndef GOTEST_RUNTIME_RACE_H_
#define GOTEST_RUNTIME_RACE_H_

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace go::runtime::internal {

inline void RaceAcquire(const void* addr) {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}

inline void RaceRelease(const void* addr) {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_RACE_H_
