// Copyright 2026 The gotest Authors.
//
// Deadlock reports, fatal errors and panics from channels, select and sync, in
// a subprocess (testdata/chan_fatal_helper), checked against what Go prints
// for the same programs (Go 1.26): the message, the goroutine's wait reason and
// exit status 2. Also: a pending timer or I/O wait is not a deadlock; and
// under ThreadSanitizer a deliberate data race is reported while the same
// program synchronized by go::sync::Mutex and a channel is clean.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/subprocess_for_testing.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Result = go::runtime::testing::HelperResult;

Result RunHelper(const std::string& mode) {
  return go::runtime::testing::RunHelper("runtime/chan_fatal_helper", mode);
}

constexpr char kDeadlock[] =
    "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine ";

TEST(ChanFatalTest, DeadlockOnChannelNobodySendsOn) {
  Result r = RunHelper("deadlock_chan");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith(kDeadlock));
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [chan receive]:\n"));
  EXPECT_THAT(r.output, HasSubstr("WaitForever(...)\n\t"));
}

TEST(ChanFatalTest, DeadlockWaitReasons) {
  Result r = RunHelper("deadlock_nil_chan");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith(kDeadlock));
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [chan send (nil chan)]:\n"));
  r = RunHelper("deadlock_select");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [select (no cases)]:\n"));
  r = RunHelper("deadlock_mutex");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith(kDeadlock));
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [sync.Mutex.Lock]:\n"));
}

TEST(ChanFatalTest, PendingTimerIsNotDeadlock) {
  Result r = RunHelper("timer_pending");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "ok\n");
}

// Go 1.23+ timers (checked with Go 1.26 on the same programs): only a timer
// whose channel a goroutine is blocked on, a Sleep or an AfterFunc counts as
// pending; an armed Ticker or Timer nobody receives from does not hide the
// deadlock.
TEST(ChanFatalTest, UnwatchedTimerChannelsDoNotHideDeadlock) {
  Result r = RunHelper("deadlock_unwatched_ticker");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith(kDeadlock));
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [chan receive (nil chan)]:\n"));
  r = RunHelper("deadlock_dropped_ticker");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith(kDeadlock));
  EXPECT_THAT(r.output, HasSubstr("goroutine 1 [chan receive]:\n"));
}

TEST(ChanFatalTest, BlockedOnTimerChannelIsNotDeadlock) {
  Result r = RunHelper("timer_select_pending");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "ok 1\n");
}

TEST(ChanFatalTest, PendingIOIsNotDeadlock) {
  Result r = RunHelper("io_pending");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "ok hi\n");
}

TEST(ChanFatalTest, SyncFatalErrors) {
  // Go makes these fatal errors (not recoverable panics).
  Result r = RunHelper("unlock_unlocked");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("fatal error: sync: unlock of unlocked "
                                   "mutex\n\ngoroutine 1 [running]:\n"));
  EXPECT_THAT(r.output, Not(HasSubstr("recovered")));
  r = RunHelper("runlock_unlocked");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output,
              StartsWith("fatal error: sync: RUnlock of unlocked RWMutex\n"
                         "\ngoroutine 1 [running]:\n"));
  r = RunHelper("rwunlock_unlocked");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output,
              StartsWith("fatal error: sync: Unlock of unlocked RWMutex\n"
                         "\ngoroutine 1 [running]:\n"));
}

TEST(ChanFatalTest, Panics) {
  Result r = RunHelper("negative_waitgroup");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("panic: sync: negative WaitGroup counter\n"
                                   "\ngoroutine 1 [running]:\n"));
  r = RunHelper("send_on_closed");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("panic: send on closed channel\n"));
  r = RunHelper("close_of_nil");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_THAT(r.output, StartsWith("panic: close of nil channel\n"));
}

TEST(ChanFatalTest, ThreadSanitizerSeesRacesAndHandOffs) {
#if !defined(GOTEST_TSAN)
  GTEST_SKIP() << "only under --config=tsan";
#else
  Result r = RunHelper("race");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("WARNING: ThreadSanitizer: data race"));
  EXPECT_THAT(r.output, HasSubstr("RacyIncrements"));
  r = RunHelper("no_race");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("ThreadSanitizer")));
  EXPECT_THAT(r.output, HasSubstr("counter=2000 written before the send\n"));
#endif
}

}  // namespace
