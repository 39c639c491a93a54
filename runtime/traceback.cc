#include "runtime/traceback.h"

#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/symtab.h"

namespace go::runtime::internal {
namespace {

// The frame record that `push %rbp; mov %rsp, %rbp` (x86-64) or
// `stp x29, x30, [sp, #-N]!; mov x29, sp` (AArch64) leaves at fp: the
// caller's frame pointer, then the return address.
struct FrameRecord {
  uintptr_t next_fp;
  uintptr_t return_address;
};

// The frame-pointer walk shared by UnwindFramePointers and CaptureStack.
// Writes at most max return addresses found above fp, after discarding the
// first `skip`. Reads only memory inside [lo, hi). Instrumentation is off:
// the CPU profiler calls this from a signal handler on another goroutine's
// frames, which sanitizers have no business checking.
__attribute__((no_sanitize_address, no_sanitize_thread)) int WalkFrames(
    uintptr_t fp, uintptr_t lo, uintptr_t hi, int skip, uintptr_t* pcs,
    int max) {
  int n = 0;
  while (n < max && fp != 0) {
    if (fp % alignof(FrameRecord) != 0 || fp < lo ||
        hi - lo < sizeof(FrameRecord) || fp > hi - sizeof(FrameRecord)) {
      break;
    }
    const FrameRecord* frame = reinterpret_cast<const FrameRecord*>(fp);
    const uintptr_t ret = frame->return_address;
    const uintptr_t next = frame->next_fp;
    if (ret == 0) break;
    if (skip > 0) {
      skip--;
    } else {
      pcs[n++] = ret;
    }
    // The entry frame of a goroutine (and of a thread, by glibc's
    // convention) has a zero frame pointer above it.
    if (next == 0 || next <= fp) break;
    fp = next;
  }
  return n;
}

struct ThreadStack {
  bool known = false;
  uintptr_t lo = 0;
  uintptr_t hi = 0;
};

// The calling thread's stack, from pthread_getattr_np (which for the main
// thread parses /proc/self/maps, hence the cache).
const ThreadStack& CurrentThreadStack() {
  static thread_local ThreadStack stack;
  if (!stack.known) {
    stack.known = true;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        stack.lo = reinterpret_cast<uintptr_t>(addr);
        stack.hi = stack.lo + size;
      }
      pthread_attr_destroy(&attr);
    }
  }
  return stack;
}

// Captures from the frame `fp` of a public CaptureStack: its record holds the
// return address into CaptureStack's caller, which becomes pcs[0] (minus one,
// so pcs[0] is an address inside the call instruction).
inline __attribute__((always_inline)) int CaptureFrom(uintptr_t fp,
                                                      uintptr_t* pcs, int max,
                                                      int skip, uintptr_t lo,
                                                      uintptr_t hi) {
  if (max <= 0) return 0;
  const int n = WalkFrames(fp, lo, hi, skip < 0 ? 0 : skip, pcs, max);
  if (n > 0) pcs[0] -= 1;
  return n;
}

void AppendHex(std::string* out, uintptr_t v) {
  char buf[2 + 2 * sizeof(v) + 1];
  std::snprintf(buf, sizeof(buf), "0x%jx", static_cast<uintmax_t>(v));
  out->append(buf);
}

}  // namespace

__attribute__((no_sanitize_address, no_sanitize_thread)) int
UnwindFramePointers(uintptr_t pc, uintptr_t fp, uintptr_t stack_lo,
                    uintptr_t stack_hi, uintptr_t* pcs, int max) {
  if (max <= 0) return 0;
  pcs[0] = pc;
  return 1 + WalkFrames(fp, stack_lo, stack_hi, 0, pcs + 1, max - 1);
}

__attribute__((noinline)) int CaptureStack(uintptr_t* pcs, int max, int skip,
                                           uintptr_t stack_lo,
                                           uintptr_t stack_hi) {
  const uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  // Not a tail call, which would reuse the frame.
  return KeepCallerFrame(CaptureFrom(fp, pcs, max, skip, stack_lo, stack_hi));
}

__attribute__((noinline)) int CaptureStack(uintptr_t* pcs, int max, int skip) {
  const uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const ThreadStack& stack = CurrentThreadStack();
  return KeepCallerFrame(CaptureFrom(fp, pcs, max, skip, stack.lo, stack.hi));
}

std::vector<Frame> SymbolizeStack(const uintptr_t* pcs, int n) {
  std::vector<Frame> frames;
  for (int i = 0; i < n; i++) {
    const uintptr_t pc = i == 0 ? pcs[0] : pcs[i] - 1;
    if (const std::vector<Frame>* cached = SymbolizeCached(pc)) {
      frames.insert(frames.end(), cached->begin(), cached->end());
    } else {
      std::vector<Frame> fresh = Symbolize(pc);
      frames.insert(frames.end(), fresh.begin(), fresh.end());
    }
  }
  return frames;
}

void AppendTraceback(std::string* out, const uintptr_t* pcs, int n) {
  for (int i = 0; i < n; i++) {
    // Go: the line is the call's (pc-1 for return addresses), the offset is
    // that of the unadjusted pc.
    const uintptr_t pc = pcs[i];
    const uintptr_t lookup = i == 0 ? pc : pc - 1;
    std::vector<Frame> fallback;
    const std::vector<Frame>* frames = SymbolizeCached(lookup);
    if (frames == nullptr) {
      fallback = Symbolize(lookup);
      frames = &fallback;
    }
    for (const Frame& f : *frames) {
      if (f.function.empty()) {
        out->append("?()\n\t");
      } else {
        out->append(f.short_function);
        out->append("(...)\n\t");
      }
      if (f.file.empty()) {
        out->append("?:0");  // what Go's funcline reports when it knows nothing
      } else {
        out->append(f.file);
        out->push_back(':');
        out->append(std::to_string(f.line));
      }
      if (f.function.empty()) {
        // No function, so no entry to count an offset from.
        out->append(" pc=");
        AppendHex(out, pc);
      } else if (!f.inlined && f.entry != 0 && pc > f.entry) {
        out->append(" +");
        AppendHex(out, pc - f.entry);
      }
      // Without a source position, the object file is the best hint.
      if (f.file.empty() && !f.module.empty()) {
        out->append(" [");
        out->append(f.module);
        out->push_back(']');
      }
      out->push_back('\n');
    }
  }
}

}  // namespace go::runtime::internal
