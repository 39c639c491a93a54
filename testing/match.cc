#include "testing/match.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "re2/re2.h"
#include "testing/strconv.h"

namespace go::testing {
namespace internal {
namespace {

// Debian's Abseil has its own absl::string_view, distinct from std's.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Go's regexp/syntax error code texts, indexed by RE2's ErrorCode.
std::string_view GoErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "regexp/syntax: internal error";
  }
}

std::string SyntaxError(std::string_view code, std::string_view expr) {
  return absl::StrCat("error parsing regexp: ", AV(code), ": `", AV(expr), "`");
}

// Where Go's regexp syntax and RE2's differ, brings the pattern to RE2's: Go
// (1.22+) accepts `(?<name>x)`, which this RE2 spells `(?P<name>x)`, and Go
// rejects `\C` (any byte), which RE2 accepts. Literal text (`\Q...\E`) and
// character classes are left alone. Returns the error for `\C`, if any.
std::optional<std::string> ToRE2Syntax(std::string_view s, std::string* out,
                                       bool* inserted_p) {
  bool in_class = false;
  for (size_t i = 0; i < s.size(); i++) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      const char next = s[i + 1];
      if (next == 'C') {
        return SyntaxError("invalid escape sequence", "\\C");
      }
      if (next == 'Q' && !in_class) {
        const size_t end = s.find("\\E", i + 2);
        const size_t stop = end == std::string_view::npos ? s.size() : end + 2;
        out->append(s.substr(i, stop - i));
        i = stop - 1;
        continue;
      }
      out->append(s.substr(i, 2));
      i++;
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < s.size() && s[i + 1] == ':') {
        const size_t end = s.find(":]", i + 2);
        if (end != std::string_view::npos) {
          out->append(s.substr(i, end + 2 - i));
          i = end + 1;
          continue;
        }
      }
      if (c == ']') in_class = false;
      out->push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out->push_back(c);
      // A `]` right after `[` or `[^` is a literal.
      if (i + 1 < s.size() && s[i + 1] == '^') out->push_back(s[++i]);
      if (i + 1 < s.size() && s[i + 1] == ']') out->push_back(s[++i]);
      continue;
    }
    if (c == '(' && s.substr(i, 3) == "(?<") {
      out->append("(?P<");
      *inserted_p = true;
      i += 2;
      continue;
    }
    out->push_back(c);
  }
  return std::nullopt;
}

// Compiles a Go regexp with RE2; sets *error to Go's text on failure.
std::unique_ptr<RE2> CompileGo(std::string_view pattern, std::string* error) {
  std::string re2_pattern;
  bool inserted_p = false;
  if (std::optional<std::string> e =
          ToRE2Syntax(pattern, &re2_pattern, &inserted_p)) {
    *error = *std::move(e);
    return nullptr;
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2_pattern, options);
  if (re->ok()) return re;
  std::string arg = re->error_arg();
  if (re->error_code() == RE2::ErrorBadUTF8) {
    // Go shows the text from the first invalid byte on.
    std::string_view rest = pattern;
    while (!rest.empty()) {
      const DecodedRune d = DecodeRune(rest);
      if (d.rune == kRuneError && d.size == 1) break;
      rest.remove_prefix(d.size);
    }
    arg = std::string(rest);
  } else if (inserted_p && pattern.find("(?P<") == std::string_view::npos) {
    absl::StrReplaceAll({{"(?P<", "(?<"}}, &arg);
  }
  *error = SyntaxError(GoErrorCode(re->error_code()), arg);
  return nullptr;
}

}  // namespace

std::string RewriteName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const DecodedRune d = DecodeRune(s);
    s.remove_prefix(d.size);
    // Go's isSpace here is the same set as unicode.IsSpace.
    if (IsSpace(d.rune)) {
      out.push_back('_');
    } else if (!IsPrint(d.rune)) {
      AppendQuotedRune(&out, d.rune);
    } else {
      AppendRune(&out, d.rune);
    }
  }
  return out;
}

