// Expected values come from Go 1.26.10 (linux/amd64):
//  * subtest names: a Go test calling t.Run with the same names in the same
//    order and printing t.Name() (go test -c, then ./c.test -test.run
//    TestNames);
//  * which tests run: a Go test with the tree of Tree() below, run as
//    ./m.test -test.v -test.run P -test.skip S, collecting the "=== RUN" lines;
//  * regexp errors: regexp.Compile(p) in a Go program, and the test binary's
//    own message for -test.run=a|( and friends.

#include "testing/match.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace go::testing {
namespace {

using internal::RegexpError;
using internal::RewriteName;
using internal::SplitPattern;

TEST(RewriteNameTest, MatchesGo) {
  EXPECT_EQ(RewriteName("with space"), "with_space");
  EXPECT_EQ(RewriteName("tab\there"), "tab_here");
  EXPECT_EQ(RewriteName("new\nline"), "new_line");
  EXPECT_EQ(RewriteName(std::string("nonprint\x00\x7f\u200b", 13)),
            R"(nonprint\x00\x7f\u200b)");
  EXPECT_EQ(RewriteName("\u00a0nbsp\u3000ideo"), "_nbsp_ideo");
  EXPECT_EQ(RewriteName("quote\"s'"), "quote\"s'");
  EXPECT_EQ(RewriteName("emoji\U0001F600"), "emoji\U0001F600");
  EXPECT_EQ(RewriteName("unicode_h\u00e9llo_\u65e5\u672c"),
            "unicode_h\u00e9llo_\u65e5\u672c");
  EXPECT_EQ(RewriteName("bell\a\b"), R"(bell\a\b)");
  EXPECT_EQ(RewriteName("c1\u0080\u0085"), R"(c1\u0080_)");
  EXPECT_EQ(RewriteName("\U000e0001tag"), R"(\U000e0001tag)");
  EXPECT_EQ(RewriteName("\xff"
                        "bad"),
            "\ufffd"
            "bad");
  EXPECT_EQ(RewriteName("slash/inside"), "slash/inside");
  EXPECT_EQ(RewriteName("  "), "__");
  EXPECT_EQ(RewriteName("back\\slash"), "back\\slash");
}

TEST(MatcherTest, UniqueNamesMatchGo) {
  absl::StatusOr<std::unique_ptr<Matcher>> m =
      Matcher::Create("", "-test.run", "");
  ASSERT_TRUE(m.ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"with space", "with_space"},
      {"dup", "dup"},
      {"dup", "dup#01"},
      {"dup", "dup#02"},
      {"dup#01", "dup#01#01"},
      {"x#01", "x#01"},
      {"x", "x"},
      {"x", "x#02"},
      {"", "#00"},
      {"", "#01"},
      {"#00", "#00#01"},
      {"trailing#", "trailing#"},
      {"y#00", "y#00"},
      {"z#1", "z#1"},
      {"z#001", "z#001"},
      {"z", "z"},
      {"z#01", "z#01"},
      {"z", "z#02"},
      {"w", "w"},
      {"w#01", "w#01"},
      {"w", "w#02"},
      {"w#01", "w#01#01"},
      {"w", "w#03"},
      {"q#02", "q#02"},
      {"q", "q"},
      {"q", "q#01"},
      {"q", "q#03"},
      {"q", "q#04"},
      {"#01", "#01#01"},
      {"", "#02"},
      {"", "#03"},
      {"  ", "__"},
  };
  for (const auto& [sub, want] : cases) {
    Matcher::Name n = (*m)->FullName("TestNames", sub);
    EXPECT_EQ(n.name, "TestNames/" + want) << "t.Run(\"" << sub << "\")";
    EXPECT_TRUE(n.ok);
    EXPECT_FALSE(n.partial);
  }
  // Top-level names are used as they are, and never made unique.
  EXPECT_EQ((*m)->FullName(std::nullopt, "Test X").name, "Test X");
  EXPECT_EQ((*m)->FullName(std::nullopt, "Test X").name, "Test X");
  // Counters are per parent.
  EXPECT_EQ((*m)->FullName("TestOther", "dup").name, "TestOther/dup");
  // After ClearSubNames the same names are handed out again.
  (*m)->ClearSubNames();
  EXPECT_EQ((*m)->FullName("TestNames", "dup").name, "TestNames/dup");
}

