#include "testing/json.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/strconv.h"

namespace go::testing::internal {
namespace {

std::string Convert(std::string_view text, bool ok) {
  std::string out;
  Test2JSON c([&out](std::string_view s) { out.append(s); }, "pkg",
              /*timestamps=*/false);
  c.Write(text);
  c.Exited(ok);
  c.Close();
  return out;
}

TEST(JSONString, EscapesAsGo) {
  EXPECT_EQ(JSONString("a\"b\\c\n\t<>&\x01"),
            "\"a\\\"b\\\\c\\n\\t\\u003c\\u003e\\u0026\\u0001\"");
  EXPECT_EQ(JSONString("h\xc3\xa9llo \xff"), "\"h\xc3\xa9llo \\ufffd\"");
  EXPECT_EQ(JSONString("\xe2\x80\xa8"), "\"\\u2028\"");
}

// Expected events: what `go tool test2json -p pkg` (no -t) prints for the
// same input.
TEST(Test2JSON, SubtestsAndMarkers) {
  std::string in =
      "\x16=== RUN   TestA\n"
      "\x16=== RUN   TestA/sub\n"
      "    x_test.go:5: hello\n"
      "\x16--- FAIL: TestA/sub (0.00s)\n"
      "\x16=== NAME  TestA\n"
      "\x16--- FAIL: TestA (0.00s)\n"
      "\x16=== NAME  \n"
      "\x16"
      "FAIL\n";
  EXPECT_EQ(
      Convert(in, false),
      "{\"Action\":\"start\",\"Package\":\"pkg\"}\n"
      "{\"Action\":\"run\",\"Package\":\"pkg\",\"Test\":\"TestA\"}\n"
      "{\"Action\":\"output\",\"Package\":\"pkg\",\"Test\":\"TestA\","
      "\"Output\":\"=== RUN   "
      "TestA\\n\"}\n"
      "{\"Action\":\"run\",\"Package\":\"pkg\",\"Test\":\"TestA/sub\"}\n"
      "{\"Action\":\"output\",\"Package\":\"pkg\",\"Test\":\"TestA/"
      "sub\",\"Output\":\"=== RUN "
      "  TestA/sub\\n\"}\n"
      "{\"Action\":\"output\",\"Package\":\"pkg\",\"Test\":\"TestA/"
      "sub\",\"Output\":\"    "
      "x_test.go:5: hello\\n\"}\n"
      "{\"Action\":\"output\",\"Package\":\"pkg\",\"Test\":\"TestA/"
      "sub\",\"Output\":\"--- "
      "FAIL: TestA/sub (0.00s)\\n\"}\n"
      "{\"Action\":\"fail\",\"Package\":\"pkg\",\"Test\":\"TestA/sub\"}\n"
      "{\"Action\":\"output\",\"Package\":\"pkg\",\"Test\":\"TestA\","
      "\"Output\":\"--- FAIL: "
      "TestA (0.00s)\\n\"}\n"
      "{\"Action\":\"fail\",\"Package\":\"pkg\",\"Test\":\"TestA\"}\n"
      "{\"Action\":\"output\",\"Package\":\"pkg\",\"Output\":\"FAIL\\n\"}\n"
      "{\"Action\":\"fail\",\"Package\":\"pkg\"}\n");
}

TEST(Test2JSON, PauseOutputComesFirstAndPartialLines) {
  std::string in =
      "\x16=== RUN   TestP\n"
      "\x16=== PAUSE TestP\n"
      "partial"
      "\x16=== CONT  TestP\n";
  std::string out = Convert(in, true);
  EXPECT_NE(out.find("{\"Action\":\"output\",\"Package\":\"pkg\",\"Test\":"
                     "\"TestP\",\"Output\":"
                     "\"=== PAUSE TestP\\n\"}\n{\"Action\":\"pause\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"Output\":\"partial\"}\n{\"Action\":\"cont\""),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("{\"Action\":\"pass\",\"Package\":\"pkg\",\"Test\":\"TestP\"}"),
      std::string::npos)
      << out;
}

}  // namespace
}  // namespace go::testing::internal
