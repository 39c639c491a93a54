// Expected values come from Go 1.26.10 (linux/amd64): a program printing
// fmt.Sprintln / fmt.Sprint of the same operands (with %q to show the exact
// text) and fmt.Printf("%v") of the same float64 and float32 values.

#include "testing/fmt.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace go::testing {
namespace {

TEST(SprintlnTest, MixedOperands) {
  EXPECT_EQ(Sprintln("a", 1, true, nullptr), "a 1 true <nil>\n");
  EXPECT_EQ(Sprintln("x", std::string("y"), 2.5, -3, false),
            "x y 2.5 -3 false\n");
  EXPECT_EQ(Sprintln(), "\n");
  EXPECT_EQ(Sprintln(""), "\n");
  EXPECT_EQ(Sprintln("", ""), " \n");
}

TEST(SprintTest, SpacesOnlyBetweenNonStrings) {
  EXPECT_EQ(Sprint("a", 1, 2, "b", "c", 3.5, true, false),
            "a1 2bc3.5 true false");
  EXPECT_EQ(Sprint(1, 2), "1 2");
  EXPECT_EQ(Sprint("a", "b"), "ab");
  EXPECT_EQ(Sprint(nullptr, nullptr), "<nil> <nil>");
  EXPECT_EQ(Sprint(true, "x", nullptr, 1), "truex<nil> 1");
  EXPECT_EQ(Sprint(), "");
}

TEST(SprintTest, Integers) {
  // uint8(65), int8(-1), max uint64, min int64.
  EXPECT_EQ(Sprint(uint8_t{65}, int8_t{-1}, UINT64_MAX, INT64_MIN),
            "65 -1 18446744073709551615 -9223372036854775808");
  EXPECT_EQ(Sprint(short{-2}, 3u, 4L, 5ULL), "-2 3 4 5");
}

TEST(SprintTest, Floats) {
  const std::pair<double, std::string> cases[] = {
      {0.1, "0.1"},
      {1e21, "1e+21"},
      {1e20, "1e+20"},
      {123456789.0, "1.23456789e+08"},
      {1e-5, "1e-05"},
      {-0.0, "-0"},
      {std::nan(""), "NaN"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {3.14, "3.14"},
      {100000, "100000"},
      {1e6, "1e+06"},
      {123456, "123456"},
      {1234567, "1.234567e+06"},
      {0.0001, "0.0001"},
      {0.00001234, "1.234e-05"},
      {1.5, "1.5"},
      {-2.5, "-2.5"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {1e100, "1e+100"},
      {2.0 / 3, "0.6666666666666666"},
      {1e-100, "1e-100"},
      {0, "0"},
      {12345678901234567890.0, "1.2345678901234567e+19"},
      {100, "100"},
      {1e5 + 0.5, "100000.5"},
  };
  for (const auto& [v, want] : cases) EXPECT_EQ(Sprint(v), want) << want;
  const std::pair<float, std::string> float_cases[] = {
      {0.1f, "0.1"},         {1e20f, "1e+20"}, {16777216.0f, "1.6777216e+07"},
      {3.14159f, "3.14159"}, {1e-7f, "1e-07"}, {1.0f / 3, "0.33333334"},
  };
  for (const auto& [v, want] : float_cases) EXPECT_EQ(Sprint(v), want) << want;
}

TEST(SprintTest, StringsAndChars) {
  const char buf[8] = {'a', 'b', '\0', 'z'};
  const char* null_str = nullptr;
  char* mutable_str = const_cast<char*>("m");
  EXPECT_EQ(Sprint(buf), "ab");
  EXPECT_EQ(Sprint(std::string_view("sv")), "sv");
  EXPECT_EQ(Sprint(null_str), "<nil>");
  EXPECT_EQ(Sprint(mutable_str), "m");
  // char prints as a character and spaces like a string.
  EXPECT_EQ(Sprint('x', 'y', 1), "xy1");
  EXPECT_EQ(Sprintln('x', 1), "x 1\n");
  EXPECT_EQ(Sprint(std::string("a\0b", 3)), std::string("a\0b", 3));
}

enum Color { kRed, kGreen };
enum class Level : uint8_t { kLow = 7 };

struct Point {
  int x, y;
  template <typename Sink>
  friend void AbslStringify(Sink& sink, const Point& p) {
    absl::Format(&sink, "(%d, %d)", p.x, p.y);
  }
};

struct Streamed {
  std::string name;
  friend std::ostream& operator<<(std::ostream& os, const Streamed& s) {
    return os << "streamed:" << s.name;
  }
};

struct Both {
  template <typename Sink>
  friend void AbslStringify(Sink& sink, const Both&) {
    sink.Append("stringify");
  }
  friend std::ostream& operator<<(std::ostream& os, const Both&) {
    return os << "stream";
  }
};

TEST(SprintTest, CustomTypes) {
  EXPECT_EQ(Sprint(Point{1, 2}), "(1, 2)");
  EXPECT_EQ(Sprint(Streamed{"s"}), "streamed:s");
  EXPECT_EQ(Sprint(Both{}), "stringify");
  // Non-strings: spaced like Go's structs and numbers.
  EXPECT_EQ(Sprint(Point{1, 2}, Streamed{"s"}), "(1, 2) streamed:s");
  EXPECT_EQ(Sprint(absl::Seconds(90)), "1m30s");
  EXPECT_EQ(Sprint(kGreen, Level::kLow), "1 7");
}

TEST(SprintTest, Pointers) {
  int x = 0;
  int* null_int = nullptr;
  EXPECT_EQ(Sprint(null_int), "<nil>");
  const std::string p = Sprint(&x);
  EXPECT_EQ(p, absl::StrFormat("%p", static_cast<void*>(&x)));
  EXPECT_EQ(p.substr(0, 2), "0x");
}

TEST(SprintTest, Ranges) {
  // fmt.Sprint([]int{1, 2, 3}, []string{"a", "b"}, [][]int{{1}, {}}) in Go.
  const int arr[3] = {1, 2, 3};
  EXPECT_EQ(Sprint(std::vector<int>{1, 2, 3}), "[1 2 3]");
  EXPECT_EQ(Sprint(arr), "[1 2 3]");
  EXPECT_EQ(Sprint(std::vector<std::string>{"a", "b"}), "[a b]");
  EXPECT_EQ(Sprint(std::vector<std::vector<int>>{{1}, {}}), "[[1] []]");
  EXPECT_EQ(Sprintln("v", std::vector<double>{0.5, 1e21}), "v [0.5 1e+21]\n");
}

TEST(AppendSprintTest, Appends) {
  std::string out = "log: ";
  AppendSprintln(&out, "a", 1);
  AppendSprint(&out, 2, 3);
  EXPECT_EQ(out, "log: a 1\n2 3");
}

}  // namespace
}  // namespace go::testing
