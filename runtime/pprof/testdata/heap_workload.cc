// Copyright 2026 The gotest Authors.
//
// The allocation-heavy workload of the heap sampler's overhead comparison
// (tests/perf/pprof/heap_overhead.sh): the same fixed work with sampling off
// and at Go's default MemProfileRate, so the difference is what the heap
// profiler costs a program that allocates a lot.
//
//   heap_workload off [ops]       SetMemProfileRate(0): counting only
//   heap_workload default [ops]   Go's 512 KiB, with the heap profiler's hooks
//   heap_workload rate N [ops]    MemProfileRate N (1 samples everything)
//   heap_workload ab [rounds] [ops]  off and default alternating in one
//                                 process, `rounds` pairs of `ops` (60, 40000)
//   heap_workload ab-pinned [rounds] [ops]  the same with one sampled
//                                 allocation live throughout (see RunAB)
//
// The heap profiler's hooks are installed when //runtime/pprof is loaded
// (profiles.cc), before main, exactly as in a test binary run with
// -memprofile: `default` changes nothing, and every sample goes through
// pprof's OnAlloc (stack capture, bucket lookup) and every sampled free
// through OnFree. `off` leaves the hooks in place but draws no samples.
//
// The work: 4 goroutines plus 1 plain thread, each `ops` operations (default
// 600000) chosen by a seeded generator, so every mode does the same work:
// malloc/free and new[]/delete[] of 8..4096 bytes (log-uniform: mostly
// small, as real programs), std::string built by appending and std::vector
// grown by push_back (their reallocations), and a ring of 512 live objects
// per worker where each new object replaces (frees) one allocated a few
// hundred operations earlier, so frees of sampled and unsampled pointers
// both happen, on the same thread and after other allocations.
//
// It prints one line:
//   heap mode=default rate=524288 cpu_s=1.234 wall_s=0.789 samples=57
//        mallocs=3600000 bytes=1234567890
// (one line; `samples` are the allocations the profiler recorded during the
// work, from the allocs profile). In any mode but `off` a run that recorded
// no sample exits 1: the comparison would be measuring nothing. `ab` prints
//   ab rounds=60 ops=40000 off_cpu_s=.. default_cpu_s=.. total_pct=+1.23
//      median_pct=+1.10 samples=.. off_live_min=0 off_live_max=0
// (total_pct: summed CPU seconds; median_pct: the median of the rounds'
// default/off ratios).

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/chan.h"
#include "runtime/malloc.h"
#include "runtime/pprof/pprof.h"
#include "runtime/runtime.h"

