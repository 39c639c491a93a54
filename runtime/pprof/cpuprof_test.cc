// Copyright 2026 The gotest Authors.

#include "runtime/pprof/cpuprof.h"

#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/context.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/pprof_test_util.h"
#include "runtime/runtime.h"
#include "runtime/traceback.h"

namespace go::pprof {
namespace {

namespace pb = ::perftools::profiles;
using testing::Decode;
using testing::View;

int64_t ThreadCPUNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t ProcessCPUNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::atomic<uint64_t> g_sink{0};

// Burns `ns` of this thread's CPU time.
__attribute__((noinline)) void PprofSpinForTest(int64_t ns) {
  int64_t end = ThreadCPUNanos() + ns;
  uint64_t x = 88172645463325252ULL;
  while (ThreadCPUNanos() < end) {
    for (int i = 0; i < 20000; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
    }
  }
  g_sink.fetch_add(x, std::memory_order_relaxed);
}

TEST(CPUProfile, SecondStartIsGosError) {
  std::ostringstream a, b;
  ASSERT_TRUE(StartCPUProfile(a).ok());
  absl::Status s = StartCPUProfile(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "cpu profiling already in use");
  EXPECT_TRUE(StopCPUProfile().ok());
  EXPECT_TRUE(StopCPUProfile().ok()) << "stopping twice is harmless";
  Decode(a.str());
  EXPECT_TRUE(b.str().empty());
}

// Whether this kernel lets the process open a task-clock perf event on
// itself (not under a seccomp filter or perf_event_paranoid > 2 for us),
// counting user space only or also the kernel.
bool TaskClockAllowed(bool user_only) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.disabled = 1;
  attr.exclude_kernel = user_only;
  attr.exclude_hv = user_only;
  int fd = static_cast<int>(
      syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return false;
  close(fd);
  return true;
}

// Both per-thread clocks: task-clock perf events where allowed (the
// default), and CPU timers (the fallback, forced here).
class CPUProfileClocks
    : public ::testing::TestWithParam<internal::CPUProfileClock> {
 protected:
  void SetUp() override { internal::SetCPUProfileClock(GetParam()); }
  void TearDown() override {
    internal::SetCPUProfileClock(internal::CPUProfileClock::kAuto);
  }
};

INSTANTIATE_TEST_SUITE_P(
    Clocks, CPUProfileClocks,
    ::testing::Values(internal::CPUProfileClock::kAuto,
                      internal::CPUProfileClock::kCPUTimer),
    [](const auto& info) {
      return info.param == internal::CPUProfileClock::kAuto ? "Auto"
                                                            : "CPUTimer";
    });

TEST_P(CPUProfileClocks, GoroutinesThreadsAndLabels) {
  std::ostringstream out;
  ASSERT_TRUE(StartCPUProfile(out).ok());
  // After Start: its one-time symbolizer warm-up runs before the timers are
  // armed and is not in the profile.
  int64_t cpu0 = ProcessCPUNanos();
  // KeepCallerFrame after each spin: a spin in tail position would be a jump
  // (at -O2), and its frame would then return straight to the thread's entry.
  std::thread plain([] {
    PprofSpinForTest(300'000'000);
    go::runtime::internal::KeepCallerFrame();
  });
  int rc = go::runtime::Run([] {
    auto done = go::MakeChan<int>(2);
    go::Go([done]() mutable {
      Do(context::Background(), Labels("worker", "labeled"),
         [](context::Context) {
           PprofSpinForTest(300'000'000);
           go::runtime::internal::KeepCallerFrame();
         });
      done.Send(1);
    });
    go::Go([done]() mutable {
      PprofSpinForTest(300'000'000);
      done.Send(1);
    });
    done.Recv();
    done.Recv();
    return 0;
  });
  plain.join();
  // The profiled window ends here: Stop disarms the timers, then symbolizes and
  // encodes (CPU time no sample can stand for, heavy under ASan).
  int64_t cpu = ProcessCPUNanos() - cpu0;
  ASSERT_TRUE(StopCPUProfile().ok());
  ASSERT_EQ(rc, 0);

  internal::CPUProfileStats st = internal::LastCPUProfileStats();
  EXPECT_GE(st.threads, 3) << "main, the plain thread and at least one M";
  EXPECT_EQ(st.lost, 0);
  EXPECT_EQ(st.hz, 100);
  EXPECT_EQ(std::string(st.clock),
            GetParam() == internal::CPUProfileClock::kCPUTimer ? "cpu-timer"
            : TaskClockAllowed(false)                          ? "task-clock"
            : TaskClockAllowed(true)                           ? "task-clock:u"
                                                               : "cpu-timer");

  pb::Profile p = Decode(out.str());
  View v(p);
  // The clock that sampled, named in the profile's one comment.
  ASSERT_EQ(p.comment_size(), 1);
  EXPECT_EQ(v.Str(p.comment(0)), "clock=" + std::string(st.clock));
  ASSERT_EQ(p.sample_type_size(), 2);
  EXPECT_EQ(v.Str(p.sample_type(0).type()), "samples");
  EXPECT_EQ(v.Str(p.sample_type(1).type()), "cpu");
  EXPECT_EQ(v.Str(p.period_type().type()), "cpu");
  EXPECT_EQ(p.period(), 10'000'000);
  EXPECT_GT(p.duration_nanos(), 0);
  EXPECT_GT(p.time_nanos(), 1'600'000'000'000'000'000);

  int64_t total = 0, spin = 0, labeled = 0, deep = 0;
  for (const auto& s : p.sample()) {
    total += s.value(0);
    EXPECT_EQ(s.value(1), s.value(0) * p.period());
    std::vector<std::string> stack = v.Stack(s);
    bool in_spin = false;
    for (const std::string& n : stack) {
      if (n.find("PprofSpinForTest") != std::string::npos) in_spin = true;
    }
    if (!in_spin) continue;
    spin += s.value(0);
    if (v.Label(s, "worker") == "labeled") labeled += s.value(0);
    // The stack goes past the spinning function to its callers.
    if (stack.size() >= 3) deep += s.value(0);
  }
  // 900 ms of spinning at 100 Hz: about 90 samples.
  EXPECT_GE(spin, 60) << "total " << total;
  EXPECT_LE(spin, 120);
  EXPECT_GE(labeled, 15) << "a third of the spinning carries the label";
  EXPECT_LE(labeled, 45);
  EXPECT_GE(deep, spin * 8 / 10) << "stacks were unwound";
  // Every sample stands for 10 ms of CPU: the total matches the process's
  // CPU time (which also counts time before the timers were armed).
  EXPECT_LE(total * 10'000'000, cpu * 11 / 10 + 20'000'000);
#if !defined(__SANITIZE_THREAD__)
  // Not under TSan: it defers asynchronous signals to its next interception
  // point and drops a SIGPROF that arrives while one is pending, and its own
  // background thread adds CPU time.
  EXPECT_GE(total * 10'000'000, cpu * 7 / 10);
#endif
}

TEST(CPUProfile, RateAndFileOutput) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string dir = tmp != nullptr ? tmp : "/tmp";
  std::string bad = dir + "/missing/dir/cpu.pb.gz";
  absl::Status s = StartCPUProfileFile(bad);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "open " + bad + ": no such file or directory");

  SetCPUProfileRate(250);
  std::string path = dir + "/cpu.pb.gz";
  ASSERT_TRUE(StartCPUProfileFile(path).ok());
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "absent until complete";
  SetCPUProfileRate(50);  // ignored while running
  PprofSpinForTest(200'000'000);
  ASSERT_TRUE(StopCPUProfile().ok());
  SetCPUProfileRate(100);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  pb::Profile p = Decode(ss.str());
  EXPECT_EQ(p.period(), 4'000'000);
  int64_t total = 0;
  for (const auto& smp : p.sample()) total += smp.value(0);
  EXPECT_GE(total, 30) << "200 ms at 250 Hz: about 50 samples";
  EXPECT_EQ(internal::LastCPUProfileStats().hz, 250);
}

}  // namespace
}  // namespace go::pprof
