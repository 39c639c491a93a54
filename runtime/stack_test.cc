// Copyright 2026 The gotest Authors.
//
// Goroutine stacks: layout, guard page, bounds, size, and reuse of dead Gs'
// stacks through the free lists.

#include "runtime/stack.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

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
  int old = GOMAXPROCS(1);
  G* first = nullptr;
  G* second = nullptr;
  int64_t id1 = 0, id2 = 0;
  go::runtime::Run([&] {
    TestWaitGroup wg(1);
    go::Go([&] {
      first = getg();
      id1 = go::runtime::GoID();
      wg.Done();
    });
    wg.Wait();
    while (go::runtime::NumGoroutine() > 1) go::runtime::Gosched();
    TestWaitGroup wg2(1);
    go::Go([&] {
      second = getg();
      id2 = go::runtime::GoID();
      wg2.Done();
    });
    wg2.Wait();
  });
  GOMAXPROCS(old);
  EXPECT_EQ(first, second);  // same G, same stack
  EXPECT_NE(id1, id2);       // a new goroutine
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
