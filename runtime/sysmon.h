// Copyright 2026 The gotest Authors.
//
// sysmon: the runtime's watchdog thread (Go's sysmon), without a P. It takes
// the P away from an M whose goroutine has run for more than 10 ms without a
// scheduling point while other goroutines wait, or that has been inside
// EnterSyscall for more than one tick, and hands it to another M (retake +
// handoffp). No signal is sent and no stack is switched: the slow goroutine
// keeps its thread until it parks or yields, or until a sync slow path's
// PreemptPoint (sudog.h) sees it has no P and yields it to the global run
// queue, before it contends with the goroutines now on its P. sysmon
// also polls the timer/netpoll hooks every tick (so timers fire even while
// every P runs a busy loop) and keeps the coarse clock that goroutine dumps use
// for "N minutes".
//
// It sleeps 20 us between ticks, doubling up to 10 ms while there is nothing to
// do (taking a long runner's P does not count as something to do; freeing a
// P from a blocking call does), and blocks entirely while every P is idle
// (woken by SysmonWake).

#ifndef GOTEST_RUNTIME_SYSMON_H_
#define GOTEST_RUNTIME_SYSMON_H_

#include <cstdint>

namespace go::runtime::internal {

constexpr int64_t kForcePreemptNS = 10 * 1000 * 1000;

void StartSysmon();
void SysmonWake();
// One retake pass (tests call it through sysmon; exposed for them). Returns how
// many Ps it freed from blocking calls.
int retake(int64_t now);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_SYSMON_H_
