// Bazel's test protocol (the Test Encyclopedia, as Bazel 4.2.3 implements
// it: shared/research/frameworks-and-bazel.md b.1-b.3), read into the test
// binary's flags so that `bazel test` on a gotest_test behaves as users of
// `bazel test` expect, with no wrapper process:
//
//   XML_OUTPUT_FILE           JUnit XML report there (junit.h); -junitfile wins
//   TEST_TOTAL_SHARDS/        run this shard's tests only (shard.h); also
//   TEST_SHARD_INDEX          GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX
//   TEST_SHARD_STATUS_FILE    touched to say "this binary shards" (and
//                             GTEST_SHARD_STATUS_FILE, newer Bazel)
//   TESTBRIDGE_TEST_ONLY      --test_filter: the default -run. rules_go's
//                             convention: comma-separated; entries starting
//                             with '-' go to -skip, the others are or-ed
//   TESTBRIDGE_TEST_RUNNER_FAIL_FAST=1   -failfast
//   TEST_TIMEOUT              seconds until Bazel's SIGTERM: -timeout fires a
//                             little before (5 s or 10% earlier, whichever is
//                             less) so that Go's timeout report, with every
//                             goroutine's stack, is what the log shows
//   TEST_PREMATURE_EXIT_FILE  created at start, removed when the run ends
//                             normally (an exit() mid-test leaves it behind)
//   TEST_RANDOM_SEED          the seed of -shuffle=on (reproducible runs)
//   TEST_UNDECLARED_OUTPUTS_DIR   the default -outputdir (profiles end up in
//                             bazel-testlogs/.../test.outputs)
//   TEST_TMPDIR               T.TempDir's parent (common.cc reads it)
//
// Flags given on the command line win over the environment. "Under Bazel" is
// never inferred from TEST_SRCDIR or TEST_TMPDIR: the gotest driver sets
// those itself when it runs binaries.
//
// SIGTERM (Bazel's timeout, or any kill) prints the running tests and every
// goroutine's stack like the -timeout report, finishes the XML (running tests
// as errors), then dies of SIGTERM. It is handled when a report is being
// written or TEST_TIMEOUT is set; otherwise SIGTERM keeps its default action,
// as for a Go test binary. (Under ThreadSanitizer the handler may never run:
// TSan defers a signal until the receiving thread enters an intercepted call,
// and an idle scheduler thread sleeps in a raw futex.)

#ifndef GOTEST_TESTING_BAZEL_ENV_H_
#define GOTEST_TESTING_BAZEL_ENV_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "testing/flag.h"
#include "testing/shard.h"

namespace go::testing::internal {

// What the environment asks of this process beyond its flags.
struct BazelProtocol {
  std::optional<ShardSpec> shard;
  std::string junit_path;           // "" = no report
  std::string premature_exit_file;  // "" = none
  std::vector<std::string> shard_status_files;
  bool handle_sigterm = false;
};

// Reads the variables above into `flags` (where the command line left them
// at their defaults) and returns the rest. A malformed value is an error
// with a one-line message (exit status 1).
absl::StatusOr<BazelProtocol> ReadBazelEnv(
    Flags* flags, const std::function<const char*(const char*)>& getenv);

// --test_filter's value as -run and -skip patterns (rules_go's convention).
struct RunSkip {
  std::string run;
  std::string skip;
};
RunSkip TestFilterToRunSkip(std::string_view filter);

// The -timeout for Bazel's TEST_TIMEOUT: a little before its SIGTERM.
absl::Duration TimeoutBeforeBazel(absl::Duration bazel_timeout);

// RunMain's part, in the process that runs the tests (not -json's parent):
// reads the environment into G().flags, shards the registry, creates the
// premature-exit and shard status files, starts the JUnit recorder and the
// SIGTERM handler. Returns an exit status if the program must stop.
std::optional<int> StartBazelProtocol(const char* argv0);

// The run ended normally (end of M.Run, and again at the end of main for a
// TestMain that never called it): writes the report, removes the
// premature-exit file. Idempotent.
void FinishBazelProtocol();

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_BAZEL_ENV_H_
