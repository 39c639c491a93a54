// Copyright 2026 The gotest Authors.
//
// A minimal goroutine sleep for the runtime's own tests, until the timers issue
// provides go::time::Sleep. It is a PollHook (park.h) over a locked min-heap of
// deadlines, so it also exercises the scheduler's timer/netpoll interface: idle
// Ms sleep until the earliest deadline, sysmon fires due sleepers even when
// every P runs a busy loop, and pending sleepers keep the deadlock detector
// quiet. Not for production use: O(log n) under one global lock.

#ifndef GOTEST_RUNTIME_SLEEP_FOR_TESTING_H_
#define GOTEST_RUNTIME_SLEEP_FOR_TESTING_H_

#include <cstdint>

namespace go::runtime::internal {

// Parks the calling goroutine for at least ns nanoseconds (plain threads:
// nanosleep).
void SleepFor(int64_t ns);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_SLEEP_FOR_TESTING_H_
