// The Boost.Fiber side of tests/perf/runtime/compare.py: the same scheduler
// microbenchmarks as go/main.go and gotest.cc. One scheduler thread per "proc":
// round_robin for 1, work_stealing (suspend=true, so idle threads sleep instead
// of spinning: the fair setting on a shared 2-core machine) for more. Stacks
// for spawn and yield come from pooled_fixedsize_stack: Boost's default
// allocator mmaps and unmaps every stack (~50 us per spawn here), which would
// not be a fair peer.
//
//   boost_fiber -bench=spawn -procs=2    prints "<bench>\t<procs>\t<wall
//   ns/op>\t<cpu ns/op>\t<extra>"
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <boost/fiber/all.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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
  if (f == nullptr || std::fscanf(f, "%ld %ld", &size, &resident) != 2)
    std::abort();
  std::fclose(f);
  return resident * sysconf(_SC_PAGESIZE);
}

boost::fibers::pooled_fixedsize_stack& StackPool() {
  static boost::fibers::pooled_fixedsize_stack pool;
  return pool;
}

// A countdown latch for fibers (Boost.Fiber has no WaitGroup).
class Latch {
 public:
  explicit Latch(int n) : n_(n) {}
  void Done() {
    std::unique_lock lock(mu_);
    if (--n_ == 0) cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return n_ == 0; });
  }

 private:
  boost::fibers::mutex mu_;
  boost::fibers::condition_variable cv_;
  int n_;
};

void Spawn(int n) {
  Latch done(n);
  for (int i = 0; i < n; i++) {
    boost::fibers::fiber(std::allocator_arg, StackPool(), [&] {
      done.Done();
    }).detach();
  }
  done.Wait();
}

void Yield(int n) {
  Latch done(2);
  for (int g = 0; g < 2; g++) {
    boost::fibers::fiber(std::allocator_arg, StackPool(), [&] {
      for (int i = 0; i < n / 2; i++) boost::this_fiber::yield();
      done.Done();
    }).detach();
  }
  done.Wait();
}

// Parked fibers use Boost's default malloc'd fixedsize_stack: lazily touched,
// it is Boost.Fiber's smallest footprint per parked fiber (the pool's chunks
// cost more).
double Parked(int n) {
  long before = RssBytes();
  boost::fibers::fixedsize_stack stacks;
  Latch started(n), finished(n);
  boost::fibers::mutex mu;
  boost::fibers::condition_variable cv;
  bool release = false;
  for (int i = 0; i < n; i++) {
    boost::fibers::fiber(std::allocator_arg, stacks, [&] {
      started.Done();
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return release; });
      }
      finished.Done();
    }).detach();
  }
  started.Wait();
  long after = RssBytes();
  {
    std::unique_lock lock(mu);
    release = true;
  }
  cv.notify_all();
  finished.Wait();
  return static_cast<double>(after - before) / n;
}

// Unbuffered ping-pong: n round trips between two fibers.
void PingPong(int n) {
  boost::fibers::unbuffered_channel<int> ping, pong;
  Latch done(1);
  boost::fibers::fiber(std::allocator_arg, StackPool(), [&] {
    int v;
    for (int i = 0; i < n; i++) {
      ping.pop(v);
      pong.push(v);
    }
    done.Done();
  }).detach();
  int v = 0;
  for (int i = 0; i < n; i++) {
    ping.push(i);
    pong.pop(v);
  }
  done.Wait();
}

// Producer/consumer over a buffered channel of 128 slots: n items.
void Buffered(int n) {
  boost::fibers::buffered_channel<int> c(128);
  Latch done(1);
  boost::fibers::fiber(std::allocator_arg, StackPool(), [&] {
    for (int i = 0; i < n; i++) c.push(i);
    done.Done();
  }).detach();
  int64_t sum = 0;
  int v = 0;
  for (int i = 0; i < n; i++) {
    c.pop(v);
    sum += v;
  }
  done.Wait();
  if (sum != int64_t{n} * (n - 1) / 2) std::abort();
}

// A token passed n hops around a ring of 1000 fibers.
void Ring(int n) {
  constexpr int kG = 1000;
  std::vector<std::unique_ptr<boost::fibers::unbuffered_channel<int>>> c;
  for (int i = 0; i < kG; i++) {
    c.push_back(std::make_unique<boost::fibers::unbuffered_channel<int>>());
  }
  Latch done(kG - 1);
  for (int g = 1; g < kG; g++) {
    boost::fibers::fiber(std::allocator_arg, StackPool(), [&, g] {
      int v = 0;
      for (;;) {
        c[g]->pop(v);
        c[(g + 1) % kG]->push(v);
        if (v < 0) break;
      }
      done.Done();
    }).detach();
  }
  int v = 0;
  for (int lap = 0; lap < n / kG; lap++) {
    c[1]->push(lap);
    c[0]->pop(v);
  }
  c[1]->push(-1);
  c[0]->pop(v);
  done.Wait();
}

// 4 fibers contending on one boost::fibers::mutex: n lock/unlock pairs.
void MutexBench(int n) {
  boost::fibers::mutex mu;
  int64_t counter = 0;
  Latch done(4);
  const int per = n / 4;  // a copy, as gotest.cc's MutexBench
  for (int g = 0; g < 4; g++) {
    boost::fibers::fiber(std::allocator_arg, StackPool(), [&, per] {
      for (int i = 0; i < per; i++) {
        mu.lock();
        counter++;
        mu.unlock();
      }
      done.Done();
    }).detach();
  }
  done.Wait();
  if (counter != n / 4 * 4) std::abort();
}

// n sleeps of 1 ms; returns the mean lateness in ns.
double SleepBench(int n) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; i++) {
    boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
  }
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
  if (bench == "parked") scale = 1;  // a memory figure
  if (n == 0) {
    n = DefaultN(bench) * scale;
    // Across threads Boost.Fiber takes ~10-20 us per hand-off here (a futex
    // wake per hop): fewer operations keep the run short; the figure is per
    // operation either way.
    if (procs > 1 && (bench == "ring" || bench == "pingpong")) n /= 20;
  }
  // Boost.Fiber has no select, RWMutex or WaitGroup: no figure ("-").
  if (bench == "select2" || bench == "rwmutex" || bench == "waitgroup") {
    std::printf("%s\t%d\t-\t-\t-\n", bench.c_str(), procs);
    return 0;
  }

  std::atomic<bool> finished{false};
  std::vector<std::thread> workers;
  if (procs > 1) {
    // work_stealing's constructor waits until all `procs` threads have
    // installed it.
    for (int i = 1; i < procs; i++) {
      workers.emplace_back([&] {
        boost::fibers::use_scheduling_algorithm<
            boost::fibers::algo::work_stealing>(procs, true);
        while (!finished.load())
          boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
      });
    }
    boost::fibers::use_scheduling_algorithm<boost::fibers::algo::work_stealing>(
        procs, true);
  }

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
  } else if (bench == "ring") {
    Ring(n);
  } else if (bench == "mutex") {
    MutexBench(n);
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
  std::fflush(stdout);
  finished = true;
  for (auto& t : workers) t.join();
  return 0;
}
