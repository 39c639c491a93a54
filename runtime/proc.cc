// Copyright 2026 The gotest Authors.
//
// The G-M-P scheduler, after Go's proc.go: goroutine creation and exit, the
// scheduler loop each M runs on its own thread stack (g0), findrunnable with
// work stealing and spinning-M accounting, futex parking of idle Ms,
// gopark/goready, syscall markers, LockOSThread, GOMAXPROCS changes and
// deadlock detection.
//
// Structure. Every M runs schedule_loop on its thread's stack. It picks a G and
// switches to it (execute); the G runs until it calls mcall(fn), which switches
// back to the loop and runs fn(g) there (park_m, gosched_m, goexit0,
// exitsyscall0). The loop never grows the thread stack, and every state change
// that must not race with the G's own stack (parking with a lock held, freeing
// a dead G) happens after the G is off its stack. The exception is Gosched's
// fast path (gosched_direct), which switches from one goroutine straight to the
// next and has the next one publish the first once its context is saved.
//
// Lost wakeups and thundering herds are avoided as Go does: whoever makes work
// available calls wakep(), which starts at most one spinning M; a spinning M
// that finds work stops spinning and calls wakep() for the next; an M stops
// spinning before its final re-check of all run queues; at most half the busy
// Ps' worth of Ms spin, and spinning is a bounded number of steal passes, never
// a sleep loop.

#include "runtime/proc.h"

#include <cxxabi.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "runtime/context_switch.h"
#include "runtime/lock.h"
#include "runtime/os_linux.h"
#include "runtime/panic.h"
#include "runtime/park.h"
#include "runtime/runq.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/stack.h"
#include "runtime/sysmon.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define GO_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define GO_TSAN 1
#endif

