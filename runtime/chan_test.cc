// Copyright 2026 The gotest Authors.
//
// Channels and select, after Go's runtime/chan_test.go and select tests:
// blocking and non-blocking semantics for unbuffered and buffered channels,
// closed and nil channels, FIFO delivery, many senders and receivers, Go's
// panics, move-only elements, plain threads, and select's fairness (a
// chi-squared test over 10^5 selects) and lock ordering.

#include "runtime/chan.h"

#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/dump.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/sync.h"
#include "runtime/time.h"

namespace go {
namespace {

using runtime::Panic;

template <class F>
void RunG(F&& f) {
  runtime::Run([&] { f(); });
}

std::string PanicMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const Panic& p) {
    return p.what();
  }
  return "<no panic>";
}

// Lets other goroutines run for a while (they would have unblocked by now).
void Settle() {
  for (int i = 0; i < 20; i++) runtime::Gosched();
  time::Sleep(absl::Milliseconds(5));
}

// Waits until goroutine id is parked receiving from a channel (Settle's fixed
// time is not enough for that on a loaded machine).
void WaitUntilReceiving(int64_t id) {
  for (int i = 0; i < 30000; i++) {
    for (const auto& r : runtime::internal::ListGoroutines()) {
      if (r.id == id && r.wait_reason == "chan receive") return;
    }
    time::Sleep(absl::Milliseconds(1));
  }
  ADD_FAILURE() << "goroutine " << id << " never blocked receiving";
}

TEST(ChanTest, BlockingAndNonBlocking) {
  RunG([] {
    for (int cap : {0, 1, 2, 10, 100}) {
      // (No SCOPED_TRACE: gtest keeps it per OS thread, goroutines migrate.)
      Chan<int> c = MakeChan<int>(cap);
      EXPECT_EQ(c.Cap(), cap);
      EXPECT_EQ(c.Len(), 0);
      // Receive from an empty channel blocks until a send.
      std::atomic<bool> recv{false};
      sync::WaitGroup wg;
      wg.Go([&] {
        EXPECT_EQ(c.Recv(), 1);
        recv = true;
      });
      Settle();
      EXPECT_FALSE(recv.load()) << "receive from empty chan";
      c.Send(1);
      wg.Wait();
      EXPECT_TRUE(recv.load());
      // Non-blocking receive from an empty channel fails.
      EXPECT_FALSE(c.TryRecv().has_value());
      // Send to a full channel blocks.
      for (int i = 0; i < cap; i++) c.Send(i);
      EXPECT_EQ(c.Len(), cap);
      std::atomic<bool> sent{false};
      wg.Go([&] {
        c.Send(0);
        sent = true;
      });
      Settle();
      EXPECT_FALSE(sent.load()) << "send to full chan";
      EXPECT_FALSE(c.TrySend(7));
      c.Recv();
      wg.Wait();
      EXPECT_TRUE(sent.load());
      for (int i = 0; i < cap; i++) c.Recv();
      EXPECT_EQ(c.Len(), 0);
      // Close unblocks a receiver with "not ok"; buffered values drain first.
      if (cap > 0) c.Send(5);
      c.Close();
      if (cap > 0) {
        EXPECT_EQ(c.Recv(), 5);
      }
      for (int i = 0; i < 3; i++) EXPECT_EQ(c.Recv(), std::nullopt);
      std::optional<std::optional<int>> r = c.TryRecv();
      ASSERT_TRUE(r.has_value());
      EXPECT_FALSE(r->has_value());
    }
  });
}

TEST(ChanTest, CloseUnblocksWaitingReceivers) {
  RunG([] {
    for (int cap : {0, 3}) {
      Chan<int> c = MakeChan<int>(cap);
      sync::WaitGroup wg;
      std::atomic<int> closed{0};
      for (int i = 0; i < 10; i++) {
        wg.Go([&] {
          if (!c.Recv().has_value()) closed++;
        });
      }
      Settle();
      c.Close();
      wg.Wait();
      EXPECT_EQ(closed.load(), 10);
    }
  });
}

