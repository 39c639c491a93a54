// The heap that sampled allocations live in (part of //runtime:malloc).
//
// A heap profiler must see the free of every block it sampled, and the free
// path runs for every block of the program. Go knows a sampled object from
// its span's specials list, which it walks only while sweeping. glibc has no
// spare bit per block, and looking every freed pointer up in a side table
// (a filter, then a locked set) cost an allocation-heavy program about 4%
// with the heap profile at Go's default rate (measured: heap_workload ab,
// that check on vs off), more than everything else the profiler does. So the
// interposer serves each allocation it decides to sample from this heap
// instead of glibc's, in a 1 TiB window aligned to 1 TiB: "was this block
// sampled" is one shift and compare of the pointer against a constant, with
// no load from the block.
//
// The window is an address range far from where the kernel places mappings
// (kWindows in sampled_heap.cc); it is reserved 1 GiB at a time as blocks
// are carved, so the process's address space grows only with use. Its first
// half holds blocks, the second their records (requested size, live bit,
// the profiler's cookie) at the same offset from each 64 KiB span, so a
// block's record is found by arithmetic, with no lock and no lookup.
//   - Blocks up to 32 KiB: size classes (16-byte steps to 128 bytes, then
//     four per doubling) carved from 64 KiB spans; a freed block goes on its
//     class's free list.
//   - Larger: power-of-two extents of 64 KiB and up; a freed extent keeps
//     its first page (its free-list link) and returns the rest to the kernel
//     (MADV_DONTNEED), as glibc unmaps its own large blocks.
// A power-of-two block is aligned to its size, so an alignment up to 4096 is
// served by rounding the size up to a power of two no smaller than it.
//
// Locks: one short spin lock per size class and one for the extents and the
// carving, never held while calling anything that can allocate. Sampled
// allocations are rare (one per 512 KiB allocated, by default); with
// MemProfileRate 1 every allocation comes here, and the per-class locks keep
// threads that allocate different sizes apart.
// Nothing here allocates: memory comes from mmap, so malloc can call it.
// Not used under the sanitizers, which own the allocator.
#ifndef GOTEST_RUNTIME_SAMPLED_HEAP_H_
#define GOTEST_RUNTIME_SAMPLED_HEAP_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace go::runtime::internal {

// log2 of the reservation, which is aligned to its size.
inline constexpr int kSampledHeapShift = 40;
// The largest alignment the heap serves.
inline constexpr size_t kSampledHeapMaxAlign = 4096;

// The window's address >> kSampledHeapShift; a value no user-space pointer
// has until the window is chosen (and forever if none can be had).
extern constinit std::atomic<uintptr_t> g_sampled_heap_key;

// True if p points into the heap's window: every block it hands out does;
// another mapping could only if placed there on purpose (SampledHeapOwns
// tells).
inline bool InSampledHeap(const void* p) {
  return (reinterpret_cast<uintptr_t>(p) >> kSampledHeapShift) ==
         g_sampled_heap_key.load(std::memory_order_relaxed);
}

// Returns a live block of at least `size` bytes aligned to `align` (0, or a
// power of two up to kSampledHeapMaxAlign), zero-filled if `zero`, with
// `size` as its recorded size and cookie 0. Null when the heap cannot serve
// it: no window could be had, it is used up, or the size or alignment is
// out of range; the caller then allocates elsewhere.
void* SampledHeapAlloc(size_t size, size_t align, bool zero);

// True if p lies in a span the heap has carved: a block of it, live or not,
// or a pointer into one. False for other mappings in the window.
bool SampledHeapOwns(const void* p);

// Sets a live block's cookie (the profiler's record of its stack).
void SampledHeapSetCookie(void* p, uintptr_t cookie);

// Frees a block and gives its recorded size and cookie. False, changing
// nothing, if p is not a live block (a double or invalid free).
bool SampledHeapFree(void* p, size_t* size, uintptr_t* cookie);

// A live block's usable size; 0 if p is not a live block.
size_t SampledHeapUsableSize(const void* p);

// Live blocks.
size_t SampledHeapLiveCount();

// Takes every lock of the heap (and releases them): held across fork
// (pthread_atfork, installed by malloc.cc) so that a child never inherits
// one held.
void SampledHeapLockAll();
void SampledHeapUnlockAll();

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_SAMPLED_HEAP_H_
