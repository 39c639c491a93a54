// Unit tests of the Bazel test protocol pieces: the JUnit XML writer's
// escaping, times and document (junit.h), the shard split (shard.h) and the
// environment read into the flags (bazel_env.h). The end-to-end checks (real
// binaries, xmllint against the schema, nested `bazel test`) are in
// tests/bazel/.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "testing/bazel_env.h"
#include "testing/flag.h"
#include "testing/junit.h"
#include "testing/registry.h"
#include "testing/shard.h"

namespace go::testing::internal {
namespace {

using Env = std::map<std::string, std::string>;

std::function<const char*(const char*)> Lookup(const Env& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

// ---- JUnit XML ----

TEST(JUnitTimeTest, AlwaysSecondsWithADecimalPoint) {
  EXPECT_EQ(JUnitTime(0), "0.000");
  EXPECT_EQ(JUnitTime(12'000'000), "0.012");
  // Bazel 4 would read "2" as 2 ms.
  EXPECT_EQ(JUnitTime(2'000'000'000), "2.000");
  EXPECT_EQ(JUnitTime(1'234'567'890), "1.235");
  EXPECT_EQ(JUnitTime(999'500'000), "1.000");
  EXPECT_EQ(JUnitTime(400'000), "0.000");
  EXPECT_EQ(JUnitTime(-5), "0.000");
  EXPECT_EQ(JUnitTime(int64_t{3600} * 1'000'000'000 * 100), "360000.000");
}

TEST(XmlSanitizeTest, ControlCharactersAndInvalidUTF8) {
  EXPECT_EQ(XmlSanitize("plain\ttab\nnl\rcr"), "plain\ttab\nnl\rcr");
  EXPECT_EQ(XmlSanitize(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(XmlSanitize("\x01\x1b[31m\x7f"), "\\x01\\x1b[31m\x7f");
  EXPECT_EQ(XmlSanitize("caf\xc3\xa9 \xe2\x9c\x93"),
            "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(XmlSanitize("bad\xff\xfe!"), "bad\xef\xbf\xbd\xef\xbf\xbd!");
  EXPECT_EQ(XmlSanitize("trunc\xe2\x9c"), "trunc\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(XmlSanitize("\xef\xbf\xbe"), "\\uFFFE");  // U+FFFE: not XML
  EXPECT_EQ(XmlSanitize("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

TEST(XmlAttrTest, EscapesMarkupAndKeepsWhitespace) {
  EXPECT_EQ(XmlAttr("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d'");
  EXPECT_EQ(XmlAttr("l1\nl2\tx\ry"), "l1&#10;l2&#9;x&#13;y");
  EXPECT_EQ(XmlAttr("\x02"), "\\x02");
}

// The text a parser gets back from the CDATA sections.
std::string UnCData(std::string_view s) {
  std::string out;
  const std::string_view open = "<![CDATA[", close = "]]>";
  while (!s.empty()) {
    EXPECT_TRUE(s.starts_with(open)) << s;
    s.remove_prefix(open.size());
    const size_t end = s.find(close);
    EXPECT_NE(end, std::string_view::npos);
    out.append(s.substr(0, end));
    s.remove_prefix(end + close.size());
  }
  return out;
}

TEST(XmlCDataTest, SplitsTheTerminator) {
  EXPECT_EQ(XmlCData("x"), "<![CDATA[x]]>");
  EXPECT_EQ(XmlCData(""), "<![CDATA[]]>");
  EXPECT_EQ(XmlCData("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
  for (std::string s : {"]]>", "]]>]]>", "]]]>>", "x]]", "<&>\"", "]]]]>>"}) {
    EXPECT_EQ(UnCData(XmlCData(s)), s) << s;
  }
  EXPECT_EQ(UnCData(XmlCData("ctl\x03")), "ctl\\x03");
}

JUnitSuite SampleSuite() {
  JUnitSuite s;
  s.name = "//pkg:x_test";
  s.timestamp = "2026-11-29T01:02:03";
  s.duration_ns = 1'500'000'000;
  s.cases.push_back({"TestPass", 1'000'000, JUnitCase::Result::kPassed, "",
                     "x_test.cc:3: hello\n"});
  s.cases.push_back({"TestFail/sub_case#01", 2'000'000'000,
                     JUnitCase::Result::kFailed, "x_test.cc:9: got <1>",
                     "x_test.cc:9: got <1>\n"});
  s.cases.push_back(
      {"TestSkip", 0, JUnitCase::Result::kSkipped, "no network", ""});
  s.cases.push_back({"TestHang", 0, JUnitCase::Result::kError,
                     "panic: test timed out after 1s", "log ]]> end\n"});
  return s;
}

TEST(RenderJUnitTest, Document) {
  const std::string xml = RenderJUnit(SampleSuite());
  EXPECT_TRUE(
      xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<testsuites tests=\"4\" failures=\"1\" "
                      "errors=\"1\" time=\"1.500\">\n"))
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"//pkg:x_test\" tests=\"4\" "
                     "failures=\"1\" errors=\"1\" skipped=\"1\" "
                     "time=\"1.500\" timestamp=\"2026-11-29T01:02:03\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"TestPass\" classname=\"//pkg:x_test\" "
                     "time=\"0.001\" status=\"run\" result=\"completed\">\n"
                     "      <system-out><![CDATA[x_test.cc:3: hello\n]]>"
                     "</system-out>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"TestFail/sub_case#01\" "
                     "classname=\"//pkg:x_test\" time=\"2.000\" "
                     "status=\"run\" result=\"completed\">\n"
                     "      <failure message=\"x_test.cc:9: got &lt;1&gt;\" "
                     "type=\"\"><![CDATA[x_test.cc:9: got <1>\n]]></failure>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"TestSkip\" classname=\"//pkg:x_test\" "
                     "time=\"0.000\" status=\"run\" result=\"skipped\">\n"
                     "      <skipped message=\"no network\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error message=\"panic: test timed out after 1s\" "
                     "type=\"\"><![CDATA[log ]]]]><![CDATA[> end\n]]></error>"),
            std::string::npos)
      << xml;
  EXPECT_TRUE(xml.ends_with("  </testsuite>\n</testsuites>\n")) << xml;
}

TEST(RenderJUnitTest, EveryTimeHasADecimalPoint) {
  const std::string xml = RenderJUnit(SampleSuite());
  size_t n = 0;
  for (size_t at = 0; (at = xml.find(" time=\"", at)) != std::string::npos;
       n++) {
    at += 7;
    const std::string v = xml.substr(at, xml.find('"', at) - at);
    EXPECT_NE(v.find('.'), std::string::npos) << v;
  }
  EXPECT_EQ(n, 6u);
}

std::string TempPath(const std::string& name) {
  const char* dir = getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

TEST(WriteFileAtomicallyTest, CompleteOrAbsent) {
  const std::string path = TempPath("report.xml");
  ASSERT_EQ(WriteFileAtomically(path, "first"), "");
  ASSERT_EQ(WriteFileAtomically(path, "second"), "");
  std::ifstream in(path);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), "second");
  const std::string bad = TempPath("no/such/dir/report.xml");
  EXPECT_NE(WriteFileAtomically(bad, "x"), "");
  EXPECT_NE(access(bad.c_str(), F_OK), 0);
}

// ---- The shard split ----

TEST(SelectShardTest, RoundRobinInSortedOrder) {
  const std::vector<std::string_view> names = {"TestC", "TestA", "TestB",
                                               "TestE", "TestD"};
  // Sorted: A B C D E -> shards 0 1 2 0 1.
  EXPECT_EQ(SelectShard(names, {3, 0}),
            (std::vector<bool>{false, true, false, false, true}));
  EXPECT_EQ(SelectShard(names, {3, 1}),
            (std::vector<bool>{false, false, true, true, false}));
  EXPECT_EQ(SelectShard(names, {3, 2}),
            (std::vector<bool>{true, false, false, false, false}));
  EXPECT_EQ(SelectShard(names, {1, 0}), std::vector<bool>(5, true));
}

TEST(SelectShardTest, EveryNameExactlyOnceWhateverTheOrder) {
  std::vector<std::string> owned;
  for (int i = 0; i < 50; i++) owned.push_back("Test" + std::to_string(i));
  std::vector<std::string_view> names(owned.begin(), owned.end());
  std::map<std::string, int> shard_of;
  for (int total : {1, 2, 3, 7, 60}) {
    std::map<std::string_view, int> count;
    std::map<std::string_view, int> where;
    for (int index = 0; index < total; index++) {
      std::vector<bool> in = SelectShard(names, {total, index});
      for (size_t i = 0; i < names.size(); i++) {
        if (in[i]) {
          count[names[i]]++;
          where[names[i]] = index;
        }
      }
    }
    for (std::string_view n : names) EXPECT_EQ(count[n], 1) << n;
    // Stable: the same split from a different (link) order.
    std::vector<std::string_view> rev(names.rbegin(), names.rend());
    for (int index = 0; index < total; index++) {
      std::vector<bool> in = SelectShard(rev, {total, index});
      for (size_t i = 0; i < rev.size(); i++) {
        EXPECT_EQ(in[i], where[rev[i]] == index) << rev[i];
      }
    }
  }
}

TEST(ShardFromEnvTest, Variables) {
  Env env;
  auto none = ShardFromEnv(Lookup(env));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  env = {{"TEST_TOTAL_SHARDS", "3"}, {"TEST_SHARD_INDEX", "2"}};
  auto s = ShardFromEnv(Lookup(env));
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->total, 3);
  EXPECT_EQ((*s)->index, 2);

  // Bazel 4.2.3 exports both; GTEST_* alone also works.
  env = {{"GTEST_TOTAL_SHARDS", "4"}, {"GTEST_SHARD_INDEX", "1"}};
  s = ShardFromEnv(Lookup(env));
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->total, 4);
  EXPECT_EQ((*s)->index, 1);

  for (const Env& bad : std::vector<Env>{
           {{"TEST_TOTAL_SHARDS", "3"}, {"TEST_SHARD_INDEX", "3"}},
           {{"TEST_TOTAL_SHARDS", "0"}, {"TEST_SHARD_INDEX", "0"}},
           {{"TEST_TOTAL_SHARDS", "x"}, {"TEST_SHARD_INDEX", "0"}},
           {{"TEST_TOTAL_SHARDS", "3"}, {"TEST_SHARD_INDEX", "-1"}},
           {{"TEST_TOTAL_SHARDS", "3"}}}) {
    auto r = ShardFromEnv(Lookup(bad));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
}

void Noop(T*) {}

TEST(ApplyShardTest, SplitsRunnableTestsExamplesAndBenchmarks) {
  auto make = [] {
    Registry r;
    r.tests = {{"TestB", Noop}, {"TestA", Noop}, {"TestC", Noop}};
    r.examples = {{"ExampleA", nullptr, "", false}};
    r.benchmarks = {{"BenchmarkA", nullptr}};
    return r;
  };
  auto names = [](const Registry& r) {
    std::vector<std::string> v;
    for (const auto& e : r.tests) v.push_back(e.name);
    for (const auto& e : r.examples) v.push_back(e.name);
    for (const auto& e : r.benchmarks) v.push_back(e.name);
    return v;
  };
  // No -bench: benchmarks are not split (they would not run anyway).
  // Sorted runnable: ExampleA TestA TestB TestC -> 0 1 0 1.
  Registry r0 = make();
  ApplyShard(&r0, {2, 0}, "", "", "");
  EXPECT_EQ(names(r0),
            (std::vector<std::string>{"TestB", "ExampleA", "BenchmarkA"}));
  Registry r1 = make();
  ApplyShard(&r1, {2, 1}, "", "", "");
  EXPECT_EQ(names(r1),
            (std::vector<std::string>{"TestA", "TestC", "BenchmarkA"}));
  // -run filters first: TestA TestC -> 0 1; the others stay (filtered later).
  Registry r2 = make();
  ApplyShard(&r2, {2, 1}, "TestA|TestC", "", "");
  EXPECT_EQ(names(r2), (std::vector<std::string>{"TestB", "TestC", "ExampleA",
                                                 "BenchmarkA"}));
  // -bench=.: BenchmarkA ExampleA TestA TestB TestC -> 0 1 2 0 1 of 3.
  Registry r3 = make();
  ApplyShard(&r3, {3, 0}, "", "", ".");
  EXPECT_EQ(names(r3), (std::vector<std::string>{"TestB", "BenchmarkA"}));
}

// ---- The environment ----

TEST(TestFilterTest, RulesGoConvention) {
  RunSkip rs = TestFilterToRunSkip("TestX");
  EXPECT_EQ(rs.run, "TestX");
  EXPECT_EQ(rs.skip, "");
  rs = TestFilterToRunSkip("TestA,TestB/sub,-TestC,-TestD");
  EXPECT_EQ(rs.run, "TestA|TestB/sub");
  EXPECT_EQ(rs.skip, "TestC|TestD");
}

TEST(TimeoutBeforeBazelTest, ALittleBeforeTheSigterm) {
  EXPECT_EQ(TimeoutBeforeBazel(absl::Seconds(60)), absl::Seconds(55));
  EXPECT_EQ(TimeoutBeforeBazel(absl::Seconds(300)), absl::Seconds(295));
  EXPECT_EQ(TimeoutBeforeBazel(absl::Seconds(10)), absl::Seconds(9));
  EXPECT_EQ(TimeoutBeforeBazel(absl::Seconds(1)), absl::Milliseconds(900));
}

TEST(ReadBazelEnvTest, NothingFromTheDriversVariables) {
  // cmd/gotest sets these itself: they do not mean "under bazel test".
  Env env = {{"TEST_SRCDIR", "/x"}, {"TEST_TMPDIR", "/tmp/x"}};
  Flags flags;
  auto p = ReadBazelEnv(&flags, Lookup(env));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->junit_path, "");
  EXPECT_FALSE(p->handle_sigterm);
  EXPECT_FALSE(p->shard.has_value());
  EXPECT_EQ(flags.timeout, absl::ZeroDuration());
  EXPECT_EQ(flags.outputdir, "");
}

TEST(ReadBazelEnvTest, WhatBazelPasses) {
  Env env = {{"XML_OUTPUT_FILE", "/t/test.xml"},
             {"TEST_TOTAL_SHARDS", "2"},
             {"TEST_SHARD_INDEX", "1"},
             {"TEST_SHARD_STATUS_FILE", "/t/test.shard"},
             {"GTEST_TOTAL_SHARDS", "2"},
             {"GTEST_SHARD_INDEX", "1"},
             {"TESTBRIDGE_TEST_ONLY", "TestX,-TestY"},
             {"TESTBRIDGE_TEST_RUNNER_FAIL_FAST", "1"},
             {"TEST_TIMEOUT", "60"},
             {"TEST_RANDOM_SEED", "2"},
             {"TEST_PREMATURE_EXIT_FILE", "/t/test.exited_prematurely"},
             {"TEST_UNDECLARED_OUTPUTS_DIR", "/t/test.outputs"}};
  Flags flags;
  flags.shuffle = "on";
  auto p = ReadBazelEnv(&flags, Lookup(env));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->junit_path, "/t/test.xml");
  ASSERT_TRUE(p->shard.has_value());
  EXPECT_EQ(p->shard->total, 2);
  EXPECT_EQ(p->shard->index, 1);
  EXPECT_EQ(p->shard_status_files, std::vector<std::string>{"/t/test.shard"});
  EXPECT_EQ(p->premature_exit_file, "/t/test.exited_prematurely");
  EXPECT_TRUE(p->handle_sigterm);
  EXPECT_EQ(flags.run, "TestX");
  EXPECT_EQ(flags.skip, "TestY");
  EXPECT_TRUE(flags.failfast);
  EXPECT_EQ(flags.timeout, absl::Seconds(55));
  EXPECT_EQ(flags.shuffle, "2");
  EXPECT_EQ(flags.outputdir, "/t/test.outputs");
}

TEST(ReadBazelEnvTest, TheCommandLineWins) {
  Env env = {{"XML_OUTPUT_FILE", "/t/test.xml"},
             {"TESTBRIDGE_TEST_ONLY", "TestX,-TestY"},
             {"TESTBRIDGE_TEST_RUNNER_FAIL_FAST", "0"},
             {"TEST_TIMEOUT", "300"},
             {"TEST_RANDOM_SEED", "2"},
             {"TEST_UNDECLARED_OUTPUTS_DIR", "/t/test.outputs"}};
  Flags flags;
  flags.junitfile = "/mine.xml";
  flags.run = "TestMine";
  flags.skip = "TestNot";
  flags.timeout = absl::Seconds(30);
  flags.shuffle = "7";
  flags.outputdir = "/out";
  auto p = ReadBazelEnv(&flags, Lookup(env));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->junit_path, "/mine.xml");
  EXPECT_EQ(flags.run, "TestMine");
  EXPECT_EQ(flags.skip, "TestNot");
  EXPECT_FALSE(flags.failfast);
  EXPECT_EQ(flags.timeout, absl::Seconds(30));
  EXPECT_EQ(flags.shuffle, "7");
  EXPECT_EQ(flags.outputdir, "/out");
  // A -timeout beyond Bazel's is pulled in before its SIGTERM.
  flags.timeout = absl::Hours(1);
  ASSERT_TRUE(ReadBazelEnv(&flags, Lookup(env)).ok());
  EXPECT_EQ(flags.timeout, absl::Seconds(295));
}

TEST(ReadBazelEnvTest, BadValuesAreOneLineErrors) {
  for (const Env& bad : std::vector<Env>{
           {{"TEST_TIMEOUT", "abc"}},
           {{"TEST_TIMEOUT", "-3"}},
           {{"TEST_TOTAL_SHARDS", "2"}, {"TEST_SHARD_INDEX", "5"}}}) {
    Flags flags;
    auto p = ReadBazelEnv(&flags, Lookup(bad));
    EXPECT_FALSE(p.ok());
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
    EXPECT_EQ(p.status().message().substr(0, 9), "testing: ");
  }
  Env seed = {{"TEST_RANDOM_SEED", "x"}};
  Flags flags;
  flags.shuffle = "on";
  EXPECT_FALSE(ReadBazelEnv(&flags, Lookup(seed)).ok());
}

}  // namespace
}  // namespace go::testing::internal
