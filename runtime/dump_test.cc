// Copyright 2026 The gotest Authors.
//
// Goroutine dumps: Go's format, wait reasons, creators, and the goroutine list
// the harness's leak check uses.

#include "runtime/dump.h"

#include <atomic>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/park.h"
#include "runtime/runtime.h"
#include "runtime/symtab.h"
#include "runtime/testing_util.h"
#include "runtime/traceback.h"

namespace go::runtime {
namespace {

using testing::Gate;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using testing::TestWaitGroup;

__attribute__((noinline)) void ParkedInHelper(Gate* g) {
  g->Wait(internal::WaitReason::kSelect);
  internal::KeepCallerFrame();
}

TEST(DumpTest, ListsParkedGoroutineWithReasonAndCreator) {
  Gate gate;
  TestWaitGroup started(1), done(1);
  std::atomic<int64_t> id{0};
  go::Go([&] {
    id = GoID();
    started.Done();
    ParkedInHelper(&gate);
    done.Done();
  });
  started.Wait();
  while (gate.Waiting() == 0) Gosched();
  std::vector<internal::GoroutineRecord> list = internal::ListGoroutines();
  const internal::GoroutineRecord* rec = nullptr;
  for (const auto& r : list) {
    if (r.id == id.load()) rec = &r;
  }
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->status, "select");
  EXPECT_EQ(rec->wait_reason, "select");
  EXPECT_EQ(rec->creator_id, 0);  // created by this plain thread
  EXPECT_NE(rec->creator_pc, 0u);
  EXPECT_FALSE(rec->pcs.empty());
  std::string text = internal::FormatGoroutine(*rec);
  EXPECT_THAT(text, MatchesRegex("goroutine [0-9]+ \\[select\\]:\n(.|\n)*"));
  EXPECT_THAT(text, HasSubstr("ParkedInHelper(...)\n\t"));
  EXPECT_THAT(text, HasSubstr("dump_test.cc:"));
  EXPECT_THAT(text, HasSubstr("created by "));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("go::runtime::internal::")));
  gate.Open();
  done.Wait();
}

TEST(DumpTest, StackOfCallerAndAll) {
  Gate gate;
  TestWaitGroup ready(1), finished(1);
  std::string mine, all;
  int64_t parked_id = 0;
  go::Go([&] {
    parked_id = GoID();
    ready.Done();
    gate.Wait();
  });
  ready.Wait();
  while (gate.Waiting() == 0) Gosched();
  go::Go([&] {
    mine = Stack(false);
    all = Stack(true);
    finished.Done();
  });
  finished.Wait();
  EXPECT_THAT(mine, MatchesRegex("goroutine [0-9]+ \\[running\\]:\n(.|\n)*"));
  EXPECT_THAT(mine, HasSubstr("dump_test.cc:"));
  EXPECT_THAT(mine, ::testing::Not(HasSubstr("\n\ngoroutine")));
  EXPECT_THAT(all, HasSubstr("\n\ngoroutine " + std::to_string(parked_id) +
                             " [chan receive]:\n"));
  gate.Open();
}

// A goroutine that has not run yet has no frames of its own: it shows its
// function at its entry (the closure's invoker, whose name carries the
// closure's type), as Go shows a new goroutine's function, not an empty stack
// (goroutine profiles would have a sample without a location).
TEST(DumpTest, NotYetStartedGoroutineShowsItsFunction) {
  int old = GOMAXPROCS(1);
  go::runtime::Run([] {
    TestWaitGroup done(1);
    go::Go([&] { done.Done(); });
    // One P, and this goroutine holds it: the new one cannot have started.
    const int64_t me = GoID();
    std::vector<internal::GoroutineRecord> list = internal::ListGoroutines();
    const internal::GoroutineRecord* rec = nullptr;
    for (const auto& r : list) {
      if (r.creator_id == me && r.status == "runnable") rec = &r;
    }
    ASSERT_NE(rec, nullptr);
    ASSERT_EQ(rec->pcs.size(), 1u);
    std::vector<internal::Frame> f = internal::Symbolize(rec->pcs[0]);
    EXPECT_THAT(f[0].function, HasSubstr("InvokeClosure"));
    EXPECT_THAT(f[0].function, HasSubstr("NotYetStartedGoroutine"));
    done.Wait();
  });
  GOMAXPROCS(old);
}

}  // namespace
}  // namespace go::runtime
