// Copyright 2026 The gotest Authors.
//
// netpoll on epoll, after Go's netpoll.go and netpoll_epoll.go, plus the
// blocking-operation loops of Go's internal/poll (fd_unix.go).
//
// A PollDesc has one wait slot per direction (rg, wg), each holding 0,
// kPdReady (an edge arrived while nobody waited), kPdWait (a goroutine is
// about to park) or the parked G. The goroutine side and the epoll side race
// only through CAS on these words, as in Go, so an edge is never lost between
// EAGAIN and the park. PollDescs are never freed (reused through a free list):
// a late epoll event for a closed descriptor can only cause a spurious wakeup,
// which every operation loop tolerates.

#include "runtime/netpoll.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "runtime/lock.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/race.h"
#include "runtime/runtime2.h"
#include "runtime/sudog.h"
#include "runtime/time.h"

namespace go::runtime::internal {

constexpr uintptr_t kPdReady = 1;
constexpr uintptr_t kPdWait = 2;

struct PollDesc {
  Lock lock;  // deadlines and closing
  int fd = -1;
  bool pollable = false;
  std::atomic<uintptr_t> rg{0};
  std::atomic<uintptr_t> wg{0};
  std::atomic<bool> closing{false};
  // fdMutex-lite: 1 for the open descriptor plus one per operation in flight;
  // the descriptor is closed when it drops to 0.
  std::atomic<int32_t> refs{0};
  // Deadlines: 0 none, -1 expired, else a nanotime.
  std::atomic<int64_t> rd{0};
  std::atomic<int64_t> wd{0};
  uintptr_t rseq = 0;  // under lock: invalidates stale deadline timers
  uintptr_t wseq = 0;
  std::unique_ptr<RuntimeTimer> rt;
  std::unique_ptr<RuntimeTimer> wt;
  PollDesc* link = nullptr;
};

namespace {

std::atomic<int32_t> g_waiters{0};  // goroutines parked in netpollblock
std::atomic<bool> g_blocking{false};
std::atomic<int64_t> g_lastpoll{0};  // nanotime of the last epoll_wait
std::atomic<uint32_t> g_wakesig{0};
int g_epfd = -1;
int g_eventfd = -1;
char g_wake_marker;

Lock g_pdcache_lock;
PollDesc* g_pdcache = nullptr;

// System calls returning -errno (never errno itself: see netpoll.h).
__attribute__((noinline, noipa)) ssize_t sys_read(int fd, void* p, size_t n) {
  ssize_t r = ::read(fd, p, n);
  return r < 0 ? -errno : r;
}
__attribute__((noinline, noipa)) ssize_t sys_write(int fd, const void* p,
                                                   size_t n) {
  ssize_t r = ::write(fd, p, n);
  return r < 0 ? -errno : r;
}
__attribute__((noinline, noipa)) int sys_accept(int fd, sockaddr* sa,
                                                socklen_t* len) {
  int r = ::accept4(fd, sa, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return r < 0 ? -errno : r;
}
__attribute__((noinline, noipa)) int sys_connect(int fd, const sockaddr* sa,
                                                 socklen_t len) {
  int r = ::connect(fd, sa, len);
  return r < 0 ? -errno : r;
}
__attribute__((noinline, noipa)) int sys_so_error(int fd) {
  int err = 0;
  socklen_t l = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0) return -errno;
  return -err;
}
__attribute__((noinline, noipa)) int sys_epoll_ctl(int op, int fd,
                                                   epoll_event* ev) {
  int r = ::epoll_ctl(g_epfd, op, fd, ev);
  return r < 0 ? -errno : r;
}

PollDesc* pd_alloc() {
  g_pdcache_lock.lock();
  PollDesc* pd = g_pdcache;
  if (pd != nullptr) g_pdcache = pd->link;
  g_pdcache_lock.unlock();
  if (pd == nullptr) pd = new PollDesc;
  pd->link = nullptr;
  return pd;
}

void pd_free(PollDesc* pd) {
  g_pdcache_lock.lock();
  pd->link = g_pdcache;
  g_pdcache = pd;
  g_pdcache_lock.unlock();
}

// Returns the G parked on slot, making the slot ready (ioready) or empty.
G* netpollunblock(std::atomic<uintptr_t>* gpp, bool ioready) {
  uintptr_t old = gpp->load(std::memory_order_acquire);
  for (;;) {
    if (old == kPdReady) return nullptr;
    if (old == 0 && !ioready) return nullptr;
    uintptr_t nv = ioready ? kPdReady : 0;
    if (gpp->compare_exchange_weak(old, nv, std::memory_order_acq_rel)) {
      if (old == kPdWait) return nullptr;
      if (old != 0) {
        g_waiters.fetch_sub(1, std::memory_order_relaxed);
        return reinterpret_cast<G*>(old);
      }
      return nullptr;
    }
  }
}

int netpollcheckerr(PollDesc* pd, int mode) {
  if (pd->closing.load(std::memory_order_acquire)) return -EBADF;
  if (mode == 'r' && pd->rd.load(std::memory_order_acquire) < 0) {
    return -ETIMEDOUT;
  }
  if (mode == 'w' && pd->wd.load(std::memory_order_acquire) < 0) {
    return -ETIMEDOUT;
  }
  return 0;
}

bool netpollblockcommit(G* gp, void* arg) {
  auto* gpp = static_cast<std::atomic<uintptr_t>*>(arg);
  uintptr_t expected = kPdWait;
  if (gpp->compare_exchange_strong(expected, reinterpret_cast<uintptr_t>(gp),
                                   std::memory_order_acq_rel)) {
    g_waiters.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  return false;
}

// Waits until the descriptor is ready in `mode` or an error (deadline, close)
// is pending. Returns 0 or the error.
int netpollwait(PollDesc* pd, int mode) {
  std::atomic<uintptr_t>* gpp = mode == 'r' ? &pd->rg : &pd->wg;
  uintptr_t v = gpp->load(std::memory_order_acquire);
  for (;;) {
    if (v == kPdReady) {
      if (gpp->compare_exchange_weak(v, 0, std::memory_order_acq_rel)) {
        return netpollcheckerr(pd, mode);
      }
      continue;
    }
    if (v == 0) {
      if (gpp->compare_exchange_weak(v, kPdWait, std::memory_order_acq_rel)) {
        break;
      }
      continue;
    }
    fatal("runtime: netpoll: double wait");
  }
  // Re-check errors after announcing the wait: a deadline or close that came
  // first would otherwise be missed (they unblock only a parked G).
  if (netpollcheckerr(pd, mode) == 0) {
    gopark(&netpollblockcommit, gpp, WaitReason::kIOWait);
  }
  uintptr_t old = gpp->exchange(0, std::memory_order_acq_rel);
  if (old > kPdWait) fatal("runtime: netpoll: corrupted polldesc");
  return netpollcheckerr(pd, mode);
}

// One epoll_wait: timeout_ns < 0 blocks until an event or a wake.
G* netpoll(int64_t timeout_ns) {
  InjectScope scope;
  epoll_event events[128];
  struct timespec ts;
  struct timespec* tsp = nullptr;
  if (timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1000000000;
    ts.tv_nsec = timeout_ns % 1000000000;
    tsp = &ts;
  }
  int n = epoll_pwait2(g_epfd, events, 128, tsp, nullptr);
  if (n < 0 && errno == ENOSYS) {
    int ms =
        timeout_ns < 0 ? -1 : static_cast<int>((timeout_ns + 999999) / 1000000);
    n = epoll_wait(g_epfd, events, 128, ms);
  }
  g_lastpoll.store(nanotime(), std::memory_order_relaxed);
  for (int i = 0; i < n; i++) {
    epoll_event& ev = events[i];
    if (ev.data.ptr == &g_wake_marker) {
      if (timeout_ns != 0) {
        uint64_t buf;
        (void)!::read(g_eventfd, &buf, sizeof buf);
        g_wakesig.store(0, std::memory_order_release);
      }
      continue;
    }
    auto* pd = static_cast<PollDesc*>(ev.data.ptr);
    // The kernel orders the registration before its events; tell TSan.
    RaceAcquire(pd);
    uint32_t e = ev.events;
    if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      if (G* gp = netpollunblock(&pd->rg, true)) ReadyG(gp);
    }
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
      if (G* gp = netpollunblock(&pd->wg, true)) ReadyG(gp);
    }
  }
  return scope.Take();
}

G* hook_poll(int64_t now, void*) {
  if (g_waiters.load(std::memory_order_relaxed) == 0) return nullptr;
  // The thread blocked in epoll_wait will deliver the events.
  if (g_blocking.load(std::memory_order_relaxed)) return nullptr;
  // sysmon (a thread without an M) polls only if nobody did for 10 ms, as
  // Go's sysmon does; schedulers looking for work always poll.
  if (getm() == nullptr &&
      now - g_lastpoll.load(std::memory_order_relaxed) < 10 * 1000 * 1000) {
    return nullptr;
  }
  return netpoll(0);
}

int64_t hook_next_deadline(void*) {
  return g_waiters.load(std::memory_order_relaxed) > 0 ? kNoDeadline
                                                       : kNothingPending;
}

G* hook_block(int64_t timeout_ns, void*) {
  g_blocking.store(true, std::memory_order_relaxed);
  G* list = netpoll(timeout_ns);
  g_blocking.store(false, std::memory_order_relaxed);
  return list;
}

void hook_wake(void*) {
  uint32_t zero = 0;
  if (!g_wakesig.compare_exchange_strong(zero, 1, std::memory_order_acq_rel)) {
    return;  // a wake is already pending
  }
  uint64_t one = 1;
  (void)!::write(g_eventfd, &one, sizeof one);
}

void netpollinit() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_epfd = epoll_create1(EPOLL_CLOEXEC);
    g_eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g_epfd < 0 || g_eventfd < 0) fatal_nodump("netpollinit: failed");
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.ptr = &g_wake_marker;
    if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, g_eventfd, &ev) < 0) {
      fatal_nodump("netpollinit: failed to register wake fd");
    }
    PollHook hook;
    hook.poll = &hook_poll;
    hook.next_deadline = &hook_next_deadline;
    hook.block = &hook_block;
    hook.wake = &hook_wake;
    hook.arg = nullptr;
    AddPollHook(hook);
  });
}

