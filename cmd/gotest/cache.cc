#include "cmd/gotest/cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cmd/gotest/sha256.h"

namespace gotest {

std::optional<std::vector<std::string>> CacheableArgs(
    const std::vector<std::string>& test_args) {
  static constexpr absl::string_view kKeyed[] = {
      "-test.benchtime", "-test.cpu",   "-test.list",     "-test.parallel",
      "-test.run",       "-test.short", "-test.skip",     "-test.timeout",
      "-test.failfast",  "-test.v",     "-test.fullpath", "-test.json"};
  static constexpr absl::string_view kUnkeyed[] = {"-test.coverprofile",
                                                   "-test.outputdir"};
  std::vector<std::string> keyed;
  for (const std::string& arg : test_args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos || !absl::StartsWith(arg, "-test."))
      return std::nullopt;
    absl::string_view name = absl::string_view(arg).substr(0, eq);
    if (std::find(std::begin(kKeyed), std::end(kKeyed), name) !=
        std::end(kKeyed)) {
      keyed.push_back(arg);
    } else if (std::find(std::begin(kUnkeyed), std::end(kUnkeyed), name) ==
               std::end(kUnkeyed)) {
      return std::nullopt;
    }
  }
  return keyed;
}

std::string CacheKey(absl::string_view binary_sha256,
                     const std::vector<std::string>& cache_args,
                     const std::vector<std::string>& exec,
                     const std::vector<std::string>& env) {
  Sha256 h;
  // Length-prefixed fields: no two different inputs produce the same text.
  auto field = [&](absl::string_view tag, absl::string_view value) {
    h.Write(absl::StrCat(tag, " ", value.size(), ":", value, "\n"));
  };
  field("gotest test result", "v1");
  field("binary", binary_sha256);
  for (const std::string& a : cache_args) field("arg", a);
  for (const std::string& a : exec) field("exec", a);
  for (const std::string& e : env) field("env", e);
  return h.HexSum();
}

std::vector<std::string> KeyedEnvironment(char** environ) {
  static constexpr absl::string_view kNames[] = {
      "GOMAXPROCS=", "GODEBUG=", "GOTRACEBACK=", "TZ=", "HOME=", "TMPDIR="};
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; e++) {
    absl::string_view kv = *e;
    bool keyed = absl::StartsWith(kv, "GOTEST_");
    for (absl::string_view n : kNames) keyed = keyed || absl::StartsWith(kv, n);
    if (keyed) out.emplace_back(kv);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> CachedOutput(absl::string_view data) {
  if (data.empty() || data.back() != '\n') return std::nullopt;
  size_t i = data.substr(0, data.size() - 1).rfind('\n');
  i = i == absl::string_view::npos ? 0 : i + 1;
  constexpr absl::string_view kOk = "ok  \t";
  if (data.substr(i, kOk.size()) != kOk) return std::nullopt;
  size_t j = data.find('\t', i + kOk.size());
  if (j == absl::string_view::npos) return std::nullopt;
  j++;
  std::string out = absl::StrCat(data.substr(0, j), "(cached)");
  while (j < data.size() && ((data[j] >= '0' && data[j] <= '9') ||
                             data[j] == '.' || data[j] == 's')) {
    j++;
  }
  absl::StrAppend(&out, data.substr(j));
  return out;
}

std::string ResultCache::DefaultDir() {
  const char* env = getenv("GOTESTCACHE");
  if (env != nullptr && *env != '\0')
    return std::string(env) == "off" ? "" : std::string(env);
  const char* xdg = getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg == '/') return absl::StrCat(xdg, "/gotest");
  const char* home = getenv("HOME");
  if (home != nullptr && *home == '/')
    return absl::StrCat(home, "/.cache/gotest");
  return "";
}

std::string ResultCache::Path(absl::string_view key) const {
  return absl::StrCat(dir_, "/test/", key.substr(0, 2), "/", key, "-result");
}

std::optional<std::string> ResultCache::Get(absl::string_view key) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(Path(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ResultCache::Put(absl::string_view key, absl::string_view data) const {
  if (!enabled()) return;
  std::string path = Path(key);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      ec);
  if (ec) return;
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace gotest
