#include "testing/wait.h"

#include <atomic>

#include "gtest/gtest.h"
#include "runtime/runtime.h"

namespace go::testing::internal {
namespace {

TEST(Mailbox, SendBeforeAndAfterRecv) {
  int got = go::runtime::Run([] {
    Mailbox m;
    m.Send(true);
    bool first = m.Recv();
    go::Go([&m] { m.Send(false); });
    bool second = m.Recv();
    bool third;
    bool any = m.TryRecv(&third);
    return (first ? 1 : 0) + (second ? 10 : 0) + (any ? 100 : 0);
  });
  EXPECT_EQ(got, 1);
}

TEST(Event, WakesAllWaiters) {
  int got = go::runtime::Run([] {
    Event e;
    Mailbox done;
    std::atomic<int> woken{0};
    for (int i = 0; i < 5; i++) {
      go::Go([&] {
        e.Wait();
        woken++;
        done.Send(true);
      });
    }
    go::runtime::Gosched();
    e.Fire();
    for (int i = 0; i < 5; i++) done.Recv();
    e.Wait();  // already fired: returns at once
    return woken.load();
  });
  EXPECT_EQ(got, 5);
}

TEST(Semaphore, LimitsConcurrency) {
  int got = go::runtime::Run([] {
    Semaphore s;
    s.Release();
    s.Release();
    Mailbox done;
    std::atomic<int> inside{0}, max_inside{0};
    for (int i = 0; i < 6; i++) {
      go::Go([&] {
        s.Acquire();
        int now = ++inside;
        int m = max_inside.load();
        while (now > m && !max_inside.compare_exchange_weak(m, now)) {
        }
        for (int j = 0; j < 10; j++) go::runtime::Gosched();
        inside--;
        s.Release();
        done.Send(true);
      });
    }
    for (int i = 0; i < 6; i++) done.Recv();
    return max_inside.load();
  });
  EXPECT_LE(got, 2);
  EXPECT_GE(got, 1);
}

}  // namespace
}  // namespace go::testing::internal
