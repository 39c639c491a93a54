// Test sharding (`bazel test` with shard_count = N): Bazel starts the binary N
// times with TEST_TOTAL_SHARDS=N and TEST_SHARD_INDEX=0..N-1 (Bazel 4.2.3 also
// exports the same values as GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX), and the
// shards together must run every test exactly once.
//
// The split is over the top-level tests, examples and benchmarks that this
// run would start (after -run/-skip and -bench filtering, as GoogleTest and
// rules_go split the runnable tests): their names sorted, the i-th goes to
// shard i % N. Sorting makes the split independent of link and source order,
// so every shard process, whatever it was built from, agrees; filtering first
// keeps the shards balanced under --test_filter. Subtests stay with their
// top-level test.

#ifndef GOTEST_TESTING_SHARD_H_
#define GOTEST_TESTING_SHARD_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace go::testing::internal {

struct Registry;

struct ShardSpec {
  int total = 1;
  int index = 0;
};

// The shard this process runs, from TEST_TOTAL_SHARDS/TEST_SHARD_INDEX, else
// GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX; nullopt when not sharded. Malformed
// or inconsistent values (index >= total, a missing index) are an error with
// a one-line message. `getenv` returns nullptr for an unset variable.
absl::StatusOr<std::optional<ShardSpec>> ShardFromEnv(
    const std::function<const char*(const char*)>& getenv);

// Which of `names` (distinct) belong to `shard`: result[i] for names[i].
std::vector<bool> SelectShard(const std::vector<std::string_view>& names,
                              ShardSpec shard);

// Removes from `r` the tests, examples and benchmarks that another shard
// runs. `run`, `skip`, `bench` are the -run, -skip and -bench patterns; an
// invalid pattern leaves the list unfiltered by it (M::Run reports it).
void ApplyShard(Registry* r, ShardSpec shard, std::string_view run,
                std::string_view skip, std::string_view bench);

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_SHARD_H_
