// Copyright 2026 The gotest Authors.
//
// Scheduler internals shared between proc.cc, sysmon.cc, panic.cc and dump.cc.
// See runtime2.h for the data structures and their ownership rules.

#ifndef GOTEST_RUNTIME_PROC_H_
#define GOTEST_RUNTIME_PROC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/runtime2.h"

namespace go::runtime::internal {

// Starts the scheduler (Ps, sysmon, signal handlers) once; cheap afterwards.
void schedinit();
bool sched_started();

// Every G ever created (goroutines only, not plain-thread stand-ins); the
// callback runs under the allgs lock and must not create goroutines.
void ForEachG(void (*fn)(G* gp, void* arg), void* arg);

// M-side helpers used by sysmon.
void handoffp(P* pp);
void injectglist(G* list);
G* poll_hooks(int64_t now);
int64_t hooks_next_deadline();
void wakep();
// Whether the goroutine side may skip the P status CAS in Gosched: the process
// can make every running thread execute a memory barrier (membarrier(2)), so
// sysmon's rare retake pays for the store-load ordering instead.
bool asymmetric_fence_available();
// Brackets a goroutine dump's reads of other goroutines' stacks: while one is
// in progress, Gosched's direct switch resumes goroutines with a CAS that
// respects the scan bit (see gosched_direct).
void BeginGoroutineScan();
void EndGoroutineScan();
// Makes every running thread of the process execute a full memory barrier.
void asymmetric_heavy_fence();
// CAS of a P's status from *from to `to`, waiting out a two-phase retake
// (kPRetake); on failure *from is the status seen.
bool pstatus_cas(P* pp, uint32_t* from, uint32_t to);
void set_coarse_nanotime(int64_t now);

// Goroutine creation for runtime.h's templates.
G* NewG(size_t closure_size, size_t closure_align, void** closure_space);
void StartG(G* newg, void (*entry)(void*), void* closure);
void FreeUnstartedG(G* gp);

// Fatal errors: prints "fatal error: msg" plus a goroutine dump and exits 2.
[[noreturn]] void fatal(const char* msg);
// Prints "fatal error: msg" and exits 2 without a dump (scheduler corruption).
[[noreturn]] void fatal_nodump(const char* msg);

// The Run() main goroutine's completion (proc.cc).
struct MainState;

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_PROC_H_
