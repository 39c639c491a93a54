// Copyright 2026 The gotest Authors.

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "runtime/lock.h"
#include "runtime/runtime2.h"

namespace go::runtime::internal {

void FutexWait(std::atomic<uint32_t>* addr, uint32_t val, int64_t timeout_ns) {
  struct timespec ts;
  struct timespec* tsp = nullptr;
  if (timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1000000000;
    ts.tv_nsec = timeout_ns % 1000000000;
    tsp = &ts;
  }
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAIT_PRIVATE, val,
          tsp, nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* addr, int n) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAKE_PRIVATE, n,
          nullptr, nullptr, 0);
}

void Lock::LockSlow() {
  // Spin briefly (bounded: the holder may be descheduled on a loaded machine).
  for (int i = 0; i < 64; i++) {
    CpuRelax();
    uint32_t expected = 0;
    if (state_.load(std::memory_order_relaxed) == 0 &&
        state_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return;
    }
  }
  while (state_.exchange(2, std::memory_order_acquire) != 0) {
    FutexWait(&state_, 2, -1);
  }
}

void Lock::UnlockSlow() { FutexWake(&state_, 1); }

// Note: 0 clear, 1 a sleeper waits, 2 woken.
void NoteClear(Note* n) { n->key.store(0, std::memory_order_relaxed); }

void NoteSleep(Note* n) { NoteTSleep(n, -1); }

bool NoteTSleep(Note* n, int64_t ns) {
  uint32_t v = 0;
  if (!n->key.compare_exchange_strong(v, 1, std::memory_order_acquire)) {
    return true;  // already woken
  }
  int64_t deadline = ns >= 0 ? nanotime() + ns : -1;
  for (;;) {
    int64_t wait = -1;
    if (deadline >= 0) {
      wait = deadline - nanotime();
      if (wait <= 0) {
        uint32_t one = 1;
        if (n->key.compare_exchange_strong(one, 0, std::memory_order_acquire)) {
          return false;  // timed out; note back to clear
        }
        return true;  // woken concurrently
      }
    }
    FutexWait(&n->key, 1, wait);
    if (n->key.load(std::memory_order_acquire) == 2) return true;
  }
}

void NoteWakeup(Note* n) {
  uint32_t old = n->key.exchange(2, std::memory_order_release);
  if (old == 1) FutexWake(&n->key, 1);
}

}  // namespace go::runtime::internal