TEST(ChanTest, FifoAndNoCorruption) {
  RunG([] {
    for (int cap : {0, 1, 10, 100}) {
      // One sender: FIFO order.
      Chan<int> c = MakeChan<int>(cap);
      go::Go([c] {
        for (int i = 0; i < 100; i++) c.Send(i);
      });
      for (int i = 0; i < 100; i++) EXPECT_EQ(c.Recv(), i);
      // 4 senders x 4 receivers: everything sent is received exactly once.
      constexpr int kN = 1000;
      Chan<int> d = MakeChan<int>(cap);
      Chan<std::vector<int>> res = MakeChan<std::vector<int>>();
      for (int p = 0; p < 4; p++) {
        go::Go([d] {
          for (int i = 0; i < kN; i++) d.Send(i);
        });
      }
      for (int p = 0; p < 4; p++) {
        go::Go([d, res] {
          std::vector<int> seen(kN);
          for (int i = 0; i < kN; i++) seen[*d.Recv()]++;
          res.Send(seen);
        });
      }
      std::vector<int> total(kN);
      for (int p = 0; p < 4; p++) {
        std::vector<int> s = *res.Recv();
        for (int i = 0; i < kN; i++) total[i] += s[i];
      }
      for (int i = 0; i < kN; i++) ASSERT_EQ(total[i], 4) << i;
    }
  });
}

TEST(ChanTest, ReceiversAreFifo) {
  RunG([] {
    Chan<int> c = MakeChan<int>();
    Chan<int> order = MakeChan<int>(10);
    // Earlier tests' goroutines still exiting would race with the goroutine
    // listing (goexit0 clears lockedm, which the dump reads): let them go.
    for (int i = 0; i < 30000 && runtime::NumGoroutine() > 1; i++) {
      time::Sleep(absl::Milliseconds(1));
    }
    Chan<int64_t> ids = MakeChan<int64_t>(1);
    for (int i = 0; i < 5; i++) {
      go::Go([c, order, ids, i] {
        ids.Send(runtime::GoID());
        c.Recv();
        order.Send(i);
      });
      // The i-th receiver is queued before the next starts.
      WaitUntilReceiving(*ids.Recv());
    }
    for (int i = 0; i < 5; i++) {
      c.Send(0);
      EXPECT_EQ(order.Recv(), i);
    }
  });
}

TEST(ChanTest, RangeUntilClosed) {
  RunG([] {
    Chan<int> c = MakeChan<int>(4);
    go::Go([c] {
      for (int i = 0; i < 10; i++) c.Send(i);
      c.Close();
    });
    int want = 0;
    for (int v : c) EXPECT_EQ(v, want++);
    EXPECT_EQ(want, 10);
  });
}

TEST(ChanTest, MoveOnlyElements) {
  RunG([] {
    for (int cap : {0, 2}) {
      Chan<std::unique_ptr<std::string>> c =
          MakeChan<std::unique_ptr<std::string>>(cap);
      go::Go([c] {
        for (int i = 0; i < 5; i++) {
          c.Send(std::make_unique<std::string>(std::to_string(i)));
        }
        c.Close();
      });
      int i = 0;
      for (std::unique_ptr<std::string>& p : c) {
        EXPECT_EQ(*p, std::to_string(i++));
      }
      EXPECT_EQ(i, 5);
    }
    // Values left in a buffer are destroyed with the channel.
    auto live = std::make_shared<int>(1);
    {
      Chan<std::shared_ptr<int>> c = MakeChan<std::shared_ptr<int>>(3);
      c.Send(live);
      c.Send(live);
      EXPECT_EQ(live.use_count(), 3);
    }
    EXPECT_EQ(live.use_count(), 1);
  });
}

TEST(ChanTest, ReferenceSemanticsAndNil) {
  Chan<int> nil;
  EXPECT_TRUE(nil.IsNil());
  EXPECT_TRUE(nil == nullptr);
  EXPECT_EQ(nil.Len(), 0);
  EXPECT_EQ(nil.Cap(), 0);
  EXPECT_FALSE(nil.TrySend(1));
  EXPECT_FALSE(nil.TryRecv().has_value());
  Chan<int> a = MakeChan<int>(1);
  Chan<int> b = a;
  EXPECT_TRUE(a == b);
  a.Send(3);
  EXPECT_EQ(b.Len(), 1);
  EXPECT_EQ(b.Recv(), 3);
  EXPECT_FALSE(a == MakeChan<int>(1));
}