void deadline_fired(PollDesc* pd, int mode, uintptr_t seq) {
  pd->lock.lock();
  if ((mode == 'r' ? pd->rseq : pd->wseq) != seq) {
    pd->lock.unlock();
    return;
  }
  (mode == 'r' ? pd->rd : pd->wd).store(-1, std::memory_order_release);
  G* gp = netpollunblock(mode == 'r' ? &pd->rg : &pd->wg, false);
  pd->lock.unlock();
  if (gp != nullptr) ReadyG(gp);
}

void read_deadline_fired(void* arg, uintptr_t seq) {
  deadline_fired(static_cast<PollDesc*>(arg), 'r', seq);
}
void write_deadline_fired(void* arg, uintptr_t seq) {
  deadline_fired(static_cast<PollDesc*>(arg), 'w', seq);
}

bool pd_incref(PollDesc* pd) {
  int32_t r = pd->refs.load(std::memory_order_acquire);
  for (;;) {
    if (r == 0 || pd->closing.load(std::memory_order_acquire)) return false;
    if (pd->refs.compare_exchange_weak(r, r + 1, std::memory_order_acq_rel)) {
      return true;
    }
  }
}

void pd_destroy(PollDesc* pd) {
  if (pd->pollable) {
    epoll_event ev = {};
    sys_epoll_ctl(EPOLL_CTL_DEL, pd->fd, &ev);
  }
  ::close(pd->fd);
  pd->fd = -1;
  pd_free(pd);
}

