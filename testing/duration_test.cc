// Expected values come from Go 1.26.10: a program printing
// time.ParseDuration(s) (as int64 nanoseconds and the error) and
// time.Duration(n).String() for the same inputs.

#include "testing/duration.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace go::testing::internal {
namespace {

struct ParseCase {
  std::string in;
  int64_t ns;
  std::string error;  // empty: no error
};

TEST(ParseGoDurationTest, MatchesGo) {
  const ParseCase cases[] = {
      {"1h2m", 3720000000000, ""},
      {"1.5s", 1500000000, ""},
      {"-1s", -1000000000, ""},
      {"300ms", 300000000, ""},
      {"1us", 1000, ""},
      {"1\u00b5s", 1000, ""},
      {"1\u03bcs", 1000, ""},
      {"0", 0, ""},
      {"1", 0, R"(time: missing unit in duration "1")"},
      {"", 0, R"(time: invalid duration "")"},
      {"abc", 0, R"(time: invalid duration "abc")"},
      {"+1s", 1000000000, ""},
      {".5s", 500000000, ""},
      {"1.s", 1000000000, ""},
      {".s", 0, R"(time: invalid duration ".s")"},
      {"1.5", 0, R"(time: missing unit in duration "1.5")"},
      {"1h1.5m", 3690000000000, ""},
      {"9223372036854775807ns", 9223372036854775807, ""},
      {"9223372036854775808ns", 0,
       R"(time: invalid duration "9223372036854775808ns")"},
      {"-9223372036854775808ns", std::numeric_limits<int64_t>::min(), ""},
      {"2562047h", 9223369200000000000, ""},
      {"2562048h", 0, R"(time: invalid duration "2562048h")"},
      {"1x", 0, R"(time: unknown unit "x" in duration "1x")"},
      {"1sx", 0, R"(time: unknown unit "sx" in duration "1sx")"},
      {"0.0000000001s", 0, ""},
      {"1.0000000001s", 1000000000, ""},
      {"0.9999999999s", 999999999, ""},
      {"1e3s", 0, R"(time: unknown unit "e" in duration "1e3s")"},
      {"-0", 0, ""},
      {"+0", 0, ""},
      {"-", 0, R"(time: invalid duration "-")"},
      {"1d", 0, R"(time: unknown unit "d" in duration "1d")"},
      {"1s ", 0, R"(time: unknown unit "s " in duration "1s ")"},
      {" 1s", 0, R"(time: invalid duration " 1s")"},
      {"0x", 0, R"(time: unknown unit "x" in duration "0x")"},
      {"5m30s100ms", 330100000000, ""},
      {"1.123456789123s", 1123456789, ""},
      {"2562047h47m16.854775807s", 9223372036854775807, ""},
      {"2562047h47m16.854775808s", 0,
       R"(time: invalid duration "2562047h47m16.854775808s")"},
      {"-2562047h47m16.854775808s", std::numeric_limits<int64_t>::min(), ""},
      {"inf", 0, R"(time: invalid duration "inf")"},
      {"1ns2", 0, R"(time: missing unit in duration "1ns2")"},
      {"00001s", 1000000000, ""},
      {"1h-1m", 0, R"(time: unknown unit "h-" in duration "1h-1m")"},
      {"0.5ns", 0, ""},
      {"1.\xffs", 0, R"(time: unknown unit "\xffs" in duration "1.\xffs")"},
      {"\u00e9", 0, R"(time: invalid duration "\xc3\xa9")"},
  };
  for (const ParseCase& c : cases) {
    absl::StatusOr<absl::Duration> d = ParseGoDuration(c.in);
    if (c.error.empty()) {
      ASSERT_TRUE(d.ok()) << c.in << ": " << d.status();
      EXPECT_EQ(absl::ToInt64Nanoseconds(*d), c.ns) << c.in;
    } else {
      ASSERT_FALSE(d.ok()) << c.in;
      EXPECT_EQ(d.status().message(), c.error) << c.in;
    }
  }
}

TEST(FormatGoDurationTest, MatchesGo) {
  const std::pair<int64_t, std::string> cases[] = {
      {0, "0s"},
      {1, "1ns"},
      {999, "999ns"},
      {1000, "1\u00b5s"},
      {1500, "1.5\u00b5s"},
      {1000000, "1ms"},
      {1500000, "1.5ms"},
      {1000000000, "1s"},
      {1500000000, "1.5s"},
      {60000000000, "1m0s"},
      {90000000000, "1m30s"},
      {3600000000000, "1h0m0s"},
      {3661000000000, "1h1m1s"},
      {-1, "-1ns"},
      {-1000000000, "-1s"},
      {std::numeric_limits<int64_t>::max(), "2562047h47m16.854775807s"},
      {std::numeric_limits<int64_t>::min(), "-2562047h47m16.854775808s"},
      {360000000000000, "100h0m0s"},
      {1000000001, "1.000000001s"},
      {600000000000, "10m0s"},
  };
  for (const auto& [ns, want] : cases) {
    EXPECT_EQ(FormatGoDuration(absl::Nanoseconds(ns)), want) << ns;
  }
  // Sub-nanosecond parts are truncated, as a conversion to Go's int64 would.
  EXPECT_EQ(FormatGoDuration(absl::Nanoseconds(1) / 2), "0s");
  EXPECT_EQ(FormatGoDuration(absl::InfiniteDuration()),
            "2562047h47m16.854775807s");
}

}  // namespace
}  // namespace go::testing::internal
