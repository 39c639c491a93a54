// Expected values come from Go 1.26.10 (linux/amd64):
//  * a test binary built with `go test -c` from a package with one test, one
//    benchmark and a user flag (flag.String("myflag", "", "user flag")), run
//    with the argument lists below and GOMAXPROCS=2 (its -h output, the first
//    stderr line of each failing run, its exit status);
//  * a Go program defining the flags that mirror this file's ABSL_FLAGs
//    (flag.Bool("x", ...), flag.Int("workers", 4, "number of `n` workers"),
//    ...) for their usage lines.
// The usage below is Go's, minus the flags this harness does not have
// (-test.artifacts, -test.coverprofile, -test.fuzz*, -test.gocoverdir,
// -test.paniconexit0, -test.testlogfile), plus its own -test.json and
// -test.leakcheck.

#include "testing/flag.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, myflag, "", "user flag");
ABSL_FLAG(bool, x, false, "one-letter bool");
ABSL_FLAG(int, workers, 4, "number of `n` workers");
ABSL_FLAG(std::string, mode, "fast", "the mode\nsecond line");
ABSL_FLAG(double, ratio, 0.5, "a ratio");
ABSL_FLAG(bool, on, true, "default on");
ABSL_FLAG(unsigned, u, 7, "a uint");

namespace go::testing {
namespace {

constexpr int kProcs = 2;

FlagParseResult Parse(std::vector<std::string> args) {
  return ParseFlags("./c.test", args, kProcs);
}

// The first line of the message (Go's error line).
std::string FirstLine(const FlagParseResult& r) {
  return r.message.substr(0, r.message.find('\n'));
}

constexpr std::string_view kUsage = R"GOUSAGE(Usage of ./c.test:
  -mode string
    	the mode
    	second line (default "fast")
  -myflag string
    	user flag
  -on
    	default on (default true)
  -ratio float
    	a ratio (default 0.5)
  -test.bench regexp
    	run only benchmarks matching regexp
  -test.benchmem
    	print memory allocations for benchmarks
  -test.benchtime d
    	run each benchmark for duration d or N times if `d` is of the form Nx (default 1s)
  -test.blockprofile file
    	write a goroutine blocking profile to file
  -test.blockprofilerate rate
    	set blocking profile rate (see runtime.SetBlockProfileRate) (default 1)
  -test.count n
    	run tests and benchmarks n times (default 1)
  -test.cpu list
    	comma-separated list of cpu counts to run each test with
  -test.cpuprofile file
    	write a cpu profile to file
  -test.failfast
    	do not start new tests after the first test failure
  -test.fullpath
    	show full file names in error messages
  -test.json
    	write the test2json event stream (as go test -json does) to standard output
  -test.junitfile file
    	write a JUnit XML report of the tests to file ($XML_OUTPUT_FILE under bazel test)
  -test.leakcheck
    	fail a test that leaves goroutines it started running (default true)
  -test.list regexp
    	list tests, examples, and benchmarks matching regexp then exit
  -test.memprofile file
    	write an allocation profile to file
  -test.memprofilerate rate
    	set memory allocation profiling rate (see runtime.MemProfileRate)
  -test.mutexprofile string
    	write a mutex contention profile to the named file after execution
  -test.mutexprofilefraction int
    	if >= 0, calls runtime.SetMutexProfileFraction() (default 1)
  -test.outputdir dir
    	write profiles to dir
  -test.parallel n
    	run at most n tests in parallel (default 2)
  -test.run regexp
    	run only tests and examples matching regexp
  -test.short
    	run smaller test suite to save time
  -test.shuffle string
    	randomize the execution order of tests and benchmarks (default "off")
  -test.skip regexp
    	do not list or run tests matching regexp
  -test.timeout d
    	panic test binary after duration d (default 0, timeout disabled)
  -test.trace file
    	write an execution trace to file
  -test.v
    	verbose: print additional output
  -u uint
    	a uint (default 7)
  -workers n
    	number of n workers (default 4)
  -x	one-letter bool
)GOUSAGE";

TEST(UsageTest, MatchesGo) { EXPECT_EQ(Usage("./c.test", kProcs), kUsage); }

TEST(ParseFlagsTest, Defaults) {
  const FlagParseResult r = Parse({});
  ASSERT_FALSE(r.exit_code.has_value());
  const Flags& f = r.flags;
  EXPECT_FALSE(f.verbose);
  EXPECT_FALSE(f.test2json);
  EXPECT_FALSE(f.json);
  EXPECT_EQ(f.run, "");
  EXPECT_EQ(f.bench, "");
  EXPECT_EQ(f.benchtime.d, absl::Seconds(1));
  EXPECT_EQ(f.benchtime.n, 0);
  EXPECT_EQ(f.count, 1u);
  EXPECT_EQ(f.parallel, kProcs);
  EXPECT_EQ(f.timeout, absl::ZeroDuration());
  EXPECT_EQ(f.shuffle, "off");
  EXPECT_EQ(f.memprofilerate, 0);
  EXPECT_EQ(f.blockprofilerate, 1);
  EXPECT_EQ(f.mutexprofilefraction, 1);
  EXPECT_TRUE(f.leakcheck);
  EXPECT_TRUE(r.args.empty());
}

TEST(ParseFlagsTest, Spellings) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-v"},
                                             {"--v"},
                                             {"-test.v"},
                                             {"--test.v"},
                                             {"-v=true"},
                                             {"-test.v=true"}}) {
    const FlagParseResult r = Parse(args);
    EXPECT_FALSE(r.exit_code.has_value()) << args[0];
    EXPECT_TRUE(r.flags.verbose) << args[0];
    EXPECT_FALSE(r.flags.test2json) << args[0];
  }
  const FlagParseResult j = Parse({"-test.v=test2json"});
  EXPECT_TRUE(j.flags.verbose);
  EXPECT_TRUE(j.flags.test2json);
  const FlagParseResult off = Parse({"-v", "-v=false"});
  EXPECT_FALSE(off.flags.verbose);
}

