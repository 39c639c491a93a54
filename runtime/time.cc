// Copyright 2026 The gotest Authors.
//
// Timers, after Go's runtime/time.go: 4-ary min-heaps of deadlines, one per
// shard (the arming goroutine's P picks the shard, so Ps rarely share a heap
// lock), polled by the scheduler through a PollHook.
//
// Locking: a timer's own lock, then a shard's lock (arming and disarming), or a
// shard's lock alone (the poller pops due timers). A popped timer is fired
// under its own lock only if its sequence number is unchanged since the pop
// and it is still pending, so a Stop or Reset that ran in between wins; and a
// timer channel's value is sent under the timer's lock, so once Stop/Reset
// (which drain the channel under that lock) return, no stale value can appear.

#include "runtime/time.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "runtime/chan.h"
#include "runtime/chan_internal.h"
#include "runtime/lock.h"
#include "runtime/panic.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/sudog.h"

namespace go::runtime::internal {

enum class TimerKind : uint8_t { kSleep, kChan, kFunc, kRuntime };

struct TimerShard;

struct TimerImpl : std::enable_shared_from_this<TimerImpl> {
  explicit TimerImpl(TimerKind k) : kind(k) {}

  Lock mu;
  const TimerKind kind;
  // Under mu.
  int64_t when = 0;
  int64_t period = 0;
  bool pending = false;  // armed: in a heap, or popped and not yet fired
  G* g = nullptr;
  Chan<absl::Time> ch;
  std::function<void()> f;
  void (*rf)(void*, uintptr_t) = nullptr;
  void* rarg = nullptr;
  uintptr_t rseq = 0;
  // Changed by every Stop/Reset (under mu), read by the poller at pop time.
  std::atomic<uint64_t> seq{0};
  // The shard whose heap holds it: set under mu and the shard lock, cleared
  // under the shard lock.
  std::atomic<TimerShard*> shard{nullptr};
  // Under the shard lock.
  int32_t index = -1;
  std::shared_ptr<TimerImpl> self;  // the heap's reference (none for Sleep)
};

struct HeapEntry {
  int64_t when;
  TimerImpl* t;
};

struct alignas(64) TimerShard {
  Lock mu;
  std::vector<HeapEntry> heap;
  std::atomic<int64_t> min_when{INT64_MAX};
  // Entries that always count as pending (all but channel timers); written
  // under mu.
  std::atomic<int32_t> nkeep{0};
  // Pollers between popping due timers and firing them, so a receive from a
  // timer channel can wait for a value another thread has popped.
  std::atomic<int32_t> firing{0};
};

namespace {

// Whether t, in a heap, always counts as pending for the scheduler: all but
// channel timers, which count only while a goroutine is blocked on a timer
// channel (see timers_next_deadline).
bool counts(const TimerImpl* t) { return t->kind != TimerKind::kChan; }

// Never destroyed: threads poll the heaps until the process is gone.
TimerShard* const g_shards = new TimerShard[kTimerShards];

void set_min(TimerShard* s) {
  s->min_when.store(s->heap.empty() ? INT64_MAX : s->heap[0].when,
                    std::memory_order_release);
}

void siftup(std::vector<HeapEntry>& h, int i) {
  HeapEntry e = h[i];
  while (i > 0) {
    int p = (i - 1) / 4;
    if (e.when >= h[p].when) break;
    h[i] = h[p];
    h[i].t->index = i;
    i = p;
  }
  h[i] = e;
  e.t->index = i;
}

void siftdown(std::vector<HeapEntry>& h, int i) {
  int n = static_cast<int>(h.size());
  HeapEntry e = h[i];
  for (;;) {
    int c = 4 * i + 1;
    if (c >= n) break;
    int best = c;
    for (int k = c + 1; k < c + 4 && k < n; k++) {
      if (h[k].when < h[best].when) best = k;
    }
    if (h[best].when >= e.when) break;
    h[i] = h[best];
    h[i].t->index = i;
    i = best;
  }
  h[i] = e;
  e.t->index = i;
}

void heap_remove(TimerShard* s, TimerImpl* t) {
  if (counts(t)) s->nkeep.fetch_sub(1, std::memory_order_relaxed);
  std::vector<HeapEntry>& h = s->heap;
  int i = t->index;
  int last = static_cast<int>(h.size()) - 1;
  if (i != last) {
    h[i] = h[last];
    h[i].t->index = i;
    h.pop_back();
    siftdown(h, i);
    siftup(h, i);
  } else {
    h.pop_back();
  }
  t->index = -1;
}

TimerShard* pick_shard() {
  M* m = getm();
  if (m != nullptr && m->p != nullptr) {
    return &g_shards[static_cast<uint32_t>(m->p->id) % kTimerShards];
  }
  return &g_shards[0];
}

G* poll_timers(int64_t now, void*);
int64_t timers_next_deadline(void*);
void timerchan_poll_due();

void ensure_hook() {
  static const bool registered = [] {
    PollHook hook;
    hook.poll = &poll_timers;
    hook.next_deadline = &timers_next_deadline;
    hook.arg = nullptr;
    AddPollHook(hook);
    g_timerchan_poll.store(&timerchan_poll_due, std::memory_order_release);
    return true;
  }();
  (void)registered;
}

// t->mu held. Puts t in a heap at `when`; true if it became that heap's
// earliest timer (the caller then calls PollHooksChanged, after unlocking).
bool arm(TimerImpl* t, int64_t when) {
  t->when = when;
  t->pending = true;
  TimerShard* s = pick_shard();
  s->mu.lock();
  s->heap.push_back({when, t});
  siftup(s->heap, static_cast<int>(s->heap.size()) - 1);
  if (counts(t)) s->nkeep.fetch_add(1, std::memory_order_relaxed);
  t->self = t->weak_from_this().lock();
  t->shard.store(s, std::memory_order_release);
  bool earliest = s->heap[0].t == t;
  set_min(s);
  s->mu.unlock();
  return earliest;
}

// t->mu held. Takes t out of its heap if it is in one.
void disarm(TimerImpl* t) {
  TimerShard* s = t->shard.load(std::memory_order_acquire);
  if (s == nullptr) return;
  std::shared_ptr<TimerImpl> ref;
  s->mu.lock();
  if (t->shard.load(std::memory_order_relaxed) == s) {
    heap_remove(s, t);
    t->shard.store(nullptr, std::memory_order_relaxed);
    ref = std::move(t->self);
    set_min(s);
  }
  s->mu.unlock();
}

struct Fired {
  TimerImpl* t;
  std::shared_ptr<TimerImpl> ref;
  uint64_t seq;
};

void fire(const Fired& e, int64_t now) {
  TimerImpl* t = e.t;
  t->mu.lock();
  if (!t->pending || t->seq.load(std::memory_order_relaxed) != e.seq ||
      t->shard.load(std::memory_order_relaxed) != nullptr) {
    t->mu.unlock();
    return;
  }
  switch (t->kind) {
    case TimerKind::kSleep: {
      t->pending = false;
      G* gp = t->g;
      t->mu.unlock();
      // gp is collected for injection: it cannot run (and free t, which is
      // on its stack) before the poll hook returns.
      ReadyG(gp);
      return;
    }
    case TimerKind::kChan: {
      absl::Time v = absl::Now() - absl::Nanoseconds(now - t->when);
      if (t->period > 0) {
        int64_t next = t->when + t->period * (1 + (now - t->when) / t->period);
        arm(t, next);
      } else {
        t->pending = false;
      }
      chansendnb(t->ch.hchan(), &v);
      t->mu.unlock();
      return;
    }
    case TimerKind::kFunc: {
      t->pending = false;
      std::function<void()> f = t->f;
      t->mu.unlock();
      go::Go(std::move(f));
      return;
    }
    case TimerKind::kRuntime: {
      t->pending = false;
      void (*fn)(void*, uintptr_t) = t->rf;
      void* arg = t->rarg;
      uintptr_t seq = t->rseq;
      t->mu.unlock();
      fn(arg, seq);
      return;
    }
  }
  t->mu.unlock();
}

G* poll_timers(int64_t now, void*) {
  InjectScope scope;
  for (int i = 0; i < kTimerShards; i++) {
    TimerShard& s = g_shards[i];
    while (s.min_when.load(std::memory_order_acquire) <= now) {
      constexpr int kBatch = 32;
      Fired batch[kBatch];
      int n = 0;
      s.firing.fetch_add(1, std::memory_order_seq_cst);
      s.mu.lock();
      while (n < kBatch && !s.heap.empty() && s.heap[0].when <= now) {
        TimerImpl* t = s.heap[0].t;
        batch[n].t = t;
        batch[n].seq = t->seq.load(std::memory_order_relaxed);
        heap_remove(&s, t);
        t->shard.store(nullptr, std::memory_order_relaxed);
        batch[n].ref = std::move(t->self);
        n++;
      }
      set_min(&s);
      s.mu.unlock();
      for (int i = 0; i < n; i++) fire(batch[i], now);
      s.firing.fetch_sub(1, std::memory_order_release);
      if (n < kBatch) break;
    }
  }
  return scope.Take();
}

// The earliest deadline of a timer that counts as pending. Go 1.23 heaps a
// channel timer only while a goroutine is blocked on its channel; here a
// shard's minimum counts if the shard holds an always-counting timer (an
// earlier channel timer in it then just fires on time), or if any goroutine
// is blocked on a timer channel (chan.cc and select.cc count them and call
// PollHooksChanged, so a sleeping thread looks again). So an armed Timer or
// Ticker nobody waits on keeps no thread sleeping for it and does not hide a
// deadlock. (Coarser than Go in one way: while some goroutine waits on a
// timer channel, every armed channel timer counts.)
int64_t timers_next_deadline(void*) {
  bool watched = g_timerchan_waiters.load(std::memory_order_seq_cst) > 0;
  int64_t best = INT64_MAX;
  for (int i = 0; i < kTimerShards; i++) {
    TimerShard& s = g_shards[i];
    // A poller (sysmon, say) has popped timers and not yet readied their
    // goroutines or started AfterFunc's: they are out of the heap but not yet
    // runnable. Something is due now, so no deadlock can be declared.
    if (s.firing.load(std::memory_order_seq_cst) > 0) return nanotime();
    int64_t min = s.min_when.load(std::memory_order_acquire);
    if (min < best &&
        (watched || s.nkeep.load(std::memory_order_acquire) > 0)) {
      best = min;
    }
  }
  return best == INT64_MAX ? kNothingPending : best;
}

// Go's maybeRunChan (chan_internal.h): fires the timers that are due, from
// the receiving goroutine or thread.
void timerchan_poll_due() {
  int64_t now = nanotime();
  bool due = false;
  for (int i = 0; i < kTimerShards && !due; i++) {
    due = g_shards[i].min_when.load(std::memory_order_acquire) <= now;
  }
  if (due) {
    if (G* list = poll_timers(now, nullptr)) injectglist(list);
  }
  // A timer another thread popped (so no longer due in its heap) may not
  // have delivered its value yet: wait for those firings, which never block.
  for (int i = 0; i < kTimerShards; i++) {
    while (g_shards[i].firing.load(std::memory_order_acquire) > 0) CpuRelax();
  }
}

int64_t when_after(absl::Duration d) {
  int64_t now = nanotime();
  if (d <= absl::ZeroDuration()) return now;
  if (d >= absl::Nanoseconds(INT64_MAX - now)) return INT64_MAX - 1;
  return now + absl::ToInt64Nanoseconds(d);
}

bool sleep_commit(G*, void* arg) {
  TimerImpl* t = static_cast<TimerImpl*>(arg);
  t->mu.lock();
  bool earliest = arm(t, t->when);
  t->mu.unlock();
  if (earliest) PollHooksChanged();
  return true;
}

// Stops t (any kind but Sleep); mu not held. Returns whether it was active
// (for a channel timer: also an unreceived value counts).
bool stop_timer(TimerImpl* t) {
  t->mu.lock();
  bool was = t->pending;
  t->seq.fetch_add(1, std::memory_order_relaxed);
  disarm(t);
  t->pending = false;
  if (t->kind == TimerKind::kChan) {
    Hchan* c = t->ch.hchan();
    if (c->qcount.load(std::memory_order_relaxed) > 0) was = true;
    chandrain(c);
  }
  t->mu.unlock();
  return was;
}

bool reset_timer(TimerImpl* t, int64_t when, int64_t period) {
  t->mu.lock();
  bool was = t->pending;
  t->seq.fetch_add(1, std::memory_order_relaxed);
  disarm(t);
  if (t->kind == TimerKind::kChan) {
    Hchan* c = t->ch.hchan();
    if (c->qcount.load(std::memory_order_relaxed) > 0) was = true;
    chandrain(c);
  }
  t->period = period;
  bool earliest = arm(t, when);
  t->mu.unlock();
  if (earliest) PollHooksChanged();
  return was;
}

std::shared_ptr<TimerImpl> new_chan_timer(int64_t period) {
  ensure_hook();
  auto t = std::make_shared<TimerImpl>(TimerKind::kChan);
  t->ch = MakeChan<absl::Time>(1);
  chanmarktimer(t->ch.hchan());
  t->period = period;
  return t;
}

void start(TimerImpl* t, int64_t when) {
  t->mu.lock();
  bool earliest = arm(t, when);
  t->mu.unlock();
  if (earliest) PollHooksChanged();
}

}  // namespace

RuntimeTimer::RuntimeTimer(void (*fn)(void* arg, uintptr_t seq), void* arg)
    : t_(std::make_shared<TimerImpl>(TimerKind::kRuntime)) {
  ensure_hook();
  t_->rf = fn;
  t_->rarg = arg;
}

RuntimeTimer::~RuntimeTimer() { Stop(); }

void RuntimeTimer::Reset(int64_t when, uintptr_t seq) {
  TimerImpl* t = t_.get();
  t->mu.lock();
  t->seq.fetch_add(1, std::memory_order_relaxed);
  disarm(t);
  t->rseq = seq;
  bool earliest = arm(t, when);
  t->mu.unlock();
  if (earliest) PollHooksChanged();
}

bool RuntimeTimer::Stop() { return stop_timer(t_.get()); }

}  // namespace go::runtime::internal

