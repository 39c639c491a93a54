#include "cmd/gotest/bazel.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cmd/gotest/exec.h"
#include "cmd/gotest/json.h"
#include "re2/re2.h"

namespace gotest {
namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Flags for every Bazel command: no progress, no colours, no curses.
const std::vector<std::string>& QuietFlags() {
  static const auto* flags = new std::vector<std::string>{
      "--noshow_progress", "--color=no", "--curses=no", "--show_timestamps=no"};
  return *flags;
}

// "file:///a/b" -> "/a/b" (Bazel writes plain absolute paths, no escapes
// beyond what its output paths never contain).
std::string UriPath(absl::string_view uri) {
  absl::ConsumePrefix(&uri, "file://");
  return std::string(uri);
}

// Bazel's ERROR/FATAL lines and what follows them up to the next INFO line:
// what a user needs to see when Bazel itself fails.
std::string ErrorLines(absl::string_view stderr_text) {
  std::string out;
  bool in_error = false;
  for (absl::string_view line : absl::StrSplit(stderr_text, '\n')) {
    if (absl::StartsWith(line, "ERROR:") || absl::StartsWith(line, "FATAL:")) {
      in_error = true;
    } else if (absl::StartsWith(line, "INFO:") ||
               absl::StartsWith(line, "WARNING:") ||
               absl::StartsWith(line, "Loading:") ||
               absl::StartsWith(line, "Analyzing:")) {
      in_error = false;
    }
    if (in_error) absl::StrAppend(&out, line, "\n");
  }
  return out.empty() ? std::string(stderr_text) : out;
}

}  // namespace

std::string FindWorkspaceRoot(absl::string_view start) {
  std::string dir(start);
  while (true) {
    if (IsFile(dir + "/WORKSPACE") || IsFile(dir + "/WORKSPACE.bazel"))
      return dir;
    if (dir == "/" || dir.empty()) return "";
    size_t slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

std::string WorkspaceName(absl::string_view root) {
  for (const char* file : {"/WORKSPACE.bazel", "/WORKSPACE"}) {
    std::string path = absl::StrCat(root, file);
    if (!IsFile(path)) continue;
    std::string text = ReadFile(path);
    std::string name;
    if (RE2::PartialMatch(
            text, R"((?m)^\s*workspace\(\s*name\s*=\s*["']([^"']+)["'])",
            &name)) {
      return name;
    }
    return "__main__";
  }
  return "__main__";
}

absl::StatusOr<Bazel::QueryResult> Bazel::Query(absl::string_view expr,
                                                absl::string_view output) {
  Command cmd;
  cmd.argv = {bazel_, "query", "--keep_going"};
  cmd.argv.insert(cmd.argv.end(), QuietFlags().begin(), QuietFlags().end());
  cmd.argv.push_back(absl::StrCat("--output=", output));
  cmd.argv.push_back(std::string(expr));
  cmd.dir = root_;
  if (trace_)
    std::cerr << "cd " << root_ << "; " << CommandLine(cmd.argv) << std::endl;
  std::string out, err;
  ExitStatus st = Run(
      cmd, [&](absl::string_view s) { out.append(s.data(), s.size()); },
      [&](absl::string_view s) { err.append(s.data(), s.size()); });
  if (!st.started) return absl::FailedPreconditionError(st.start_error);
  // 0: complete; 3: partial results (--keep_going); 7 (and others): failed.
  if (!st.exited || (st.code != 0 && st.code != 3)) {
    return absl::FailedPreconditionError(ErrorLines(err));
  }
  QueryResult r;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    r.lines.emplace_back(line);
  }
  if (st.code == 3) {
    // A recursive pattern over directories without BUILD files is not an
    // error for go test's semantics: the caller says "matched no packages".
    for (absl::string_view line :
         absl::StrSplit(ErrorLines(err), '\n', absl::SkipEmpty())) {
      if (absl::StrContains(line, "no targets found beneath") ||
          absl::StartsWith(line, "ERROR: Evaluation of query") ||
          absl::StrContains(line, "--keep_going")) {
        continue;
      }
      absl::StrAppend(&r.errors, line, "\n");
    }
  }
  return r;
}

