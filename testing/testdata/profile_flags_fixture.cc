// Test binary for profile_flags_test.sh: one test of each kind of work that a
// profile records (CPU, allocation, channel blocking, mutex contention), each
// in a function with a name the script looks for in `go tool pprof -top`.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/chan.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "runtime/time.h"
#include "testing/testing.h"

namespace profile_flags_fixture {

std::atomic<uint64_t> sink{0};

[[gnu::noinline]] uint64_t ProfFlagsBurn() {
  uint64_t x = 1;
  // About 0.3 s of CPU: enough for dozens of 10 ms samples.
  for (uint64_t i = 0; i < 300'000'000; i++) {
    x = x * 6364136223846793005ULL + i;
    asm volatile("" : "+r"(x));
  }
  return x;
}

[[gnu::noinline]] void ProfFlagsAllocate() {
  std::vector<std::unique_ptr<char[]>> keep;
  for (int i = 0; i < 2000; i++) {
    keep.emplace_back(new char[4096]);
    asm volatile("" : : "r"(keep.back().get()) : "memory");
  }
  sink += keep.size();
}

[[gnu::noinline]] void ProfFlagsBlockOnChannel() {
  go::Chan<int> ch = go::MakeChan<int>(0);
  go::Go([ch]() mutable {
    go::time::Sleep(absl::Milliseconds(20));
    ch.Send(1);
  });
  sink += *ch.Recv();
}

[[gnu::noinline]] void ProfFlagsContendMutex() {
  go::sync::Mutex mu;
  go::sync::WaitGroup wg;
  for (int g = 0; g < 4; g++) {
    wg.Add(1);
    go::Go([&] {
      for (int i = 0; i < 50; i++) {
        mu.Lock();
        go::time::Sleep(absl::Microseconds(200));
        mu.Unlock();
      }
      wg.Done();
    });
  }
  wg.Wait();
}

GO_TEST(TestBurn, t) { sink += ProfFlagsBurn(); }
GO_TEST(TestAllocate, t) { ProfFlagsAllocate(); }
GO_TEST(TestBlock, t) { ProfFlagsBlockOnChannel(); }
GO_TEST(TestContend, t) { ProfFlagsContendMutex(); }

}  // namespace profile_flags_fixture
