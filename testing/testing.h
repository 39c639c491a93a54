// Go's testing package for C++: tests, subtests, benchmarks, examples and
// TestMain, written and run as in Go.
//
//   #include "testing/testing.h"
//
//   GO_TEST(TestAdd, t) {                  // void TestAdd(go::testing::T* t)
//     if (int got = Add(1, 2); got != 3) {
//       t->Errorf("Add(1, 2) = %d; want 3", got);
//     }
//   }
//
//   GO_TEST(TestTable, t) {
//     for (const Case& c : kCases) {
//       t->Run(c.name, [c](go::testing::T* t) {
//         t->Parallel();
//         if (Add(c.a, c.b) != c.want) t->Fatalf("got %d", Add(c.a, c.b));
//       });
//     }
//   }
//
//   GO_EXAMPLE(ExampleAdd, "3\n") { std::cout << Add(1, 2) << "\n"; }
//
//   GO_BENCHMARK(BenchmarkAdd, b) {   // void BenchmarkAdd(go::testing::B* b)
//     for (int64_t i = 0; i < b->N; i++) go::testing::DoNotOptimize(Add(1, 2));
//   }
//   GO_BENCHMARK(BenchmarkAddLoop, b) {  // Go 1.24's b.Loop
//     Setup();                            // not timed
//     while (b->Loop()) go::testing::DoNotOptimize(Add(1, 2));
//   }
//
// Link with //testing:main, which provides main(): the binary takes Go's test
// flags (-v, -run, -bench, -benchtime, -benchmem, -count, -cpu, -parallel,
// -timeout, -json, ...) and prints what a Go 1.26 test binary prints. See
// shared/API.md for the whole contract.
//
// Benchmarks run after the tests and examples (and not at all if one of
// them failed), only with -bench=<regexp>, one at a time, each on its own
// goroutine, as Go's do: a first call with N = 1, then calls with N grown
// by Go's prediction until one takes -benchtime (default 1s; "100x" means
// exactly 100 iterations), for each -cpu value (GOMAXPROCS) and -count.
// Result lines are Go's, byte for byte, so benchstat reads them. With
// -benchmem or ReportAllocs, B/op and allocs/op count every heap
// allocation of the process in the timed region (C++ new and C malloc
// alike, in requested bytes; //testing links the counting allocator).
//
// Each test and subtest runs on its own goroutine (runtime/runtime.h). FailNow,
// Fatal, Fatalf, SkipNow, Skip and Skipf end that goroutine at once by
// unwinding its stack (destructors run; Go's runtime.Goexit), so they must be
// called on the test's own goroutine, and a `catch (...)` that swallows
// exceptions would stop them. An exception escaping a test is Go's panic: the
// test's cleanups run, `--- FAIL` lines are printed, then Go's panic report and
// exit status 2.
//
// This header is deliberately light (it compiles in well under half a second):
// it includes no <string>, <functional> or Abseil headers. Methods returning
// std::string (Name, TempDir), std::optional<absl::Time> (Deadline) or
// go::context::Context (Context) need the caller to include <string>,
// <optional> and absl/time/time.h, or runtime/context.h, to use the result.

#ifndef GOTEST_TESTING_TESTING_H_
#define GOTEST_TESTING_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <source_location>
#include <type_traits>
#include <utility>

#include "absl/base/config.h"
#include "testing/fmt.h"
#include "testing/format_string.h"

namespace absl {
ABSL_NAMESPACE_BEGIN
class Time;
class Duration;
ABSL_NAMESPACE_END
}  // namespace absl

namespace std {
template <class T>
class optional;
}  // namespace std

namespace go::context {
class Context;
}  // namespace go::context

