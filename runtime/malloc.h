// Allocation counting and heap-profile sampling for the whole process.
//
// Go's `B/op` and `allocs/op` count every heap allocation of the program,
// and Go's heap profile samples them; a C++ program allocates through C++
// `new` (libstdc++'s operator new calls malloc), through C `malloc`, and
// inside libc (strdup, fopen, ...). Replacing `operator new` alone misses the
// C allocations, and `-Wl,--wrap` misses everything not compiled into our
// objects (research/profiling.md, §1b). So this library interposes the
// process's allocator: it defines malloc, free, calloc, realloc,
// reallocarray, memalign, aligned_alloc, posix_memalign, valloc, pvalloc and
// malloc_usable_size in the executable, where the dynamic linker finds them
// before libc's, and forwards to glibc's exported __libc_malloc/__libc_free/
// __libc_calloc/__libc_realloc/__libc_memalign/__libc_valloc/__libc_pvalloc
// (and glibc's malloc_usable_size). Link it with alwayslink (the Bazel
// target does) so the definitions are always present.
//
// Counting: per-thread counters in initial-exec TLS, in a block the thread
// registers in a global list on its first allocation, so the hot path is a
// few plain loads and stores of the thread's own cache line (no atomic
// read-modify-write, no shared line). A reader sums every block. A thread's
// block outlives the thread: at exit (a pthread key destructor) it goes to a
// free list and the next new thread continues counting into it, so totals
// never go backwards. Allocations a thread makes while registering or after
// its block was released are counted in global atomics.
//
// What is counted, in requested bytes (Go's TotalAlloc counts size classes;
// requested bytes are what a C++ programmer can check against the code):
//   - malloc(n), memalign/aligned_alloc/valloc/pvalloc(.., n),
//     posix_memalign(.., n): 1 allocation of n bytes when it succeeds;
//     malloc(0) is 1 allocation of 0 bytes (glibc returns a unique pointer).
//   - calloc(n, s): 1 allocation of n*s bytes.
//   - realloc(p, n) and reallocarray: as Go's `append` that outgrows its
//     slice: a new allocation of n bytes plus a free of p, whether or not
//     glibc grew the block in place (realloc(NULL, n) is malloc(n);
//     realloc(p, 0), which glibc treats as free(p), is a free only).
//   - free(p): 1 free (free(NULL) is nothing).
//   - C++ new and delete, all replaceable forms (sized, aligned, nothrow),
//     are defined here too: `new char[64]` is 64 B and 1 allocation, aligned
//     new counts its requested size (libstdc++'s own would round it up to a
//     multiple of the alignment), `new` of 0 bytes counts 1 byte (as
//     libstdc++, it asks for 1). They are ours rather than libstdc++'s
//     because Debian's libstdc++ is built without frame pointers: its
//     frameless operator new would hide the caller of `new` from the
//     sampled stack, the one frame a heap profile must show.
// Failed allocations count nothing.
//
// Sampling (the heap profiler's input) follows Go's MemProfileRate: on
// average one sample per `rate` bytes allocated, the distance between
// samples drawn from an exponential distribution (Go's fastexprand: so an
// allocation of s bytes is sampled with probability about 1-exp(-s/rate));
// rate 1 samples every allocation, 0 none; the default is 512 KiB as in Go.
// A sampled allocation calls the installed MemProfileHooks::on_alloc with
// the pointer, the requested size and the allocating stack (frame-pointer
// unwinding, runtime/traceback.h), and its free calls on_free. Each entry
// point decides before allocating whether to sample (a countdown on the
// thread's own state, nothing shared), and a sampled allocation is served
// from the sampled heap (sampled_heap.h), whose 1 TiB-aligned address range
// says "sampled": a free compares the pointer's top bits with a constant
// and reads nothing else, and a sampled block's record (size, live bit, the
// hook's cookie) sits at an address computed from the block's. realloc
// between the two heaps moves the contents; a sampled block's usable size
// is its size class. Blocks sampled when the sampled heap cannot serve them
// (an alignment over 4096, pvalloc, no address space for it) stay in glibc's
// heap and go into a small locked hash set; while any is live, frees check
// a counting filter before the set (under the sanitizers, every sampled
// block is tracked that way). The hooks being unset, sampling draws its
// distances but samples nothing.
//
// Re-entrancy and early use: malloc runs before any static initializer and
// inside the dynamic loader, so nothing on its path has a constructor, takes
// a lock that malloc itself needs, or allocates: counters are
// constant-initialized TLS, blocks and the sampled set live in mmap'd
// memory. The hooks may allocate: what a hook (or the stack capture before
// it) allocates or frees on its thread is neither sampled nor counted, as
// Go's MemStats leave out its profiler's own bookkeeping, so B/op and
// allocs/op do not depend on whether the heap profile is on. (Memory a hook
// allocated and that is freed later outside a hook counts as a free.)
//
// Under AddressSanitizer or ThreadSanitizer the sanitizer owns malloc, so
// nothing is interposed; the same counting and sampling run from the
// sanitizer's allocation hooks (__sanitizer_install_malloc_and_free_hooks),
// installed by a constructor (allocations before it are not seen). What
// differs there (GCC 12's runtimes, measured by malloc_test):
//   - malloc(0) counts the 1 byte ASan allocates for it;
//   - operator new/delete are the sanitizer's (it checks their pairing);
//   - TSan calls no hook from memalign, aligned_alloc, posix_memalign,
//     valloc and pvalloc (their frees are seen), and reports reallocarray's
//     element count as its size;
//   - an impossible request (calloc overflow, bad alignment) ends the
//     program with the sanitizer's report instead of failing;
//   - the sanitizer runtimes have no frame pointers, so sampled stacks come
//     from libgcc's CFI unwinder (_Unwind_Backtrace), the sanitizer's own
//     frames dropped by address.
//
// Also: a thread's first sampled allocation finds its stack bounds
// (pthread_getattr_np, which reads /proc/self/maps on the main thread), and
// those allocations are counted. The library's two locks are held across
// fork (pthread_atfork) so a child never inherits them locked.
// AllocationCounter() names the mode in use.
#ifndef GOTEST_RUNTIME_MALLOC_H_
#define GOTEST_RUNTIME_MALLOC_H_

