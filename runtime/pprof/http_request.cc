// Copyright 2026 The gotest Authors.
//
// The strict HTTP/1.x request-head parser (see http_request.h).

#include "runtime/pprof/http_request.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace go::pprof::internal {

namespace {

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Visible ASCII, space, tab and obs-text; no control characters.
bool IsFieldValue(absl::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == '\t' || u == ' ' || (u > 0x20 && u != 0x7f)) continue;
    return false;
  }
  return true;
}

// An origin-form target: '/' then visible ASCII.
bool IsOriginForm(absl::string_view s) {
  if (s.empty() || s[0] != '/') return false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ParseResult Bad(std::string why) {
  return ParseResult{ParseStatus::kBad, 0, std::move(why)};
}

}  // namespace

std::optional<absl::string_view> HttpRequest::Header(
    absl::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return absl::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> PercentDecode(absl::string_view s,
                                         bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> QueryValue(absl::string_view raw_query,
                                      absl::string_view key) {
  for (absl::string_view pair : absl::StrSplit(raw_query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::optional<std::string> k =
        PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
    if (!k) return std::nullopt;
    if (*k != key) continue;
    if (eq == absl::string_view::npos) return std::string();
    return PercentDecode(pair.substr(eq + 1), /*plus_is_space=*/true);
  }
  return std::nullopt;
}

ParseResult ParseRequestHead(absl::string_view buf, HttpRequest* req) {
  size_t end = buf.find("\r\n\r\n");
  if (end == absl::string_view::npos) {
    if (buf.size() >= kMaxRequestHead) return {ParseStatus::kTooLarge, 0, ""};
    return {ParseStatus::kIncomplete, 0, ""};
  }
  size_t consumed = end + 4;
  if (consumed > kMaxRequestHead) return {ParseStatus::kTooLarge, 0, ""};
  absl::string_view head = buf.substr(0, end);
  // A bare CR or LF anywhere is malformed (RFC 9112 section 2.2 allows
  // recipients to reject them).
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  for (absl::string_view l : lines) {
    if (l.find_first_of("\r\n") != absl::string_view::npos) {
      return Bad("bare CR or LF");
    }
  }
  // Request line: method SP target SP HTTP/1.x, single spaces.
  std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3) return Bad("malformed request line");
  if (!IsToken(parts[0])) return Bad("malformed method");
  if (!IsOriginForm(parts[1])) return Bad("malformed request target");
  if (parts[2] == "HTTP/1.1") {
    req->minor_version = 1;
  } else if (parts[2] == "HTTP/1.0") {
    req->minor_version = 0;
  } else {
    return Bad("unsupported HTTP version");
  }
  req->method = std::string(parts[0]);
  req->target = std::string(parts[1]);
  absl::string_view target = parts[1];
  size_t q = target.find('?');
  std::optional<std::string> path =
      PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
  if (!path) return Bad("malformed escape in request path");
  req->path = std::move(*path);
  req->raw_query = q == absl::string_view::npos
                       ? std::string()
                       : std::string(target.substr(q + 1));
  req->headers.clear();
  bool have_length = false;
  bool close = req->minor_version == 0;
  for (size_t i = 1; i < lines.size(); i++) {
    absl::string_view l = lines[i];
    if (!l.empty() && (l[0] == ' ' || l[0] == '\t')) {
      return Bad("obsolete line folding");
    }
    size_t colon = l.find(':');
    if (colon == absl::string_view::npos) return Bad("malformed header line");
    absl::string_view name = l.substr(0, colon);
    if (!IsToken(name)) return Bad("malformed header field name");
    absl::string_view value = absl::StripAsciiWhitespace(l.substr(colon + 1));
    if (!IsFieldValue(value)) return Bad("malformed header field value");
    std::string lname = absl::AsciiStrToLower(name);
    if (lname == "content-length") {
      int64_t n;
      if (have_length || value.empty() ||
          value.find_first_not_of("0123456789") != absl::string_view::npos ||
          !absl::SimpleAtoi(value, &n) || n < 0) {
        return Bad("invalid Content-Length");
      }
      have_length = true;
      req->content_length = n;
    } else if (lname == "transfer-encoding") {
      // Chunked request bodies are not needed by pprof; refuse them rather
      // than misread the stream.
      return Bad("Transfer-Encoding is not supported");
    } else if (lname == "connection") {
      for (absl::string_view t : absl::StrSplit(value, ',')) {
        t = absl::StripAsciiWhitespace(t);
        if (absl::EqualsIgnoreCase(t, "close")) close = true;
        if (absl::EqualsIgnoreCase(t, "keep-alive")) close = false;
      }
    }
    req->headers.emplace_back(std::move(lname), std::string(value));
  }
  if (!have_length) req->content_length = 0;
  req->keep_alive = !close;
  return ParseResult{ParseStatus::kOk, consumed, ""};
}

}  // namespace go::pprof::internal
