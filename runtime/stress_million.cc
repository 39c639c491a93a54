// Copyright 2026 The gotest Authors.
//
// Stress: 1,000,000 goroutines alive at once, all parked on one gate, then all
// woken and joined, with default sysctls (vm.max_map_count 65530: the first
// ~28k stacks get guard pages, the rest run unguarded; stack.h).
// Prints RSS per parked goroutine (VmRSS growth / N) and the phase times, and
// exits non-zero if any goroutine was lost.
//
//   bazel run --config=opt //runtime:stress_million -- [N] [GOMAXPROCS]

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/park.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/stack.h"
#include "runtime/testing_util.h"

namespace {

int64_t RssBytes() {
  FILE* f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f != nullptr) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = argc > 1 ? atoll(argv[1]) : 1000000;
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer counts each goroutine (fiber) against its 8128-thread
  // limit, as Go's race detector limits live goroutines to 8128.
  if (n > 4000) n = 4000;
#elif defined(__SANITIZE_ADDRESS__)
  // 1 MiB stacks plus shadow memory: keep CI's memory sane.
  if (n > 20000) n = 20000;
#endif
  if (argc > 2) go::runtime::GOMAXPROCS(atoi(argv[2]));
  using go::runtime::internal::nanotime;
  int rc = go::runtime::Run([&]() -> int {
    go::runtime::testing::Gate gate;
    go::runtime::testing::CountDown parked(n), done(n);
    std::atomic<int64_t> ran{0};
    int64_t rss0 = RssBytes();
    int64_t t0 = nanotime();
    for (int64_t i = 0; i < n; i++) {
      go::Go([&] {
        parked.Done();
        gate.Wait();
        ran.fetch_add(1, std::memory_order_relaxed);
        done.Done();
      });
    }
    int64_t t1 = nanotime();
    parked.Wait();
    int64_t t2 = nanotime();
    // Let the last ones finish parking (Done runs just before Wait).
    while (gate.Waiting() < static_cast<size_t>(n)) go::runtime::Gosched();
    int64_t rss1 = RssBytes();
    int alive = go::runtime::NumGoroutine();
    gate.Open();
    done.Wait();
    int64_t t3 = nanotime();
    go::runtime::internal::StackStats st =
        go::runtime::internal::GetStackStats();
    printf("goroutines: %lld parked at once (NumGoroutine %d), GOMAXPROCS %d\n",
           static_cast<long long>(n), alive, go::runtime::GOMAXPROCS(0));
    printf("RSS per parked goroutine: %.0f B (RSS %.1f MiB -> %.1f MiB)\n",
           static_cast<double>(rss1 - rss0) / static_cast<double>(n),
           rss0 / 1048576.0, rss1 / 1048576.0);
    printf(
        "stacks: %lld allocated, %lld with guard pages (limit %lld), %.1f GiB "
        "reserved\n",
        static_cast<long long>(st.stacks), static_cast<long long>(st.guarded),
        static_cast<long long>(st.guard_limit),
        st.reserved_bytes / 1073741824.0);
    printf(
        "spawn %.0f ns/goroutine, all parked after %.0f ms, wake+join %.0f "
        "ns/goroutine\n",
        static_cast<double>(t1 - t0) / n, (t2 - t0) / 1e6,
        static_cast<double>(t3 - t2) / n);
    if (ran.load() != n) {
      printf("FAIL: %lld of %lld goroutines ran\n",
             static_cast<long long>(ran.load()), static_cast<long long>(n));
      return 1;
    }
    printf("PASS\n");
    return 0;
  });
  return rc;
}
