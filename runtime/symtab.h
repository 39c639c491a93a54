// Symbolization of program counters: function names, source files and lines,
// inlined frames, and the loaded modules a profile's Mapping table needs.
//
// Goroutine dumps, panic reports and pprof profiles all turn raw PCs into
// "function, file:line". This file is the one place that knows how: it reads
// DWARF with elfutils' libdw (names from DW_AT_linkage_name, demangled with the
// C++ ABI demangler; file:line from the line table; inline chains from the DIE
// scopes around a PC), falls back to ELF symbol tables and then dladdr() when a
// module has no debug information, and caches every answer per PC, so a dump of
// 100k goroutines that share a few hundred distinct PCs pays for DWARF once.
//
// Inline chains need DWARF inline entries (DW_TAG_inlined_subroutine). GCC 12
// emits them only from -g2 up; the workspace default -g1 gives line tables and
// function DIEs, so with -g1 an inlined call is reported as its caller's line.
//
// Thread safety: every function may be called from any thread. libdw is not
// thread-safe, so lookups are serialized by one lock; cache hits take the lock
// only for a hash lookup.
//
// Crash safety: these functions may be called on a fatal-error path (a panic
// report, "fatal error: all goroutines are asleep"), including on the thread
// that is crashing, but never from a signal handler's asynchronous context:
// they allocate and take locks. If the calling thread is already inside the
// symbolizer (a crash in the middle of a lookup), a re-entrant call does not
// deadlock: it answers from dladdr() only. A crash that corrupted the heap or
// left malloc's own locks held cannot be symbolized by any allocating code.
#ifndef GOTEST_RUNTIME_SYMTAB_H_
#define GOTEST_RUNTIME_SYMTAB_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace go::runtime::internal {

// One source-level frame at a PC. A physical frame whose PC lies in inlined
// code yields several Frames: the innermost inlined function first, the
// physical (out-of-line) function last.
struct Frame {
  // Demangled name with parameter list, as c++filt prints it
  // ("go::runtime::Run(std::function<int ()>)"); pprof's Function.name.
  // Functions without a linkage name in DWARF (GCC omits it for internal
  // linkage: static functions, anonymous namespaces) get the name qualified
  // from the DIE tree, without parameters ("(anonymous namespace)::Helper").
  // Empty when nothing is known about the PC.
  std::string function;
  // The same without the parameter list, qualifiers and return type
  // ("go::runtime::Run"); what tracebacks print before "(...)".
  std::string short_function;
  // The linkage (mangled) name, or the plain name for extern "C" functions;
  // pprof's Function.system_name.
  std::string system_name;
  // Source path as DWARF records it, made absolute with the compilation
  // directory; empty if the module has no line information. Bazel's
  // "/proc/self/cwd/" prefix becomes $BUILD_WORKSPACE_DIRECTORY if set, else
  // is dropped, leaving a workspace-relative path ("runtime/proc.cc") that
  // tools run from the workspace root (pprof -list) can open.
  std::string file;
  // Source line (0 if unknown): for the innermost frame, the line of the PC;
  // for the others, the line of the call that was inlined.
  int line = 0;
  // Line where the function is declared (pprof's Function.start_line), 0 if
  // unknown.
  int start_line = 0;
  // Path of the loaded object containing pc, as /proc/self/maps names it;
  // empty if none does.
  std::string module;
  // The PC that was looked up (already adjusted by the caller).
  uintptr_t pc = 0;
  // Entry address of the physical function containing pc (the start of its
  // ELF symbol, which for a GCC ".cold" part is that part's start), 0 if
  // unknown. Inlined frames carry their physical function's entry.
  uintptr_t entry = 0;
  // True for every frame but the last (physical) one of a PC.
  bool inlined = false;
};

// One executable segment of a loaded ELF object, page-aligned as
// /proc/self/maps shows it: pprof's Mapping.
struct Module {
  // Real path of the file (symlinks resolved, as in /proc/self/maps and
  // Frame::module; the main executable's, not argv[0]); "linux-vdso.so.1"
  // for the vDSO.
  std::string path;
  uintptr_t start = 0;   // first address of the segment
  uintptr_t limit = 0;   // one past its last address
  uintptr_t offset = 0;  // file offset mapped at start
  // Lower-case hex of the NT_GNU_BUILD_ID note, empty if there is none.
  std::string build_id;
};

// Returns the frames at pc, innermost inlined frame first; never empty (an
// unknown PC gives one Frame with an empty function and file). pc must
// already be adjusted: a return address minus one, or an exact PC (a signal
// context's leaf). The answer is cached forever: code unloaded with dlclose()
// and replaced by other code at the same address keeps its old answer.
std::vector<Frame> Symbolize(uintptr_t pc);

// Like Symbolize, without copying: returns the cached, immutable frames,
// valid for the rest of the process. Returns nullptr only for the re-entrant
// call described above (use Symbolize then).
const std::vector<Frame>* SymbolizeCached(uintptr_t pc);

// Executable segments of every loaded object (dl_iterate_phdr), the main
// executable first.
std::vector<Module> Modules();

// The executable segment containing pc. Returns false if there is none.
// Reads the module list afresh: to map many PCs, call Modules() once.
bool FindModule(uintptr_t pc, Module* module);

// Demangles an Itanium C++ ABI name ("_ZN2go7runtime3RunEv" ->
// "go::runtime::Run()"); returns other names unchanged.
std::string Demangle(const char* name);

// Reduces a demangled name to what a traceback shows: drops the parameter
// list, trailing qualifiers, a GCC " [clone .cold]" suffix and a template
// function's return type. "void ns::f<int>(int) const" -> "ns::f<int>".
std::string ShortFunctionName(std::string_view demangled);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_SYMTAB_H_
