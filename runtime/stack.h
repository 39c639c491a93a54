// Copyright 2026 The gotest Authors.
//
// Goroutine stacks. C++ cannot move a stack (nothing knows where the pointers
// into it are), so each goroutine gets a fixed-size region of reserved, lazily
// committed memory: only the pages it touches cost RSS (one page for a
// goroutine parked in a shallow call chain). Default 256 KiB: C++ frames are
// large (iostream, formatting, gtest assertions, regex), a 64 KiB default
// overflows in ordinary test code, and reserved-but-untouched address space is
// nearly free (1e6 goroutines = 256 GiB of the 128 TiB user address space; the
// page-table page shared by 8 stacks adds ~512 B each). Sanitizer builds use 4x
// (their frames are bigger, as folly and Seastar do). Override with env
// GOTEST_STACK_SIZE (bytes, or with K/M suffix) or SetStackSize before the
// first goroutine.
//
// Stacks are carved from chunks of kStacksPerChunk mmap'd regions (one system
// call per chunk). Each has a PROT_NONE guard page below it, so an overflow
// faults and is reported as "goroutine N: stack overflow", never silent
// corruption — while the kernel's map count allows: every guard page splits a
// mapping, costing two of the vm.max_map_count (default 65530) mappings per
// stack. Beyond max_map_count/2 - 4096 guarded stacks (28669 at the default),
// new stacks come without guard pages. For those, overflow detection is best
// effort: the saved stack pointer is checked against the stack's bounds at
// every switch away from the goroutine, which catches a goroutine that is still
// past its limit, but an overflow that unwinds before the next switch can
// corrupt the neighbouring stack's top (its G) silently. A canary word would
// catch that, but writing it touches the stack's lowest page and doubles the
// RSS of every goroutine. Raise vm.max_map_count to keep guard pages for more
// goroutines.
//
// The G itself lives at the top of its stack region (no separate allocation;
// its cache line sits next to the goroutine's first frames), so a stack is
// never freed while its G can be referenced: dead Gs and their stacks are
// reused through the per-P and global free lists (gfput/gfget in proc.cc).

#ifndef GOTEST_RUNTIME_STACK_H_
#define GOTEST_RUNTIME_STACK_H_

#include <cstddef>
#include <cstdint>

namespace go::runtime::internal {

struct G;

constexpr size_t kStacksPerChunk = 64;

// The usable stack size in bytes (page multiple), fixed at the first
// allocation.
size_t StackSize();
// Sets the size for stacks allocated from now on; false once any exists.
bool SetStackSizeInternal(size_t bytes);

// Allocates a new G with a fresh stack: G constructed at the top, stack_lo/hi
// set, guard page set up. Never returns nullptr (dies with a message if out
// of memory).
G* StackAllocG();

// Statistics for tests and the stress benchmark.
struct StackStats {
  int64_t stacks = 0;          // allocated ever
  int64_t guarded = 0;         // with a guard page
  int64_t guard_limit = 0;     // max guarded stacks at this vm.max_map_count
  int64_t reserved_bytes = 0;  // address space reserved
};
StackStats GetStackStats();

// True if addr lies in the guard page (or within a page below it) of gp's
// stack.
bool InGuardPage(const G* gp, uintptr_t addr);
// True if a stack pointer lies outside gp's usable stack (an overflow).
bool StackPointerOutside(const G* gp, uintptr_t sp);

size_t PageSize();

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_STACK_H_
