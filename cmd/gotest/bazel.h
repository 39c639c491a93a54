// Everything the driver asks Bazel: where the workspace is, which packages
// and gotest_test targets a set of patterns names (bazel query), and one
// `bazel build --keep_going` of all of them whose build event protocol file
// tells which targets built, where their binaries are, and what each failed
// action printed (go test's "# pkg" build output).
//
// Bazel's own progress and INFO lines never reach stdout: every command runs
// with --noshow_progress, its stderr is captured and shown only when the
// command fails.

#ifndef GOTEST_CMD_GOTEST_BAZEL_H_
#define GOTEST_CMD_GOTEST_BAZEL_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gotest {

// The directory holding WORKSPACE (or WORKSPACE.bazel) at or above `dir`, or
// "" if there is none.
std::string FindWorkspaceRoot(absl::string_view dir);

// The name in WORKSPACE's workspace(name = "...") ("__main__" if none): the
// directory under a binary's runfiles that holds the workspace's files.
std::string WorkspaceName(absl::string_view root);

class Bazel {
 public:
  // `bazel` is the program (looked up in $PATH), `root` the workspace root.
  Bazel(std::string bazel, std::string root, bool trace)
      : bazel_(std::move(bazel)), root_(std::move(root)), trace_(trace) {}

  struct QueryResult {
    std::vector<std::string> lines;  // what the query printed, one per line
    std::string errors;              // Bazel's ERROR lines (partial results)
  };
  // `bazel query --keep_going --output=<output> <expr>`. A failure that still
  // produced results (exit 3, e.g. one broken BUILD file) is not an error:
  // its messages come back in `errors`.
  absl::StatusOr<QueryResult> Query(absl::string_view expr,
                                    absl::string_view output);

  struct Target {
    bool built = false;
    std::string binary;  // absolute path of the test binary
  };
  struct FailedAction {
    std::string label;   // the target that owns the action (//x:lib)
    std::string output;  // what the compiler or linker printed
  };
  struct BuildResult {
    std::map<std::string, Target> targets;  // by label
    std::vector<FailedAction> failed_actions;
    std::string stderr_text;  // Bazel's stderr, for failures no action explains
    bool ok = false;          // bazel build exited 0
  };
  // `bazel build --keep_going` of `targets` with `extra_flags`.
  absl::StatusOr<BuildResult> Build(const std::vector<std::string>& targets,
                                    const std::vector<std::string>& extra_flags,
                                    const std::string& temp_dir);

 private:
  std::string bazel_;
  std::string root_;
  bool trace_;
};

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_BAZEL_H_