void pd_decref(PollDesc* pd) {
  if (pd->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) pd_destroy(pd);
}

// An operation's hold on the descriptor.
class OpRef {
 public:
  explicit OpRef(PollDesc* pd) : pd_(pd), ok_(pd != nullptr && pd_incref(pd)) {}
  ~OpRef() {
    if (ok_) pd_decref(pd_);
  }
  bool ok() const { return ok_; }

 private:
  PollDesc* pd_;
  bool ok_;
};

int64_t to_nanotime(absl::Time t) {
  if (t == absl::InfiniteFuture()) return 0;
  absl::Duration d = t - absl::Now();
  if (d <= absl::ZeroDuration()) return -1;
  int64_t now = nanotime();
  if (d >= absl::Nanoseconds(INT64_MAX - now)) return 0;
  return now + absl::ToInt64Nanoseconds(d);
}

void set_deadline(PollDesc* pd, absl::Time t, int mode) {
  int64_t d = to_nanotime(t);
  G* rg = nullptr;
  G* wg = nullptr;
  pd->lock.lock();
  if (pd->closing.load(std::memory_order_relaxed)) {
    pd->lock.unlock();
    return;
  }
  for (int m : {'r', 'w'}) {
    if (mode != 'b' && mode != m) continue;
    bool r = m == 'r';
    (r ? pd->rd : pd->wd).store(d, std::memory_order_release);
    uintptr_t seq = ++(r ? pd->rseq : pd->wseq);
    std::unique_ptr<RuntimeTimer>& timer = r ? pd->rt : pd->wt;
    if (d > 0) {
      if (timer == nullptr) {
        timer = std::make_unique<RuntimeTimer>(
            r ? &read_deadline_fired : &write_deadline_fired, pd);
      }
      timer->Reset(d, seq);
    } else if (timer != nullptr) {
      timer->Stop();
    }
    if (d < 0) {
      G* gp = netpollunblock(r ? &pd->rg : &pd->wg, false);
      if (r) {
        rg = gp;
      } else {
        wg = gp;
      }
    }
  }
  pd->lock.unlock();
  if (rg != nullptr) ReadyG(rg);
  if (wg != nullptr) ReadyG(wg);
}

}  // namespace

}  // namespace go::runtime::internal