TEST(SplitPatternTest, BracketsParensEscapes) {
  using V = std::vector<std::vector<std::string>>;
  EXPECT_EQ(SplitPattern("A/B"), (V{{"A", "B"}}));
  EXPECT_EQ(SplitPattern("A/"), (V{{"A", ""}}));
  EXPECT_EQ(SplitPattern("/B"), (V{{"", "B"}}));
  EXPECT_EQ(SplitPattern(""), (V{{""}}));
  EXPECT_EQ(SplitPattern("[/]"), (V{{"[/]"}}));
  EXPECT_EQ(SplitPattern("(a|b)/c"), (V{{"(a|b)", "c"}}));
  EXPECT_EQ(SplitPattern("a|b/c"), (V{{"a"}, {"b", "c"}}));
  EXPECT_EQ(SplitPattern("a\\/b"), (V{{"a\\/b"}}));
  EXPECT_EQ(SplitPattern("a]/b"), (V{{"a]", "b"}}));
  EXPECT_EQ(SplitPattern("[(]/x"), (V{{"[(]", "x"}}));
  EXPECT_EQ(SplitPattern("A/B|C/D/E"), (V{{"A", "B"}, {"C", "D", "E"}}));
}

// The subtest tree of the Go test that produced the expectations below.
struct Node {
  std::string name;
  std::vector<Node> subs;
};

const std::vector<Node>& Tree() {
  static const std::vector<Node>* const tree = new std::vector<Node>{
      {"TestA",
       {{"x", {{"deep", {}}, {"deeper", {}}}},
        {"y", {}},
        {"x y", {}},
        {"a/b", {}},
        {"", {}}}},
      {"TestB", {{"x", {}}, {"z", {}}}},
      {"TestAB", {}},
  };
  return *tree;
}

// What Go's t.Run does: run a (sub)test iff fullName reports ok.
void Walk(Matcher& m, std::optional<std::string_view> parent, const Node& node,
          std::vector<std::string>* ran) {
  const Matcher::Name n = m.FullName(parent, node.name);
  if (!n.ok) return;
  ran->push_back(n.name);
  for (const Node& sub : node.subs) Walk(m, n.name, sub, ran);
}

std::string Ran(std::string_view run, std::string_view skip) {
  absl::StatusOr<std::unique_ptr<Matcher>> m =
      Matcher::Create(run, "-test.run", skip);
  if (!m.ok()) return std::string(m.status().message());
  std::vector<std::string> ran;
  for (const Node& test : Tree()) Walk(**m, std::nullopt, test, &ran);
  return absl::StrJoin(ran, " ");
}

TEST(MatcherTest, RunPatternsMatchGo) {
  const std::string all =
      "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
      "TestA/#00 TestB TestB/x TestB/z TestAB";
  const std::string a_x =
      "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/x_y TestAB";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", all},
      {"TestA",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
       "TestA/#00 TestAB"},
      {"TestA$",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
       "TestA/#00"},
      {"TestA/x", a_x},
      {"TestA/",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
       "TestA/#00 TestAB"},
      {"/x",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/x_y TestB TestB/x "
       "TestAB"},
      {"/x/deep",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/x_y TestB TestB/x "
       "TestAB"},
      {"[/]", ""},
      {"TestA/a/b", "TestA TestA/a/b TestAB"},
      {"TestA/a[/]b", "TestA TestAB"},
      {"(TestA|TestB)/x",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/x_y TestB TestB/x "
       "TestAB"},
      {"TestA/x|TestB/z",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/x_y TestB TestB/z "
       "TestAB"},
      {"TestA/x y", "TestA TestA/x_y TestAB"},
      {"TestA/x_y", "TestA TestA/x_y TestAB"},
      {"^TestA$/^$", "TestA"},
      {"TestA/#00", "TestA TestA/#00 TestAB"},
      {"x", ""},
      {"TestB/", "TestB TestB/x TestB/z"},
      {"TestA/x/deep$", "TestA TestA/x TestA/x/deep TestA/x_y TestAB"},
      {"A/x/deep/more", a_x},
      {"\\/", ""},
      {"A|B", all},
  };
  for (const auto& [run, want] : cases) {
    EXPECT_EQ(Ran(run, ""), want) << "-run " << run;
  }
}

