#include "runtime/malloc.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/sampled_heap.h"
#include "runtime/traceback.h"

namespace go::runtime {
namespace {

// Keeps the compiler from eliding an allocation/free pair (C++14 allows
// eliding new/delete; GCC elides malloc/free as builtins).
template <typename T>
void Escape(T* p) {
  asm volatile("" : : "r"(p) : "memory");
}

bool UnderAsan() { return std::string(AllocationCounter()) == "asan"; }
// GCC 12's libtsan does not call the allocation hooks from its memalign,
// aligned_alloc, posix_memalign, valloc and pvalloc interceptors (their
// frees are seen), and reports reallocarray's element count as its size.
bool UnderTsan() { return std::string(AllocationCounter()) == "tsan"; }
bool UnderSanitizer() {
  return std::string(AllocationCounter()) != "interpose";
}

struct Delta {
  int64_t mallocs;
  int64_t frees;
  int64_t bytes;
};

// Counts what fn allocates on this thread (nothing else runs meanwhile).
template <typename F>
Delta Measure(F&& fn) {
  const MemStats before = ReadMemStats();
  fn();
  const MemStats after = ReadMemStats();
  return {
      static_cast<int64_t>(after.mallocs - before.mallocs),
      static_cast<int64_t>(after.frees - before.frees),
      static_cast<int64_t>(after.total_alloc_bytes - before.total_alloc_bytes)};
}

TEST(MallocTest, ModeMatchesBuild) {
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_STREQ(AllocationCounter(), "asan");
#elif defined(__SANITIZE_THREAD__)
  EXPECT_STREQ(AllocationCounter(), "tsan");
#else
  EXPECT_STREQ(AllocationCounter(), "interpose");
#endif
}

TEST(MallocTest, ReadMemStatsDoesNotAllocate) {
  Delta d = Measure([] {
    for (int i = 0; i < 10; i++) ReadMemStats();
  });
  EXPECT_EQ(d.mallocs, 0);
  EXPECT_EQ(d.frees, 0);
  EXPECT_EQ(d.bytes, 0);
}

TEST(MallocTest, NewArrayCountsRequestedBytes) {
  char* p = nullptr;
  Delta d = Measure([&] {
    p = new char[64];
    Escape(p);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 64);
  EXPECT_EQ(d.frees, 0);
  d = Measure([&] { delete[] p; });
  EXPECT_EQ(d.mallocs, 0);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, ScalarNewAndDelete) {
  struct Pair {
    int64_t a, b, c;
  };
  Delta d = Measure([] {
    Pair* p = new Pair{1, 2, 3};
    Escape(p);
    delete p;
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, static_cast<int64_t>(sizeof(Pair)));
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, NothrowNew) {
  Delta d = Measure([] {
    int* p = new (std::nothrow) int[10];
    Escape(p);
    delete[] p;
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 40);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, MallocAndFree) {
  Delta d = Measure([] {
    void* p = malloc(100);
    Escape(p);
    free(p);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 100);
  EXPECT_EQ(d.frees, 1);
  // free(NULL) is nothing.
  d = Measure([] {
    void* volatile p = nullptr;
    free(p);
  });
  EXPECT_EQ(d.frees, 0);
}

TEST(MallocTest, MallocZero) {
  Delta d = Measure([] {
    void* p = malloc(0);
    Escape(p);
    free(p);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.frees, 1);
  // ASan allocates 1 byte for a 0-byte request and reports that.
  EXPECT_EQ(d.bytes, UnderAsan() ? 1 : 0);
}

TEST(MallocTest, Calloc) {
  Delta d = Measure([] {
    void* p = calloc(10, 12);
    Escape(p);
    free(p);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 120);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, FailedAllocationCountsNothing) {
  if (UnderSanitizer()) {
    GTEST_SKIP() << "ASan/TSan end the program on an impossible allocation";
  }
  Delta d = Measure([] {
    // Overflowing n*size fails in every allocator without allocating.
    volatile size_t huge = SIZE_MAX / 2;  // hidden from -Walloc-size
    void* p = calloc(huge, 4);
    Escape(p);
    EXPECT_EQ(p, nullptr);
  });
  EXPECT_EQ(d.mallocs, 0);
  EXPECT_EQ(d.bytes, 0);
}

TEST(MallocTest, ReallocCountsANewAllocationAndAFree) {
  void* p = malloc(10);
  Escape(p);
  Delta d = Measure([&] {
    p = realloc(p, 1000);
    Escape(p);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 1000);
  EXPECT_EQ(d.frees, 1);
  // Shrinking (glibc does it in place) counts the same way.
  d = Measure([&] {
    p = realloc(p, 500);
    Escape(p);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 500);
  EXPECT_EQ(d.frees, 1);
  d = Measure([&] { free(p); });
  EXPECT_EQ(d.frees, 1);
  // realloc(NULL, n) is malloc(n).
  d = Measure([&] {
    void* q = realloc(nullptr, 50);
    Escape(q);
    free(q);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 50);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, ReallocArray) {
  Delta d = Measure([] {
    void* p = reallocarray(nullptr, 10, 8);
    Escape(p);
    p = reallocarray(p, 20, 8);
    Escape(p);
    free(p);
  });
  EXPECT_EQ(d.mallocs, 2);
  EXPECT_EQ(d.bytes, UnderTsan() ? 10 + 20 : 80 + 160);
  EXPECT_EQ(d.frees, 2);
  if (UnderSanitizer()) return;  // an impossible allocation ends the program
  d = Measure([] {
    errno = 0;
    volatile size_t huge = SIZE_MAX / 2;
    void* p = reallocarray(nullptr, huge, 4);
    Escape(p);
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(errno, ENOMEM);
  });
  EXPECT_EQ(d.mallocs, 0);
}

TEST(MallocTest, AlignedNew) {
  struct alignas(64) Line {
    char bytes[64];
  };
  Delta d = Measure([] {
    Line* p = new Line;
    Escape(p);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    delete p;
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 64);
  EXPECT_EQ(d.frees, 1);
  // A size that is not a multiple of the alignment counts as requested
  // (libstdc++'s own operator new would ask aligned_alloc for 256).
  d = Measure([] {
    void* p = ::operator new(200, std::align_val_t(128));
    Escape(p);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 128, 0u);
    ::operator delete(p, std::align_val_t(128));
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 200);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, PosixMemalignAndFriends) {
  Delta d = Measure([] {
    void* p = nullptr;
    ASSERT_EQ(posix_memalign(&p, 64, 100), 0);
    Escape(p);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
    free(p);
  });
  const int64_t seen = UnderTsan() ? 0 : 1;
  EXPECT_EQ(d.mallocs, seen);
  EXPECT_EQ(d.bytes, 100 * seen);
  EXPECT_EQ(d.frees, 1);
  if (!UnderSanitizer()) {  // ASan and TSan end the program here
    d = Measure([] {
      void* p = reinterpret_cast<void*>(0x1234);
      EXPECT_EQ(posix_memalign(&p, 3, 100), EINVAL);
      EXPECT_EQ(p, reinterpret_cast<void*>(0x1234));
    });
    EXPECT_EQ(d.mallocs, 0);
  }
  d = Measure([] {
    void* a = aligned_alloc(64, 128);
    void* m = memalign(32, 40);
    void* v = valloc(10);
    Escape(a);
    Escape(m);
    Escape(v);
    free(a);
    free(m);
    free(v);
  });
  EXPECT_EQ(d.mallocs, 3 * seen);
  EXPECT_EQ(d.bytes, (128 + 40 + 10) * seen);
  EXPECT_EQ(d.frees, 3);
}

TEST(MallocTest, MallocUsableSizeIsGlibcs) {
  void* p = malloc(100);
  Escape(p);
  EXPECT_GE(malloc_usable_size(p), 100u);
  free(p);
}

TEST(MallocTest, CAllocationsInsideLibc) {
  // strdup allocates inside libc: counted all the same.
  Delta d = Measure([] {
    char* s = strdup("hello");
    Escape(s);
    free(s);
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 6);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, StringOutgrowingSso) {
  // libstdc++'s SSO holds 15 chars; a longer string allocates capacity + 1.
  Delta d = Measure([] {
    std::string s(15, 'x');
    Escape(s.data());
  });
  EXPECT_EQ(d.mallocs, 0);
  d = Measure([] {
    std::string s(100, 'x');
    Escape(s.data());
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 101);
  EXPECT_EQ(d.frees, 1);
  // Appending one char past the SSO buffer: capacity doubles to 30.
  d = Measure([] {
    std::string s(15, 'x');
    s.push_back('y');
    Escape(s.data());
  });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.bytes, 31);
  EXPECT_EQ(d.frees, 1);
}

TEST(MallocTest, VectorGrowth) {
  // libstdc++ doubles the capacity from 1: 1, 2, 4, ..., 1024 for 1000
  // elements: 11 allocations of 4 * (1 + 2 + ... + 1024) bytes, 10 frees
  // while growing.
  std::vector<int>* v = new std::vector<int>;
  Delta d = Measure([&] {
    for (int i = 0; i < 1000; i++) v->push_back(i);
  });
  EXPECT_EQ(v->capacity(), 1024u);
  EXPECT_EQ(d.mallocs, 11);
  EXPECT_EQ(d.bytes, 4 * 2047);
  EXPECT_EQ(d.frees, 10);
  d = Measure([&] { delete v; });
  EXPECT_EQ(d.frees, 2);  // the buffer and the vector
}

TEST(MallocTest, OtherThreadsAreSummed) {
  constexpr int kThreads = 4;
  constexpr int kAllocs = 1000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  const MemStats before = ReadMemStats();
  for (int i = 0; i < kThreads; i++) {
    threads.emplace_back([&] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      for (int j = 0; j < kAllocs; j++) {
        void* p = malloc(24);
        Escape(p);
        free(p);
      }
    });
  }
  while (ready.load() != kThreads) std::this_thread::yield();
  // Thread start-up allocations (if any) are in `before`'s past or counted
  // below; the workload is what dominates.
  const MemStats started = ReadMemStats();
  go.store(true);
  for (std::thread& t : threads) t.join();
  const MemStats after = ReadMemStats();
  // Between `started` and `after` only the threads allocate: their loops,
  // and each deletes its std::thread state object as it exits.
  EXPECT_EQ(after.mallocs - started.mallocs,
            static_cast<uint64_t>(kThreads * kAllocs));
  EXPECT_EQ(after.frees - started.frees,
            static_cast<uint64_t>(kThreads * kAllocs + kThreads));
  EXPECT_EQ(after.total_alloc_bytes - started.total_alloc_bytes,
            static_cast<uint64_t>(kThreads * kAllocs * 24));
  EXPECT_GE(after.mallocs - before.mallocs,
            static_cast<uint64_t>(kThreads * kAllocs));
}

TEST(MallocTest, ExitedThreadsKeepTheirCounts) {
  // Short-lived threads, one after another: each exits (releasing its
  // counter block to the next thread) before the totals are read, and every
  // round sees exactly its thread's allocations plus std::thread's state
  // object (allocated by the parent, deleted by the thread).
  constexpr int kRounds = 50;
  constexpr int kAllocs = 100;
  uint64_t first_bytes = 0;
  for (int i = 0; i < kRounds; i++) {
    const MemStats a = ReadMemStats();
    std::thread t([] {
      for (int j = 0; j < kAllocs; j++) {
        void* p = malloc(8);
        Escape(p);
        free(p);
      }
    });
    t.join();
    const MemStats b = ReadMemStats();
    const uint64_t bytes = b.total_alloc_bytes - a.total_alloc_bytes;
    ASSERT_GT(bytes, static_cast<uint64_t>(kAllocs * 8)) << "round " << i;
    if (UnderSanitizer()) {
      // The sanitizer's thread start and exit allocate a little too.
      ASSERT_GE(b.mallocs - a.mallocs, static_cast<uint64_t>(kAllocs + 1))
          << "round " << i;
      ASSERT_GE(b.frees - a.frees, static_cast<uint64_t>(kAllocs + 1))
          << "round " << i;
      continue;
    }
    ASSERT_EQ(b.mallocs - a.mallocs, static_cast<uint64_t>(kAllocs + 1))
        << "round " << i;
    ASSERT_EQ(b.frees - a.frees, static_cast<uint64_t>(kAllocs + 1))
        << "round " << i;
    if (i == 0) first_bytes = bytes;
    ASSERT_EQ(bytes, first_bytes) << "round " << i;
  }
}

// ---- Sampling ----

struct Recorded {
  void* ptr;
  size_t size;
  std::vector<uintptr_t> pcs;
};

// The hooks' state. The hooks may allocate (not sampled) but the
// distribution test keeps them allocation-free with reserved storage.
std::mutex g_mu;
std::vector<Recorded>* g_allocs = nullptr;
std::vector<std::pair<void*, size_t>>* g_frees = nullptr;
std::vector<uintptr_t>* g_free_cookies = nullptr;
std::atomic<uintptr_t> g_next_cookie{100};

uintptr_t RecordAlloc(void* ptr, size_t size, const uintptr_t* pcs, int n) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_allocs != nullptr) {
    g_allocs->push_back({ptr, size, std::vector<uintptr_t>(pcs, pcs + n)});
  }
  return g_next_cookie.fetch_add(1);
}

void RecordFree(void* ptr, size_t size, uintptr_t cookie) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_frees != nullptr) g_frees->push_back({ptr, size});
  if (g_free_cookies != nullptr) g_free_cookies->push_back(cookie);
}

class SamplingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A thread's first stack capture finds its stack bounds, which for the
    // main thread reads /proc/self/maps (allocating); done here so that
    // tests counting the hooks' allocations see only theirs.
    uintptr_t pcs[4];
    internal::CaptureStack(pcs, 4, 0);
    std::lock_guard<std::mutex> lock(g_mu);
    g_allocs = new std::vector<Recorded>;
    g_frees = new std::vector<std::pair<void*, size_t>>;
    g_free_cookies = new std::vector<uintptr_t>;
  }
  void TearDown() override {
    SetMemProfileHooks({});
    SetMemProfileRate(kDefaultMemProfileRate);
    std::lock_guard<std::mutex> lock(g_mu);
    delete g_allocs;
    delete g_frees;
    delete g_free_cookies;
    g_allocs = nullptr;
    g_frees = nullptr;
    g_free_cookies = nullptr;
  }
  std::vector<Recorded> TakeAllocs() {
    std::lock_guard<std::mutex> lock(g_mu);
    std::vector<Recorded> out = std::move(*g_allocs);
    g_allocs->clear();
    return out;
  }
  std::vector<std::pair<void*, size_t>> TakeFrees() {
    std::lock_guard<std::mutex> lock(g_mu);
    std::vector<std::pair<void*, size_t>> out = std::move(*g_frees);
    g_frees->clear();
    return out;
  }
};

__attribute__((noinline)) void* AllocateForSample(size_t n) {
  void* p = malloc(n);
  Escape(p);
  return p;
}

__attribute__((noinline)) int* NewForSample() {
  int* p = new int[7];
  Escape(p);
  return p;
}

// True if some frame of pcs symbolizes to a function whose name contains
// `name`.
bool StackHas(const std::vector<uintptr_t>& pcs, const std::string& name) {
  for (const internal::Frame& f :
       internal::SymbolizeStack(pcs.data(), static_cast<int>(pcs.size()))) {
    if (f.function.find(name) != std::string::npos) return true;
  }
  return false;
}

std::string Describe(const std::vector<uintptr_t>& pcs) {
  std::string out;
  internal::AppendTraceback(&out, pcs.data(), static_cast<int>(pcs.size()));
  return out;
}

TEST_F(SamplingTest, RateOneSamplesEveryAllocationWithItsStack) {
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetMemProfileRate(1);
  void* p = AllocateForSample(1234);
  int* q = NewForSample();
  SetMemProfileRate(0);
  std::vector<Recorded> allocs = TakeAllocs();
  ASSERT_EQ(allocs.size(), 2u);
  EXPECT_EQ(allocs[0].ptr, p);
  EXPECT_EQ(allocs[0].size, 1234u);
  EXPECT_EQ(allocs[1].ptr, q);
  EXPECT_EQ(allocs[1].size, 7 * sizeof(int));
  // The stack starts at the code that called malloc / new: the allocator's
  // own frames are not in it (as Go's profiles start at the allocation
  // site).
  ASSERT_FALSE(allocs[0].pcs.empty());
  ASSERT_FALSE(allocs[1].pcs.empty());
  std::vector<internal::Frame> top =
      internal::SymbolizeStack(allocs[0].pcs.data(), 1);
  ASSERT_FALSE(top.empty());
  EXPECT_NE(top.back().function.find("AllocateForSample"), std::string::npos)
      << Describe(allocs[0].pcs);
  top = internal::SymbolizeStack(allocs[1].pcs.data(), 1);
  ASSERT_FALSE(top.empty());
  EXPECT_NE(top.back().function.find("NewForSample"), std::string::npos)
      << Describe(allocs[1].pcs);
  EXPECT_TRUE(StackHas(allocs[0].pcs, "RateOneSamplesEveryAllocation"))
      << Describe(allocs[0].pcs);
  EXPECT_FALSE(StackHas(allocs[0].pcs, "MaybeSampleSlow"));

  // Frees of sampled pointers are reported with their size and cookie.
  EXPECT_EQ(SampledLiveCount(), 2u);
  free(p);
  delete[] q;
  std::vector<std::pair<void*, size_t>> frees = TakeFrees();
  ASSERT_EQ(frees.size(), 2u);
  EXPECT_EQ(frees[0].first, p);
  EXPECT_EQ(frees[0].second, 1234u);
  EXPECT_EQ(frees[1].first, q);
  EXPECT_EQ(frees[1].second, 7 * sizeof(int));
  EXPECT_EQ(SampledLiveCount(), 0u);
  std::lock_guard<std::mutex> lock(g_mu);
  ASSERT_EQ(g_free_cookies->size(), 2u);
  EXPECT_NE((*g_free_cookies)[0], (*g_free_cookies)[1]);
}

TEST_F(SamplingTest, EveryEntryPointIsSampled) {
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetMemProfileRate(1);
  void* a = calloc(3, 5);
  void* b = aligned_alloc(64, 64);
  void* c = nullptr;
  ASSERT_EQ(posix_memalign(&c, 64, 48), 0);
  void* r = malloc(10);
  Escape(a);
  Escape(b);
  Escape(r);
  void* r2 = realloc(r, 3000);  // reports the free of r, samples r2
  Escape(r2);
  SetMemProfileRate(0);
  std::vector<Recorded> allocs = TakeAllocs();
  std::vector<size_t> sizes;
  for (const Recorded& rec : allocs) sizes.push_back(rec.size);
  const std::vector<size_t> want =
      UnderTsan() ? std::vector<size_t>{15, 10, 3000}
                  : std::vector<size_t>{15, 64, 48, 10, 3000};
  EXPECT_EQ(sizes, want);
  std::vector<std::pair<void*, size_t>> frees = TakeFrees();
  ASSERT_EQ(frees.size(), 1u);
  EXPECT_EQ(frees[0].first, r);
  EXPECT_EQ(frees[0].second, 10u);
  free(a);
  free(b);
  free(c);
  free(r2);
  EXPECT_EQ(TakeFrees().size(), UnderTsan() ? 2u : 4u);
  EXPECT_EQ(SampledLiveCount(), 0u);
}

bool EmptyBounds(uintptr_t* lo, uintptr_t* hi) {
  *lo = *hi = 0;
  return true;
}

TEST_F(SamplingTest, StackBoundsFuncDecidesTheWalk) {
  if (UnderSanitizer()) GTEST_SKIP() << "sanitizer builds unwind by CFI";
  // A goroutine's bounds come from the runtime; bounds that exclude every
  // frame give an empty stack, and null restores the thread's bounds.
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetStackBoundsFunc(EmptyBounds);
  SetMemProfileRate(1);
  void* p = AllocateForSample(10);
  SetStackBoundsFunc(nullptr);
  void* q = AllocateForSample(10);
  SetMemProfileRate(0);
  std::vector<Recorded> allocs = TakeAllocs();
  ASSERT_EQ(allocs.size(), 2u);
  EXPECT_TRUE(allocs[0].pcs.empty());
  EXPECT_FALSE(allocs[1].pcs.empty());
  free(p);
  free(q);
}

TEST_F(SamplingTest, ForkedChildKeepsCountingAndSampling) {
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetMemProfileRate(1);
  void* before = AllocateForSample(32);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const MemStats a = ReadMemStats();
    void* p = AllocateForSample(64);
    free(p);
    free(before);  // sampled in the parent: reported in the child too
    const MemStats b = ReadMemStats();
    const bool ok = b.mallocs - a.mallocs >= 1 && b.frees - a.frees >= 2 &&
                    SampledLiveCount() == 0;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  SetMemProfileRate(0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  free(before);
  EXPECT_EQ(SampledLiveCount(), 0u);
}

TEST_F(SamplingTest, RateZeroSamplesNothing) {
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetMemProfileRate(0);
  for (int i = 0; i < 1000; i++) free(AllocateForSample(1 << 16));
  EXPECT_TRUE(TakeAllocs().empty());
}

TEST_F(SamplingTest, OtherThreadsSeeARateChange) {
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetMemProfileRate(0);
  std::atomic<int> phase{0};
  void* p = nullptr;
  std::thread t([&] {
    free(AllocateForSample(100));  // draws its distance at rate 0
    phase.store(1);
    while (phase.load() != 2) std::this_thread::yield();
    p = AllocateForSample(100);
    phase.store(3);
  });
  while (phase.load() != 1) std::this_thread::yield();
  SetMemProfileRate(1);
  phase.store(2);
  while (phase.load() != 3) std::this_thread::yield();
  t.join();
  SetMemProfileRate(0);
  std::vector<Recorded> allocs = TakeAllocs();
  bool found = false;
  for (const Recorded& r : allocs) found |= r.ptr == p && r.size == 100;
  EXPECT_TRUE(found);
  free(p);
}

// Allocations made by a hook are neither counted nor sampled (no recursion):
// they are the profiler's bookkeeping, which Go's MemStats leave out too.
uintptr_t AllocatingHook(void*, size_t, const uintptr_t*, int) {
  std::string* s = new std::string(200, 'x');
  Escape(s->data());
  delete s;
  return 0;
}

TEST_F(SamplingTest, HookMayAllocate) {
  SetMemProfileHooks({AllocatingHook, nullptr});
  SetMemProfileRate(1);
  Delta d = Measure([] { free(AllocateForSample(10)); });
  SetMemProfileRate(0);
  EXPECT_EQ(d.mallocs, 1);  // the sample, not the hook's std::string
  EXPECT_EQ(d.frees, 1);
  EXPECT_EQ(SampledLiveCount(), 0u);
}

// The distance between samples is exponential with mean `rate` bytes (Go's
// fastexprand): with 1-byte allocations, the number of allocations between
// samples has mean ~rate and a standard deviation ~rate.
std::vector<uint64_t>* g_sample_index = nullptr;
uint64_t g_alloc_index = 0;

uintptr_t CountSample(void*, size_t, const uintptr_t*, int) {
  if (g_sample_index->size() < g_sample_index->capacity()) {
    g_sample_index->push_back(g_alloc_index);
  }
  return 0;
}

TEST_F(SamplingTest, DistanceIsExponentialWithTheRateAsMean) {
  constexpr int64_t kRate = 1000;
  constexpr uint64_t kAllocs = 3'000'000;
  std::vector<uint64_t> index;
  index.reserve(kAllocs / kRate * 2);
  g_sample_index = &index;
  g_alloc_index = 0;
  SetMemProfileHooks({CountSample, nullptr});
  SetMemProfileRate(kRate);
  for (; g_alloc_index < kAllocs; g_alloc_index++) {
    void* p = malloc(1);
    Escape(p);
    free(p);
  }
  SetMemProfileRate(0);
  SetMemProfileHooks({});
  g_sample_index = nullptr;
  ASSERT_GT(index.size(), 100u);
  std::vector<double> gaps;
  for (size_t i = 1; i < index.size(); i++) {
    gaps.push_back(static_cast<double>(index[i] - index[i - 1]));
  }
  double mean = 0;
  for (double g : gaps) mean += g;
  mean /= static_cast<double>(gaps.size());
  double var = 0;
  for (double g : gaps) var += (g - mean) * (g - mean);
  const double sd = std::sqrt(var / static_cast<double>(gaps.size()));
  // ~3000 gaps: the mean's standard error is ~1.8%; allow 4 sigma.
  EXPECT_NEAR(mean, kRate, kRate * 0.075) << "samples " << index.size();
  // Exponential: standard deviation equals the mean (not so for a fixed or
  // uniform distance).
  EXPECT_NEAR(sd / mean, 1.0, 0.1);
  // And the median is ln(2) of the mean.
  std::sort(gaps.begin(), gaps.end());
  const double median = gaps[gaps.size() / 2];
  EXPECT_NEAR(median / mean, std::log(2.0), 0.07);
}

TEST_F(SamplingTest, LargeAllocationsAreAlwaysSampled) {
  // A 64 MiB allocation is ~128 times the default rate: sampled with
  // probability 1 - exp(-128).
  SetMemProfileHooks({RecordAlloc, RecordFree});
  SetMemProfileRate(kDefaultMemProfileRate);
  void* p = malloc(64 << 20);
  Escape(p);
  SetMemProfileRate(0);
  std::vector<Recorded> allocs = TakeAllocs();
  ASSERT_EQ(allocs.size(), 1u);
  EXPECT_EQ(allocs[0].ptr, p);
  free(p);
  ASSERT_EQ(TakeFrees().size(), 1u);
}

TEST_F(SamplingTest, ManyLiveSamplesGrowTheSet) {
  std::vector<void*> ptrs;
  ptrs.reserve(5000);
  SetMemProfileHooks({nullptr, RecordFree});
  SetMemProfileRate(1);
  for (int i = 0; i < 5000; i++) ptrs.push_back(malloc(16 + i % 7));
  SetMemProfileRate(0);
  EXPECT_EQ(SampledLiveCount(), 5000u);
  for (void* p : ptrs) free(p);
  EXPECT_EQ(SampledLiveCount(), 0u);
  std::vector<std::pair<void*, size_t>> frees = TakeFrees();
  ASSERT_EQ(frees.size(), 5000u);
  for (int i = 0; i < 5000; i++) {
    EXPECT_EQ(frees[i].first, ptrs[i]);
    EXPECT_EQ(frees[i].second, static_cast<size_t>(16 + i % 7));
  }
}

// ---- The sampled heap (sampled_heap.h): where sampled blocks live ----

class SampledHeapTest : public SamplingTest {
 protected:
  void SetUp() override {
    if (UnderSanitizer()) GTEST_SKIP() << "the sanitizer owns the allocator";
    SamplingTest::SetUp();
    SetMemProfileHooks({RecordAlloc, RecordFree});
    live_ = SampledLiveCount();
  }
  void TearDown() override {
    if (UnderSanitizer()) return;
    SetMemProfileRate(0);
    EXPECT_EQ(SampledLiveCount(), live_);
    SamplingTest::TearDown();
  }
  size_t live_ = 0;
};

bool Filled(const void* p, size_t n, unsigned char c) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; i++) {
    if (b[i] != c) return false;
  }
  return true;
}

TEST_F(SampledHeapTest, SampledBlocksComeFromIt) {
  std::vector<std::pair<void*, size_t>> blocks;
  blocks.reserve(16);
  SetMemProfileRate(1);
  // Small class boundaries, and extents.
  for (size_t n : {0, 1, 15, 16, 17, 128, 129, 1000, 4096, 32768, 32769, 65536,
                   200000, 3 << 20}) {
    void* p = malloc(n);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(internal::InSampledHeap(p)) << n;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << n;
    EXPECT_GE(malloc_usable_size(p), n);
    memset(p, 0x5a, malloc_usable_size(p));  // all of it is usable
    blocks.push_back({p, n});
  }
  SetMemProfileRate(0);
  EXPECT_EQ(SampledLiveCount(), live_ + blocks.size());
  // The hook heard of each (among whatever else the test allocated).
  std::vector<Recorded> allocs = TakeAllocs();
  for (auto& [p, n] : blocks) {
    EXPECT_TRUE(std::any_of(allocs.begin(), allocs.end(), [&](auto& r) {
      return r.ptr == p && r.size == n;
    })) << n;
  }
  TakeFrees();
  for (auto& [p, n] : blocks) free(p);
  EXPECT_EQ(TakeFrees(), blocks);
  // Unsampled blocks are glibc's.
  SetMemProfileRate(0);
  void* q = malloc(100);
  Escape(q);
  EXPECT_FALSE(internal::InSampledHeap(q));
  free(q);
}

TEST_F(SampledHeapTest, Alignments) {
  SetMemProfileRate(1);
  for (size_t align : {32, 64, 256, 1024, 4096}) {
    for (size_t n : {1, 100, 5000, 70000}) {
      void* a = aligned_alloc(align, n);
      void* m = memalign(align, n);
      void* pm = nullptr;
      ASSERT_EQ(posix_memalign(&pm, align, n), 0);
      void* nw = ::operator new(n, std::align_val_t(align));
      for (void* p : {a, m, pm, nw}) {
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(internal::InSampledHeap(p)) << align << " " << n;
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % align, 0u)
            << align << " " << n;
        memset(p, 1, n);
        Escape(p);
      }
      free(a);
      free(m);
      free(pm);
      ::operator delete(nw, std::align_val_t(align));
    }
  }
  void* v = valloc(10);
  EXPECT_TRUE(internal::InSampledHeap(v));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v) % sysconf(_SC_PAGESIZE), 0u);
  free(v);
  // Beyond the heap's alignment, and pvalloc: glibc's blocks, sampled all
  // the same (their frees found through the set).
  void* big = nullptr;
  ASSERT_EQ(posix_memalign(&big, 8192, 100), 0);
  void* pv = pvalloc(100);
  EXPECT_FALSE(internal::InSampledHeap(big));
  EXPECT_FALSE(internal::InSampledHeap(pv));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big) % 8192, 0u);
  EXPECT_EQ(SampledLiveCount(), live_ + 2);
  TakeFrees();
  free(big);
  free(pv);
  EXPECT_EQ(TakeFrees().size(), 2u);
}