namespace go::testing {

class T;
class B;
class PB;
class M;

namespace internal {

struct State;
struct BenchState;

// A callable borrowed for the length of one call (a sub-benchmark's or a
// RunParallel body): no copy, no allocation in the timed region.
struct BenchFn {
  void* obj;
  void (*call)(void* obj, B* b);
};
struct ParallelFn {
  void* obj;
  void (*call)(void* obj, PB* pb);
};

// A string argument (test name, environment variable, directory) without
// <string>: a string literal, a const char*, or anything with data() and
// size() (std::string, std::string_view, absl::string_view).
class Str {
 public:
  Str(const char* s) : data_(s), size_(Len(s)) {}  // NOLINT: implicit
  template <typename S>
  requires StringLike<S> Str(const S& s)
      : data_(s.data()), size_(s.size()) {}  // NOLINT: implicit
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  static std::size_t Len(const char* s) {
    std::size_t n = 0;
    while (s[n] != '\0') n++;
    return n;
  }
  const char* data_;
  std::size_t size_;
};

// A heap-allocated callable, type-erased (subtest bodies and cleanups).
struct Closure {
  void* obj = nullptr;
  void (*call)(void* obj, T* t) = nullptr;  // for subtests
  void (*call0)(void* obj) = nullptr;       // for cleanups
  void (*destroy)(void* obj) = nullptr;
};

// The first operand of Log/Error/Fatal/Skip, carrying the call site.
struct FirstArg {
  template <typename U>
  FirstArg(const U& v,  // NOLINT: implicit
           std::source_location l = std::source_location::current())
      : arg(MakeArg(v)), loc(l) {}
  Arg arg;
  std::source_location loc;
};

// What a Log-family call does after logging.
enum class LogAction : unsigned char { kLog, kError, kFatal, kSkip };

// Go's rule for test, benchmark, fuzz and example names (cmd/go's isTest): the
// prefix, then nothing or a character that is not a lower-case letter.
consteval bool IsValidName(const char* name, const char* prefix) {
  int i = 0;
  for (; prefix[i] != '\0'; i++) {
    if (name[i] != prefix[i]) return false;
  }
  return !(name[i] >= 'a' && name[i] <= 'z');
}

enum class Kind : unsigned char { kTest, kBenchmark, kFuzz, kExample };

// Registration, called by the macros' static initializers (registry.cc).
bool RegisterTest(const char* name, void (*fn)(T*));
bool RegisterBenchmark(const char* name, void (*fn)(B*));
bool RegisterExample(const char* name, void (*fn)(), const char* output,
                     bool has_output, bool unordered);
bool RegisterMain(int (*fn)(M*));

}  // namespace internal

// What T and B share (Go's testing.common and the TB interface).
class common {
 public:
  common(const common&) = delete;
  common& operator=(const common&) = delete;

  // Log formats its operands as Go's fmt.Sprintln (spaces between all
  // operands) and records the text in the test's log, prefixed with the
  // calling file:line. Printed with -v, or when the test fails.
  template <typename... Ts>
  void Log(internal::FirstArg first, const Ts&... rest) {
    const internal::Arg a[] = {first.arg, internal::MakeArg(rest)...};
    LogArgs(first.loc, internal::LogAction::kLog, a, sizeof...(Ts) + 1);
  }
  void Log(std::source_location loc = std::source_location::current()) {
    LogArgs(loc, internal::LogAction::kLog, nullptr, 0);
  }
  // Logf formats as absl::StrFormat (checked at compile time), plus Go's %v.
  template <typename... Ts>
  void Logf(internal::FormatString<std::type_identity_t<Ts>...> format,
            const Ts&... args) {
    const internal::Arg a[] = {internal::MakeArg(args)..., internal::Arg{}};
    LogFormat(format.loc(), internal::LogAction::kLog, format.str(), a,
              sizeof...(Ts));
  }

  // Error is Log followed by Fail; Errorf is Logf followed by Fail.
  template <typename... Ts>
  void Error(internal::FirstArg first, const Ts&... rest) {
    const internal::Arg a[] = {first.arg, internal::MakeArg(rest)...};
    LogArgs(first.loc, internal::LogAction::kError, a, sizeof...(Ts) + 1);
  }
  void Error(std::source_location loc = std::source_location::current()) {
    LogArgs(loc, internal::LogAction::kError, nullptr, 0);
  }
  template <typename... Ts>
  void Errorf(internal::FormatString<std::type_identity_t<Ts>...> format,
              const Ts&... args) {
    const internal::Arg a[] = {internal::MakeArg(args)..., internal::Arg{}};
    LogFormat(format.loc(), internal::LogAction::kError, format.str(), a,
              sizeof...(Ts));
  }

