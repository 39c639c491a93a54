// Bazel's test protocol: the environment read into the flags, the files
// Bazel looks at, and SIGTERM (see bazel_env.h).

#include "testing/bazel_env.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "runtime/dump.h"
#include "runtime/panic.h"
#include "testing/json.h"
#include "testing/junit.h"
#include "testing/registry.h"
#include "testing/state.h"
#include "testing/strconv.h"

namespace go::testing::internal {

namespace {

// Debian's Abseil has its own absl::string_view, distinct from std's.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

const char* NonEmpty(const std::function<const char*(const char*)>& getenv,
                     const char* name) {
  const char* v = getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace

RunSkip TestFilterToRunSkip(std::string_view filter) {
  std::vector<std::string> run, skip;
  for (absl::string_view part : absl::StrSplit(AV(filter), ',')) {
    if (part.empty()) continue;
    if (part[0] == '-') {
      part.remove_prefix(1);
      if (!part.empty()) skip.emplace_back(part);
    } else {
      run.emplace_back(part);
    }
  }
  return {absl::StrJoin(run, "|"), absl::StrJoin(skip, "|")};
}

absl::Duration TimeoutBeforeBazel(absl::Duration bazel_timeout) {
  return bazel_timeout - std::min(absl::Seconds(5), bazel_timeout / 10);
}

absl::StatusOr<BazelProtocol> ReadBazelEnv(
    Flags* flags, const std::function<const char*(const char*)>& getenv) {
  BazelProtocol p;
  auto shard = ShardFromEnv(getenv);
  if (!shard.ok()) return shard.status();
  p.shard = *shard;
  if (p.shard) {
    for (const char* v : {"TEST_SHARD_STATUS_FILE", "GTEST_SHARD_STATUS_FILE"})
      if (const char* f = NonEmpty(getenv, v))
        p.shard_status_files.push_back(f);
  }
  if (!flags->junitfile.empty()) {
    p.junit_path = flags->junitfile;
  } else if (const char* f = NonEmpty(getenv, "XML_OUTPUT_FILE")) {
    p.junit_path = f;
  }
  if (const char* f = NonEmpty(getenv, "TEST_PREMATURE_EXIT_FILE"))
    p.premature_exit_file = f;
  if (const char* only = NonEmpty(getenv, "TESTBRIDGE_TEST_ONLY")) {
    RunSkip rs = TestFilterToRunSkip(only);
    if (flags->run.empty()) flags->run = rs.run;
    if (flags->skip.empty()) flags->skip = rs.skip;
  }
  if (const char* ff = getenv("TESTBRIDGE_TEST_RUNNER_FAIL_FAST");
      ff != nullptr && std::string_view(ff) == "1") {
    flags->failfast = true;
  }
  if (const char* t = NonEmpty(getenv, "TEST_TIMEOUT")) {
    int64_t secs;
    if (ParseInt(t, 10, 64, &secs) != NumError::kOk || secs <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("testing: invalid TEST_TIMEOUT=\"", t,
                       "\": want a positive number of seconds"));
    }
    const absl::Duration d = TimeoutBeforeBazel(absl::Seconds(secs));
    if (flags->timeout <= absl::ZeroDuration() || flags->timeout > d)
      flags->timeout = d;
    p.handle_sigterm = true;
  }
  if (const char* seed = NonEmpty(getenv, "TEST_RANDOM_SEED");
      seed != nullptr && flags->shuffle == "on") {
    int64_t n;
    if (ParseInt(seed, 10, 64, &n) != NumError::kOk) {
      return absl::InvalidArgumentError(absl::StrCat(
          "testing: invalid TEST_RANDOM_SEED=\"", seed, "\": want an integer"));
    }
    flags->shuffle = absl::StrCat(n);
  }
  if (const char* dir = NonEmpty(getenv, "TEST_UNDECLARED_OUTPUTS_DIR");
      dir != nullptr && flags->outputdir.empty()) {
    flags->outputdir = dir;
  }
  if (!p.junit_path.empty()) p.handle_sigterm = true;
  return p;
}

namespace {

std::mutex g_mu;
std::string* g_premature_exit_file = nullptr;
int g_sigterm_pipe[2] = {-1, -1};

void OnSigterm(int) {
  const int saved = errno;
  char c = 'T';
  [[maybe_unused]] ssize_t n = write(g_sigterm_pipe[1], &c, 1);
  errno = saved;
}

// The SIGTERM report, made on a plain thread (a signal handler may not take
// locks or allocate): Go's -timeout report layout, then the XML, then death
// by SIGTERM so the parent sees what happened.
[[noreturn]] void SigtermWatcher() {
  // Not this thread: a handler deferred until read() returns (ThreadSanitizer
  // defers signals in calls it intercepts) would never run.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);
  char c;
  while (read(g_sigterm_pipe[0], &c, 1) < 0 && errno == EINTR) {
  }
  std::string msg = "SIGTERM: terminated";
  std::string out = msg + "\n";
  std::vector<std::string> list = RunningList();
  if (!list.empty()) {
    out += "running tests:\n";
    for (const std::string& name : list) out += "\t" + name + "\n";
  }
  out += "\n" + runtime::internal::FormatAllGoroutines(0);
  runtime::internal::WriteStderr(out);
  JUnitAbort(msg);
  signal(SIGTERM, SIG_DFL);
  pthread_sigmask(SIG_UNBLOCK, &term, nullptr);
  kill(getpid(), SIGTERM);
  _exit(128 + SIGTERM);
}

void InstallSigterm() {
  if (pipe2(g_sigterm_pipe, O_CLOEXEC) != 0) return;
  std::thread(SigtermWatcher).detach();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSigterm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
}

// Creates (or truncates) an empty file.
std::string Touch(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return absl::StrCat("testing: ", path, ": ", strerror(errno));
  close(fd);
  return "";
}

}  // namespace

std::optional<int> StartBazelProtocol(const char* argv0) {
  Flags& flags = G().flags;
  auto p = ReadBazelEnv(&flags, [](const char* n) { return getenv(n); });
  if (!p.ok()) {
    WriteStderr(absl::StrCat(p.status().message(), "\n"));
    return 1;
  }
  for (const std::string& f : p->shard_status_files) {
    if (std::string err = Touch(f); !err.empty()) {
      WriteStderr(err + "\n");
      return 1;
    }
  }
  if (p->shard && flags.list.empty()) {
    ApplyShard(&GetRegistry(), *p->shard, flags.run, flags.skip, flags.bench);
  }
  if (!p->premature_exit_file.empty()) {
    if (std::string err = Touch(p->premature_exit_file); !err.empty()) {
      WriteStderr(err + "\n");
      return 1;
    }
    std::lock_guard<std::mutex> l(g_mu);
    g_premature_exit_file = new std::string(p->premature_exit_file);
  }
  if (!p->junit_path.empty()) JUnitEnable(p->junit_path, PackageName(argv0));
  if (p->handle_sigterm) InstallSigterm();
  return std::nullopt;
}

void FinishBazelProtocol() {
  JUnitFinish();
  std::lock_guard<std::mutex> l(g_mu);
  if (g_premature_exit_file != nullptr) {
    unlink(g_premature_exit_file->c_str());
    delete g_premature_exit_file;
    g_premature_exit_file = nullptr;
  }
}

}  // namespace go::testing::internal
