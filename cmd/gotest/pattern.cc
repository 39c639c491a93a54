#include "cmd/gotest/pattern.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gotest {

std::string CleanPath(absl::string_view path) {
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (absl::string_view part : parts) absl::StrAppend(&out, "/", part);
  return out.empty() ? "/" : out;
}

Pattern MapPattern(absl::string_view arg, absl::string_view cwd,
                   absl::string_view root) {
  Pattern p;
  p.arg = std::string(arg);
  std::string cwd_rel;
  if (cwd.size() > root.size())
    cwd_rel = std::string(cwd.substr(root.size() + 1));

  if (absl::StartsWith(arg, "@")) {
    p.error = absl::StrCat("pattern ", arg,
                           ": external repositories are not supported");
    return p;
  }
  if (absl::StartsWith(arg, "//") || absl::StartsWith(arg, ":")) {
    std::string label = absl::StartsWith(arg, ":")
                            ? absl::StrCat("//", cwd_rel, arg)
                            : std::string(arg);
    absl::string_view body = absl::string_view(label).substr(2);
    size_t colon = body.find(':');
    absl::string_view pkg = body.substr(0, colon);
    if (absl::EndsWith(pkg, "/...") || pkg == "...") {
      p.recursive = true;
      pkg = pkg == "..." ? "" : pkg.substr(0, pkg.size() - 4);
      p.dir = std::string(pkg);
      // //x/...:all and friends mean the same packages.
      p.bazel = label;
      return p;
    }
    p.dir = std::string(pkg);
    p.bazel = colon == absl::string_view::npos ? absl::StrCat("//", pkg, ":all")
                                               : label;
    return p;
  }

  // A directory, relative to the current one unless absolute.
  p.is_dir = true;
  absl::string_view path = arg;
  if (path == "...") {
    p.recursive = true;
    path = ".";
  } else if (absl::ConsumeSuffix(&path, "/...")) {
    p.recursive = true;
    if (path.empty()) path = "/";
  }
  if (absl::StrContains(path, "...")) {
    p.error =
        absl::StrCat("pattern ", arg, ": \"...\" is only supported at the end");
    return p;
  }
  std::string abs =
      CleanPath(absl::StartsWith(path, "/") ? std::string(path)
                                            : absl::StrCat(cwd, "/", path));
  if (abs != root && !absl::StartsWith(abs, absl::StrCat(root, "/"))) {
    p.error = absl::StrCat("directory ", path,
                           " is outside the Bazel workspace ", root);
    return p;
  }
  p.dir = abs == root ? "" : abs.substr(root.size() + 1);
  p.bazel = p.recursive
                ? absl::StrCat("//", p.dir, p.dir.empty() ? "" : "/", "...")
                : absl::StrCat("//", p.dir, ":all");
  return p;
}

bool PatternMatchesPackage(const Pattern& p, absl::string_view pkg) {
  if (!p.recursive) return pkg == p.dir;
  return p.dir.empty() || pkg == p.dir ||
         absl::StartsWith(pkg, absl::StrCat(p.dir, "/"));
}

std::string LabelPackage(absl::string_view label) {
  absl::ConsumePrefix(&label, "//");
  return std::string(label.substr(0, label.find(':')));
}

std::string LabelName(absl::string_view label) {
  size_t colon = label.find(':');
  if (colon != absl::string_view::npos)
    return std::string(label.substr(colon + 1));
  size_t slash = label.rfind('/');
  return std::string(label.substr(slash + 1));
}

std::string PackageDisplayName(absl::string_view pkg) {
  return absl::StrCat("//", pkg);
}

std::string DisplayName(absl::string_view label, int targets_in_package) {
  if (targets_in_package == 1) return PackageDisplayName(LabelPackage(label));
  return absl::StrCat("//", LabelPackage(label), ":", LabelName(label));
}

}  // namespace gotest