namespace go::poll {

using runtime::internal::BlockingRegion;
using runtime::internal::OpRef;
using runtime::internal::PollDesc;

FD::FD(int fd) : FD(fd, /*poll=*/true) {}

FD FD::NewBlocking(int fd) { return FD(fd, /*poll=*/false); }

FD::FD(int fd, bool poll) : fd_(fd) {
  if (fd < 0) return;
  runtime::internal::netpollinit();
  pd_ = runtime::internal::pd_alloc();
  pd_->fd = fd;
  pd_->closing.store(false, std::memory_order_relaxed);
  pd_->rg.store(0, std::memory_order_relaxed);
  pd_->wg.store(0, std::memory_order_relaxed);
  pd_->rd.store(0, std::memory_order_relaxed);
  pd_->wd.store(0, std::memory_order_relaxed);
  pd_->refs.store(1, std::memory_order_release);
  epoll_event ev = {};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = pd_;
  runtime::internal::RaceRelease(pd_);
  int flags = poll ? fcntl(fd, F_GETFL) : -1;
  if (flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) >= 0 &&
      runtime::internal::sys_epoll_ctl(EPOLL_CTL_ADD, fd, &ev) == 0) {
    pd_->pollable = true;
  } else {
    // Not pollable (EPERM: a regular file), or NewBlocking: plain blocking
    // calls.
    if (flags >= 0) fcntl(fd, F_SETFL, flags);
    pd_->pollable = false;
  }
}

FD::FD(FD&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), pd_(std::exchange(o.pd_, nullptr)) {}

FD& FD::operator=(FD&& o) noexcept {
  if (this != &o) {
    Close();
    fd_ = std::exchange(o.fd_, -1);
    pd_ = std::exchange(o.pd_, nullptr);
  }
  return *this;
}

FD::~FD() { Close(); }

int FD::Close() {
  PollDesc* pd = pd_;
  if (pd == nullptr) return -EBADF;
  pd_ = nullptr;
  fd_ = -1;
  pd->lock.lock();
  pd->closing.store(true, std::memory_order_release);
  pd->rseq++;
  pd->wseq++;
  if (pd->rt != nullptr) pd->rt->Stop();
  if (pd->wt != nullptr) pd->wt->Stop();
  runtime::internal::G* rg = runtime::internal::netpollunblock(&pd->rg, false);
  runtime::internal::G* wg = runtime::internal::netpollunblock(&pd->wg, false);
  pd->lock.unlock();
  if (rg != nullptr) runtime::internal::ReadyG(rg);
  if (wg != nullptr) runtime::internal::ReadyG(wg);
  runtime::internal::pd_decref(pd);
  return 0;
}