TEST(MatcherTest, SkipPatternsMatchGo) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"", "TestA/x",
       "TestA TestA/y TestA/a/b TestA/#00 TestB TestB/x TestB/z TestAB"},
      {"", "TestB",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
       "TestA/#00 TestAB"},
      {"", "/x", "TestA TestA/y TestA/a/b TestA/#00 TestB TestB/z TestAB"},
      {"", "deep",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
       "TestA/#00 TestB TestB/x TestB/z TestAB"},
      {"", "TestA/x/deep",
       "TestA TestA/x TestA/y TestA/x_y TestA/a/b TestA/#00 TestB TestB/x "
       "TestB/z TestAB"},
      {"", "TestA/", "TestA TestB TestB/x TestB/z TestAB"},
      {"", "A|B/z", "TestB TestB/x"},
      {"", "x y",
       "TestA TestA/x TestA/x/deep TestA/x/deeper TestA/y TestA/x_y TestA/a/b "
       "TestA/#00 TestB TestB/x TestB/z TestAB"},
      {"TestA", "TestA/x", "TestA TestA/y TestA/a/b TestA/#00 TestAB"},
  };
  for (const auto& [run, skip, want] : cases) {
    EXPECT_EQ(Ran(run, skip), want) << "-run " << run << " -skip " << skip;
  }
}

TEST(MatcherTest, PartialFlag) {
  absl::StatusOr<std::unique_ptr<Matcher>> m =
      Matcher::Create("TestA/x/deep", "-test.run", "");
  ASSERT_TRUE(m.ok());
  Matcher::Name top = (*m)->FullName(std::nullopt, "TestA");
  EXPECT_TRUE(top.ok);
  EXPECT_TRUE(top.partial);
  Matcher::Name x = (*m)->FullName("TestA", "x");
  EXPECT_TRUE(x.ok);
  EXPECT_TRUE(x.partial);
  Matcher::Name deep = (*m)->FullName("TestA/x", "deep");
  EXPECT_TRUE(deep.ok);
  EXPECT_FALSE(deep.partial);
  Matcher::Name y = (*m)->FullName("TestA", "y");
  EXPECT_FALSE(y.ok);
  EXPECT_FALSE(y.partial);
  // An empty -run matches everything, never partially.
  absl::StatusOr<std::unique_ptr<Matcher>> all =
      Matcher::Create("", "-test.run", "");
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE((*all)->FullName(std::nullopt, "TestA").partial);
}

