// Copyright 2026 The gotest Authors.
//
// The fatal paths, run in a subprocess (testdata/fatal_helper): Go's panic
// report, deadlock report, stack overflow report and SIGQUIT dump, each with
// exit status 2; and no false deadlock report while a timer is pending.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/subprocess_for_testing.h"

namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

using Result = go::runtime::testing::HelperResult;

Result RunHelper(const std::string& mode) {
  return go::runtime::testing::RunHelper("runtime/fatal_helper", mode);
}

TEST(FatalTest, PanicInGoroutine) {
  Result r = RunHelper("panic");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("panic: boom\n\ngoroutine "));
  EXPECT_THAT(
      r.output,
      MatchesRegex("panic: boom\n\ngoroutine [0-9]+ \\[running\\]:\n(.|\n)*"));
  // The stack at the throw, then where the goroutine was created.
  EXPECT_THAT(r.output, HasSubstr("Thrower(...)\n\t"));
  EXPECT_THAT(r.output, HasSubstr("fatal_helper.cc:"));
  EXPECT_THAT(r.output, HasSubstr("created by "));
  EXPECT_THAT(r.output, HasSubstr(" in goroutine 1\n"));
  EXPECT_THAT(r.output, testing::Not(HasSubstr("go::runtime::internal::")));
}

TEST(FatalTest, PanicInMainGoroutine) {
  Result r = RunHelper("panic_main");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("panic: oops\n\ngoroutine 1 [running]:\n"));
  EXPECT_THAT(r.output, testing::Not(HasSubstr("created by")));
}

TEST(FatalTest, PanicWithNonStdException) {
  Result r = RunHelper("panic_nonstd");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output,
              MatchesRegex("panic: \\(int\\) 0x[0-9a-f]+\n\ngoroutine 1 "
                           "\\[running\\]:\n(.|\n)*"));
}

TEST(FatalTest, Deadlock) {
  Result r = RunHelper("deadlock");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(
      r.output,
      StartsWith("fatal error: all goroutines are asleep - deadlock!\n\n"
                 "goroutine "));
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [sync.WaitGroup.Wait]:\n"));
  EXPECT_THAT(
      r.output,
      MatchesRegex("(.|\n)*goroutine [0-9]+ \\[chan receive\\]:\n(.|\n)*"));
  EXPECT_THAT(r.output, HasSubstr("BlockForever(...)\n\t"));
  EXPECT_THAT(r.output, HasSubstr("created by "));
}

TEST(FatalTest, GoexitOnMainThenNoGoroutines) {
  Result r = RunHelper("goexit_main");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("fatal error: no goroutines (main called "
                                   "runtime.Goexit) - deadlock!\n"));
}

TEST(FatalTest, StackOverflow) {
  Result r = RunHelper("overflow");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("runtime: goroutine stack exceeds "));
  EXPECT_THAT(r.output,
              MatchesRegex(
                  "(.|\n)*runtime: goroutine [0-9]+: stack overflow, (.|\n)*"));
  EXPECT_THAT(r.output, HasSubstr("fatal error: stack overflow\n\ngoroutine "));
  EXPECT_THAT(r.output, HasSubstr("Overflow(...)\n\t"));
  EXPECT_THAT(r.output, HasSubstr("...additional frames elided...\n"));
  EXPECT_THAT(r.output, HasSubstr("created by "));
}

TEST(FatalTest, PendingSleepIsNotDeadlock) {
  Result r = RunHelper("sleep_ok");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "ok\n");
}

TEST(FatalTest, SigquitDumpsGoroutines) {
  Result r = RunHelper("sigquit");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("SIGQUIT: quit\nPC="));
  EXPECT_THAT(r.output, HasSubstr("[chan receive]:\n"));
  EXPECT_THAT(r.output, HasSubstr("BlockForever(...)\n\t"));
}

}  // namespace
