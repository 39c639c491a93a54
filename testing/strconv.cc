#include "testing/strconv.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>

namespace go::testing::internal {
namespace {

struct RuneRange {
  char32_t lo, hi;
};

// Generated from Go's strconv.IsPrint by testing/isprint_gen.go.
constexpr RuneRange kPrintRanges[] = {
#include "testing/isprint_table.inc"
};

constexpr char kHex[] = "0123456789abcdef";

bool ValidRune(char32_t r) {
  return r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF);
}

char Lower(char c) { return static_cast<char>(c | 0x20); }

// Go's underscoreOK: `_` only between digits or after a base prefix.
bool UnderscoreOK(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); i++) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

}  // namespace

DecodedRune DecodeRune(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  int n;
  char32_t r;
  char32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, r = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, r = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, r = b0 & 0x07, min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (s.size() < static_cast<size_t>(n)) return {kRuneError, 1};
  for (int i = 1; i < n; i++) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || !ValidRune(r)) return {kRuneError, 1};
  return {r, n};
}

void AppendRune(std::string* out, char32_t r) {
  if (!ValidRune(r)) r = kRuneError;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool IsSpace(char32_t r) {
  if (r < 0x2000) {
    switch (r) {
      case '\t':
      case '\n':
      case '\v':
      case '\f':
      case '\r':
      case ' ':
      case 0x85:
      case 0xA0:
      case 0x1680:
        return true;
      default:
        return false;
    }
  }
  if (r <= 0x200A) return true;
  return r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F ||
         r == 0x3000;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty()) {
    const DecodedRune d = DecodeRune(s);
    if (!IsSpace(d.rune)) break;
    s.remove_prefix(d.size);
  }
  // Runes are decoded from the front; find the last non-space one.
  size_t end = 0;
  for (size_t i = 0; i < s.size();) {
    const DecodedRune d = DecodeRune(s.substr(i));
    i += d.size;
    if (!IsSpace(d.rune)) end = i;
  }
  return s.substr(0, end);
}

bool IsPrint(char32_t r) {
  // The first range with hi >= r; r is printable iff it also has lo <= r.
  const RuneRange* it = std::lower_bound(
      std::begin(kPrintRanges), std::end(kPrintRanges), r,
      [](const RuneRange& range, char32_t v) { return range.hi < v; });
  return it != std::end(kPrintRanges) && it->lo <= r;
}

void AppendQuotedRune(std::string* out, char32_t r) {
  if (r == '\'' || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (IsPrint(r)) {
    AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out->append("\\a");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\v':
      out->append("\\v");
      return;
    default:
      break;
  }
  int digits;
  if (r < ' ' || r == 0x7F) {
    out->append("\\x");
    digits = 2;
  } else if (!ValidRune(r)) {
    r = kRuneError;
    out->append("\\u");
    digits = 4;
  } else if (r < 0x10000) {
    out->append("\\u");
    digits = 4;
  } else {
    out->append("\\U");
    digits = 8;
  }
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out->push_back(kHex[(r >> shift) & 0xF]);
  }
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  while (!s.empty()) {
    const DecodedRune d = DecodeRune(s);
    if (d.size == 1 && d.rune == kRuneError) {
      const auto b = static_cast<unsigned char>(s[0]);
      out.append("\\x");
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    } else if (d.rune == '"') {
      out.append("\\\"");
    } else if (d.rune == '\'') {
      out.push_back('\'');  // Only QuoteRune escapes the single quote.
    } else {
      AppendQuotedRune(&out, d.rune);
    }
    s.remove_prefix(d.size);
  }
  out.push_back('"');
  return out;
}

bool ParseBool(std::string_view s, bool* out) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" ||
      s == "True") {
    *out = true;
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" ||
      s == "False") {
    *out = false;
    return true;
  }
  return false;
}

NumError ParseUint(std::string_view s, int base, int bit_size, uint64_t* out) {
  *out = 0;
  if (s.empty()) return NumError::kSyntax;
  const std::string_view whole = s;
  const bool base0 = base == 0;
  if (base == 0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && Lower(s[1]) == 'b') {
        base = 2, s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
        base = 8, s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
        base = 16, s.remove_prefix(2);
      } else {
        base = 8, s.remove_prefix(1);
      }
    }
  }
  if (bit_size == 0) bit_size = 64;
  const uint64_t max_val = bit_size == 64 ? std::numeric_limits<uint64_t>::max()
                                          : (uint64_t{1} << bit_size) - 1;
  bool underscores = false;
  uint64_t n = 0;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = Lower(c) - 'a' + 10;
    } else {
      return NumError::kSyntax;
    }
    if (d >= base) return NumError::kSyntax;
    if (n > (max_val - d) / base) {
      // Go stops at the first overflow: later bad characters are not seen.
      *out = max_val;
      return NumError::kRange;
    }
    n = n * base + d;
  }
  if (underscores && !UnderscoreOK(whole)) return NumError::kSyntax;
  *out = n;
  return NumError::kOk;
}

NumError ParseInt(std::string_view s, int base, int bit_size, int64_t* out) {
  *out = 0;
  if (s.empty()) return NumError::kSyntax;
  bool neg = false;
  std::string_view digits = s;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    digits.remove_prefix(1);
  }
  uint64_t un;
  const NumError e = ParseUint(digits, base, bit_size, &un);
  if (bit_size == 0) bit_size = 64;
  const uint64_t cutoff = uint64_t{1} << (bit_size - 1);
  if (e == NumError::kSyntax) return e;
  if (e == NumError::kRange || (!neg && un >= cutoff) || (neg && un > cutoff)) {
    *out = neg ? -static_cast<int64_t>(cutoff - 1) - 1
               : static_cast<int64_t>(cutoff - 1);
    return NumError::kRange;
  }
  *out = neg ? static_cast<int64_t>(0 - un) : static_cast<int64_t>(un);
  return NumError::kOk;
}

std::string NumErrorText(std::string_view fn, std::string_view s,
                         NumError err) {
  std::string out = "strconv.";
  out.append(fn);
  out.append(": parsing ");
  out.append(Quote(s));
  out.append(err == NumError::kRange ? ": value out of range"
                                     : ": invalid syntax");
  return out;
}

std::string JSONString(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' &&
          c != '&') {
        out.push_back(static_cast<char>(c));
      } else if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
      }
      i++;
      continue;
    }
    DecodedRune r = DecodeRune(s.substr(i));
    if (r.rune == kRuneError && r.size == 1) {
      out += "\\ufffd";
    } else if (r.rune == 0x2028 || r.rune == 0x2029) {
      out += r.rune == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, static_cast<size_t>(r.size)));
    }
    i += static_cast<size_t>(r.size);
  }
  out.push_back('"');
  return out;
}

}  // namespace go::testing::internal