TEST_F(SampledHeapTest, CallocZeroesAReusedBlock) {
  SetMemProfileRate(1);
  for (size_t n : {48, 3000, 100000, 5 << 20}) {
    void* p = malloc(n);
    memset(p, 0xab, n);
    Escape(p);  // keep the writes the calloc below must clear
    free(p);
    // The freed block is the first its class hands out again.
    void* q = calloc(1, n);
    EXPECT_EQ(q, p) << n;
    EXPECT_TRUE(Filled(q, n, 0)) << n;
    free(q);
  }
}

TEST_F(SampledHeapTest, ReallocMovesBetweenHeaps) {
  // glibc -> sampled heap: the contents move.
  SetMemProfileRate(0);
  char* p = static_cast<char*>(malloc(300));
  memset(p, 7, 300);
  SetMemProfileRate(1);
  char* q = static_cast<char*>(realloc(p, 5000));
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(internal::InSampledHeap(q));
  EXPECT_TRUE(Filled(q, 300, 7));
  memset(q, 8, 5000);
  // Sampled heap -> sampled heap, shrinking.
  char* r = static_cast<char*>(realloc(q, 40));
  EXPECT_TRUE(internal::InSampledHeap(r));
  EXPECT_TRUE(Filled(r, 40, 8));
  // Sampled heap -> glibc: the old block's free is reported.
  SetMemProfileRate(0);
  TakeFrees();
  const uintptr_t r_address = reinterpret_cast<uintptr_t>(r);
  char* s = static_cast<char*>(realloc(r, 100000));
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(internal::InSampledHeap(s));
  EXPECT_TRUE(Filled(s, 40, 8));
  std::vector<std::pair<void*, size_t>> frees = TakeFrees();
  ASSERT_EQ(frees.size(), 1u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(frees[0].first), r_address);
  EXPECT_EQ(frees[0].second, 40u);
  // realloc to 0 frees, as glibc's does.
  SetMemProfileRate(1);
  void* t = malloc(10);
  EXPECT_EQ(realloc(t, 0), nullptr);
  free(s);
}

