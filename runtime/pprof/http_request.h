// Copyright 2026 The gotest Authors.
//
// A small, strict HTTP/1.x request-head parser for the /debug/pprof/ server
// (http_server.cc). No well-kept HTTP parser is packaged for this offline
// workspace, and the server needs little: the request line, header fields
// (for Content-Length) and the query string. Strict means RFC 9112's grammar
// without its leniencies: CRLF line ends only, no obsolete line folding, no
// whitespace before a field's colon, token methods, origin-form targets, and
// a bounded head size. Anything else is rejected (400), never guessed at.
// http_request_test.cc runs it on random and mutated inputs.

#ifndef GOTEST_RUNTIME_PPROF_HTTP_REQUEST_H_
#define GOTEST_RUNTIME_PPROF_HTTP_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace go::pprof::internal {

// The most bytes a request head (request line and fields, with the blank
// line) may take: Go's http.DefaultMaxHeaderBytes is 1 MiB; pprof sends a
// few hundred bytes.
inline constexpr size_t kMaxRequestHead = 64 * 1024;

struct HttpRequest {
  std::string method;     // "GET"
  std::string target;     // "/debug/pprof/profile?seconds=5"
  std::string path;       // "/debug/pprof/profile", percent-decoded
  std::string raw_query;  // "seconds=5" (after '?', not decoded)
  int minor_version = 1;  // HTTP/1.<minor>
  // Field names lower-cased, values without surrounding whitespace.
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t content_length = 0;  // 0 if absent
  bool keep_alive = false;     // HTTP/1.1 without "Connection: close"

  // The first field named `name` (lower case), if any.
  std::optional<absl::string_view> Header(absl::string_view name) const;
};

enum class ParseStatus {
  kOk,          // a complete head was parsed
  kIncomplete,  // no blank line yet: read more (unless kMaxRequestHead)
  kBad,         // malformed: answer 400 and close
  kTooLarge,    // the head exceeds kMaxRequestHead: 431
};

struct ParseResult {
  ParseStatus status;
  size_t consumed = 0;  // bytes of the head, on kOk
  std::string error;    // why, on kBad
};

// Parses the request head at the start of buf.
ParseResult ParseRequestHead(absl::string_view buf, HttpRequest* req);

// The value of the first `key` in an application/x-www-form-urlencoded
// query ('+' is a space, %XX decoded), as Go's url.Values.Get: nullopt if
// the key is absent or the query is malformed.
std::optional<std::string> QueryValue(absl::string_view raw_query,
                                      absl::string_view key);

// %XX-decodes s ('+' stays '+' unless plus_is_space). nullopt if a '%' is
// not followed by two hex digits.
std::optional<std::string> PercentDecode(absl::string_view s,
                                         bool plus_is_space);

}  // namespace go::pprof::internal

#endif  // GOTEST_RUNTIME_PPROF_HTTP_REQUEST_H_