TEST(ChanTest, PanicsWithGoMessages) {
  RunG([] {
    Chan<int> c = MakeChan<int>(1);
    c.Close();
    EXPECT_EQ(PanicMessage([&] { c.Send(1); }), "send on closed channel");
    EXPECT_EQ(PanicMessage([&] { c.Close(); }), "close of closed channel");
    EXPECT_EQ(PanicMessage([] { Chan<int>().Close(); }),
              "close of nil channel");
    EXPECT_EQ(PanicMessage([] { MakeChan<int>(-1); }),
              "makechan: size out of range");
    EXPECT_EQ(PanicMessage([&] { c.TrySend(1); }), "send on closed channel");
    // A sender parked on a channel that gets closed panics.
    for (int cap : {0, 1}) {
      Chan<int> d = MakeChan<int>(cap);
      if (cap == 1) d.Send(0);
      Chan<std::string> msg = MakeChan<std::string>(1);
      go::Go([d, msg] { msg.Send(PanicMessage([&] { d.Send(1); })); });
      Settle();
      d.Close();
      EXPECT_EQ(msg.Recv(), "send on closed channel");
    }
    EXPECT_EQ(PanicMessage([&] { Select(OnSend(c, 1), OnDefault()); }),
              "send on closed channel");
  });
}

TEST(ChanTest, PlainThreadsAndGoroutines) {
  // Outside Run (a plain thread the deadlock detector cannot see into): a
  // plain thread sends, a goroutine receives, the test's thread waits.
  Chan<int> c = MakeChan<int>();
  Chan<int64_t> done = MakeChan<int64_t>();
  std::thread t([&] {
    for (int i = 0; i < 1000; i++) c.Send(i);
  });
  go::Go([&] {
    int64_t sum = 0;
    for (int i = 0; i < 1000; i++) sum += *c.Recv();
    done.Send(sum);
  });
  EXPECT_EQ(done.Recv(), 999 * 1000 / 2);
  t.join();
}

TEST(ChanTest, NonblockRecvRace) {
  // Go's TestNonblockRecvRace: a buffered value must be seen by a
  // non-blocking receive racing with close.
  RunG([] {
    for (int i = 0; i < 1000; i++) {
      Chan<int> c = MakeChan<int>(1);
      c.Send(1);
      Chan<bool> done = MakeChan<bool>(1);
      go::Go([c, done] {
        auto r = c.TryRecv();
        done.Send(r.has_value());
      });
      c.Close();
      EXPECT_TRUE(*done.Recv()) << "chan is not ready";
    }
  });
}

// ---- select ----

TEST(SelectTest, DefaultAndNilChannels) {
  RunG([] {
    Chan<int> nil;
    Chan<int> c = MakeChan<int>(1);
    bool dflt = false;
    EXPECT_EQ(Select(OnRecv(nil, [](std::optional<int>) { ADD_FAILURE(); }),
                     OnSend(nil, 1, [] { ADD_FAILURE(); }),
                     OnRecv(c, [](std::optional<int>) { ADD_FAILURE(); }),
                     OnDefault([&] { dflt = true; })),
              3);
    EXPECT_TRUE(dflt);
    // A nil channel is never chosen, even with other cases ready.
    c.Send(9);
    for (int i = 0; i < 100; i++) {
      int got = 0;
      int idx = Select(OnRecv(nil), OnSend(nil, 1),
                       OnRecv(c, [&](std::optional<int> v) { got = *v; }));
      EXPECT_EQ(idx, 2);
      EXPECT_EQ(got, 9);
      c.Send(9);
    }
    // Closed: the receive case is ready with nullopt.
    Chan<int> d = MakeChan<int>();
    d.Close();
    bool closed = false;
    EXPECT_EQ(Select(OnRecv(d, [&](std::optional<int> v) { closed = !v; })), 0);
    EXPECT_TRUE(closed);
    // Only a default.
    EXPECT_EQ(Select(OnDefault()), 0);
  });
}