TEST_F(SampledHeapTest, ReallocCountsAsAllocationAndFree) {
  SetMemProfileRate(1);
  void* p = malloc(100);
  Delta d = Measure([&] { p = realloc(p, 200); });
  EXPECT_EQ(d.mallocs, 1);
  EXPECT_EQ(d.frees, 1);
  EXPECT_EQ(d.bytes, 200);
  d = Measure([&] { free(p); });
  EXPECT_EQ(d.frees, 1);
}

TEST_F(SampledHeapTest, ExtentPagesGoBackToTheKernel) {
  SetMemProfileRate(1);
  const size_t n = 64 << 20;
  auto rss_kib = [] {
    FILE* f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    EXPECT_EQ(fscanf(f, "%ld %ld", &size, &resident), 2);
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE) / 1024;
  };
  void* p = malloc(n);
  memset(p, 1, n);
  Escape(p);  // the optimizer must not drop the pages' writes
  const long touched = rss_kib();
  free(p);
  const long released = rss_kib();
  // 64 MiB were resident; after the free, at most the first page is.
  EXPECT_GT(touched - released, 60 * 1024) << touched << " " << released;
}

TEST_F(SampledHeapTest, ManyThreadsAllocateAndFreeAcrossThreads) {
  SetMemProfileRate(1);
  constexpr int kThreads = 4;
  constexpr int kBlocks = 3000;
  std::vector<std::vector<std::pair<unsigned char*, size_t>>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([t, &made] {
      uint64_t x = 0x9E3779B97F4A7C15ull * (t + 1);
      for (int i = 0; i < kBlocks; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const size_t n = 1 + x % (i % 50 == 0 ? 200000 : 2000);
        auto* p = static_cast<unsigned char*>(malloc(n));
        memset(p, t + 1, n);
        if (i % 2 == 0) {
          made[t].push_back({p, n});  // freed by another thread
        } else {
          ASSERT_TRUE(Filled(p, n, t + 1));
          free(p);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  threads.clear();
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([t, &made] {
      for (auto& [p, n] : made[(t + 1) % kThreads]) {
        EXPECT_TRUE(internal::InSampledHeap(p));
        EXPECT_TRUE(Filled(p, n, (t + 1) % kThreads + 1));
        free(p);
      }
    });
  }
  for (std::thread& th : threads) th.join();
}

TEST_F(SampledHeapTest, OwnsOnlyWhatItCarved) {
  SetMemProfileRate(1);
  char* p = static_cast<char*>(malloc(100));
  SetMemProfileRate(0);
  ASSERT_TRUE(internal::InSampledHeap(p));
  EXPECT_TRUE(internal::SampledHeapOwns(p));
  EXPECT_TRUE(internal::SampledHeapOwns(p + 8));
  const uintptr_t window = internal::g_sampled_heap_key.load()
                           << internal::kSampledHeapShift;
  const uintptr_t half = uintptr_t{1} << (internal::kSampledHeapShift - 1);
  // The window's uncarved end, and the records half: another mapping there
  // would be glibc's business (free hands it to glibc).
  EXPECT_TRUE(
      internal::InSampledHeap(reinterpret_cast<void*>(window + half - 16)));
  EXPECT_FALSE(
      internal::SampledHeapOwns(reinterpret_cast<void*>(window + half - 16)));
  EXPECT_FALSE(
      internal::SampledHeapOwns(reinterpret_cast<void*>(window + half + 16)));
  EXPECT_FALSE(internal::SampledHeapOwns(reinterpret_cast<void*>(window - 16)));
  free(p);
}

TEST_F(SampledHeapTest, DoubleFreeIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  SetMemProfileRate(1);
  void* p = malloc(64);
  char* q = static_cast<char*>(malloc(64));
  SetMemProfileRate(0);  // what EXPECT_DEATH allocates is not sampled
  ASSERT_TRUE(internal::InSampledHeap(p));
  ASSERT_TRUE(internal::InSampledHeap(q));
  void* again = p;
  asm volatile("" : "+r"(again));  // the compiler need not know it is freed
  free(p);
  EXPECT_DEATH(free(again), "free\\(\\): invalid pointer");
  char* inside = q + 16;
  asm volatile("" : "+r"(inside));
  EXPECT_DEATH(free(inside), "free\\(\\): invalid pointer");
  free(q);
}

}  // namespace
}  // namespace go::runtime
