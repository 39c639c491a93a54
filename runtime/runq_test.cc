// Copyright 2026 The gotest Authors.
//
// The lock-free per-P run queue: order, runnext, overflow to the global queue
// in half batches, stealing half, and concurrent stealing that never loses or
// duplicates a G.

#include "runtime/runq.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/runtime2.h"

namespace go::runtime::internal {
namespace {

std::vector<std::unique_ptr<G>> MakeGs(int n) {
  std::vector<std::unique_ptr<G>> gs;
  for (int i = 0; i < n; i++) {
    gs.push_back(std::make_unique<G>());
    gs.back()->goid = i;
  }
  return gs;
}

G* TakeGlobal() {
  std::lock_guard<Lock> l(sched().lock);
  return globrunqpop();
}

TEST(RunqTest, FifoOrder) {
  P p;
  auto gs = MakeGs(10);
  for (auto& g : gs) runqput(&p, g.get(), false);
  EXPECT_EQ(runqlen(&p), 10u);
  bool inherit = true;
  for (int i = 0; i < 10; i++) {
    G* g = runqget(&p, &inherit);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->goid, i);
    EXPECT_FALSE(inherit);
  }
  EXPECT_EQ(runqget(&p, &inherit), nullptr);
  EXPECT_TRUE(runqempty(&p));
}

TEST(RunqTest, RunnextRunsFirstAndKicksOldToTail) {
  P p;
  auto gs = MakeGs(5);
  runqput(&p, gs[0].get(), false);
  runqput(&p, gs[1].get(), false);
  runqput(&p, gs[2].get(), true);
  runqput(&p, gs[3].get(), true);  // gs[2] goes to the tail
  bool inherit = false;
  std::vector<int64_t> order;
  std::vector<bool> inherits;
  while (G* g = runqget(&p, &inherit)) {
    order.push_back(g->goid);
    inherits.push_back(inherit);
  }
  EXPECT_EQ(order, (std::vector<int64_t>{3, 0, 1, 2}));
  EXPECT_EQ(inherits, (std::vector<bool>{true, false, false, false}));
}

TEST(RunqTest, OverflowMovesHalfToGlobal) {
  P p;
  auto gs = MakeGs(kRunqSize + 1);
  for (auto& g : gs) runqput(&p, g.get(), false);
  // 256 fit; the 257th moves 128 of them plus itself to the global queue.
  EXPECT_EQ(runqlen(&p), static_cast<uint32_t>(kRunqSize / 2));
  EXPECT_EQ(sched().runqsize.load(), kRunqSize / 2 + 1);
  std::vector<int> seen(gs.size());
  bool inherit;
  while (G* g = runqget(&p, &inherit)) seen[g->goid]++;
  while (G* g = TakeGlobal()) seen[g->goid]++;
  for (size_t i = 0; i < seen.size(); i++) EXPECT_EQ(seen[i], 1) << i;
}

TEST(RunqTest, GlobalBatchGet) {
  P p;
  auto gs = MakeGs(20);
  {
    std::lock_guard<Lock> l(sched().lock);
    for (auto& g : gs) globrunqput(g.get());
    sched().gomaxprocs.store(2);
    // A fair share: 20/2 + 1 = 11, one returned, ten into the local ring.
    G* first = globrunqget(&p, 0);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->goid, 0);
  }
  EXPECT_EQ(runqlen(&p), 10u);
  EXPECT_EQ(sched().runqsize.load(), 9);
  bool inherit;
  while (runqget(&p, &inherit) != nullptr) {
  }
  while (TakeGlobal() != nullptr) {
  }
}

TEST(RunqTest, StealTakesHalf) {
  P victim, thief;
  auto gs = MakeGs(10);
  for (auto& g : gs) runqput(&victim, g.get(), false);
  G* got = runqsteal(&thief, &victim, false);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(runqlen(&victim), 5u);
  EXPECT_EQ(runqlen(&thief), 4u);  // plus the one returned
  // runnext is taken only when asked and the ring is empty.
  P v2, t2;
  auto one = MakeGs(1);
  runqput(&v2, one[0].get(), true);
  EXPECT_EQ(runqsteal(&t2, &v2, false), nullptr);
  EXPECT_EQ(runqsteal(&t2, &v2, true), one[0].get());
  EXPECT_TRUE(runqempty(&v2));
}

TEST(RunqTest, ConcurrentStealNeverLosesOrDuplicates) {
  constexpr int kN = 200000;
  constexpr int kThieves = 3;
  auto gs = MakeGs(kN);
  std::vector<std::atomic<int>> seen(kN);
  P owner;
  std::vector<std::unique_ptr<P>> thief_ps;
  for (int i = 0; i < kThieves; i++) thief_ps.push_back(std::make_unique<P>());
  std::atomic<bool> done{false};
  std::vector<std::thread> thieves;
  for (int t = 0; t < kThieves; t++) {
    thieves.emplace_back([&, t] {
      P* mine = thief_ps[t].get();
      bool inherit;
      for (;;) {
        bool finished = done.load();
        G* g = runqsteal(mine, &owner, t == 0);
        if (g != nullptr) {
          seen[g->goid]++;
          while (G* more = runqget(mine, &inherit)) seen[more->goid]++;
        } else if (finished) {
          break;
        }
      }
    });
  }
  bool inherit;
  for (int i = 0; i < kN; i++) {
    runqput(&owner, gs[i].get(), i % 7 == 0);
    if (i % 3 == 0) {
      if (G* g = runqget(&owner, &inherit)) seen[g->goid]++;
    }
  }
  while (G* g = runqget(&owner, &inherit)) seen[g->goid]++;
  done = true;
  for (auto& t : thieves) t.join();
  while (G* g = TakeGlobal()) seen[g->goid]++;
  int bad = 0;
  for (int i = 0; i < kN; i++) {
    if (seen[i].load() != 1) bad++;
  }
  EXPECT_EQ(bad, 0);
}

}  // namespace
}  // namespace go::runtime::internal