namespace go::time {

using runtime::internal::TimerImpl;
using runtime::internal::TimerKind;

absl::Time Now() { return absl::Now(); }
absl::Duration Since(absl::Time t) { return absl::Now() - t; }
absl::Duration Until(absl::Time t) { return t - absl::Now(); }

void Sleep(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return;
  runtime::internal::M* m = runtime::internal::getm();
  if (m == nullptr || m->on_g0) {
    // A plain thread: sleep the thread itself.
    int64_t ns = d >= absl::Seconds(INT32_MAX) ? int64_t{INT32_MAX} * 1000000000
                                               : absl::ToInt64Nanoseconds(d);
    struct timespec ts = {static_cast<time_t>(ns / 1000000000),
                          static_cast<long>(ns % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) != 0) {
    }
    return;
  }
  runtime::internal::ensure_hook();
  TimerImpl t(TimerKind::kSleep);
  t.g = runtime::internal::getg();
  t.when = runtime::internal::when_after(d);
  runtime::internal::gopark(&runtime::internal::sleep_commit, &t,
                            runtime::internal::WaitReason::kSleep);
}

bool Timer::Stop() {
  if (t_ == nullptr) {
    throw runtime::Panic("time: Stop called on uninitialized Timer");
  }
  return runtime::internal::stop_timer(t_.get());
}

bool Timer::Reset(absl::Duration d) {
  if (t_ == nullptr) {
    throw runtime::Panic("time: Reset called on uninitialized Timer");
  }
  return runtime::internal::reset_timer(t_.get(),
                                        runtime::internal::when_after(d), 0);
}

Timer NewTimer(absl::Duration d) {
  Timer tm;
  tm.t_ = runtime::internal::new_chan_timer(0);
  tm.C = tm.t_->ch;
  runtime::internal::start(tm.t_.get(), runtime::internal::when_after(d));
  return tm;
}

Timer AfterFunc(absl::Duration d, std::function<void()> f) {
  runtime::internal::ensure_hook();
  Timer tm;
  tm.t_ = std::make_shared<TimerImpl>(TimerKind::kFunc);
  tm.t_->f = std::move(f);
  runtime::internal::start(tm.t_.get(), runtime::internal::when_after(d));
  return tm;
}

Chan<absl::Time> After(absl::Duration d) { return NewTimer(d).C; }

struct Ticker::Holder {
  std::shared_ptr<TimerImpl> t;
  ~Holder() { runtime::internal::stop_timer(t.get()); }
};

void Ticker::Stop() {
  if (h_ == nullptr) return;  // Go: Stop on an uninitialized Ticker is a no-op
  runtime::internal::stop_timer(h_->t.get());
}

void Ticker::Reset(absl::Duration d) {
  if (d <= absl::ZeroDuration()) {
    throw runtime::Panic("non-positive interval for Ticker.Reset");
  }
  if (h_ == nullptr) {
    throw runtime::Panic("time: Reset called on uninitialized Ticker");
  }
  runtime::internal::reset_timer(h_->t.get(), runtime::internal::when_after(d),
                                 absl::ToInt64Nanoseconds(d));
}

Ticker NewTicker(absl::Duration d) {
  if (d <= absl::ZeroDuration()) {
    throw runtime::Panic("non-positive interval for NewTicker");
  }
  int64_t period = absl::ToInt64Nanoseconds(d);
  Ticker tk;
  tk.h_ = std::make_shared<Ticker::Holder>();
  tk.h_->t = runtime::internal::new_chan_timer(period);
  tk.C = tk.h_->t->ch;
  runtime::internal::start(tk.h_->t.get(), runtime::internal::when_after(d));
  return tk;
}

Chan<absl::Time> Tick(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return Chan<absl::Time>();
  // Never stopped (see the header): keep the ticker alive forever.
  static auto* leaked = new std::vector<Ticker>;
  static runtime::internal::Lock mu;
  Ticker tk = NewTicker(d);
  mu.lock();
  leaked->push_back(tk);
  mu.unlock();
  return tk.C;
}

}  // namespace go::time
