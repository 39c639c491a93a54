#include "runtime/sampled_heap.h"

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <mutex>

namespace go::runtime::internal {

constinit std::atomic<uintptr_t> g_sampled_heap_key{UINTPTR_MAX};

namespace {

constexpr size_t kWindowSize = size_t{1} << kSampledHeapShift;
constexpr size_t kBlocksSize = kWindowSize / 2;  // then the records
constexpr int kSpanShift = 16;
constexpr size_t kSpan = size_t{1} << kSpanShift;  // small blocks' unit
constexpr size_t kSpans = kBlocksSize / kSpan;
constexpr size_t kSmallMax = size_t{32} * 1024;  // larger blocks are extents
constexpr size_t kLargeMax = kBlocksSize / 4;    // the largest extent
constexpr int kSmallClasses = 8 + 4 * 8;  // 16..128 by 16, 4 per doubling
constexpr int kExtentClasses = kSampledHeapShift;  // by log2 of the extent
constexpr size_t kChunk = size_t{1} << 30;         // reserved at a time

// Where the window may go: 1 TiB-aligned addresses far below where the
// kernel puts mmaps (top-down from just under 128 TiB) and far above the
// executable and brk heap; both x86-64 (47-bit) and AArch64 (48-bit) have
// them. Nothing else maps there unless asked to; if something did, a
// later candidate is used.
constexpr uintptr_t kWindows[] = {
    uintptr_t{0x2000} << 32, uintptr_t{0x3000} << 32, uintptr_t{0x1000} << 32,
    uintptr_t{0x4000} << 32};

// A block's record. A span's records sit at the same offset in the records
// half as the span in the blocks half, one per block of the span (a span of
// 16-byte blocks has 4096, 64 KiB of records: the records half is as large
// as the blocks half).
struct Record {
  std::atomic<uint64_t> size_live;  // requested size | kLive while live
  std::atomic<uintptr_t> cookie;
};
constexpr size_t kRecordSize = 16;
static_assert(sizeof(Record) == kRecordSize);
static_assert(kSpan / 16 * kRecordSize == kSpan);
constexpr uint64_t kLive = uint64_t{1} << 63;

// What each span holds (g_span_kind): nothing yet, blocks of small class
// k - kSmallKind, the first span of an extent of 2^(k - kExtentKind) bytes,
// or a later span of one.
constexpr uint8_t kUnused = 0;
constexpr uint8_t kSmallKind = 1;
constexpr uint8_t kExtentKind = kSmallKind + kSmallClasses;
constexpr uint8_t kExtentTail = 255;
static_assert(kExtentKind + kExtentClasses < kExtentTail);

// A lock for critical sections of a few loads and stores: a short spin,
// then yield (the holder may be descheduled on a loaded machine). A futex
// would buy nothing for sections this short.
class SpinLock {
 public:
  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      for (int spins = 0; locked_.load(std::memory_order_relaxed); spins++) {
        if (spins < 100) {
#if defined(__x86_64__)
          __builtin_ia32_pause();
#elif defined(__aarch64__)
          asm volatile("yield" ::: "memory");
#endif
        } else {
          sched_yield();
        }
      }
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

// A small class's blocks: the free list, then the rest of the span being
// carved (never touched, so still zero).
struct alignas(64) SmallClassState {
  SpinLock mu;
  void* free = nullptr;  // guarded by mu
  uintptr_t cursor = 0;  // guarded by mu
  uintptr_t limit = 0;   // guarded by mu
};

constinit SmallClassState g_small[kSmallClasses];
// Guards the reservation, the carving and the free extents.
constinit SpinLock g_mu;
uintptr_t g_base = 0;   // set once under g_mu; 0 until a window is chosen
bool g_failed = false;  // guarded by g_mu; no window could be had
size_t g_used = 0;      // guarded by g_mu; bytes carved from g_base
size_t g_reserved = 0;  // guarded by g_mu; bytes reserved from g_base
size_t g_page = 4096;   // set with g_base
void* g_extents[kExtentClasses] = {};  // guarded by g_mu; free extents
// One byte per span (kUnused, ...), in its own mapping; written under a
// lock before any block of the span is handed out.
std::atomic<uint8_t>* g_span_kind = nullptr;  // set with g_base
constinit std::atomic<size_t> g_live{0};

// The small class of a block of `size` bytes (1..kSmallMax): its index, and
// its size in *cap. A class size maps to itself.
int SmallClass(size_t size, size_t* cap) {
  if (size <= 128) {
    const int i = static_cast<int>((size + 15) / 16) - 1;
    *cap = static_cast<size_t>(i + 1) * 16;
    return i;
  }
  const int k = 63 - __builtin_clzll(size - 1);  // 2^k < size <= 2^(k+1)
  const size_t base = size_t{1} << k;
  const size_t step = base / 4;
  const size_t quarter = (size - base + step - 1) / step;  // 1..4
  *cap = base + quarter * step;
  return 8 + (k - 7) * 4 + static_cast<int>(quarter) - 1;
}

size_t SmallClassSize(int i) {
  if (i < 8) return static_cast<size_t>(i + 1) * 16;
  const size_t base = size_t{128} << ((i - 8) / 4);
  return base + static_cast<size_t>((i - 8) % 4 + 1) * (base / 4);
}

Record* RecordOf(uintptr_t block_offset, size_t cap) {
  const uintptr_t span = block_offset & ~(kSpan - 1);
  const size_t index = (block_offset - span) / cap;
  return reinterpret_cast<Record*>(g_base + kBlocksSize + span +
                                   index * kRecordSize);
}

bool MakeWritable(uintptr_t p, size_t bytes) {
  return mprotect(reinterpret_cast<void*>(p), bytes, PROT_READ | PROT_WRITE) ==
         0;
}

// Maps `bytes` of address space, PROT_NONE, at exactly `at`; false if
// anything else is there (the kernel then places it elsewhere: undone).
bool ReserveAt(uintptr_t at, size_t bytes) {
  void* r = mmap(reinterpret_cast<void*>(at), bytes, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) return false;
  if (reinterpret_cast<uintptr_t>(r) == at) return true;
  munmap(r, bytes);
  return false;
}

// Requires g_mu. Extends the reserved part of the window (blocks and their
// records alike) to cover `end` bytes of blocks, in kChunk steps.
bool ReserveTo(size_t end) {
  if (end <= g_reserved) return true;
  const size_t to = (end + kChunk - 1) & ~(kChunk - 1);
  const size_t bytes = to - g_reserved;
  if (!ReserveAt(g_base + g_reserved, bytes)) return false;
  if (!ReserveAt(g_base + kBlocksSize + g_reserved, bytes)) {
    munmap(reinterpret_cast<void*>(g_base + g_reserved), bytes);
    return false;
  }
  g_reserved = to;
  return true;
}

// Requires g_mu. Picks the window on first use: the first candidate whose
// first chunk is free. Reserving only what is carved keeps the address
// space small (and qemu-user, which tracks every reserved guest page, fast).
bool Reserve() {
  if (g_base != 0) return true;
  if (g_failed) return false;
  g_failed = true;  // until it succeeds
  void* kinds = mmap(nullptr, kSpans, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (kinds == MAP_FAILED) return false;
  for (const uintptr_t window : kWindows) {
    g_base = window;
    g_reserved = 0;
    if (ReserveTo(kChunk)) break;
    g_base = 0;
  }
  if (g_base == 0) {  // say, a 39-bit address space: glibc's heap it is
    munmap(kinds, kSpans);
    return false;
  }
  const long page = sysconf(_SC_PAGESIZE);
  if (page > 0 && static_cast<size_t>(page) <= kSpan) {
    g_page = static_cast<size_t>(page);
  }
  g_span_kind = static_cast<std::atomic<uint8_t>*>(kinds);
  g_failed = false;
  g_sampled_heap_key.store(g_base >> kSampledHeapShift,
                           std::memory_order_release);
  return true;
}

// Requires g_mu. Makes the next `bytes` (a multiple of kSpan) of blocks
// usable, with `record_bytes` of records for its first span (small blocks:
// one span, its records; an extent: its one record), and marks its spans.
// Returns its offset from g_base, or -1.
intptr_t Carve(size_t bytes, size_t record_bytes, uint8_t kind) {
  if (!Reserve() || bytes > kBlocksSize - g_used) return -1;
  const uintptr_t offset = g_used;
  record_bytes = (record_bytes + g_page - 1) & ~(g_page - 1);
  if (!ReserveTo(offset + bytes) || !MakeWritable(g_base + offset, bytes) ||
      !MakeWritable(g_base + kBlocksSize + offset, record_bytes)) {
    return -1;  // say, strict overcommit refused the commit charge
  }
  for (size_t s = 0; s < bytes; s += kSpan) {
    g_span_kind[(offset + s) >> kSpanShift].store(s == 0 ? kind : kExtentTail,
                                                  std::memory_order_relaxed);
  }
  g_used += bytes;
  return static_cast<intptr_t>(offset);
}

// The window's address once Reserve has published it (0 before), read
// with acquire: a thread that meets a pointer in the window before any
// block of it (another mapping there) still sees the span table.
uintptr_t PublishedBase() {
  const uintptr_t key = g_sampled_heap_key.load(std::memory_order_acquire);
  return key == UINTPTR_MAX ? 0 : key << kSampledHeapShift;
}

// A live or free block's record and capacity; null if p is not the start
// of a block the heap has carved.
Record* Lookup(const void* p, size_t* cap) {
  const uintptr_t base = PublishedBase();
  const uintptr_t offset = reinterpret_cast<uintptr_t>(p) - base;
  if (base == 0 || offset >= kBlocksSize) return nullptr;
  const uint8_t kind =
      g_span_kind[offset >> kSpanShift].load(std::memory_order_relaxed);
  const uintptr_t in_span = offset & (kSpan - 1);
  if (kind >= kSmallKind && kind < kExtentKind) {
    *cap = SmallClassSize(kind - kSmallKind);
    if (in_span % *cap != 0 || in_span / *cap >= kSpan / *cap) return nullptr;
    return RecordOf(offset, *cap);
  }
  if (kind >= kExtentKind && kind != kExtentTail && in_span == 0) {
    *cap = size_t{1} << (kind - kExtentKind);
    return RecordOf(offset, *cap);
  }
  return nullptr;
}

// A small block of class i; *fresh if never used (still zero).
void* AllocSmall(int i, size_t cap, bool* fresh) {
  SmallClassState& c = g_small[i];
  std::lock_guard<SpinLock> lock(c.mu);
  if (c.free != nullptr) {
    void* p = c.free;
    c.free = *static_cast<void**>(p);
    *fresh = false;
    return p;
  }
  if (c.cursor == c.limit) {
    intptr_t offset;
    {
      std::lock_guard<SpinLock> carve(g_mu);  // always after a class lock
      offset = Carve(kSpan, kSpan / cap * kRecordSize,
                     static_cast<uint8_t>(kSmallKind + i));
    }
    if (offset < 0) return nullptr;
    c.cursor = g_base + static_cast<uintptr_t>(offset);
    c.limit = c.cursor + kSpan / cap * cap;
  }
  void* p = reinterpret_cast<void*>(c.cursor);
  c.cursor += cap;
  *fresh = true;
  return p;
}

// An extent of cap (a power of two, at least kSpan) bytes.
void* AllocExtent(size_t cap, bool* fresh) {
  const int log = std::countr_zero(cap);
  std::lock_guard<SpinLock> lock(g_mu);
  if (g_extents[log] != nullptr) {
    void* p = g_extents[log];
    g_extents[log] = *static_cast<void**>(p);
    *fresh = false;
    return p;
  }
  const intptr_t offset =
      Carve(cap, kRecordSize, static_cast<uint8_t>(kExtentKind + log));
  if (offset < 0) return nullptr;
  *fresh = true;
  return reinterpret_cast<void*>(g_base + static_cast<uintptr_t>(offset));
}

}  // namespace

void* SampledHeapAlloc(size_t size, size_t align, bool zero) {
  if (align > kSampledHeapMaxAlign || (align & (align - 1)) != 0 ||
      size > kLargeMax) {
    return nullptr;
  }
  size_t n = size == 0 ? 1 : size;
  // Power-of-two blocks are aligned to their size.
  if (align > 16) n = std::bit_ceil(n < align ? align : n);
  size_t cap;
  bool fresh = false;
  void* p;
  if (n <= kSmallMax) {
    const int i = SmallClass(n, &cap);
    p = AllocSmall(i, cap, &fresh);
  } else {
    cap = std::bit_ceil(n < kSpan ? kSpan : n);
    p = AllocExtent(cap, &fresh);
  }
  if (p == nullptr) return nullptr;
  Record* r = RecordOf(reinterpret_cast<uintptr_t>(p) - g_base, cap);
  r->cookie.store(0, std::memory_order_relaxed);
  r->size_live.store(size | kLive, std::memory_order_relaxed);
  g_live.fetch_add(1, std::memory_order_relaxed);
  if (zero && !fresh) {
    // A reused small block is dirty throughout; a reused extent only in its
    // first page, which SampledHeapFree kept.
    std::memset(p, 0, cap <= kSmallMax || size < g_page ? size : g_page);
  }
  return p;
}

void SampledHeapSetCookie(void* p, uintptr_t cookie) {
  size_t cap;
  if (Record* r = Lookup(p, &cap)) {
    r->cookie.store(cookie, std::memory_order_relaxed);
  }
}

bool SampledHeapFree(void* p, size_t* size, uintptr_t* cookie) {
  size_t cap;
  Record* r = Lookup(p, &cap);
  if (r == nullptr) return false;
  // Exactly one of two racing frees of a block sees it live.
  const uint64_t old = r->size_live.exchange(0, std::memory_order_acq_rel);
  if ((old & kLive) == 0) return false;
  *size = static_cast<size_t>(old & ~kLive);
  *cookie = r->cookie.load(std::memory_order_relaxed);
  g_live.fetch_sub(1, std::memory_order_relaxed);
  if (cap <= kSmallMax) {
    size_t c;
    SmallClassState& s = g_small[SmallClass(cap, &c)];
    std::lock_guard<SpinLock> lock(s.mu);
    *static_cast<void**>(p) = s.free;
    s.free = p;
    return true;
  }
  // Outside the lock: the extent is ours alone until it is on the list.
  madvise(static_cast<char*>(p) + g_page, cap - g_page, MADV_DONTNEED);
  const int log = std::countr_zero(cap);
  std::lock_guard<SpinLock> lock(g_mu);
  *static_cast<void**>(p) = g_extents[log];
  g_extents[log] = p;
  return true;
}

size_t SampledHeapUsableSize(const void* p) {
  size_t cap;
  const Record* r = Lookup(p, &cap);
  if (r == nullptr ||
      (r->size_live.load(std::memory_order_relaxed) & kLive) == 0) {
    return 0;
  }
  return cap;
}

bool SampledHeapOwns(const void* p) {
  const uintptr_t base = PublishedBase();
  const uintptr_t offset = reinterpret_cast<uintptr_t>(p) - base;
  return base != 0 && offset < kBlocksSize &&
         g_span_kind[offset >> kSpanShift].load(std::memory_order_relaxed) !=
             kUnused;
}

size_t SampledHeapLiveCount() { return g_live.load(std::memory_order_relaxed); }

void SampledHeapLockAll() {
  for (SmallClassState& c : g_small) c.mu.lock();
  g_mu.lock();
}

void SampledHeapUnlockAll() {
  g_mu.unlock();
  for (int i = kSmallClasses - 1; i >= 0; i--) g_small[i].mu.unlock();
}

}  // namespace go::runtime::internal