TEST(MatcherTest, InvalidPatternMessagesMatchGo) {
  // The complete stderr line of a Go 1.26.10 test binary (exit status 1).
  const std::vector<
      std::tuple<std::string, std::string, std::string, std::string>>
      cases = {
          {"[", "-test.run", "",
           "testing: invalid regexp for element 0 of -test.run (\"[\"): error "
           "parsing regexp: missing closing ]: `[`"},
          {"(", "-test.run", "",
           "testing: invalid regexp for element 0 of -test.run (\"(\"): error "
           "parsing regexp: missing closing ): `(`"},
          {"a|(", "-test.run", "",
           "testing: invalid regexp for alternation 1 of element 0 of "
           "-test.run (\"(\"): error parsing regexp: missing closing ): `(`"},
          {"a/[", "-test.run", "",
           "testing: invalid regexp for element 1 of -test.run (\"[\"): error "
           "parsing regexp: missing closing ]: `[`"},
          {"", "-test.run", "[",
           "testing: invalid regexp for element 0 of -test.skip (\"[\"): error "
           "parsing regexp: missing closing ]: `[`"},
          {"[", "-test.bench", "",
           "testing: invalid regexp for element 0 of -test.bench (\"[\"): "
           "error parsing regexp: missing closing ]: `[`"},
          // The element is shown rewritten (space to _), as Go does.
          {"a b(", "-test.run", "",
           "testing: invalid regexp for element 0 of -test.run (\"a_b(\"): "
           "error parsing regexp: missing closing ): `a_b(`"},
      };
  for (const auto& [run, flag, skip, want] : cases) {
    absl::StatusOr<std::unique_ptr<Matcher>> m =
        Matcher::Create(run, flag, skip);
    ASSERT_FALSE(m.ok()) << run;
    EXPECT_EQ(m.status().message(), want) << run;
  }
}

TEST(RegexpErrorTest, MatchesGo) {
  // regexp.Compile(p) in Go 1.26.10: nullopt where Go accepts the pattern.
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases =
      {
          {"[", "missing closing ]: `[`"},
          {"(", "missing closing ): `(`"},
          {")", "unexpected ): `)`"},
          {"a)", "unexpected ): `a)`"},
          {"*", "missing argument to repetition operator: `*`"},
          {"a**", "invalid nested repetition operator: `**`"},
          {"a{2}{3}", "invalid nested repetition operator: `{2}{3}`"},
          {"x{1001}", "invalid repeat count: `{1001}`"},
          {"x{2,1}", "invalid repeat count: `{2,1}`"},
          {"\\", "trailing backslash at end of expression: ``"},
          {"a\\", "trailing backslash at end of expression: ``"},
          {"[z-a]", "invalid character class range: `z-a`"},
          {"\\8", "invalid escape sequence: `\\8`"},
          {"\\C", "invalid escape sequence: `\\C`"},
          {"[\\C]", "invalid escape sequence: `\\C`"},
          {"\\Q\\C", std::nullopt},
          {"(?P<>a)", "invalid named capture: `(?P<>`"},
          {"(?P<a>x)(?P<a>y)", std::nullopt},
          {"(?i", "invalid or unsupported Perl syntax: `(?i`"},
          {"(?z)", "invalid or unsupported Perl syntax: `(?z`"},
          {"[[:foo:]]", "invalid character class range: `[:foo:]`"},
          {"\\pX", "invalid character class range: `\\pX`"},
          {"\\p{Foo}", "invalid character class range: `\\p{Foo}`"},
          {"+", "missing argument to repetition operator: `+`"},
          {"{1}", "missing argument to repetition operator: `{1}`"},
          {"a{,5}", std::nullopt},
          {"(?<n>x)", std::nullopt},
          {"(?<Name_1>x)", std::nullopt},
          {"(?P<n>a)(?<n>b)", std::nullopt},
          {"(?<>a)", "invalid named capture: `(?<>`"},
          {"(?<n!>a)", "invalid named capture: `(?<n!>`"},
          {"(?<=a)", "invalid named capture: `(?<=a)`"},
          {"(?<n", "invalid named capture: `(?<n`"},
          {"[(?<]", std::nullopt},
          {"\xff", "invalid UTF-8: `\xff`"},
          {"a\xff"
           "b",
           "invalid UTF-8: `\xff"
           "b`"},
          {"[\xff]", "invalid UTF-8: `\xff]`"},
          {"a|*", "missing argument to repetition operator: `*`"},
          {"((((", "missing closing ): `((((`"},
          {"[]", "missing closing ]: `[]`"},
          {"[^]", "missing closing ]: `[^]`"},
          {"x{1000}", std::nullopt},
          {"(?P=n)", "invalid or unsupported Perl syntax: `(?P`"},
          {"\\z", std::nullopt},
          {"\\Z", "invalid escape sequence: `\\Z`"},
          {"[a-\\d]", "invalid escape sequence: `\\d`"},
          {"x*?*", "invalid nested repetition operator: `*?*`"},
          {"(?P<n!>x)", "invalid named capture: `(?P<n!>`"},
          {"\\x{110000}", "invalid escape sequence: `\\x{110000`"},
          {"[\\xz]", "invalid escape sequence: `\\xz]`"},
          {"\\0", std::nullopt},
          {"\\1", "invalid escape sequence: `\\1`"},
          {"a{100000}", "invalid repeat count: `{100000}`"},
          {"\\pN\\p{Greek}\\PL", std::nullopt},
          {"(?i)x(?s).(?m)^(?U)a*", std::nullopt},
          {"[[:alpha:]]", std::nullopt},
          {"\\v\\h", "invalid escape sequence: `\\h`"},
          // Where (?<name> is rewritten for RE2 and where it must not be.
          {"[]a](?<n>x)", std::nullopt},
          {"[^]a](?<n>x)", std::nullopt},
          {"\\Q(?<\\E(?<n>x)", std::nullopt},
          {"[[:alpha:](?<]", std::nullopt},
          {"(?<n>x)(?<>", "invalid named capture: `(?<>`"},
          {"\\(?<n>x)", "unexpected ): `\\(?<n>x)`"},
          {"(?:(?<n>a)|b)", std::nullopt},
      };
  for (const auto& [pattern, want] : cases) {
    const std::optional<std::string> got = RegexpError(pattern);
    if (!want) {
      EXPECT_EQ(got, std::nullopt) << pattern;
    } else {
      EXPECT_EQ(got, "error parsing regexp: " + *want) << pattern;
    }
  }
}

