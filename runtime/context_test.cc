// Copyright 2026 The gotest Authors.
//
// go::context, after Go's context/context_test.go: Background, cancellation
// and its propagation to children (not to parents), deadlines and timeouts
// with Go's error strings, values, WithoutCancel, AfterFunc and causes.

#include "runtime/context.h"

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/sync.h"
#include "runtime/time.h"

namespace go {
namespace {

template <class F>
void RunG(F&& f) {
  runtime::Run([&] { f(); });
}

bool IsDone(const context::Context& c) {
  return Select(OnRecv(c.Done()), OnDefault()) == 0;
}

TEST(ContextTest, Background) {
  context::Context bg = context::Background();
  EXPECT_TRUE(bg.Done().IsNil());
  EXPECT_TRUE(bg.Err().ok());
  EXPECT_FALSE(bg.Deadline().has_value());
  EXPECT_FALSE(bg.Value(&bg).has_value());
  EXPECT_TRUE(context::TODO().Done().IsNil());
  EXPECT_TRUE(context::Context().Err().ok());
}

TEST(ContextTest, CancelPropagatesDownNotUp) {
  RunG([] {
    auto [parent, cancel_parent] = context::WithCancel(context::Background());
    auto [child, cancel_child] = context::WithCancel(parent);
    context::Context vchild = context::WithValue(child, &parent, 1);
    auto [grandchild, cancel_gc] = context::WithCancel(vchild);
    auto [sibling, cancel_sibling] = context::WithCancel(parent);
    EXPECT_FALSE(IsDone(parent));
    EXPECT_TRUE(child.Err().ok());
    cancel_child();
    EXPECT_TRUE(IsDone(child));
    EXPECT_TRUE(IsDone(grandchild));
    EXPECT_EQ(grandchild.Err(), absl::CancelledError("context canceled"));
    EXPECT_EQ(child.Err().message(), "context canceled");
    EXPECT_FALSE(IsDone(parent)) << "child's cancel reached the parent";
    EXPECT_FALSE(IsDone(sibling));
    // Goroutines waiting on Done wake at cancel.
    sync::WaitGroup wg;
    std::atomic<int> woke{0};
    for (int i = 0; i < 10; i++) {
      wg.Go([&, s = sibling] {
        s.Done().Recv();
        woke++;
      });
    }
    time::Sleep(absl::Milliseconds(2));
    EXPECT_EQ(woke.load(), 0);
    cancel_parent();
    wg.Wait();
    EXPECT_EQ(woke.load(), 10);
    EXPECT_EQ(sibling.Err().code(), absl::StatusCode::kCancelled);
    cancel_parent();  // idempotent
    cancel_gc();
    cancel_sibling();
    // A child of a canceled parent is canceled at birth.
    auto [late, cancel_late] = context::WithCancel(parent);
    EXPECT_TRUE(IsDone(late));
    cancel_late();
  });
}

TEST(ContextTest, TimeoutAndDeadline) {
  RunG([] {
    absl::Time t0 = absl::Now();
    auto [ctx, cancel] =
        context::WithTimeout(context::Background(), absl::Milliseconds(20));
    ASSERT_TRUE(ctx.Deadline().has_value());
    EXPECT_GE(*ctx.Deadline(), t0 + absl::Milliseconds(20));
    EXPECT_TRUE(ctx.Err().ok());
    ctx.Done().Recv();
    EXPECT_GE(absl::Now() - t0, absl::Milliseconds(19));
    EXPECT_EQ(ctx.Err(),
              absl::DeadlineExceededError("context deadline exceeded"));
    cancel();
    EXPECT_EQ(ctx.Err().code(), absl::StatusCode::kDeadlineExceeded);

    // A deadline in the past: done at once.
    auto [past, cancel_past] =
        context::WithDeadline(context::Background(), absl::Now());
    EXPECT_TRUE(IsDone(past));
    EXPECT_EQ(past.Err().message(), "context deadline exceeded");
    cancel_past();

    // A later child deadline keeps the parent's sooner one.
    auto [p, cp] =
        context::WithTimeout(context::Background(), absl::Milliseconds(10));
    auto [c, cc] = context::WithTimeout(p, absl::Hours(1));
    EXPECT_EQ(*c.Deadline(), *p.Deadline());
    c.Done().Recv();
    EXPECT_EQ(c.Err().code(), absl::StatusCode::kDeadlineExceeded);
    cc();
    cp();

    // Canceled before the deadline: Canceled, and the timer is stopped.
    auto [q, cq] = context::WithTimeout(context::Background(), absl::Hours(1));
    cq();
    EXPECT_EQ(q.Err().code(), absl::StatusCode::kCancelled);
  });
}

TEST(ContextTest, Values) {
  static const int kKey1 = 0, kKey2 = 0;
  context::Context c1 =
      context::WithValue(context::Background(), &kKey1, std::string("one"));
  context::Context c2 = context::WithValue(c1, &kKey2, 2);
  auto [c3, cancel] = context::WithCancel(c2);
  context::Context c4 = context::WithValue(c3, &kKey1, std::string("shadow"));
  EXPECT_EQ(std::any_cast<std::string>(c2.Value(&kKey1)), "one");
  EXPECT_EQ(std::any_cast<int>(c3.Value(&kKey2)), 2);
  EXPECT_EQ(std::any_cast<std::string>(c4.Value(&kKey1)), "shadow");
  EXPECT_FALSE(c1.Value(&kKey2).has_value());
  context::Context wc = context::WithoutCancel(c3);
  cancel();
  EXPECT_TRUE(c4.Err().code() == absl::StatusCode::kCancelled);
  EXPECT_TRUE(wc.Err().ok());
  EXPECT_TRUE(wc.Done().IsNil());
  EXPECT_EQ(std::any_cast<int>(wc.Value(&kKey2)), 2);
}

TEST(ContextTest, AfterFuncAndCause) {
  RunG([] {
    auto [ctx, cancel] = context::WithCancel(context::Background());
    Chan<int> ran = MakeChan<int>(1);
    auto stop = context::AfterFunc(ctx, [ran] { ran.Send(1); });
    std::atomic<bool> ran2{false};
    auto stop2 = context::AfterFunc(ctx, [&] { ran2 = true; });
    EXPECT_TRUE(stop2());
    EXPECT_FALSE(stop2());
    cancel();
    EXPECT_EQ(ran.Recv(), 1);
    EXPECT_FALSE(stop());
    time::Sleep(absl::Milliseconds(2));
    EXPECT_FALSE(ran2.load());

    auto [cc, cancel_cause] = context::WithCancelCause(context::Background());
    cancel_cause(absl::UnavailableError("backend down"));
    EXPECT_EQ(cc.Err().code(), absl::StatusCode::kCancelled);
    EXPECT_EQ(context::Cause(cc), absl::UnavailableError("backend down"));
    auto [plain, cp] = context::WithCancel(context::Background());
    cp();
    EXPECT_EQ(context::Cause(plain).message(), "context canceled");
  });
}

TEST(ContextTest, ManyGoroutinesCancelTree) {
  RunG([] {
    auto [root, cancel] = context::WithCancel(context::Background());
    sync::WaitGroup wg;
    std::atomic<int> done{0};
    for (int i = 0; i < 100; i++) {
      wg.Go([&, root = root] {
        auto [c, cc] = context::WithTimeout(root, absl::Hours(1));
        auto [d, cd] = context::WithCancel(c);
        Select(OnRecv(d.Done()), OnRecv(time::After(absl::Seconds(30))));
        if (d.Err().code() == absl::StatusCode::kCancelled) done++;
        cd();
        cc();
      });
    }
    time::Sleep(absl::Milliseconds(5));
    cancel();
    wg.Wait();
    EXPECT_EQ(done.load(), 100);
  });
}

}  // namespace
}  // namespace go
