// Go's fmt rendering of operands, for T::Log, T::Error, T::Skip and friends:
// `t->Log("got", n, ok, nullptr)` prints what Go's `t.Log` (fmt.Sprintln)
// prints for the same values: "got 3 true <nil>". Built-in types render as Go's
// %v (bool as true/false, floats in Go's shortest form 0.1, 1e+06, 1e-05, +Inf,
// NaN; nullptr and null pointers as <nil>); any other type prints through
// AbslStringify or operator<<.
//
// Deliberately light: testing/testing.h includes this header and must compile
// fast, so it pulls in no <string>, <ostream> or Abseil headers. Each operand
// becomes a small type-erased internal::Arg on the caller's stack and all
// formatting happens out of line in fmt.cc. Sprint/Sprintln return
// std::string, which the caller must have declared complete (include
// <string>); the Append* forms need only a forward declaration.
//
// Beyond Go: `char` prints as a character (and counts as a string operand for
// Sprint's spacing), because C++ code logs 'x' meaning a character; signed and
// unsigned char (int8_t, uint8_t) print as numbers, as Go's int8 and uint8.

#ifndef GOTEST_TESTING_FMT_H_
#define GOTEST_TESTING_FMT_H_

#include <cstddef>
#include <iosfwd>
#include <type_traits>
#include <utility>

namespace go::testing {
namespace internal {

enum class ArgKind : unsigned char {
  kNil,  // nullptr, a null pointer or a null const char*: <nil>
  kString,
  kChar,
  kBool,
  kInt,
  kUint,
  kFloat32,
  kFloat64,
  kPointer,  // a non-null pointer: 0x... as Go prints pointers
  kCustom,   // AbslStringify or operator<<
};

// One operand, type-erased. It points into the caller's objects, so it lives
// only as long as the call it is passed to.
struct Arg {
  ArgKind kind = ArgKind::kNil;
  union {
    struct {
      const char* data;
      std::size_t size;
    } str;
    char c;
    bool b;
    long long i;
    unsigned long long u;
    float f32;
    double f64;
    const void* ptr;
    struct {
      const void* obj;
      void (*format)(std::string* out, const void* obj);
    } custom;
  };
};

// Out of line (fmt.cc).
void AppendArgs(std::string* out, const Arg* args, std::size_t n, bool ln);
void AppendArg(std::string* out, const Arg& arg);
std::string SprintArgs(const Arg* args, std::size_t n, bool ln);
void AppendStreamed(std::string* out, const void* obj,
                    void (*stream)(std::ostream& os, const void* obj));
void AppendBytes(std::string* out, const char* data, std::size_t size);
void AppendChars(std::string* out, std::size_t n, char c);

// The sink handed to AbslStringify(sink, value): Abseil's sink interface
// (Append, and AbslFormatFlush so that absl::Format(&sink, ...) works).
class StringifySink {
 public:
  explicit StringifySink(std::string* out) : out_(out) {}
  void Append(const char* data, std::size_t size) {
    AppendBytes(out_, data, size);
  }
  void Append(const char* s) {
    std::size_t n = 0;
    while (s[n] != '\0') n++;
    AppendBytes(out_, s, n);
  }
  template <typename S>
  requires requires(const S& s) { AppendBytes(nullptr, s.data(), s.size()); }
  void Append(const S& s) { AppendBytes(out_, s.data(), s.size()); }
  void Append(std::size_t n, char c) { AppendChars(out_, n, c); }
  template <typename S>
  friend void AbslFormatFlush(StringifySink* sink, const S& s) {
    sink->Append(s);
  }

