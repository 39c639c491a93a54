// Go's strconv and unicode/utf8 pieces that the testing package's output and
// flag messages depend on: which runes Go considers printable (subtest names
// escape the others), Go's %q quoting (flag error messages quote the value),
// Go's integer and boolean parsing (the flag package accepts "0x10" and "1_000"
// for integers and "T"/"TRUE" for booleans) with Go's error texts.
//
// These are hand-written because the exact Go behaviour is the point: RE2 and
// Abseil decode UTF-8 and parse numbers with slightly different rules.

#ifndef GOTEST_TESTING_STRCONV_H_
#define GOTEST_TESTING_STRCONV_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace go::testing::internal {

// The Unicode replacement character, what Go decodes an invalid byte to.
inline constexpr char32_t kRuneError = 0xFFFD;

// One rune decoded from the front of UTF-8 text, as utf8.DecodeRuneInString:
// an invalid or truncated encoding (overlong forms and surrogates included)
// decodes to {kRuneError, 1}. `s` must be non-empty.
struct DecodedRune {
  char32_t rune;
  int size;
};
DecodedRune DecodeRune(std::string_view s);

// Appends the UTF-8 encoding of `r` (kRuneError for an invalid rune).
void AppendRune(std::string* out, char32_t r);

// unicode.IsSpace: Unicode White_Space (\t \n \v \f \r, space, U+0085,
// U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
bool IsSpace(char32_t r);

// strings.TrimSpace: `s` without leading and trailing IsSpace runes.
std::string_view TrimSpace(std::string_view s);

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020.
bool IsPrint(char32_t r);

// strconv.Quote: `s` in double quotes with Go's escapes (\a \b \f \n \r \t \v,
// \xNN for control bytes and invalid UTF-8, \uNNNN / \UNNNNNNNN for other
// unprintable runes).
std::string Quote(std::string_view s);

// Appends strconv.QuoteRune(r) without its single quotes.
void AppendQuotedRune(std::string* out, char32_t r);

// `s` as a JSON string literal the way Go's encoding/json writes it (what
// test2json and `go test -json` print): \" \\ \n \r \t, other control bytes
// and < > & as \u00XX (HTML-safe), U+2028/U+2029 escaped, invalid UTF-8 as
// \ufffd.
std::string JSONString(std::string_view s);

// strconv.ParseBool: "1 t T TRUE true True" and "0 f F FALSE false False".
bool ParseBool(std::string_view s, bool* out);

// The outcome of Go's integer parsing (strconv.ErrSyntax / strconv.ErrRange).
enum class NumError { kOk, kSyntax, kRange };

// strconv.ParseInt / ParseUint: base 0 accepts the 0x, 0o, 0b and 0 prefixes
// and `_` separators; bit_size is 0 (64 here), 8, 16, 32 or 64. On kRange
// `*out` holds the saturated value, as Go returns.
NumError ParseInt(std::string_view s, int base, int bit_size, int64_t* out);
NumError ParseUint(std::string_view s, int base, int bit_size, uint64_t* out);

// The text of a *strconv.NumError: `strconv.<fn>: parsing "<s>": invalid
// syntax` or `... value out of range`. `err` must not be kOk.
std::string NumErrorText(std::string_view fn, std::string_view s, NumError err);

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_STRCONV_H_
