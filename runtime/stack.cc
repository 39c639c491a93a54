// Copyright 2026 The gotest Authors.

#include "runtime/stack.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "runtime/runtime2.h"

namespace go::runtime::internal {

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kDefaultStackSize = 1024 * 1024;
#else
constexpr size_t kDefaultStackSize = 256 * 1024;
#endif
constexpr size_t kMinStackSize = 16 * 1024;

struct StackPool {
  std::mutex mu;
  bool configured = false;
  size_t size = 0;  // usable bytes, page multiple (G included at top)
  size_t page = 4096;
  int64_t guard_limit = 0;
  // Current chunk being carved.
  uintptr_t chunk_next = 0;
  uintptr_t chunk_end = 0;
  StackStats stats;
};

StackPool& pool() {
  static StackPool* p =
      new StackPool;  // never destroyed: goroutines outlive exit
  return *p;
}

size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

size_t parse_size(const char* s) {
  char* end = nullptr;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s) return 0;
  if (*end == 'k' || *end == 'K') {
    v *= 1024;
    end++;
  } else if (*end == 'm' || *end == 'M') {
    v *= 1024 * 1024;
    end++;
  }
  if (*end != '\0') return 0;
  return static_cast<size_t>(v);
}

// Must hold pool().mu.
void configure_locked(StackPool& p) {
  if (p.configured) return;
  p.configured = true;
  long pg = sysconf(_SC_PAGESIZE);
  p.page = pg > 0 ? static_cast<size_t>(pg) : 4096;
  if (p.size == 0) {
    p.size = kDefaultStackSize;
    if (const char* env = getenv("GOTEST_STACK_SIZE")) {
      size_t v = parse_size(env);
      if (v >= kMinStackSize) {
        p.size = v;
      } else {
        fprintf(stderr, "runtime: ignoring invalid GOTEST_STACK_SIZE=%s\n",
                env);
      }
    }
  }
  p.size = round_up(p.size, p.page);
  long max_map = 65530;
  if (FILE* f = fopen("/proc/sys/vm/max_map_count", "r")) {
    long v;
    if (fscanf(f, "%ld", &v) == 1 && v > 0) max_map = v;
    fclose(f);
  }
  p.guard_limit = max_map / 2 - 4096;
  if (p.guard_limit < 0) p.guard_limit = 0;
  p.stats.guard_limit = p.guard_limit;
}

[[noreturn]] void die_oom(size_t n) {
  fprintf(
      stderr,
      "fatal error: runtime: cannot allocate goroutine stack (%zu bytes): %s\n",
      n, strerror(errno));
  fflush(stderr);
  _exit(2);
}

}  // namespace

size_t PageSize() {
  StackPool& p = pool();
  std::lock_guard<std::mutex> l(p.mu);
  configure_locked(p);
  return p.page;
}

size_t StackSize() {
  StackPool& p = pool();
  std::lock_guard<std::mutex> l(p.mu);
  configure_locked(p);
  return p.size;
}

bool SetStackSizeInternal(size_t bytes) {
  StackPool& p = pool();
  std::lock_guard<std::mutex> l(p.mu);
  if (p.stats.stacks > 0 || bytes < kMinStackSize) return false;
  p.configured = false;
  p.size = bytes;
  configure_locked(p);
  return true;
}

G* StackAllocG() {
  StackPool& p = pool();
  uintptr_t base;
  bool guarded;
  size_t stride;
  {
    std::lock_guard<std::mutex> l(p.mu);
    configure_locked(p);
    stride = p.page + p.size;  // guard page + stack (G at its top)
    if (p.chunk_next == p.chunk_end) {
      size_t len = stride * kStacksPerChunk;
      void* mem = mmap(nullptr, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (mem == MAP_FAILED) die_oom(len);
      p.chunk_next = reinterpret_cast<uintptr_t>(mem);
      p.chunk_end = p.chunk_next + len;
      p.stats.reserved_bytes += static_cast<int64_t>(len);
    }
    base = p.chunk_next;
    p.chunk_next += stride;
    guarded = p.stats.guarded < p.guard_limit;
    if (guarded) p.stats.guarded++;
    p.stats.stacks++;
  }
  if (guarded &&
      mprotect(reinterpret_cast<void*>(base), p.page, PROT_NONE) != 0) {
    guarded = false;  // out of mappings: run unguarded
    std::lock_guard<std::mutex> l(p.mu);
    p.stats.guarded--;
  }
  uintptr_t top = base + stride;
  // Stagger each G (and so the goroutine's first frames) within its top page:
  // page-aligned Gs would all fall into the same cache sets.
  uintptr_t color = (static_cast<uintptr_t>(base / stride) * 5 % 16) * 64;
  uintptr_t gaddr = (top - sizeof(G) - color) & ~uintptr_t{63};
  G* gp = new (reinterpret_cast<void*>(gaddr)) G;
  gp->stack_lo = base + p.page;
  gp->stack_hi = gaddr;
  gp->guarded = guarded;
  return gp;
}

StackStats GetStackStats() {
  StackPool& p = pool();
  std::lock_guard<std::mutex> l(p.mu);
  configure_locked(p);
  return p.stats;
}

bool InGuardPage(const G* gp, uintptr_t addr) {
  if (!gp->guarded || gp->is_thread) return false;
  size_t page = pool().page;
  return addr < gp->stack_lo && addr + page >= gp->stack_lo;
}

bool StackPointerOutside(const G* gp, uintptr_t sp) {
  return sp < gp->stack_lo || sp > gp->stack_hi;
}

}  // namespace go::runtime::internal