  // Fatal is Log followed by FailNow; Fatalf is Logf followed by FailNow.
  template <typename... Ts>
  [[noreturn]] void Fatal(internal::FirstArg first, const Ts&... rest) {
    const internal::Arg a[] = {first.arg, internal::MakeArg(rest)...};
    LogArgs(first.loc, internal::LogAction::kFatal, a, sizeof...(Ts) + 1);
    __builtin_unreachable();
  }
  [[noreturn]] void Fatal(
      std::source_location loc = std::source_location::current()) {
    LogArgs(loc, internal::LogAction::kFatal, nullptr, 0);
    __builtin_unreachable();
  }
  template <typename... Ts>
  [[noreturn]] void Fatalf(
      internal::FormatString<std::type_identity_t<Ts>...> format,
      const Ts&... args) {
    const internal::Arg a[] = {internal::MakeArg(args)..., internal::Arg{}};
    LogFormat(format.loc(), internal::LogAction::kFatal, format.str(), a,
              sizeof...(Ts));
    __builtin_unreachable();
  }

  // Skip is Log followed by SkipNow; Skipf is Logf followed by SkipNow.
  template <typename... Ts>
  [[noreturn]] void Skip(internal::FirstArg first, const Ts&... rest) {
    const internal::Arg a[] = {first.arg, internal::MakeArg(rest)...};
    LogArgs(first.loc, internal::LogAction::kSkip, a, sizeof...(Ts) + 1);
    __builtin_unreachable();
  }
  [[noreturn]] void Skip(
      std::source_location loc = std::source_location::current()) {
    LogArgs(loc, internal::LogAction::kSkip, nullptr, 0);
    __builtin_unreachable();
  }
  template <typename... Ts>
  [[noreturn]] void Skipf(
      internal::FormatString<std::type_identity_t<Ts>...> format,
      const Ts&... args) {
    const internal::Arg a[] = {internal::MakeArg(args)..., internal::Arg{}};
    LogFormat(format.loc(), internal::LogAction::kSkip, format.str(), a,
              sizeof...(Ts));
    __builtin_unreachable();
  }

  // Marks the test (and its parents) failed; it goes on running.
  void Fail();
  // Marks the test failed and ends it (Go's runtime.Goexit: this goroutine's
  // stack unwinds, running destructors, then cleanups run).
  [[noreturn]] void FailNow();
  bool Failed() const;
  // Marks the test skipped and ends it, as FailNow does. A test that failed
  // before is still reported as failed.
  [[noreturn]] void SkipNow();
  bool Skipped() const;

  // Marks the calling function as a test helper: file:line of Log and friends
  // point at its caller instead (through chains of helpers).
  __attribute__((noinline)) void Helper();

  // The full name: "TestX/sub_name#01".
  const std::string& Name() const;

  // Registers f to run after the test and all its subtests finish, cleanups
  // in last-registered, first-run order, also after FailNow or a panic.
  template <typename F>
  void Cleanup(F&& f) {
    using Fn = std::decay_t<F>;
    internal::Closure c;
    c.obj = new Fn(std::forward<F>(f));
    c.call0 = [](void* o) { (*static_cast<Fn*>(o))(); };
    c.destroy = [](void* o) { delete static_cast<Fn*>(o); };
    AddCleanup(c);
  }

  // A new directory for the test, removed (with everything in it) when the
  // test ends: <base>/<TestName><random>/001, 002, ... where <base> is
  // $TEST_TMPDIR (Bazel) or else $TMPDIR or /tmp.
  std::string TempDir();

  // Sets an environment variable for the test, restored by a cleanup.
  void Setenv(internal::Str key, internal::Str value);
  // Changes the working directory (and $PWD) for the test, restored by a
  // cleanup.
  void Chdir(internal::Str dir);

  // A context canceled just before the Cleanup functions run (Go 1.24's
  // t.Context). Include runtime/context.h to use it.
  ::go::context::Context Context();

 protected:
  common() = default;
  ~common() = default;

 private:
  friend struct internal::State;
  void LogArgs(const std::source_location& loc, internal::LogAction action,
               const internal::Arg* args, std::size_t n);
  void LogFormat(const std::source_location& loc, internal::LogAction action,
                 const char* format, const internal::Arg* args, std::size_t n);
  void AddCleanup(internal::Closure c);