TEST(ParseFlagsTest, Values) {
  const FlagParseResult r = Parse({"-run",
                                   "TestA/b",
                                   "-test.skip=slow",
                                   "--count=0x10",
                                   "-timeout",
                                   "1m30s",
                                   "-benchtime=100x",
                                   "-short=T",
                                   "-failfast=TRUE",
                                   "-cpu",
                                   "1,2,4",
                                   "-parallel=-3",
                                   "-shuffle=42",
                                   "-test.memprofilerate=1_000",
                                   "-blockprofilerate",
                                   "-5",
                                   "-leakcheck=false",
                                   "-json",
                                   "-fullpath=1",
                                   "-benchmem",
                                   "-list=.",
                                   "-cpuprofile=c.out",
                                   "-outputdir",
                                   "/tmp"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.message;
  const Flags& f = r.flags;
  EXPECT_EQ(f.run, "TestA/b");
  EXPECT_EQ(f.skip, "slow");
  EXPECT_EQ(f.count, 16u);
  EXPECT_EQ(f.timeout, absl::Seconds(90));
  EXPECT_EQ(f.benchtime.n, 100);
  EXPECT_TRUE(f.short_mode);
  EXPECT_TRUE(f.failfast);
  EXPECT_EQ(f.cpu, "1,2,4");
  EXPECT_EQ(f.parallel, -3);  // accepted by the parser, refused later
  EXPECT_EQ(f.shuffle, "42");
  EXPECT_EQ(f.memprofilerate, 1000);
  EXPECT_EQ(f.blockprofilerate, -5);
  EXPECT_FALSE(f.leakcheck);
  EXPECT_TRUE(f.json);
  EXPECT_TRUE(f.fullpath);
  EXPECT_TRUE(f.benchmem);
  EXPECT_EQ(f.list, ".");
  EXPECT_EQ(f.cpuprofile, "c.out");
  EXPECT_EQ(f.outputdir, "/tmp");

  EXPECT_EQ(Parse({"-benchtime=1.5s"}).flags.benchtime.d,
            absl::Milliseconds(1500));
  EXPECT_EQ(Parse({"-benchtime=1.5s"}).flags.benchtime.n, 0);
  EXPECT_EQ(Parse({"-timeout=1\u00b5s"}).flags.timeout, absl::Microseconds(1));
  // A string flag takes the next argument even when it looks like a flag.
  EXPECT_EQ(Parse({"-run", "-v"}).flags.run, "-v");
  EXPECT_FALSE(Parse({"-run", "-v"}).flags.verbose);
}

TEST(ParseFlagsTest, StopsAtNonFlags) {
  // Go stops at "--" (consumed), "-" and the first non-flag argument.
  FlagParseResult r = Parse({"-run=A", "--", "-v"});
  EXPECT_FALSE(r.flags.verbose);
  EXPECT_EQ(r.args, (std::vector<std::string>{"-v"}));
  r = Parse({"-run=A", "extra", "-v"});
  EXPECT_FALSE(r.flags.verbose);
  EXPECT_EQ(r.args, (std::vector<std::string>{"extra", "-v"}));
  r = Parse({"-", "-v"});
  EXPECT_FALSE(r.flags.verbose);
  EXPECT_EQ(r.args, (std::vector<std::string>{"-", "-v"}));
  // A boolean flag never takes the next argument: "true" ends the flags.
  r = Parse({"-v", "true", "-short"});
  EXPECT_TRUE(r.flags.verbose);
  EXPECT_FALSE(r.flags.short_mode);
  EXPECT_EQ(r.args, (std::vector<std::string>{"true", "-short"}));
}

struct ErrorCase {
  std::vector<std::string> args;
  std::string first_line;
};

TEST(ParseFlagsTest, ErrorsMatchGo) {
  const std::vector<ErrorCase> cases = {
      {{"-test.nosuch"}, "flag provided but not defined: -test.nosuch"},
      {{"-nosuch"}, "flag provided but not defined: -nosuch"},
      {{"-test.h"}, "flag provided but not defined: -test.h"},
      {{"-test.timeout=abc"},
       R"(invalid value "abc" for flag -test.timeout: parse error)"},
      {{"-timeout=abc"},
       R"(invalid value "abc" for flag -timeout: parse error)"},
      {{"-test.timeout=1"},
       R"(invalid value "1" for flag -test.timeout: parse error)"},
      {{"-test.timeout"}, "flag needs an argument: -test.timeout"},
      {{"-test.run"}, "flag needs an argument: -test.run"},
      {{"-test.count=-1"},
       R"(invalid value "-1" for flag -test.count: parse error)"},
      {{"-count", "abc"},
       R"(invalid value "abc" for flag -count: parse error)"},
      {{"-test.count=99999999999999999999"},
       R"(invalid value "99999999999999999999" for flag -test.count: value out of range)"},
      {{"-test.v=1"},
       R"(invalid boolean value "1" for -test.v: invalid flag -test.v=1)"},
      {{"-v=abc"},
       R"(invalid boolean value "abc" for -v: invalid flag -test.v=abc)"},
      {{"-test.v="},
       R"(invalid boolean value "" for -test.v: invalid flag -test.v=)"},
      {{"-test.short=abc"},
       R"(invalid boolean value "abc" for -test.short: parse error)"},
      {{"-test.short=yes"},
       R"(invalid boolean value "yes" for -test.short: parse error)"},
      {{"-test.short="},
       R"(invalid boolean value "" for -test.short: parse error)"},
      {{"-test.parallel=abc"},
       R"(invalid value "abc" for flag -test.parallel: parse error)"},
      {{"-test.benchtime=abc"},
       R"(invalid value "abc" for flag -test.benchtime: invalid duration)"},
      {{"-test.benchtime=0x"},
       R"(invalid value "0x" for flag -test.benchtime: invalid count)"},
      {{"-test.benchtime=0"},
       R"(invalid value "0" for flag -test.benchtime: invalid duration)"},
      {{"-test.benchtime=-1s"},
       R"(invalid value "-1s" for flag -test.benchtime: invalid duration)"},
      {{"-test.benchtime=1.5x"},
       R"(invalid value "1.5x" for flag -test.benchtime: invalid count)"},
      {{"-test.benchtime=-1x"},
       R"(invalid value "-1x" for flag -test.benchtime: invalid count)"},
      {{"-test.benchtime=x"},
       R"(invalid value "x" for flag -test.benchtime: invalid count)"},
      {{"-test.memprofilerate=abc"},
       R"(invalid value "abc" for flag -test.memprofilerate: parse error)"},
      {{"-test.memprofilerate=99999999999999999999"},
       R"(invalid value "99999999999999999999" for flag -test.memprofilerate: value out of range)"},
      {{"-test.blockprofilerate=x"},
       R"(invalid value "x" for flag -test.blockprofilerate: parse error)"},
      {{"-test.mutexprofilefraction=1.5"},
       R"(invalid value "1.5" for flag -test.mutexprofilefraction: parse error)"},
      {{"---x"}, "bad flag syntax: ---x"},
      {{"-=x"}, "bad flag syntax: -=x"},
      {{"--=x"}, "bad flag syntax: --=x"},
      // Values are quoted as Go's %q does.
      {{"-count=\xff\u200b"},
       R"(invalid value "\xff\u200b" for flag -count: parse error)"},
  };
  for (const ErrorCase& c : cases) {
    const FlagParseResult r = Parse(c.args);
    ASSERT_TRUE(r.exit_code.has_value()) << c.args[0];
    EXPECT_EQ(*r.exit_code, 2) << c.args[0];
    EXPECT_EQ(FirstLine(r), c.first_line) << c.args[0];
    // The message is the error line followed by the usage.
    EXPECT_EQ(r.message, c.first_line + "\n" + Usage("./c.test", kProcs));
  }
}

TEST(ParseFlagsTest, Help) {
  for (const char* arg : {"-h", "-help", "--help", "-h=1", "--h"}) {
    const FlagParseResult r = Parse({"-v", arg});
    ASSERT_TRUE(r.exit_code.has_value()) << arg;
    EXPECT_EQ(*r.exit_code, 0) << arg;
    EXPECT_EQ(r.message, Usage("./c.test", kProcs)) << arg;
  }
}

TEST(ParseFlagsTest, AbseilFlags) {
  FlagParseResult r = Parse({"-myflag=hi", "-x", "-workers", "8", "--on=false",
                             "-ratio", "0.25", "-v"});
  ASSERT_FALSE(r.exit_code.has_value()) << r.message;
  EXPECT_TRUE(r.flags.verbose);
  EXPECT_EQ(absl::GetFlag(FLAGS_myflag), "hi");
  EXPECT_TRUE(absl::GetFlag(FLAGS_x));
  EXPECT_EQ(absl::GetFlag(FLAGS_workers), 8);
  EXPECT_FALSE(absl::GetFlag(FLAGS_on));
  EXPECT_EQ(absl::GetFlag(FLAGS_ratio), 0.25);
  // A boolean Abseil flag does not take the next argument either.
  r = Parse({"-x", "false"});
  EXPECT_TRUE(absl::GetFlag(FLAGS_x));
  EXPECT_EQ(r.args, (std::vector<std::string>{"false"}));

  // Go's messages for Go's built-in flag types.
  r = Parse({"-ratio=abc"});
  ASSERT_TRUE(r.exit_code.has_value());
  EXPECT_EQ(*r.exit_code, 2);
  EXPECT_EQ(FirstLine(r),
            R"(invalid value "abc" for flag -ratio: parse error)");
  r = Parse({"-x=maybe"});
  EXPECT_EQ(FirstLine(r),
            R"(invalid boolean value "maybe" for -x: parse error)");
  r = Parse({"-workers=1.5"});
  EXPECT_EQ(FirstLine(r),
            R"(invalid value "1.5" for flag -workers: parse error)");
  r = Parse({"-workers=99999999999999999999"});
  EXPECT_EQ(
      FirstLine(r),
      R"(invalid value "99999999999999999999" for flag -workers: value out of range)");
  r = Parse({"-workers"});
  EXPECT_EQ(FirstLine(r), "flag needs an argument: -workers");
  // Abseil's own flags are not the test binary's.
  r = Parse({"-flagfile=x"});
  EXPECT_EQ(FirstLine(r), "flag provided but not defined: -flagfile");
}

TEST(CheckParallelTest, MatchesGo) {
  Flags f;
  f.parallel = 1;
  EXPECT_FALSE(CheckParallel(f, "./c.test", kProcs).has_value());
  for (int64_t p : {0, -3}) {
    f.parallel = p;
    const std::optional<FlagError> e = CheckParallel(f, "./c.test", kProcs);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->exit_code, 2);
    EXPECT_EQ(e->message,
              "testing: -parallel can only be given a positive integer\n" +
                  Usage("./c.test", kProcs));
  }
}

TEST(ParseShuffleTest, MatchesGo) {
  EXPECT_FALSE(ParseShuffle("off").seed.has_value());
  EXPECT_FALSE(ParseShuffle("off").error.has_value());
  EXPECT_EQ(ParseShuffle("1").seed, 1);
  EXPECT_EQ(ParseShuffle("-7").seed, -7);
  const ShuffleResult on = ParseShuffle("on");
  ASSERT_TRUE(on.seed.has_value());
  EXPECT_GT(*on.seed, 0);
  ShuffleResult bad = ParseShuffle("abc");
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->exit_code, 2);
  EXPECT_EQ(bad.error->message,
            "testing: -shuffle should be \"off\", \"on\", or a valid integer: "
            "strconv.ParseInt: parsing \"abc\": invalid syntax\n");
  bad = ParseShuffle("99999999999999999999");
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_EQ(bad.error->message,
            "testing: -shuffle should be \"off\", \"on\", or a valid integer: "
            "strconv.ParseInt: parsing \"99999999999999999999\": value out of "
            "range\n");
  // Base 10 only, unlike the integer flags.
  EXPECT_TRUE(ParseShuffle("0x10").error.has_value());
  EXPECT_TRUE(ParseShuffle("On").error.has_value());
}

