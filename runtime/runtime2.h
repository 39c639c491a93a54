// Copyright 2026 The gotest Authors.
//
// The scheduler's data structures, after Go's runtime2.go: G (a goroutine), M
// (an OS thread that runs goroutines), P (a processor token: GOMAXPROCS of
// them; an M needs one to run goroutines) and schedt (the global state under
// one lock). Internal to the runtime and to its later layers (channels, sync,
// timers, netpoll); user code uses runtime.h.
//
// Ownership rules, as in Go:
//  - A G is owned by whoever holds it in a queue or runs it; its status word
//    (atomic) is the synchronization point between gopark and goready.
//  - An M's fields are written only by its own thread, except the parking note
//  and
//    nextp (handed over under sched.lock before the note is woken).
//  - A P belongs to the M that moved its status away from kPIdle. While the M
//  runs
//    goroutine code the P is kPUser (or kPSyscall inside EnterSyscall), and
//    sysmon may take it by CAS (retake/handoffp); the M re-takes it by CAS at
//    its next runtime call and, having lost it, gets another P or gives its G
//    back to the global queue (exitsyscall).

#ifndef GOTEST_RUNTIME_RUNTIME2_H_
#define GOTEST_RUNTIME_RUNTIME2_H_

#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/lock.h"
#include "runtime/park.h"

