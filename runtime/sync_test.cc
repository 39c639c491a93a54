// Copyright 2026 The gotest Authors.
//
// go::sync, after Go's sync/mutex_test.go, rwmutex_test.go, waitgroup_test.go,
// once_test.go and cond_test.go: mutual exclusion under contention, Mutex
// starvation mode kicking in, RWMutex writer preference and parallel readers,
// WaitGroup (with Go), Once, Cond Signal/Broadcast, the std lock adaptors, and
// goroutines and plain threads contending on one lock.

#include "runtime/sync.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/panic.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/time.h"

namespace go {
namespace {

template <class F>
void RunG(F&& f) {
  runtime::Run([&] { f(); });
}

TEST(MutexTest, MutualExclusion) {
  // Go's TestMutex: goroutines hammer one mutex; a plain counter stays exact.
  RunG([] {
    sync::Mutex mu;
    int64_t counter = 0;
    sync::WaitGroup wg;
    constexpr int kG = 10, kIters = 2000;
    for (int g = 0; g < kG; g++) {
      wg.Go([&] {
        for (int i = 0; i < kIters; i++) {
          std::lock_guard<sync::Mutex> l(mu);
          counter++;
          if (i % 100 == 0) runtime::Gosched();  // park holders sometimes
        }
      });
    }
    wg.Wait();
    EXPECT_EQ(counter, int64_t{kG} * kIters);
    EXPECT_EQ(mu.StateForTesting(), 0);
  });
}

TEST(MutexTest, TryLock) {
  sync::Mutex mu;
  EXPECT_TRUE(mu.TryLock());
  EXPECT_FALSE(mu.TryLock());
  mu.Unlock();
  std::unique_lock<sync::Mutex> l(mu, std::try_to_lock);
  EXPECT_TRUE(l.owns_lock());
}

TEST(MutexTest, StarvationModeKicksIn) {
  // Go's TestMutexFairness: one goroutine holds the lock almost always,
  // releasing it only to re-take it at once; another must still get it, and
  // it does because waiting over 1 ms switches the mutex to starvation mode,
  // in which Unlock hands the lock to the waiter. On one P the woken waiter
  // can never win the race against the running hog in normal mode, so
  // starvation mode must kick in.
  RunG([] {
    int procs = runtime::GOMAXPROCS(1);
    sync::Mutex mu;
    std::atomic<bool> stop{false};
    std::atomic<bool> saw_starving{false};
    Chan<bool> hog_done = MakeChan<bool>(1);
    go::Go([&] {
      while (!stop.load()) {
        mu.Lock();
        time::Sleep(absl::Microseconds(100));
        if (mu.StateForTesting() & sync::Mutex::kStarving) saw_starving = true;
        mu.Unlock();
      }
      hog_done.Send(true);
    });
    Chan<bool> done = MakeChan<bool>(1);
    go::Go([&] {
      for (int i = 0; i < 10; i++) {
        time::Sleep(absl::Microseconds(100));
        mu.Lock();
        mu.Unlock();
      }
      done.Send(true);
    });
    bool ok = false;
    Select(OnRecv(done, [&](auto) { ok = true; }),
           OnRecv(time::After(absl::Seconds(30))));
    EXPECT_TRUE(ok) << "can't acquire Mutex in 30 seconds";
    EXPECT_TRUE(saw_starving.load()) << "starvation mode never entered";
    stop = true;
    hog_done.Recv();
    runtime::GOMAXPROCS(procs);
  });
}

TEST(MutexTest, GoroutineThatLostItsPYieldsBeforeContending) {
  // On one P two goroutines take turns on a Mutex in loops that never park
  // while the lock is free. Every ~10 ms sysmon gives the running one's P to
  // another thread (others wait), and the loser, which cannot be preempted
  // asynchronously, runs on beside it until a preemption point: two threads
  // running goroutine code at GOMAXPROCS=1, contending for the lock. The
  // Mutex slow paths are such points (as Go's function prologues are): the
  // goroutine without a P yields at its first contended Lock or waking
  // Unlock, so a time slice sees a few contended acquisitions, not the
  // dozens of the ~50 us both threads ran without them (TryLock fails only
  // while the other goroutine's thread holds the lock at that moment).
  RunG([] {
    int procs = runtime::GOMAXPROCS(1);
    sync::Mutex mu;
    std::atomic<bool> stop{false};
    std::atomic<int64_t> contended{0}, ops{0};
    sync::WaitGroup wg;
    for (int g = 0; g < 2; g++) {
      wg.Go([&] {
        int64_t c = 0, n = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          if (!mu.TryLock()) {
            c++;
            mu.Lock();
          }
          mu.Unlock();
          n++;
        }
        contended += c;
        ops += n;
      });
    }
    std::chrono::steady_clock::time_point start =
        std::chrono::steady_clock::now();
    time::Sleep(absl::Milliseconds(300));
    stop = true;
    wg.Wait();
    int64_t slices = (std::chrono::steady_clock::now() - start) /
                     std::chrono::milliseconds(10);
    EXPECT_GT(ops.load(), 100000);
    EXPECT_LE(contended.load(), 4 * slices)
        << ops.load() << " ops in " << slices << " time slices of 10 ms";
    runtime::GOMAXPROCS(procs);
  });
}

TEST(MutexTest, GoroutinesAndPlainThreads) {
  sync::Mutex mu;
  int64_t counter = 0;
  constexpr int kIters = 5000;
  sync::WaitGroup wg;
  for (int g = 0; g < 4; g++) {
    wg.Go([&] {
      for (int i = 0; i < kIters; i++) {
        std::lock_guard<sync::Mutex> l(mu);
        counter++;
      }
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIters; i++) {
        std::lock_guard<sync::Mutex> l(mu);
        counter++;
      }
    });
  }
  for (auto& t : threads) t.join();
  wg.Wait();
  EXPECT_EQ(counter, 6 * kIters);
}