absl::StatusOr<Bazel::BuildResult> Bazel::Build(
    const std::vector<std::string>& targets,
    const std::vector<std::string>& extra_flags, const std::string& temp_dir) {
  std::string bep = absl::StrCat(temp_dir, "/build_events.json");
  Command cmd;
  cmd.argv = {bazel_, "build", "--keep_going"};
  cmd.argv.insert(cmd.argv.end(), QuietFlags().begin(), QuietFlags().end());
  cmd.argv.push_back(absl::StrCat("--build_event_json_file=", bep));
  cmd.argv.insert(cmd.argv.end(), extra_flags.begin(), extra_flags.end());
  cmd.argv.push_back("--");
  cmd.argv.insert(cmd.argv.end(), targets.begin(), targets.end());
  cmd.dir = root_;
  if (trace_)
    std::cerr << "cd " << root_ << "; " << CommandLine(cmd.argv) << std::endl;
  std::string err;
  ExitStatus st = Run(
      cmd, [&](absl::string_view s) { err.append(s.data(), s.size()); },
      [&](absl::string_view s) { err.append(s.data(), s.size()); });
  if (!st.started) return absl::FailedPreconditionError(st.start_error);

  BuildResult r;
  r.ok = st.Success();
  r.stderr_text = ErrorLines(err);
  // Named sets of files (the outputs of targets), by id; may refer to others.
  std::map<std::string, JsonValue> named_sets;
  std::map<std::string, std::vector<std::string>>
      target_sets;  // label -> set ids
  std::ifstream in(bep);
  std::string line;
  while (std::getline(in, line)) {
    std::optional<JsonValue> ev = ParseJson(line);
    if (!ev) continue;
    const JsonValue* id = ev->Get("id");
    if (id == nullptr) continue;
    if (const JsonValue* ns = id->Get("namedSet"); ns != nullptr) {
      if (const JsonValue* files = ev->Get("namedSetOfFiles");
          files != nullptr) {
        named_sets[ns->GetString("id")] = *files;
      }
    } else if (const JsonValue* tc = id->Get("targetCompleted");
               tc != nullptr) {
      std::string label = tc->GetString("label");
      Target& t = r.targets[label];
      const JsonValue* completed = ev->Get("completed");
      const JsonValue* success =
          completed ? completed->Get("success") : nullptr;
      t.built = success != nullptr && success->kind == JsonValue::Kind::kBool &&
                success->b;
      if (!t.built || completed == nullptr) continue;
      if (const JsonValue* groups = completed->Get("outputGroup");
          groups != nullptr) {
        for (const JsonValue& g : groups->array) {
          if (g.GetString("name") != "default") continue;
          if (const JsonValue* sets = g.Get("fileSets"); sets != nullptr) {
            for (const JsonValue& s : sets->array)
              target_sets[label].push_back(s.GetString("id"));
          }
        }
      }
    } else if (const JsonValue* ac = id->Get("actionCompleted");
               ac != nullptr) {
      const JsonValue* action = ev->Get("action");
      if (action == nullptr) continue;
      const JsonValue* success = action->Get("success");
      if (success != nullptr && success->kind == JsonValue::Kind::kBool &&
          success->b)
        continue;
      FailedAction fa;
      fa.label = ac->GetString("label");
      if (fa.label.empty()) fa.label = action->GetString("label");
      for (const char* stream : {"stdout", "stderr"}) {
        if (const JsonValue* f = action->Get(stream); f != nullptr) {
          std::string path = UriPath(f->GetString("uri"));
          if (!path.empty()) fa.output += ReadFile(path);
        }
      }
      r.failed_actions.push_back(std::move(fa));
    }
  }
  // The binary of each built target: the default output named like it.
  for (auto& [label, t] : r.targets) {
    std::string name = label.substr(label.find(':') + 1);
    std::vector<std::string> pending = target_sets[label];
    for (size_t k = 0; k < pending.size() && t.binary.empty(); k++) {
      auto it = named_sets.find(pending[k]);
      if (it == named_sets.end()) continue;
      if (const JsonValue* files = it->second.Get("files"); files != nullptr) {
        for (const JsonValue& f : files->array) {
          std::string path = UriPath(f.GetString("uri"));
          if (absl::EndsWith(path, absl::StrCat("/", name))) t.binary = path;
        }
      }
      if (const JsonValue* more = it->second.Get("fileSets"); more != nullptr) {
        for (const JsonValue& s : more->array)
          pending.push_back(s.GetString("id"));
      }
    }
    if (t.binary.empty()) t.built = false;
  }
  return r;
}

}  // namespace gotest
