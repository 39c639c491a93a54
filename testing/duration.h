// Go's time.Duration text forms. The testing flags take durations in Go's
// syntax (`-timeout=1m30s`, `-benchtime=500µs`) and print them in Go's form
// (`(default 1s)`, "test timed out after 10m0s"), which differ from Abseil's:
// absl::ParseDuration accepts "inf" and rejects "µs", absl::FormatDuration
// writes "1h" where Go writes "1h0m0s".

#ifndef GOTEST_TESTING_DURATION_H_
#define GOTEST_TESTING_DURATION_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace go::testing::internal {

// time.ParseDuration: a signed sequence of decimal numbers with optional
// fraction and a unit each ("300ms", "-1.5h", "2h45m"; units ns, us, µs, μs,
// ms, s, m, h), or "0". The result is whole nanoseconds (fractions truncated,
// as Go's int64 Duration). On error the status message is Go's error text, e.g.
// `time: missing unit in duration "1"`.
absl::StatusOr<absl::Duration> ParseGoDuration(std::string_view s);

// time.Duration.String of `d` truncated to whole nanoseconds (and saturated to
// Go's int64 range): "0s", "1.5µs", "1ms", "1m30s", "1h0m0s".
std::string FormatGoDuration(absl::Duration d);

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_DURATION_H_
