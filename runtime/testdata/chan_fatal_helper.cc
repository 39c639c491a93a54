// Copyright 2026 The gotest Authors.
//
// Programs that end the way Go programs end when channels, select, sync or
// timers are misused, or that must NOT end that way (a pending timer or I/O
// wait is not a deadlock); runtime/chan_fatal_test.cc runs them and checks the
// report and the exit status. Usage: chan_fatal_helper <mode>.

#include <spawn.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/time/time.h"
#include "runtime/chan.h"
#include "runtime/netpoll.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/sync.h"
#include "runtime/time.h"

extern char** environ;

namespace {

__attribute__((noinline)) void WaitForever(go::Chan<int> c) { c.Recv(); }

int DeadlockChan() {
  return go::runtime::Run([] {
    go::Chan<int> c = go::MakeChan<int>();
    go::Go([c] { WaitForever(c); });
    c.Recv();  // nobody will ever send
  });
}

int DeadlockNilChan() {
  return go::runtime::Run([] {
    go::Chan<int> nil;
    nil.Send(1);
  });
}

int DeadlockSelect() {
  return go::runtime::Run([] { go::Select(); });
}

int DeadlockMutex() {
  return go::runtime::Run([] {
    go::sync::Mutex mu;
    mu.Lock();
    mu.Lock();
  });
}

// Main waits on a channel that a goroutine sends on after sleeping: the
// pending timer keeps the deadlock detector quiet.
int TimerPending() {
  return go::runtime::Run([] {
    go::Chan<int> c = go::MakeChan<int>();
    go::Go([c] {
      go::time::Sleep(absl::Milliseconds(200));
      c.Send(1);
    });
    c.Recv();
    go::time::After(absl::Milliseconds(100)).Recv();
    std::printf("ok\n");
    return 0;
  });
}

// Go 1.23+ (checked against Go 1.26): a Timer or Ticker that nobody is
// blocked receiving from does not count as pending, so main blocking on a
// channel nobody sends on is a deadlock even with it armed. If it wrongly
// counted, the program would hang: alarm() turns that into a SIGALRM death.
int DeadlockUnwatchedTicker() {
  alarm(60);
  return go::runtime::Run([] {
    go::time::Ticker tk = go::time::NewTicker(absl::Milliseconds(1));
    go::time::Timer t = go::time::NewTimer(absl::Hours(1));
    go::Chan<int>().Recv();
  });
}

// A Ticker that was made and dropped (Go: collected; here stopped) and a
// pending time.After channel nobody receives from: a deadlock too.
int DeadlockDroppedTicker() {
  alarm(60);
  return go::runtime::Run([] {
    { go::time::NewTicker(absl::Milliseconds(1)); }
    go::time::After(absl::Hours(1));
    go::time::Tick(absl::Milliseconds(1));
    go::Chan<int> c = go::MakeChan<int>();
    c.Recv();
  });
}

// Blocked in a select on time.After's channel (and one nobody sends on):
// that timer counts, no deadlock; the select takes the timeout. The same for
// a plain receive from a Timer's channel and for AfterFunc.
int TimerSelectPending() {
  alarm(60);
  return go::runtime::Run([] {
    go::Chan<int> never = go::MakeChan<int>();
    go::Chan<int> done = go::MakeChan<int>();
    int chosen =
        go::Select(go::OnRecv(never),
                   go::OnRecv(go::time::After(absl::Milliseconds(100))));
    go::time::Timer t = go::time::NewTimer(absl::Milliseconds(50));
    t.C.Recv();
    go::time::AfterFunc(absl::Milliseconds(50), [done] { done.Send(1); });
    done.Recv();
    std::printf("ok %d\n", chosen);
    return 0;
  });
}

// Main reads a pipe whose writer is another process that writes after a
// delay: only an I/O wait is pending, which is not a deadlock either.
int IOPending() {
  int fds[2];
  if (pipe(fds) != 0) return 3;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  const char* argv[] = {"/bin/sh", "-c", "sleep 0.3; echo hi", nullptr};
  pid_t pid;
  if (posix_spawn(&pid, "/bin/sh", &fa, nullptr, const_cast<char**>(argv),
                  environ) != 0) {
    return 3;
  }
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  return go::runtime::Run([&] {
    go::poll::FD r(fds[0]);
    char buf[16];
    ssize_t n = r.Read(buf, sizeof buf);
    std::printf("ok %.*s", n > 0 ? static_cast<int>(n) : 0, buf);
    return 0;
  });
}

int UnlockUnlocked() {
  return go::runtime::Run([] {
    go::sync::Mutex mu;
    try {
      mu.Unlock();
    } catch (...) {
      std::printf("recovered\n");  // must not happen: a fatal error
    }
  });
}

int RUnlockUnlocked() {
  return go::runtime::Run([] {
    go::sync::RWMutex rw;
    rw.RUnlock();
  });
}

int RWUnlockUnlocked() {
  return go::runtime::Run([] {
    go::sync::RWMutex rw;
    rw.Unlock();
  });
}

int NegativeWaitGroup() {
  return go::runtime::Run([] {
    go::sync::WaitGroup wg;
    wg.Add(-1);
  });
}

int SendOnClosed() {
  return go::runtime::Run([] {
    go::Chan<int> c = go::MakeChan<int>(1);
    c.Close();
    c.Send(1);
  });
}

int CloseOfNil() {
  return go::runtime::Run([] { go::Chan<int>().Close(); });
}

// A deliberate data race between two goroutines running at the same time on
// two threads: both announce themselves through a relaxed atomic (which gives
// TSan no happens-before edge), wait for each other, then write g_racy
// unsynchronized. TSan must report it (chan_fatal_test runs this only under
// --config=tsan).
int g_racy = 0;
std::atomic<int> g_arrived{0};
__attribute__((noinline)) void RacyIncrements() {
  g_arrived.fetch_add(1, std::memory_order_relaxed);
  while (g_arrived.load(std::memory_order_relaxed) < 2) {
  }
  for (int k = 0; k < 100000; k++) g_racy = g_racy + 1;
}
int Race() {
  return go::runtime::Run([] {
    go::runtime::GOMAXPROCS(2);
    go::sync::WaitGroup wg;
    for (int i = 0; i < 2; i++) wg.Go(&RacyIncrements);
    wg.Wait();
    std::printf("racy=%d\n", g_racy > 0 ? 1 : 0);
  });
}

// The same program with the increments under a go::sync::Mutex and the result
// handed over a channel: TSan must stay quiet.
int NoRace() {
  return go::runtime::Run([] {
    go::runtime::GOMAXPROCS(2);
    go::sync::Mutex mu;
    int counter = 0;
    go::Chan<std::string> c = go::MakeChan<std::string>();
    go::sync::WaitGroup wg;
    for (int i = 0; i < 2; i++) {
      wg.Go([&] {
        for (int k = 0; k < 1000; k++) {
          std::lock_guard<go::sync::Mutex> l(mu);
          counter++;
        }
      });
    }
    std::string payload;
    go::Go([&payload, c] {
      payload = "written before the send";
      c.Send(std::string("x"));
    });
    c.Recv();
    wg.Wait();
    std::printf("counter=%d %s\n", counter, payload.c_str());
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: chan_fatal_helper <mode>\n");
    return 3;
  }
  std::string mode = argv[1];
  if (mode == "deadlock_chan") return DeadlockChan();
  if (mode == "deadlock_nil_chan") return DeadlockNilChan();
  if (mode == "deadlock_select") return DeadlockSelect();
  if (mode == "deadlock_mutex") return DeadlockMutex();
  if (mode == "timer_pending") return TimerPending();
  if (mode == "deadlock_unwatched_ticker") return DeadlockUnwatchedTicker();
  if (mode == "deadlock_dropped_ticker") return DeadlockDroppedTicker();
  if (mode == "timer_select_pending") return TimerSelectPending();
  if (mode == "io_pending") return IOPending();
  if (mode == "unlock_unlocked") return UnlockUnlocked();
  if (mode == "runlock_unlocked") return RUnlockUnlocked();
  if (mode == "rwunlock_unlocked") return RWUnlockUnlocked();
  if (mode == "negative_waitgroup") return NegativeWaitGroup();
  if (mode == "send_on_closed") return SendOnClosed();
  if (mode == "close_of_nil") return CloseOfNil();
  if (mode == "race") return Race();
  if (mode == "no_race") return NoRace();
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 3;
}