std::vector<std::vector<std::string>> SplitPattern(std::string_view s) {
  std::vector<std::vector<std::string>> alternatives;
  std::vector<std::string> levels;
  int brackets = 0;  // depth of [...]; an unmatched ] is a literal
  int parens = 0;    // depth of (...) outside brackets
  size_t i = 0;
  while (i < s.size()) {
    switch (s[i]) {
      case '[':
        brackets++;
        break;
      case ']':
        if (--brackets < 0) brackets = 0;
        break;
      case '(':
        if (brackets == 0) parens++;
        break;
      case ')':
        if (brackets == 0) parens--;
        break;
      case '\\':
        i++;
        break;
      case '/':
      case '|':
        if (brackets == 0 && parens == 0) {
          levels.emplace_back(s.substr(0, i));
          if (s[i] == '|') alternatives.push_back(std::exchange(levels, {}));
          s.remove_prefix(i + 1);
          i = 0;
          continue;
        }
        break;
      default:
        break;
    }
    i++;
  }
  levels.emplace_back(s);
  alternatives.push_back(std::move(levels));
  return alternatives;
}

std::optional<std::string> RegexpError(std::string_view pattern) {
  std::string error;
  if (CompileGo(pattern, &error) != nullptr) return std::nullopt;
  return error;
}

Filter Filter::MatchAll() {
  Filter f;
  f.match_all_ = true;
  return f;
}

Filter Filter::MatchNone() { return Filter(); }

Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

absl::StatusOr<Filter> Filter::Compile(std::string_view pattern,
                                       std::string_view flag_name) {
  const std::vector<std::vector<std::string>> split = SplitPattern(pattern);
  Filter f;
  for (size_t a = 0; a < split.size(); a++) {
    std::vector<std::unique_ptr<RE2>> levels;
    for (size_t i = 0; i < split[a].size(); i++) {
      const std::string element = RewriteName(split[a][i]);
      std::string error;
      std::unique_ptr<RE2> re = CompileGo(element, &error);
      if (re == nullptr) {
        std::string message = absl::StrFormat("element %d of %s (%s): %s", i,
                                              flag_name, Quote(element), error);
        if (split.size() > 1) {
          message = absl::StrCat("alternation ", a, " of ", message);
        }
        return absl::InvalidArgumentError(message);
      }
      levels.push_back(std::move(re));
    }
    f.alternatives_.push_back(std::move(levels));
  }
  return f;
}

Filter::Match Filter::Matches(
    const std::vector<std::string_view>& elems) const {
  if (alternatives_.empty()) return {match_all_, false};
  for (const std::vector<std::unique_ptr<RE2>>& levels : alternatives_) {
    bool ok = true;
    for (size_t i = 0; i < elems.size() && i < levels.size(); i++) {
      if (!RE2::PartialMatch(elems[i], *levels[i])) {
        ok = false;
        break;
      }
    }
    if (ok) return {true, elems.size() < levels.size()};
  }
  return {false, false};
}

}  // namespace internal

absl::StatusOr<ListFilter> ListFilter::Create(std::string_view pattern) {
  std::string error;
  std::unique_ptr<RE2> re = internal::CompileGo(pattern, &error);
  if (re == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("testing: invalid regexp in -test.list (%s): %s",
                        internal::Quote(pattern), error));
  }
  return ListFilter(std::move(re));
}

ListFilter::ListFilter(std::unique_ptr<RE2> re) : re_(std::move(re)) {}
ListFilter::ListFilter(ListFilter&&) noexcept = default;
ListFilter& ListFilter::operator=(ListFilter&&) noexcept = default;
ListFilter::~ListFilter() = default;

bool ListFilter::Matches(std::string_view name) const {
  return RE2::PartialMatch(name, *re_);
}

