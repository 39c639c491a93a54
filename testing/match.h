// Go's test-name matching (testing/match.go): how `-run`, `-skip` and
// `-bench` select tests and subtests, and how subtest names are rewritten and
// made unique. Users move their habits (`-run 'TestX/case_1'`, `-skip
// 'slow$'`) and scripts from Go, so the rules are Go's to the byte:
//
//  * a pattern is split on `/` (and on `|` into alternatives) outside `[...]`
//    and `(...)`; element i is an unanchored RE2 search against name element i;
//    a name shorter than the pattern matches "partially" (run it to find
//    subtests); levels beyond the pattern always match;
//  * a test is skipped by `-skip` only by a full (not partial) match;
//  * a subtest name has spaces replaced by `_` and unprintable runes escaped,
//    then gets `#01`, `#02`, ... suffixes when it repeats under one parent;
//    top-level names are used unchanged.

#ifndef GOTEST_TESTING_MATCH_H_
#define GOTEST_TESTING_MATCH_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace re2 {
class RE2;
}

namespace go::testing {
namespace internal {

// Go's rewrite(): white space (Go's isSpace set) becomes `_`, runes that
// strconv.IsPrint rejects become their strconv.QuoteRune escape without the
// quotes (`\x00`, `\u200b`), invalid UTF-8 bytes become U+FFFD.
std::string RewriteName(std::string_view s);

// Go's splitRegexp(): the pattern's alternatives, each a list of per-level
// elements. "A/B|C" is {{"A", "B"}, {"C"}}; "[/]" and "(a|b)/c" keep their
// `/` and `|` inside brackets and parentheses; `\` escapes the next byte.
std::vector<std::vector<std::string>> SplitPattern(std::string_view pattern);

// The text of Go's *regexp/syntax.Error for `pattern` compiled as Go's regexp
// package would ("error parsing regexp: missing closing ]: `[`"), or nullopt if
// it is valid. RE2's own error strings differ from Go's; this maps them.
std::optional<std::string> RegexpError(std::string_view pattern);

// One compiled `-run`/`-skip`/`-bench` pattern (Go's filterMatch).
class Filter {
 public:
  // The filter that Go uses for an empty pattern: for `-run` everything
  // matches (never partially); for `-skip` nothing matches.
  static Filter MatchAll();
  static Filter MatchNone();

  // Splits, rewrites and compiles `pattern`. On an invalid element the status
  // message is Go's text after "testing: invalid regexp for ", e.g.
  // `element 0 of -test.run ("["): error parsing regexp: missing closing ]:
  // `[`` where `flag_name` is "-test.run".
  static absl::StatusOr<Filter> Compile(std::string_view pattern,
                                        std::string_view flag_name);

  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  struct Match {
    bool ok;       // every level present in the name matched
    bool partial;  // ok, and the pattern has more levels than the name
  };
  // Matches the `/`-split name elements.
  Match Matches(const std::vector<std::string_view>& elems) const;

 private:
  Filter() = default;
  // Alternatives of per-level compiled regexps. An empty list of alternatives
  // with match_all_ set is Go's simpleMatch{}; without it, alternationMatch{}.
  std::vector<std::vector<std::unique_ptr<re2::RE2>>> alternatives_;
  bool match_all_ = false;
};

}  // namespace internal

// -list's pattern: one unanchored regexp matched against whole top-level
// names; unlike -run it is neither split on `/` nor rewritten.
class ListFilter {
 public:
  // On an invalid pattern the status message is Go's complete line without
  // the newline: `testing: invalid regexp in -test.list ("["): error parsing
  // regexp: ...`. Go then exits with status 1.
  static absl::StatusOr<ListFilter> Create(std::string_view pattern);

  ListFilter(ListFilter&&) noexcept;
  ListFilter& operator=(ListFilter&&) noexcept;
  ~ListFilter();

  bool Matches(std::string_view name) const;

 private:
  explicit ListFilter(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

// Go's matcher: one per run of tests (or of benchmarks), shared by all
// (sub)tests of that run. Thread-safe.
class Matcher {
 public:
  // `run` is the -run (or -bench) pattern and `run_flag` its name for error
  // messages ("-test.run", "-test.bench"); `skip` is the -skip pattern. On an
  // invalid pattern the status message is Go's complete line without the
  // newline: "testing: invalid regexp for element 0 of -test.run ...". Go then
  // exits with status 1.
  static absl::StatusOr<std::unique_ptr<Matcher>> Create(
      std::string_view run, std::string_view run_flag, std::string_view skip);

  struct Name {
    std::string name;  // the full (sub)test name: rewritten and made unique
    bool ok;           // run it
    bool partial;      // only a prefix of the pattern matched it so far
  };
  // Go's matcher.fullName. `parent` is the parent's full name, or nullopt for a
  // top-level test (whose name is used unchanged and not made unique).
  Name FullName(std::optional<std::string_view> parent,
                std::string_view subname);

  // Go's clearSubNames: forgets the names handed out (e.g. between -count
  // runs).
  void ClearSubNames();

 private:
  Matcher(internal::Filter filter, internal::Filter skip);
  std::string Unique(std::string_view parent, std::string_view subname);

  internal::Filter filter_;
  internal::Filter skip_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, int32_t> sub_names_;
};

}  // namespace go::testing

#endif  // GOTEST_TESTING_MATCH_H_
