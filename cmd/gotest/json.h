// The little JSON the driver reads and writes: Bazel's build event protocol
// file (--build_event_json_file: which targets built, where their binaries
// are, what a failed compile printed) and the test2json event stream that
// `gotest -json` prints, whose field order and string escaping must be
// byte-compatible with `go test -json` (Go's encoding/json), because tools
// such as gotestsum parse it.

#ifndef GOTEST_CMD_GOTEST_JSON_H_
#define GOTEST_CMD_GOTEST_JSON_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gotest {

// A parsed JSON value. Objects keep their keys sorted (std::map): the driver
// only looks fields up, it never re-serializes a parsed value.
struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  double number = 0;
  std::string str;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  // The member `key` of an object, or nullptr (also when this is no object).
  const JsonValue* Get(absl::string_view key) const;
  // Get(key)'s string, or "" when absent or not a string.
  std::string GetString(absl::string_view key) const;
};

// Parses one JSON text (surrounding whitespace allowed). nullopt when `text`
// is not exactly one valid JSON value.
std::optional<JsonValue> ParseJson(absl::string_view text);

// `s` as a JSON string literal the way Go's encoding/json writes it: quotes,
// \" \\ \n \r \t, other control bytes and < > & U+2028 U+2029 as \u00XX /
// \u2028 (HTML-safe), invalid UTF-8 as \ufffd.
std::string JsonString(absl::string_view s);

// One test2json event (cmd/internal/test2json's TestEvent) with the fields in
// Go's order; empty/absent fields are omitted as Go's omitempty does.
struct TestEvent {
  std::string time;  // RFC 3339 with nanoseconds, UTC
  std::string action;
  std::string package;
  std::string test;
  std::optional<double> elapsed;
  std::optional<std::string> output;
  std::string failed_build;
};

// The event as one line of JSON, newline included.
std::string FormatEvent(const TestEvent& e);

// Go's time.Time RFC3339Nano text of the current time in UTC
// ("2026-11-28T20:06:34.085258962Z").
std::string NowRFC3339Nano();

// A float64 as Go's encoding/json writes it (strconv 'f' shortest form for
// the magnitudes an Elapsed has): 0, 0.012, 1.5.
std::string FormatJsonNumber(double v);

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_JSON_H_
