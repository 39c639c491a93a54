// gotest's side of tests/perf/runtime/compare.py: the same scheduler
// microbenchmarks as go/main.go and boost_fiber.cc, on gotest's runtime.
//
//   gotest -bench=spawn -procs=2
//
// prints "<bench>\t<procs>\t<wall ns/op>\t<cpu ns/op>\t<extra>".
//
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "runtime/chan.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/sync.h"
#include "runtime/time.h"

namespace {

double CpuNanos() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

long RssBytes() {
  long size = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr || std::fscanf(f, "%ld %ld", &size, &resident) != 2) {
    std::abort();
  }
  std::fclose(f);
  return resident * sysconf(_SC_PAGESIZE);
}

void Spawn(int n) {
  go::sync::WaitGroup wg;
  for (int i = 0; i < n; i++) {
    wg.Add(1);
    go::Go([&] { wg.Done(); });
  }
  wg.Wait();
}

void Yield(int n) {
  go::sync::WaitGroup wg;
  for (int g = 0; g < 2; g++) {
    wg.Go([&] {
      for (int i = 0; i < n / 2; i++) go::runtime::Gosched();
    });
  }
  wg.Wait();
}

// n goroutines block on one channel, as Go's side does; returns the RSS growth
// per goroutine.
double Parked(int n) {
  long before = RssBytes();
  go::Chan<int> ch = go::MakeChan<int>();
  go::sync::WaitGroup started, done;
  started.Add(n);
  done.Add(n);
  for (int i = 0; i < n; i++) {
    go::Go([&] {
      started.Done();
      ch.Recv();
      done.Done();
    });
  }
  started.Wait();
  long after = RssBytes();
  ch.Close();
  done.Wait();
  return static_cast<double>(after - before) / n;
}

// Unbuffered ping-pong: n round trips between two goroutines.
void PingPong(int n) {
  go::Chan<int> ping = go::MakeChan<int>(), pong = go::MakeChan<int>();
  go::sync::WaitGroup wg;
  wg.Go([&] {
    for (int i = 0; i < n; i++) pong.Send(*ping.Recv());
  });
  for (int i = 0; i < n; i++) {
    ping.Send(i);
    pong.Recv();
  }
  wg.Wait();
}

// Producer/consumer over a channel with capacity 128: n items.
void Buffered(int n) {
  go::Chan<int> c = go::MakeChan<int>(128);
  go::sync::WaitGroup wg;
  wg.Go([&] {
    for (int i = 0; i < n; i++) c.Send(i);
  });
  int64_t sum = 0;
  for (int i = 0; i < n; i++) sum += *c.Recv();
  wg.Wait();
  if (sum != int64_t{n} * (n - 1) / 2) std::abort();
}

// n selects over two unbuffered channels fed by two producers.
void Select2(int n) {
  go::Chan<int> a = go::MakeChan<int>(), b = go::MakeChan<int>();
  go::sync::WaitGroup wg;
  wg.Go([&] {
    for (int i = 0; i < n / 2; i++) a.Send(i);
  });
  wg.Go([&] {
    for (int i = 0; i < n - n / 2; i++) b.Send(i);
  });
  int64_t got = 0;
  for (int i = 0; i < n; i++) {
    go::Select(go::OnRecv(a, [&](std::optional<int>) { got++; }),
               go::OnRecv(b, [&](std::optional<int>) { got++; }));
  }
  wg.Wait();
  if (got != n) std::abort();
}

// A token passed n hops around a ring of 1000 goroutines.
void Ring(int n) {
  constexpr int kG = 1000;
  std::vector<go::Chan<int>> c;
  for (int i = 0; i < kG; i++) c.push_back(go::MakeChan<int>());
  go::sync::WaitGroup wg;
  for (int g = 1; g < kG; g++) {
    wg.Go([&, g] {
      for (;;) {
        int v = *c[g].Recv();
        c[(g + 1) % kG].Send(v);
        if (v < 0) return;
      }
    });
  }
  // The main goroutine is node 0: each lap is kG hops.
  for (int lap = 0; lap < n / kG; lap++) {
    c[1].Send(lap);
    c[0].Recv();
  }
  c[1].Send(-1);
  c[0].Recv();
  wg.Wait();
}

// 4 goroutines contending on one Mutex: n lock/unlock pairs in all.
void MutexBench(int n) {
  go::sync::Mutex mu;
  int64_t counter = 0;
  go::sync::WaitGroup wg;
  // The goroutines copy the bound and the addresses into locals, which stay
  // in registers as Go's closure variables do: a C++ lambda's captures live
  // in the closure object, which must be reloaded after every acquire.
  const int per = n / 4;
  for (int g = 0; g < 4; g++) {
    wg.Go([&, per] {
      go::sync::Mutex* const m = &mu;
      int64_t* const c = &counter;
      const int iters = per;
      for (int i = 0; i < iters; i++) {
        m->Lock();
        ++*c;
        m->Unlock();
      }
    });
  }
  wg.Wait();
  if (counter != n / 4 * 4) std::abort();
}

