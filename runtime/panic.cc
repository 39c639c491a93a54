// Copyright 2026 The gotest Authors.

#include "runtime/panic.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <unistd.h>
#include <unwind.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <typeinfo>

#include "runtime/dump.h"
#include "runtime/proc.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "runtime/traceback.h"

namespace go::runtime::internal {

namespace {

std::terminate_handler g_prev_terminate = nullptr;
std::atomic<int> g_dying{0};

// Only the first fatal report prints; a second one (another thread crashing at
// the same time, or a crash inside the report) waits for the exit.
void enter_dying() {
  if (g_dying.fetch_add(1) != 0) {
    for (;;) pause();
  }
}

bool traceback_all() {
  const char* v = getenv("GOTRACEBACK");
  if (v == nullptr) return false;
  return strcmp(v, "all") == 0 || strcmp(v, "system") == 0 ||
         strcmp(v, "crash") == 0 || strcmp(v, "2") == 0;
}

// Frames of the C++ runtime between the throw and the terminate handler.
bool cxx_runtime_frame(uintptr_t pc) {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(pc), &info) == 0 ||
      info.dli_sname == nullptr) {
    return false;
  }
  const char* s = info.dli_sname;
  return strncmp(s, "__cxa_", 6) == 0 || strncmp(s, "_Unwind_", 8) == 0 ||
         strncmp(s, "_ZSt9terminate", 14) == 0 ||
         strncmp(s, "_ZN10__cxxabiv1", 15) == 0 ||
         strncmp(s, "_ZSt17rethrow_exception", 23) == 0 ||
         strncmp(s, "__gxx_personality", 17) == 0;
}

struct UnwindState {
  uintptr_t* pcs;
  int n;
  int max;
};

_Unwind_Reason_Code unwind_cb(struct _Unwind_Context* ctx, void* arg) {
  UnwindState* st = static_cast<UnwindState*>(arg);
  uintptr_t ip = _Unwind_GetIP(ctx);
  if (ip == 0 || st->n == st->max) return _URC_END_OF_STACK;
  st->pcs[st->n++] = ip;
  return _URC_NO_REASON;
}

// Return addresses of the calling stack, innermost first (pcs[0] is in
// UnwindDwarf's caller).
__attribute__((noinline)) int UnwindDwarf(uintptr_t* pcs, int max) {
  UnwindState st{pcs, 0, max};
  _Unwind_Backtrace(&unwind_cb, &st);
  if (st.n > 0) {  // drop UnwindDwarf's own frame
    for (int i = 1; i < st.n; i++) pcs[i - 1] = pcs[i];
    st.n--;
  }
  return st.n;
}

void go_terminate() {
  M* m = getm();
  G* gp = (m != nullptr && !m->on_g0) ? m->curg : nullptr;
  if (gp == nullptr) {
    if (g_prev_terminate != nullptr) g_prev_terminate();
    abort();
  }
  enter_dying();
  // libstdc++ has no frame pointers: unwind with the DWARF unwinder, which
  // stops at the goroutine's entry trampoline (.cfi_undefined).
  uintptr_t pcs[128];
  int n = UnwindDwarf(pcs, 128);
  int start = 0;
  for (int i = 0; i < n && i < 24; i++) {
    if (cxx_runtime_frame(pcs[i] - 1)) start = i + 1;
  }
  // pcs[start] is a return address (into the throw site); as the first pc of
  // a traceback it must point into the call instruction.
  if (start < n) pcs[start] -= 1;
  std::string out;
  if (std::current_exception()) {
    out = "panic: " + DescribeCurrentException() + "\n\n";
  } else {
    out = "fatal error: std::terminate called without an active exception\n\n";
  }
  GoroutineRecord r = CurrentGoroutineRecord(pcs + start, n - start);
  out += FormatGoroutine(r);
  if (traceback_all()) {
    std::string rest = FormatAllGoroutines(r.id);
    if (!rest.empty()) out += "\n" + rest;
  }
  WriteStderr(out);
  _exit(2);
}

}  // namespace

void WriteStderr(const std::string& s) {
  fflush(stdout);
  size_t off = 0;
  while (off < s.size()) {
    ssize_t w = write(2, s.data() + off, s.size() - off);
    if (w <= 0) break;
    off += static_cast<size_t>(w);
  }
}

std::string DescribeCurrentException() {
  std::exception_ptr ep = std::current_exception();
  if (!ep) return "";
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (const GoexitUnwind&) {
    return "runtime.Goexit unwinding crossed a noexcept function";
  } catch (...) {
  }
  const std::type_info* t = abi::__cxa_current_exception_type();
  std::string name = t != nullptr ? t->name() : "?";
  int status = 0;
  char* dem = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status == 0 && dem != nullptr) name = dem;
  free(dem);
  char addr[32];
  // libstdc++'s exception_ptr is one pointer: the exception object.
  void* obj;
  static_assert(sizeof(ep) == sizeof(obj));
  memcpy(&obj, static_cast<void*>(&ep), sizeof obj);
  snprintf(addr, sizeof addr, "%p", obj);
  // Go prints a non-error value of another type as "(T) 0xADDR".
  return "(" + name + ") " + addr;
}

void fatal(const char* msg) {
  enter_dying();
  std::string out = "fatal error: " + std::string(msg) + "\n\n";
  out += FormatAllGoroutines(0);
  WriteStderr(out);
  _exit(2);
}

void fatal_nodump(const char* msg) {
  enter_dying();
  WriteStderr("fatal error: " + std::string(msg) + "\n");
  _exit(2);
}

void InstallPanicHandlersImpl();

void InstallPanicHandlers() {
  g_prev_terminate = std::set_terminate(&go_terminate);
  InstallPanicHandlersImpl();
}

}  // namespace go::runtime::internal