 protected:
  internal::State* state_ = nullptr;
};

// A test: passed to GO_TEST functions and to subtests (Go's *testing.T).
class T : public common {
 public:
  // Runs f(t) as a subtest named name on a new goroutine and waits until it
  // returns or calls Parallel. Returns whether it passed (true if -run or
  // -skip left it out, or it called Parallel before failing).
  template <typename F>
  bool Run(internal::Str name, F&& f) {
    using Fn = std::decay_t<F>;
    internal::Closure c;
    c.obj = new Fn(std::forward<F>(f));
    c.call = [](void* o, T* t) { (*static_cast<Fn*>(o))(t); };
    c.destroy = [](void* o) { delete static_cast<Fn*>(o); };
    return RunClosure(name, c);
  }

  // Pauses the test until its parent's function returns, then runs it in
  // parallel with the other parallel tests (at most -parallel at a time).
  void Parallel();

  // When -timeout will end the binary; nullopt without a timeout.
  std::optional<absl::Time> Deadline() const;

  // As common's, but refusing tests that are (or have parents that are)
  // parallel, as Go does: the whole process shares the environment and the
  // working directory.
  void Setenv(internal::Str key, internal::Str value);
  void Chdir(internal::Str dir);

 private:
  friend struct internal::State;
  T() = default;
  ~T() = default;
  bool RunClosure(internal::Str name, internal::Closure c);
};

// What RunParallel's body receives: hands out the iterations of b->N to the
// goroutines running the body (Go's *testing.PB).
class PB {
 public:
  // Whether there is another iteration to run. Iterations are taken from a
  // counter shared by all the goroutines `grain` at a time (about 100 us of
  // work, as Go), so Next is usually a local decrement.
  bool Next() {
    if (cache_ > 0) {
      cache_--;
      return true;
    }
    return Refill();
  }

 private:
  friend class B;
  PB() = default;
  bool Refill();
  uint64_t* global_n_ = nullptr;  // updated with atomic builtins
  uint64_t grain_ = 0;
  uint64_t cache_ = 0;
  uint64_t bn_ = 0;
};

// A benchmark: passed to GO_BENCHMARK functions and to sub-benchmarks (Go's
// *testing.B). Everything of common applies (Log, Error, Fatal, Skip,
// Helper, Cleanup, Name, TempDir, Setenv, Chdir, Context, ...). Logs are
// always printed, after the result line ("--- BENCH: name"), as in Go;
// cleanups run after every call of the benchmark function.
class B : public common {
 public:
  // The number of iterations the benchmark function must run: 1 on the first
  // call, then Go's predictions. (A b->Loop() benchmark need not read it;
  // after Loop returned false it holds the iterations run.)
  int64_t N = 0;

  // Timing (Go's StartTimer, StopTimer, ResetTimer). The timer runs while
  // the benchmark function runs; stop it around work that is not to be
  // measured. ResetTimer zeroes the time, the allocation counts and the
  // ReportMetric values; it does not start or stop the timer.
  void StartTimer();
  void StopTimer();
  void ResetTimer();
  // The measured time so far (absl::Duration; include absl/time/time.h).
  absl::Duration Elapsed() const;

  // Bytes processed per iteration: adds the MB/s column.
  void SetBytes(int64_t n);
  // Adds the B/op and allocs/op columns for this benchmark (as -benchmem).
  void ReportAllocs();
  // Reports a custom metric "n unit" ("widgets/op", per iteration by
  // convention: divide by N). A unit the harness reports itself (ns/op,
  // MB/s, B/op, allocs/op) is overridden; ReportMetric(0, "ns/op") hides
  // ns/op. The unit must be non-empty and contain no white space (else
  // Go's panic). The last call of the benchmark function wins.
  void ReportMetric(double n, internal::Str unit);

  // Runs f(b) as a sub-benchmark named name/<name> (Go's B.Run): measured
  // and reported on its own, with -bench matching each /-separated level. A
  // benchmark that calls Run is not measured itself and is called once with
  // N = 1. Returns whether the sub-benchmark passed.
  template <typename F>
  bool Run(internal::Str name, F&& f) {
    using Fn = std::remove_reference_t<F>;
    if constexpr (std::is_function_v<Fn>) {
      Fn* p = &f;
      return RunFn(name,
                   {&p, [](void* o, B* b) { (**static_cast<Fn**>(o))(b); }});
    } else {
      return RunFn(
          name,
          {const_cast<void*>(static_cast<const void*>(__builtin_addressof(f))),
           [](void* o, B* b) { (*static_cast<Fn*>(o))(b); }});
    }
  }

