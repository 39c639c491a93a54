// Copyright 2026 The gotest Authors.

#include "runtime/sysmon.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/runq.h"
#include "runtime/runtime2.h"

namespace go::runtime::internal {

namespace {

void* sysmon_main(void*) {
  Sched& s = sched();
  int64_t delay_us = 0;
  int idle = 0;
  for (;;) {
    if (idle == 0) {
      delay_us = 20;
    } else if (idle > 50) {
      delay_us *= 2;
    }
    if (delay_us > 10000) delay_us = 10000;
    NoteTSleep(&s.sysmon_note, delay_us * 1000);
    NoteClear(&s.sysmon_note);
    int64_t now = nanotime();
    set_coarse_nanotime(now);
    // Everything idle: sleep until something starts, or (as Go's sysmon)
    // until the next timer is due at the latest. An idle M sleeps for that
    // timer too, but that M may be the one the next wakeup puts to work, and
    // then this is the thread that fires the timer.
    if (s.npidle.load() == s.gomaxprocs.load() && s.nsyscall.load() == 0) {
      s.sysmon_wait.store(true);
      if (s.npidle.load() == s.gomaxprocs.load() && s.nsyscall.load() == 0) {
        int64_t sleep_ns = int64_t{60} * 1000 * 1000 * 1000;
        int64_t next = hooks_next_deadline();
        if (next != kNothingPending && next != kNoDeadline) {
          sleep_ns = std::max<int64_t>(std::min(sleep_ns, next - now), 0);
        }
        NoteTSleep(&s.sysmon_note, sleep_ns);
        NoteClear(&s.sysmon_note);
      }
      s.sysmon_wait.store(false);
      now = nanotime();
      set_coarse_nanotime(now);
      idle = 0;
    }
    bool worked = false;
    if (G* list = poll_hooks(now)) {
      injectglist(list);
      worked = true;
    }
    if (retake(now) > 0) worked = true;
    idle = worked ? 0 : idle + 1;
  }
  return nullptr;
}

}  // namespace

void StartSysmon() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (pthread_create(&t, &attr, &sysmon_main, nullptr) != 0) {
    fatal_nodump("cannot start sysmon");
  }
  pthread_attr_destroy(&attr);
}

void SysmonWake() {
  Sched& s = sched();
  if (s.sysmon_wait.load(std::memory_order_relaxed)) {
    set_coarse_nanotime(nanotime());
    NoteWakeup(&s.sysmon_note);
  }
}

int retake(int64_t now) {
  Sched& s = sched();
  int n = 0;
  for (int i = 0; i < kMaxProcs; i++) {
    P* pp = allp[i].load(std::memory_order_acquire);
    if (pp == nullptr) break;
    uint32_t st = pp->status.load(std::memory_order_acquire);
    if (st != kPUser && st != kPSyscall) continue;
    uint32_t t = pp->schedtick.load(std::memory_order_relaxed);
    if (pp->sysmon_schedtick != t) {
      pp->sysmon_schedtick = t;
      pp->sysmon_schedwhen = now;
    }
    bool beyond = pp->id >= s.gomaxprocs.load(std::memory_order_relaxed);
    bool take = beyond;
    if (!take && st == kPSyscall) {
      uint32_t sc = pp->syscalltick.load(std::memory_order_relaxed);
      if (pp->sysmon_syscalltick != sc) {
        pp->sysmon_syscalltick = sc;
        pp->sysmon_syscallwhen = now;
        continue;
      }
      // In the same blocking call for at least a tick. Keep the P for the M
      // if there is nothing else to run and someone else is looking for work.
      take = !(runqempty(pp) && s.runqsize.load() == 0 &&
               s.nmspinning.load() + s.npidle.load() > 0 &&
               pp->sysmon_syscallwhen + kForcePreemptNS > now);
    } else if (!take) {
      // Running one goroutine (or a chain inheriting its time slice) > 10 ms:
      // worth a handoff only when others wait, and for this P's queue only
      // when nobody is taking from it either (its head has not moved since
      // the last look). Goroutines that another P keeps stealing are being
      // served; a handoff would leave the long runner without a P (its
      // spawns and wakeups then take the global, locked paths) and put a
      // third thread on the cores for nothing.
      uint32_t head = pp->runqhead.load(std::memory_order_relaxed);
      bool served = head != pp->sysmon_runqhead;
      pp->sysmon_runqhead = head;
      take = pp->sysmon_schedwhen + kForcePreemptNS <= now &&
             ((!runqempty(pp) && !served) || s.runqsize.load() > 0);
    }
    if (!take) continue;
    if (st == kPUser && asymmetric_fence_available()) {
      // Two-phase: Gosched's fast path uses the P without leaving kPUser,
      // flagging its M instead (see gosched_direct in proc.cc). After the
      // fence, either that M sees kPRetake or this sees its flag.
      if (!pp->status.compare_exchange_strong(st, kPRetake,
                                              std::memory_order_acq_rel)) {
        continue;
      }
      M* owner = pp->m.load(std::memory_order_relaxed);
      asymmetric_heavy_fence();
      if (owner != nullptr &&
          owner->fastpath.load(std::memory_order_acquire) != 0) {
        pp->status.store(kPUser, std::memory_order_release);
        continue;  // inside a Gosched: it is making progress anyway
      }
      st = kPRetake;
    }
    if (pp->status.compare_exchange_strong(st, kPIdle,
                                           std::memory_order_acq_rel)) {
      pp->m.store(nullptr, std::memory_order_relaxed);
      pp->sysmon_schedwhen = now;
      // Only a P freed from a blocking call counts as work that keeps sysmon
      // at its 20 us pace (as Go's retake counts only those). A long runner's
      // P is taken every 10 ms at most: counting it reset the back-off each
      // time, some 60 wakeups per 10 ms of a busy loop, each a context
      // switch on the other core (Mutex P=1 at 40M ops: 2500 context
      // switches against Go's 97, and 1.33 of Go's CPU; 1.11 without).
      if (st == kPSyscall) n++;
      handoffp(pp);
    }
  }
  return n;
}

}  // namespace go::runtime::internal
