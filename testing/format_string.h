// Compile-time checking of the format strings given to T::Logf, Errorf,
// Fatalf and Skipf, which follow absl::StrFormat's rules:
//
//   t->Errorf("got %d, want %s", 3, "x");  // fine
//   t->Errorf("got %d", "x");              // compile error: %d needs a number
//   t->Errorf("got %d %d", 1);             // compile error: too few arguments
//
// absl::FormatSpec checks this only with Clang's enable_if attribute; GCC
// needs this consteval parser. It accepts absl's conversions
// (`%[flags][width][.precision][length]conv`, `*` width and precision taking
// an int argument) and adds Go's `%v`, which prints any operand as t->Log
// would (Go's %v; absl of this version has no %v). Positional arguments
// (`%1$d`) are not supported.
//
// Kept light (only <source_location> and <type_traits>): testing.h includes it.

#ifndef GOTEST_TESTING_FORMAT_STRING_H_
#define GOTEST_TESTING_FORMAT_STRING_H_

#include <source_location>
#include <type_traits>

namespace go::testing::internal {

// Operand categories, as absl's FormatConvertImpl overloads accept them.
enum FormatCategory : unsigned {
  kFmtInt = 1,      // integers, char, bool, enums: c d i o u x X f e g a *
  kFmtFloat = 2,    // float, double: f F e E g G a A
  kFmtString = 4,   // const char*, char arrays, std::string(_view): s
  kFmtPointer = 8,  // pointers: p
  kFmtOther = 16,   // anything else: only %v
};

template <typename T>
consteval unsigned FormatCategoryOf() {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_integral_v<U> || std::is_enum_v<U>) {
    return kFmtInt;
  } else if constexpr (std::is_floating_point_v<U>) {
    return kFmtFloat;
  } else if constexpr ((std::is_array_v<U> &&
                        std::is_same_v<
                            std::remove_cv_t<std::remove_extent_t<U>>, char>) ||
                       std::is_same_v<U, const char*> ||
                       std::is_same_v<U, char*>) {
    return kFmtString | kFmtPointer;
  } else if constexpr (std::is_pointer_v<U> || std::is_null_pointer_v<U>) {
    return kFmtPointer;
  } else if constexpr (requires(const U& u) {
                         { u.data() } -> std::convertible_to<const char*>;
                         u.size();
                       }) {
    return kFmtString;
  } else {
    return kFmtOther;
  }
}

// Called only when a check fails: not constexpr, so the compiler reports the
// failing call with the message in its argument.
void FormatStringError(const char* message);

// Which categories each conversion character accepts.
consteval unsigned FormatAccepts(char c) {
  switch (c) {
    case 'c':
    case 'd':
    case 'i':
    case 'o':
    case 'u':
    case 'x':
    case 'X':
      return kFmtInt;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
      return kFmtInt | kFmtFloat;
    case 's':
      return kFmtString;
    case 'p':
      return kFmtPointer;
    case 'v':
      return kFmtInt | kFmtFloat | kFmtString | kFmtPointer | kFmtOther;
    default:
      return 0;
  }
}

// Checks `fmt` against the argument categories `cats[0..n)`.
consteval void CheckFormat(const char* fmt, const unsigned* cats, int n) {
  int arg = 0;
  for (const char* p = fmt; *p != '\0'; p++) {
    if (*p != '%') continue;
    p++;
    if (*p == '%') continue;
    while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0') p++;
    if (*p == '*') {
      if (arg >= n)
        FormatStringError("format string: missing argument for '*' width");
      if (!(cats[arg] & kFmtInt))
        FormatStringError("format string: '*' width needs an int");
      arg++;
      p++;
    } else {
      while (*p >= '0' && *p <= '9') p++;
      if (*p == '$')
        FormatStringError(
            "format string: positional arguments are not supported");
    }
    if (*p == '.') {
      p++;
      if (*p == '*') {
        if (arg >= n)
          FormatStringError(
              "format string: missing argument for '*' precision");
        if (!(cats[arg] & kFmtInt))
          FormatStringError("format string: '*' precision needs an int");
        arg++;
        p++;
      } else {
        while (*p >= '0' && *p <= '9') p++;
      }
    }
    while (*p == 'h' || *p == 'l' || *p == 'L' || *p == 'j' || *p == 'z' ||
           *p == 't' || *p == 'q') {
      p++;
    }
    if (*p == '\0')
      FormatStringError("format string: incomplete conversion at the end");
    unsigned accepts = FormatAccepts(*p);
    if (accepts == 0)
      FormatStringError("format string: unknown conversion character");
    if (arg >= n)
      FormatStringError("format string: more conversions than arguments");
    if (!(cats[arg] & accepts)) {
      FormatStringError(
          "format string: an argument does not match its conversion");
    }
    arg++;
  }
  if (arg != n)
    FormatStringError("format string: more arguments than conversions");
}

// The format parameter of Logf/Errorf/Fatalf/Skipf: a string literal checked
// against the argument types, and the call site (for the `file:line:` prefix).
template <typename... Args>
class FormatString {
 public:
  template <typename S>
  requires std::is_convertible_v<const S&, const char*>
  consteval FormatString(
      const S& s,  // NOLINT: implicit, as absl::FormatSpec
      std::source_location loc = std::source_location::current())
      : str_(s), loc_(loc) {
    constexpr unsigned cats[sizeof...(Args) + 1] = {FormatCategoryOf<Args>()...,
                                                    0};
    CheckFormat(str_, cats, static_cast<int>(sizeof...(Args)));
  }
  const char* str() const { return str_; }
  const std::source_location& loc() const { return loc_; }

 private:
  const char* str_;
  std::source_location loc_;
};

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_FORMAT_STRING_H_
