// Copyright 2026 The gotest Authors.
//
// Goroutine stacks: layout, guard page, bounds, size, and reuse of dead Gs'
// stacks through the free lists.

#include "runtime/stack.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/park.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/testing_util.h"

namespace go::runtime::internal {
namespace {

using go::runtime::testing::TestWaitGroup;

TEST(StackTest, LayoutAndGuard) {
  G* g = StackAllocG();
  size_t page = PageSize();
  EXPECT_EQ(g->stack_lo % page, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(g), g->stack_hi);
  EXPECT_EQ(g->stack_hi % 64, 0u);
  // The G sits in the top page of the region.
  EXPECT_GE(g->stack_hi - g->stack_lo + sizeof(G) + 64 + 32 * 64, StackSize());
  EXPECT_LE(g->stack_hi - g->stack_lo, StackSize());
  ASSERT_TRUE(g->guarded);
  EXPECT_TRUE(InGuardPage(g, g->stack_lo - 1));
  EXPECT_TRUE(InGuardPage(g, g->stack_lo - page));
  EXPECT_FALSE(InGuardPage(g, g->stack_lo));
  EXPECT_FALSE(InGuardPage(g, g->stack_lo - page - 1));
  // The stack is usable end to end.
  memset(reinterpret_cast<void*>(g->stack_lo), 1, g->stack_hi - g->stack_lo);
  StackStats st = GetStackStats();
  EXPECT_GE(st.guarded, 1);
  EXPECT_GT(st.guard_limit, 0);
  EXPECT_GE(st.reserved_bytes, static_cast<int64_t>(StackSize()));
}

TEST(StackTest, GuardPageFaults) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  G* g = StackAllocG();
  ASSERT_TRUE(g->guarded);
  EXPECT_EXIT(
      {
        *reinterpret_cast<volatile char*>(g->stack_lo - 1) = 1;
        _exit(0);
      },
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
      [](int st) { return WIFEXITED(st) && WEXITSTATUS(st) != 0; },
      "SEGV");  // the sanitizer reports the fault and exits
#else
      ::testing::KilledBySignal(SIGSEGV), "");
#endif
}

TEST(StackTest, StackPointerBounds) {
  G* g = StackAllocG();
  EXPECT_FALSE(StackPointerOutside(g, g->stack_lo));
  EXPECT_FALSE(StackPointerOutside(g, g->stack_hi - 64));
  EXPECT_TRUE(StackPointerOutside(g, g->stack_lo - 8));
  EXPECT_TRUE(StackPointerOutside(g, g->stack_hi + 8));
}

TEST(StackTest, DeadGoroutineStackIsReused) {
  // Goroutines started one after another, each after the previous one is
  // dead, reuse a dead G and its stack. Not necessarily the very last one:
  // if sysmon hands the P to another thread in between, the new goroutine is
  // made from another free list. So: of ten in a row, some must reuse a G
  // seen before, with a new goroutine id each time.
  int old = GOMAXPROCS(1);
  std::vector<G*> gs;
  std::vector<int64_t> ids;
  go::runtime::Run([&] {
    for (int i = 0; i < 10; i++) {
      TestWaitGroup wg(1);
      go::Go([&] {
        gs.push_back(getg());
        ids.push_back(go::runtime::GoID());
        wg.Done();
      });
      wg.Wait();
      while (go::runtime::NumGoroutine() > 1) go::runtime::Gosched();
    }
  });
  GOMAXPROCS(old);
  int reused = 0;
  for (size_t i = 1; i < gs.size(); i++) {
    if (std::find(gs.begin(), gs.begin() + i, gs[i]) != gs.begin() + i) {
      reused++;
    }
  }
  EXPECT_GE(reused, 5) << "dead goroutines' Gs and stacks are not reused";
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());  // new ids
}

// Deep but legal recursion uses most of the stack.
__attribute__((noinline)) int Recurse(int n, volatile char* sink) {
  char buf[1024];
  memset(buf, n, sizeof buf);
  sink[0] = buf[n % sizeof buf];
  if (n == 0) return buf[0];
  return Recurse(n - 1, sink) + buf[1];
}

TEST(StackTest, DeepRecursionWithinLimit) {
  TestWaitGroup wg(1);
  int depth = static_cast<int>(StackSize() / 1024 / 2);
  volatile char sink[1];
  bool finished = false;
  go::Go([&] {
    Recurse(depth, sink);
    finished = true;
    wg.Done();
  });
  wg.Wait();
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace go::runtime::internal
