// Copyright 2026 The gotest Authors.
//
// The CPU profiler (Go's runtime/cpuprof.go + os_linux.go's per-thread
// timers, research/profiling.md §1a, §3).
//
// Clocks: every thread of the process gets its own sampling clock on its
// own CPU time, delivering SIGPROF to that thread, so each thread is charged
// for its own CPU (setitimer(ITIMER_PROF) lost 10-39% of samples with two
// busy threads here, research/profiling.md §1a).
//   - task-clock: a perf_event_open software event (PERF_COUNT_SW_TASK_CLOCK)
//     sampling every period of the thread's CPU time, its overflow signal
//     routed to the thread (F_SETSIG, F_SETOWN_EX). The event runs on an
//     hrtimer, so samples land where the thread is at that instant.
//   - cpu-timer: timer_create() on the thread's CPU clock (Go's choice,
//     SIGEV_THREAD_ID), where perf_event_open is not allowed (a seccomp
//     filter, perf_event_paranoid > 2 without CAP_PERFMON). The kernel checks
//     these timers only at scheduler ticks: with more busy threads than
//     CPUs, ticks fall unevenly on a thread's code and the split of a
//     70%/30% workload came out +3..+8 points off (Go 1.26 the same), while
//     task-clock stayed within about a point (tests/perf/pprof/compare.sh).
// The first sample of a thread comes after a random part of a period, so
// that a thread that runs a tenth of a period has a one-in-ten chance of a
// sample. The controller thread arms clocks for the threads it finds in
// /proc/self/task, at start and then every 100 ms, so threads need no hook
// and non-runtime threads are covered; every 10 ms in a profile's first
// second and after a scan that found a thread. A thread created while a
// profile runs is missed until the next scan. The profile names the clock in
// its one comment ("clock=task-clock", "clock=task-clock:u" where only user
// time may be counted, or "clock=cpu-timer"; `go tool pprof -comments`).
//
// Handler: accepts only SI_TIMER signals carrying this profiler's cookie
// and perf overflow signals from this profiler's events (si_fd marked in a
// bitmap), weights a timer's sample by 1 + si_overrun (expirations the
// kernel coalesced),
// and walks frame pointers from the interrupted pc/fp bounded by the stack
// the interrupted code runs on: the current goroutine's [sp, stack_hi) if sp
// lies in it, else the readable mapping that holds sp (a thread stack or g0),
// from a snapshot of /proc/self/maps the controller refreshes with the
// timers. Anything else gives a leaf-only sample. It touches only atomics,
// initial-exec thread-locals and preallocated memory: no locks, no malloc.
//
// Buffer: a preallocated array of fixed-size records. A handler claims a
// free slot with a CAS (a few tries from a shared cursor), fills it and
// publishes it with a release store; the controller drains ready slots every
// 100 ms into a map keyed by (labels, stack). If no slot is free, the sample
// is counted as lost and reported in the profile as a synthetic function.

#include "runtime/pprof/cpuprof.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/pprof/labels_internal.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/profile_builder.h"
#include "runtime/runtime2.h"
#include "runtime/symtab.h"
#include "runtime/traceback.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

