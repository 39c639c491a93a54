// Copyright 2026 The gotest Authors.
//
// Programs that end the way Go programs end on a panic, a deadlock, a stack
// overflow or SIGQUIT; runtime/fatal_test.cc runs them and checks the report
// and the exit status. Usage: fatal_helper <mode>.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "runtime/panic.h"
#include "runtime/park.h"
#include "runtime/runtime.h"
#include "runtime/sleep_for_testing.h"
#include "runtime/testing_util.h"
#include "runtime/traceback.h"

namespace {

using go::runtime::testing::Gate;
using go::runtime::testing::TestWaitGroup;

__attribute__((noinline)) void Thrower() { throw go::runtime::Panic("boom"); }

volatile bool g_forever = true;

__attribute__((noinline)) int Overflow(int n) {
  volatile char buf[512];
  buf[0] = static_cast<char>(n);
  if (!g_forever) return buf[0];
  return Overflow(n + 1) + buf[0];
}

__attribute__((noinline)) void BlockForever(Gate* g) {
  g->Wait();
  go::runtime::internal::KeepCallerFrame();
}

int Panic() {
  return go::runtime::Run([] {
    Gate never;
    go::Go([] { Thrower(); });
    never.Wait();
    return 0;
  });
}

int PanicMain() {
  return go::runtime::Run([]() -> int { throw std::runtime_error("oops"); });
}

int PanicNonStd() {
  return go::runtime::Run([]() -> int { throw 42; });
}

int Deadlock() {
  return go::runtime::Run([] {
    Gate g;
    TestWaitGroup wg(1);
    go::Go([&] { BlockForever(&g); });
    wg.Wait();
    return 0;
  });
}

int GoexitMain() {
  return go::runtime::Run([] {
    go::Go([] { go::runtime::Gosched(); });
    go::runtime::Goexit();
    return 0;
  });
}

int StackOverflow() {
  return go::runtime::Run([] {
    Gate never;
    go::Go([] { Overflow(0); });
    never.Wait();
    return 0;
  });
}

int SleepOk() {
  return go::runtime::Run([] {
    go::runtime::internal::SleepFor(30 * 1000 * 1000);
    printf("ok\n");
    return 0;
  });
}

int Quit() {
  return go::runtime::Run([] {
    Gate g;
    go::Go([&] { BlockForever(&g); });
    // Until it is parked (Gate's lock is released only after the status
    // change): with several Ps it may still be running on another thread.
    while (g.Waiting() == 0) {
      go::runtime::Gosched();
      usleep(1000);
    }
    // To this thread: ThreadSanitizer delivers a signal only when the receiving
    // thread passes one of its interceptors, which threads parked in a raw
    // futex wait never do.
    raise(SIGQUIT);
    for (;;) usleep(1000);
    return 0;
  });
}

}  // namespace

#if defined(__SANITIZE_THREAD__)
// The crash reports allocate and symbolize inside the fault handler, as Go's
// do: the process is about to exit.
extern "C" const char* __tsan_default_options() {
  return "report_signal_unsafe=0";
}
#endif

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fatal_helper mode\n");
    return 64;
  }
  std::string mode = argv[1];
  if (mode == "panic") return Panic();
  if (mode == "panic_main") return PanicMain();
  if (mode == "panic_nonstd") return PanicNonStd();
  if (mode == "deadlock") return Deadlock();
  if (mode == "goexit_main") return GoexitMain();
  if (mode == "overflow") return StackOverflow();
  if (mode == "sleep_ok") return SleepOk();
  if (mode == "sigquit") return Quit();
  fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 64;
}
