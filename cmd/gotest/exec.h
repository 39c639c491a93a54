// Running child processes: Bazel (stdout and stderr kept apart: query
// results on stdout, progress and errors on stderr, shown only on failure)
// and test binaries (stdout and stderr merged into one stream, as go test
// gives a test's output, delivered while it runs so output can stream).

#ifndef GOTEST_CMD_GOTEST_EXEC_H_
#define GOTEST_CMD_GOTEST_EXEC_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gotest {

struct Command {
  std::vector<std::string> argv;  // argv[0] is looked up in $PATH
  std::string dir;                // working directory; "" = ours
  // The complete environment; nullopt = ours.
  std::optional<std::vector<std::string>> env;
};

// How a process ended, with Go's os.ProcessState texts.
struct ExitStatus {
  bool started = false;  // false: the program could not be run at all
  bool exited = false;   // ended by exit(), not by a signal
  int code = -1;         // exit code when exited
  int signal = 0;        // terminating signal otherwise
  bool killed_by_deadline = false;
  std::string start_error;  // why it could not start

  bool Success() const { return exited && code == 0; }
  // "exit status 1", "signal: segmentation fault (core dumped)".
  std::string String() const;
};

// Runs `cmd`. Output arrives in chunks through `on_stdout`/`on_stderr`; when
// `on_stderr` is null, stderr is merged into stdout (one pipe, so the order
// of the two is kept). After `deadline` (if not infinite) the process is
// killed (SIGKILL). Blocks until the process ended and its output was read.
ExitStatus Run(const Command& cmd,
               const std::function<void(absl::string_view)>& on_stdout,
               const std::function<void(absl::string_view)>& on_stderr,
               absl::Duration deadline = absl::InfiniteDuration());

// Looks `name` up in $PATH ("" if absent; a name with a slash is itself).
std::string LookPath(absl::string_view name);

// Shell-style quoting of argv for -x output.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_EXEC_H_