TEST(RWMutexTest, ReadersWritersExclusion) {
  // Go's TestRWMutex: an activity counter checks readers never overlap a
  // writer and writers never overlap anything.
  RunG([] {
    sync::RWMutex rw;
    std::atomic<int32_t> activity{0};
    sync::WaitGroup wg;
    constexpr int kIters = 1000;
    auto reader = [&] {
      for (int i = 0; i < kIters; i++) {
        std::shared_lock<sync::RWMutex> l(rw);
        int32_t n = activity.fetch_add(1) + 1;
        if (n < 1 || n >= 10000) ADD_FAILURE() << "rlock " << n;
        for (int k = 0; k < 10; k++) {
        }
        activity.fetch_sub(1);
      }
    };
    auto writer = [&] {
      for (int i = 0; i < kIters; i++) {
        std::lock_guard<sync::RWMutex> l(rw);
        int32_t n = activity.fetch_add(10000) + 10000;
        if (n != 10000) ADD_FAILURE() << "wlock " << n;
        if (i % 50 == 0) runtime::Gosched();
        activity.fetch_sub(10000);
      }
    };
    for (int i = 0; i < 6; i++) wg.Go(reader);
    for (int i = 0; i < 2; i++) wg.Go(writer);
    wg.Wait();
  });
}

TEST(RWMutexTest, ParallelReaders) {
  // Go's TestParallelReaders: n readers hold the read lock at the same time.
  RunG([] {
    for (int n : {1, 3, 10}) {
      sync::RWMutex rw;
      Chan<bool> clocked = MakeChan<bool>();
      Chan<bool> cunlock = MakeChan<bool>();
      Chan<bool> cdone = MakeChan<bool>();
      for (int i = 0; i < n; i++) {
        go::Go([&] {
          rw.RLock();
          clocked.Send(true);
          cunlock.Recv();
          rw.RUnlock();
          cdone.Send(true);
        });
      }
      for (int i = 0; i < n; i++) clocked.Recv();
      for (int i = 0; i < n; i++) cunlock.Send(true);
      for (int i = 0; i < n; i++) cdone.Recv();
    }
  });
}