TEST(SelectTest, BlocksUntilACaseIsReady) {
  RunG([] {
    Chan<int> a = MakeChan<int>();
    Chan<std::string> b = MakeChan<std::string>();
    go::Go([b] {
      time::Sleep(absl::Milliseconds(10));
      b.Send("hi");
    });
    std::string got;
    int idx = Select(
        OnRecv(a, [](std::optional<int>) { ADD_FAILURE(); }),
        OnRecv(b, [&](std::optional<std::string> v) { got = v.value(); }));
    EXPECT_EQ(idx, 1);
    EXPECT_EQ(got, "hi");
    // A blocked select's send case completes when a receiver arrives.
    go::Go([a] { EXPECT_EQ(a.Recv(), 42); });
    bool sent = false;
    EXPECT_EQ(Select(OnSend(a, 42, [&] { sent = true; }), OnRecv(b)), 0);
    EXPECT_TRUE(sent);
  });
}

TEST(SelectTest, SelfSelect) {
  // Go's TestSelfSelect: two goroutines select send and receive on the same
  // channel; they must pair up, never with themselves.
  RunG([] {
    for (int cap : {0, 10}) {
      Chan<int> c = MakeChan<int>(cap);
      sync::WaitGroup wg;
      for (int p = 0; p < 2; p++) {
        wg.Go([c, p, cap] {
          for (int i = 0; i < 1000; i++) {
            if (p == 0 || i % 2 == 0) {
              Select(OnSend(c, p), OnRecv(c, [&](std::optional<int> v) {
                       if (cap == 0 && *v == p) ADD_FAILURE() << "self";
                     }));
            } else {
              Select(OnRecv(c,
                            [&](std::optional<int> v) {
                              if (cap == 0 && *v == p) ADD_FAILURE() << "self";
                            }),
                     OnSend(c, p));
            }
          }
        });
      }
      wg.Wait();
    }
  });
}

TEST(SelectTest, DuplicateChannel) {
  // Go's TestSelectDuplicateChannel: the same channel twice in one select.
  RunG([] {
    Chan<int> c = MakeChan<int>();
    Chan<int> d = MakeChan<int>();
    Chan<int> e = MakeChan<int>();
    go::Go([&] {
      Select(OnRecv(c), OnRecv(c), OnRecv(d));
      e.Send(9);
    });
    time::Sleep(absl::Milliseconds(2));
    go::Go([&] { c.Recv(); });
    time::Sleep(absl::Milliseconds(2));
    d.Send(7);
    e.Recv();
    c.Send(8);
  });
}

TEST(SelectTest, Fairness) {
  // Go's TestSelectFairness, as a chi-squared test: with four cases always
  // ready, each must be chosen a quarter of the time.
  RunG([] {
    constexpr int kTrials = 100000;
    constexpr int kCases = 4;
    std::vector<Chan<int>> cs;
    for (int i = 0; i < kCases; i++) {
      cs.push_back(MakeChan<int>(kTrials));
      for (int k = 0; k < kTrials; k++) cs[i].Send(k);
    }
    int counts[kCases] = {};
    for (int t = 0; t < kTrials; t++) {
      counts[Select(OnRecv(cs[0]), OnRecv(cs[1]), OnRecv(cs[2]),
                    OnRecv(cs[3]))]++;
    }
    double expected = static_cast<double>(kTrials) / kCases;
    double chi2 = 0;
    for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    // 3 degrees of freedom; P(chi2 > 21.11) = 1e-4.
    EXPECT_LT(chi2, 21.11) << counts[0] << " " << counts[1] << " " << counts[2]
                           << " " << counts[3];
    // Send cases too (Go's TestPseudoRandomSend).
    Chan<int> s = MakeChan<int>(kTrials);
    int n[2] = {};
    for (int t = 0; t < 10000; t++) Select(OnSend(s, 0), OnSend(s, 1));
    for (int t = 0; t < 10000; t++) n[*s.Recv()]++;
    EXPECT_GT(n[0], 4000);
    EXPECT_GT(n[1], 4000);
  });
}