namespace go::pprof {

namespace internal {

namespace {

using go::runtime::internal::G;
using go::runtime::internal::getm;
using go::runtime::internal::M;

// Go's maxCPUProfStack.
constexpr int kMaxStack = 64;
constexpr uint32_t kNumRecords = 4096;  // power of two
constexpr int kClaimTries = 8;
constexpr int kMaxRanges = 4096;
constexpr int64_t kDrainIntervalNs = 100'000'000;
constexpr int64_t kScanIntervalNs = 10'000'000;  // while threads appear
constexpr int64_t kStartupNs = 1'000'000'000;

enum : uint32_t { kFree = 0, kWriting = 1, kReady = 2 };

struct Record {
  std::atomic<uint32_t> state;
  uint32_t weight;
  int32_t n;
  const LabelMap* labels;
  uintptr_t pcs[kMaxStack];
};

// Readable mappings from /proc/self/maps (adjacent ones merged), sorted.
struct Range {
  uintptr_t lo, hi;
};
struct RangeTable {
  int n;
  Range r[kMaxRanges];
};

// ---- state shared with the signal handler (all preallocated) ----

Record* g_records = nullptr;     // kNumRecords, mmap'd once, never freed
RangeTable* g_tables = nullptr;  // two, mmap'd once
std::atomic<int> g_table_index{-1};
std::atomic<int> g_table_readers[2];
std::atomic<uint32_t> g_cursor{0};
std::atomic<bool> g_active{false};
std::atomic<int> g_inflight{0};
std::atomic<int> g_cookie{0};  // sival_int of the running profile's timers
std::atomic<int64_t> g_lost{0};
std::atomic<int64_t> g_signals{0};

// The running profile's perf event fds (one bit each), and those whose first
// short period still has to be replaced by the full one.
constexpr int kMaxPerfFd = 1 << 16;
std::atomic<uint64_t> g_perf_fds[kMaxPerfFd / 64];
std::atomic<uint64_t> g_perf_first[kMaxPerfFd / 64];
std::atomic<uint64_t> g_perf_period{0};

bool TestBit(std::atomic<uint64_t>* bits, int fd) {
  return fd >= 0 && fd < kMaxPerfFd &&
         (bits[fd / 64].load(std::memory_order_acquire) >> (fd % 64)) & 1;
}
void SetBit(std::atomic<uint64_t>* bits, int fd) {
  bits[fd / 64].fetch_or(uint64_t{1} << (fd % 64), std::memory_order_release);
}
bool ClearBit(std::atomic<uint64_t>* bits, int fd) {
  const uint64_t bit = uint64_t{1} << (fd % 64);
  return (bits[fd / 64].fetch_and(~bit, std::memory_order_acq_rel) & bit) != 0;
}

// A signal of this profile: one of its timers (SI_TIMER with its cookie) or
// an overflow of one of its perf events (a POLL_* code with its fd).
bool OurSignal(const siginfo_t* info, bool* perf) {
  if (info->si_code == SI_TIMER) {
    *perf = false;
    const int cookie = g_cookie.load(std::memory_order_relaxed);
    return cookie != 0 && info->si_value.sival_int == cookie;
  }
  *perf = true;
  return info->si_code > 0 && info->si_code <= POLL_HUP &&
         TestBit(g_perf_fds, info->si_fd);
}

struct sigaction g_old_action;
std::atomic<bool> g_handler_installed{false};

void ContextRegs(void* uctx, uintptr_t* pc, uintptr_t* fp, uintptr_t* sp) {
  const ucontext_t* uc = static_cast<const ucontext_t*>(uctx);
#if defined(__x86_64__)
  *pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  *fp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
  *sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  *pc = static_cast<uintptr_t>(uc->uc_mcontext.pc);
  *fp = static_cast<uintptr_t>(uc->uc_mcontext.regs[29]);
  *sp = static_cast<uintptr_t>(uc->uc_mcontext.sp);
#else
#error "unsupported architecture"
#endif
}

// The end of the readable mapping holding sp, from the published snapshot;
// 0 if unknown. Async-signal-safe.
uintptr_t MappingEnd(uintptr_t sp) {
  int idx = g_table_index.load(std::memory_order_seq_cst);
  if (idx < 0) return 0;
  g_table_readers[idx].fetch_add(1, std::memory_order_seq_cst);
  uintptr_t end = 0;
  // The controller may have started rewriting this table after we read the
  // index; it does so only once the index points elsewhere and no reader is
  // registered, so re-checking the index after registering is enough.
  if (g_table_index.load(std::memory_order_seq_cst) == idx) {
    const RangeTable& t = g_tables[idx];
    int lo = 0, hi = t.n;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (t.r[mid].hi <= sp) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo < t.n && t.r[lo].lo <= sp && sp < t.r[lo].hi) end = t.r[lo].hi;
  }
  g_table_readers[idx].fetch_sub(1, std::memory_order_seq_cst);
  return end;
}

void SigprofHandler(int sig, siginfo_t* info, void* uctx) {
  bool perf;
  if (!OurSignal(info, &perf)) {
    // Not one of ours: someone else's SIGPROF user, if any.
    if (g_old_action.sa_flags & SA_SIGINFO) {
      if (g_old_action.sa_sigaction != nullptr) {
        g_old_action.sa_sigaction(sig, info, uctx);
      }
    } else if (g_old_action.sa_handler != SIG_DFL &&
               g_old_action.sa_handler != SIG_IGN) {
      g_old_action.sa_handler(sig);
    }
    return;
  }
  int saved_errno = errno;
  g_inflight.fetch_add(1, std::memory_order_seq_cst);
  if (perf && TestBit(g_perf_first, info->si_fd) &&
      ClearBit(g_perf_first, info->si_fd)) {
    // The random first period is over: every period from now on.
    uint64_t period = g_perf_period.load(std::memory_order_relaxed);
    ioctl(info->si_fd, PERF_EVENT_IOC_PERIOD, &period);
  }
  if (g_active.load(std::memory_order_seq_cst)) {
    uintptr_t pc, fp, sp;
    ContextRegs(uctx, &pc, &fp, &sp);
    uint32_t weight =
        perf ? 1
             : 1 + static_cast<uint32_t>(info->si_overrun > 0 ? info->si_overrun
                                                              : 0);
    Record* rec = nullptr;
    for (int i = 0; i < kClaimTries && rec == nullptr; i++) {
      uint32_t slot =
          g_cursor.fetch_add(1, std::memory_order_relaxed) & (kNumRecords - 1);
      uint32_t expected = kFree;
      if (g_records[slot].state.compare_exchange_strong(
              expected, kWriting, std::memory_order_acquire)) {
        rec = &g_records[slot];
      }
    }
    if (rec == nullptr) {
      g_lost.fetch_add(weight, std::memory_order_relaxed);
    } else {
      // Bounds: the goroutine's stack if sp is on it, else the mapping.
      uintptr_t lo = sp, hi = 0;
      M* m = getm();
      G* gp = m != nullptr ? m->curg : nullptr;
      if (gp != nullptr && sp >= gp->stack_lo && sp < gp->stack_hi) {
        hi = gp->stack_hi;
      } else {
        hi = MappingEnd(sp);
      }
      int n;
      if (hi > lo) {
        n = go::runtime::internal::UnwindFramePointers(pc, fp, lo, hi, rec->pcs,
                                                       kMaxStack);
      } else {
        rec->pcs[0] = pc;
        n = 1;
      }
      rec->n = n;
      rec->weight = weight;
      rec->labels = SignalLabels(sp);
      rec->state.store(kReady, std::memory_order_release);
      g_signals.fetch_add(1, std::memory_order_relaxed);
    }
  }
  g_inflight.fetch_sub(1, std::memory_order_seq_cst);
  errno = saved_errno;
}

void InstallHandler() {
  if (g_handler_installed.load()) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = &SigprofHandler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  // Installed for good: a SIGPROF still queued after the timers are deleted
  // must not meet the default action (which terminates the process).
  sigaction(SIGPROF, &sa, &g_old_action);
  g_handler_installed.store(true);
}

void* MapPopulated(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

// Reads /proc/self/maps into the table not in use and publishes it.
void RefreshRanges() {
  int cur = g_table_index.load(std::memory_order_seq_cst);
  int next = cur == 0 ? 1 : 0;
  // Wait for handlers that registered on `next` before the last swap.
  while (g_table_readers[next].load(std::memory_order_seq_cst) != 0) {
    sched_yield();
  }
  RangeTable& t = g_tables[next];
  t.n = 0;
  FILE* f = fopen("/proc/self/maps", "re");
  if (f == nullptr) return;
  char line[4096];
  while (fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    if (perms[0] != 'r') continue;
    if (t.n > 0 && t.r[t.n - 1].hi == lo) {
      t.r[t.n - 1].hi = hi;
    } else if (t.n < kMaxRanges) {
      t.r[t.n++] = Range{lo, hi};
    }
  }
  fclose(f);
  g_table_index.store(next, std::memory_order_seq_cst);
}

// ---- the controller ----

struct Session {
  int hz = 100;
  int cookie = 0;
  int64_t start_unix_ns = 0;
  int64_t start_mono_ns = 0;
  std::ostream* out = nullptr;
  std::string path;  // StartCPUProfileFile
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  // Controller-only state.
  struct Clock {
    int fd = -1;              // a perf event (task-clock), or
    timer_t timer = nullptr;  // a timer on the thread's CPU clock
  };
  std::unordered_map<pid_t, Clock> clocks;
  bool task_clock = true;  // until perf_event_open is refused
  bool user_only = false;  // task-clock events exclude the kernel
  std::unordered_set<pid_t> seen;
  uint64_t rng = 0x9E3779B97F4A7C15ULL;
  int64_t timer_errors = 0;
  struct Entry {
    int64_t count = 0;
    const LabelMap* labels = nullptr;
    std::vector<uintptr_t> pcs;
  };
  std::unordered_map<std::string, Entry> entries;
  int64_t samples = 0;
};

std::mutex g_mu;  // guards g_session and g_hz
Session* g_session = nullptr;
int g_hz = 100;
CPUProfileStats g_last_stats;
std::atomic<int> g_next_cookie{0};

uint64_t Rand(Session* s) {
  uint64_t x = s->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  s->rng = x;
  return x * 0x2545F4914F6CDD1DULL;
}

CPUProfileClock g_clock_choice = CPUProfileClock::kAuto;  // guarded by g_mu

void CloseClock(const Session::Clock& c) {
  if (c.fd >= 0) {
    ClearBit(g_perf_fds, c.fd);
    ClearBit(g_perf_first, c.fd);
    close(c.fd);
  } else {
    timer_delete(c.timer);
  }
}

// OpenTaskClock's answer when this one thread's event could not be set up
// but others may: that thread gets a CPU timer.
constexpr int kUseTimer = -2;

// A task-clock perf event on tid, sampling every `period` ns of its CPU
// time (the first after `first`), its overflow signal sent to tid. -1 if
// the kernel refuses (*refused if it will refuse every thread, else the
// thread is gone), or kUseTimer. Where the
// kernel allows only user-space measurement (perf_event_paranoid 2 without
// CAP_PERFMON in the initial namespace: Bazel's sandbox, containers), the
// event excludes the kernel (s->user_only): a period that ends in a system
// call is then not sampled, where a CPU timer would sample it on the
// return to user space.
int OpenTaskClock(Session* s, pid_t tid, int64_t period, int64_t first,
                  bool* refused) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.sample_period = static_cast<uint64_t>(first);
  attr.disabled = 1;
  attr.wakeup_events = 1;
  attr.exclude_kernel = s->user_only;
  attr.exclude_hv = s->user_only;
  int fd = static_cast<int>(
      syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0 && errno == EACCES && !s->user_only) {
    s->user_only = true;
    return OpenTaskClock(s, tid, period, first, refused);
  }
  if (fd < 0) {
    // The thread may have exited (ESRCH); anything else is policy.
    *refused = errno != ESRCH;
    return -1;
  }
  struct f_owner_ex owner;
  owner.type = F_OWNER_TID;
  owner.pid = tid;
  if (fd >= kMaxPerfFd || fcntl(fd, F_SETSIG, SIGPROF) != 0 ||
      fcntl(fd, F_SETOWN_EX, &owner) != 0 ||
      fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK) != 0) {
    close(fd);
    return kUseTimer;  // an fd past the bitmap, say
  }
  g_perf_period.store(static_cast<uint64_t>(period), std::memory_order_relaxed);
  if (first != period) SetBit(g_perf_first, fd);
  SetBit(g_perf_fds, fd);
  if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
    ClearBit(g_perf_fds, fd);
    ClearBit(g_perf_first, fd);
    close(fd);
    return kUseTimer;
  }
  return fd;
}