TEST(RWMutexTest, WriterPreference) {
  // A pending writer blocks new readers: readers cannot starve it.
  RunG([] {
    sync::RWMutex rw;
    rw.RLock();
    Chan<std::string> events = MakeChan<std::string>(10);
    go::Go([&] {
      rw.Lock();
      events.Send("writer");
      rw.Unlock();
    });
    // Once the writer waits, a new reader is refused. Wait for that rather
    // than sleeping a fixed time: a loaded machine may not run the writer
    // for seconds.
    bool refused = false;
    for (int i = 0; i < 30000 && !refused; i++) {
      refused = !rw.TryRLock();
      if (!refused) {
        rw.RUnlock();
        time::Sleep(absl::Milliseconds(1));
      }
    }
    EXPECT_TRUE(refused) << "new reader overtook a waiting writer";
    go::Go([&] {
      rw.RLock();
      events.Send("reader");
      rw.RUnlock();
    });
    time::Sleep(absl::Milliseconds(5));
    EXPECT_EQ(events.Len(), 0) << "nobody may proceed while a reader holds";
    rw.RUnlock();
    EXPECT_EQ(events.Recv(), "writer");
    EXPECT_EQ(events.Recv(), "reader");
    // A stream of overlapping readers does not keep a writer out.
    std::atomic<bool> stop{false};
    sync::WaitGroup readers;
    for (int i = 0; i < 4; i++) {
      readers.Go([&] {
        while (!stop.load()) {
          rw.RLock();
          time::Sleep(absl::Microseconds(50));
          rw.RUnlock();
        }
      });
    }
    time::Sleep(absl::Milliseconds(2));
    for (int i = 0; i < 20; i++) {
      rw.Lock();
      rw.Unlock();
    }
    stop = true;
    readers.Wait();
  });
}

TEST(RWMutexTest, TryLockAndRLocker) {
  sync::RWMutex rw;
  EXPECT_TRUE(rw.TryLock());
  EXPECT_FALSE(rw.TryRLock());
  EXPECT_FALSE(rw.TryLock());
  rw.Unlock();
  EXPECT_TRUE(rw.TryRLock());
  EXPECT_TRUE(rw.TryRLock());
  EXPECT_FALSE(rw.TryLock());
  rw.RUnlock();
  rw.RUnlock();
  sync::RWMutex::ReadLocker rl = rw.RLocker();
  rl.Lock();
  EXPECT_FALSE(rw.TryLock());
  rl.Unlock();
  EXPECT_TRUE(rw.TryLock());
  rw.Unlock();
}

TEST(WaitGroupTest, Basic) {
  // Go's TestWaitGroup: two groups, each goroutine waits on the first and
  // signals the second.
  RunG([] {
    sync::WaitGroup wg1, wg2;
    constexpr int kN = 16;
    wg1.Add(kN);
    wg2.Add(kN);
    std::atomic<int> exited{0};
    for (int i = 0; i < kN; i++) {
      go::Go([&] {
        wg1.Done();
        wg2.Wait();
        exited++;
      });
    }
    wg1.Wait();
    EXPECT_EQ(exited.load(), 0) << "WaitGroup released group too soon";
    for (int i = 0; i < kN; i++) wg2.Done();
    for (int i = 0; i < 30000 && exited.load() < kN; i++) {
      time::Sleep(absl::Milliseconds(1));
    }
    EXPECT_EQ(exited.load(), kN);
  });
}

TEST(WaitGroupTest, GoAndReuse) {
  RunG([] {
    sync::WaitGroup wg;
    for (int round = 0; round < 50; round++) {
      std::atomic<int> n{0};
      for (int i = 0; i < 20; i++) wg.Go([&] { n++; });
      wg.Wait();
      EXPECT_EQ(n.load(), 20);
    }
    wg.Wait();  // zero: returns at once
  });
}

TEST(WaitGroupTest, NegativeCounterPanics) {
  sync::WaitGroup wg;
  try {
    wg.Add(-1);
    ADD_FAILURE() << "no panic";
  } catch (const runtime::Panic& p) {
    EXPECT_STREQ(p.what(), "sync: negative WaitGroup counter");
  }
  sync::WaitGroup wg2;
  wg2.Add(1);
  wg2.Done();
  try {
    wg2.Done();
    ADD_FAILURE() << "no panic";
  } catch (const runtime::Panic& p) {
    EXPECT_STREQ(p.what(), "sync: negative WaitGroup counter");
  }
}

