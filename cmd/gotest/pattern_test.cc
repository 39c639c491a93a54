// Package arguments to Bazel patterns, without Bazel.

#include "cmd/gotest/pattern.h"

#include "gtest/gtest.h"

namespace gotest {
namespace {

constexpr char kRoot[] = "/ws";

TEST(MapPattern, GoStyleDirectories) {
  struct Case {
    const char* arg;
    const char* cwd;
    const char* bazel;
    const char* dir;
    bool recursive;
  };
  for (const Case& c : {
           Case{".", "/ws", "//:all", "", false},
           Case{".", "/ws/a/b", "//a/b:all", "a/b", false},
           Case{"./...", "/ws", "//...", "", true},
           Case{"...", "/ws/a", "//a/...", "a", true},
           Case{"./x", "/ws/a", "//a/x:all", "a/x", false},
           Case{"x/...", "/ws/a", "//a/x/...", "a/x", true},
           Case{"../c/./d/", "/ws/a/b", "//a/c/d:all", "a/c/d", false},
           Case{"/ws/p/...", "/ws/a", "//p/...", "p", true},
       }) {
    Pattern p = MapPattern(c.arg, c.cwd, kRoot);
    EXPECT_EQ(p.error, "") << c.arg;
    EXPECT_EQ(p.bazel, c.bazel) << c.arg << " in " << c.cwd;
    EXPECT_EQ(p.dir, c.dir) << c.arg;
    EXPECT_EQ(p.recursive, c.recursive) << c.arg;
    EXPECT_TRUE(p.is_dir) << c.arg;
  }
}

TEST(MapPattern, BazelLabels) {
  Pattern p = MapPattern("//a/b", "/ws/x", kRoot);
  EXPECT_EQ(p.bazel, "//a/b:all");  // a package, as gotest prints it
  EXPECT_EQ(p.dir, "a/b");
  EXPECT_FALSE(p.is_dir);
  p = MapPattern("//a/b:t", "/ws", kRoot);
  EXPECT_EQ(p.bazel, "//a/b:t");
  p = MapPattern("//a/...", "/ws", kRoot);
  EXPECT_EQ(p.bazel, "//a/...");
  EXPECT_TRUE(p.recursive);
  EXPECT_EQ(p.dir, "a");
  p = MapPattern(":t", "/ws/a", kRoot);
  EXPECT_EQ(p.bazel, "//a:t");
}

TEST(MapPattern, Errors) {
  EXPECT_NE(MapPattern("../..", "/ws/a", kRoot).error,
            "");  // outside the workspace
  EXPECT_NE(MapPattern("./a/.../b", "/ws", kRoot).error, "");
  EXPECT_NE(MapPattern("@repo//x", "/ws", kRoot).error, "");
}

TEST(PatternMatchesPackage, RecursiveAndSingle) {
  Pattern p = MapPattern("./a/...", "/ws", kRoot);
  EXPECT_TRUE(PatternMatchesPackage(p, "a"));
  EXPECT_TRUE(PatternMatchesPackage(p, "a/b"));
  EXPECT_FALSE(PatternMatchesPackage(p, "ab"));
  EXPECT_TRUE(PatternMatchesPackage(MapPattern("./...", "/ws", kRoot), "zz/y"));
  EXPECT_TRUE(PatternMatchesPackage(MapPattern("./a", "/ws", kRoot), "a"));
  EXPECT_FALSE(PatternMatchesPackage(MapPattern("./a", "/ws", kRoot), "a/b"));
}

TEST(DisplayName, PackageOrTarget) {
  EXPECT_EQ(DisplayName("//a/b:b_test", 1), "//a/b");
  EXPECT_EQ(DisplayName("//a/b:x_test", 2), "//a/b:x_test");
  EXPECT_EQ(PackageDisplayName("a/b"), "//a/b");
  EXPECT_EQ(LabelPackage("//a/b:c"), "a/b");
  EXPECT_EQ(LabelName("//a/b:c"), "c");
  EXPECT_EQ(LabelName("//a/b"), "b");
}

TEST(CleanPath, Lexical) {
  EXPECT_EQ(CleanPath("/a/./b/../c//"), "/a/c");
  EXPECT_EQ(CleanPath("/.."), "/");
}

}  // namespace
}  // namespace gotest