namespace {

int64_t Nanos(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

// 8..4096 bytes, log-uniform (each power of two equally likely).
size_t Size(Rng& r) {
  const uint64_t x = r.Next();
  const int shift = 3 + static_cast<int>(x % 10);  // 8 .. 4096
  const size_t lo = size_t{1} << shift;
  return lo + (x >> 8) % lo;  // [lo, 2*lo)
}

// One live object of the ring: how it was allocated decides how it is freed.
struct Slot {
  enum Kind : uint8_t { kNone, kMalloc, kNew, kString, kVector } kind = kNone;
  void* p = nullptr;
};

void Release(Slot& s) {
  switch (s.kind) {
    case Slot::kNone:
      break;
    case Slot::kMalloc:
      std::free(s.p);
      break;
    case Slot::kNew:
      delete[] static_cast<char*>(s.p);
      break;
    case Slot::kString:
      delete static_cast<std::string*>(s.p);
      break;
    case Slot::kVector:
      delete static_cast<std::vector<uint32_t>*>(s.p);
      break;
  }
  s = Slot{};
}

std::atomic<uint64_t> g_sink{0};  // keeps the work from being optimized away

// The fixed work of one worker. noinline: sampled stacks end here.
__attribute__((noinline)) void HeapWorker(int ops, uint64_t seed) {
  constexpr int kRing = 512;
  std::vector<Slot> ring(kRing);
  Rng r{seed * 0x9E3779B97F4A7C15ULL | 1};
  uint64_t sum = 0;
  for (int i = 0; i < ops; i++) {
    const uint64_t op = r.Next() % 100;
    if (op < 30) {  // short-lived malloc/free
      const size_t n = Size(r);
      char* p = static_cast<char*>(std::malloc(n));
      p[0] = static_cast<char>(i);
      p[n - 1] = 1;
      sum += static_cast<unsigned char>(p[n / 2] = 2);
      std::free(p);
    } else if (op < 50) {  // short-lived new[]/delete[]
      const size_t n = Size(r);
      char* p = new char[n];
      p[0] = static_cast<char>(i);
      sum += static_cast<unsigned char>(p[n - 1] = 3);
      delete[] p;
    } else if (op < 60) {  // a string built by appending
      std::string s;
      const size_t n = Size(r) / 2;
      for (size_t k = 0; k < n; k += 16) s.append("0123456789abcdef");
      sum += s.size();
    } else if (op < 70) {  // a vector grown by push_back
      std::vector<uint32_t> v;
      const size_t n = Size(r) / 4;
      for (size_t k = 0; k < n; k++) v.push_back(static_cast<uint32_t>(k));
      sum += v.back();
    } else {  // a long-lived object replaces one in the ring
      Slot& s = ring[r.Next() % kRing];
      Release(s);
      const size_t n = Size(r);
      switch (op % 4) {
        case 0: {
          char* p = static_cast<char*>(std::malloc(n));
          std::memset(p, 1, n < 64 ? n : 64);
          s = {Slot::kMalloc, p};
          break;
        }
        case 1: {
          char* p = new char[n];
          std::memset(p, 2, n < 64 ? n : 64);
          s = {Slot::kNew, p};
          break;
        }
        case 2:
          s = {Slot::kString, new std::string(n, 'x')};
          break;
        default:
          s = {Slot::kVector, new std::vector<uint32_t>(n / 4 + 1, 7)};
          break;
      }
    }
  }
  for (Slot& s : ring) Release(s);
  g_sink.fetch_add(sum, std::memory_order_relaxed);
}

// Allocations the heap profiler has recorded so far: the "[alloc objects"
// of the allocs profile's legacy text header (raw sampled counts).
int64_t RecordedSamples() {
  std::ostringstream out;
  if (!go::pprof::Lookup("allocs")->WriteTo(out, 1).ok()) return -1;
  const std::string text = out.str();
  const size_t open = text.find('[');
  if (text.rfind("heap profile: ", 0) != 0 || open == std::string::npos) {
    return -1;
  }
  return std::atoll(text.c_str() + open + 1);
}

int Fail(const char* what) {
  std::fprintf(stderr, "heap_workload: %s\n", what);
  return 2;
}

constexpr int kGoroutines = 4;

// One round of the work inside go::runtime::Run: kGoroutines goroutines and
// one plain thread, each HeapWorker(ops) with the same seeds every round.
void Round(int ops) {
  std::thread plain([ops] { HeapWorker(ops, 99); });
  auto done = go::MakeChan<int>(kGoroutines);
  for (int g = 0; g < kGoroutines; g++) {
    go::Go([ops, g, done]() mutable {
      HeapWorker(ops, g + 1);
      done.Send(1);
    });
  }
  for (int g = 0; g < kGoroutines; g++) done.Recv();
  plain.join();
}

// `ab`: off and default alternate in one process, round by round (ABBA
// order), so load from other processes, which comes and goes over seconds,
// falls on both alike. Each off round records how many sampled pointers are
// live. `ab-pinned` keeps one sampled allocation live throughout, off rounds
// included: a live sample must not slow the frees of unsampled blocks (it
// lives in the sampled heap, which a free tells by address alone).
void* g_pinned;

int RunAB(int rounds, int ops, bool pinned) {
  std::vector<double> off_s, def_s;
  size_t off_live_min = SIZE_MAX, off_live_max = 0;
  if (pinned) {
    go::runtime::SetMemProfileRate(1);
    g_pinned = std::malloc(64);
    go::runtime::SetMemProfileRate(go::runtime::kDefaultMemProfileRate);
  }
  int64_t samples0 = RecordedSamples();
  go::runtime::Run([&] {
    Round(ops);  // warm-up: arenas, goroutine stacks, threads
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < 2; k++) {
        const bool on = (k == 0) == (r % 2 == 0);
        go::runtime::SetMemProfileRate(on ? go::runtime::kDefaultMemProfileRate
                                          : 0);
        if (!on) {
          const size_t live = go::runtime::SampledLiveCount();
          off_live_min = std::min(off_live_min, live);
          off_live_max = std::max(off_live_max, live);
        }
        const int64_t cpu0 = Nanos(CLOCK_PROCESS_CPUTIME_ID);
        Round(ops);
        const double cpu = (Nanos(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / 1e9;
        (on ? def_s : off_s).push_back(cpu);
      }
    }
    return 0;
  });
  const int64_t samples = RecordedSamples() - samples0;
  double off = 0, def = 0;
  std::vector<double> pct;
  for (int r = 0; r < rounds; r++) {
    off += off_s[r];
    def += def_s[r];
    pct.push_back(100 * (def_s[r] / off_s[r] - 1));
  }
  std::sort(pct.begin(), pct.end());
  const double median = rounds % 2 == 1
                            ? pct[rounds / 2]
                            : (pct[rounds / 2 - 1] + pct[rounds / 2]) / 2;
  std::printf(
      "%s rounds=%d ops=%d off_cpu_s=%.3f default_cpu_s=%.3f "
      "total_pct=%+.2f median_pct=%+.2f samples=%lld off_live_min=%zu "
      "off_live_max=%zu\n",
      pinned ? "ab-pinned" : "ab", rounds, ops, off, def, 100 * (def / off - 1),
      median, static_cast<long long>(samples), off_live_min, off_live_max);
  std::free(g_pinned);
  if (samples <= 0) {
    std::fprintf(stderr, "heap_workload: no allocation was sampled\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    return Fail(
        "usage: heap_workload off|default|rate N [ops] | ab|ab-pinned "
        "[rounds] [ops]");
  }
  const std::string mode = argv[1];
  auto positive = [&](int i, int def, int* out) {
    if (argc <= i) {
      *out = def;
      return true;
    }
    char* end;
    const long v = std::strtol(argv[i], &end, 10);
    *out = static_cast<int>(v);
    return *end == '\0' && v > 0 && v <= 1'000'000'000;
  };
  if (mode == "ab" || mode == "ab-pinned") {
    int rounds, ops;
    if (!positive(2, 60, &rounds) || !positive(3, 40000, &ops)) {
      return Fail("ab: rounds and ops must be positive integers");
    }
    if (argc > 4) return Fail("too many arguments");
    return RunAB(rounds, ops, mode == "ab-pinned");
  }
  int next = 2;
  int64_t rate;
  if (mode == "off") {
    rate = 0;
  } else if (mode == "default") {
    rate = go::runtime::kDefaultMemProfileRate;
  } else if (mode == "rate") {
    if (argc < 3) return Fail("rate: missing N");
    char* end;
    rate = std::strtoll(argv[2], &end, 10);
    if (*end != '\0' || rate < 0) return Fail("rate: N must be >= 0");
    next = 3;
  } else {
    return Fail("unknown mode (off, default or rate N)");
  }
  int ops;
  if (!positive(next, 600000, &ops)) {
    return Fail("ops must be a positive integer");
  }
  if (argc > next + 1) return Fail("too many arguments");

  go::runtime::SetMemProfileRate(rate);
  const int64_t samples0 = RecordedSamples();
  const go::runtime::MemStats ms0 = go::runtime::ReadMemStats();
  const int64_t cpu0 = Nanos(CLOCK_PROCESS_CPUTIME_ID);
  const int64_t wall0 = Nanos(CLOCK_MONOTONIC);
  go::runtime::Run([ops] {
    Round(ops);
    return 0;
  });
  const int64_t cpu = Nanos(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  const int64_t wall = Nanos(CLOCK_MONOTONIC) - wall0;
  const go::runtime::MemStats ms1 = go::runtime::ReadMemStats();
  const int64_t samples1 = RecordedSamples();
  if (samples0 < 0 || samples1 < 0) return Fail("cannot read allocs profile");
  const int64_t samples = samples1 - samples0;
  std::printf(
      "heap mode=%s rate=%lld cpu_s=%.3f wall_s=%.3f samples=%lld "
      "mallocs=%llu bytes=%llu\n",
      mode.c_str(), static_cast<long long>(rate), cpu / 1e9, wall / 1e9,
      static_cast<long long>(samples),
      static_cast<unsigned long long>(ms1.mallocs - ms0.mallocs),
      static_cast<unsigned long long>(ms1.total_alloc_bytes -
                                      ms0.total_alloc_bytes));
  if (rate > 0 && samples <= 0) {
    std::fprintf(stderr, "heap_workload: no allocation was sampled\n");
    return 1;
  }
  return 0;
}
