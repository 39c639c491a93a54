// Package patterns: what `gotest` accepts on its command line and how each
// maps to a Bazel target pattern, plus the names under which packages are
// printed. A Go programmer types directories (`.`, `./parser`, `./...`,
// `parser/...`, relative to the current directory); a Bazel user types
// labels (`//parser/...`, `//parser`, `//parser:parser_test`, `:t`). Both
// name the same thing: a "package" is a Bazel package, and its tests are its
// gotest_test targets.
//
// Printed names: `//parser` for a package with one gotest_test target (so
// the line reads like go test's import path), `//parser:name` for each
// target of a package that has several. Both print forms are valid
// arguments again: a label without a target (`//parser`) means the whole
// package here (`//parser:all`), not Bazel's `//parser:parser`.

#ifndef GOTEST_CMD_GOTEST_PATTERN_H_
#define GOTEST_CMD_GOTEST_PATTERN_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gotest {

struct Pattern {
  std::string arg;    // as typed, for messages
  std::string bazel;  // a Bazel target pattern: //x/..., //x:all, //x:t
  std::string
      dir;  // the package directory relative to the workspace root ("" = root)
  bool recursive = false;  // x/... : every package under dir
  bool is_dir = false;     // typed as a directory (checked on disk)
  std::string error;       // why it cannot be used (message for stderr)
};

// Maps one package argument. `cwd` and `root` are absolute, `root` is the
// workspace root and `cwd` is inside it.
Pattern MapPattern(absl::string_view arg, absl::string_view cwd,
                   absl::string_view root);

// Whether Bazel package `pkg` (path relative to the root, "" for the root
// package) is one that `p` names.
bool PatternMatchesPackage(const Pattern& p, absl::string_view pkg);

// The package of a label: "//a/b:c" -> "a/b"; and its target name "c".
std::string LabelPackage(absl::string_view label);
std::string LabelName(absl::string_view label);

// The printed name of gotest target `label`, given how many gotest targets
// its package has.
std::string DisplayName(absl::string_view label, int targets_in_package);

// The printed name of a package without gotest targets: "//a/b".
std::string PackageDisplayName(absl::string_view pkg);

// Lexically cleans an absolute path (filepath.Clean): no "." or "..", no
// doubled or trailing slashes.
std::string CleanPath(absl::string_view path);

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_PATTERN_H_
