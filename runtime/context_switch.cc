// Copyright 2026 The gotest Authors.

#include "runtime/context_switch.h"

#include <cstdint>

namespace go::runtime::internal {

#if defined(__x86_64__)
// Frame: r15 r14 r13 r12 rbx rbp pc.
namespace {
constexpr int kSlots = 7;
constexpr int kR13 = 2, kR12 = 3, kRbp = 5, kPc = 6;
}  // namespace

void* MakeContext(void* top, ContextEntry entry, void* arg) {
  uintptr_t t = reinterpret_cast<uintptr_t>(top) & ~uintptr_t{15};
  // After the 7 pops rsp must be 16-byte aligned (the trampoline then `call`s).
  uintptr_t* sp = reinterpret_cast<uintptr_t*>(t) - kSlots;
  for (int i = 0; i < kSlots; i++) sp[i] = 0;
  sp[kR12] = reinterpret_cast<uintptr_t>(entry);
  sp[kR13] = reinterpret_cast<uintptr_t>(arg);
  sp[kRbp] = 0;
  sp[kPc] = reinterpret_cast<uintptr_t>(&go_ctx_trampoline);
  return sp;
}

uintptr_t SavedPC(const void* sp) {
  return static_cast<const uintptr_t*>(sp)[kPc];
}
uintptr_t SavedFramePointer(const void* sp) {
  return static_cast<const uintptr_t*>(sp)[kRbp];
}

#elif defined(__aarch64__)
// Frame: x19..x28 (10), d8..d15 (8), x29, x30.
namespace {
constexpr int kSlots = 20;
constexpr int kX19 = 0, kX20 = 1, kX29 = 18, kX30 = 19;
}  // namespace

void* MakeContext(void* top, ContextEntry entry, void* arg) {
  uintptr_t t = reinterpret_cast<uintptr_t>(top) & ~uintptr_t{15};
  uintptr_t* sp = reinterpret_cast<uintptr_t*>(t) - kSlots;
  for (int i = 0; i < kSlots; i++) sp[i] = 0;
  sp[kX19] = reinterpret_cast<uintptr_t>(entry);
  sp[kX20] = reinterpret_cast<uintptr_t>(arg);
  sp[kX29] = 0;
  sp[kX30] = reinterpret_cast<uintptr_t>(&go_ctx_trampoline);
  return sp;
}

uintptr_t SavedPC(const void* sp) {
  return static_cast<const uintptr_t*>(sp)[kX30];
}
uintptr_t SavedFramePointer(const void* sp) {
  return static_cast<const uintptr_t*>(sp)[kX29];
}

#else
#error "gotest's runtime supports x86-64 and AArch64"
#endif

}  // namespace go::runtime::internal
