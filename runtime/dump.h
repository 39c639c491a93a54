// Copyright 2026 The gotest Authors.
//
// Goroutine dumps in Go's format (runtime.Stack, pprof goroutine?debug=2, the
// crash reports):
//
//   goroutine 7 [chan receive, 2 minutes]:
//   pkg::Waiter(...)
//   	/src/waiter.cc:31 +0x4c
//   created by TestLeak in goroutine 6
//   	/src/leak_test.cc:20 +0x8d
//
// Blocks are separated by a blank line. The stack of a goroutine that is not
// running is read from its saved frame pointer while its status holds the scan
// bit (so it cannot be resumed meanwhile); one running on another thread prints
// Go's "goroutine running on other thread; stack unavailable". Runtime-internal
// frames (go::runtime::internal::..., the entry trampoline) are left out, as Go
// leaves out unexported runtime functions.
//
// The goroutine list with creators is also the hook the test harness's leak
// check and -timeout report use (ListGoroutines).

#ifndef GOTEST_RUNTIME_DUMP_H_
#define GOTEST_RUNTIME_DUMP_H_

#include <cstdint>
#include <string>
#include <vector>

namespace go::runtime {

// Go's runtime.Stack: the calling goroutine's traceback, or with all = true
// every goroutine's, the caller's first.
std::string Stack(bool all);

}  // namespace go::runtime

namespace go::runtime::internal {

struct G;

struct GoroutineRecord {
  int64_t id = 0;
  // What Go prints in brackets: "running", "runnable", "syscall", or the wait
  // reason ("chan receive", "sleep", ...), plus ", N minutes" and ", locked to
  // thread" when they apply.
  std::string status;
  std::string wait_reason;  // empty unless waiting
  int64_t wait_minutes = 0;
  bool running_elsewhere = false;  // running on another thread: no stack
  bool is_main = false;            // Run's main goroutine
  int64_t creator_id = 0;          // 0: created by a plain thread
  uintptr_t creator_pc = 0;        // return address of the go statement's call
  // Stack (pcs[0] exact, others return addresses), runtime frames included.
  std::vector<uintptr_t> pcs;
};

// Every live goroutine; the calling goroutine (if any) first and "running".
// skip: frames of the caller's own stack to leave out.
std::vector<GoroutineRecord> ListGoroutines(int skip = 0);

// Go's text for one goroutine (no trailing blank line).
std::string FormatGoroutine(const GoroutineRecord& r);

// Go's text for a list of pcs (pcs[0] exact), runtime-internal frames dropped,
// at most max_frames frames, then "...additional frames elided...".
std::string FormatFrames(const uintptr_t* pcs, int n, int max_frames = 100);
// "created by F in goroutine N\n\tfile:line +0xNN\n" (empty if pc == 0).
std::string FormatCreatedBy(uintptr_t creator_pc, int64_t creator_id);

// The record of the calling goroutine from the given stack (used by the panic
// and signal reporters, which capture their own pcs).
GoroutineRecord CurrentGoroutineRecord(const uintptr_t* pcs, int n);

// All goroutines except `except` (0: none), formatted, blocks separated by
// blank lines (each block ends with "\n", joined by "\n").
std::string FormatAllGoroutines(int64_t except_id);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_DUMP_H_
