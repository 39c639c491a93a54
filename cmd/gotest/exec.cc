#include "cmd/gotest/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace gotest {

std::string ExitStatus::String() const {
  if (!started) return start_error;
  if (exited) return absl::StrCat("exit status ", code);
  // Go's ProcessState.String: "signal: " + the signal's name.
  std::string s = absl::StrCat("signal: ", strsignal(signal));
  return s;
}

std::string LookPath(absl::string_view name) {
  if (name.find('/') != absl::string_view::npos) return std::string(name);
  const char* path = getenv("PATH");
  if (path == nullptr) return "";
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    std::string candidate = absl::StrCat(dir.empty() ? "." : dir, "/", name);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain =
        !a.empty() && a.find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

namespace {

int64_t NowNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

}  // namespace

ExitStatus Run(const Command& cmd,
               const std::function<void(absl::string_view)>& on_stdout,
               const std::function<void(absl::string_view)>& on_stderr,
               absl::Duration deadline) {
  ExitStatus st;
  std::string path = cmd.argv.empty() ? "" : LookPath(cmd.argv[0]);
  if (path.empty()) {
    st.start_error =
        absl::StrCat("exec: \"", cmd.argv.empty() ? "" : cmd.argv[0],
                     "\": executable file not found in $PATH");
    return st;
  }
  int out[2], err[2] = {-1, -1}, errpipe[2];
  if (pipe2(out, O_CLOEXEC) != 0 || (on_stderr && pipe2(err, O_CLOEXEC) != 0) ||
      pipe2(errpipe, O_CLOEXEC) != 0) {
    st.start_error = absl::StrCat("pipe: ", strerror(errno));
    return st;
  }
  std::vector<char*> argv;
  for (const std::string& a : cmd.argv)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  if (cmd.env.has_value()) {
    for (const std::string& e : *cmd.env)
      envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  char** child_env = cmd.env.has_value() ? envp.data() : environ;

  pid_t pid = fork();
  if (pid < 0) {
    st.start_error = absl::StrCat("fork: ", strerror(errno));
    return st;
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    dup2(out[1], 1);
    dup2(on_stderr ? err[1] : out[1], 2);
    if (!cmd.dir.empty() && chdir(cmd.dir.c_str()) != 0) {
      int e = errno;
      (void)!write(errpipe[1], &e, sizeof e);
      _exit(127);
    }
    execve(path.c_str(), argv.data(), child_env);
    int e = errno;
    (void)!write(errpipe[1], &e, sizeof e);
    _exit(127);
  }
  close(out[1]);
  if (on_stderr) close(err[1]);
  close(errpipe[1]);
  int child_errno = 0;
  ssize_t n = read(errpipe[0], &child_errno, sizeof child_errno);
  close(errpipe[0]);
  if (n == sizeof child_errno) {
    waitpid(pid, nullptr, 0);
    close(out[0]);
    if (on_stderr) close(err[0]);
    st.start_error = absl::StrCat(cmd.dir.empty() ? "exec " : "chdir/exec ",
                                  path, ": ", strerror(child_errno));
    return st;
  }
  st.started = true;

  int64_t deadline_ns = -1;
  if (deadline != absl::InfiniteDuration()) {
    deadline_ns = NowNanos() + absl::ToInt64Nanoseconds(deadline);
  }
  struct pollfd fds[2] = {{out[0], POLLIN, 0},
                          {on_stderr ? err[0] : -1, POLLIN, 0}};
  int open_fds = on_stderr ? 2 : 1;
  char buf[65536];
  while (open_fds > 0) {
    int timeout_ms = -1;
    if (deadline_ns >= 0) {
      int64_t left = deadline_ns - NowNanos();
      if (left <= 0) {
        if (!st.killed_by_deadline) {
          st.killed_by_deadline = true;
          kill(pid, SIGKILL);
        }
        timeout_ms = -1;
        deadline_ns = -1;
      } else {
        timeout_ms = static_cast<int>(left / 1000000) + 1;
      }
    }
    int r = poll(fds, 2, timeout_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; k++) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        open_fds--;
        continue;
      }
      absl::string_view chunk(buf, static_cast<size_t>(got));
      if (k == 0) {
        if (on_stdout) on_stdout(chunk);
      } else {
        on_stderr(chunk);
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    st.exited = true;
    st.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    st.signal = WTERMSIG(status);
  }
  return st;
}

}  // namespace gotest
