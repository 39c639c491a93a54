// Stack unwinding by frame pointers, and Go-style traceback text.
//
// Goroutine dumps, panic reports, the leak check's "created by" stacks and
// every pprof profile start from a list of PCs. The runtime collects them by
// walking the frame-pointer chain (the workspace builds with
// -fno-omit-frame-pointer) because that needs no locks, no allocation and no
// unwind tables, so the CPU profiler can do it inside a SIGPROF handler, and
// because a parked goroutine's stack can be walked from its saved frame
// pointer alone. The walk is bounded by the stack it is on: a goroutine's
// entry frame has a zero frame pointer, and anything outside [lo, hi),
// misaligned or not strictly increasing ends it, so a corrupt or foreign
// chain truncates a trace instead of fabricating one.
//
// Known limits of frame-pointer unwinding (research/profiling.md, §1a): GCC
// builds leaf functions without a frame even with -fno-omit-frame-pointer,
// and a PC in a prologue or epilogue has the caller's frame pointer in rbp;
// in both cases one caller is missing from the trace.
//
// PC convention: pcs[0] is an exact PC (a signal context's interrupted
// instruction, or what CaptureStack stores); every other pc is a return
// address, which is symbolized at pc-1 so the line is the call's, as Go does.
#ifndef GOTEST_RUNTIME_TRACEBACK_H_
#define GOTEST_RUNTIME_TRACEBACK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/symtab.h"

namespace go::runtime::internal {

// Walks frame pointers from (pc, fp): pcs[0] = pc, then the return address of
// each frame. A frame is accepted only if its fp is pointer-aligned, strictly
// greater than the previous one and its two words lie inside
// [stack_lo, stack_hi); the walk stops at fp == 0 (a goroutine's entry
// frame), at a zero return address, at anything implausible, or at max.
// Every address in [stack_lo, stack_hi) must be readable (leave a guard page
// out of the bounds): the walk checks bounds, not mappings.
// Async-signal-safe: no allocation, no locks, no system calls. For a parked
// goroutine whose saved pc is a return address, pass pc - 1. Returns the
// number of pcs written (0 only if max <= 0).
int UnwindFramePointers(uintptr_t pc, uintptr_t fp, uintptr_t stack_lo,
                        uintptr_t stack_hi, uintptr_t* pcs, int max);

// Captures the calling code's stack into pcs, skipping `skip` frames: with
// skip = 0, pcs[0] is in CaptureStack's caller; with skip = 1, in its
// caller's caller. pcs[0] is that frame's return address minus one (inside
// the call instruction, so it symbolizes to the call's line; its "+0x" in a
// traceback is one less than Go's, which counts to the return address), the
// rest are return addresses. Bounds are the calling thread's stack
// (pthread_getattr_np, cached per thread); on a goroutine stack, which the
// thread's bounds do not contain, use the overload that takes the
// goroutine's bounds, or the result is empty. Returns the count written.
// Not async-signal-safe on a thread's first call (pthread_getattr_np).
int CaptureStack(uintptr_t* pcs, int max, int skip);
int CaptureStack(uintptr_t* pcs, int max, int skip, uintptr_t stack_lo,
                 uintptr_t stack_hi);

// Keeps the call just before it out of tail position. At -O2 a call that is
// a function's last act becomes a jump that reuses that function's frame, so
// a stack captured in the callee lacks the function: a skip count given to
// CaptureStack then drops one frame too many, and a traceback loses a caller.
// Use `f(); KeepCallerFrame();` or `return KeepCallerFrame(f());`.
__attribute__((always_inline)) inline void KeepCallerFrame() {
  asm volatile("");
}
template <typename T>
__attribute__((always_inline)) inline T KeepCallerFrame(T v) {
  asm volatile("" : "+r"(v)::"memory");
  return v;
}

// Appends Go's traceback text for pcs[0..n), one entry per source frame,
// inlined frames expanded innermost first:
//
//   ns::Function(...)
//   \t/abs/path/file.cc:123 +0x1d
//
// "+0x.." is the offset of the pc from its function's entry; inlined frames
// have none, as in Go. Go prints argument words inside the parentheses; C++
// frames have no such metadata, so they always print "(...)", Go's form for
// elided arguments. Frames Go could not describe print honestly:
//   - a function name but no line information (a library without debug
//     info): "name(...)\n\t?:0 +0x1d [/lib/x86_64-linux-gnu/libc.so.6]", the
//     "?" and 0 being what Go's funcline reports for an unknown position;
//   - no function known: "?()\n\t?:0 pc=0x7f... [module]" (file:line in
//     place of "?:0" if the line table covers the pc, and no " [module]" if
//     no loaded object does).
// Not async-signal-safe (see symtab.h for the crash-path rules).
void AppendTraceback(std::string* out, const uintptr_t* pcs, int n);

// The structured form of the same frames, for profile writers: for each pc
// (adjusted to pc-1 for all but pcs[0], the Frame::pc then being the adjusted
// address, which is what a pprof Location.address should hold), its frames
// innermost first. Frames of one pc are consecutive and all but the last have
// inlined = true.
std::vector<Frame> SymbolizeStack(const uintptr_t* pcs, int n);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_TRACEBACK_H_
