// Copyright 2026 The gotest Authors.

#include "runtime/subprocess_for_testing.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern char** environ;

namespace go::runtime::testing {

namespace {

std::string RunfilePath(const std::string& helper) {
  const char* srcdir = getenv("TEST_SRCDIR");
  const char* ws = getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && ws != nullptr) {
    return std::string(srcdir) + "/" + ws + "/" + helper;
  }
  return helper;
}

}  // namespace

HelperResult RunHelper(const std::string& helper, const std::string& mode) {
  HelperResult r;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  std::string path = RunfilePath(helper);
  std::vector<char*> argv = {path.data(), const_cast<char*>(mode.c_str()),
                             nullptr};
  pid_t pid;
  int err = posix_spawn(&pid, path.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (err != 0) {
    ADD_FAILURE() << "cannot run " << path;
    close(fds[0]);
    return r;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, n);
  close(fds[0]);
  int ws;
  waitpid(pid, &ws, 0);
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  return r;
}

}  // namespace go::runtime::testing
