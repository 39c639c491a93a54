// The test result cache: go test's "ok  \tpkg\t(cached)". A passing run's
// printed output is stored under a key made of what determines it: the test
// binary's content (SHA-256; Bazel rewrites the file whenever it changes),
// the test arguments when all of them are among go test's cacheable flags,
// the -exec program, and the environment variables a test is expected to
// read. go test records the variables and files each test actually read
// (testlog); our binaries do not report that, so the variables are a fixed
// list (GOMAXPROCS GODEBUG GOTRACEBACK TZ HOME TMPDIR and every GOTEST_*),
// and files in the binary's runfiles are not part of the key. Any other
// flag, -count=1 included, makes a run uncacheable, as in Go. The cache
// lives in $GOTESTCACHE, else $XDG_CACHE_HOME/gotest, else ~/.cache/gotest;
// GOTESTCACHE=off disables it. Removing the directory empties it.

#ifndef GOTEST_CMD_GOTEST_CACHE_H_
#define GOTEST_CMD_GOTEST_CACHE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gotest {

// The arguments that go into the key when every one of `test_args` is a
// cacheable `-test.name=value` (go test's list: benchtime cpu list parallel
// run short skip timeout failfast v fullpath; coverprofile and outputdir are
// allowed but not keyed; our -test.json is keyed like Go's
// -test.v=test2json); nullopt when the run must not be cached.
std::optional<std::vector<std::string>> CacheableArgs(
    const std::vector<std::string>& test_args);

// The cache key (hex SHA-256) of a run.
std::string CacheKey(absl::string_view binary_sha256,
                     const std::vector<std::string>& cache_args,
                     const std::vector<std::string>& exec,
                     const std::vector<std::string>& env);

// The environment entries ("NAME=value", sorted) that go into the key.
std::vector<std::string> KeyedEnvironment(char** environ);

// go test's rewrite of a stored output for printing: its last line must be
// "ok  \t<pkg>\t<time>[...]\n", whose time becomes "(cached)". nullopt when
// the data does not have that form.
std::optional<std::string> CachedOutput(absl::string_view data);

class ResultCache {
 public:
  // `dir` == "" disables the cache.
  explicit ResultCache(std::string dir) : dir_(std::move(dir)) {}
  // The default directory ("" when GOTESTCACHE=off or there is no home).
  static std::string DefaultDir();

  bool enabled() const { return !dir_.empty(); }
  std::optional<std::string> Get(absl::string_view key) const;
  // Stores atomically (write to a temporary file, rename); errors are
  // ignored, as a cache that cannot be written is only slower.
  void Put(absl::string_view key, absl::string_view data) const;

 private:
  std::string Path(absl::string_view key) const;
  std::string dir_;
};

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_CACHE_H_
