// The command-line split against go test's (cmd/go/internal/test/testflag.go)
// behaviour, case by case; expected values were checked with Go 1.26's
// `go test -n`/`-x` where the arguments reach the binary.

#include "cmd/gotest/testflag.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gotest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(SplitArgs, NoArgumentsIsLocalModeWithDefaultTimeout) {
  SplitResult r = SplitArgs({});
  EXPECT_FALSE(r.exit_code.has_value());
  EXPECT_THAT(r.packages, IsEmpty());
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s"));
}

TEST(SplitArgs, FlagsBeforeAndAfterPackagesAreRewritten) {
  SplitResult r =
      SplitArgs({"-v", "./x", "./y/...", "-run=TestA", "-count", "3"});
  EXPECT_THAT(r.packages, ElementsAre("./x", "./y/..."));
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s", "-test.v=true",
                                       "-test.run=TestA", "-test.count=3"));
  EXPECT_TRUE(r.driver.verbose);
}

TEST(SplitArgs, JunitFileIsATestFlag) {
  SplitResult r = SplitArgs({"./x", "-junitfile", "out.xml"});
  EXPECT_THAT(r.packages, ElementsAre("./x"));
  EXPECT_THAT(r.test_args,
              ElementsAre("-test.timeout=10m0s", "-test.junitfile=out.xml"));
}

TEST(SplitArgs, TestPrefixedSpellings) {
  SplitResult r =
      SplitArgs({"-test.v", "-test.run", "X", "--test.short", "./x"});
  EXPECT_THAT(r.packages, ElementsAre("./x"));
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s", "-test.v=true",
                                       "-test.run=X", "-test.short=true"));
}

TEST(SplitArgs, TimeoutInGoSpellingAndNoDefault) {
  SplitResult r = SplitArgs({"-timeout=90s", "./x"});
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=1m30s"));
  r = SplitArgs({"-timeout", "0", "./x"});
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=0s"));
}

TEST(SplitArgs, IntegersInGoSyntax) {
  SplitResult r = SplitArgs({"-count=0x10", "./x"});
  EXPECT_THAT(r.test_args,
              ElementsAre("-test.timeout=10m0s", "-test.count=16"));
}

TEST(SplitArgs, JsonInjectsTheBinarysJsonFlag) {
  SplitResult r = SplitArgs({"-json", "./x"});
  EXPECT_TRUE(r.driver.json);
  EXPECT_THAT(r.test_args,
              ElementsAre("-test.json=true", "-test.timeout=10m0s"));
}

TEST(SplitArgs, DriverFlagsAreNotPassed) {
  SplitResult r = SplitArgs(
      {"-p", "3", "-race", "-x", "-c", "-o", "out/", "-vet=off", "./x"});
  EXPECT_EQ(r.driver.p, 3);
  EXPECT_TRUE(r.driver.race);
  EXPECT_TRUE(r.driver.x);
  EXPECT_TRUE(r.driver.c);
  EXPECT_EQ(r.driver.o, "out/");
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s"));
}

TEST(SplitArgs, UnknownFlagWithoutValueTakesTheNextArgument) {
  // go test -myflag ./x: "./x" is -myflag's value, so there is no package.
  SplitResult r = SplitArgs({"-myflag", "./x"});
  EXPECT_THAT(r.packages, IsEmpty());
  EXPECT_THAT(r.test_args,
              ElementsAre("-test.timeout=10m0s", "-myflag", "./x"));
  r = SplitArgs({"./x", "-myflag=1", "-v"});
  EXPECT_THAT(r.packages, ElementsAre("./x"));
  EXPECT_THAT(r.test_args,
              ElementsAre("-test.timeout=10m0s", "-myflag=1", "-test.v=true"));
}

TEST(SplitArgs, NonFlagAfterFlagsEndsParsing) {
  SplitResult r = SplitArgs({"./x", "-v", "extra", "-run=Y"});
  EXPECT_THAT(r.packages, ElementsAre("./x"));
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s", "-test.v=true",
                                       "extra", "-run=Y"));
}

