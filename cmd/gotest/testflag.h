// Splitting `gotest [driver flags] [packages] [test flags]` exactly as Go's
// cmd/go/internal/test/testflag.go splits `go test`'s command line, so that
// every command line a Go programmer types means the same thing here:
//
//   * driver flags (-c -o -json -p -race -x -exec -vet) and the test flags
//     go test knows (-v -run -count -timeout ..., also as -test.name) may come
//     before and after the packages; known test flags are validated here (Go's
//     messages, exit 2) and passed on as `-test.name=value` in Go's value
//     spelling (`-timeout=1m` becomes `-test.timeout=1m0s`);
//   * an unknown flag (a test binary's own Abseil flag) is passed through as
//     given, and when written without `=value` the next non-flag argument is
//     taken as its value rather than as a package;
//   * a non-flag after the flags that follow the package list ends parsing:
//     it and everything after it go to the binary, as does everything after
//     `-args`; `--` ends the flags;
//   * `-test.timeout=10m0s` is added unless -timeout was given, and
//     `-test.json=true` under -json (our binaries write test2json events
//     themselves, Go's -test.v=test2json equivalent).

#ifndef GOTEST_CMD_GOTEST_TESTFLAG_H_
#define GOTEST_CMD_GOTEST_TESTFLAG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gotest {

// The flags the driver itself acts on.
struct DriverFlags {
  bool c = false;     // -c: build the test binaries, do not run them
  std::string o;      // -o: where -c writes (a file, or a directory)
  bool json = false;  // -json: go test -json's event stream
  int p = 0;          // -p: binaries run at once; 0 = the number of CPUs
  bool race = false;  // -race: build with --config=tsan
  bool x = false;     // -x: print the Bazel and test commands
  std::vector<std::string>
      exec;  // -exec: run binaries as `exec... binary args`
  // What the driver must know of the test flags.
  bool verbose = false;    // -v in any form (Go's testShowPass)
  std::string bench;       // -bench: runs one package at a time, streamed
  std::string list;        // -list: passing output is shown
  bool test_help = false;  // -h among the binary's arguments
  bool failfast = false;   // -failfast: stop starting packages after a failure
  std::string profile;     // the first of -cpuprofile -memprofile ... given
  absl::Duration timeout = absl::Minutes(10);  // -timeout (0 = none)
};

struct SplitResult {
  DriverFlags driver;
  // nullopt: no package argument (Go's local directory mode). An empty list
  // is possible too (a flag came before any non-flag): Go treats that the
  // same way, so callers test `packages.empty()`.
  std::vector<std::string> packages;
  std::vector<std::string> test_args;  // for the binary, injected flags first
  // Set when the command line is wrong or help was asked for: print `message`
  // to stderr and exit with `exit_code` (2, as go test does).
  std::optional<int> exit_code;
  std::string message;
};

// Splits `args` (without the program name).
SplitResult SplitArgs(const std::vector<std::string>& args);

// The flags the driver adds to `bazel build` for these driver flags:
// --config=tsan under -race; under -bench (non-empty) an optimized build, as
// go test always compiles with optimizations: --compilation_mode=opt, and
// loop heads aligned to 32 bytes as Go's compiler aligns them on amd64 (a
// short hot loop that straddles a 64-byte line runs at about half speed on
// AMD cores, so the alignment GCC happens to pick would otherwise move a
// benchmark's figure from one build to the next; GCC aligns only loops it
// expects to iterate >= 4 times, hence align-loop-iterations=1). Plain test
// runs keep Bazel's default (fastbuild) mode: quicker to build, easier to
// debug.
std::vector<std::string> BazelBuildFlags(const DriverFlags& d);

// The usage lines printed after a command-line error (Go's exitWithUsage).
std::string ShortUsage();

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_TESTFLAG_H_