#include <cstddef>
#include <cstdint>

namespace go::runtime {

// The subset of Go's runtime.MemStats that B.ReportAllocs and AllocsPerRun
// read: cumulative since the process started, never decreasing.
struct MemStats {
  uint64_t mallocs = 0;            // allocations (Go's Mallocs)
  uint64_t frees = 0;              // frees (Go's Frees)
  uint64_t total_alloc_bytes = 0;  // requested bytes allocated (TotalAlloc)
};

// Sums every thread's counters, exited threads' included. Takes no lock and
// does not allocate; concurrent allocations may or may not be included.
MemStats ReadMemStats();

// How allocations are seen: "interpose" (this library's malloc), "asan" or
// "tsan" (the sanitizer's hooks).
const char* AllocationCounter();

// Go's runtime.MemProfileRate default.
inline constexpr int64_t kDefaultMemProfileRate = 512 * 1024;

// Sets the average number of bytes between samples (Go's MemProfileRate):
// 1 samples every allocation, 0 (or negative) none. Takes effect on every
// thread's next allocation.
void SetMemProfileRate(int64_t rate);
int64_t MemProfileRate();

// The most PCs a sampled stack carries (Go's heap profiles keep 128 since
// Go 1.23).
inline constexpr int kMaxSampleStackDepth = 128;

// The heap profiler's callbacks. on_alloc gets a sampled allocation: its
// pointer, requested size and stack (pcs[0] is in the code that called the
// allocator, minus one as traceback.h's CaptureStack gives it; the rest are
// return addresses), and returns a cookie (say, the profiler's record for
// that stack) that on_free receives when that pointer is freed. Both run on
// the allocating or freeing thread, outside any lock of this library; they
// may allocate (not sampled) and must be thread-safe. A sampled pointer
// freed from inside a hook is forgotten without a call to on_free.
struct MemProfileHooks {
  uintptr_t (*on_alloc)(void* ptr, size_t size, const uintptr_t* pcs,
                        int npcs) = nullptr;
  void (*on_free)(void* ptr, size_t size, uintptr_t cookie) = nullptr;
};

// Installs the hooks (both null: sampling draws its distances but reports
// nothing). Install them before the allocations of interest; pointers
// sampled before a change report their free to the hooks current then.
void SetMemProfileHooks(const MemProfileHooks& hooks);

// Sampled allocations not yet freed (the size of the sampled set).
size_t SampledLiveCount();

// Frame-pointer unwinding needs the bounds of the stack it walks. A thread's
// own stack is known; a goroutine's is the runtime's to tell: it installs a
// function that returns the current goroutine's [lo, hi) and true, or false
// on a thread's own stack. Must be async-signal-safe-ish: no allocation, no
// locks. Null restores the default (thread stacks only; a sample taken on a
// goroutine stack then has an empty stack).
using StackBoundsFunc = bool (*)(uintptr_t* lo, uintptr_t* hi);
void SetStackBoundsFunc(StackBoundsFunc fn);

}  // namespace go::runtime

#endif  // GOTEST_RUNTIME_MALLOC_H_
