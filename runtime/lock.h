// Copyright 2026 The gotest Authors.
//
// The runtime's own small mutex (Go's runtime.mutex): a futex word with a short
// bounded spin. Unlike std::mutex it may be locked on a goroutine and unlocked
// by gopark's unlockf on the scheduler stack (the same OS thread, a different
// stack), and ThreadSanitizer sees its acquire/release through the atomics, so
// it is what channels and sync put their queues under. Unlike absl::Mutex from
// Debian (not TSan-instrumented, see DESIGN.md) it never gives false race
// reports.

#ifndef GOTEST_RUNTIME_LOCK_H_
#define GOTEST_RUNTIME_LOCK_H_

#include <atomic>
#include <cstdint>

namespace go::runtime::internal {

class Lock {
 public:
  constexpr Lock() = default;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

  void lock() {
    uint32_t expected = 0;
    if (state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    LockSlow();
  }
  bool try_lock() {
    uint32_t expected = 0;
    return state_.compare_exchange_strong(
        expected, 1, std::memory_order_acquire, std::memory_order_relaxed);
  }
  void unlock() {
    if (state_.exchange(0, std::memory_order_release) == 2) UnlockSlow();
  }

 private:
  void LockSlow();
  void UnlockSlow();
  // 0 unlocked, 1 locked, 2 locked with (possible) sleepers.
  std::atomic<uint32_t> state_{0};
};

// Futex helpers (private futexes).
// One spin-wait hint to the CPU (x86 PAUSE, AArch64 YIELD), for the bounded
// spins of the lock, the run queue and the scheduler.
inline void CpuRelax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

void FutexWait(std::atomic<uint32_t>* addr, uint32_t val, int64_t timeout_ns);
void FutexWake(std::atomic<uint32_t>* addr, int n);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_LOCK_H_
