// Copyright 2026 The gotest Authors.
//
// The stack switch under every goroutine switch. Hand-written per architecture
// (context_switch_amd64.S, context_switch_arm64.S) because it is the innermost
// hot path: ucontext's swapcontext makes a signal-mask system call per switch
// (~1.2 us here against ~3.4 ns for a register swap), and a `ret` after the
// stack swap costs 3x a `pop; jmp` because the return-stack predictor guessed
// the old stack.
//
// Only what the C ABI says survives a call is saved: the callee-saved integer
// registers (and d8-d15 on AArch64) plus the stack pointer, all pushed on the
// stack being left. The FP control words (MXCSR, x87 CW, FPCR) are not
// switched; they are set to the ABI defaults once when a goroutine starts, and
// a goroutine that changes its rounding mode or exception masks must restore
// them before any scheduling point (documented in runtime.h). Go and marl make
// the same choice.

#ifndef GOTEST_RUNTIME_CONTEXT_SWITCH_H_
#define GOTEST_RUNTIME_CONTEXT_SWITCH_H_

#include <cstddef>
#include <cstdint>

extern "C" {

// Saves the callee-saved registers on the current stack, stores the stack
// pointer in *save_sp, loads new_sp and resumes whatever was saved there.
// Returns `arg` of the switch that later resumes this one.
void* go_ctx_switch(void** save_sp, void* new_sp, void* arg);

// The same switch, resuming with a return instruction: right when the target
// was suspended at the same call site as the caller (a goroutine switching to
// another that also yielded there), since the return-address predictor's top
// entry then is the resume PC and the returns after it stay predicted. Both
// save and resume the same frame, so either may resume what the other saved.
void* go_ctx_switch_ret(void** save_sp, void* new_sp, void* arg);

// The first "return address" of a new context (see go_ctx_make). It calls
// entry(arg) with a frame pointer of 0, so frame-pointer unwinding stops there,
// and its DWARF CFI marks the return address undefined so C++ exception
// unwinding ends there too (an uncaught exception calls std::terminate with the
// goroutine's stack intact). entry must never return.
void go_ctx_trampoline();

}  // extern "C"

namespace go::runtime::internal {

using ContextEntry = void (*)(void* arg);

// Prepares a context on the stack whose highest usable address is `top`
// (16-byte aligned or not; it is aligned down) so that the first go_ctx_switch
// to the returned stack pointer calls entry(arg). Writes only a few words below
// `top`.
void* MakeContext(void* top, ContextEntry entry, void* arg);

// Number of bytes a suspended context keeps at its saved stack pointer before
// the resume address: the saved registers. The saved frame pointer and resume
// PC of a suspended context are read through SavedFramePointer/SavedPC
// (tracebacks).
uintptr_t SavedPC(const void* sp);
uintptr_t SavedFramePointer(const void* sp);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_CONTEXT_SWITCH_H_
