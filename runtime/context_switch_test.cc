// Copyright 2026 The gotest Authors.
//
// The hand-written stack switch on its own, single-threaded (so it also runs
// under qemu-user for AArch64: tests/runtime/aarch64_qemu.sh): ping-pong,
// callee-saved integer and FP registers preserved, the entry trampoline passing
// its argument with a zero frame pointer, and the FP environment reset for a
// new context.

#include "runtime/context_switch.h"

#include <cfenv>
#include <cstdint>
#include <cstring>

#include "gtest/gtest.h"

namespace go::runtime::internal {
namespace {

void* g_main;
void* g_peer;
alignas(64) char g_stack[256 * 1024];

struct PeerState {
  int64_t rounds = 0;
  double facc = 0;
  int64_t iacc = 0;
  uintptr_t entry_fp_saved = 1;
  int round_mode = -1;
  void* arg = nullptr;
};
PeerState g_state;

// Keeps many integer and floating-point values live across each switch, so the
// compiler holds them in callee-saved registers (x19-x28/d8-d15, rbx/r12-r15).
__attribute__((noinline)) void Peer(void* arg) {
  g_state.arg = arg;
  g_state.entry_fp_saved = *static_cast<uintptr_t*>(__builtin_frame_address(0));
  g_state.round_mode = fegetround();
  int64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
  double x = 1.5, y = 2.5, z = 3.5, w = 4.5, u = 5.5, v = 6.5;
  for (;;) {
    go_ctx_switch(&g_peer, g_main, nullptr);
    a += 1;
    b += 2;
    c += 3;
    d += 4;
    e += 5;
    f += 6;
    g += 7;
    h += 8;
    x += 1;
    y += 2;
    z += 3;
    w += 4;
    u += 5;
    v += 6;
    g_state.rounds++;
    g_state.iacc = a + b + c + d + e + f + g + h;
    g_state.facc = x + y + z + w + u + v;
  }
}

TEST(ContextSwitchTest, PingPongPreservesRegisters) {
  g_peer = MakeContext(g_stack + sizeof g_stack, &Peer, &g_state);
  int saved_round = fegetround();
  ASSERT_EQ(fesetround(FE_UPWARD), 0);
  go_ctx_switch(&g_main, g_peer, nullptr);  // runs Peer up to its first switch
  fesetround(saved_round);
  EXPECT_EQ(g_state.arg, &g_state);
  EXPECT_EQ(g_state.entry_fp_saved, 0u) << "entry frame must end the fp chain";
  EXPECT_EQ(g_state.round_mode, FE_TONEAREST) << "new context: default FP env";
  int64_t m1 = 11, m2 = 22, m3 = 33, m4 = 44, m5 = 55, m6 = 66;
  double n1 = 0.25, n2 = 0.5, n3 = 0.75, n4 = 1.25, n5 = 1.75, n6 = 2.25;
  constexpr int kRounds = 100000;
  for (int i = 1; i <= kRounds; i++) {
    go_ctx_switch(&g_main, g_peer, nullptr);
    m1 += 1;
    m2 += 1;
    m3 += 1;
    m4 += 1;
    m5 += 1;
    m6 += 1;
    n1 += 1;
    n2 += 1;
    n3 += 1;
    n4 += 1;
    n5 += 1;
    n6 += 1;
  }
  EXPECT_EQ(g_state.rounds, kRounds);
  int64_t r = kRounds;
  EXPECT_EQ(g_state.iacc, (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) + r * 36);
  EXPECT_DOUBLE_EQ(g_state.facc,
                   (1.5 + 2.5 + 3.5 + 4.5 + 5.5 + 6.5) + r * 21.0);
  EXPECT_EQ(m1 + m2 + m3 + m4 + m5 + m6, 231 + 6 * r);
  EXPECT_DOUBLE_EQ(n1 + n2 + n3 + n4 + n5 + n6, 6.75 + 6.0 * r);
}

TEST(ContextSwitchTest, ReturnsTransferredValue) {
  static void* main_sp;
  static void* peer_sp;
  alignas(64) static char stack[64 * 1024];
  peer_sp = MakeContext(
      stack + sizeof stack,
      [](void*) {
        void* got =
            go_ctx_switch(&peer_sp, main_sp, reinterpret_cast<void*>(1));
        for (;;) {
          got = go_ctx_switch(
              &peer_sp, main_sp,
              reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(got) + 1));
        }
      },
      nullptr);
  EXPECT_EQ(go_ctx_switch(&main_sp, peer_sp, nullptr),
            reinterpret_cast<void*>(1));
  EXPECT_EQ(go_ctx_switch(&main_sp, peer_sp, reinterpret_cast<void*>(41)),
            reinterpret_cast<void*>(42));
}

// go_ctx_switch_ret saves and resumes the same frame as go_ctx_switch: each
// resumes what the other saved, callee-saved state and the argument intact.
TEST(ContextSwitchTest, RetVariantInteroperates) {
  static void* main_sp;
  static void* peer_sp;
  alignas(64) static char stack[64 * 1024];
  peer_sp = MakeContext(
      stack + sizeof stack,
      [](void*) {
        uintptr_t v = 100;
        for (int i = 0;; i++) {
          void* arg = reinterpret_cast<void*>(v + 1);
          void* got = (i % 2 == 0) ? go_ctx_switch_ret(&peer_sp, main_sp, arg)
                                   : go_ctx_switch(&peer_sp, main_sp, arg);
          v = reinterpret_cast<uintptr_t>(got) * 2;
        }
      },
      nullptr);
  uintptr_t keep = 7;  // lives across the switches in a callee-saved register
  uintptr_t expect = 101;
  for (int i = 0; i < 10; i++) {
    void* arg = reinterpret_cast<void*>(uintptr_t(i));
    void* got = (i % 3 == 0) ? go_ctx_switch(&main_sp, peer_sp, arg)
                             : go_ctx_switch_ret(&main_sp, peer_sp, arg);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(got), expect) << i;
    expect = uintptr_t(i + 1) * 2 + 1;
    keep = keep * 3 + 1;
  }
  EXPECT_EQ(keep, 442867u);
}

TEST(ContextSwitchTest, SavedFrameOfSuspendedContext) {
  // A suspended context's saved PC is a return address into its code and its
  // saved frame pointer lies on its own stack.
  uintptr_t pc = SavedPC(g_peer);
  uintptr_t fp = SavedFramePointer(g_peer);
  EXPECT_NE(pc, 0u);
  EXPECT_GT(fp, reinterpret_cast<uintptr_t>(g_stack));
  EXPECT_LT(fp, reinterpret_cast<uintptr_t>(g_stack) + sizeof g_stack);
}

}  // namespace
}  // namespace go::runtime::internal
