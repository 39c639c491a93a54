// The test binary's command line, parsed exactly as Go's `flag` package parses
// a Go test binary's: users and tools (scripts, IDEs, `go test`-trained
// fingers) pass `-v`, `-run=X`, `-count 3`, `--timeout=1m` and expect Go's
// acceptance rules, defaults, error messages, usage text and exit statuses.
//
// Syntax (Go's flag package): `-flag`, `--flag`, `-flag=value`, `-flag value`
// (not for booleans); parsing stops at `--` or at the first non-flag argument.
// Every testing flag is accepted as `-name` and as Go's `-test.name`; messages
// use the spelling given, the usage lists Go's `-test.name`. `-h`/`-help` print
// the usage (exit 0); an unknown flag or a bad value prints Go's one-line
// message and the usage (exit 2).
//
// A test binary's own flags are Abseil flags (ABSL_FLAG): an argument that is
// not a testing flag but names a registered Abseil flag is set through Abseil,
// with the same syntax. Abseil's built-in flags (--help, --flagfile, ...) are
// not accepted, as a Go test binary has none of them.
//
// Checks that Go makes only when the tests start (M.Run), not while parsing,
// are separate functions so that callers keep Go's order and exit statuses:
// CheckParallel (exit 2), ParseShuffle (exit 2), ParseCpuList (exit 1).

#ifndef GOTEST_TESTING_FLAG_H_
#define GOTEST_TESTING_FLAG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace go::testing {

// -benchtime: run each benchmark for a duration, or exactly `n` iterations
// when given as "<n>x".
struct BenchTime {
  absl::Duration d = absl::Seconds(1);
  int64_t n = 0;  // > 0 for the "<n>x" form
};

// The values of the testing flags, with Go's defaults. Go's `int` flags are
// 64-bit here as on Go's 64-bit platforms; -count is unsigned as in Go.
struct Flags {
  bool verbose = false;    // -v
  bool test2json = false;  // -v=test2json (Go's framing for test2json)
  bool json = false;       // -json (ours: write test2json events directly)
  std::string junitfile;   // -junitfile (ours): write a JUnit XML report
  std::string run;         // -run
  std::string skip;        // -skip
  std::string bench;       // -bench
  std::string list;        // -list
  BenchTime benchtime;     // -benchtime
  bool benchmem = false;   // -benchmem
  uint64_t count = 1;      // -count
  std::string cpu;         // -cpu, unparsed: see ParseCpuList
  int64_t parallel = 1;    // -parallel; the default is GOMAXPROCS
  absl::Duration timeout = absl::ZeroDuration();  // -timeout; 0 = none
  bool failfast = false;                          // -failfast
  bool short_mode = false;                        // -short
  std::string shuffle = "off";                    // -shuffle, unparsed
  bool fullpath = false;                          // -fullpath
  std::string cpuprofile;                         // -cpuprofile
  std::string memprofile;                         // -memprofile
  int64_t memprofilerate = 0;                     // -memprofilerate
  std::string blockprofile;                       // -blockprofile
  int64_t blockprofilerate = 1;                   // -blockprofilerate
  std::string mutexprofile;                       // -mutexprofile
  int64_t mutexprofilefraction = 1;               // -mutexprofilefraction
  std::string outputdir;                          // -outputdir
  std::string trace;                              // -trace
  bool leakcheck = true;  // -leakcheck (ours): fail tests leaking goroutines
};

// What parsing produced. When `exit_code` is set the program must write
// `message` to stderr and exit with that status (0 for -h, 2 for errors).
struct FlagParseResult {
  Flags flags;
  std::vector<std::string> args;  // the arguments after the flags (flag.Args)
  std::optional<int> exit_code;
  std::string message;
};

// Parses `args` (without the program name). `program` is argv[0] as shown in
// "Usage of <program>:"; `gomaxprocs` is the default of -parallel.
FlagParseResult ParseFlags(std::string_view program,
                           const std::vector<std::string>& args,
                           int gomaxprocs);

// The same for main()'s arguments; argv[0] is the program.
FlagParseResult ParseFlags(int argc, char** argv, int gomaxprocs);

// Go's usage text: "Usage of <program>:\n" and every flag (testing flags and
// the binary's own Abseil flags) in Go's PrintDefaults format, sorted by name.
std::string Usage(std::string_view program, int gomaxprocs);

// A check that failed after parsing: write `message` to stderr, exit with
// `exit_code`.
struct FlagError {
  int exit_code;
  std::string message;
};

// Go's "-parallel can only be given a positive integer" check (with usage,
// exit 2).
std::optional<FlagError> CheckParallel(const Flags& flags,
                                       std::string_view program,
                                       int gomaxprocs);

// -shuffle: "off" (nullopt), "on" (a seed from the clock) or a seed. Go
// prints "-test.shuffle <seed>" before running; that is the caller's job.
struct ShuffleResult {
  std::optional<int64_t> seed;
  std::optional<FlagError> error;  // exit 2, no usage
};
ShuffleResult ParseShuffle(std::string_view shuffle);

// -cpu: the comma-separated list of GOMAXPROCS values (blank entries ignored;
// empty means {gomaxprocs}). A bad entry is Go's
// `testing: invalid value "x" for -test.cpu`, exit 1.
struct CpuListResult {
  std::vector<int> cpus;
  std::optional<FlagError> error;
};
CpuListResult ParseCpuList(std::string_view cpu, int gomaxprocs);

// The GOMAXPROCS a Go 1.26 program would start with: $GOMAXPROCS if it is a
// positive integer, else the number of CPUs this process may run on, lowered
// to its cgroup (v2) CPU limit rounded up (at least 2). The runtime's own
// GOMAXPROCS, once it runs, is what ParseFlags should be given.
int DefaultGOMAXPROCS();

}  // namespace go::testing

#endif  // GOTEST_TESTING_FLAG_H_