TEST(ListFilterTest, WholeNamesUnsplit) {
  absl::StatusOr<ListFilter> f = ListFilter::Create("A/b|^TestB$");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches("TestA/b"));
  EXPECT_TRUE(f->Matches("TestB"));
  EXPECT_FALSE(f->Matches("TestA"));
  EXPECT_FALSE(f->Matches("TestBB"));
  // Not rewritten: a space in the pattern stays a space.
  absl::StatusOr<ListFilter> space = ListFilter::Create("a b");
  ASSERT_TRUE(space.ok());
  EXPECT_TRUE(space->Matches("Test a b"));
  EXPECT_FALSE(space->Matches("Test a_b"));
  // ./c.test -test.list=[ with Go 1.26.10 (exit status 1).
  absl::StatusOr<ListFilter> bad = ListFilter::Create("[");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "testing: invalid regexp in -test.list (\"[\"): error parsing "
            "regexp: missing "
            "closing ]: `[`");
}

TEST(MatcherTest, UnicodeAndCaseSemantics) {
  // Go's regexp works on UTF-8 runes; so does RE2.
  absl::StatusOr<std::unique_ptr<Matcher>> m =
      Matcher::Create("Test/^h.llo$", "-test.run", "");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)->FullName("Test", "h\u00e9llo").ok);
  EXPECT_FALSE((*m)->FullName("Test", "H\u00e9llo").ok);
  absl::StatusOr<std::unique_ptr<Matcher>> ci =
      Matcher::Create("Test/(?i)^hello", "-test.run", "");
  ASSERT_TRUE(ci.ok());
  const Matcher::Name n = (*ci)->FullName("Test", "HELLO world");
  EXPECT_TRUE(n.ok);
  EXPECT_EQ(n.name, "Test/HELLO_world");
}

}  // namespace
}  // namespace go::testing
