// Copyright 2026 The gotest Authors.
//
// Runs one of a test's helper programs (a runfile such as
// "runtime/fatal_helper") with one argument and collects what it printed on
// stdout and stderr together, for the tests of the runtime's fatal paths,
// which end the process and so must happen in another one.

#ifndef GOTEST_RUNTIME_SUBPROCESS_FOR_TESTING_H_
#define GOTEST_RUNTIME_SUBPROCESS_FOR_TESTING_H_

#include <string>

namespace go::runtime::testing {

struct HelperResult {
  int status = -1;  // the exit status, or 128 + the signal that ended it
  std::string output;
};

// Runs the runfile `helper` (a path relative to the workspace, resolved under
// $TEST_SRCDIR/$TEST_WORKSPACE when Bazel runs the test) with argument
// `mode`. A program that cannot be started is a test failure (status -1).
HelperResult RunHelper(const std::string& helper, const std::string& mode);

}  // namespace go::runtime::testing

#endif  // GOTEST_RUNTIME_SUBPROCESS_FOR_TESTING_H_