namespace {

// Go's parseSubtestNumber: splits "prefix#NN" where NN could have come from
// the "%02d" of unique(); otherwise {s, 0}.
std::pair<std::string_view, int32_t> ParseSubtestNumber(std::string_view s) {
  const size_t hash = s.rfind('#');
  if (hash == std::string_view::npos) return {s, 0};
  const std::string_view prefix = s.substr(0, hash);
  const std::string_view suffix = s.substr(hash + 1);
  if (suffix.size() < 2 || (suffix.size() > 2 && suffix[0] == '0')) {
    return {s, 0};
  }
  // "#00" is only ever the suffix of an empty subtest name.
  if (suffix == "00" && !prefix.ends_with('/')) return {s, 0};
  int64_t n;
  if (internal::ParseInt(suffix, 10, 32, &n) != internal::NumError::kOk ||
      n < 0) {
    return {s, 0};
  }
  return {prefix, static_cast<int32_t>(n)};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Matcher>> Matcher::Create(
    std::string_view run, std::string_view run_flag, std::string_view skip) {
  absl::StatusOr<internal::Filter> filter = internal::Filter::MatchAll();
  if (!run.empty()) filter = internal::Filter::Compile(run, run_flag);
  if (!filter.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "testing: invalid regexp for ", filter.status().message()));
  }
  absl::StatusOr<internal::Filter> skip_filter = internal::Filter::MatchNone();
  if (!skip.empty())
    skip_filter = internal::Filter::Compile(skip, "-test.skip");
  if (!skip_filter.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "testing: invalid regexp for ", skip_filter.status().message()));
  }
  return std::unique_ptr<Matcher>(
      new Matcher(*std::move(filter), *std::move(skip_filter)));
}

Matcher::Matcher(internal::Filter filter, internal::Filter skip)
    : filter_(std::move(filter)), skip_(std::move(skip)) {}

Matcher::Name Matcher::FullName(std::optional<std::string_view> parent,
                                std::string_view subname) {
  std::string name;
  if (parent.has_value()) {
    std::lock_guard<std::mutex> lock(mu_);
    name = Unique(*parent, internal::RewriteName(subname));
  } else {
    name = std::string(subname);
  }
  // The whole name is split each time: a pattern level may match a `/` that
  // came from inside a t.Run argument.
  std::vector<std::string_view> elems;
  for (std::string_view rest = name;;) {
    const size_t slash = rest.find('/');
    elems.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  const internal::Filter::Match m = filter_.Matches(elems);
  if (!m.ok) return {std::move(name), false, false};
  // A partial skip match does not skip: a subtest may still match fully.
  const internal::Filter::Match s = skip_.Matches(elems);
  if (s.ok && !s.partial) return {std::move(name), false, false};
  return {std::move(name), true, m.partial};
}

void Matcher::ClearSubNames() {
  std::lock_guard<std::mutex> lock(mu_);
  sub_names_.clear();
}

std::string Matcher::Unique(std::string_view parent, std::string_view subname) {
  std::string base(parent);
  base.push_back('/');
  base.append(subname);
  while (true) {
    int32_t& count = sub_names_[base];
    const int32_t n = count;
    if (n < 0) {
      // Go panics here too; 2^31 subtests of one name cannot happen in
      // practice.
      std::abort();
    }
    count = n + 1;
    if (n == 0 && !subname.empty()) {
      // A name typed as "sub#NN" collides with the NNth automatic "sub#NN"
      // already handed out: disambiguate it with a further suffix.
      const auto [prefix, nn] = ParseSubtestNumber(base);
      if (prefix.size() < base.size()) {
        const auto it = sub_names_.find(internal::AV(prefix));
        if (it != sub_names_.end() && nn < it->second) continue;
      }
      return base;
    }
    std::string name = absl::StrFormat("%s#%02d", base, n);
    const auto it = sub_names_.find(name);
    if (it != sub_names_.end() && it->second != 0) continue;
    return name;
  }
}

}  // namespace go::testing
