#include "testing/fmt.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace go::testing::internal {
namespace {

// Go's %v of a float: strconv.FormatFloat(v, 'g', -1, bits), i.e. the shortest
// digits that round-trip, in %e form when the exponent is < -4 or >= 6 (the
// precision Go uses for this decision when printing shortest), else in %f form;
// "+Inf", "-Inf", "NaN".
template <typename F>
void AppendGoFloat(std::string* out, F v) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buf[64];
  // Shortest round-trip digits in scientific form, e.g. "1.2345e+08".
  const std::to_chars_result sci =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string_view s(buf, static_cast<size_t>(sci.ptr - buf));
  const size_t e = s.find('e');
  int exp = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(),
                  exp);
  if (exp < -4 || exp >= 6) {
    // C's exponent form (sign, at least two digits) is Go's.
    out->append(s);
    return;
  }
  // The same shortest digits written positionally.
  const std::to_chars_result fixed =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  out->append(buf, static_cast<size_t>(fixed.ptr - buf));
}

void AppendValue(std::string* out, const Arg& a) {
  switch (a.kind) {
    case ArgKind::kNil:
      out->append("<nil>");
      return;
    case ArgKind::kString:
      out->append(a.str.data, a.str.size);
      return;
    case ArgKind::kChar:
      out->push_back(a.c);
      return;
    case ArgKind::kBool:
      out->append(a.b ? "true" : "false");
      return;
    case ArgKind::kInt:
      absl::StrAppend(out, a.i);
      return;
    case ArgKind::kUint:
      absl::StrAppend(out, a.u);
      return;
    case ArgKind::kFloat32:
      AppendGoFloat(out, a.f32);
      return;
    case ArgKind::kFloat64:
      AppendGoFloat(out, a.f64);
      return;
    case ArgKind::kPointer:
      absl::StrAppend(out, "0x", absl::Hex(reinterpret_cast<uintptr_t>(a.ptr)));
      return;
    case ArgKind::kCustom:
      a.custom.format(out, a.custom.obj);
      return;
  }
}

}  // namespace

void AppendArg(std::string* out, const Arg& arg) { AppendValue(out, arg); }

namespace {

bool IsString(const Arg& a) {
  return a.kind == ArgKind::kString || a.kind == ArgKind::kChar;
}

}  // namespace

void AppendArgs(std::string* out, const Arg* args, size_t n, bool ln) {
  for (size_t i = 0; i < n; i++) {
    // Sprintln always separates; Sprint only between two non-strings.
    if (i > 0 && (ln || (!IsString(args[i]) && !IsString(args[i - 1])))) {
      out->push_back(' ');
    }
    AppendValue(out, args[i]);
  }
  if (ln) out->push_back('\n');
}

std::string SprintArgs(const Arg* args, size_t n, bool ln) {
  std::string out;
  AppendArgs(&out, args, n, ln);
  return out;
}

void AppendStreamed(std::string* out, const void* obj,
                    void (*stream)(std::ostream& os, const void* obj)) {
  std::ostringstream os;
  stream(os, obj);
  out->append(std::move(os).str());
}

void AppendBytes(std::string* out, const char* data, size_t size) {
  out->append(data, size);
}

void AppendChars(std::string* out, size_t n, char c) { out->append(n, c); }

}  // namespace go::testing::internal