bool FD::Pollable() const { return pd_ != nullptr && pd_->pollable; }

ssize_t FD::Read(void* p, size_t n) {
  PollDesc* pd = pd_;
  OpRef ref(pd);
  if (!ref.ok()) return -EBADF;
  if (int err = runtime::internal::netpollcheckerr(pd, 'r')) return err;
  for (;;) {
    ssize_t r;
    if (pd->pollable) {
      r = runtime::internal::sys_read(pd->fd, p, n);
    } else {
      BlockingRegion br;
      r = runtime::internal::sys_read(pd->fd, p, n);
    }
    if (r == -EINTR) continue;
    if (r == -EAGAIN && pd->pollable) {
      if (int err = runtime::internal::netpollwait(pd, 'r')) return err;
      continue;
    }
    return r;
  }
}

ssize_t FD::WriteSome(const void* p, size_t n) {
  PollDesc* pd = pd_;
  OpRef ref(pd);
  if (!ref.ok()) return -EBADF;
  if (int err = runtime::internal::netpollcheckerr(pd, 'w')) return err;
  for (;;) {
    ssize_t r;
    if (pd->pollable) {
      r = runtime::internal::sys_write(pd->fd, p, n);
    } else {
      BlockingRegion br;
      r = runtime::internal::sys_write(pd->fd, p, n);
    }
    if (r == -EINTR) continue;
    if (r == -EAGAIN && pd->pollable) {
      if (int err = runtime::internal::netpollwait(pd, 'w')) return err;
      continue;
    }
    return r;
  }
}

ssize_t FD::Write(const void* p, size_t n) {
  const char* b = static_cast<const char*>(p);
  size_t done = 0;
  while (done < n) {
    ssize_t r = WriteSome(b + done, n - done);
    if (r < 0) return r;
    if (r == 0) return -EIO;
    done += static_cast<size_t>(r);
  }
  return static_cast<ssize_t>(done);
}

int FD::Accept(sockaddr* sa, socklen_t* len) {
  PollDesc* pd = pd_;
  OpRef ref(pd);
  if (!ref.ok()) return -EBADF;
  if (int err = runtime::internal::netpollcheckerr(pd, 'r')) return err;
  for (;;) {
    int r;
    if (pd->pollable) {
      r = runtime::internal::sys_accept(pd->fd, sa, len);
    } else {
      BlockingRegion br;
      r = runtime::internal::sys_accept(pd->fd, sa, len);
    }
    if (r == -EINTR || r == -ECONNABORTED) continue;
    if (r == -EAGAIN && pd->pollable) {
      if (int err = runtime::internal::netpollwait(pd, 'r')) return err;
      continue;
    }
    return r;
  }
}

int FD::Connect(const sockaddr* sa, socklen_t len) {
  PollDesc* pd = pd_;
  OpRef ref(pd);
  if (!ref.ok()) return -EBADF;
  int r;
  if (pd->pollable) {
    r = runtime::internal::sys_connect(pd->fd, sa, len);
  } else {
    BlockingRegion br;
    r = runtime::internal::sys_connect(pd->fd, sa, len);
  }
  if (r == 0 || r == -EISCONN) return 0;
  if (r != -EINPROGRESS && r != -EALREADY && r != -EINTR) return r;
  if (!pd->pollable) return r;
  for (;;) {
    if (int err = runtime::internal::netpollwait(pd, 'w')) return err;
    int so = runtime::internal::sys_so_error(pd->fd);
    if (so == -EINPROGRESS || so == -EALREADY || so == -EINTR) continue;
    return so;
  }
}

void FD::SetDeadline(absl::Time t) {
  if (pd_ != nullptr) runtime::internal::set_deadline(pd_, t, 'b');
}
void FD::SetReadDeadline(absl::Time t) {
  if (pd_ != nullptr) runtime::internal::set_deadline(pd_, t, 'r');
}
void FD::SetWriteDeadline(absl::Time t) {
  if (pd_ != nullptr) runtime::internal::set_deadline(pd_, t, 'w');
}

}  // namespace go::poll
