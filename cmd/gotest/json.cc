#include "cmd/gotest/json.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "testing/strconv.h"

namespace gotest {

const JsonValue* JsonValue::Get(absl::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &it->second;
}

std::string JsonValue::GetString(absl::string_view key) const {
  const JsonValue* v = Get(key);
  return v != nullptr && v->kind == Kind::kString ? v->str : "";
}

namespace {

// A recursive-descent parser over RFC 8259 JSON.
class Parser {
 public:
  explicit Parser(absl::string_view s) : s_(s) {}

  bool ParseDocument(JsonValue* v) {
    if (!ParseValue(v, 0)) return false;
    SkipSpace();
    return pos_ == s_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r')) {
      pos_++;
    }
  }

  bool Literal(absl::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool ParseValue(JsonValue* v, int depth) {
    if (depth > 200) return false;
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') return ParseObject(v, depth);
    if (c == '[') return ParseArray(v, depth);
    if (c == '"') {
      v->kind = JsonValue::Kind::kString;
      return ParseString(&v->str);
    }
    if (c == 't' || c == 'f') {
      v->kind = JsonValue::Kind::kBool;
      v->b = c == 't';
      return Literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      v->kind = JsonValue::Kind::kNull;
      return Literal("null");
    }
    return ParseNumber(v);
  }

  bool ParseNumber(JsonValue* v) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') pos_++;
    size_t digits = pos_;
    while (pos_ < s_.size() &&
           ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' ||
            s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' ||
            s_[pos_] == '-')) {
      pos_++;
    }
    if (pos_ == digits) return false;
    std::string text(s_.substr(start, pos_ - start));
    char* end = nullptr;
    v->kind = JsonValue::Kind::kNumber;
    v->number = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) {
      char c = s_[pos_++];
      r <<= 4;
      if (c >= '0' && c <= '9') {
        r |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        r |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        r |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *out = r;
    return true;
  }

  bool ParseString(std::string* out) {
    pos_++;  // the opening quote
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t r;
          if (!Hex4(&r)) return false;
          if (r >= 0xD800 && r < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
            size_t save = pos_;
            pos_ += 2;
            uint32_t lo;
            if (Hex4(&lo) && lo >= 0xDC00 && lo < 0xE000) {
              r = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;
              r = 0xFFFD;
            }
          } else if (r >= 0xD800 && r < 0xE000) {
            r = 0xFFFD;
          }
          go::testing::internal::AppendRune(out, r);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool ParseArray(JsonValue* v, int depth) {
    v->kind = JsonValue::Kind::kArray;
    pos_++;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      pos_++;
      return true;
    }
    while (true) {
      v->array.emplace_back();
      if (!ParseValue(&v->array.back(), depth + 1)) return false;
      SkipSpace();
      if (pos_ >= s_.size()) return false;
      char c = s_[pos_++];
      if (c == ']') return true;
      if (c != ',') return false;
    }
  }

  bool ParseObject(JsonValue* v, int depth) {
    v->kind = JsonValue::Kind::kObject;
    pos_++;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      pos_++;
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return false;
      std::string key;
      if (!ParseString(&key)) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_++] != ':') return false;
      JsonValue member;
      if (!ParseValue(&member, depth + 1)) return false;
      v->object[key] = std::move(member);
      SkipSpace();
      if (pos_ >= s_.size()) return false;
      char c = s_[pos_++];
      if (c == '}') return true;
      if (c != ',') return false;
    }
  }

  absl::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<JsonValue> ParseJson(absl::string_view text) {
  JsonValue v;
  Parser p(text);
  if (!p.ParseDocument(&v)) return std::nullopt;
  return v;
}

std::string JsonString(absl::string_view s) {
  return go::testing::internal::JSONString(
      std::string_view(s.data(), s.size()));
}

std::string FormatJsonNumber(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::string FormatEvent(const TestEvent& e) {
  std::string js = "{";
  if (!e.time.empty())
    absl::StrAppend(&js, "\"Time\":", JsonString(e.time), ",");
  absl::StrAppend(&js, "\"Action\":", JsonString(e.action));
  if (!e.package.empty())
    absl::StrAppend(&js, ",\"Package\":", JsonString(e.package));
  if (!e.test.empty()) absl::StrAppend(&js, ",\"Test\":", JsonString(e.test));
  if (e.elapsed.has_value())
    absl::StrAppend(&js, ",\"Elapsed\":", FormatJsonNumber(*e.elapsed));
  if (e.output.has_value())
    absl::StrAppend(&js, ",\"Output\":", JsonString(*e.output));
  if (!e.failed_build.empty()) {
    absl::StrAppend(&js, ",\"FailedBuild\":", JsonString(e.failed_build));
  }
  js += "}\n";
  return js;
}

std::string NowRFC3339Nano() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  std::string frac = absl::StrFormat("%09d", ts.tv_nsec);
  // Go's RFC3339Nano drops trailing zeros of the fraction (and the dot).
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d%s%sZ",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour, tm.tm_min, tm.tm_sec,
                         frac.empty() ? "" : ".", frac);
}

}  // namespace gotest
