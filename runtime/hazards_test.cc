// Copyright 2026 The gotest Authors.
//
// The hazards DESIGN.md lists for stackful goroutines in C++, each pinned by a
// test: migration between threads (thread_local and errno are per thread; the
// runtime's own current-G/M accessors are re-read after every switch),
// libstdc++'s per-thread exception state travelling with the goroutine, and the
// entry frame ending frame-pointer unwinding.

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <exception>
#include <stdexcept>
#include <string>

#include "gtest/gtest.h"
#include "runtime/park.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/testing_util.h"
#include "runtime/traceback.h"

namespace go::runtime {
namespace {

using testing::TestWaitGroup;

thread_local int tls_value = 0;

__attribute__((noinline)) int* TlsAddress() {
  asm volatile("" ::: "memory");
  return &tls_value;
}
__attribute__((noinline)) int* ErrnoAddress() {
  asm volatile("" ::: "memory");
  return &errno;
}
pid_t Tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

// A goroutine in a blocking call loses its P to sysmon (another goroutine is
// runnable); on return it finds no P, queues itself, and resumes on the thread
// that now holds the P: a forced migration. After it, the runtime's accessors
// describe the new thread, and thread_local/errno are the new thread's.
TEST(HazardsTest, MigrationRereadsThreadState) {
  int old = GOMAXPROCS(1);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> spins{0};
  TestWaitGroup wg(2);
  pid_t tid_before = 0, tid_after = 0;
  int64_t id_before = 0, id_after = 0;
  bool m_matches = false;
  int* tls_before = nullptr;
  int* tls_after = nullptr;
  int* errno_before = nullptr;
  int* errno_after = nullptr;
  int tls_seen_after = -1;
  go::Go([&] {
    while (!stop.load()) {
      spins++;
      Gosched();
    }
    wg.Done();
  });
  go::Go([&] {
    id_before = GoID();
    tid_before = Tid();
    tls_before = TlsAddress();
    errno_before = ErrnoAddress();
    *TlsAddress() = 12345;
    errno = 77;
    {
      // Blocks until sysmon has handed the P off (the other goroutine runs);
      // a fixed time is not enough when sysmon's thread is starved.
      internal::BlockingRegion blocking;
      int64_t before = spins.load();
      for (int i = 0; i < 30000 && spins.load() == before; i++) usleep(1000);
    }
    // Runtime calls after the switch read the current thread's M.
    Gosched();
    tid_after = Tid();
    id_after = GoID();
    internal::M* m = internal::getm();
    m_matches = m != nullptr && pthread_equal(m->thread, pthread_self());
    tls_after = TlsAddress();
    errno_after = ErrnoAddress();
    tls_seen_after = *TlsAddress();
    stop = true;
    wg.Done();
  });
  wg.Wait();
  GOMAXPROCS(old);
  EXPECT_EQ(id_before, id_after);
  EXPECT_TRUE(m_matches);
  ASSERT_NE(tid_before, tid_after) << "the goroutine did not migrate";
  // thread_local and errno are per OS thread, not per goroutine (runtime.h).
  EXPECT_NE(tls_before, tls_after);
  EXPECT_NE(errno_before, errno_after);
  EXPECT_NE(tls_seen_after, 12345);
}

struct Boom : std::runtime_error {
  explicit Boom(const std::string& s) : std::runtime_error(s) {}
};

// Two goroutines on one thread each switch inside a catch block; each keeps its
// own current exception and rethrows it afterwards.
TEST(HazardsTest, CaughtExceptionSurvivesSwitch) {
  int old = GOMAXPROCS(1);
  TestWaitGroup wg(2);
  std::string got[2];
  std::atomic<int> step{0};
  auto wait_for = [&](int s) {
    while (step.load() < s) Gosched();
  };
  // Order: G0 catches (1), G1 catches (2), G0 rethrows (3), G1 rethrows.
  go::Go([&] {
    try {
      throw Boom("first");
    } catch (const Boom&) {
      step = 1;
      wait_for(2);
      try {
        throw;  // must rethrow this goroutine's exception, not G1's
      } catch (const Boom& again) {
        got[0] = again.what();
      }
    }
    EXPECT_FALSE(std::current_exception());
    step = 3;
    wg.Done();
  });
  go::Go([&] {
    wait_for(1);
    try {
      throw Boom("second");
    } catch (const Boom&) {
      step = 2;
      wait_for(3);
      try {
        throw;
      } catch (const Boom& again) {
        got[1] = again.what();
      }
    }
    EXPECT_FALSE(std::current_exception());
    wg.Done();
  });
  wg.Wait();
  GOMAXPROCS(old);
  EXPECT_EQ(got[0], "first");
  EXPECT_EQ(got[1], "second");
}

// A destructor running during unwinding switches goroutines: the unwinding one
// still sees one uncaught exception afterwards, the other sees none.
TEST(HazardsTest, UncaughtExceptionsCountIsPerGoroutine) {
  int old = GOMAXPROCS(1);
  TestWaitGroup wg(2);
  std::atomic<int> during_before{-1}, during_after{-1}, other{-1};
  std::atomic<bool> unwinding{false};
  go::Go([&] {
    struct Parker {
      std::atomic<int>* before;
      std::atomic<int>* after;
      std::atomic<bool>* flag;
      ~Parker() {
        *before = std::uncaught_exceptions();
        *flag = true;
        for (int k = 0; k < 5; k++) Gosched();
        *after = std::uncaught_exceptions();
      }
    };
    try {
      Parker p{&during_before, &during_after, &unwinding};
      throw 1;
    } catch (int) {
    }
    wg.Done();
  });
  go::Go([&] {
    while (!unwinding.load()) Gosched();
    other = std::uncaught_exceptions();
    wg.Done();
  });
  wg.Wait();
  GOMAXPROCS(old);
  EXPECT_EQ(during_before.load(), 1);
  EXPECT_EQ(during_after.load(), 1);
  EXPECT_EQ(other.load(), 0);
}

// The frame-pointer chain of a goroutine ends at its entry frame (saved frame
// pointer 0) inside its own stack.
TEST(HazardsTest, FramePointerChainEndsAtEntry) {
  TestWaitGroup wg(1);
  int frames = 0;
  bool ended_in_stack = false;
  int captured = 0;
  go::Go([&] {
    internal::G* g = internal::getg();
    uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    while (fp != 0 && frames < 1000) {
      if (fp < g->stack_lo || fp >= g->stack_hi) break;
      fp = *reinterpret_cast<uintptr_t*>(fp);
      frames++;
    }
    ended_in_stack = fp == 0;
    uintptr_t pcs[64];
    captured = internal::CaptureStack(pcs, 64, 0, g->stack_lo, g->stack_hi);
    wg.Done();
  });
  wg.Wait();
  EXPECT_TRUE(ended_in_stack);
  EXPECT_GT(frames, 0);
  EXPECT_LT(frames, 10);
  EXPECT_GT(captured, 0);
  EXPECT_LT(captured, 10);
}

}  // namespace
}  // namespace go::runtime
