// Expected values come from Go 1.26.10 (linux/amd64): a small program printing
// strconv.Quote, strconv.ParseInt/ParseUint errors and strconv.IsPrint for the
// same inputs (see the comments at each table).

#include "testing/strconv.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace go::testing::internal {
namespace {

TEST(DecodeRuneTest, ValidAndInvalid) {
  EXPECT_EQ(DecodeRune("a").rune, U'a');
  EXPECT_EQ(DecodeRune("\xc3\xa9").rune, U'\u00e9');
  EXPECT_EQ(DecodeRune("\xc3\xa9").size, 2);
  EXPECT_EQ(DecodeRune("\xf0\x9f\x98\x80").rune, U'\U0001F600');
  // Invalid: a lone continuation byte, an overlong '/', a surrogate, a
  // truncated sequence, a byte that never starts a rune, beyond U+10FFFF.
  for (const char* bad : {"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97",
                          "\xff", "\xf4\x90\x80\x80"}) {
    EXPECT_EQ(DecodeRune(bad).rune, kRuneError) << bad;
    EXPECT_EQ(DecodeRune(bad).size, 1) << bad;
  }
}

TEST(IsPrintTest, MatchesGo) {
  // strconv.IsPrint in Go 1.26.10.
  EXPECT_TRUE(IsPrint(' '));
  EXPECT_TRUE(IsPrint('~'));
  EXPECT_FALSE(IsPrint(0x7f));
  EXPECT_FALSE(IsPrint('\t'));
  EXPECT_FALSE(IsPrint(0xa0));  // no-break space: a space, not printable
  EXPECT_TRUE(IsPrint(0xe9));
  EXPECT_FALSE(IsPrint(0xad));  // soft hyphen
  EXPECT_FALSE(IsPrint(0x200b));
  EXPECT_FALSE(IsPrint(0x3000));
  EXPECT_TRUE(IsPrint(0x65e5));
  EXPECT_TRUE(IsPrint(0x1f600));
  EXPECT_FALSE(IsPrint(0xe0001));
  EXPECT_FALSE(IsPrint(0x10ffff));
  EXPECT_FALSE(IsPrint(0xfffe));
  EXPECT_TRUE(IsPrint(0xfffd));
}

TEST(QuoteTest, MatchesGo) {
  // fmt.Println(strconv.Quote(s)) in Go 1.26.10.
  EXPECT_EQ(Quote("abc"), R"("abc")");
  EXPECT_EQ(Quote("a\"b"), R"("a\"b")");
  EXPECT_EQ(Quote("a\\b"), R"("a\\b")");
  EXPECT_EQ(Quote(std::string("\x00\x7f", 2)), R"("\x00\x7f")");
  EXPECT_EQ(Quote("\u00e9\u65e5\u672c\U0001F600"),
            "\"\u00e9\u65e5\u672c\U0001F600\"");
  EXPECT_EQ(Quote("\u200b"), R"("\u200b")");
  EXPECT_EQ(Quote("\xff"), R"("\xff")");
  EXPECT_EQ(Quote("tab\there"), R"("tab\there")");
  EXPECT_EQ(Quote("\a\b\f\n\r\v"), R"("\a\b\f\n\r\v")");
  EXPECT_EQ(Quote("\u0080"), R"("\u0080")");
  EXPECT_EQ(Quote("\U000e0001"), R"("\U000e0001")");
  EXPECT_EQ(Quote("\U0010ffff"), R"("\U0010ffff")");
  EXPECT_EQ(Quote("'"), R"("'")");
}

TEST(QuoteRuneTest, Escapes) {
  std::string s;
  for (char32_t r : {U'\0', U'\a', char32_t{0x7f}, char32_t{0x80}, U'\'', U'\\',
                     char32_t{0xe0001}, U'x'}) {
    AppendQuotedRune(&s, r);
    s.push_back('|');
  }
  EXPECT_EQ(s, R"(\x00|\a|\x7f|\u0080|\'|\\|\U000e0001|x|)");
}

TEST(ParseBoolTest, GoForms) {
  bool b = false;
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) {
    EXPECT_TRUE(ParseBool(t, &b) && b) << t;
  }
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    EXPECT_TRUE(ParseBool(f, &b) && !b) << f;
  }
  for (const char* bad : {"", "yes", "tRUE", "2", " true"}) {
    EXPECT_FALSE(ParseBool(bad, &b)) << bad;
  }
}

TEST(ParseIntTest, Base0AndErrors) {
  int64_t i;
  uint64_t u;
  EXPECT_EQ(ParseInt("0x10", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, 16);
  EXPECT_EQ(ParseInt("-0b101", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, -5);
  EXPECT_EQ(ParseInt("017", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, 15);
  EXPECT_EQ(ParseInt("0o17", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, 15);
  EXPECT_EQ(ParseInt("1_000", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, 1000);
  EXPECT_EQ(ParseInt("0x_1f", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, 31);
  EXPECT_EQ(ParseInt("+5", 0, 64, &i), NumError::kOk);
  EXPECT_EQ(i, 5);
  EXPECT_EQ(ParseInt("-9223372036854775808", 10, 64, &i), NumError::kOk);
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_EQ(ParseInt("9223372036854775808", 10, 64, &i), NumError::kRange);
  EXPECT_EQ(i, INT64_MAX);
  EXPECT_EQ(ParseInt("1_000", 10, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("1__0", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("_10", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("10_", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("0x", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("08", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("-", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt(" 1", 0, 64, &i), NumError::kSyntax);
  EXPECT_EQ(ParseInt("2147483648", 10, 32, &i), NumError::kRange);
  EXPECT_EQ(ParseUint("-1", 0, 64, &u), NumError::kSyntax);
  EXPECT_EQ(ParseUint("+5", 0, 64, &u), NumError::kSyntax);
  EXPECT_EQ(ParseUint("18446744073709551615", 0, 64, &u), NumError::kOk);
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_EQ(ParseUint("18446744073709551616", 0, 64, &u), NumError::kRange);
  EXPECT_EQ(ParseUint("99999999999999999999", 0, 64, &u), NumError::kRange);
}

TEST(NumErrorTextTest, MatchesGo) {
  // strconv.ParseInt("abc", 10, 64) etc. in Go 1.26.10.
  EXPECT_EQ(NumErrorText("ParseInt", "abc", NumError::kSyntax),
            R"(strconv.ParseInt: parsing "abc": invalid syntax)");
  EXPECT_EQ(
      NumErrorText("ParseInt", "99999999999999999999", NumError::kRange),
      R"(strconv.ParseInt: parsing "99999999999999999999": value out of range)");
}

TEST(TrimSpaceTest, UnicodeSpaces) {
  EXPECT_EQ(TrimSpace(" \t1 \n"), "1");
  EXPECT_EQ(TrimSpace("\u00a0"
                      "2\u3000"),
            "2");
  EXPECT_EQ(TrimSpace("  "), "");
  EXPECT_EQ(TrimSpace("a b"), "a b");
  EXPECT_TRUE(IsSpace(0x85));
  EXPECT_TRUE(IsSpace(0x2000));
  EXPECT_TRUE(IsSpace(0x200a));
  EXPECT_FALSE(IsSpace(0x200b));
}

}  // namespace
}  // namespace go::testing::internal