namespace go::runtime::internal {

struct M;
struct P;

// G status values: Go's _Gidle.._Gdead, plus the scan bit that a goroutine dump
// sets to keep a G from being resumed while its stack is being read.
enum GStatus : uint32_t {
  kGIdle = 0,
  kGRunnable = 1,
  kGRunning = 2,
  kGSyscall = 3,
  kGWaiting = 4,
  kGDead = 6,
  kGScan = 0x1000,
};

enum PStatus : uint32_t {
  kPIdle = 0,     // on the idle list (or being handed over under sched.lock)
  kPRunning = 1,  // its M runs scheduler or runtime code: owned, not retakable
  kPUser = 2,     // its M runs goroutine code: sysmon may retake it
  kPSyscall = 3,  // its M's goroutine is in a blocking call: retaken quickly
  kPDead = 4,     // beyond GOMAXPROCS
  // sysmon is deciding whether to retake a kPUser P (two-phase retake, see
  // sysmon.cc): transient, waited out by whoever wants to CAS from kPUser.
  kPRetake = 5,
};

// libstdc++/libc++'s per-thread exception state (__cxa_eh_globals): the chain
// of caught exceptions and the uncaught count. It travels with the goroutine.
struct EhGlobals {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

constexpr int kRunqSize = 256;

// Fields that a goroutine dump reads from a G another thread may be running,
// exiting or reusing at the same time (goid, is_main, parent_goid, gopc,
// lockedm): written and read with these relaxed atomic accesses, so the dump's
// unsynchronized read is defined (and TSan-clean); the dump re-reads the
// status afterwards and retries if it changed.
template <typename T>
inline T racy_load(const T& field) {
  return __atomic_load_n(&field, __ATOMIC_RELAXED);
}
template <typename T, typename V>
inline void racy_store(T& field, V value) {
  __atomic_store_n(&field, static_cast<T>(value), __ATOMIC_RELAXED);
}

struct G {
  // Saved stack pointer while not running; see context_switch.h.
  void* sp = nullptr;
  // Usable stack [stack_lo, stack_hi); the G itself lives just above stack_hi.
  uintptr_t stack_lo = 0;
  uintptr_t stack_hi = 0;
  std::atomic<uint32_t> atomicstatus{kGIdle};
  bool guarded = false;    // stack has a PROT_NONE guard page below stack_lo
  bool is_thread = false;  // the stand-in G of a plain (non-M) thread
  bool is_main = false;    // the goroutine running Run's function
  bool exit_via_goexit = false;
  int64_t goid = 0;
  G* schedlink = nullptr;      // run queue / free list link
  std::atomic<M*> m{nullptr};  // M running it, or nullptr
  M* lockedm = nullptr;        // LockOSThread
  uint32_t locked_ext = 0;     // LockOSThread nesting (external count)
  WaitReason waitreason = WaitReason::kZero;
  int64_t waitsince = 0;  // coarse nanotime when it parked
  void (*entry)(void*) = nullptr;
  void* closure = nullptr;
  uintptr_t gopc = 0;  // PC of the go statement that created it
  int64_t parent_goid = 0;
  // The goroutine's pprof labels (runtime/pprof's interned, immortal label
  // set, or nullptr): set by pprof::SetGoroutineLabels on the goroutine itself,
  // inherited by goroutines it starts, read by the CPU profiler's SIGPROF
  // handler on the same thread.
  std::atomic<const void*> labels{nullptr};
  EhGlobals eh;
  void* param = nullptr;  // goready's message to the parked G (channels)
  // Plain-thread G: futex word; 0 = parked, 1 = readied.
  std::atomic<uint32_t> thread_wake{0};
  size_t allgs_index = 0;
  void* asan_fake_stack = nullptr;
  void* tsan_fiber = nullptr;
};

struct alignas(64) P {
  int32_t id = 0;
  std::atomic<uint32_t> status{kPIdle};
  P* link = nullptr;           // idle list
  std::atomic<M*> m{nullptr};  // owner, for sysmon and dumps
  std::atomic<uint32_t> schedtick{0};
  std::atomic<uint32_t> syscalltick{0};
  // Lock-free ring (runq.cc): single producer (the owner), many consumers.
  alignas(64) std::atomic<uint32_t> runqhead{0};
  std::atomic<uint32_t> runqtail{0};
  std::atomic<G*> runnext{nullptr};
  std::atomic<G*> runq[kRunqSize];
  // Dead Gs with stacks, for reuse (gfput/gfget).
  // Arrays, not lists linked through the Gs: moving Gs between the lists then
  // never touches a G (each sits on its own stack page, a cache and TLB miss).
  static constexpr int kGFreeMax = 64;
  G* gfree[kGFreeMax];
  int32_t gfree_count = 0;
  int64_t goidcache = 0, goidcacheend = 0;
  // sysmon's view of this P (only sysmon touches these).
  uint32_t sysmon_schedtick = 0;
  int64_t sysmon_schedwhen = 0;
  uint32_t sysmon_syscalltick = 0;
  int64_t sysmon_syscallwhen = 0;
  uint32_t sysmon_runqhead = 0;  // runqhead at sysmon's previous look
};

// One-shot sleep/wakeup on a futex word (Go's note).
struct Note {
  std::atomic<uint32_t> key{0};
};
void NoteClear(Note* n);
void NoteSleep(Note* n);
// Sleeps until woken or `ns` nanoseconds (< 0: forever); true if woken.
bool NoteTSleep(Note* n, int64_t ns);
void NoteWakeup(Note* n);

struct M {
  int64_t id = 0;
  void* g0_sp = nullptr;  // the thread's own stack, where schedule() runs
  G* curg = nullptr;
  P* p = nullptr;
  std::atomic<P*> nextp{nullptr};  // P handed over by startm / startlockedm
  G* nextg = nullptr;  // G to resume at once (gopark's unlockf said no)
  // Gosched's direct G-to-G switch: the G just switched away from. Its context
  // is saved only once the switch is done, so the G switched to publishes it
  // (status, run queue, P back to kPUser) first thing; see after_switch_in.
  G* switch_prev = nullptr;
  // 1 while gosched_direct works on its P's run queue with the P left kPUser
  // (asymmetric fence: sysmon's two-phase retake reads it; see gosched_direct).
  std::atomic<uint32_t> fastpath{0};
  bool on_g0 = true;
  bool spinning = false;
  bool exiting = false;
  M* schedlink = nullptr;  // idle list
  M* alllink = nullptr;
  G* lockedg = nullptr;
  Note park;
  // mcall: the function to run on g0 after the current G switched away.
  void (*mcallfn)(G*) = nullptr;
  // gopark's arguments, read by park_m on g0.
  bool (*waitunlockf)(G*, void*) = nullptr;
  void* waitlock = nullptr;
  WaitReason waitreason = WaitReason::kZero;
  EhGlobals* eh_globals = nullptr;  // this thread's __cxa_get_globals()
  EhGlobals g0eh;
  uint64_t fastrand = 0;
  pthread_t thread{};
  void* altstack = nullptr;
  // Sanitizer bookkeeping for the thread's own stack.
  const void* g0_stack_bottom = nullptr;
  size_t g0_stack_size = 0;
  void* g0_asan_fake_stack = nullptr;
  void* g0_tsan_fiber = nullptr;
};

// The global scheduler state (Go's schedt).
struct Sched {
  // Go's runtime mutex (spin, then futex), not std::mutex: Ms hand Ps and
  // Gs to each other under it in bursts, and a pthread mutex puts the loser
  // to sleep in the kernel at once (a futex wait and wake per collision).
  Lock lock;
  // Idle Ms waiting for work, and counts for checkdead.
  M* midle = nullptr;
  int32_t nmidle = 0;
  int32_t nmidlelocked = 0;
  int32_t mcount = 0;
  int32_t maxmcount = 10000;
  int64_t mnext = 0;
  M* allm = nullptr;
  // Idle Ps.
  P* pidle = nullptr;
  std::atomic<int32_t> npidle{0};
  std::atomic<int32_t> nmspinning{0};
  // Global run queue.
  // A ring of G pointers, so taking a batch reads one array instead of chasing
  // schedlink through Gs that are each on their own stack page.
  G** runqbuf = nullptr;
  uint32_t runqcap = 0;
  uint32_t runqfirst = 0;
  std::atomic<int32_t> runqsize{0};
  // Global free Gs.
  G** gfreebuf = nullptr;
  int32_t gfreecap = 0;
  std::atomic<int32_t> gfree_count{0};
  std::atomic<int64_t> goidgen{0};
  // Live user goroutines (NumGoroutine).
  std::atomic<int32_t> ngoroutines{0};
  // A P is marked for removal when GOMAXPROCS shrinks; see procresize.
  std::atomic<int32_t> gomaxprocs{0};
  // sysmon
  Note sysmon_note;
  std::atomic<bool> sysmon_wait{false};
  // Timed sleeper for the poll hooks (Go's netpoll blocking M).
  std::atomic<M*> poll_sleeper{nullptr};
  // Deadlock detection (see checkdead in proc.cc).
  std::atomic<int32_t> run_active{0};  // Run() calls in progress
  std::atomic<int32_t> external_threads{
      0};  // plain threads that used the runtime
  std::atomic<bool> main_goexited{false};
  std::atomic<int32_t> nsyscall{0};  // Ms inside EnterSyscall
};

constexpr int kMaxProcs = 1024;

extern Sched g_sched;
inline Sched& sched() { return g_sched; }
extern std::atomic<P*> allp[kMaxProcs];

// The current thread's M (nullptr on a plain thread). Never inlined, never
// analyzed across: a goroutine may resume on another thread after any switch,
// and the compiler must not reuse a thread-local address computed before it.
M* getm();
// The current goroutine: the M's running G, or the plain thread's stand-in G.
G* getg();

// Coarse monotonic clock, nanoseconds; exact nanotime() reads the vDSO.
int64_t nanotime();
int64_t coarse_nanotime();

// Status transitions (spin while a dump holds the scan bit).
void casgstatus(G* gp, uint32_t oldval, uint32_t newval);
uint32_t readgstatus(const G* gp);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_RUNTIME2_H_