void ArmThread(Session* s, pid_t tid) {
  int64_t period = 1'000'000'000 / s->hz;
  int64_t first = 1 + static_cast<int64_t>(Rand(s) % period);
  if (s->task_clock) {
    bool refused = false;
    int fd = OpenTaskClock(s, tid, period, first, &refused);
    if (fd >= 0) {
      s->clocks[tid].fd = fd;
      s->seen.insert(tid);
      return;
    }
    if (fd != kUseTimer) {
      if (!refused) {
        s->timer_errors++;  // the thread exited meanwhile
        return;
      }
      s->task_clock = false;  // not allowed here: CPU timers from now on
    }
  }
  // The per-thread CPU clock of tid, as glibc's pthread_getcpuclockid makes
  // it: (~tid << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED.
  clockid_t clock =
      static_cast<clockid_t>((~static_cast<unsigned>(tid)) << 3) | 4 | 2;
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGPROF;
  sev.sigev_value.sival_int = s->cookie;
  sev.sigev_notify_thread_id = tid;
  timer_t timer;
  if (timer_create(clock, &sev, &timer) != 0) {
    s->timer_errors++;  // the thread exited meanwhile, or a limit
    return;
  }
  struct itimerspec its;
  its.it_interval.tv_sec = period / 1'000'000'000;
  its.it_interval.tv_nsec = period % 1'000'000'000;
  its.it_value.tv_sec = first / 1'000'000'000;
  its.it_value.tv_nsec = first % 1'000'000'000;
  if (timer_settime(timer, 0, &its, nullptr) != 0) {
    s->timer_errors++;
    timer_delete(timer);
    return;
  }
  s->clocks[tid].timer = timer;
  s->seen.insert(tid);
}