TEST(OnceTest, RunsOnceAcrossGoroutines) {
  RunG([] {
    sync::Once once;
    std::atomic<int> calls{0};
    sync::WaitGroup wg;
    for (int i = 0; i < 10; i++) {
      wg.Go([&] {
        once.Do([&] {
          time::Sleep(absl::Milliseconds(2));  // others wait for it
          calls++;
        });
        EXPECT_EQ(calls.load(), 1) << "Do returned before f finished";
      });
    }
    wg.Wait();
    EXPECT_EQ(calls.load(), 1);
  });
}

TEST(OnceTest, PanicCountsAsDone) {
  // Go's TestOncePanic: a panicking f is considered done.
  sync::Once once;
  EXPECT_THROW(once.Do([] { throw runtime::Panic("failed"); }), runtime::Panic);
  bool ran = false;
  once.Do([&] { ran = true; });
  EXPECT_FALSE(ran);
}

TEST(CondTest, SignalWakesOneInOrder) {
  // Go's TestCondSignal / TestCondSignalGenerations: each Signal wakes one
  // waiter, the longest waiting first.
  RunG([] {
    sync::Mutex mu;
    sync::Cond c(&mu);
    constexpr int kN = 5;
    Chan<int> running = MakeChan<int>(kN);
    Chan<int> awake = MakeChan<int>(kN);
    // The waiters unlock mu after sending on awake: wait for them before mu
    // leaves scope.
    sync::WaitGroup wg;
    for (int i = 0; i < kN; i++) {
      wg.Go([&, i] {
        mu.Lock();
        running.Send(i);
        c.Wait();
        awake.Send(i);
        mu.Unlock();
      });
      EXPECT_EQ(running.Recv(), i);  // waiter i is queued before i+1
    }
    for (int i = 0; i < kN; i++) {
      EXPECT_EQ(awake.Len(), 0) << "goroutine not asleep";
      mu.Lock();
      c.Signal();
      mu.Unlock();
      EXPECT_EQ(awake.Recv(), i) << "wrong waiter woken";
    }
    c.Signal();  // no waiters: a no-op
    wg.Wait();
  });
}

TEST(CondTest, Broadcast) {
  // Go's TestCondBroadcast: every round, all n waiters wake exactly once.
  RunG([] {
    sync::Mutex mu;
    sync::Cond c(&mu);
    constexpr int kN = 30;
    Chan<int> running = MakeChan<int>(kN);
    Chan<int> awake = MakeChan<int>(kN);
    bool exit = false;
    // The waiters read exit and unlock mu after their last send on awake:
    // wait for them before those leave scope.
    sync::WaitGroup wg;
    for (int i = 0; i < kN; i++) {
      wg.Go([&, i] {
        mu.Lock();
        while (!exit) {
          running.Send(i);
          c.Wait();
          awake.Send(i);
        }
        mu.Unlock();
      });
    }
    for (int round = 0; round < kN; round++) {
      for (int i = 0; i < kN; i++) running.Recv();  // all n are waiting
      if (round == kN - 1) {
        mu.Lock();
        exit = true;
        mu.Unlock();
      }
      EXPECT_EQ(awake.Len(), 0) << "goroutine not asleep";
      mu.Lock();
      c.Broadcast();
      mu.Unlock();
      std::vector<bool> seen(kN);
      for (int i = 0; i < kN; i++) {
        int g = *awake.Recv();
        EXPECT_FALSE(seen[g]) << "goroutine woke up twice";
        seen[g] = true;
      }
    }
    EXPECT_EQ(running.Len(), 0);
    wg.Wait();
  });
}

TEST(CondTest, WithStdMutexAndPlainThread) {
  std::mutex mu;
  sync::Cond c(&mu);
  bool ready = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> l(mu);
    while (!ready) c.Wait();
  });
  time::Sleep(absl::Milliseconds(5));
  {
    std::lock_guard<std::mutex> l(mu);
    ready = true;
  }
  c.Broadcast();
  t.join();
}

}  // namespace
}  // namespace go
