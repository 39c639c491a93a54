#include "runtime/malloc.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>

#include "runtime/sampled_heap.h"
#include "runtime/traceback.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GOTEST_MALLOC_SANITIZER_HOOKS 1
#include <link.h>
#include <unwind.h>
#else
#define GOTEST_MALLOC_SANITIZER_HOOKS 0
#endif

// glibc's allocator, which the interposer forwards to.
extern "C" {
void* __libc_malloc(size_t size);
void __libc_free(void* ptr);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* ptr, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void* __libc_valloc(size_t size);
void* __libc_pvalloc(size_t size);
}

namespace go::runtime {
namespace {

// ---- Per-thread counters ----

// One thread's counters. Only the owning thread writes them (plain load +
// store, no locked instruction); readers load them relaxed. Blocks are never
// freed: an exited thread's block is handed to the next new thread, which
// keeps adding to it.
struct alignas(64) ThreadBlock {
  std::atomic<uint64_t> mallocs{0};
  std::atomic<uint64_t> frees{0};
  std::atomic<uint64_t> bytes{0};
  ThreadBlock* next_all = nullptr;   // immutable once published
  ThreadBlock* next_free = nullptr;  // guarded by g_registry_mu
};

enum ThreadStateKind : uint8_t {
  kNew = 0,          // no block yet
  kRegistering = 1,  // getting a block (allocations count globally)
  kActive = 2,       // counting into `block`
  kExited = 3,       // block released at thread exit (count globally)
  kInHook = 4,       // in a profiler hook: nothing is counted (EnterHook)
};

// Everything malloc needs per thread: constant-initialized, so access is a
// plain %fs-relative load with no TLS wrapper or constructor.
struct ThreadState {
  ThreadBlock* block;
  int64_t next_sample;  // bytes to allocate before the next sample
  uint64_t rng;         // xorshift64* state; 0 = not seeded
  uint32_t sample_gen;  // g_sample_gen when next_sample was drawn
  uint8_t kind;
  bool in_hook;  // inside a profiler hook or stack capture: don't sample
};

constinit thread_local ThreadState tls
    __attribute__((tls_model("initial-exec"))) = {};

// Allocations of threads without a block (registering or exited).
constinit std::atomic<uint64_t> g_orphan_mallocs{0};
constinit std::atomic<uint64_t> g_orphan_frees{0};
constinit std::atomic<uint64_t> g_orphan_bytes{0};

constinit std::atomic<ThreadBlock*> g_all_blocks{nullptr};
// std::mutex is constant-initialized and trivially destructible (no static
// constructor), does not allocate, and is understood by TSan.
constinit std::mutex g_registry_mu;
ThreadBlock* g_free_blocks = nullptr;  // guarded by g_registry_mu
ThreadBlock* g_chunk_next = nullptr;   // guarded by g_registry_mu
ThreadBlock* g_chunk_end = nullptr;    // guarded by g_registry_mu
pthread_key_t g_exit_key;              // set once under g_registry_mu
bool g_exit_key_tried = false;         // guarded by g_registry_mu
bool g_exit_key_ok = false;            // guarded by g_registry_mu

inline void Bump(std::atomic<uint64_t>& c, uint64_t n) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

void* MapPages(size_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

void ThreadExit(void* arg) {
  ThreadBlock* block = static_cast<ThreadBlock*>(arg);
  tls.kind = kExited;
  tls.block = nullptr;
  std::lock_guard<std::mutex> lock(g_registry_mu);
  block->next_free = g_free_blocks;
  g_free_blocks = block;
}

void InstallForkHandlers();

// Gives the calling thread a block. Allocations made meanwhile (pthread's
// key storage) see kRegistering and count globally.
__attribute__((noinline)) void RegisterThread() {
  tls.kind = kRegistering;
  ThreadBlock* block = nullptr;
  bool key_ok;
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(g_registry_mu);
    if (g_free_blocks != nullptr) {
      block = g_free_blocks;
      g_free_blocks = block->next_free;
      block->next_free = nullptr;
    } else {
      if (g_chunk_next == g_chunk_end) {
        constexpr size_t kChunk = 64 * 1024;
        void* mem = MapPages(kChunk);
        if (mem != nullptr) {
          g_chunk_next = static_cast<ThreadBlock*>(mem);
          g_chunk_end = g_chunk_next + kChunk / sizeof(ThreadBlock);
        }
      }
      if (g_chunk_next != g_chunk_end) {
        block = new (g_chunk_next++) ThreadBlock;
        block->next_all = g_all_blocks.load(std::memory_order_relaxed);
        g_all_blocks.store(block, std::memory_order_release);
      }
    }
    if (!g_exit_key_tried) {
      g_exit_key_tried = true;
      first = true;
      g_exit_key_ok = pthread_key_create(&g_exit_key, ThreadExit) == 0;
    }
    key_ok = g_exit_key_ok;
  }
  // pthread_atfork allocates: outside the lock (its allocations count
  // globally while this thread is registering).
  if (first) InstallForkHandlers();
  if (block == nullptr) {  // out of memory: count globally from now on
    tls.kind = kExited;
    return;
  }
  // Without the key the block is never recycled (a thread's worth of bytes).
  if (key_ok) pthread_setspecific(g_exit_key, block);
  tls.block = block;
  tls.kind = kActive;
}

__attribute__((noinline)) void CountSlow(uint64_t mallocs, uint64_t frees,
                                         uint64_t bytes) {
  if (tls.kind == kInHook) return;
  if (tls.kind == kNew) RegisterThread();
  if (tls.kind == kActive) {
    ThreadBlock* b = tls.block;
    Bump(b->mallocs, mallocs);
    Bump(b->frees, frees);
    Bump(b->bytes, bytes);
    return;
  }
  g_orphan_mallocs.fetch_add(mallocs, std::memory_order_relaxed);
  g_orphan_frees.fetch_add(frees, std::memory_order_relaxed);
  g_orphan_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

// ---- Sampling ----

constinit std::atomic<int64_t> g_rate{kDefaultMemProfileRate};
// Bumped by SetMemProfileRate so every thread redraws its distance. Starts
// at 1 so a new thread (sample_gen 0) draws on its first allocation.
constinit std::atomic<uint32_t> g_sample_gen{1};

using AllocHook = uintptr_t (*)(void*, size_t, const uintptr_t*, int);
using FreeHook = void (*)(void*, size_t, uintptr_t);
constinit std::atomic<AllocHook> g_on_alloc{nullptr};
constinit std::atomic<FreeHook> g_on_free{nullptr};
constinit std::atomic<StackBoundsFunc> g_stack_bounds{nullptr};

uint64_t NextRandom(ThreadState& t) {
  if (t.rng == 0) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t.rng = (static_cast<uint64_t>(ts.tv_nsec) * 0x9E3779B97F4A7C15ull) ^
            reinterpret_cast<uintptr_t>(&t) ^ static_cast<uint64_t>(ts.tv_sec);
    if (t.rng == 0) t.rng = 1;
  }
  uint64_t x = t.rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  t.rng = x;
  return x * 0x2545F4914F6CDD1Dull;
}

// Go's nextSample/fastexprand (runtime/malloc.go): an exponentially
// distributed distance with the given mean, from 26 random bits.
int64_t DrawNextSample(ThreadState& t) {
  int64_t rate = g_rate.load(std::memory_order_relaxed);
  if (rate <= 0) return INT64_MAX;
  if (rate == 1) return 0;
  if (rate > 0x7000000) rate = 0x7000000;  // Go: avoid overflow
  constexpr int kRandomBitCount = 26;
  const uint64_t q = (NextRandom(t) >> (64 - kRandomBitCount)) + 1;
  double qlog = std::log2(static_cast<double>(q)) - kRandomBitCount;
  if (qlog > 0) qlog = 0;
  constexpr double kMinusLog2 = -0.6931471805599453;
  return static_cast<int64_t>(qlog * (kMinusLog2 * static_cast<double>(rate))) +
         1;
}

// The sampled glibc blocks (under a sanitizer, every sampled block; else
// only those sampled while the sampled heap could not serve them): open
// addressing, linear probing, in mmap'd memory, guarded by g_set_mu.
// ptr 0 = empty, 1 = deleted.
struct SampleEntry {
  uintptr_t ptr;
  uintptr_t size;
  uintptr_t cookie;
  uintptr_t size_class;  // SizeClass(ptr) when it was sampled
};
constexpr uintptr_t kEmpty = 0;
constexpr uintptr_t kDeleted = 1;

constinit std::mutex g_set_mu;
SampleEntry* g_set = nullptr;  // guarded by g_set_mu
size_t g_set_cap = 0;          // guarded by g_set_mu; a power of two
size_t g_set_used = 0;         // live + deleted; guarded by g_set_mu
constinit std::atomic<size_t> g_set_live{0};

// A counting filter over sampled addresses, read without the lock: a free
// whose slot is 0 was never sampled. Counts saturate (then the slot always
// says "maybe", which only costs a lookup).
constexpr int kFilterBits = 16;
constinit std::atomic<uint16_t> g_filter[1 << kFilterBits] = {};

// The first stage of the free-side check, before the filter: one bit per
// class of glibc chunk size (the size word just below the pointer, which
// glibc's free reads next anyway, so reading it costs no cache miss), set
// while a sampled block of that class is live. A free whose class has no live
// sample needs no filter lookup: the filter is 128 KiB, and its random slot
// is usually a cache miss (a few percent of an allocation-heavy program's
// time). Under the sanitizers the chunk layout is theirs: one class.
constinit std::atomic<uint64_t> g_class_mask{0};
uint32_t g_class_live[64] = {};  // guarded by g_set_mu

inline uintptr_t SizeClass(uintptr_t p) {
#if GOTEST_MALLOC_SANITIZER_HOOKS
  (void)p;
  return 0;
#else
  // glibc's chunk size (a multiple of 16, plus flag bits) in 16-byte units.
  return (reinterpret_cast<const uintptr_t*>(p)[-1] >> 4) & 63;
#endif
}

inline size_t HashPtr(uintptr_t p, int bits) {
  return static_cast<size_t>(((p >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

inline std::atomic<uint16_t>& FilterSlot(uintptr_t p) {
  return g_filter[HashPtr(p, kFilterBits)];
}

int Log2(size_t cap) { return 63 - __builtin_clzll(cap); }

// Requires g_set_mu. Returns false if memory ran out (the sample is dropped).
bool SetGrow() {
  size_t live = g_set_live.load(std::memory_order_relaxed);
  size_t cap = g_set_cap == 0 ? 1024 : g_set_cap;
  while (live * 2 >= cap) cap *= 2;
  SampleEntry* fresh =
      static_cast<SampleEntry*>(MapPages(cap * sizeof(SampleEntry)));
  if (fresh == nullptr) return false;
  const int bits = Log2(cap);
  for (size_t i = 0; i < g_set_cap; i++) {
    const SampleEntry& e = g_set[i];
    if (e.ptr == kEmpty || e.ptr == kDeleted) continue;
    size_t j = HashPtr(e.ptr, bits);
    while (fresh[j].ptr != kEmpty) j = (j + 1) & (cap - 1);
    fresh[j] = e;
  }
  if (g_set != nullptr) munmap(g_set, g_set_cap * sizeof(SampleEntry));
  g_set = fresh;
  g_set_cap = cap;
  g_set_used = live;
  return true;
}

// Adds a sampled glibc block, and counts it in the class mask and the
// filter that free consults. Returns false if the set could not grow (the
// sample is dropped).
bool SetInsert(uintptr_t ptr, size_t size, uintptr_t cookie) {
  std::lock_guard<std::mutex> lock(g_set_mu);
  if ((g_set_used + 1) * 2 > g_set_cap && !SetGrow()) return false;
  const int bits = Log2(g_set_cap);
  size_t i = HashPtr(ptr, bits);
  while (g_set[i].ptr != kEmpty && g_set[i].ptr != kDeleted) {
    i = (i + 1) & (g_set_cap - 1);
  }
  if (g_set[i].ptr == kEmpty) g_set_used++;
  const uintptr_t size_class = SizeClass(ptr);
  g_set[i] = {ptr, size, cookie, size_class};
  if (g_class_live[size_class]++ == 0) {
    g_class_mask.fetch_or(uint64_t{1} << size_class, std::memory_order_relaxed);
  }
  std::atomic<uint16_t>& slot = FilterSlot(ptr);
  const uint16_t c = slot.load(std::memory_order_relaxed);
  if (c != UINT16_MAX) slot.store(c + 1, std::memory_order_relaxed);
  g_set_live.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool SetRemove(uintptr_t ptr, SampleEntry* out) {
  std::lock_guard<std::mutex> lock(g_set_mu);
  if (g_set_cap == 0) return false;
  const int bits = Log2(g_set_cap);
  for (size_t i = HashPtr(ptr, bits);; i = (i + 1) & (g_set_cap - 1)) {
    if (g_set[i].ptr == kEmpty) return false;
    if (g_set[i].ptr == ptr) {
      *out = g_set[i];
      g_set[i].ptr = kDeleted;
      if (--g_class_live[out->size_class] == 0) {
        g_class_mask.fetch_and(~(uint64_t{1} << out->size_class),
                               std::memory_order_relaxed);
      }
      std::atomic<uint16_t>& slot = FilterSlot(ptr);
      const uint16_t c = slot.load(std::memory_order_relaxed);
      if (c != UINT16_MAX) slot.store(c - 1, std::memory_order_relaxed);
      g_set_live.fetch_sub(1, std::memory_order_relaxed);
      return true;
    }
  }
}

// A fork while another thread holds one of this library's locks would leave
// it locked forever in the child: hold them all across fork (none is ever
// held while calling into the allocator or taking another, so this cannot
// deadlock).
void ForkPrepare() {
  g_registry_mu.lock();
  g_set_mu.lock();
  internal::SampledHeapLockAll();
}
void ForkParent() {
  internal::SampledHeapUnlockAll();
  g_set_mu.unlock();
  g_registry_mu.unlock();
}
void InstallForkHandlers() {
  pthread_atfork(ForkPrepare, ForkParent, ForkParent);
}

#if GOTEST_MALLOC_SANITIZER_HOOKS
// The sanitizer runtime's text, whose frames lead a sampled stack.
uintptr_t g_san_lo = 0;
uintptr_t g_san_hi = 0;

// The sanitizer runtimes are built without frame pointers, so a
// frame-pointer walk from a hook stops inside them (measured: 1 frame).
// Under a sanitizer, sampled stacks come from libgcc's CFI unwinder instead
// (it may take the loader lock and allocate on first use: fine here, the
// hook flag is set and the allocator holds no lock when it calls a hook).
struct UnwindState {
  uintptr_t* pcs;
  int max;
  int skip;
  int n;
};

_Unwind_Reason_Code UnwindOne(_Unwind_Context* ctx, void* arg) {
  UnwindState* st = static_cast<UnwindState*>(arg);
  const uintptr_t ip = _Unwind_GetIP(ctx);
  if (ip == 0) return _URC_END_OF_STACK;
  if (st->skip > 0) {
    st->skip--;
    return _URC_NO_REASON;
  }
  st->pcs[st->n++] = ip;
  return st->n == st->max ? _URC_END_OF_STACK : _URC_NO_REASON;
}

// Return addresses of the callers, `skip` frames above this function's
// caller first; sanitizer-runtime frames at the top are dropped, and
// pcs[0] is made to point into its call instruction (CaptureStack's
// convention).
__attribute__((noinline)) int UnwindStack(uintptr_t* pcs, int max, int skip) {
  // Frame 0 is this function, frame 1 its caller.
  UnwindState st{pcs, max, skip + 2, 0};
  _Unwind_Backtrace(UnwindOne, &st);
  int first = 0;
  while (first < st.n && pcs[first] >= g_san_lo && pcs[first] < g_san_hi) {
    first++;
  }
  const int n = st.n - first;
  for (int i = 0; i < n; i++) pcs[i] = pcs[first + i];
  if (n > 0) pcs[0] -= 1;
  asm volatile("" ::: "memory");  // not a tail call: keep the frame count
  return n;
}
#endif

// A profiler hook's own allocations and frees are its bookkeeping, not the
// program's: Go's MemStats do not count them either (its profiler allocates
// off the counted heap), so B/op and allocs/op stay exact while the heap
// profile is on. The fast paths test only `kind == kActive`, so switching
// kind for the hook's duration costs them nothing.
uint8_t EnterHook() {
  ThreadState& t = tls;
  t.in_hook = true;
  const uint8_t kind = t.kind;
  if (kind == kActive) t.kind = kInHook;
  return kind;
}

void LeaveHook(uint8_t kind) {
  ThreadState& t = tls;
  if (t.kind == kInHook) t.kind = kind;
  t.in_hook = false;
}

// Records a sampled allocation: its stack goes to the on_alloc hook, and
// the hook's cookie to the block's record (a sampled-heap block, `in_heap`)
// or to the set (a glibc block). The stack starts in the code that called
// the allocator: `frames_above` of our frames (the entry point's included)
// lie between this function and that code. Returns false if a glibc block
// could not be tracked (out of memory): the sample is dropped.
__attribute__((noinline)) bool Sample(void* ptr, size_t size, int frames_above,
                                      bool in_heap) {
  const AllocHook on_alloc = g_on_alloc.load(std::memory_order_acquire);
  const FreeHook on_free = g_on_free.load(std::memory_order_acquire);
  if (on_alloc == nullptr && on_free == nullptr) return true;
  uintptr_t cookie = 0;
  if (on_alloc != nullptr) {
    const uint8_t kind = EnterHook();
    uintptr_t pcs[kMaxSampleStackDepth];
    int n;
#if GOTEST_MALLOC_SANITIZER_HOOKS
    n = UnwindStack(pcs, kMaxSampleStackDepth, frames_above);
#else
    uintptr_t lo, hi;
    const StackBoundsFunc bounds =
        g_stack_bounds.load(std::memory_order_acquire);
    // CaptureStack skips its caller (this function) and the frames above.
    if (bounds != nullptr && bounds(&lo, &hi)) {
      n = internal::CaptureStack(pcs, kMaxSampleStackDepth, frames_above + 1,
                                 lo, hi);
    } else {
      n = internal::CaptureStack(pcs, kMaxSampleStackDepth, frames_above + 1);
    }
#endif
    cookie = on_alloc(ptr, size, pcs, n);
    LeaveHook(kind);
  }
  if (in_heap) {  // its record was made with cookie 0
    if (cookie != 0) internal::SampledHeapSetCookie(ptr, cookie);
    return true;
  }
  return SetInsert(reinterpret_cast<uintptr_t>(ptr), size, cookie);
}

// The slow half of the sampling decision: the rate changed (redraw the
// distance) or the distance ran out. True if this allocation of `size`
// bytes is to be sampled: never inside a hook, and only while a hook is
// installed to hear of it (without one, sampling draws its distances but
// records nothing).
__attribute__((noinline)) bool SampleDueSlow(size_t size) {
  ThreadState& t = tls;
  const uint32_t gen = g_sample_gen.load(std::memory_order_relaxed);
  if (t.sample_gen != gen) {
    t.sample_gen = gen;
    t.next_sample = DrawNextSample(t);
    if (static_cast<int64_t>(size) < t.next_sample) {
      t.next_sample -= static_cast<int64_t>(size);
      return false;
    }
  }
  t.next_sample = DrawNextSample(t);
  return !t.in_hook && (g_on_alloc.load(std::memory_order_relaxed) != nullptr ||
                        g_on_free.load(std::memory_order_relaxed) != nullptr);
}

// Whether an allocation of `size` bytes is to be sampled: Go's countdown of
// bytes to the next sample, on the thread's own state.
__attribute__((always_inline)) inline bool SampleDue(size_t size) {
  ThreadState& t = tls;
  const int64_t s = static_cast<int64_t>(size);
  if (__builtin_expect(
          s < t.next_sample &&
              t.sample_gen == g_sample_gen.load(std::memory_order_relaxed),
          1)) {
    t.next_sample -= s;
    return false;
  }
  return SampleDueSlow(size);
}

// Counts a successful allocation of `size` bytes.
__attribute__((always_inline)) inline void CountMalloc(size_t size) {
  ThreadState& t = tls;
  if (__builtin_expect(t.kind == kActive, 1)) {
    ThreadBlock* b = t.block;
    Bump(b->mallocs, 1);
    Bump(b->bytes, size);
  } else {
    CountSlow(1, 0, size);
  }
}

// Counts a free.
__attribute__((always_inline)) inline void CountOneFree() {
  ThreadState& t = tls;
  if (__builtin_expect(t.kind == kActive, 1)) {
    Bump(t.block->frees, 1);
  } else {
    CountSlow(0, 1, 0);
  }
}

// Tells the on_free hook that a sampled block is gone (not from inside a
// hook: a hook's own frees are its bookkeeping).
void ReportFree(void* ptr, size_t size, uintptr_t cookie) {
  if (tls.in_hook) return;
  const FreeHook on_free = g_on_free.load(std::memory_order_acquire);
  if (on_free == nullptr) return;
  const uint8_t kind = EnterHook();
  on_free(ptr, size, cookie);
  LeaveHook(kind);
}

// A free of a glibc block that was sampled: forget it, then tell the hook.
__attribute__((noinline)) void SampledFree(void* ptr) {
  SampleEntry e;
  if (SetRemove(reinterpret_cast<uintptr_t>(ptr), &e)) {
    ReportFree(ptr, e.size, e.cookie);
  }
}

// Counts a free of a non-null glibc block, and forgets it if it was
// sampled. Must run before the block goes back to glibc, so that a sampled
// address leaves the set before it can be handed out again. Only blocks
// sampled while the sampled heap was unavailable (or, under a sanitizer,
// every sampled block) are in glibc's heap: while none is live the mask is
// 0 and the check reads nothing but it.
__attribute__((always_inline)) inline void CountFree(void* ptr) {
  CountOneFree();
  const uint64_t mask = g_class_mask.load(std::memory_order_relaxed);
  if (__builtin_expect(mask != 0, 0) &&
      ((mask >> SizeClass(reinterpret_cast<uintptr_t>(ptr))) & 1) != 0 &&
      FilterSlot(reinterpret_cast<uintptr_t>(ptr))
              .load(std::memory_order_relaxed) != 0) {
    SampledFree(ptr);
  }
}

#if GOTEST_MALLOC_SANITIZER_HOOKS
// Counts an allocation the sanitizer made and samples it if it is due.
__attribute__((always_inline)) inline void CountAlloc(void* ptr, size_t size) {
  CountMalloc(size);
  if (__builtin_expect(SampleDue(size), 0)) {
    Sample(ptr, size, /*frames_above=*/1, /*in_heap=*/false);
    asm volatile("" ::: "memory");  // keep the hook's frame
  }
}
#else
[[noreturn]] void Fatal(const char* msg) {
  // What glibc does with a pointer it did not hand out.
  const ssize_t ignored = write(2, msg, strlen(msg));
  (void)ignored;
  abort();
}

// How a sampled allocation is made when the sampled heap cannot serve it
// (unavailable, used up, or an alignment over kSampledHeapMaxAlign).
enum class Via : uint8_t { kMalloc, kCalloc, kMemalign, kValloc, kPvalloc };

// Makes an allocation that SampleDue chose: from the sampled heap if it
// can, else from glibc (tracked by the set and filter), then counts and
// records it. `frames_above`: our frames above this one (see Sample).
__attribute__((noinline)) void* SampledAlloc(size_t size, size_t align, Via via,
                                             int frames_above) {
  void* p = nullptr;
  if (via != Via::kPvalloc) {  // pvalloc rounds the size: left to glibc
    p = internal::SampledHeapAlloc(size, align <= 16 ? 0 : align,
                                   via == Via::kCalloc);
  }
  if (p != nullptr) {
    CountMalloc(size);
    Sample(p, size, frames_above + 1, /*in_heap=*/true);
    return p;
  }
  switch (via) {
    case Via::kMalloc:
      p = __libc_malloc(size);
      break;
    case Via::kCalloc:
      p = __libc_calloc(1, size);
      break;
    case Via::kMemalign:
      p = __libc_memalign(align, size);
      break;
    case Via::kValloc:
      p = __libc_valloc(size);
      break;
    case Via::kPvalloc:
      p = __libc_pvalloc(size);
      break;
  }
  if (p == nullptr) return nullptr;
  CountMalloc(size);
  Sample(p, size, frames_above + 1, /*in_heap=*/false);
  return p;
}

// Frees a block in the sampled heap's window: counts it, returns it to the
// heap, tells the hook.
__attribute__((noinline)) void FreeSampled(void* ptr) {
  if (!internal::SampledHeapOwns(ptr)) {  // another mapping in the window
    CountFree(ptr);
    __libc_free(ptr);
    return;
  }
  size_t size;
  uintptr_t cookie;
  if (!internal::SampledHeapFree(ptr, &size, &cookie)) {
    Fatal("free(): invalid pointer (not a live block of the sampled heap)\n");
  }
  CountOneFree();
  ReportFree(ptr, size, cookie);
}

// Frees any non-null block (the body of free()).
__attribute__((always_inline)) inline void FreeAny(void* ptr) {
  if (__builtin_expect(internal::InSampledHeap(ptr), 0)) {
    FreeSampled(ptr);
    return;
  }
  CountFree(ptr);
  __libc_free(ptr);
}

using UsableSizeFn = size_t (*)(void*);
constinit std::atomic<UsableSizeFn> g_glibc_usable_size{nullptr};

// glibc's malloc_usable_size (ours, below, answers for sampled blocks).
size_t GlibcUsableSize(void* p) {
  UsableSizeFn fn = g_glibc_usable_size.load(std::memory_order_acquire);
  if (fn == nullptr) {
    fn = reinterpret_cast<UsableSizeFn>(dlsym(RTLD_NEXT, "malloc_usable_size"));
    if (fn == nullptr) Fatal("malloc: glibc's malloc_usable_size not found\n");
    g_glibc_usable_size.store(fn, std::memory_order_release);
  }
  return fn(p);
}

size_t UsableSize(void* p) {
  if (!internal::InSampledHeap(p) || !internal::SampledHeapOwns(p)) {
    return GlibcUsableSize(p);
  }
  const size_t n = internal::SampledHeapUsableSize(p);
  if (n == 0) {
    Fatal(
        "malloc_usable_size(): invalid pointer (not a live block of the "
        "sampled heap)\n");
  }
  return n;
}

// The bodies the entry points share (ReallocImpl below). Always inlined, so
// that the entry point is the one frame between SampledAlloc/ReallocMove and
// the caller
// (frames_above = 1), and KeepCallerFrame stops a tail call out of it.
__attribute__((always_inline)) inline void* MallocImpl(size_t size) {
  if (__builtin_expect(!SampleDue(size), 1)) {
    void* p = __libc_malloc(size);
    if (__builtin_expect(p != nullptr, 1)) CountMalloc(size);
    return p;
  }
  return internal::KeepCallerFrame(SampledAlloc(size, 0, Via::kMalloc, 1));
}

__attribute__((always_inline)) inline void* MemalignImpl(size_t alignment,
                                                         size_t size) {
  if (__builtin_expect(!SampleDue(size), 1)) {
    void* p = __libc_memalign(alignment, size);
    if (p != nullptr) CountMalloc(size);
    return p;
  }
  return internal::KeepCallerFrame(
      SampledAlloc(size, alignment, Via::kMemalign, 1));
}

// realloc of a block when the old or the new one is the sampled heap's:
// allocate, copy, free (counted as any realloc: an allocation and a free).
__attribute__((noinline)) void* ReallocMove(void* ptr, size_t size, bool sample,
                                            int frames_above) {
  void* p;
  if (sample) {
    p = SampledAlloc(size, 0, Via::kMalloc, frames_above + 1);
  } else {
    p = __libc_malloc(size);
    if (p != nullptr) CountMalloc(size);
  }
  if (p == nullptr) return nullptr;  // ptr stays allocated, as realloc says
  const size_t old = UsableSize(ptr);
  memcpy(p, ptr, old < size ? old : size);
  FreeAny(ptr);
  return p;
}

// Counted as Go counts an append that outgrows its slice: a new allocation
// of `size` bytes and a free of the old block.
__attribute__((always_inline)) inline void* ReallocImpl(void* ptr,
                                                        size_t size) {
  if (ptr == nullptr) return MallocImpl(size);
  if (size == 0) {  // glibc frees the block and returns null
    FreeAny(ptr);
    return nullptr;
  }
  const bool sample = SampleDue(size);
  if (__builtin_expect(!sample && !internal::InSampledHeap(ptr), 1)) {
    // The old block leaves the sampled set first: once realloc returns, its
    // address may be handed out again. (If realloc then fails, the block
    // stays allocated but is no longer tracked.)
    CountFree(ptr);
    void* p = __libc_realloc(ptr, size);
    if (p != nullptr) CountMalloc(size);
    return p;
  }
  return internal::KeepCallerFrame(ReallocMove(ptr, size, sample, 1));
}

#endif  // GOTEST_MALLOC_SANITIZER_HOOKS

}  // namespace

MemStats ReadMemStats() {
  MemStats s;
  s.mallocs = g_orphan_mallocs.load(std::memory_order_relaxed);
  s.frees = g_orphan_frees.load(std::memory_order_relaxed);
  s.total_alloc_bytes = g_orphan_bytes.load(std::memory_order_relaxed);
  for (ThreadBlock* b = g_all_blocks.load(std::memory_order_acquire);
       b != nullptr; b = b->next_all) {
    s.mallocs += b->mallocs.load(std::memory_order_relaxed);
    s.frees += b->frees.load(std::memory_order_relaxed);
    s.total_alloc_bytes += b->bytes.load(std::memory_order_relaxed);
  }
  return s;
}

const char* AllocationCounter() {
#if defined(__SANITIZE_ADDRESS__)
  return "asan";
#elif defined(__SANITIZE_THREAD__)
  return "tsan";
#else
  return "interpose";
#endif
}

void SetMemProfileRate(int64_t rate) {
  g_rate.store(rate < 0 ? 0 : rate, std::memory_order_relaxed);
  g_sample_gen.fetch_add(1, std::memory_order_relaxed);
}

int64_t MemProfileRate() { return g_rate.load(std::memory_order_relaxed); }

void SetMemProfileHooks(const MemProfileHooks& hooks) {
  g_on_alloc.store(hooks.on_alloc, std::memory_order_release);
  g_on_free.store(hooks.on_free, std::memory_order_release);
}

size_t SampledLiveCount() {
  return g_set_live.load(std::memory_order_relaxed) +
         internal::SampledHeapLiveCount();
}

void SetStackBoundsFunc(StackBoundsFunc fn) {
  g_stack_bounds.store(fn, std::memory_order_release);
}

}  // namespace go::runtime

namespace gr = go::runtime;

#if GOTEST_MALLOC_SANITIZER_HOOKS

// ---- Sanitizer mode: count from the sanitizer's allocator hooks ----

// Declared here: GCC 12 ships the function in libasan/libtsan but not the
// header (sanitizer/allocator_interface.h).
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void*, size_t),
    void (*free_hook)(const volatile void*));

namespace {

void SanitizerMallocHook(const volatile void* ptr, size_t size) {
  // Sampled stacks drop the sanitizer's frames by address instead.
  gr::CountAlloc(const_cast<void*>(ptr), size);
}

void SanitizerFreeHook(const volatile void* ptr) {
  if (ptr != nullptr) gr::CountFree(const_cast<void*>(ptr));
}

int FindTextOf(dl_phdr_info* info, size_t, void* data) {
  const uintptr_t base = *static_cast<uintptr_t*>(data);
  if (info->dlpi_addr != base) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    const uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    const uintptr_t hi = lo + ph.p_memsz;
    if (gr::g_san_lo == 0 || lo < gr::g_san_lo) gr::g_san_lo = lo;
    if (hi > gr::g_san_hi) gr::g_san_hi = hi;
  }
  return 1;
}

// As early as constructors go; allocations before it are not counted.
__attribute__((constructor(101))) void InstallSanitizerHooks() {
  Dl_info info;
  if (dladdr(
          reinterpret_cast<void*>(&__sanitizer_install_malloc_and_free_hooks),
          &info) != 0) {
    uintptr_t base = 0;
    // dli_fbase is the load address; dl_iterate_phdr names modules by their
    // load bias, which for a shared library is the same address.
    base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    dl_iterate_phdr(FindTextOf, &base);
  }
  __sanitizer_install_malloc_and_free_hooks(SanitizerMallocHook,
                                            SanitizerFreeHook);
}

}  // namespace

#else  // !GOTEST_MALLOC_SANITIZER_HOOKS

// ---- Interposition: the executable's allocator entry points ----

// Each entry point decides first whether the allocation is to be sampled
// (SampleDue: a countdown on the thread's own state); the common case goes
// straight to glibc and counts, a sampled one goes to SampledAlloc. A free
// tells a sampled-heap block by its address (InSampledHeap).

extern "C" {

void* malloc(size_t size) { return gr::MallocImpl(size); }

void free(void* ptr) {
  if (ptr == nullptr) return;
  gr::FreeAny(ptr);
}

void* calloc(size_t n, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;  // as glibc's calloc
    return nullptr;
  }
  if (__builtin_expect(!gr::SampleDue(bytes), 1)) {
    void* p = __libc_calloc(n, size);
    if (p != nullptr) gr::CountMalloc(bytes);
    return p;
  }
  return gr::internal::KeepCallerFrame(
      gr::SampledAlloc(bytes, 0, gr::Via::kCalloc, 1));
}

void* realloc(void* ptr, size_t size) { return gr::ReallocImpl(ptr, size); }

void* reallocarray(void* ptr, size_t n, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return gr::ReallocImpl(ptr, bytes);
}

void* memalign(size_t alignment, size_t size) {
  return gr::MemalignImpl(alignment, size);
}

// glibc 2.36's aligned_alloc is memalign (no extra argument checks).
void* aligned_alloc(size_t alignment, size_t size) {
  return gr::MemalignImpl(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0 ||
      alignment == 0) {
    return EINVAL;
  }
  const int saved = errno;  // POSIX: returns the error, errno untouched
  void* p = gr::internal::KeepCallerFrame(gr::MemalignImpl(alignment, size));
  errno = saved;
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(size_t size) {
  if (__builtin_expect(!gr::SampleDue(size), 1)) {
    void* p = __libc_valloc(size);
    if (p != nullptr) gr::CountMalloc(size);
    return p;
  }
  return gr::internal::KeepCallerFrame(gr::SampledAlloc(
      size, static_cast<size_t>(sysconf(_SC_PAGESIZE)), gr::Via::kValloc, 1));
}

void* pvalloc(size_t size) {
  if (__builtin_expect(!gr::SampleDue(size), 1)) {
    void* p = __libc_pvalloc(size);
    if (p != nullptr) gr::CountMalloc(size);
    return p;
  }
  return gr::internal::KeepCallerFrame(
      gr::SampledAlloc(size, 0, gr::Via::kPvalloc, 1));
}

// glibc's, except for blocks of the sampled heap.
size_t malloc_usable_size(void* ptr) {
  if (ptr == nullptr) return 0;
  return gr::UsableSize(ptr);
}
}  // extern "C"

// ---- C++ new and delete (see malloc.h for why they are ours) ----

namespace {

// libstdc++'s semantics: 0 bytes asks for 1; on failure call the
// new_handler until it gives up (throws), or throw std::bad_alloc.
__attribute__((always_inline)) inline void* NewImpl(size_t size,
                                                    size_t alignment) {
  if (size == 0) size = 1;
  const bool aligned = alignment > __STDCPP_DEFAULT_NEW_ALIGNMENT__;
  for (;;) {
    if (__builtin_expect(!gr::SampleDue(size), 1)) {
      void* p =
          aligned ? __libc_memalign(alignment, size) : __libc_malloc(size);
      if (__builtin_expect(p != nullptr, 1)) {
        gr::CountMalloc(size);
        return p;
      }
    } else {
      void* p = gr::internal::KeepCallerFrame(
          gr::SampledAlloc(size, aligned ? alignment : 0,
                           aligned ? gr::Via::kMemalign : gr::Via::kMalloc, 1));
      if (p != nullptr) return p;
    }
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

__attribute__((always_inline)) inline void* NewNothrowImpl(
    size_t size, size_t alignment) noexcept {
  try {
    return NewImpl(size, alignment);
  } catch (...) {
    return nullptr;
  }
}

__attribute__((always_inline)) inline void DeleteImpl(void* ptr) noexcept {
  if (ptr == nullptr) return;
  gr::FreeAny(ptr);
}

constexpr size_t kNoAlign = 0;

}  // namespace

void* operator new(size_t size) { return NewImpl(size, kNoAlign); }
void* operator new[](size_t size) { return NewImpl(size, kNoAlign); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return NewNothrowImpl(size, kNoAlign);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return NewNothrowImpl(size, kNoAlign);
}
void* operator new(size_t size, std::align_val_t al) {
  return NewImpl(size, static_cast<size_t>(al));
}
void* operator new[](size_t size, std::align_val_t al) {
  return NewImpl(size, static_cast<size_t>(al));
}
void* operator new(size_t size, std::align_val_t al,
                   const std::nothrow_t&) noexcept {
  return NewNothrowImpl(size, static_cast<size_t>(al));
}
void* operator new[](size_t size, std::align_val_t al,
                     const std::nothrow_t&) noexcept {
  return NewNothrowImpl(size, static_cast<size_t>(al));
}

void operator delete(void* p) noexcept { DeleteImpl(p); }
void operator delete[](void* p) noexcept { DeleteImpl(p); }
void operator delete(void* p, size_t) noexcept { DeleteImpl(p); }
void operator delete[](void* p, size_t) noexcept { DeleteImpl(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { DeleteImpl(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  DeleteImpl(p);
}
void operator delete(void* p, std::align_val_t) noexcept { DeleteImpl(p); }
void operator delete[](void* p, std::align_val_t) noexcept { DeleteImpl(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  DeleteImpl(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  DeleteImpl(p);
}
void operator delete(void* p, std::align_val_t,
                     const std::nothrow_t&) noexcept {
  DeleteImpl(p);
}
void operator delete[](void* p, std::align_val_t,
                       const std::nothrow_t&) noexcept {
  DeleteImpl(p);
}

#endif  // GOTEST_MALLOC_SANITIZER_HOOKS