// Arms clocks for threads that appeared, forgets those that exited; true if
// a thread appeared. A timer whose thread died reads as disarmed; if its tid
// is back (reused by a new thread) the new thread gets a fresh timer.
bool RescanThreads(Session* s) {
  std::unordered_set<pid_t> live;
  if (DIR* d = opendir("/proc/self/task")) {
    while (struct dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      live.insert(static_cast<pid_t>(atoi(e->d_name)));
    }
    closedir(d);
  }
  for (auto it = s->clocks.begin(); it != s->clocks.end();) {
    bool dead = !live.count(it->first);
    struct itimerspec cur;
    if (!dead && it->second.fd < 0) {
      dead = timer_gettime(it->second.timer, &cur) != 0 ||
             (cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    }
    if (dead) {
      CloseClock(it->second);
      it = s->clocks.erase(it);
    } else {
      ++it;
    }
  }
  bool armed = false;
  for (pid_t tid : live) {
    if (!s->clocks.count(tid)) {
      ArmThread(s, tid);
      armed = true;
    }
  }
  return armed;
}

void Drain(Session* s) {
  std::string key;
  for (uint32_t i = 0; i < kNumRecords; i++) {
    Record& r = g_records[i];
    if (r.state.load(std::memory_order_acquire) != kReady) continue;
    key.assign(reinterpret_cast<const char*>(&r.labels), sizeof r.labels);
    key.append(reinterpret_cast<const char*>(r.pcs),
               sizeof(uintptr_t) * static_cast<size_t>(r.n));
    Session::Entry& e = s->entries[key];
    if (e.pcs.empty()) {
      e.labels = r.labels;
      e.pcs.assign(r.pcs, r.pcs + r.n);
    }
    e.count += r.weight;
    s->samples += r.weight;
    r.state.store(kFree, std::memory_order_release);
  }
}

int64_t Now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Drains the buffer and re-reads the mappings every 100 ms, and looks for
// new threads every 10 ms while threads are appearing (a profile's first
// second, or a scan that found one), every 100 ms otherwise: a program
// starts its threads right after the profile does, and each is missed until
// found (a scan is a read of /proc/self/task, tens of microseconds).
void ControllerLoop(Session* s) {
  std::unique_lock<std::mutex> l(s->mu);
  int64_t next_drain = Now(CLOCK_MONOTONIC) + kDrainIntervalNs;
  bool appearing = true;
  while (!s->stop) {
    const int64_t now = Now(CLOCK_MONOTONIC);
    appearing = appearing || now - s->start_mono_ns < kStartupNs;
    const int64_t wake =
        appearing ? std::min(next_drain, now + kScanIntervalNs) : next_drain;
    s->cv.wait_for(l, std::chrono::nanoseconds(wake > now ? wake - now : 0));
    if (s->stop) break;
    l.unlock();
    const bool drain = Now(CLOCK_MONOTONIC) >= next_drain;
    appearing = RescanThreads(s);
    if (appearing || drain) RefreshRanges();  // the new threads' stacks
    if (drain) {
      Drain(s);
      next_drain += kDrainIntervalNs;
    }
    l.lock();
  }
}

absl::Status Start(std::ostream* out, std::string path) {
  std::lock_guard<std::mutex> l(g_mu);
  if (g_session != nullptr) {
    return absl::FailedPreconditionError("cpu profiling already in use");
  }
  if (g_records == nullptr) {
    g_records =
        static_cast<Record*>(MapPopulated(sizeof(Record) * kNumRecords));
    g_tables = static_cast<RangeTable*>(MapPopulated(sizeof(RangeTable) * 2));
    if (g_records == nullptr || g_tables == nullptr) {
      return absl::ResourceExhaustedError("pprof: cannot map sample buffer");
    }
  }
  // Absorb the symbolizer's first-use cost (DWARF loading) now, not in the
  // middle of writing the profile.
  go::runtime::internal::Symbolize(reinterpret_cast<uintptr_t>(&Start));
  auto* s = new Session;
  s->hz = g_hz;
  s->out = out;
  s->path = std::move(path);
  // A cookie per profile: a signal still queued from an older profile's
  // timer is not counted in this one.
  int cookie = g_next_cookie.fetch_add(1) + 1;
  s->cookie = cookie;
  s->rng ^= static_cast<uint64_t>(Now(CLOCK_MONOTONIC));
  s->task_clock = g_clock_choice == CPUProfileClock::kAuto;
  s->start_unix_ns = Now(CLOCK_REALTIME);
  s->start_mono_ns = Now(CLOCK_MONOTONIC);
  g_lost.store(0);
  g_signals.store(0);
  InstallHandler();
  RefreshRanges();
  g_cookie.store(cookie, std::memory_order_seq_cst);
  g_active.store(true, std::memory_order_seq_cst);
  RescanThreads(s);
  s->thread = std::thread(ControllerLoop, s);
  g_session = s;
  return absl::OkStatus();
}

}  // namespace

