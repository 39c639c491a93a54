// JSON reading and writing as go test -json needs it, and the merging of a
// binary's -json stream into the driver's.

#include "cmd/gotest/json.h"

#include <string>
#include <vector>

#include "cmd/gotest/run.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gotest {
namespace {

TEST(JsonString, GoEncoding) {
  EXPECT_EQ(JsonString("a\tb\n\"\\"), "\"a\\tb\\n\\\"\\\\\"");
  EXPECT_EQ(JsonString("<&>"), "\"\\u003c\\u0026\\u003e\"");
  EXPECT_EQ(JsonString(std::string("\x01\x16", 2)), "\"\\u0001\\u0016\"");
  EXPECT_EQ(JsonString("\xff"
                       "x"),
            "\"\\ufffdx\"");
  EXPECT_EQ(JsonString("µs \xe2\x80\xa8"), "\"µs \\u2028\"");
}

TEST(ParseJson, ValuesAndErrors) {
  std::optional<JsonValue> v = ParseJson(
      R"({"a": [1, 2.5, true, null], "b": {"c": "x\u00e9\ud83d\ude00"}})");
  ASSERT_TRUE(v.has_value());
  ASSERT_NE(v->Get("a"), nullptr);
  EXPECT_EQ(v->Get("a")->array.size(), 4u);
  EXPECT_EQ(v->Get("a")->array[1].number, 2.5);
  EXPECT_EQ(v->Get("b")->GetString("c"), "x\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_FALSE(ParseJson("{\"a\":}").has_value());
  EXPECT_FALSE(ParseJson("{} x").has_value());
  EXPECT_FALSE(ParseJson("").has_value());
}

TEST(FormatEvent, GoFieldOrder) {
  TestEvent e;
  e.time = "2026-01-02T03:04:05.1Z";
  e.action = "fail";
  e.package = "//a";
  e.elapsed = 0.012;
  e.failed_build = "//a:lib";
  EXPECT_EQ(FormatEvent(e),
            "{\"Time\":\"2026-01-02T03:04:05.1Z\",\"Action\":\"fail\","
            "\"Package\":\"//a\","
            "\"Elapsed\":0.012,\"FailedBuild\":\"//a:lib\"}\n");
  TestEvent o;
  o.action = "output";
  o.package = "//a";
  o.test = "TestX";
  o.output = "ok\n";
  EXPECT_EQ(FormatEvent(o),
            "{\"Action\":\"output\",\"Package\":\"//"
            "a\",\"Test\":\"TestX\",\"Output\":\"ok\\n\"}\n");
  EXPECT_EQ(FormatJsonNumber(0), "0");
  EXPECT_EQ(FormatJsonNumber(1.5), "1.5");
}

TEST(JsonMerger, DropsStartAndFinalKeepsTestEventsWrapsText) {
  std::vector<std::string> lines;
  JsonMerger m("//a", [&](absl::string_view s) { lines.emplace_back(s); });
  m.Write("{\"Time\":\"t\",\"Action\":\"start\",\"Package\":\"//a\"}\n");
  m.Write(
      "{\"Time\":\"t\",\"Action\":\"run\",\"Package\":\"//"
      "a\",\"Test\":\"TestX\"}\n");
  m.Write(
      "{\"Time\":\"t\",\"Action\":\"pass\",\"Package\":\"//"
      "a\",\"Test\":\"TestX\"}\n{\"Time\"");
  m.Write(":\"t\",\"Action\":\"pass\",\"Package\":\"//a\",\"Elapsed\":0.1}\n");
  m.Write("flag provided but not defined: -x\npartial");
  m.Flush();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "{\"Time\":\"t\",\"Action\":\"run\",\"Package\":\"//"
            "a\",\"Test\":\"TestX\"}\n");
  EXPECT_EQ(lines[1],
            "{\"Time\":\"t\",\"Action\":\"pass\",\"Package\":\"//"
            "a\",\"Test\":\"TestX\"}\n");
  EXPECT_THAT(lines[2],
              ::testing::EndsWith("\"Action\":\"output\",\"Package\":\"//"
                                  "a\",\"Output\":\"flag provided "
                                  "but not defined: -x\\n\"}\n"));
  EXPECT_THAT(lines[3], ::testing::EndsWith("\"Output\":\"partial\"}\n"));
}

TEST(TestEnvironment, RemovesBazelTestProtocol) {
  const char* env[] = {"PATH=/bin",
                       "TEST_SHARD_INDEX=1",
                       "XML_OUTPUT_FILE=/x",
                       "TESTBRIDGE_TEST_ONLY=X",
                       "GTEST_TOTAL_SHARDS=2",
                       "HOME=/h",
                       nullptr};
  EXPECT_THAT(
      TestEnvironment(const_cast<char**>(env), {"GOTEST_PACKAGE=//a"}),
      ::testing::ElementsAre("PATH=/bin", "HOME=/h", "GOTEST_PACKAGE=//a"));
}

}  // namespace
}  // namespace gotest
