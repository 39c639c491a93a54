// Copyright 2026 The gotest Authors.

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "runtime/blockevent.h"
#include "runtime/chan.h"
#include "runtime/dump.h"
#include "runtime/malloc.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/pprof_test_util.h"
#include "runtime/pprof/text_format.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "runtime/time.h"
#include "runtime/traceback.h"

namespace go::pprof {
namespace {

namespace pb = ::perftools::profiles;
using testing::Decode;
using testing::View;

std::string Write(const std::string& name, int debug) {
  Profile* p = Lookup(name);
  EXPECT_NE(p, nullptr) << name;
  if (p == nullptr) return "";
  std::ostringstream out;
  absl::Status s = p->WriteTo(out, debug);
  EXPECT_TRUE(s.ok()) << s;
  return out.str();
}

// Waits until n goroutines are blocked with the given wait reason (a fixed
// sleep does not promise that on a loaded machine).
void WaitForBlocked(const std::string& reason, int n) {
  for (int i = 0; i < 30000; i++) {
    int k = 0;
    for (const auto& r : go::runtime::internal::ListGoroutines()) {
      if (r.wait_reason == reason) k++;
    }
    if (k >= n) return;
    go::time::Sleep(absl::Milliseconds(1));
  }
  ADD_FAILURE() << "fewer than " << n << " goroutines in [" << reason << "]";
}

// Waits until at most n goroutines are left: goroutines still exiting would
// race with a goroutine listing (goexit0 clears lockedm, which the dump reads;
// a product race, reported).
void WaitForGoroutines(int n) {
  for (int i = 0; i < 30000 && go::runtime::NumGoroutine() > n; i++) {
    go::time::Sleep(absl::Milliseconds(1));
  }
}

TEST(Lookup, NamesAsGo) {
  std::vector<std::string> names;
  for (Profile* p : Profiles()) names.push_back(p->Name());
  EXPECT_EQ(names, (std::vector<std::string>{"allocs", "block", "goroutine",
                                             "heap", "mutex", "threadcreate"}));
  EXPECT_EQ(Lookup("nonesuch"), nullptr);
  EXPECT_EQ(Lookup("heap")->Name(), "heap");
}

// Go's text/tabwriter output for the same input (from Go 1.26).
TEST(TextFormat, TabAlignIsGoTabwriter) {
  std::string in =
      "goroutine profile: total 3\n2 @ 0x1 0x2\n#\t0x1\tf+0x1\ta.cc:1\n"
      "#\t0x22\tlonger_name+0x10\tb.cc:2\n\n1 @ 0x3\n#\t0x3\n"
      "#\t0x12345678\tns::g+0x2\tc.cc:3\n\n";
  std::string want =
      "goroutine profile: total 3\n2 @ 0x1 0x2\n#\t0x1\tf+0x1\t\t\ta.cc:1\n"
      "#\t0x22\tlonger_name+0x10\tb.cc:2\n\n1 @ 0x3\n#\t0x3\n"
      "#\t0x12345678\tns::g+0x2\tc.cc:3\n\n";
  EXPECT_EQ(internal::TabAlign(in), want);
}

// The stack-marker functions below must stay separate frames under their own
// names: not inlined, and not folded into one by GCC's identical code folding
// (-fipa-icf, on at -O2), which would give PprofParkedForTest and
// PprofBlockForTest, whose bodies are the same, one name.
#if defined(__clang__)
#define PPROF_TEST_FRAME __attribute__((noinline))
#else
#define PPROF_TEST_FRAME __attribute__((noipa))
#endif

PPROF_TEST_FRAME void PprofParkedForTest(go::Chan<int> ch) {
  ch.Recv();
  go::runtime::internal::KeepCallerFrame();
}

TEST(GoroutineProfile, AllDebugLevels) {
  int rc = go::runtime::Run([] {
    auto ch = go::MakeChan<int>();
    auto done = go::MakeChan<int>(3);
    for (int i = 0; i < 3; i++) {
      go::Go([ch, done]() mutable {
        PprofParkedForTest(ch);
        done.Send(1);
      });
    }
    // Let them park.
    while (go::runtime::NumGoroutine() < 4) go::runtime::Gosched();
    WaitForBlocked("chan receive", 3);
    EXPECT_GE(Lookup("goroutine")->Count(), 4);

    pb::Profile p = Decode(Write("goroutine", 0));
    View v(p);
    EXPECT_EQ(v.Str(p.sample_type(0).type()), "goroutine");
    EXPECT_EQ(v.Str(p.sample_type(0).unit()), "count");
    EXPECT_EQ(v.Str(p.period_type().type()), "goroutine");
    EXPECT_EQ(p.period(), 1);
    int64_t parked = 0, total = 0;
    for (const auto& s : p.sample()) {
      total += s.value(0);
      for (const std::string& n : v.Stack(s)) {
        if (n.find("PprofParkedForTest") != std::string::npos) {
          parked += s.value(0);
          break;
        }
      }
    }
    EXPECT_EQ(parked, 3) << "the three parked goroutines share one sample";
    EXPECT_GE(total, 4);

    std::string text = Write("goroutine", 1);
    EXPECT_EQ(text.rfind("goroutine profile: total ", 0), 0u) << text;
    EXPECT_NE(text.find("\n3 @ 0x"), std::string::npos) << text;
    EXPECT_NE(text.find("PprofParkedForTest+0x"), std::string::npos) << text;
    EXPECT_NE(text.find("runtime/pprof/profiles_test.cc:"), std::string::npos)
        << text;
    // "#\t0x...\tname+0x..\t...file:line" lines.
    EXPECT_NE(text.find("#\t0x"), std::string::npos) << text;

    std::string dump = Write("goroutine", 2);
    EXPECT_NE(dump.find("goroutine "), std::string::npos) << dump;
    EXPECT_NE(dump.find("[chan receive]"), std::string::npos) << dump;
    EXPECT_NE(dump.find("PprofParkedForTest"), std::string::npos) << dump;

    for (int i = 0; i < 3; i++) ch.Send(i);
    for (int i = 0; i < 3; i++) done.Recv();
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

PPROF_TEST_FRAME std::vector<char*> PprofAllocateForTest(int n) {
  std::vector<char*> v;
  for (int i = 0; i < n; i++) v.push_back(new char[4096]);
  return v;
}

TEST(HeapProfile, SampledAllocationsWithStacks) {
  int64_t old = go::runtime::MemProfileRate();
  go::runtime::SetMemProfileRate(1);  // every allocation
  std::vector<char*> kept = PprofAllocateForTest(100);
  std::vector<char*> freed = PprofAllocateForTest(50);
  for (char* p : freed) delete[] p;

  // Written at rate 1 (the scale applied is the current MemProfileRate's,
  // as Go's): the counts are exact.
  pb::Profile p = Decode(Write("heap", 0));
  View v(p);
  ASSERT_EQ(p.sample_type_size(), 4);
  EXPECT_EQ(v.Str(p.sample_type(0).type()), "alloc_objects");
  EXPECT_EQ(v.Str(p.sample_type(1).type()), "alloc_space");
  EXPECT_EQ(v.Str(p.sample_type(1).unit()), "bytes");
  EXPECT_EQ(v.Str(p.sample_type(2).type()), "inuse_objects");
  EXPECT_EQ(v.Str(p.sample_type(3).type()), "inuse_space");
  EXPECT_EQ(v.Str(p.period_type().type()), "space");
  EXPECT_EQ(v.Str(p.period_type().unit()), "bytes");
  int64_t alloc_objects = 0, inuse_objects = 0, inuse_bytes = 0;
  for (const auto& s : p.sample()) {
    std::vector<std::string> stack = v.Stack(s);
    if (stack.empty() ||
        stack[0].find("PprofAllocateForTest") == std::string::npos) {
      continue;
    }
    alloc_objects += s.value(0);
    inuse_objects += s.value(2);
    inuse_bytes += s.value(3);
    // Go's "bytes" label: the object size.
    bool has_bytes = false;
    for (const auto& l : s.label()) {
      if (v.Str(l.key()) == "bytes") has_bytes = l.num() == 4096;
    }
    EXPECT_TRUE(has_bytes);
  }
  // Two call sites of PprofAllocateForTest (kept, freed) may share the leaf
  // location but not the caller: 150 allocations, 100 live.
  EXPECT_EQ(alloc_objects, 150);
  EXPECT_EQ(inuse_objects, 100);
  EXPECT_EQ(inuse_bytes, 100 * 4096);

  pb::Profile a = Decode(Write("allocs", 0));
  View va(a);
  EXPECT_EQ(va.Str(a.default_sample_type()), "alloc_space");

  std::string text = Write("heap", 1);
  EXPECT_EQ(text.rfind("heap profile: ", 0), 0u) << text.substr(0, 200);
  EXPECT_NE(text.find("PprofAllocateForTest+0x"), std::string::npos);
  std::ostringstream out;
  EXPECT_TRUE(WriteHeapProfile(out).ok());
  Decode(out.str());
  for (char* p : kept) delete[] p;
  go::runtime::SetMemProfileRate(old);
}

PPROF_TEST_FRAME void PprofBlockForTest(go::Chan<int> ch) {
  ch.Recv();
  go::runtime::internal::KeepCallerFrame();
}

TEST(BlockProfile, ChannelWaits) {
  go::runtime::SetBlockProfileRate(1);
  go::runtime::SetMutexProfileFraction(1);
  int rc = go::runtime::Run([] {
    WaitForGoroutines(1);
    auto ch = go::MakeChan<int>();
    auto done = go::MakeChan<int>(1);
    go::Go([ch, done]() mutable {
      PprofBlockForTest(ch);
      done.Send(1);
    });
    WaitForBlocked("chan receive", 1);
    go::time::Sleep(absl::Milliseconds(30));
    ch.Send(1);
    done.Recv();
    // Mutex contention: hold a lock while another goroutine waits.
    WaitForGoroutines(1);
    go::sync::Mutex mu;
    mu.Lock();
    go::Go([&mu, done]() mutable {
      mu.Lock();
      mu.Unlock();
      done.Send(1);
    });
    WaitForBlocked("sync.Mutex.Lock", 1);
    go::time::Sleep(absl::Milliseconds(30));
    mu.Unlock();
    done.Recv();
    return 0;
  });
  go::runtime::SetBlockProfileRate(0);
  go::runtime::SetMutexProfileFraction(0);
  ASSERT_EQ(rc, 0);

  pb::Profile p = Decode(Write("block", 0));
  View v(p);
  ASSERT_EQ(p.sample_type_size(), 2);
  EXPECT_EQ(v.Str(p.sample_type(0).type()), "contentions");
  EXPECT_EQ(v.Str(p.sample_type(1).type()), "delay");
  EXPECT_EQ(v.Str(p.sample_type(1).unit()), "nanoseconds");
  bool found = false;
  for (const auto& s : p.sample()) {
    for (const std::string& n : v.Stack(s)) {
      if (n.find("PprofBlockForTest") != std::string::npos) {
        found = true;
        EXPECT_GE(s.value(1), 20'000'000) << "blocked ~30ms";
        EXPECT_GE(s.value(0), 1);
      }
    }
  }
  EXPECT_TRUE(found);
  pb::Profile m = Decode(Write("mutex", 0));
  EXPECT_GE(m.sample_size(), 1) << "the Unlock that ended a 30ms wait";
  EXPECT_NE(Write("block", 1).find("--- contention:\ncycles/second="),
            std::string::npos);
}

TEST(ThreadCreateProfile, CountsTheRuntimesThreads) {
  // Start the scheduler, which creates at least one thread.
  go::runtime::Run([] { return 0; });
  int n = Lookup("threadcreate")->Count();
  EXPECT_GE(n, 1);
  pb::Profile p = Decode(Write("threadcreate", 0));
  View v(p);
  EXPECT_EQ(v.Str(p.sample_type(0).type()), "threadcreate");
  EXPECT_EQ(v.Str(p.sample_type(0).unit()), "count");
  int64_t total = 0;
  for (const auto& s : p.sample()) total += s.value(0);
  EXPECT_GE(total, n);  // threads may have been created since Count
  EXPECT_EQ(Write("threadcreate", 1).rfind("threadcreate profile: total ", 0),
            0u);
}

}  // namespace
}  // namespace go::pprof