CPUProfileStats LastCPUProfileStats() {
  std::lock_guard<std::mutex> l(g_mu);
  return g_last_stats;
}

void SetCPUProfileClock(CPUProfileClock c) {
  std::lock_guard<std::mutex> l(g_mu);
  g_clock_choice = c;
}

}  // namespace internal

using internal::g_mu;
using internal::g_session;

absl::Status StartCPUProfile(std::ostream& out) {
  return internal::Start(&out, "");
}

absl::Status StartCPUProfileFile(const std::string& path) {
  // Fail now if the file cannot be written (Go's `-cpuprofile` reports an
  // unwritable path before any test runs); it is written at Stop.
  // Probe with the temporary name WriteFileAtomic uses, so that `path`
  // itself stays complete or absent.
  std::string probe = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST) {
    return ErrnoError(errno, absl::StrCat("open ", path));
  }
  if (fd >= 0) {
    close(fd);
    unlink(probe.c_str());
  }
  return internal::Start(nullptr, path);
}

absl::Status StopCPUProfile() {
  using namespace internal;  // NOLINT: the controller's own names
  std::lock_guard<std::mutex> l(g_mu);
  Session* s = g_session;
  if (s == nullptr) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> sl(s->mu);
    s->stop = true;
  }
  s->cv.notify_all();
  s->thread.join();
  // No handler records after this: wait out those already inside.
  g_active.store(false, std::memory_order_seq_cst);
  for (auto& [tid, clock] : s->clocks) CloseClock(clock);
  while (g_inflight.load(std::memory_order_seq_cst) != 0) sched_yield();
  Drain(s);
  int64_t duration = Now(CLOCK_MONOTONIC) - s->start_mono_ns;

  // Go's CPU profile: samples/count and cpu/nanoseconds, period_type
  // cpu/nanoseconds, period 1e9/hz.
  int64_t period = 1'000'000'000 / s->hz;
  ProfileBuilder b({{"samples", "count"}, {"cpu", "nanoseconds"}},
                   {"cpu", "nanoseconds"}, period);
  b.SetTime(s->start_unix_ns, duration);
  std::vector<SampleLabel> labels;
  for (const auto& [key, e] : s->entries) {
    labels.clear();
    if (e.labels != nullptr) {
      for (const auto& [k, v] : *e.labels) {
        SampleLabel sl;
        sl.key = k;
        sl.str = v;
        labels.push_back(std::move(sl));
      }
    }
    int64_t values[2] = {e.count, e.count * period};
    b.AddSample(values, e.pcs.data(), static_cast<int>(e.pcs.size()), labels);
  }
  int64_t lost = g_lost.load();
  if (lost > 0) {
    int64_t values[2] = {lost, lost * period};
    b.AddSyntheticSample(values, "go::pprof::LostProfileEvents");
  }
  const char* clock = !s->task_clock ? "cpu-timer"
                      : s->user_only ? "task-clock:u"
                                     : "task-clock";
  // Which clock sampled is in the profile itself (`go tool pprof -comments`):
  // where perf events are refused (Docker's default seccomp profile), the
  // CPU-timer fallback carries Go's tick bias on an oversubscribed machine.
  b.AddComment(std::string("clock=") + clock);
  CPUProfileStats st;
  st.samples = s->samples;
  st.signals = g_signals.load();
  st.lost = lost;
  st.threads = static_cast<int64_t>(s->seen.size());
  st.timer_errors = s->timer_errors;
  st.hz = s->hz;
  st.clock = clock;
  g_last_stats = st;

  std::string data = b.Encode();
  absl::Status status;
  if (s->out != nullptr) {
    s->out->write(data.data(), static_cast<std::streamsize>(data.size()));
    s->out->flush();
    if (!*s->out) status = absl::DataLossError("pprof: writing CPU profile");
  } else {
    status = WriteFileAtomic(s->path, data);
  }
  g_session = nullptr;
  delete s;
  return status;
}

void SetCPUProfileRate(int hz) {
  std::lock_guard<std::mutex> l(g_mu);
  if (hz <= 0) return;
  if (g_session != nullptr) {
    fprintf(stderr,
            "runtime: cannot set cpu profile rate until previous profile has "
            "finished.\n");
    return;
  }
  internal::g_hz = hz;
}

}  // namespace go::pprof
