#include "testing/flag.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "testing/duration.h"
#include "testing/strconv.h"

namespace go::testing {
namespace {

// Debian's Abseil has its own absl::string_view, distinct from std's.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

using internal::NumError;

// The Go flag.Value type behind each testing flag: it decides the syntax
// (booleans take no separate argument), the parser, the error texts and the
// type name and zero value shown by the usage.
enum class Kind { kBool, kChatty, kString, kInt, kUint, kDuration, kBenchTime };

struct FlagDef {
  std::string_view name;  // Go's name without the "test." prefix
  Kind kind;
  std::string_view usage;  // Go's usage text, `name` in back quotes
  bool Flags::*b = nullptr;
  std::string Flags::*s = nullptr;
  int64_t Flags::*i = nullptr;
};

// Go 1.26's texts (testing.go, benchmark.go), plus -json and -leakcheck.
// Sorted by name, as Go's usage lists them.
const std::vector<FlagDef>& Defs() {
  static const std::vector<FlagDef>* const defs = new std::vector<FlagDef>{
      {"bench", Kind::kString, "run only benchmarks matching `regexp`", nullptr,
       &Flags::bench},
      {"benchmem", Kind::kBool, "print memory allocations for benchmarks",
       &Flags::benchmem},
      {"benchtime", Kind::kBenchTime,
       "run each benchmark for duration `d` or N times if `d` is of the form "
       "Nx"},
      {"blockprofile", Kind::kString,
       "write a goroutine blocking profile to `file`", nullptr,
       &Flags::blockprofile},
      {"blockprofilerate", Kind::kInt,
       "set blocking profile `rate` (see runtime.SetBlockProfileRate)", nullptr,
       nullptr, &Flags::blockprofilerate},
      {"count", Kind::kUint, "run tests and benchmarks `n` times"},
      {"cpu", Kind::kString,
       "comma-separated `list` of cpu counts to run each test with", nullptr,
       &Flags::cpu},
      {"cpuprofile", Kind::kString, "write a cpu profile to `file`", nullptr,
       &Flags::cpuprofile},
      {"failfast", Kind::kBool,
       "do not start new tests after the first test failure", &Flags::failfast},
      {"fullpath", Kind::kBool, "show full file names in error messages",
       &Flags::fullpath},
      {"json", Kind::kBool,
       "write the test2json event stream (as go test -json does) to standard "
       "output",
       &Flags::json},
      {"junitfile", Kind::kString,
       "write a JUnit XML report of the tests to `file` "
       "($XML_OUTPUT_FILE under bazel test)",
       nullptr, &Flags::junitfile},
      {"leakcheck", Kind::kBool,
       "fail a test that leaves goroutines it started running",
       &Flags::leakcheck},
      {"list", Kind::kString,
       "list tests, examples, and benchmarks matching `regexp` then exit",
       nullptr, &Flags::list},
      {"memprofile", Kind::kString, "write an allocation profile to `file`",
       nullptr, &Flags::memprofile},
      {"memprofilerate", Kind::kInt,
       "set memory allocation profiling `rate` (see runtime.MemProfileRate)",
       nullptr, nullptr, &Flags::memprofilerate},
      {"mutexprofile", Kind::kString,
       "write a mutex contention profile to the named file after execution",
       nullptr, &Flags::mutexprofile},
      {"mutexprofilefraction", Kind::kInt,
       "if >= 0, calls runtime.SetMutexProfileFraction()", nullptr, nullptr,
       &Flags::mutexprofilefraction},
      {"outputdir", Kind::kString, "write profiles to `dir`", nullptr,
       &Flags::outputdir},
      {"parallel", Kind::kInt, "run at most `n` tests in parallel", nullptr,
       nullptr, &Flags::parallel},
      {"run", Kind::kString, "run only tests and examples matching `regexp`",
       nullptr, &Flags::run},
      {"short", Kind::kBool, "run smaller test suite to save time",
       &Flags::short_mode},
      {"shuffle", Kind::kString,
       "randomize the execution order of tests and benchmarks", nullptr,
       &Flags::shuffle},
      {"skip", Kind::kString, "do not list or run tests matching `regexp`",
       nullptr, &Flags::skip},
      {"timeout", Kind::kDuration,
       "panic test binary after duration `d` (default 0, timeout disabled)"},
      {"trace", Kind::kString, "write an execution trace to `file`", nullptr,
       &Flags::trace},
      {"v", Kind::kChatty, "verbose: print additional output"},
  };
  return *defs;
}

const FlagDef* FindDef(std::string_view name) {
  // Both spellings: Go's "test.v" and the short "v".
  if (name.starts_with("test.")) name.remove_prefix(5);
  for (const FlagDef& def : Defs()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

Flags DefaultFlags(int gomaxprocs) {
  Flags flags;
  flags.parallel = gomaxprocs;
  return flags;
}

// The flag's value as Go's flag.Value.String() prints it.
std::string ValueString(const FlagDef& def, const Flags& flags) {
  switch (def.kind) {
    case Kind::kBool:
      return flags.*def.b ? "true" : "false";
    case Kind::kChatty:
      return flags.test2json ? "test2json" : flags.verbose ? "true" : "false";
    case Kind::kString:
      return flags.*def.s;
    case Kind::kInt:
      return absl::StrCat(flags.*def.i);
    case Kind::kUint:
      return absl::StrCat(flags.count);
    case Kind::kDuration:
      return internal::FormatGoDuration(flags.timeout);
    case Kind::kBenchTime:
      return flags.benchtime.n > 0
                 ? absl::StrCat(flags.benchtime.n, "x")
                 : internal::FormatGoDuration(flags.benchtime.d);
  }
  return "";
}

// Go's flag.Value.Set for each kind; the error is what Go's failf appends.
std::optional<std::string> SetValue(const FlagDef& def, std::string_view value,
                                    Flags* flags) {
  switch (def.kind) {
    case Kind::kBool: {
      bool b;
      if (!internal::ParseBool(value, &b)) return "parse error";
      flags->*def.b = b;
      return std::nullopt;
    }
    case Kind::kChatty:
      // testing's chattyFlag accepts only these three.
      if (value == "true" || value == "test2json") {
        flags->verbose = true;
        flags->test2json = value == "test2json";
        return std::nullopt;
      }
      if (value == "false") {
        flags->verbose = false;
        flags->test2json = false;
        return std::nullopt;
      }
      return absl::StrCat("invalid flag -test.v=", AV(value));
    case Kind::kString:
      flags->*def.s = std::string(value);
      return std::nullopt;
    case Kind::kInt:
    case Kind::kUint: {
      NumError e;
      if (def.kind == Kind::kInt) {
        e = internal::ParseInt(value, 0, 64, &(flags->*def.i));
      } else {
        e = internal::ParseUint(value, 0, 64, &flags->count);
      }
      if (e == NumError::kOk) return std::nullopt;
      // Go's flag keeps the zero value Set left behind; a failed parse exits.
      return e == NumError::kRange ? "value out of range" : "parse error";
    }
    case Kind::kDuration: {
      absl::StatusOr<absl::Duration> d = internal::ParseGoDuration(value);
      if (!d.ok()) return "parse error";
      flags->timeout = *d;
      return std::nullopt;
    }
    case Kind::kBenchTime: {
      if (value.ends_with('x')) {
        int64_t n;
        if (internal::ParseInt(value.substr(0, value.size() - 1), 10, 64, &n) !=
                NumError::kOk ||
            n <= 0) {
          return "invalid count";
        }
        flags->benchtime = BenchTime{absl::ZeroDuration(), n};
        return std::nullopt;
      }
      absl::StatusOr<absl::Duration> d = internal::ParseGoDuration(value);
      if (!d.ok() || *d <= absl::ZeroDuration()) return "invalid duration";
      flags->benchtime = BenchTime{*d, 0};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Abseil's own flags (--help, --flagfile, ...) are not the test binary's.
bool IsUserFlag(const absl::CommandLineFlag& flag) {
  return !absl::StrContains(flag.Filename(), "absl/flags/");
}

absl::CommandLineFlag* FindUserFlag(std::string_view name) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(AV(name));
  return flag != nullptr && IsUserFlag(*flag) ? flag : nullptr;
}

// One line of Go's PrintDefaults.
struct UsageEntry {
  std::string name;       // without the leading '-'
  std::string type_name;  // Go's type name when the usage has no `name`
  std::string usage;
  std::optional<std::string> default_text;  // "(default ...)" content
};

// Go's UnquoteUsage + PrintDefaults formatting for one flag.
std::string FormatUsageEntry(const UsageEntry& e) {
  std::string name = e.type_name;
  std::string usage = e.usage;
  if (const size_t open = usage.find('`'); open != std::string::npos) {
    if (const size_t close = usage.find('`', open + 1);
        close != std::string::npos) {
      name = usage.substr(open + 1, close - open - 1);
      usage =
          absl::StrCat(usage.substr(0, open), name, usage.substr(close + 1));
    }
  }
  std::string line = absl::StrCat("  -", e.name);
  if (!name.empty()) absl::StrAppend(&line, " ", name);
  // One-letter boolean flags keep the usage on their line.
  if (line.size() <= 4) {
    line.push_back('\t');
  } else {
    line.append("\n    \t");
  }
  line.append(absl::StrReplaceAll(usage, {{"\n", "\n    \t"}}));
  if (e.default_text)
    absl::StrAppend(&line, " (default ", *e.default_text, ")");
  line.push_back('\n');
  return line;
}

std::string_view GoTypeName(Kind kind) {
  switch (kind) {
    case Kind::kBool:
    case Kind::kChatty:
      return "";
    case Kind::kString:
      return "string";
    case Kind::kInt:
      return "int";
    case Kind::kUint:
      return "uint";
    case Kind::kDuration:
      return "duration";
    case Kind::kBenchTime:
      return "value";
  }
  return "value";
}

std::string_view ZeroValue(Kind kind) {
  switch (kind) {
    case Kind::kBool:
    case Kind::kChatty:
      return "false";
    case Kind::kString:
      return "";
    case Kind::kInt:
    case Kind::kUint:
      return "0";
    case Kind::kDuration:
    case Kind::kBenchTime:
      return "0s";
  }
  return "";
}

// The Go type an Abseil flag's C++ type corresponds to, and its zero value.
std::pair<std::string, std::string> AbslTypeNameAndZero(
    const absl::CommandLineFlag& flag) {
  if (flag.IsOfType<bool>()) return {"", "false"};
  if (flag.IsOfType<std::string>()) return {"string", ""};
  if (flag.IsOfType<int>() || flag.IsOfType<long>() ||
      flag.IsOfType<long long>() || flag.IsOfType<short>()) {
    return {"int", "0"};
  }
  if (flag.IsOfType<unsigned>() || flag.IsOfType<unsigned long>() ||
      flag.IsOfType<unsigned long long>() || flag.IsOfType<unsigned short>()) {
    return {"uint", "0"};
  }
  if (flag.IsOfType<double>() || flag.IsOfType<float>()) return {"float", "0"};
  if (flag.IsOfType<absl::Duration>()) return {"duration", "0"};
  return {"value", ""};
}

// Go says "parse error" for a bad value of its built-in flag types; other
// types keep Abseil's explanation.
std::string AbslFlagError(const absl::CommandLineFlag& flag,
                          std::string_view value, std::string abseil_error) {
  const std::string type_name = AbslTypeNameAndZero(flag).first;
  if (type_name == "value") return abseil_error;
  // Go's numeric flags tell a number that does not fit from a malformed one.
  int64_t i;
  uint64_t u;
  if ((type_name == "int" &&
       internal::ParseInt(value, 0, 64, &i) == NumError::kRange) ||
      (type_name == "uint" &&
       internal::ParseUint(value, 0, 64, &u) == NumError::kRange)) {
    return "value out of range";
  }
  return "parse error";
}

std::string Failure(std::string_view program, int gomaxprocs,
                    std::string_view message) {
  return absl::StrCat(AV(message), "\n", Usage(program, gomaxprocs));
}

}  // namespace

FlagParseResult ParseFlags(int argc, char** argv, int gomaxprocs) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; i++) args.emplace_back(argv[i]);
  return ParseFlags(argc > 0 ? argv[0] : "", args, gomaxprocs);
}

std::string Usage(std::string_view program, int gomaxprocs) {
  std::vector<UsageEntry> entries;
  const Flags defaults = DefaultFlags(gomaxprocs);
  for (const FlagDef& def : Defs()) {
    UsageEntry e{absl::StrCat("test.", AV(def.name)),
                 std::string(GoTypeName(def.kind)), std::string(def.usage),
                 std::nullopt};
    const std::string value = ValueString(def, defaults);
    if (value != ZeroValue(def.kind)) {
      e.default_text =
          def.kind == Kind::kString ? internal::Quote(value) : value;
    }
    entries.push_back(std::move(e));
  }
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsUserFlag(*flag) || FindDef({name.data(), name.size()}) != nullptr) {
      continue;
    }
    auto [type_name, zero] = AbslTypeNameAndZero(*flag);
    UsageEntry e{std::string(name), type_name, flag->Help(), std::nullopt};
    const std::string value = flag->DefaultValue();
    if (value != zero) {
      e.default_text =
          flag->IsOfType<std::string>() ? internal::Quote(value) : value;
    }
    entries.push_back(std::move(e));
  }
  std::sort(
      entries.begin(), entries.end(),
      [](const UsageEntry& a, const UsageEntry& b) { return a.name < b.name; });
  std::string out = absl::StrCat("Usage of ", AV(program), ":\n");
  for (const UsageEntry& e : entries) out.append(FormatUsageEntry(e));
  return out;
}

FlagParseResult ParseFlags(std::string_view program,
                           const std::vector<std::string>& args,
                           int gomaxprocs) {
  FlagParseResult result;
  result.flags = DefaultFlags(gomaxprocs);
  auto fail = [&](std::string_view message) -> FlagParseResult& {
    result.exit_code = 2;
    result.message = Failure(program, gomaxprocs, message);
    return result;
  };
  size_t next = 0;
  while (next < args.size()) {
    const std::string_view s = args[next];
    if (s.size() < 2 || s[0] != '-') break;  // the first non-flag argument
    size_t minuses = 1;
    if (s[1] == '-') {
      minuses = 2;
      if (s.size() == 2) {  // "--" ends the flags
        next++;
        break;
      }
    }
    std::string_view name = s.substr(minuses);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      return fail(absl::StrCat("bad flag syntax: ", AV(s)));
    }
    next++;
    std::optional<std::string_view> value;
    if (const size_t eq = name.find('=', 1); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagDef* def = FindDef(name);
    absl::CommandLineFlag* user = def == nullptr ? FindUserFlag(name) : nullptr;
    if (def == nullptr && user == nullptr) {
      if (name == "help" || name == "h") {
        result.exit_code = 0;
        result.message = Usage(program, gomaxprocs);
        return result;
      }
      return fail(absl::StrCat("flag provided but not defined: -", AV(name)));
    }
    const bool is_bool =
        def != nullptr ? def->kind == Kind::kBool || def->kind == Kind::kChatty
                       : user->IsOfType<bool>();
    if (is_bool) {
      std::optional<std::string> error;
      if (def != nullptr) {
        error = SetValue(*def, value.value_or("true"), &result.flags);
      } else if (std::string e;
                 !user->ParseFrom(AV(value.value_or("true")), &e)) {
        error = AbslFlagError(*user, value.value_or("true"), std::move(e));
      }
      if (error) {
        return fail(
            value
                ? absl::StrFormat("invalid boolean value %s for -%s: %s",
                                  internal::Quote(*value), name, *error)
                : absl::StrFormat("invalid boolean flag %s: %s", name, *error));
      }
      continue;
    }
    if (!value && next < args.size()) value = args[next++];
    if (!value) {
      return fail(absl::StrCat("flag needs an argument: -", AV(name)));
    }
    std::optional<std::string> error;
    if (def != nullptr) {
      error = SetValue(*def, *value, &result.flags);
    } else if (std::string e; !user->ParseFrom(AV(*value), &e)) {
      error = AbslFlagError(*user, *value, std::move(e));
    }
    if (error) {
      return fail(absl::StrFormat("invalid value %s for flag -%s: %s",
                                  internal::Quote(*value), name, *error));
    }
  }
  result.args.assign(args.begin() + static_cast<std::ptrdiff_t>(next),
                     args.end());
  return result;
}

std::optional<FlagError> CheckParallel(const Flags& flags,
                                       std::string_view program,
                                       int gomaxprocs) {
  if (flags.parallel >= 1) return std::nullopt;
  return FlagError{
      2, Failure(program, gomaxprocs,
                 "testing: -parallel can only be given a positive integer")};
}

ShuffleResult ParseShuffle(std::string_view shuffle) {
  if (shuffle == "off") return {};
  if (shuffle == "on") return {absl::GetCurrentTimeNanos(), std::nullopt};
  int64_t seed;
  const NumError e = internal::ParseInt(shuffle, 10, 64, &seed);
  if (e != NumError::kOk) {
    return {std::nullopt,
            FlagError{
                2, absl::StrCat("testing: -shuffle should be \"off\", "
                                "\"on\", or a valid integer: ",
                                internal::NumErrorText("ParseInt", shuffle, e),
                                "\n")}};
  }
  return {seed, std::nullopt};
}

CpuListResult ParseCpuList(std::string_view cpu, int gomaxprocs) {
  CpuListResult result;
  for (absl::string_view piece : absl::StrSplit(AV(cpu), ',')) {
    std::string_view val(piece.data(), piece.size());
    val = internal::TrimSpace(val);
    if (val.empty()) continue;
    int64_t n;
    // Go's strconv.Atoi; values beyond int are refused here (Go would pass
    // them to runtime.GOMAXPROCS).
    if (internal::ParseInt(val, 10, 64, &n) != NumError::kOk || n <= 0 ||
        n > INT32_MAX) {
      result.cpus.clear();
      result.error = FlagError{
          1, absl::StrFormat("testing: invalid value %s for -test.cpu\n",
                             internal::Quote(val))};
      return result;
    }
    result.cpus.push_back(static_cast<int>(n));
  }
  if (result.cpus.empty()) result.cpus.push_back(gomaxprocs);
  return result;
}

namespace {

// The CPU bandwidth limit (quota/period) of this process's cgroup v2 and its
// ancestors, the smallest one, or nullopt if there is none.
std::optional<double> CgroupCPULimit() {
  std::ifstream self("/proc/self/cgroup");
  std::string line;
  std::string path;
  while (std::getline(self, line)) {
    if (line.starts_with("0::")) path = line.substr(3);
  }
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::optional<double> limit;
  while (true) {
    std::ifstream max_file(
        absl::StrCat("/sys/fs/cgroup", path == "/" ? "" : path, "/cpu.max"));
    std::string quota;
    double period = 0;
    if (max_file >> quota >> period && quota != "max" && period > 0) {
      double q = 0;
      if (absl::SimpleAtod(quota, &q) && q > 0) {
        limit = std::min(limit.value_or(q / period), q / period);
      }
    }
    if (path == "/") break;
    const size_t slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return limit;
}

}  // namespace

int DefaultGOMAXPROCS() {
  if (const char* env = std::getenv("GOMAXPROCS"); env != nullptr) {
    int64_t n;
    if (internal::ParseInt(env, 10, 64, &n) == NumError::kOk && n > 0 &&
        n <= INT32_MAX) {
      return static_cast<int>(n);
    }
  }
  int procs = 1;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
    procs = CPU_COUNT(&set);
  }
  // As Go 1.25+: a cgroup CPU limit, rounded up and at least 2, lowers it.
  if (const std::optional<double> limit = CgroupCPULimit()) {
    procs = std::min(procs, std::max(2, static_cast<int>(std::ceil(*limit))));
  }
  return procs;
}

}  // namespace go::testing
