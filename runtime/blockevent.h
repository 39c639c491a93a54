// Copyright 2026 The gotest Authors.
//
// Block and mutex contention events for the block and mutex profiles (Go's
// mprof.go blockevent/mutexevent), reported by channels, select, the semaphore
// table and sync.
//
//  - Block events: a goroutine waited (on a channel, in select, on a mutex,
//    WaitGroup or Cond) for `ns` nanoseconds; the stack is the waiter's. As in
//    Go, sleeping (time::Sleep) is not a block event. Sampled as Go's
//    SetBlockProfileRate: an event of at least `rate` ns is always recorded, a
//    shorter one with probability ns/rate.
//  - Mutex events: an unlocker woke a goroutine that had waited `ns` for the
//    lock; the stack is the unlocker's (it held the lock that long), as Go's
//    mutex profile. One in `fraction` events is recorded
//    (SetMutexProfileFraction).
//
// The runtime only produces the events; the profiler (runtime/pprof) installs a
// sink that aggregates them. With profiling off (the default) each primitive
// pays one relaxed load and a predictable branch.

#ifndef GOTEST_RUNTIME_BLOCKEVENT_H_
#define GOTEST_RUNTIME_BLOCKEVENT_H_

#include <atomic>
#include <cstdint>

#include "runtime/traceback.h"

namespace go::runtime {

// Go's runtime.SetBlockProfileRate: record on average one blocking event per
// `rate` nanoseconds spent blocked; 1 records every event, <= 0 turns it off.
void SetBlockProfileRate(int rate);

// Go's runtime.SetMutexProfileFraction: record on average 1/rate contention
// events; 0 turns it off, a negative rate only reads. Returns the previous
// rate.
int SetMutexProfileFraction(int rate);

}  // namespace go::runtime

namespace go::runtime::internal {

enum class ProfileKind { kBlock, kMutex };

// Receives recorded events: `count` events totalling `ns` nanoseconds (already
// scaled for sampling, as Go's saveblockevent), with the stack pcs[0..n).
// Called on the goroutine that blocked or unlocked; it must not block.
using BlockEventSink = void (*)(ProfileKind kind, double count, int64_t ns,
                                const uintptr_t* pcs, int n);
void SetBlockEventSink(BlockEventSink sink);

extern std::atomic<int64_t> g_blockprofilerate;
extern std::atomic<int64_t> g_mutexprofilerate;

inline bool BlockProfileEnabled() {
  return __builtin_expect(
      g_blockprofilerate.load(std::memory_order_relaxed) > 0, 0);
}
inline bool MutexProfileEnabled() {
  return __builtin_expect(
      g_mutexprofilerate.load(std::memory_order_relaxed) > 0, 0);
}

// skip: frames above the caller to leave out of the stack (0 = the caller of
// blockevent is the innermost frame).
//
// The count is of real frames, so the caller's frame must still exist when
// the stack is taken: an event reported last thing before returning would
// otherwise become a tail call at -O2 (a jump that reuses the caller's frame),
// and the stack would lose one frame too many. These wrappers keep the call
// out of tail position.
void RecordBlockEvent(int64_t ns, int skip);
void RecordMutexEvent(int64_t ns, int skip);
inline void blockevent(int64_t ns, int skip) {
  RecordBlockEvent(ns, skip);
  KeepCallerFrame();
}
inline void mutexevent(int64_t ns, int skip) {
  RecordMutexEvent(ns, skip);
  KeepCallerFrame();
}

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_BLOCKEVENT_H_