  // Runs body(pb) (body takes PB* or PB&) on SetParallelism(p) x GOMAXPROCS
  // goroutines, which share the N iterations through pb->Next(); ns/op is
  // wall time divided by N. Use with -cpu=1,2,4. The body must not use the
  // timer functions or Run.
  template <typename F>
  void RunParallel(F&& body) {
    using Fn = std::remove_reference_t<F>;
    internal::ParallelFn fn;
    fn.obj =
        const_cast<void*>(static_cast<const void*>(__builtin_addressof(body)));
    if constexpr (std::is_invocable_v<Fn&, PB*>) {
      fn.call = [](void* o, PB* pb) { (*static_cast<Fn*>(o))(pb); };
    } else {
      fn.call = [](void* o, PB* pb) { (*static_cast<Fn*>(o))(*pb); };
    }
    RunParallelFn(fn);
  }
  // RunParallel's goroutines: p x GOMAXPROCS (p < 1 is ignored).
  void SetParallelism(int p);

  // Go 1.24's b.Loop: `while (b->Loop()) { body }` runs the body as many
  // times as the measurement needs, in one call of the benchmark function:
  // the first call resets the timer (setup before the loop is not measured),
  // the last (returning false) stops it (cleanup after it is not either),
  // and N holds the iterations run. Loop is an optimization barrier, so an
  // empty or constant body is still run N times; keep a result the
  // compiler could drop alive with DoNotOptimize.
  bool Loop() {
    // The fast path is one decrement of a budget in memory (a single
    // read-modify-write instruction on x86-64) and a branch; the empty asm
    // keeps the compiler from collapsing an empty loop into one store.
    if (--loop_left_ >= 0) [[likely]] {
      __asm__ volatile("");
      return true;
    }
    return LoopSlowPath();
  }

 private:
  friend struct internal::BenchState;
  B() = default;
  ~B() = default;
  bool RunFn(internal::Str name, internal::BenchFn fn);
  void RunParallelFn(internal::ParallelFn fn);
  bool LoopSlowPath();

  // Go's b.loop.n (the target). Go counts b.loop.i up to it; Loop counts
  // loop_left_ (= loop_n_ - iterations so far) down to 0 instead, which is
  // cheaper. While the timer is stopped loop_left_ holds a large negative
  // value (Go's loopPoisonTimer) so that Loop takes the slow path, and the
  // real budget waits in loop_left_saved_.
  int64_t loop_n_ = 0;
  int64_t loop_left_ = 0;
  int64_t loop_left_saved_ = 0;
};

// Keeps the compiler from optimizing value (or its computation) away: the
// value is treated as read, and if it is a modifiable lvalue, as written, by
// code the compiler cannot see (as Google Benchmark's DoNotOptimize). Scalars
// pass in a register, anything else in memory. (One constraint each, not
// "r,m" alternatives: GCC 12 with AddressSanitizer at -O1 miscompiles an
// in-out "+m,r" operand, writing and reading different stack slots.)
template <typename Tp>
__attribute__((always_inline)) inline void DoNotOptimize(Tp&& value) {
  using U = std::remove_reference_t<Tp>;
  constexpr bool kInRegister =
      std::is_scalar_v<U> && sizeof(U) <= sizeof(void*);
  if constexpr (std::is_const_v<U> || !std::is_lvalue_reference_v<Tp&&>) {
    if constexpr (kInRegister) {
      __asm__ volatile("" : : "r"(value) : "memory");
    } else {
      __asm__ volatile("" : : "m"(value) : "memory");
    }
  } else {
    if constexpr (kInRegister) {
      __asm__ volatile("" : "+r"(value) : : "memory");
    } else {
      __asm__ volatile("" : "+m"(value) : : "memory");
    }
  }
}

// What GO_TEST_MAIN receives (Go's *testing.M).
class M {
 public:
  // Parses the flags if not done yet, runs the tests, examples and (with
  // -bench) benchmarks, and returns the exit code (0 passed, 1 failed).
  int Run();