// 4 goroutines on one RWMutex, 1% of the operations writes.
void RWMutexBench(int n) {
  go::sync::RWMutex mu;
  int64_t counter = 0;
  std::atomic<int64_t> reads{0};
  go::sync::WaitGroup wg;
  const int per = n / 4;
  for (int g = 0; g < 4; g++) {
    wg.Go([&, per] {
      go::sync::RWMutex* const m = &mu;  // locals, as in MutexBench
      int64_t* const c = &counter;
      const int iters = per;
      int64_t r = 0;
      for (int i = 0; i < iters; i++) {
        if (i % 100 == 0) {
          m->Lock();
          ++*c;
          m->Unlock();
        } else {
          m->RLock();
          r += *c;
          m->RUnlock();
        }
      }
      reads += r;
    });
  }
  wg.Wait();
}

// WaitGroup spawn+join: batches of 100 goroutines, n goroutines in all.
void WaitGroupBench(int n) {
  go::sync::WaitGroup wg;
  for (int done = 0; done < n; done += 100) {
    wg.Add(100);
    for (int i = 0; i < 100; i++) go::Go([&] { wg.Done(); });
    wg.Wait();
  }
}

// n sleeps of 1 ms; returns the mean lateness in ns.
double SleepBench(int n) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; i++) go::time::Sleep(absl::Milliseconds(1));
  double per = std::chrono::duration<double, std::nano>(
                   std::chrono::steady_clock::now() - t0)
                   .count() /
               n;
  return per - 1e6;
}

// Operations per run, the same in all three programs.
int DefaultN(const std::string& bench) {
  if (bench == "spawn") return 100000;
  if (bench == "yield") return 2000000;
  if (bench == "parked") return 1000000;
  if (bench == "pingpong" || bench == "select2") return 500000;
  if (bench == "buffered" || bench == "ring") return 2000000;
  if (bench == "mutex" || bench == "rwmutex") return 4000000;
  if (bench == "waitgroup") return 200000;
  if (bench == "sleep") return 300;
  return 1000000;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bench = "spawn";
  int procs = 1, n = 0, scale = 1;
  for (int i = 1; i < argc; i++) {
    if (std::strncmp(argv[i], "-bench=", 7) == 0) {
      bench = argv[i] + 7;
    } else if (std::strncmp(argv[i], "-procs=", 7) == 0) {
      procs = std::atoi(argv[i] + 7);
    } else if (std::strncmp(argv[i], "-n=", 3) == 0) {
      n = std::atoi(argv[i] + 3);
    } else if (std::strncmp(argv[i], "-scale=", 7) == 0) {
      scale = std::atoi(argv[i] + 7);
    } else {
      std::fprintf(stderr,
                   "usage: %s [-bench=spawn|yield|parked|pingpong|buffered|"
                   "select2|ring|mutex|rwmutex|waitgroup|sleep] [-procs=N] "
                   "[-n=N | -scale=K]\n",
                   argv[0]);
      return 2;
    }
  }
  if (scale < 1) {
    std::fprintf(stderr, "-scale must be a positive integer\n");
    return 2;
  }
  // -scale=K: K times the default operations (long runs see preemption);
  // not the parked goroutines, a memory figure.
  if (bench == "parked") scale = 1;
  if (n == 0) n = DefaultN(bench) * scale;
  return go::runtime::Run([&] {
    go::runtime::GOMAXPROCS(procs);
    std::string extra;
    auto wall0 = std::chrono::steady_clock::now();
    double cpu0 = CpuNanos();
    if (bench == "spawn") {
      Spawn(n);
    } else if (bench == "yield") {
      Yield(n);
    } else if (bench == "parked") {
      extra = std::to_string(static_cast<long>(Parked(n)));
    } else if (bench == "pingpong") {
      PingPong(n);
    } else if (bench == "buffered") {
      Buffered(n);
    } else if (bench == "select2") {
      Select2(n);
    } else if (bench == "ring") {
      Ring(n);
    } else if (bench == "mutex") {
      MutexBench(n);
    } else if (bench == "rwmutex") {
      RWMutexBench(n);
    } else if (bench == "waitgroup") {
      WaitGroupBench(n);
    } else if (bench == "sleep") {
      extra = std::to_string(static_cast<long>(SleepBench(n)));
    } else {
      std::fprintf(stderr, "unknown -bench %s\n", bench.c_str());
      return 2;
    }
    double wall = std::chrono::duration<double, std::nano>(
                      std::chrono::steady_clock::now() - wall0)
                      .count();
    double cpu = CpuNanos() - cpu0;
    std::printf("%s\t%d\t%.1f\t%.1f\t%s\n", bench.c_str(), procs, wall / n,
                cpu / n, extra.c_str());
    return 0;
  });
}
