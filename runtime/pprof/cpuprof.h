// Copyright 2026 The gotest Authors.
//
// The CPU profiler's internals, for tests and the profile writers: what the
// last profile saw. The API is pprof.h's StartCPUProfile/StopCPUProfile.

#ifndef GOTEST_RUNTIME_PPROF_CPUPROF_H_
#define GOTEST_RUNTIME_PPROF_CPUPROF_H_

#include <cstdint>

namespace go::pprof::internal {

struct CPUProfileStats {
  int64_t samples = 0;       // samples recorded, weighted by 1 + overruns
  int64_t signals = 0;       // SIGPROF deliveries that were recorded
  int64_t lost = 0;          // samples dropped because the buffer was full
  int64_t threads = 0;       // distinct threads that had a timer
  int64_t timer_errors = 0;  // timer_create failures (thread gone, limits)
  int hz = 0;
  // What drove the samples: "task-clock" (perf_event_open software events,
  // hrtimer-precise), "task-clock:u" (the same, user space only) or
  // "cpu-timer" (timer_create on thread CPU clocks).
  const char* clock = "";
};

// Which per-thread clock a profile started afterwards uses (tests and the
// perf comparison; the default is kAuto).
enum class CPUProfileClock {
  kAuto,      // task-clock where perf_event_open is allowed, else cpu-timer
  kCPUTimer,  // always timer_create (Go's choice)
};
void SetCPUProfileClock(CPUProfileClock c);

// Statistics of the profile stopped last (zero before the first).
CPUProfileStats LastCPUProfileStats();

}  // namespace go::pprof::internal

#endif  // GOTEST_RUNTIME_PPROF_CPUPROF_H_