TEST(SelectTest, Stress) {
  // Go's TestSelectStress: four senders (two unbuffered, two buffered) into
  // one selecting receiver that disables each channel once it got its share;
  // and the mirror image with a selecting sender. No deadlock, no loss.
  RunG([] {
    constexpr int kN = 5000;
    Chan<int> c[4] = {MakeChan<int>(), MakeChan<int>(), MakeChan<int>(2),
                      MakeChan<int>(3)};
    for (int k = 0; k < 4; k++) {
      go::Go([ch = c[k]] {
        for (int i = 0; i < kN; i++) ch.Send(i);
      });
    }
    Chan<int> rc[4] = {c[0], c[1], c[2], c[3]};
    int cnt[4] = {};
    for (int i = 0; i < 4 * kN; i++) {
      int idx = Select(
          OnRecv(rc[3], [&](std::optional<int> v) { EXPECT_EQ(*v, cnt[3]); }),
          OnRecv(rc[2], [&](std::optional<int> v) { EXPECT_EQ(*v, cnt[2]); }),
          OnRecv(rc[0], [&](std::optional<int> v) { EXPECT_EQ(*v, cnt[0]); }),
          OnRecv(rc[1], [&](std::optional<int> v) { EXPECT_EQ(*v, cnt[1]); }));
      int k = idx == 0 ? 3 : idx == 1 ? 2 : idx == 2 ? 0 : 1;
      if (++cnt[k] == kN) rc[k] = Chan<int>();
    }
    // Selecting sender, four plain receivers.
    Chan<int> d[4] = {MakeChan<int>(), MakeChan<int>(), MakeChan<int>(2),
                      MakeChan<int>(3)};
    sync::WaitGroup wg;
    for (int k = 0; k < 4; k++) {
      wg.Go([ch = d[k]] {
        for (int i = 0; i < kN; i++) EXPECT_EQ(ch.Recv(), i);
      });
    }
    Chan<int> sc[4] = {d[0], d[1], d[2], d[3]};
    int scnt[4] = {};
    for (int i = 0; i < 4 * kN; i++) {
      int k = Select(OnSend(sc[0], scnt[0]), OnSend(sc[1], scnt[1]),
                     OnSend(sc[2], scnt[2]), OnSend(sc[3], scnt[3]));
      if (++scnt[k] == kN) sc[k] = Chan<int>();
    }
    wg.Wait();
  });
}

TEST(SelectTest, ConcurrentSelectsNoDeadlock) {
  // Many goroutines selecting over the same channels in different argument
  // orders: lock ordering by address keeps them from deadlocking.
  RunG([] {
    Chan<int> a = MakeChan<int>(), b = MakeChan<int>(), c = MakeChan<int>();
    sync::WaitGroup wg;
    std::atomic<int> received{0};
    constexpr int kSenders = 8, kPer = 500;
    for (int g = 0; g < kSenders; g++) {
      wg.Go([&, g] {
        for (int i = 0; i < kPer; i++) {
          if (g % 2 == 0) {
            Select(OnSend(a, i), OnSend(b, i), OnSend(c, i));
          } else {
            Select(OnSend(c, i), OnSend(a, i), OnSend(b, i));
          }
        }
      });
    }
    Chan<bool> stop = MakeChan<bool>();
    sync::WaitGroup rg;
    for (int r = 0; r < 4; r++) {
      rg.Go([&] {
        for (;;) {
          bool done = false;
          Select(OnRecv(b, [&](auto) { received++; }),
                 OnRecv(a, [&](auto) { received++; }),
                 OnRecv(stop, [&](auto) { done = true; }),
                 OnRecv(c, [&](auto) { received++; }));
          if (done) return;
        }
      });
    }
    wg.Wait();
    stop.Close();
    rg.Wait();
    EXPECT_EQ(received.load(), kSenders * kPer);
  });
}

TEST(SelectTest, ManyCases) {
  RunG([] {
    std::vector<Chan<int>> cs;
    for (int i = 0; i < 12; i++) cs.push_back(MakeChan<int>());
    go::Go([c = cs[11]] { c.Send(11); });
    int got = -1;
    auto on = [&](int i) {
      return OnRecv(cs[i], [&, i](std::optional<int> v) {
        EXPECT_EQ(*v, i);
        got = i;
      });
    };
    int idx = Select(on(0), on(1), on(2), on(3), on(4), on(5), on(6), on(7),
                     on(8), on(9), on(10), on(11));
    EXPECT_EQ(idx, 11);
    EXPECT_EQ(got, 11);
  });
}

}  // namespace
}  // namespace go
