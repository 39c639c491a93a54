// Copyright 2026 The gotest Authors.
//
// Signal handling: stack overflow detection (SIGSEGV/SIGBUS in a goroutine's
// guard page, handled on a per-M alternate signal stack) and SIGQUIT's
// goroutine dump, as Go prints them. Any other fault is passed on to the
// handler that was installed before ours (the sanitizers', or the default
// action).

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "runtime/dump.h"
#include "runtime/panic.h"
#include "runtime/proc.h"
#include "runtime/runtime2.h"
#include "runtime/stack.h"
#include "runtime/traceback.h"

namespace go::runtime::internal {

namespace {

// Symbolizing a report needs far more stack than a signal handler usually gets.
// Reserved, lazily committed; sanitizer frames are several times larger.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kAltStackSize = 4 * 1024 * 1024;
#else
constexpr size_t kAltStackSize = 512 * 1024;
#endif

struct sigaction g_old_segv, g_old_bus, g_old_quit;

void context_regs(void* uctx, uintptr_t* pc, uintptr_t* fp, uintptr_t* sp) {
  ucontext_t* uc = static_cast<ucontext_t*>(uctx);
#if defined(__x86_64__)
  *pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  *fp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
  *sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  *pc = static_cast<uintptr_t>(uc->uc_mcontext.pc);
  *fp = static_cast<uintptr_t>(uc->uc_mcontext.regs[29]);
  *sp = static_cast<uintptr_t>(uc->uc_mcontext.sp);
#endif
}

void chain(int sig, siginfo_t* info, void* uctx, const struct sigaction& old) {
  if (old.sa_flags & SA_SIGINFO) {
    if (old.sa_sigaction != nullptr) {
      old.sa_sigaction(sig, info, uctx);
      return;
    }
  } else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
    old.sa_handler(sig);
    return;
  }
  // Default action: restore it and return; the fault repeats and kills us.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, nullptr);
  if (info->si_code <= 0) raise(sig);  // sent, not a fault: deliver again
}

void fault_handler(int sig, siginfo_t* info, void* uctx) {
  M* m = getm();
  G* gp = (m != nullptr && !m->on_g0) ? m->curg : nullptr;
  uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
  if (gp != nullptr && InGuardPage(gp, addr)) {
    uintptr_t pc, fp, sp;
    context_regs(uctx, &pc, &fp, &sp);
    uintptr_t pcs[256];
    int n = UnwindFramePointers(pc, fp, gp->stack_lo, gp->stack_hi, pcs, 256);
    char head[512];
    snprintf(
        head, sizeof head,
        "runtime: goroutine stack exceeds %zu-byte limit\n"
        "runtime: goroutine %lld: stack overflow, sp=%#lx stack=[%#lx, %#lx]\n"
        "fatal error: stack overflow\n\n",
        static_cast<size_t>(gp->stack_hi - gp->stack_lo),
        static_cast<long long>(gp->goid), static_cast<unsigned long>(sp),
        static_cast<unsigned long>(gp->stack_lo),
        static_cast<unsigned long>(gp->stack_hi));
    GoroutineRecord r = CurrentGoroutineRecord(pcs, n);
    WriteStderr(std::string(head) + FormatGoroutine(r));
    _exit(2);
  }
  chain(sig, info, uctx, sig == SIGSEGV ? g_old_segv : g_old_bus);
}

// SIGQUIT: the handler only wakes a dedicated thread, which prints the dump and
// exits. Doing the work outside the signal handler keeps it safe whatever the
// interrupted thread held (malloc's lock, the symbolizer's) and works under the
// sanitizers, which defer or wrap handlers. The goroutine that was running on
// the signalled thread therefore prints as running elsewhere, like every
// running one.
Note g_quit_note;
std::atomic<uintptr_t> g_quit_pc{0};
std::atomic<int64_t> g_quit_m{0};
std::atomic<int> g_quit_code{0};

void quit_handler(int sig, siginfo_t* info, void* uctx) {
  uintptr_t pc, fp, sp;
  context_regs(uctx, &pc, &fp, &sp);
  M* m = getm();
  g_quit_pc.store(pc);
  g_quit_m.store(m != nullptr ? m->id : 0);
  g_quit_code.store(info->si_code);
  NoteWakeup(&g_quit_note);  // async-signal-safe: an atomic and a futex wake
}

void* quit_thread(void*) {
  NoteSleep(&g_quit_note);
  char head[128];
  snprintf(head, sizeof head, "SIGQUIT: quit\nPC=%#lx m=%lld sigcode=%d\n\n",
           static_cast<unsigned long>(g_quit_pc.load()),
           static_cast<long long>(g_quit_m.load()), g_quit_code.load());
  WriteStderr(std::string(head) + FormatAllGoroutines(0));
  _exit(2);
}

void install(int sig, void (*fn)(int, siginfo_t*, void*), struct sigaction* old,
             bool only_if_default) {
  struct sigaction cur;
  sigaction(sig, nullptr, &cur);
  if (only_if_default && !(cur.sa_flags & SA_SIGINFO) &&
      cur.sa_handler != SIG_DFL) {
    return;  // the program handles it
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, old);
}

}  // namespace

void InstallPanicHandlersImpl() {
  install(SIGSEGV, &fault_handler, &g_old_segv, false);
  install(SIGBUS, &fault_handler, &g_old_bus, false);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (pthread_create(&t, &attr, &quit_thread, nullptr) == 0) {
    install(SIGQUIT, &quit_handler, &g_old_quit, true);
  }
  pthread_attr_destroy(&attr);
}

void MinitSignals(M* m) {
  void* mem = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) return;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = mem;
  ss.ss_size = kAltStackSize;
  if (sigaltstack(&ss, nullptr) != 0) {
    munmap(mem, kAltStackSize);
    return;
  }
  m->altstack = mem;
}

void UnminitSignals(M* m) {
  if (m->altstack == nullptr) return;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, nullptr);
  munmap(m->altstack, kAltStackSize);
  m->altstack = nullptr;
}

}  // namespace go::runtime::internal
