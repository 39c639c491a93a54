#include "cmd/gotest/testflag.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "testing/duration.h"
#include "testing/strconv.h"

namespace gotest {
namespace {

namespace gt = go::testing::internal;

// The testing package's parsers take std::string_view; Debian's Abseil has
// its own string_view type.
std::string_view SV(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

enum class Kind {
  kBool,
  kInt,
  kDuration,
  kString,
  kV,          // -v: a bool that also takes "test2json"
  kShuffle,    // off, on or an int64
  kOutputDir,  // made absolute, as go test does
  kExec,       // a command, split into words
  kIgnored,    // -vet: accepted for go test's command lines, nothing to do
};

struct FlagDef {
  absl::string_view name;
  Kind kind;
  bool to_test;  // passed on to the binary as -test.name=value
};

// go test's flags (test/flagdefs.go passFlagToTest, test/testflag.go init),
// the build flags we map (-race, -p, -x), and our binaries' -leakcheck.
constexpr FlagDef kFlags[] = {
    {"c", Kind::kBool, false},
    {"o", Kind::kString, false},
    {"exec", Kind::kExec, false},
    {"json", Kind::kBool, false},
    {"vet", Kind::kIgnored, false},
    {"p", Kind::kInt, false},
    {"race", Kind::kBool, false},
    {"x", Kind::kBool, false},
    {"artifacts", Kind::kBool, true},
    {"bench", Kind::kString, true},
    {"benchmem", Kind::kBool, true},
    {"benchtime", Kind::kString, true},
    {"blockprofile", Kind::kString, true},
    {"blockprofilerate", Kind::kString, true},
    {"count", Kind::kInt, true},
    {"coverprofile", Kind::kString, true},
    {"cpu", Kind::kString, true},
    {"cpuprofile", Kind::kString, true},
    {"failfast", Kind::kBool, true},
    {"fullpath", Kind::kBool, true},
    {"fuzz", Kind::kString, true},
    {"fuzzminimizetime", Kind::kString, true},
    {"fuzztime", Kind::kString, true},
    {"junitfile", Kind::kString, true},
    {"leakcheck", Kind::kBool, true},
    {"list", Kind::kString, true},
    {"memprofile", Kind::kString, true},
    {"memprofilerate", Kind::kString, true},
    {"mutexprofile", Kind::kString, true},
    {"mutexprofilefraction", Kind::kString, true},
    {"outputdir", Kind::kOutputDir, true},
    {"parallel", Kind::kInt, true},
    {"run", Kind::kString, true},
    {"short", Kind::kBool, true},
    {"shuffle", Kind::kShuffle, true},
    {"skip", Kind::kString, true},
    {"timeout", Kind::kDuration, true},
    {"trace", Kind::kString, true},
    {"v", Kind::kV, true},
};

// The profile flags that limit go test to one package (testProfile).
constexpr absl::string_view kProfileFlags[] = {
    "blockprofile", "cpuprofile", "memprofile", "mutexprofile", "trace"};

const FlagDef* Lookup(absl::string_view name) {
  absl::string_view base = name;
  bool test_prefix = absl::ConsumePrefix(&base, "test.");
  for (const FlagDef& f : kFlags) {
    if (f.name == base && (!test_prefix || f.to_test)) return &f;
  }
  return nullptr;
}

std::string Cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) != nullptr ? std::string(buf)
                                            : std::string(".");
}

// filepath.Abs + Clean for the -outputdir value.
std::string AbsPath(absl::string_view p) {
  std::string joined =
      absl::StartsWith(p, "/") ? std::string(p) : absl::StrCat(Cwd(), "/", p);
  std::vector<std::string> parts;
  for (absl::string_view part :
       absl::StrSplit(joined, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  std::string out;
  for (const std::string& part : parts) absl::StrAppend(&out, "/", part);
  return out.empty() ? "/" : out;
}

// The state of the flags while parsing (Go's flag.FlagSet values).
struct Values {
  DriverFlags* d;
  bool v_json = false;  // -v=test2json
  int64_t shuffle_seed = 0;
  std::string shuffle = "off";
  bool timeout_set = false;
  bool outputdir_set = false;
  std::vector<std::string> profiles;
};

// Sets flag `def` (looked up as `name`) to `value`; returns Go's error text or
// "" and, for a test flag, its value as go test spells it in -test.name=.
std::string Set(const FlagDef& def, absl::string_view name,
                absl::string_view value, Values* vals, std::string* spelled) {
  DriverFlags* d = vals->d;
  switch (def.kind) {
    case Kind::kBool: {
      bool b;
      if (!gt::ParseBool(SV(value), &b)) {
        return absl::StrCat("invalid boolean value \"", value, "\" for -", name,
                            ": parse error");
      }
      if (def.name == "c") d->c = b;
      if (def.name == "json") d->json = b;
      if (def.name == "race") d->race = b;
      if (def.name == "x") d->x = b;
      if (def.name == "failfast") d->failfast = b;
      *spelled = b ? "true" : "false";
      return "";
    }
    case Kind::kV: {
      bool b;
      if (gt::ParseBool(SV(value), &b)) {
        d->verbose = b;
        vals->v_json = false;
        *spelled = b ? "true" : "false";
      } else if (value == "test2json") {
        d->verbose = true;
        vals->v_json = true;
        *spelled = "test2json";
      } else {
        return absl::StrCat("invalid boolean value \"", value, "\" for -", name,
                            ": invalid flag -test.v=", value);
      }
      return "";
    }
    case Kind::kInt: {
      int64_t n;
      gt::NumError e = gt::ParseInt(SV(value), 0, 64, &n);
      if (e != gt::NumError::kOk) {
        return absl::StrCat(
            "invalid value \"", value, "\" for flag -", name, ": ",
            e == gt::NumError::kRange ? "value out of range" : "parse error");
      }
      if (def.name == "p") {
        if (n < 1)
          return absl::StrCat("-p must be a positive integer, not ", n);
        d->p = n > INT_MAX ? INT_MAX : static_cast<int>(n);
      }
      *spelled = absl::StrCat(n);
      return "";
    }
    case Kind::kDuration: {
      absl::StatusOr<absl::Duration> dur = gt::ParseGoDuration(SV(value));
      if (!dur.ok()) {
        return absl::StrCat("invalid value \"", value, "\" for flag -", name,
                            ": parse error");
      }
      d->timeout = *dur;
      vals->timeout_set = true;
      *spelled = gt::FormatGoDuration(*dur);
      return "";
    }
    case Kind::kShuffle: {
      if (value == "off" || value == "on") {
        vals->shuffle = std::string(value);
      } else {
        int64_t seed;
        gt::NumError e = gt::ParseInt(SV(value), 10, 64, &seed);
        if (e != gt::NumError::kOk) {
          return absl::StrCat(
              "invalid value \"", value, "\" for flag -", name,
              ": -shuffle argument must be \"on\", \"off\", or an int64: ",
              gt::NumErrorText("ParseInt", SV(value), e));
        }
        vals->shuffle = absl::StrCat(seed);
      }
      *spelled = vals->shuffle;
      return "";
    }
    case Kind::kOutputDir:
      vals->outputdir_set = true;
      *spelled = value.empty() ? "" : AbsPath(value);
      return "";
    case Kind::kExec:
      d->exec =
          absl::StrSplit(value, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
      return "";
    case Kind::kIgnored:
      return "";
    case Kind::kString:
      if (def.name == "o") d->o = std::string(value);
      if (def.name == "bench") d->bench = std::string(value);
      if (def.name == "list") d->list = std::string(value);
      for (absl::string_view p : kProfileFlags) {
        if (def.name == p && !value.empty())
          vals->profiles.emplace_back(def.name);
        if (def.name == p && value.empty())
          std::erase(vals->profiles, std::string(def.name));
      }
      *spelled = std::string(value);
      return "";
  }
  return "";
}

SplitResult UsageError(SplitResult r, absl::string_view message) {
  r.exit_code = 2;
  r.message = absl::StrCat(message, message.empty() ? "" : "\n", ShortUsage());
  return r;
}

}  // namespace

std::string ShortUsage() {
  return "usage: gotest [build/test flags] [packages] [build/test flags & test "
         "binary flags]\n"
         "Run 'gotest -help' for details.\n";
}

SplitResult SplitArgs(const std::vector<std::string>& all) {
  SplitResult r;
  Values vals;
  vals.d = &r.driver;
  std::vector<std::string> explicit_args;
  std::string first_unknown;
  bool packages_started = false;  // Go's packageNames != nil
  bool in_pkg_list = false;
  bool after_flag_without_value = false;

  size_t i = 0;
  while (i < all.size()) {
    const std::string& raw = all[i];
    bool was_after_flag_without_value = after_flag_without_value;
    after_flag_without_value = false;

    absl::string_view arg = raw;
    if (absl::StartsWith(arg, "--")) {
      if (arg == "--") {
        explicit_args.insert(explicit_args.end(), all.begin() + i, all.end());
        break;
      }
      arg.remove_prefix(1);
    }
    if (arg == "-?" || arg == "-h" || arg == "-help") {
      r.exit_code = 2;
      r.message = absl::StrCat(
          ShortUsage(),
          "\n"
          "Builds the gotest_test targets of the packages with Bazel and runs "
          "them as\n"
          "go test does. Packages are directories (., ./x, ./x/..., x/... "
          "relative to\n"
          "the current directory) or Bazel patterns (//x/..., //x, "
          "//x:target); none\n"
          "means the package in the current directory (local directory mode).\n"
          "\n"
          "Driver flags:\n"
          "  -c          build the test binaries only (written as <pkg>.test, "
          "see -o)\n"
          "  -o file     with -c, the binary's name (or a directory for "
          "several)\n"
          "  -exec xprog run each test binary as 'xprog binary args...'\n"
          "  -json       print go test -json's event stream\n"
          "  -p n        run at most n test binaries at once (default: the "
          "CPUs)\n"
          "  -race       build with ThreadSanitizer (bazel --config=tsan)\n"
          "  -x          print the bazel and test binary commands\n"
          "Every test flag of go test (-v -run -skip -bench -count -timeout "
          "-cpu\n"
          "-cpuprofile ...) is passed to the binaries; so are unknown flags "
          "and\n"
          "everything after -args. Results are cached in $GOTESTCACHE\n"
          "(default ~/.cache/gotest; 'off' disables); -count=1 bypasses the "
          "cache.\n");
      return r;
    }
    if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-' || arg[1] == '=') {
      // A non-flag argument.
      if (!in_pkg_list && packages_started) {
        if (was_after_flag_without_value) {
          explicit_args.push_back(raw);
          i++;
          continue;
        }
        explicit_args.insert(explicit_args.end(), all.begin() + i, all.end());
        break;
      }
      in_pkg_list = true;
      packages_started = true;
      r.packages.push_back(raw);
      i++;
      continue;
    }
    in_pkg_list = false;

    absl::string_view body = arg.substr(1);
    absl::string_view name = body;
    absl::string_view value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    const FlagDef* def = Lookup(name);
    if (def == nullptr) {
      packages_started = true;
      if (raw == "-args" || raw == "--args") {
        explicit_args.insert(explicit_args.end(), all.begin() + i + 1,
                             all.end());
        break;
      }
      if (first_unknown.empty()) first_unknown = raw;
      explicit_args.push_back(raw);
      i++;
      if (!has_value) after_flag_without_value = true;
      continue;
    }
    i++;
    std::string val;
    if (def->kind == Kind::kBool || def->kind == Kind::kV) {
      val = has_value ? std::string(value) : "true";
    } else if (has_value) {
      val = std::string(value);
    } else if (i < all.size()) {
      val = all[i++];
    } else {
      return UsageError(std::move(r),
                        absl::StrCat("flag needs an argument: -", name));
    }
    std::string spelled;
    if (std::string err = Set(*def, name, val, &vals, &spelled); !err.empty()) {
      return UsageError(std::move(r), err);
    }
    if (def->to_test)
      explicit_args.push_back(absl::StrCat("-test.", def->name, "=", spelled));
  }

  if (!first_unknown.empty() && r.driver.c) {
    return UsageError(std::move(r),
                      absl::StrCat("gotest: unknown flag ", first_unknown,
                                   " cannot be used with -c"));
  }

  std::vector<std::string> injected;
  if (r.driver.json) injected.push_back("-test.json=true");
  if (r.driver.timeout > absl::ZeroDuration() && !vals.timeout_set) {
    injected.push_back(
        absl::StrCat("-test.timeout=", gt::FormatGoDuration(r.driver.timeout)));
  }
  if (!vals.profiles.empty()) {
    for (absl::string_view p : kProfileFlags) {  // Go's testProfile order
      if (std::find(vals.profiles.begin(), vals.profiles.end(), p) !=
          vals.profiles.end()) {
        r.driver.profile = absl::StrCat("-", p);
        break;
      }
    }
    if (!vals.outputdir_set)
      injected.push_back(absl::StrCat("-test.outputdir=", Cwd()));
  }
  for (const std::string& a : explicit_args) {
    if (a == "--") break;
    if (a == "-h" || a == "-help" || a == "--help") {
      r.driver.test_help = true;
      break;
    }
  }
  r.test_args = std::move(injected);
  r.test_args.insert(r.test_args.end(), explicit_args.begin(),
                     explicit_args.end());
  return r;
}

std::vector<std::string> BazelBuildFlags(const DriverFlags& d) {
  std::vector<std::string> flags;
  if (d.race) flags.push_back("--config=tsan");
  if (!d.bench.empty()) {
    flags.push_back("--compilation_mode=opt");
    flags.push_back("--copt=-falign-loops=32");
    flags.push_back("--copt=--param=align-loop-iterations=1");
  }
  return flags;
}

}  // namespace gotest
