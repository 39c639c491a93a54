// Copyright 2026 The gotest Authors.

#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/context.h"
#include "runtime/pprof/labels_internal.h"
#include "runtime/pprof/pprof.h"
#include "runtime/runtime.h"

namespace go::pprof {
namespace {

using KV = std::vector<std::pair<std::string, std::string>>;

KV All(const context::Context& ctx) {
  KV kv;
  ForLabels(ctx, [&](std::string_view k, std::string_view v) {
    kv.emplace_back(std::string(k), std::string(v));
    return true;
  });
  return kv;
}

KV Current() {
  const internal::LabelMap* m = internal::CurrentLabels();
  return m == nullptr ? KV{} : *m;
}

TEST(Labels, SortedAndLaterKeyWins) {
  LabelSet s = Labels("zone", "b", "app", "x", "zone", "c");
  EXPECT_EQ(s.list(), (KV{{"app", "x"}, {"zone", "c"}}));
}

TEST(Labels, WithLabelsMergesAndLabelReads) {
  context::Context ctx = context::Background();
  EXPECT_EQ(Label(ctx, "a"), std::nullopt);
  context::Context c1 = WithLabels(ctx, Labels("a", "1", "b", "2"));
  context::Context c2 = WithLabels(c1, Labels("b", "3", "c", "4"));
  EXPECT_EQ(All(c1), (KV{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(All(c2), (KV{{"a", "1"}, {"b", "3"}, {"c", "4"}}));
  EXPECT_EQ(Label(c2, "b"), std::optional<std::string>("3"));
  EXPECT_EQ(Label(c2, "z"), std::nullopt);
  // ForLabels stops when told to.
  int calls = 0;
  ForLabels(c2, [&](std::string_view, std::string_view) {
    calls++;
    return false;
  });
  EXPECT_EQ(calls, 1);
  // Equal sets are one interned object.
  EXPECT_EQ(internal::Intern({{"a", "1"}}), internal::Intern({{"a", "1"}}));
  EXPECT_EQ(internal::Intern({}), nullptr);
}

TEST(Labels, DoSetsThenRestoresContextLabelsOnAGoroutine) {
  int rc = go::runtime::Run([] {
    context::Context base =
        WithLabels(context::Background(), Labels("outer", "1"));
    SetGoroutineLabels(base);
    EXPECT_EQ(Current(), (KV{{"outer", "1"}}));
    Do(base, Labels("inner", "2"), [&](context::Context ctx) {
      EXPECT_EQ(Current(), (KV{{"inner", "2"}, {"outer", "1"}}));
      EXPECT_EQ(Label(ctx, "inner"), std::optional<std::string>("2"));
      // A goroutine started here inherits the labels (Go's newproc1).
      auto ch = go::MakeChan<KV>(1);
      go::Go([ch]() mutable { ch.Send(Current()); });
      EXPECT_EQ(ch.Recv(),
                std::optional<KV>(KV{{"inner", "2"}, {"outer", "1"}}));
    });
    EXPECT_EQ(Current(), (KV{{"outer", "1"}}));
    // Restored also when f throws.
    EXPECT_THROW(Do(context::Background(), Labels("x", "y"),
                    [](context::Context) { throw std::runtime_error("boom"); }),
                 std::runtime_error);
    EXPECT_EQ(Current(), KV{});
    // A goroutine started without labels has none.
    auto ch = go::MakeChan<KV>(1);
    go::Go([ch]() mutable { ch.Send(Current()); });
    EXPECT_EQ(ch.Recv(), std::optional<KV>(KV{}));
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(Labels, PlainThreadsHaveTheirOwn) {
  std::thread t([] {
    Do(context::Background(), Labels("thread", "t1"), [](context::Context) {
      EXPECT_EQ(Current(), (KV{{"thread", "t1"}}));
    });
    EXPECT_EQ(Current(), KV{});
  });
  t.join();
  EXPECT_EQ(Current(), KV{});
}

}  // namespace
}  // namespace go::pprof
