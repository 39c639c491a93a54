// Copyright 2026 The gotest Authors.

#include "runtime/blockevent.h"

#include "runtime/runtime2.h"
#include "runtime/sudog.h"
#include "runtime/traceback.h"

namespace go::runtime::internal {

std::atomic<int64_t> g_blockprofilerate{0};
std::atomic<int64_t> g_mutexprofilerate{0};

namespace {

std::atomic<BlockEventSink> g_sink{nullptr};

constexpr int kMaxStack = 64;

// Not inlined, and never the target of a tail call (its callers follow each
// call with KeepCallerFrame): the frame count skipped below assumes
// save and its caller are both frames on the stack, at every optimization
// level.
__attribute__((noinline)) void save(ProfileKind kind, double count, int64_t ns,
                                    int skip) {
  BlockEventSink sink = g_sink.load(std::memory_order_acquire);
  if (sink == nullptr) return;
  uintptr_t pcs[kMaxStack];
  int n;
  G* gp = getg();
  // +2: save and RecordBlockEvent/RecordMutexEvent themselves.
  if (gp != nullptr && !gp->is_thread) {
    n = CaptureStack(pcs, kMaxStack, skip + 2, gp->stack_lo, gp->stack_hi);
  } else {
    n = CaptureStack(pcs, kMaxStack, skip + 2);
  }
  sink(kind, count, ns, pcs, n);
}

}  // namespace

void SetBlockEventSink(BlockEventSink sink) {
  g_sink.store(sink, std::memory_order_release);
}

__attribute__((noinline)) void RecordBlockEvent(int64_t ns, int skip) {
  if (ns <= 0) ns = 1;
  int64_t rate = g_blockprofilerate.load(std::memory_order_relaxed);
  if (rate <= 0) return;
  if (rate > ns && static_cast<int64_t>(fastrand64() >> 1) % rate > ns) return;
  if (ns < rate) {
    save(ProfileKind::kBlock, static_cast<double>(rate) / ns, rate, skip);
  } else {
    save(ProfileKind::kBlock, 1, ns, skip);
  }
  KeepCallerFrame();  // see save
}

__attribute__((noinline)) void RecordMutexEvent(int64_t ns, int skip) {
  if (ns < 0) ns = 0;
  int64_t rate = g_mutexprofilerate.load(std::memory_order_relaxed);
  if (rate <= 0) return;
  if (static_cast<int64_t>(fastrand64() >> 1) % rate != 0) return;
  save(ProfileKind::kMutex, static_cast<double>(rate), ns * rate, skip);
  KeepCallerFrame();  // see save
}

}  // namespace go::runtime::internal

namespace go::runtime {

void SetBlockProfileRate(int rate) {
  internal::g_blockprofilerate.store(rate <= 0 ? 0 : rate,
                                     std::memory_order_relaxed);
}

int SetMutexProfileFraction(int rate) {
  if (rate < 0) {
    return static_cast<int>(
        internal::g_mutexprofilerate.load(std::memory_order_relaxed));
  }
  return static_cast<int>(
      internal::g_mutexprofilerate.exchange(rate, std::memory_order_relaxed));
}

}  // namespace go::runtime