namespace go::runtime::internal {

constinit Sched g_sched;
constinit std::atomic<P*> allp[kMaxProcs];

namespace {

thread_local M* tls_m __attribute__((tls_model("initial-exec"))) = nullptr;
thread_local G* tls_thread_g __attribute__((tls_model("initial-exec"))) =
    nullptr;

std::atomic<bool> g_started{false};
// membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) works here (set once at start).
bool g_asym_fence = false;
// Goroutine dumps in progress (BeginGoroutineScan); while 0, gosched_direct
// resumes the next G with a plain store instead of a CAS.
std::atomic<int32_t> g_gscans{0};
// sched().allm for lock-free readers (the Ms' alllink is set before).
std::atomic<M*> g_allm_head{nullptr};
std::atomic<int64_t> g_coarse_now{0};
int32_t g_ncpu = 1;

// allgs: every goroutine G ever created.
std::mutex& allglock() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}
std::vector<G*>& allgs() {
  static std::vector<G*>* v = new std::vector<G*>;
  return *v;
}

// Poll hooks (timers, netpoll).
constexpr int kMaxHooks = 8;
PollHook g_hooks[kMaxHooks];
std::atomic<int> g_nhooks{0};
std::mutex g_hooks_mu;
// The hook that can block the idle M (netpoll), if registered.
std::atomic<const PollHook*> g_block_hook{nullptr};
const PollHook* blocking_hook() {
  return g_block_hook.load(std::memory_order_acquire);
}

uint32_t fastrand(M* m) {
  // xorshift64*
  uint64_t x = m->fastrand;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  m->fastrand = x;
  return static_cast<uint32_t>((x * 0x2545F4914F6CDD1DULL) >> 32);
}

void goexit0(G* gp);
void schedule_loop(M* m);

// ---- stack switches, with the sanitizers told ----

// g0 -> gp. Returns when gp switches back (mcall). The switch's argument is
// the M, which the resumed goroutine gets back from go_ctx_switch instead of a
// thread-local lookup (it may have last run on another M).
inline void switch_to_g(M* m, G* gp) {
#if GO_ASAN
  __sanitizer_start_switch_fiber(&m->g0_asan_fake_stack,
                                 reinterpret_cast<void*>(gp->stack_lo),
                                 gp->stack_hi - gp->stack_lo);
#endif
#if GO_TSAN
  __tsan_switch_to_fiber(gp->tsan_fiber, 0);
#endif
  go_ctx_switch(&m->g0_sp, gp->sp, m);
#if GO_ASAN
  __sanitizer_finish_switch_fiber(m->g0_asan_fake_stack, nullptr, nullptr);
#endif
}

// Runs on gp right after it was switched to (first time or resumed), on M m:
// from m's scheduler loop, or directly from the goroutine m->switch_prev
// (gosched_direct). From the loop it records the thread stack for the way back;
// from a goroutine it publishes that goroutine, whose context is saved now.
inline void after_switch_in(M* m, G* gp, bool first) {
  G* prev = m->switch_prev;
#if GO_ASAN
  if (prev == nullptr) {
    const void* bottom = nullptr;
    size_t size = 0;
    __sanitizer_finish_switch_fiber(first ? nullptr : gp->asan_fake_stack,
                                    &bottom, &size);
    m->g0_stack_bottom = bottom;
    m->g0_stack_size = size;
  } else {
    __sanitizer_finish_switch_fiber(first ? nullptr : gp->asan_fake_stack,
                                    nullptr, nullptr);
  }
#else
  (void)gp;
  (void)first;
#endif
  if (prev != nullptr) {
    m->switch_prev = nullptr;
    // As gosched_m does on the scheduler stack: runnable before it is
    // visible in the queue (a thief CASes it to running), then the P goes
    // back to sysmon's view.
    P* pp = m->p;
    prev->m.store(nullptr, std::memory_order_relaxed);
    prev->atomicstatus.store(kGRunnable, std::memory_order_release);
    // runqput's fast path, inline: the owner appends without an atomic RMW.
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
    if (t - h < kRunqSize) {
      pp->runq[t & (kRunqSize - 1)].store(prev, std::memory_order_relaxed);
      pp->runqtail.store(t + 1, std::memory_order_release);
    } else {
      runqput(pp, prev, false);
    }
    if (g_asym_fence) {
      m->fastpath.store(0, std::memory_order_release);
    } else {
      pp->status.store(kPUser, std::memory_order_release);
    }
  }
}

// gp -> g0 of its current M. Returns when gp is resumed, maybe on another M.
__attribute__((noinline)) void switch_to_g0(M* m, G* gp, bool dying) {
#if GO_ASAN
  __sanitizer_start_switch_fiber(dying ? nullptr : &gp->asan_fake_stack,
                                 m->g0_stack_bottom, m->g0_stack_size);
#else
  (void)dying;
#endif
#if GO_TSAN
  __tsan_switch_to_fiber(m->g0_tsan_fiber, 0);
#endif
  M* now = static_cast<M*>(go_ctx_switch(&gp->sp, m->g0_sp, nullptr));
  after_switch_in(now, gp, false);
}

// Switches from the running goroutine to its M's scheduler loop, which runs
// fn(gp) there. Returns when gp runs again.
__attribute__((noinline)) void mcall(void (*fn)(G*)) {
  M* m = getm();
  G* gp = m->curg;
  m->mcallfn = fn;
  EhGlobals* e = m->eh_globals;
  gp->eh = *e;
  *e = m->g0eh;
  switch_to_g0(m, gp, fn == &goexit0);
}

// ---- P ownership ----

void acquirep(M* m, P* pp) {
  m->p = pp;
  pp->m.store(m, std::memory_order_relaxed);
  pp->status.store(kPRunning, std::memory_order_release);
}

P* releasep(M* m) {
  P* pp = m->p;
  pp->m.store(nullptr, std::memory_order_relaxed);
  pp->status.store(kPIdle, std::memory_order_release);
  m->p = nullptr;
  return pp;
}

// A P held for a runtime operation on the goroutine side.
struct PHold {
  P* pp = nullptr;
  bool release = false;
};

// Takes the M's P for a runtime operation: free on the scheduler stack; on a
// goroutine, a CAS from kPUser (sysmon may have taken it, then the M has none).
PHold p_acquire(M* m) {
  if (m == nullptr) return {};
  P* pp = m->p;
  if (pp == nullptr) return {};
  if (m->on_g0) return {pp, false};
  if (pp->m.load(std::memory_order_relaxed) != m) {
    m->p = nullptr;
    return {};
  }
  uint32_t s = kPUser;
  if (pstatus_cas(pp, &s, kPRunning)) return {pp, true};
  if (s != kPSyscall) m->p = nullptr;
  return {};
}

inline void p_release(const PHold& h) {
  if (h.release) h.pp->status.store(kPUser, std::memory_order_release);
}

inline void prefetch_g(const G* gp) {
  const char* p = reinterpret_cast<const char*>(gp);
  __builtin_prefetch(p, 1);
  __builtin_prefetch(p + 64, 1);
  __builtin_prefetch(p - 64, 1);
  __builtin_prefetch(p - 128, 1);
}

// The global free list of dead Gs; sched.lock held.
void gfree_push_locked(G* gp) {
  Sched& s = sched();
  int32_t n = s.gfree_count.load(std::memory_order_relaxed);
  if (n == s.gfreecap) {
    int32_t cap = s.gfreecap == 0 ? 1024 : s.gfreecap * 2;
    G** buf = new G*[cap];
    for (int32_t i = 0; i < n; i++) buf[i] = s.gfreebuf[i];
    delete[] s.gfreebuf;
    s.gfreebuf = buf;
    s.gfreecap = cap;
  }
  s.gfreebuf[n] = gp;
  s.gfree_count.store(n + 1, std::memory_order_relaxed);
}

G* gfree_pop_locked() {
  Sched& s = sched();
  int32_t n = s.gfree_count.load(std::memory_order_relaxed);
  if (n == 0) return nullptr;
  s.gfree_count.store(n - 1, std::memory_order_relaxed);
  return s.gfreebuf[n - 1];
}

// sched.lock held. Moves a P that GOMAXPROCS no longer covers out of service.
void pdestroy_locked(P* pp) {
  bool inherit;
  while (G* gp = runqget(pp, &inherit)) globrunqput(gp);
  for (int32_t k = 0; k < pp->gfree_count; k++) gfree_push_locked(pp->gfree[k]);
  pp->gfree_count = 0;
  pp->m.store(nullptr, std::memory_order_relaxed);
  pp->status.store(kPDead, std::memory_order_release);
}

// sched.lock held.
void pidleput(P* pp) {
  Sched& s = sched();
  if (pp->id >= s.gomaxprocs.load(std::memory_order_relaxed)) {
    pdestroy_locked(pp);
    return;
  }
  // An idle P's queue is stolen from only by spinning Ms, and there may be
  // none: goroutines left there would never run (Go throws here too).
  if (!runqempty(pp)) fatal_nodump("pidleput: P has non-empty run queue");
  pp->m.store(nullptr, std::memory_order_relaxed);
  pp->status.store(kPIdle, std::memory_order_release);
  pp->link = s.pidle;
  s.pidle = pp;
  s.npidle.fetch_add(1, std::memory_order_seq_cst);
}

// sched.lock held.
P* pidleget() {
  Sched& s = sched();
  P* pp = s.pidle;
  if (pp != nullptr) {
    s.pidle = pp->link;
    pp->link = nullptr;
    s.npidle.fetch_sub(1, std::memory_order_seq_cst);
  }
  return pp;
}

// sched.lock held.
void mput(M* m) {
  Sched& s = sched();
  m->schedlink = s.midle;
  s.midle = m;
  s.nmidle++;
}

// sched.lock held.
M* mget() {
  Sched& s = sched();
  M* m = s.midle;
  if (m != nullptr) {
    s.midle = m->schedlink;
    s.nmidle--;
  }
  return m;
}

// ---- G free lists ----

void gfput(P* pp, G* gp) {
  if (pp->gfree_count == P::kGFreeMax) {
    Sched& s = sched();
    std::lock_guard<Lock> l(s.lock);
    while (pp->gfree_count > P::kGFreeMax / 2) {
      gfree_push_locked(pp->gfree[--pp->gfree_count]);
    }
  }
  pp->gfree[pp->gfree_count++] = gp;
}

void gfput_global(G* gp) {
  std::lock_guard<Lock> l(sched().lock);
  gfree_push_locked(gp);
}

G* gfget(P* pp) {
  Sched& s = sched();
  if (pp->gfree_count == 0 &&
      s.gfree_count.load(std::memory_order_relaxed) > 0) {
    std::lock_guard<Lock> l(s.lock);
    while (pp->gfree_count < P::kGFreeMax / 2) {
      G* g = gfree_pop_locked();
      if (g == nullptr) break;
      pp->gfree[pp->gfree_count++] = g;
    }
  }
  if (pp->gfree_count == 0) return nullptr;
  G* gp = pp->gfree[--pp->gfree_count];
  // The next spawns will use the next Gs: start fetching them (G, closure slot
  // and first frame share its stack's top page, rarely in cache, often not in
  // the TLB either: one spawn ahead is too late to hide that).
  if (pp->gfree_count > 0) prefetch_g(pp->gfree[pp->gfree_count - 1]);
  if (pp->gfree_count > 3) prefetch_g(pp->gfree[pp->gfree_count - 4]);
  return gp;
}

G* gfget_global() {
  Sched& s = sched();
  if (s.gfree_count.load(std::memory_order_relaxed) == 0) return nullptr;
  std::lock_guard<Lock> l(s.lock);
  return gfree_pop_locked();
}

void allgadd(G* gp) {
  std::lock_guard<std::mutex> l(allglock());
  gp->allgs_index = allgs().size();
  allgs().push_back(gp);
}

// ---- M lifecycle ----

void* mstart(void* arg);

void newm(P* pp, bool spinning, int64_t id) {
  M* mp = new M;
  mp->id = id;
  mp->spinning = spinning;
  mp->nextp.store(pp, std::memory_order_release);
  {
    Sched& s = sched();
    std::lock_guard<Lock> l(s.lock);
    mp->alllink = s.allm;
    s.allm = mp;
    g_allm_head.store(mp, std::memory_order_release);
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  int err = pthread_create(&t, &attr, &mstart, mp);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    fprintf(
        stderr,
        "runtime: failed to create new OS thread (have %d already; errno=%d)\n",
        sched().mcount, err);
    fatal_nodump("newosproc");
  }
}

// Gives pp (or an idle P) to an idle M, or a new one. spinning: the caller
// incremented nmspinning for it.
void startm(P* pp, bool spinning) {
  Sched& s = sched();
  std::unique_lock<Lock> l(s.lock);
  if (pp == nullptr) {
    pp = pidleget();
    if (pp == nullptr) {
      l.unlock();
      if (spinning) s.nmspinning.fetch_sub(1, std::memory_order_seq_cst);
      return;
    }
  }
  M* nmp = mget();
  if (nmp == nullptr) {
    if (s.mcount >= s.maxmcount) {
      l.unlock();
      fprintf(stderr, "runtime: program exceeds %d-thread limit\n",
              s.maxmcount);
      fatal("thread exhaustion");
    }
    int64_t id = ++s.mnext;
    s.mcount++;
    l.unlock();
    newm(pp, spinning, id);
    SysmonWake();
    return;
  }
  nmp->spinning = spinning;
  nmp->nextp.store(pp, std::memory_order_release);
  l.unlock();
  NoteWakeup(&nmp->park);
  SysmonWake();
}

// Waits until another M hands this one a P.
P* waitnextp(M* m) {
  for (;;) {
    P* pp = m->nextp.exchange(nullptr, std::memory_order_acq_rel);
    if (pp != nullptr) return pp;
    NoteSleep(&m->park);
    NoteClear(&m->park);
  }
}

const char* checkdead_locked();

// Parks the M until it is given a P.
void stopm(M* m) {
  Sched& s = sched();
  const char* dead;
  {
    std::lock_guard<Lock> l(s.lock);
    mput(m);
    dead = checkdead_locked();
  }
  if (dead != nullptr) fatal(dead);
  acquirep(m, waitnextp(m));
}

// Deadlock detection (Go's checkdead), sched.lock held: called when an M goes
// idle. Only while Run's main goroutine exists and no plain thread that could
// wake a goroutine has used the runtime (those are outside our view, like cgo's
// extra Ms in Go).
const char* checkdead_locked() {
  Sched& s = sched();
  if (s.run_active.load() == 0 && !s.main_goexited.load()) return nullptr;
  if (s.external_threads.load() > 0) return nullptr;
  int32_t run = s.mcount - s.nmidle - s.nmidlelocked;
  if (run > 0) return nullptr;
  if (s.runqsize.load() > 0) return nullptr;  // a wakeup is on its way
  for (int i = 0; i < kMaxProcs; i++) {
    P* pp = allp[i].load(std::memory_order_acquire);
    if (pp == nullptr) break;
    if (!runqempty(pp)) return nullptr;
  }
  if (s.poll_sleeper.load() != nullptr) return nullptr;
  if (hooks_next_deadline() != kNothingPending) return nullptr;
  // A G being created or readied by a thread without a P is runnable before it
  // reaches a queue.
  {
    std::lock_guard<std::mutex> l(allglock());
    for (G* gp : allgs()) {
      uint32_t st = readgstatus(gp) & ~uint32_t{kGScan};
      if (st == kGRunnable || st == kGRunning || st == kGSyscall)
        return nullptr;
    }
  }
  if (s.main_goexited.load() && s.ngoroutines.load() == 0) {
    return "no goroutines (main called runtime.Goexit) - deadlock!";
  }
  return "all goroutines are asleep - deadlock!";
}

void resetspinning(M* m) {
  m->spinning = false;
  int32_t n = sched().nmspinning.fetch_sub(1, std::memory_order_seq_cst) - 1;
  if (n < 0) fatal_nodump("findrunnable: negative nmspinning");
  wakep();
}

void startlockedm(M* m, G* gp) {
  M* mp = gp->lockedm;
  P* pp = releasep(m);
  mp->nextp.store(pp, std::memory_order_release);
  NoteWakeup(&mp->park);
  stopm(m);
}

void stoplockedm(M* m) {
  Sched& s = sched();
  if (m->p != nullptr) handoffp(releasep(m));
  const char* dead;
  {
    std::lock_guard<Lock> l(s.lock);
    s.nmidlelocked++;
    dead = checkdead_locked();
  }
  if (dead != nullptr) fatal(dead);
  P* pp = waitnextp(m);
  {
    std::lock_guard<Lock> l(s.lock);
    s.nmidlelocked--;
  }
  acquirep(m, pp);
}

// ---- finding work ----

G* stealwork(M* m, P* pp) {
  int32_t procs = sched().gomaxprocs.load(std::memory_order_relaxed);
  for (int i = 0; i < 4; i++) {
    uint32_t start = fastrand(m);
    for (int32_t j = 0; j < procs; j++) {
      P* p2 = allp[(start + j) % procs].load(std::memory_order_acquire);
      if (p2 == nullptr || p2 == pp) continue;
      uint32_t st = p2->status.load(std::memory_order_relaxed);
      if (st == kPIdle || st == kPDead) continue;
      if (G* gp = runqsteal(pp, p2, i == 3)) return gp;
    }
  }
  return nullptr;
}

// Finds a runnable G for m, blocking (stopm) when there is none. Returns
// nullptr when the caller should re-evaluate (m lost or must drop its P).
G* findrunnable(M* m, bool* inherit) {
  Sched& s = sched();
top:
  P* pp = m->p;
  if (pp == nullptr) return nullptr;
  if (pp->id >= s.gomaxprocs.load(std::memory_order_relaxed)) return nullptr;
  if (G* gp = runqget(pp, inherit)) return gp;
  *inherit = false;
  if (s.runqsize.load(std::memory_order_relaxed) > 0) {
    std::lock_guard<Lock> l(s.lock);
    if (G* gp = globrunqget(pp, 0)) return gp;
  }
  if (g_nhooks.load(std::memory_order_acquire) > 0) {
    if (G* list = poll_hooks(nanotime())) {
      G* gp = list;
      injectglist(list->schedlink);
      gp->schedlink = nullptr;
      return gp;
    }
    // A hook may have started goroutines on this P (an AfterFunc timer's
    // `go f()`): they are in its run queue now, which was empty above. (Go
    // runs the P's timers before looking at its run queue.)
    if (G* gp = runqget(pp, inherit)) return gp;
  }
  int32_t procs = s.gomaxprocs.load(std::memory_order_relaxed);
  if (m->spinning || 2 * s.nmspinning.load(std::memory_order_relaxed) <
                         procs - s.npidle.load(std::memory_order_relaxed)) {
    if (!m->spinning) {
      m->spinning = true;
      s.nmspinning.fetch_add(1, std::memory_order_seq_cst);
    }
    if (G* gp = stealwork(m, pp)) return gp;
  }
  // Nothing: give up the P.
  {
    std::lock_guard<Lock> l(s.lock);
    if (s.runqsize.load(std::memory_order_relaxed) > 0)
      return globrunqget(pp, 0);
    if (pp->id >= s.gomaxprocs.load(std::memory_order_relaxed)) return nullptr;
    releasep(m);
    pidleput(pp);
  }
  if (m->spinning) {
    // Stop spinning before the final check, so that a concurrent wakep (which
    // skips when someone spins) cannot be lost.
    m->spinning = false;
    if (s.nmspinning.fetch_sub(1, std::memory_order_seq_cst) - 1 < 0) {
      fatal_nodump("findrunnable: negative nmspinning");
    }
    // The global queue too: plain threads and sysmon queue work there without
    // a P, so a wakep that saw us spinning relies on this check.
    bool work = s.runqsize.load(std::memory_order_seq_cst) > 0;
    for (int32_t i = 0; i < procs && !work; i++) {
      P* p2 = allp[i].load(std::memory_order_acquire);
      work = p2 != nullptr && !runqempty(p2);
    }
    if (work) {
      {
        P* pp2;
        {
          std::lock_guard<Lock> l(s.lock);
          pp2 = pidleget();
        }
        if (pp2 != nullptr) {
          acquirep(m, pp2);
          m->spinning = true;
          s.nmspinning.fetch_add(1, std::memory_order_seq_cst);
          goto top;
        }
      }
    }
  }
  // Timers/IO pending: one M sleeps until the earliest deadline.
  if (g_nhooks.load(std::memory_order_acquire) > 0) {
    M* expected = nullptr;
    if (s.poll_sleeper.compare_exchange_strong(expected, m)) {
      int64_t d = hooks_next_deadline();
      if (d != kNothingPending) {
        int64_t now = nanotime();
        G* blocked = nullptr;
        if (d > now) {
          int64_t timeout = d == kNoDeadline ? -1 : d - now;
          // netpoll: wait in epoll_wait, not on the futex (park.h).
          if (const PollHook* bh = blocking_hook()) {
            blocked = bh->block(timeout, bh->arg);
          } else {
            NoteTSleep(&m->park, timeout);
          }
        }
        NoteClear(&m->park);
        s.poll_sleeper.store(nullptr);
        G* list = poll_hooks(nanotime());
        if (blocked != nullptr) {
          G* tail = blocked;
          while (tail->schedlink != nullptr) tail = tail->schedlink;
          tail->schedlink = list;
          list = blocked;
        }
        P* pp2;
        {
          std::lock_guard<Lock> l(s.lock);
          pp2 = pidleget();
        }
        if (pp2 != nullptr) {
          acquirep(m, pp2);
          // This M no longer sleeps for the timers: sysmon, which may be in
          // its all-idle sleep, takes over polling them while Ps run.
          SysmonWake();
          if (list != nullptr) {
            G* gp = list;
            injectglist(list->schedlink);
            gp->schedlink = nullptr;
            return gp;
          }
          goto top;
        }
        if (list != nullptr) injectglist(list);
      } else {
        s.poll_sleeper.store(nullptr);
      }
    }
  }
  stopm(m);
  goto top;
}

// Picks the next G for m to run; blocks until there is one.
G* schedule(M* m, bool* inherit) {
  Sched& s = sched();
  for (;;) {
    if (m->p == nullptr) stopm(m);
    P* pp = m->p;
    if (pp->id >= s.gomaxprocs.load(std::memory_order_relaxed)) {
      // GOMAXPROCS shrank below this P.
      if (m->spinning) resetspinning(m);
      {
        std::lock_guard<Lock> l(s.lock);
        m->p = nullptr;
        pdestroy_locked(pp);
      }
      wakep();  // for the Gs it moved to the global queue
      continue;
    }
    G* gp = nullptr;
    *inherit = false;
    if (pp->schedtick.load(std::memory_order_relaxed) % 61 == 0 &&
        s.runqsize.load(std::memory_order_relaxed) > 0) {
      std::lock_guard<Lock> l(s.lock);
      gp = globrunqget(pp, 1);
    }
    if (gp == nullptr) gp = runqget(pp, inherit);
    if (gp == nullptr) {
      gp = findrunnable(m, inherit);
      if (gp == nullptr) continue;
    }
    if (m->spinning) resetspinning(m);
    if (gp->lockedm != nullptr && gp->lockedm != m) {
      startlockedm(m, gp);
      continue;
    }
    return gp;
  }
}

// ---- running a G ----

[[noreturn]] void stack_overflow_fatal(G* gp) {
  char buf[256];
  snprintf(
      buf, sizeof buf,
      "runtime: goroutine stack exceeds %zu-byte limit\n"
      "runtime: goroutine %lld: stack overflow, sp=%#lx stack=[%#lx, %#lx] "
      "(no guard page)\n",
      static_cast<size_t>(gp->stack_hi - gp->stack_lo),
      static_cast<long long>(gp->goid), reinterpret_cast<unsigned long>(gp->sp),
      static_cast<unsigned long>(gp->stack_lo),
      static_cast<unsigned long>(gp->stack_hi));
  WriteStderr(buf);
  fatal("stack overflow");
}

void execute(M* m, G* gp, bool inherit) {
  m->curg = gp;
  gp->m.store(m, std::memory_order_relaxed);
  casgstatus(gp, kGRunnable, kGRunning);
  P* pp = m->p;
  if (pp != nullptr && !inherit) {
    pp->schedtick.store(pp->schedtick.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
  }
  EhGlobals* e = m->eh_globals;
  m->g0eh = *e;
  *e = gp->eh;
  m->on_g0 = false;
  if (pp != nullptr) pp->status.store(kPUser, std::memory_order_release);
  switch_to_g(m, gp);
  // The goroutine that calls mcall back here may be another one: Gosched
  // switches between goroutines directly (gosched_direct).
  gp = m->curg;
  m->on_g0 = true;
  pp = m->p;
  if (pp != nullptr) {
    uint32_t st = kPUser;
    if (pp->m.load(std::memory_order_relaxed) != m ||
        !(pstatus_cas(pp, &st, kPRunning) ||
          (st == kPSyscall && pp->status.compare_exchange_strong(
                                  st, kPRunning, std::memory_order_acquire)))) {
      m->p = nullptr;  // sysmon took it
    }
  }
  if (StackPointerOutside(gp, reinterpret_cast<uintptr_t>(gp->sp))) {
    stack_overflow_fatal(gp);
  }
  void (*fn)(G*) = m->mcallfn;
  m->mcallfn = nullptr;
  fn(gp);
}

void dropg(M* m, G* gp) {
  m->curg = nullptr;
  gp->m.store(nullptr, std::memory_order_relaxed);
}

void park_m(G* gp) {
  M* m = tls_m;
  casgstatus(gp, kGRunning, kGWaiting);
  dropg(m, gp);
  if (bool (*fn)(G*, void*) = m->waitunlockf) {
    void* lock = m->waitlock;
    m->waitunlockf = nullptr;
    m->waitlock = nullptr;
    if (!fn(gp, lock)) {
      casgstatus(gp, kGWaiting, kGRunnable);
      m->nextg = gp;
    }
  }
}

void gosched_m(G* gp) {
  M* m = tls_m;
  casgstatus(gp, kGRunning, kGRunnable);
  dropg(m, gp);
  if (m->p != nullptr && gp->lockedm == nullptr) {
    runqput(m->p, gp, false);
  } else {
    {
      std::lock_guard<Lock> l(sched().lock);
      globrunqput(gp);
    }
    wakep();
  }
}

void exitsyscall0(G* gp) {
  M* m = tls_m;
  Sched& s = sched();
  casgstatus(gp, kGSyscall, kGRunnable);
  dropg(m, gp);
  P* pp;
  {
    std::lock_guard<Lock> l(s.lock);
    pp = pidleget();
    if (pp == nullptr) globrunqput(gp);
  }
  if (pp != nullptr) {
    acquirep(m, pp);
    m->nextg = gp;
  }
}

void goexit0(G* gp) {
  M* m = tls_m;
  Sched& s = sched();
  casgstatus(gp, kGRunning, kGDead);
  s.ngoroutines.fetch_sub(1, std::memory_order_relaxed);
  if (gp->is_main && gp->exit_via_goexit) s.main_goexited.store(true);
  dropg(m, gp);
  bool locked = gp->lockedm != nullptr;
  racy_store(gp->lockedm, nullptr);
  gp->locked_ext = 0;
  racy_store(gp->is_main, false);
  gp->eh = EhGlobals{};
  gp->waitreason = WaitReason::kZero;
  if (m->p != nullptr) {
    gfput(m->p, gp);
  } else {
    gfput_global(gp);
  }
  if (locked) {
    // The goroutine may have changed its thread's state; the thread goes with
    // it.
    m->lockedg = nullptr;
    m->exiting = true;
  }
}

void mexit(M* m) {
  if (m->p != nullptr) handoffp(releasep(m));
  Sched& s = sched();
  const char* dead;
  {
    std::lock_guard<Lock> l(s.lock);
    s.mcount--;
    dead = checkdead_locked();
  }
  if (dead != nullptr) fatal(dead);
}

void schedule_loop(M* m) {
  for (;;) {
    G* gp;
    bool inherit = false;
    if (m->nextg != nullptr) {
      gp = m->nextg;
      m->nextg = nullptr;
      inherit = true;
      if (gp->lockedm != nullptr && gp->lockedm != m) {
        // gosched_direct dequeued a goroutine locked to another M.
        startlockedm(m, gp);
        continue;
      }
    } else if (m->lockedg != nullptr) {
      stoplockedm(m);
      gp = m->lockedg;
    } else {
      gp = schedule(m, &inherit);
    }
    execute(m, gp, inherit);
    if (m->exiting) {
      mexit(m);
      return;
    }
  }
}

void minit(M* m) {
  tls_m = m;
  m->thread = pthread_self();
  m->eh_globals = reinterpret_cast<EhGlobals*>(abi::__cxa_get_globals());
  m->fastrand = static_cast<uint64_t>(nanotime()) ^
                (static_cast<uint64_t>(m->id) * 0x9E3779B97F4A7C15ULL) ^ 1;
#if GO_TSAN
  m->g0_tsan_fiber = __tsan_get_current_fiber();
#endif
  // An M sleeps in the kernel until the next timer is due (epoll_pwait2,
  // futex): with the default 50 us of timer slack every time.Sleep, After
  // and Ticker would fire that much late. Go leaves the slack alone; the
  // wake-up then comes within the scheduler's own latency.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  MinitSignals(m);
}

void* mstart(void* arg) {
  M* m = static_cast<M*>(arg);
  minit(m);
  acquirep(m, waitnextp(m));
  schedule_loop(m);
  UnminitSignals(m);
  return nullptr;
}

// Gosched without the scheduler stack: puts the running goroutine on its P's
// run queue and switches straight to the next one (one stack switch, not two,
// and no scheduler loop in between), which publishes the yielder once its
// context is saved (after_switch_in). Anything unusual (P lost or beyond
// GOMAXPROCS, a locked goroutine, the global queue's turn, a stack pointer off
// its stack) takes the scheduler's path, mcall(gosched_m).
//
// One atomic read-modify-write remains, the run queue's head (thieves race for
// it; with nothing else runnable there is none). The P stays kPUser: instead
// of a CAS to kPRunning, which keeps sysmon from retaking it meanwhile, the
// owner raises m->fastpath with a plain store and re-reads the status, and
// sysmon's retake (kPUser -> kPRetake, membarrier, read the flag) backs off if
// it sees the flag: a store-load (Dekker) pair whose expensive fence sysmon
// pays, once per retake. The next G's status is stored, not CASed, unless a
// goroutine dump is in progress (BeginGoroutineScan; the flag and the run
// queue CAS are this side's half of that pair). Without membarrier(2) both
// CASes are used.
// Inlined into Gosched: one call frame on the yielding goroutine's stack.
__attribute__((always_inline)) inline void gosched_direct(M* m) {
  G* gp = m->curg;
  P* pp = m->p;
  Sched& s = sched();
  uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (pp == nullptr || pp->m.load(std::memory_order_relaxed) != m ||
      gp->lockedm != nullptr || sp < gp->stack_lo + 256 || sp > gp->stack_hi ||
      pp->id >= s.gomaxprocs.load(std::memory_order_relaxed)) {
    mcall(&gosched_m);
    return;
  }
  uint32_t tick = pp->schedtick.load(std::memory_order_relaxed);
  if (tick % 61 == 0 && s.runqsize.load(std::memory_order_relaxed) > 0) {
    mcall(&gosched_m);
    return;
  }
  G* next = pp->runnext.load(std::memory_order_relaxed);
  if (next == nullptr && pp->runqhead.load(std::memory_order_relaxed) ==
                             pp->runqtail.load(std::memory_order_relaxed)) {
    // Nothing else to run here: gp goes on (schedule would pick it again).
    if (pp->status.load(std::memory_order_relaxed) != kPUser) {
      mcall(&gosched_m);
      return;
    }
    pp->schedtick.store(tick + 1, std::memory_order_relaxed);
    return;
  }
  // Own the P's run queue.
  if (g_asym_fence) {
    m->fastpath.store(1, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    // A retake that missed the flag is visible here, as is the status and
    // owner of an M that got the P since.
    if (pp->status.load(std::memory_order_acquire) != kPUser ||
        pp->m.load(std::memory_order_relaxed) != m) {
      m->fastpath.store(0, std::memory_order_release);
      mcall(&gosched_m);  // being retaken, or taken
      return;
    }
  } else {
    uint32_t st = kPUser;
    if (!pp->status.compare_exchange_strong(st, kPRunning,
                                            std::memory_order_acquire)) {
      mcall(&gosched_m);  // being retaken, or taken
      return;
    }
  }
  // runqget, inline.
  bool inherit = false;
  if (next != nullptr && pp->runnext.compare_exchange_strong(
                             next, nullptr, std::memory_order_seq_cst)) {
    inherit = true;
  } else {
    for (;;) {
      uint32_t h = pp->runqhead.load(std::memory_order_acquire);
      uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
      if (t == h) {
        next = nullptr;
        break;
      }
      next = pp->runq[h & (kRunqSize - 1)].load(std::memory_order_relaxed);
      if (pp->runqhead.compare_exchange_weak(h, h + 1,
                                             std::memory_order_seq_cst)) {
        break;
      }
    }
  }
  if (next == nullptr || next->lockedm != nullptr) {
    if (g_asym_fence) {
      m->fastpath.store(0, std::memory_order_release);
    } else {
      pp->status.store(kPUser, std::memory_order_release);
    }
    if (next == nullptr) {  // a thief took it
      pp->schedtick.store(tick + 1, std::memory_order_relaxed);
      return;
    }
    // Its M must run it: the scheduler loop hands it over.
    m->nextg = next;
    mcall(&gosched_m);
    return;
  }
  // next is ours (dequeued); only a goroutine dump may set its scan bit. The
  // run queue CAS above orders m->fastpath before this read of g_gscans, and
  // BeginGoroutineScan orders its increment before reading m->fastpath: a
  // dump either is seen here or waits for this switch to finish.
  uint32_t want = kGRunnable;
  if (g_asym_fence && g_gscans.load(std::memory_order_seq_cst) == 0) {
    next->atomicstatus.store(kGRunning, std::memory_order_relaxed);
  } else if (!next->atomicstatus.compare_exchange_strong(
                 want, kGRunning, std::memory_order_acquire)) {
    casgstatus(next, kGRunnable, kGRunning);  // a dump is reading its stack
  }
  if (!inherit) pp->schedtick.store(tick + 1, std::memory_order_relaxed);
  m->curg = next;
  next->m.store(m, std::memory_order_relaxed);
  EhGlobals* e = m->eh_globals;
  gp->eh = *e;
  *e = next->eh;
  m->switch_prev = gp;
#if GO_ASAN
  __sanitizer_start_switch_fiber(&gp->asan_fake_stack,
                                 reinterpret_cast<void*>(next->stack_lo),
                                 next->stack_hi - next->stack_lo);
#endif
#if GO_TSAN
  __tsan_switch_to_fiber(next->tsan_fiber, 0);
#endif
  M* now = static_cast<M*>(go_ctx_switch_ret(&gp->sp, next->sp, m));
  after_switch_in(now, gp, false);
}

// The first frame of every goroutine (called by go_ctx_trampoline).
void goroutine_main(void* arg) {
  G* gp = static_cast<G*>(arg);
  after_switch_in(getm(), gp, true);
  try {
    gp->entry(gp->closure);
  } catch (const GoexitUnwind&) {
    gp->exit_via_goexit = true;
  }
  mcall(&goexit0);
  __builtin_unreachable();
}

G* thread_g() {
  G* gp = tls_thread_g;
  if (gp == nullptr) {
    gp = new G;  // leaked: a waker may touch it after the thread is gone
    gp->is_thread = true;
    gp->atomicstatus.store(kGRunning, std::memory_order_relaxed);
    tls_thread_g = gp;
    sched().external_threads.fetch_add(1);
    struct Cleanup {
      ~Cleanup() { sched().external_threads.fetch_sub(1); }
    };
    static thread_local Cleanup cleanup;
    (void)&cleanup;
  }
  return gp;
}

void schedinit_slow();

}  // namespace

// ---- exported internals ----

__attribute__((noinline, noipa)) M* getm() { return tls_m; }

__attribute__((noinline, noipa)) G* getg() {
  M* m = tls_m;
  if (m != nullptr) return m->curg;
  return thread_g();
}

int64_t nanotime() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t coarse_nanotime() {
  int64_t v = g_coarse_now.load(std::memory_order_relaxed);
  return v != 0 ? v : nanotime();
}

void set_coarse_nanotime(int64_t now) {
  g_coarse_now.store(now, std::memory_order_relaxed);
}

uint32_t readgstatus(const G* gp) {
  return gp->atomicstatus.load(std::memory_order_acquire);
}

void casgstatus(G* gp, uint32_t oldval, uint32_t newval) {
  if (oldval == kGRunning) {
    // Only the G's own M changes a running G's status, and dumps never set the
    // scan bit on a running G: a release store suffices (hot path of every
    // park and yield).
    gp->atomicstatus.store(newval, std::memory_order_release);
    return;
  }
  for (int i = 0;; i++) {
    uint32_t o = oldval;
    if (gp->atomicstatus.compare_exchange_weak(
            o, newval, std::memory_order_acq_rel, std::memory_order_acquire)) {
      return;
    }
    if ((o & ~uint32_t{kGScan}) != oldval) {
      char buf[128];
      snprintf(buf, sizeof buf,
               "casgstatus: goroutine %lld: bad status %#x, want %#x",
               static_cast<long long>(gp->goid), o, oldval);
      fatal_nodump(buf);
    }
    // A dump holds the scan bit: wait for it.
    if (i < 100) {
      CpuRelax();
    } else {
      sched_yield();
    }
  }
}

bool sched_started() { return g_started.load(std::memory_order_acquire); }

bool asymmetric_fence_available() { return g_asym_fence; }

void BeginGoroutineScan() {
  g_gscans.fetch_add(1, std::memory_order_seq_cst);
  // Wait out the direct switches that missed the increment (short: no
  // blocking inside one). Not our own M: a dump from a signal handler may have
  // interrupted one, which cannot go on until the handler returns; bounded in
  // case a crashing thread stopped inside one.
  M* self = getm();
  for (M* mp = g_allm_head.load(std::memory_order_acquire); mp != nullptr;
       mp = mp->alllink) {
    if (mp == self) continue;
    for (int i = 0; i < 100000 && mp->fastpath.load(std::memory_order_seq_cst);
         i++) {
      if (i < 100) {
        CpuRelax();
      } else {
        sched_yield();
      }
    }
  }
}

void EndGoroutineScan() { g_gscans.fetch_sub(1, std::memory_order_release); }

void asymmetric_heavy_fence() {
  if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
    fatal_nodump("membarrier failed after registration");
  }
}

bool pstatus_cas(P* pp, uint32_t* from, uint32_t to) {
  for (int i = 0;; i++) {
    uint32_t s = *from;
    if (pp->status.compare_exchange_strong(s, to, std::memory_order_acq_rel)) {
      return true;
    }
    if (s != kPRetake) {
      *from = s;
      return false;
    }
    // sysmon decides within one membarrier; it may be descheduled meanwhile.
    if (i < 100) {
      CpuRelax();
    } else {
      sched_yield();
    }
  }
}

void schedinit() {
  if (!g_started.load(std::memory_order_acquire)) schedinit_slow();
}

namespace {
void schedinit_slow() {
  static std::mutex* mu = new std::mutex;
  std::lock_guard<std::mutex> init(*mu);
  if (g_started.load(std::memory_order_relaxed)) return;
  Sched& s = sched();
  g_ncpu = getproccount();
  int32_t procs = default_gomaxprocs(g_ncpu);
  set_coarse_nanotime(nanotime());
  {
    std::lock_guard<Lock> l(s.lock);
    s.gomaxprocs.store(procs);
    for (int32_t i = procs - 1; i >= 0; i--) {
      P* pp = new P;
      pp->id = i;
      allp[i].store(pp, std::memory_order_release);
      pidleput(pp);
    }
  }
  g_asym_fence = syscall(SYS_membarrier,
                         MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
  InstallPanicHandlers();
  StartSysmon();
  g_started.store(true, std::memory_order_release);
}
}  // namespace

void wakep() {
  Sched& s = sched();
  if (s.npidle.load(std::memory_order_seq_cst) == 0) return;
  if (s.nmspinning.load(std::memory_order_seq_cst) != 0) return;
  int32_t zero = 0;
  if (!s.nmspinning.compare_exchange_strong(zero, 1, std::memory_order_seq_cst))
    return;
  startm(nullptr, true);
}

void handoffp(P* pp) {
  Sched& s = sched();
  if (pp->id >= s.gomaxprocs.load()) {
    {
      std::lock_guard<Lock> l(s.lock);
      pdestroy_locked(pp);
    }
    wakep();
    return;
  }
  if (!runqempty(pp) || s.runqsize.load() != 0) {
    startm(pp, false);
    return;
  }
  if (s.nmspinning.load() + s.npidle.load() == 0) {
    int32_t zero = 0;
    if (s.nmspinning.compare_exchange_strong(zero, 1)) {
      startm(pp, true);
      return;
    }
  }
  std::unique_lock<Lock> l(s.lock);
  if (s.runqsize.load() != 0) {
    l.unlock();
    startm(pp, false);
    return;
  }
  // The last running P with timers pending and nobody sleeping on them.
  if (s.npidle.load() == s.gomaxprocs.load() - 1 && g_nhooks.load() > 0 &&
      s.poll_sleeper.load() == nullptr &&
      hooks_next_deadline() != kNothingPending) {
    l.unlock();
    startm(pp, false);
    return;
  }
  pidleput(pp);
}

void injectglist(G* list) {
  if (list == nullptr) return;
  Sched& s = sched();
  int32_t n = 0;
  for (G* g = list; g != nullptr; g = g->schedlink) n++;
  {
    std::lock_guard<Lock> l(s.lock);
    globrunqputlist(list);
  }
  for (int32_t i = 0; i < n && s.npidle.load() > 0; i++) startm(nullptr, false);
}

G* poll_hooks(int64_t now) {
  int n = g_nhooks.load(std::memory_order_acquire);
  G* head = nullptr;
  G* tail = nullptr;
  for (int i = 0; i < n; i++) {
    G* list = g_hooks[i].poll(now, g_hooks[i].arg);
    if (list == nullptr) continue;
    if (tail != nullptr) {
      tail->schedlink = list;
    } else {
      head = list;
    }
    tail = list;
    while (tail->schedlink != nullptr) tail = tail->schedlink;
  }
  return head;
}

int64_t hooks_next_deadline() {
  int n = g_nhooks.load(std::memory_order_acquire);
  int64_t best = kNothingPending;
  for (int i = 0; i < n; i++) {
    int64_t d = g_hooks[i].next_deadline(g_hooks[i].arg);
    if (d == kNothingPending) continue;
    if (best == kNothingPending || d < best) best = d;
  }
  return best;
}

void AddPollHook(const PollHook& hook) {
  schedinit();
  std::lock_guard<std::mutex> l(g_hooks_mu);
  int n = g_nhooks.load(std::memory_order_relaxed);
  if (n == kMaxHooks) fatal_nodump("AddPollHook: too many hooks");
  g_hooks[n] = hook;
  g_nhooks.store(n + 1, std::memory_order_release);
  if (hook.block != nullptr) {
    if (blocking_hook() != nullptr) {
      fatal_nodump("AddPollHook: two blocking hooks");
    }
    g_block_hook.store(&g_hooks[n], std::memory_order_release);
  }
}

void PollHooksChanged() {
  Sched& s = sched();
  if (M* sleeper = s.poll_sleeper.load()) {
    NoteWakeup(&sleeper->park);
    if (const PollHook* bh = blocking_hook()) bh->wake(bh->arg);
  } else {
    wakep();
  }
  SysmonWake();
}

void MarkReadyForInject(G* gp) { casgstatus(gp, kGWaiting, kGRunnable); }

void ForEachG(void (*fn)(G* gp, void* arg), void* arg) {
  std::lock_guard<std::mutex> l(allglock());
  for (G* gp : allgs()) fn(gp, arg);
}

// ---- goroutine creation ----

G* NewG(size_t closure_size, size_t closure_align, void** closure_space) {
  schedinit();
  M* m = getm();
  G* gp = nullptr;
  PHold h = p_acquire(m);
  if (h.pp != nullptr) {
    gp = gfget(h.pp);
    p_release(h);
  } else {
    gp = gfget_global();
  }
  if (gp == nullptr) {
    gp = StackAllocG();
#if GO_TSAN
    gp->tsan_fiber = __tsan_create_fiber(0);
#endif
    gp->atomicstatus.store(kGDead, std::memory_order_relaxed);
    allgadd(gp);
  } else {
#if GO_ASAN
    __asan_unpoison_memory_region(reinterpret_cast<void*>(gp->stack_lo),
                                  gp->stack_hi - gp->stack_lo);
#endif
  }
  if (closure_align < 16) closure_align = 16;
  uintptr_t top = (gp->stack_hi - closure_size) & ~(closure_align - 1);
  if (top < gp->stack_lo + gp->stack_hi / 2 - gp->stack_lo / 2) {
    FreeUnstartedG(gp);
    fatal_nodump("go: closure too large for a goroutine stack");
  }
  *closure_space = reinterpret_cast<void*>(top);
  return gp;
}

void FreeUnstartedG(G* gp) {
  M* m = getm();
  PHold h = p_acquire(m);
  if (h.pp != nullptr) {
    gfput(h.pp, gp);
    p_release(h);
  } else {
    gfput_global(gp);
  }
}

__attribute__((noinline)) void StartG(G* newg, void (*entry)(void*),
                                      void* closure) {
  uintptr_t pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  Sched& s = sched();
  newg->entry = entry;
  newg->closure = closure;
  newg->sp = MakeContext(closure, &goroutine_main, newg);
  racy_store(newg->gopc, pc);
  newg->exit_via_goexit = false;
  racy_store(newg->lockedm, nullptr);
  newg->locked_ext = 0;
  newg->param = nullptr;
  newg->eh = EhGlobals{};
  newg->asan_fake_stack = nullptr;
  newg->waitreason = WaitReason::kZero;
  M* m = getm();
  racy_store(
      newg->parent_goid,
      (m != nullptr && !m->on_g0 && m->curg != nullptr) ? m->curg->goid : 0);
  newg->labels.store((m != nullptr && !m->on_g0 && m->curg != nullptr)
                         ? m->curg->labels.load(std::memory_order_relaxed)
                         : nullptr,
                     std::memory_order_relaxed);
  PHold h = p_acquire(m);
  if (h.pp != nullptr) {
    P* pp = h.pp;
    if (pp->goidcache == pp->goidcacheend) {
      pp->goidcache = s.goidgen.fetch_add(16, std::memory_order_relaxed) + 1;
      pp->goidcacheend = pp->goidcache + 16;
    }
    racy_store(newg->goid, pp->goidcache++);
  } else {
    racy_store(newg->goid,
               s.goidgen.fetch_add(1, std::memory_order_relaxed) + 1);
  }
  s.ngoroutines.fetch_add(1, std::memory_order_relaxed);
  casgstatus(newg, kGDead, kGRunnable);
  if (h.pp != nullptr) {
    runqput(h.pp, newg, true);
    p_release(h);
  } else {
    std::lock_guard<Lock> l(s.lock);
    globrunqput(newg);
  }
  wakep();
}

// ---- Run ----

struct MainState {
  int (*fn)(void*);
  void* arg;
  int result = 0;
  Note done;
  std::atomic<int> refs{2};
  void Unref() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

int RunMain(int (*fn)(void*), void* arg) {
  schedinit();
  M* m = getm();
  if (m != nullptr && !m->on_g0) return fn(arg);  // already on a goroutine
  MainState* st = new MainState;
  st->fn = fn;
  st->arg = arg;
  auto body = [st] {
    // While the main goroutine's function runs, deadlocks are reported. (A
    // Goexit skips the decrement: the program then runs until no goroutine is
    // left, as in Go.)
    sched().run_active.fetch_add(1);
    st->result = st->fn(st->arg);
    // Deadlock detection ends with the main goroutine's function (Go exits).
    sched().run_active.fetch_sub(1);
    NoteWakeup(&st->done);
    st->Unref();
  };
  using Body = decltype(body);
  void* space;
  G* gp = NewG(sizeof(Body), alignof(Body), &space);
  ::new (space) Body(body);
  racy_store(gp->is_main, true);
  StartG(gp, &InvokeClosure<Body>, space);
  gp = nullptr;  // may be running (or dead) already
  NoteSleep(&st->done);
  int result = st->result;
  st->Unref();
  return result;
}

// ---- gopark / goready ----

void gopark(bool (*unlockf)(G* gp, void* lock), void* lock, WaitReason reason) {
  M* m = getm();
  if (m == nullptr) {
    G* gp = thread_g();
    gp->waitreason = reason;
    gp->thread_wake.store(0, std::memory_order_relaxed);
    if (unlockf != nullptr && !unlockf(gp, lock)) return;
    while (gp->thread_wake.load(std::memory_order_acquire) == 0) {
      FutexWait(&gp->thread_wake, 0, -1);
    }
    gp->waitreason = WaitReason::kZero;
    return;
  }
  if (m->on_g0) fatal_nodump("gopark on the scheduler stack");
  G* gp = m->curg;
  m->waitunlockf = unlockf;
  m->waitlock = lock;
  m->waitreason = reason;
  gp->waitreason = reason;
  gp->waitsince = coarse_nanotime();
  mcall(&park_m);
}

void goready(G* gp) {
  if (gp->is_thread) {
    gp->thread_wake.store(1, std::memory_order_release);
    FutexWake(&gp->thread_wake, 1);
    return;
  }
  casgstatus(gp, kGWaiting, kGRunnable);
  M* m = getm();
  // A plain thread that wakes goroutines is outside the deadlock detector's
  // view.
  if (m == nullptr) thread_g();
  PHold h = p_acquire(m);
  if (h.pp != nullptr) {
    runqput(h.pp, gp, true);
    p_release(h);
  } else {
    std::lock_guard<Lock> l(sched().lock);
    globrunqput(gp);
  }
  wakep();
}

int64_t goid(const G* gp) { return gp->goid; }
void set_param(G* gp, void* p) { gp->param = p; }
void* param(const G* gp) { return gp->param; }

void EnterSyscall() {
  M* m = getm();
  if (m == nullptr || m->on_g0) return;
  G* gp = m->curg;
  casgstatus(gp, kGRunning, kGSyscall);
  sched().nsyscall.fetch_add(1, std::memory_order_relaxed);
  P* pp = m->p;
  if (pp == nullptr) return;
  pp->syscalltick.fetch_add(1, std::memory_order_relaxed);
  uint32_t s = kPUser;
  if (pp->m.load(std::memory_order_relaxed) != m ||
      !pstatus_cas(pp, &s, kPSyscall)) {
    m->p = nullptr;
  }
}

void ExitSyscall() {
  M* m = getm();
  if (m == nullptr || m->on_g0) return;
  G* gp = m->curg;
  Sched& s = sched();
  s.nsyscall.fetch_sub(1, std::memory_order_relaxed);
  P* pp = m->p;
  if (pp != nullptr) {
    uint32_t st = kPSyscall;
    if (pp->m.load(std::memory_order_relaxed) == m &&
        pp->status.compare_exchange_strong(st, kPUser,
                                           std::memory_order_acquire)) {
      casgstatus(gp, kGSyscall, kGRunning);
      return;
    }
    m->p = nullptr;
  }
  {
    std::lock_guard<Lock> l(s.lock);
    pp = pidleget();
  }
  if (pp != nullptr) {
    acquirep(m, pp);
    pp->status.store(kPUser, std::memory_order_release);
    casgstatus(gp, kGSyscall, kGRunning);
    SysmonWake();
    return;
  }
  mcall(&exitsyscall0);
}

}  // namespace go::runtime::internal

// ---- public API ----

namespace go::runtime {

using namespace internal;  // NOLINT(build/namespaces): this file is the runtime

void Gosched() {
  M* m = tls_m;  // read once, before any switch
  if (m == nullptr || m->on_g0) {
    sched_yield();
    return;
  }
  gosched_direct(m);
}

void Goexit() { throw GoexitUnwind{}; }

int GOMAXPROCS(int n) {
  schedinit();
  static std::mutex* resize_mu = new std::mutex;
  std::lock_guard<std::mutex> rl(*resize_mu);
  Sched& s = sched();
  int32_t old = s.gomaxprocs.load();
  if (n <= 0 || n == old) return old;
  if (n > kMaxProcs) n = kMaxProcs;
  {
    std::lock_guard<Lock> l(s.lock);
    if (n > old) {
      s.gomaxprocs.store(n);
      for (int32_t i = old; i < n; i++) {
        P* pp = allp[i].load(std::memory_order_acquire);
        if (pp == nullptr) {
          pp = new P;
          pp->id = i;
          pp->status.store(kPDead);
          allp[i].store(pp, std::memory_order_release);
        }
        // A P still owned by an M (shrunk, then grown back before its M dropped
        // it) simply stays in service.
        if (pp->status.load() == kPDead) pidleput(pp);
      }
    } else {
      s.gomaxprocs.store(n);
      // Idle Ps beyond n leave the idle list now; busy ones are dropped by
      // their M at its next scheduling point (schedule) or by sysmon.
      P** link = &s.pidle;
      while (P* pp = *link) {
        if (pp->id >= n) {
          *link = pp->link;
          pp->link = nullptr;
          s.npidle.fetch_sub(1);
          pdestroy_locked(pp);
        } else {
          link = &pp->link;
        }
      }
    }
  }
  if (n > old) {
    for (int32_t i = old; i < n; i++) wakep();
  }
  SysmonWake();
  return old;
}

int NumCPU() {
  schedinit();
  return g_ncpu;
}

int NumGoroutine() {
  return sched_started() ? sched().ngoroutines.load(std::memory_order_relaxed)
                         : 0;
}

void LockOSThread() {
  M* m = getm();
  if (m == nullptr || m->on_g0) return;
  G* gp = m->curg;
  gp->locked_ext++;
  if (gp->locked_ext == 0) fatal_nodump("LockOSThread nesting overflow");
  m->lockedg = gp;
  racy_store(gp->lockedm, m);
}

void UnlockOSThread() {
  M* m = getm();
  if (m == nullptr || m->on_g0) return;
  G* gp = m->curg;
  if (gp->locked_ext == 0) return;
  if (--gp->locked_ext == 0) {
    m->lockedg = nullptr;
    racy_store(gp->lockedm, nullptr);
  }
}

int64_t GoID() {
  M* m = getm();
  if (m == nullptr || m->on_g0 || m->curg == nullptr) return 0;
  return m->curg->goid;
}

bool SetStackSize(size_t bytes) { return SetStackSizeInternal(bytes); }

}  // namespace go::runtime