TEST(ParseCpuListTest, MatchesGo) {
  EXPECT_EQ(ParseCpuList("", 4).cpus, (std::vector<int>{4}));
  EXPECT_EQ(ParseCpuList("1,2,4", 4).cpus, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(ParseCpuList("1,,2", 4).cpus, (std::vector<int>{1, 2}));
  EXPECT_EQ(ParseCpuList(" 1 , 2 ,", 4).cpus, (std::vector<int>{1, 2}));
  EXPECT_EQ(ParseCpuList(",", 3).cpus, (std::vector<int>{3}));
  EXPECT_EQ(ParseCpuList("+2", 4).cpus, (std::vector<int>{2}));
  for (const auto& [list, bad] :
       std::vector<std::pair<std::string, std::string>>{{"1,x", "x"},
                                                        {"0", "0"},
                                                        {"-1", "-1"},
                                                        {"2, 0x4", "0x4"},
                                                        {"1.5", "1.5"}}) {
    const CpuListResult r = ParseCpuList(list, 4);
    ASSERT_TRUE(r.error.has_value()) << list;
    EXPECT_EQ(r.error->exit_code, 1);
    EXPECT_EQ(r.error->message,
              "testing: invalid value \"" + bad + "\" for -test.cpu\n");
  }
}

TEST(ParseFlagsTest, ArgcArgv) {
  char prog[] = "./prog";
  char v[] = "-v";
  char rest[] = "rest";
  char* argv[] = {prog, v, rest, nullptr};
  const FlagParseResult r = ParseFlags(3, argv, kProcs);
  EXPECT_TRUE(r.flags.verbose);
  EXPECT_EQ(r.args, (std::vector<std::string>{"rest"}));
  char bad[] = "-bad";
  char* argv2[] = {prog, bad, nullptr};
  EXPECT_EQ(ParseFlags(2, argv2, kProcs).message,
            "flag provided but not defined: -bad\n" + Usage("./prog", kProcs));
}

TEST(DefaultGOMAXPROCSTest, EnvironmentWins) {
  EXPECT_GE(DefaultGOMAXPROCS(), 1);
  setenv("GOMAXPROCS", "3", 1);
  EXPECT_EQ(DefaultGOMAXPROCS(), 3);
  setenv("GOMAXPROCS", "0", 1);  // not positive: ignored, as Go does
  EXPECT_GE(DefaultGOMAXPROCS(), 1);
  unsetenv("GOMAXPROCS");
}

}  // namespace
}  // namespace go::testing