TEST(SplitArgs, ArgsAndDoubleDash) {
  SplitResult r = SplitArgs({"./x", "-args", "-run=Y", "z"});
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s", "-run=Y", "z"));
  r = SplitArgs({"./x", "--", "-v"});
  EXPECT_THAT(r.test_args, ElementsAre("-test.timeout=10m0s", "--", "-v"));
  EXPECT_FALSE(r.driver.verbose);
}

TEST(SplitArgs, ProfileFlagsSetOutputDir) {
  SplitResult r = SplitArgs({"-memprofile=m.out", "-cpuprofile=c.out", "./x"});
  EXPECT_EQ(r.driver.profile, "-cpuprofile");  // go test's testProfile order
  ASSERT_EQ(r.test_args.size(), 4u);
  EXPECT_THAT(r.test_args[1], HasSubstr("-test.outputdir=/"));
}

TEST(SplitArgs, UsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"-count=x"}, "invalid value \"x\" for flag -count: parse error"},
           {{"-test.count=x"},
            "invalid value \"x\" for flag -test.count: parse error"},
           {{"-count=99999999999999999999"},
            "invalid value \"99999999999999999999\" for flag -count: value out "
            "of range"},
           {{"-run"}, "flag needs an argument: -run"},
           {{"-short=maybe"},
            "invalid boolean value \"maybe\" for -short: parse error"},
           {{"-v=maybe"},
            "invalid boolean value \"maybe\" for -v: invalid flag "
            "-test.v=maybe"},
           {{"-timeout=1"},
            "invalid value \"1\" for flag -timeout: parse error"},
           {{"-shuffle=x"},
            "invalid value \"x\" for flag -shuffle: -shuffle argument must be "
            "\"on\", \"off\", or "
            "an int64: strconv.ParseInt: parsing \"x\": invalid syntax"},
           {{"-c", "-myflag"},
            "gotest: unknown flag -myflag cannot be used with -c"},
       }) {
    SplitResult r = SplitArgs(c.args);
    ASSERT_TRUE(r.exit_code.has_value()) << c.args[0];
    EXPECT_EQ(*r.exit_code, 2);
    EXPECT_EQ(r.message, c.message + "\n" + ShortUsage()) << c.args[0];
  }
}

TEST(SplitArgs, HelpExitsTwo) {
  for (const char* h : {"-h", "-help", "--help", "-?"}) {
    SplitResult r = SplitArgs({h});
    ASSERT_TRUE(r.exit_code.has_value()) << h;
    EXPECT_EQ(*r.exit_code, 2);
    EXPECT_THAT(r.message, HasSubstr("usage: gotest"));
  }
  // After -args, -h is the binary's: go test shows its passing output then.
  SplitResult r = SplitArgs({"./x", "-args", "-h"});
  EXPECT_FALSE(r.exit_code.has_value());
  EXPECT_TRUE(r.driver.test_help);
}

TEST(SplitArgs, BenchAndFailfastAreSeen) {
  SplitResult r = SplitArgs({"-bench=.", "-failfast", "-list", "X", "./x"});
  EXPECT_EQ(r.driver.bench, ".");
  EXPECT_TRUE(r.driver.failfast);
  EXPECT_EQ(r.driver.list, "X");
}

// go test always compiles optimized; we build optimized when benchmarks run
// (a -O0 ns/op is no benchmark figure) and keep fastbuild for plain tests.
TEST(BazelBuildFlags, BenchmarksBuildOptimized) {
  EXPECT_THAT(BazelBuildFlags(SplitArgs({"./x"}).driver), IsEmpty());
  EXPECT_THAT(BazelBuildFlags(SplitArgs({"-bench=.", "./x"}).driver),
              ElementsAre("--compilation_mode=opt", "--copt=-falign-loops=32",
                          "--copt=--param=align-loop-iterations=1"));
  EXPECT_THAT(
      BazelBuildFlags(SplitArgs({"-race", "./x", "-test.bench", "X"}).driver),
      ElementsAre("--config=tsan", "--compilation_mode=opt",
                  "--copt=-falign-loops=32",
                  "--copt=--param=align-loop-iterations=1"));
  // -bench= (empty) runs no benchmarks, as in go test.
  EXPECT_THAT(BazelBuildFlags(SplitArgs({"-bench=", "./x"}).driver), IsEmpty());
}

}  // namespace
}  // namespace gotest
