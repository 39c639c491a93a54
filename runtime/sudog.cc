// Copyright 2026 The gotest Authors.

#include "runtime/sudog.h"

#include <sched.h>

#include <cstdint>

#include "runtime/runq.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"

namespace go::runtime::internal {

namespace {

thread_local InjectScope* tls_inject
    __attribute__((tls_model("initial-exec"))) = nullptr;
thread_local uint64_t tls_rand __attribute__((tls_model("initial-exec"))) = 0;

}  // namespace

InjectScope::InjectScope() : prev_(tls_inject) { tls_inject = this; }
InjectScope::~InjectScope() { tls_inject = prev_; }

void InjectScope::Add(G* gp) {
  gp->schedlink = nullptr;
  if (tail_ == nullptr) {
    head_ = gp;
  } else {
    tail_->schedlink = gp;
  }
  tail_ = gp;
}

G* InjectScope::Take() {
  G* h = head_;
  head_ = tail_ = nullptr;
  return h;
}

__attribute__((noinline, noipa)) void ReadyG(G* gp) {
  InjectScope* scope = tls_inject;
  if (scope != nullptr && !gp->is_thread) {
    MarkReadyForInject(gp);
    scope->Add(gp);
    return;
  }
  goready(gp);
}

__attribute__((noinline, noipa)) uint64_t fastrand64() {
  uint64_t x = tls_rand;
  if (x == 0) {
    x = static_cast<uint64_t>(nanotime()) ^
        reinterpret_cast<uintptr_t>(&tls_rand) ^ 0x9E3779B97F4A7C15ULL;
    if (x == 0) x = 1;
  }
  // xorshift64*
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  tls_rand = x;
  return x * 0x2545F4914F6CDD1DULL;
}

uint32_t fastrandn(uint32_t n) {
  // Lemire's multiply-shift reduction, as Go's cheaprandn.
  return static_cast<uint32_t>(
      (static_cast<uint64_t>(static_cast<uint32_t>(fastrand64() >> 32)) * n) >>
      32);
}

bool CanSpin(int iter) {
  if (iter >= 4) return false;
  if (go::runtime::NumCPU() <= 1) return false;
  M* m = getm();
  if (m == nullptr || m->on_g0) return false;
  Sched& s = sched();
  if (s.gomaxprocs.load(std::memory_order_relaxed) <=
      s.npidle.load(std::memory_order_relaxed) +
          s.nmspinning.load(std::memory_order_relaxed) + 1) {
    return false;
  }
  P* pp = m->p;
  if (pp != nullptr && !runqempty(pp)) return false;
  return true;
}

void ProcYield(int cycles) {
  for (int i = 0; i < cycles; i++) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
  }
}

void Goyield() { go::runtime::Gosched(); }

void PreemptPoint() {
  M* m = getm();
  if (m == nullptr || m->on_g0) return;
  P* pp = m->p;
  if (pp != nullptr && pp->m.load(std::memory_order_relaxed) == m) return;
  // Inside a BlockingRegion the goroutine gave its P away on purpose.
  if (readgstatus(m->curg) != kGRunning) return;
  go::runtime::Gosched();
}

}  // namespace go::runtime::internal