 private:
  std::string* out_;
};

// std::string, std::string_view, absl::string_view and the like.
template <typename T>
concept StringLike = requires(const T& t) {
  requires std::is_convertible_v<decltype(t.data()), const char*>;
  t.size();
  t.length();
};

template <typename T>
concept HasAbslStringify = requires(StringifySink& sink, const T& v) {
  AbslStringify(sink, v);
};

// With <ostream> not included, only non-member operator<< (the kind users
// write for their types) is found here; built-in types never get this far.
template <typename T>
concept Streamable = requires(std::ostream& os, const T& v) {
  os << v;
};

template <typename T>
void FormatStringify(std::string* out, const void* obj) {
  StringifySink sink(out);
  AbslStringify(sink, *static_cast<const T*>(obj));
}

template <typename T>
void FormatStreamed(std::string* out, const void* obj) {
  AppendStreamed(out, obj, [](std::ostream& os, const void* p) {
    os << *static_cast<const T*>(p);
  });
}

template <typename T>
inline constexpr bool kAlwaysFalse = false;

// Containers (and built-in arrays) print as Go prints slices: "[1 2 3]".
template <typename T>
concept Range = requires(const T& t) {
  t.begin() != t.end();
  ++std::declval<decltype(t.begin())&>();
  *t.begin();
};

template <typename T>
Arg MakeArg(const T& v);

template <typename T>
void FormatRange(std::string* out, const void* obj) {
  const T& range = *static_cast<const T*>(obj);
  AppendChars(out, 1, '[');
  bool first = true;
  for (const auto& elem : range) {
    if (!first) AppendChars(out, 1, ' ');
    first = false;
    AppendArg(out, MakeArg(elem));
  }
  AppendChars(out, 1, ']');
}

template <typename T>
Arg MakeArg(const T& v) {
  using U = std::remove_cv_t<T>;
  Arg a;
  if constexpr (std::is_same_v<U, bool>) {
    a.kind = ArgKind::kBool, a.b = v;
  } else if constexpr (std::is_same_v<U, char>) {
    a.kind = ArgKind::kChar, a.c = v;
  } else if constexpr (std::is_same_v<U, decltype(nullptr)>) {
    a.kind = ArgKind::kNil;
  } else if constexpr (std::is_same_v<U, float>) {
    a.kind = ArgKind::kFloat32, a.f32 = v;
  } else if constexpr (std::is_floating_point_v<U>) {
    a.kind = ArgKind::kFloat64, a.f64 = static_cast<double>(v);
  } else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
    a.kind = ArgKind::kInt, a.i = v;
  } else if constexpr (std::is_integral_v<U>) {
    a.kind = ArgKind::kUint, a.u = v;
  } else if constexpr (std::is_array_v<U> &&
                       std::is_same_v<std::remove_cv_t<std::remove_extent_t<U>>,
                                      char>) {
    // A string literal or char buffer: up to the first NUL.
    std::size_t n = 0;
    while (n < std::extent_v<U> && v[n] != '\0') n++;
    a.kind = ArgKind::kString, a.str = {v, n};
  } else if constexpr (std::is_array_v<U>) {
    // Before the operator<< check, which would print the decayed pointer.
    a.kind = ArgKind::kCustom, a.custom = {&v, &FormatRange<U>};
  } else if constexpr (std::is_same_v<U, const char*> ||
                       std::is_same_v<U, char*>) {
    if (v != nullptr) {
      std::size_t n = 0;
      while (v[n] != '\0') n++;
      a.kind = ArgKind::kString, a.str = {v, n};
    }
  } else if constexpr (std::is_pointer_v<U>) {
    // Before the operator<< check: with <ostream> included, every pointer
    // would stream as a number.
    if (v != nullptr) {
      a.kind = ArgKind::kPointer;
      if constexpr (std::is_function_v<std::remove_pointer_t<U>>) {
        a.ptr = reinterpret_cast<const void*>(v);
      } else {
        a.ptr = const_cast<const void*>(static_cast<const volatile void*>(v));
      }
    }
  } else if constexpr (StringLike<U>) {
    a.kind = ArgKind::kString, a.str = {v.data(), v.size()};
  } else if constexpr (HasAbslStringify<U>) {
    a.kind = ArgKind::kCustom, a.custom = {&v, &FormatStringify<U>};
  } else if constexpr (Streamable<U>) {
    a.kind = ArgKind::kCustom, a.custom = {&v, &FormatStreamed<U>};
  } else if constexpr (Range<U>) {
    a.kind = ArgKind::kCustom, a.custom = {&v, &FormatRange<U>};
  } else if constexpr (std::is_enum_v<U>) {
    return MakeArg(static_cast<std::underlying_type_t<U>>(v));
  } else {
    static_assert(kAlwaysFalse<T>,
                  "go::testing cannot print this type: give it AbslStringify "
                  "or an operator<<(std::ostream&, const T&)");
  }
  return a;
}

}  // namespace internal

// fmt.Sprint: operands in Go's %v, with a space between two operands when
// neither is a string.
template <typename... Ts>
auto Sprint(const Ts&... args) {
  const internal::Arg a[sizeof...(Ts) + 1] = {internal::MakeArg(args)...};
  return internal::SprintArgs(a, sizeof...(Ts), /*ln=*/false);
}

// fmt.Sprintln: operands in Go's %v, always separated by spaces, and a newline.
template <typename... Ts>
auto Sprintln(const Ts&... args) {
  const internal::Arg a[sizeof...(Ts) + 1] = {internal::MakeArg(args)...};
  return internal::SprintArgs(a, sizeof...(Ts), /*ln=*/true);
}

// The same, appending to `out`.
template <typename... Ts>
void AppendSprint(std::string* out, const Ts&... args) {
  const internal::Arg a[sizeof...(Ts) + 1] = {internal::MakeArg(args)...};
  internal::AppendArgs(out, a, sizeof...(Ts), /*ln=*/false);
}
template <typename... Ts>
void AppendSprintln(std::string* out, const Ts&... args) {
  const internal::Arg a[sizeof...(Ts) + 1] = {internal::MakeArg(args)...};
  internal::AppendArgs(out, a, sizeof...(Ts), /*ln=*/true);
}

}  // namespace go::testing

#endif  // GOTEST_TESTING_FMT_H_