 private:
  friend int RunMain(int argc, char** argv);
  M() = default;
  int exit_code_ = 0;
};

// -short was given.
bool Short();
// -v was given.
bool Verbose();
// True in a test binary (one linked with //testing:main).
bool Testing();

}  // namespace go::testing

#define GO_TESTING_CONCAT_(a, b) a##b
#define GO_TESTING_CONCAT(a, b) GO_TESTING_CONCAT_(a, b)

// GO_TEST(TestName, t) { body } defines and registers `void TestName(T* t)`.
#define GO_TEST(Name, t)                                                       \
  static_assert(                                                               \
      ::go::testing::internal::IsValidName(#Name, "Test"),                     \
      "GO_TEST: " #Name                                                        \
      " is not a test name: Test followed by nothing or by a character "       \
      "that is not a lower-case letter (Go's rule)");                          \
  static void Name(::go::testing::T* t);                                       \
  [[maybe_unused]] static const bool GO_TESTING_CONCAT(go_testing_registered_, \
                                                       Name) =                 \
      ::go::testing::internal::RegisterTest(#Name, &Name);                     \
  static void Name([[maybe_unused]] ::go::testing::T* t)

// GO_BENCHMARK(BenchmarkName, b) { body } defines and registers
// `void BenchmarkName(B* b)`, run with -bench.
#define GO_BENCHMARK(Name, b)                                                  \
  static_assert(                                                               \
      ::go::testing::internal::IsValidName(#Name, "Benchmark"),                \
      "GO_BENCHMARK: " #Name                                                   \
      " is not a benchmark name: Benchmark followed by nothing or by a "       \
      "character that is not a lower-case letter (Go's rule)");                \
  static void Name(::go::testing::B* b);                                       \
  [[maybe_unused]] static const bool GO_TESTING_CONCAT(go_testing_registered_, \
                                                       Name) =                 \
      ::go::testing::internal::RegisterBenchmark(#Name, &Name);                \
  static void Name([[maybe_unused]] ::go::testing::B* b)

// GO_TEST_MAIN(m) { ... return m->Run(); } replaces the default main flow
// (Go's TestMain). At most one per binary.
#define GO_TEST_MAIN(m)                                               \
  static int TestMain(::go::testing::M* m);                           \
  [[maybe_unused]] static const bool go_testing_registered_TestMain = \
      ::go::testing::internal::RegisterMain(&TestMain);               \
  static int TestMain(::go::testing::M* m)

#define GO_TESTING_EXAMPLE_(Name, output, has_output, unordered)               \
  static_assert(::go::testing::internal::IsValidName(#Name, "Example"),        \
                "GO_EXAMPLE: " #Name                                           \
                " is not an example name: Example followed by nothing or by "  \
                "a character "                                                 \
                "that is not a lower-case letter (Go's rule)");                \
  static void Name();                                                          \
  [[maybe_unused]] static const bool GO_TESTING_CONCAT(go_testing_registered_, \
                                                       Name) =                 \
      ::go::testing::internal::RegisterExample(#Name, &Name, output,           \
                                               has_output, unordered);         \
  static void Name()

#define GO_TESTING_EXAMPLE_WANT_(Name, output) \
  GO_TESTING_EXAMPLE_(Name, output, true, false)
#define GO_TESTING_EXAMPLE_NOWANT_(Name) \
  GO_TESTING_EXAMPLE_(Name, "", false, false)
#define GO_TESTING_PICK_(_1, _2, which, ...) which

// GO_EXAMPLE(ExampleName, "expected output\n") { body } runs body with its
// stdout captured and compares it (spaces trimmed at both ends) with the
// expected output, as Go's `// Output:` comment. GO_EXAMPLE(ExampleName)
// { body } is compiled but not run (an example without an output comment).
#define GO_EXAMPLE(...)                                   \
  GO_TESTING_PICK_(__VA_ARGS__, GO_TESTING_EXAMPLE_WANT_, \
                   GO_TESTING_EXAMPLE_NOWANT_, unused)    \
  (__VA_ARGS__)

// GO_EXAMPLE_UNORDERED(ExampleName, "b\na\n") compares the lines in any order
// (Go's `// Unordered output:`).
#define GO_EXAMPLE_UNORDERED(Name, output) \
  GO_TESTING_EXAMPLE_(Name, output, true, true)

#endif  // GOTEST_TESTING_TESTING_H_
