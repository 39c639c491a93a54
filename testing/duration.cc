#include "testing/duration.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace go::testing::internal {
namespace {

// Debian's Abseil has its own absl::string_view, distinct from std's.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

constexpr uint64_t kTwo63 = uint64_t{1} << 63;

// time's quote(): ASCII as is (with \" and \\), every other byte as \xNN.
std::string TimeQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || c < ' ') {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(ch);
    }
  }
  out.push_back('"');
  return out;
}

absl::Status DurationError(std::string_view message, std::string_view orig) {
  return absl::InvalidArgumentError(
      absl::StrCat("time: ", AV(message), " ", TimeQuote(orig)));
}

std::optional<uint64_t> UnitNanos(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\u00b5s" || u == "\u03bcs") return 1000;
  if (u == "ms") return 1000000;
  if (u == "s") return 1000000000;
  if (u == "m") return uint64_t{60} * 1000000000;
  if (u == "h") return uint64_t{3600} * 1000000000;
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Appends v/10^prec with `prec` fractional digits, trailing zeros (and the
// point) dropped: Go's fmtFrac + fmtInt.
void AppendScaled(std::string* out, uint64_t v, int prec) {
  std::string frac;
  bool print = false;
  for (int i = 0; i < prec; i++) {
    const uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  absl::StrAppend(out, v);
  if (print) absl::StrAppend(out, ".", frac);
}

}  // namespace

absl::StatusOr<absl::Duration> ParseGoDuration(std::string_view s) {
  const std::string_view orig = s;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return absl::ZeroDuration();
  if (s.empty()) return DurationError("invalid duration", orig);
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) {
      return DurationError("invalid duration", orig);
    }
    // The integer part; more than 2^63 is an overflow.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); i++) {
      if (v > kTwo63 / 10) return DurationError("invalid duration", orig);
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kTwo63) return DurationError("invalid duration", orig);
    }
    const bool pre = i > 0;
    s.remove_prefix(i);
    // The fraction: digits past int64 precision are skipped, not an error.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      size_t j = 0;
      for (; j < s.size() && IsDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > (kTwo63 - 1) / 10) {
          overflow = true;
          continue;
        }
        const uint64_t y = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (y > kTwo63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return DurationError("invalid duration", orig);
    size_t u = 0;
    while (u < s.size() && !(s[u] == '.' || IsDigit(s[u]))) u++;
    if (u == 0) return DurationError("missing unit in duration", orig);
    const std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    const std::optional<uint64_t> unit = UnitNanos(unit_name);
    if (!unit) {
      return DurationError(
          absl::StrCat("unknown unit ", TimeQuote(unit_name), " in duration"),
          orig);
    }
    if (v > kTwo63 / *unit) return DurationError("invalid duration", orig);
    v *= *unit;
    if (f > 0) {
      // As Go: float64 keeps fractions of hours nanosecond-accurate.
      v += static_cast<uint64_t>(static_cast<double>(f) *
                                 (static_cast<double>(*unit) / scale));
      if (v > kTwo63) return DurationError("invalid duration", orig);
    }
    total += v;
    if (total > kTwo63) return DurationError("invalid duration", orig);
  }
  if (neg) {
    // -2^63 is representable; 0 - total wraps to the right int64.
    return absl::Nanoseconds(static_cast<int64_t>(0 - total));
  }
  if (total > kTwo63 - 1) return DurationError("invalid duration", orig);
  return absl::Nanoseconds(static_cast<int64_t>(total));
}

std::string FormatGoDuration(absl::Duration d) {
  // ToInt64Nanoseconds truncates toward zero and saturates, as a conversion
  // to Go's Duration would.
  const int64_t ns = absl::ToInt64Nanoseconds(d);
  if (ns == 0) return "0s";
  const bool neg = ns < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string out = neg ? "-" : "";
  if (u < 1000000000) {
    if (u < 1000) {
      absl::StrAppend(&out, u, "ns");
    } else if (u < 1000000) {
      AppendScaled(&out, u, 3);
      out.append("\u00b5s");
    } else {
      AppendScaled(&out, u, 6);
      out.append("ms");
    }
    return out;
  }
  const uint64_t secs = u / 1000000000;
  const uint64_t frac_ns = u % 1000000000;
  std::string seconds;
  AppendScaled(&seconds, (secs % 60) * 1000000000 + frac_ns, 9);
  if (secs < 60) return absl::StrCat(out, seconds, "s");
  const uint64_t mins = secs / 60;
  if (mins < 60) return absl::StrCat(out, mins, "m", seconds, "s");
  return absl::StrCat(out, mins / 60, "h", mins % 60, "m", seconds, "s");
}

}  // namespace go::testing::internal
