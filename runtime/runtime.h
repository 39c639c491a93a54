// Copyright 2026 The gotest Authors.
//
// Goroutines: Go's `go` statement and package runtime's scheduler controls for
// C++.
//
//   int main() {
//     return go::runtime::Run([] {
//       go::Go([] { ... });           // a goroutine
//       go::runtime::Gosched();
//       return 0;
//     });
//   }
//
// Goroutines are stackful coroutines multiplexed on GOMAXPROCS OS threads by a
// G-M-P scheduler like Go's (runtime2.h, proc.cc). What differs from Go, and
// why:
//  - Stacks have a fixed size (stack.h; default 256 KiB reserved, lazily
//    committed; GOTEST_STACK_SIZE) because C++ stacks cannot be moved. An
//    overflow ends the program with "goroutine N: stack overflow".
//  - No asynchronous preemption (switching stacks from a signal handler is
//    unsafe in C++). A goroutine that runs over ~10 ms without a scheduling
//    point while others wait, or blocks in a call marked with BlockingRegion,
//    loses its P to another thread, so the other goroutines keep running; the
//    slow one keeps its thread until its next scheduling point, or until it
//    meets contention in a sync slow path (a Mutex that is held, an Unlock
//    that wakes a waiter), where it yields to the global run queue as Go's
//    preempted goroutines do.
//  - A goroutine may resume on another OS thread after any scheduling point
//    (Gosched, channel operation, lock, sleep). thread_local variables, errno
//    and the thread id are therefore per thread, not per goroutine: do not keep
//    a reference to a thread_local across a scheduling point, or LockOSThread.
//  - The FP environment (rounding mode, exception masks) is reset to the ABI
//    default when a goroutine starts and is not switched with the goroutine: a
//    goroutine that changes it must restore it before its next scheduling
//    point.
//  - Goexit unwinds the goroutine by throwing go::runtime::GoexitUnwind; a
//    `catch (...)` that does not rethrow stops it, as it would stop any
//    exception.
//  - An exception escaping a goroutine is Go's panic: "panic: <what()>" and the
//    goroutine's stack at the throw, exit status 2 (panic.h).
//
// Under ThreadSanitizer every goroutine is a TSan fiber, and at most 8128 may
// be alive at once (TSan's thread limit; Go's race detector has the same
// limit).
//
// Calls from threads that are not goroutines (a std::thread, code before Run)
// work: Go starts the scheduler on first use and blocking primitives block that
// thread.

#ifndef GOTEST_RUNTIME_RUNTIME_H_
#define GOTEST_RUNTIME_RUNTIME_H_

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace go {
namespace runtime {

namespace internal {
struct G;
G* NewG(size_t closure_size, size_t closure_align, void** closure_space);
// Queues newg; records its creator's PC as the return address into the caller
// (Go is always inlined, so that is the function with the go statement).
void StartG(G* newg, void (*entry)(void*), void* closure);
void FreeUnstartedG(G* gp);
int RunMain(int (*fn)(void*), void* arg);

template <class Fn>
void InvokeClosure(void* p) {
  Fn* fn = static_cast<Fn*>(p);
  struct Destroy {
    Fn* fn;
    ~Destroy() { fn->~Fn(); }
  } destroy{fn};
  (*fn)();
}
}  // namespace internal

// Thrown by Goexit; caught at the goroutine's entry. Not a std::exception, so
// `catch (const std::exception&)` lets it pass.
struct GoexitUnwind {};

// Runs fn (returning int or void) as the main goroutine and returns its result
// (0 for void). Other goroutines are not waited for, as in Go. While Run is
// active the runtime reports a deadlock (every goroutine blocked, nothing that
// could wake one) with Go's "fatal error: all goroutines are asleep -
// deadlock!", exit 2.
template <class F>
int Run(F&& fn) {
  using Fn = std::remove_reference_t<F>;
  auto thunk = [](void* p) -> int {
    Fn& f = *static_cast<Fn*>(p);
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      return 0;
    } else {
      return static_cast<int>(f());
    }
  };
  return internal::RunMain(thunk, &fn);
}

// Yields the processor: other runnable goroutines run first. On a plain thread,
// sched_yield().
void Gosched();

// Ends the calling goroutine after unwinding its stack (running destructors).
// Called on the main goroutine of Run, Run never returns; the program goes on
// running the other goroutines and, when none is left, ends with Go's
// "fatal error: no goroutines (main called runtime.Goexit) - deadlock!".
[[noreturn]] void Goexit();

// Sets the number of threads that run goroutine code at once and returns the
// previous value; n < 1 only queries. The default is the GOMAXPROCS environment
// variable if it is a positive integer (anything else is ignored, as Go does),
// else the CPUs this process may use: the sched_getaffinity count, lowered to
// the cgroup (v2 cpu.max or v1 cfs quota) limit rounded up with a minimum of 2,
// as Go 1.25 does. Shrinking takes effect for a running goroutine at its next
// scheduling point.
int GOMAXPROCS(int n);

// CPUs usable by the process (sched_getaffinity at startup).
int NumCPU();

// Live goroutines (not counting plain threads).
int NumGoroutine();

// Wires the calling goroutine to its current OS thread: it runs only there, and
// the thread runs nothing else, until as many UnlockOSThread calls. A goroutine
// that exits while locked takes its thread with it (the thread exits), as in
// Go. No-ops on a plain thread.
void LockOSThread();
void UnlockOSThread();

// The calling goroutine's id (Go's goid: 1 for the first Run's main goroutine
// when Run is the first to start one), 0 on a plain thread.
int64_t GoID();

// Sets the stack size of goroutines created from now on; false once any
// goroutine stack exists (all stacks have one size so that they can be reused).
bool SetStackSize(size_t bytes);

}  // namespace runtime

// The go statement: runs fn() (any callable, moved or copied into the new
// goroutine's stack; no heap allocation) on a new goroutine.
template <class F>
__attribute__((always_inline)) inline void Go(F&& fn) {
  using Fn = std::decay_t<F>;
  void* space;
  runtime::internal::G* g =
      runtime::internal::NewG(sizeof(Fn), alignof(Fn), &space);
  try {
    ::new (space) Fn(std::forward<F>(fn));
  } catch (...) {
    runtime::internal::FreeUnstartedG(g);
    throw;
  }
  runtime::internal::StartG(g, &runtime::internal::InvokeClosure<Fn>, space);
}

}  // namespace go

#endif  // GOTEST_RUNTIME_RUNTIME_H_
