// One package's part of a `gotest` run, printed as go test prints it
// (cmd/go/internal/test's runTestActor): the test binary's output, then
// "ok  \t<pkg>\t0.012s[ [no tests to run]]", or on failure the exit status
// when nothing else explains it and "FAIL\t<pkg>\t0.012s"; "?   \t<pkg>\t[no
// test files]" for a package without gotest_test targets; "FAIL\t<pkg>
// [build failed]" when its binary did not build; a cached result with
// "(cached)". Under -json the same text travels as test2json events, merged
// with the binary's own events (its -json stream, with Package set through
// $GOTEST_PACKAGE), bracketed by the package's start and final pass/fail
// events as `go test -json` writes them.
//
// Binaries run the way `bazel test` runs them: in their runfiles tree
// (cwd = <binary>.runfiles/<workspace name>, TEST_SRCDIR, RUNFILES_DIR,
// TEST_WORKSPACE, a fresh TEST_TMPDIR), so data files are found at the same
// paths under both. Bazel's test protocol variables inherited from a caller
// (sharding, XML_OUTPUT_FILE, TESTBRIDGE_*) are removed: the driver runs
// every test of a binary and reads its output itself.

#ifndef GOTEST_CMD_GOTEST_RUN_H_
#define GOTEST_CMD_GOTEST_RUN_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cmd/gotest/cache.h"

namespace gotest {

struct PackageJob {
  enum class Kind { kNoTestFiles, kBuildFailed, kRun };
  Kind kind = Kind::kRun;
  std::string name;          // as printed: //x or //x:t
  std::string binary;        // kRun: absolute path of the test binary
  std::string failed_build;  // kBuildFailed: the target whose build failed
};

struct RunOptions {
  bool json = false;
  bool show_pass = false;      // Go's testShowPass: -v, -list, -h to the binary
  bool stream_output = false;  // Go's streamOutput: local mode, -bench
  bool stream_and_cache = false;  // Go's streamAndCacheOutput
  bool cache_results = false;     // package-list mode with only cacheable flags
  std::vector<std::string> test_args;
  std::vector<std::string> cache_args;
  std::vector<std::string> exec;
  std::vector<std::string> keyed_env;
  const ResultCache* cache = nullptr;
  absl::Duration kill_timeout = absl::InfiniteDuration();
  std::string workspace_name;
  std::string workspace_root;
  std::string temp_dir;  // per-run TEST_TMPDIRs are made under it
  bool trace = false;    // -x: print each binary's command line
  bool debug_cache =
      false;  // GODEBUG=gocachetest=1: say why a result is (not) cached
};

// Runs (or reports) one package, writing everything it prints to `write`.
// Returns whether the package passed.
bool RunPackage(const PackageJob& job, const RunOptions& opts,
                const std::function<void(absl::string_view)>& write);

// The environment for a test binary: ours without Bazel's test protocol
// variables, plus `extra` ("NAME=value").
std::vector<std::string> TestEnvironment(char** environ,
                                         const std::vector<std::string>& extra);

// -json: turns what a test binary printed under -test.json into the lines
// `go test -json` prints for the package. Event lines pass through, except
// the binary's own "start" and final package event (the driver writes
// those, after the package's ok/FAIL line); any other line becomes an
// "output" event.
class JsonMerger {
 public:
  JsonMerger(std::string package, std::function<void(absl::string_view)> write)
      : package_(std::move(package)), write_(std::move(write)) {}
  void Write(absl::string_view chunk);
  // Flushes a partial last line.
  void Flush();

 private:
  void Line(absl::string_view line);
  std::string package_;
  std::function<void(absl::string_view)> write_;
  std::string partial_;
};

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_RUN_H_
