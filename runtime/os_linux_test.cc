// Copyright 2026 The gotest Authors.
//
// GOMAXPROCS defaults: environment parsing as Go does it, and the cgroup limit.

#include "runtime/os_linux.h"

#include "gtest/gtest.h"

namespace go::runtime::internal {
namespace {

TEST(OsLinuxTest, EnvPositiveIntegerWins) {
  EXPECT_EQ(gomaxprocs_from("3", 8, std::nullopt), 3);
  EXPECT_EQ(gomaxprocs_from("16", 2, 1.0),
            16);  // may exceed the CPUs, as in Go
  EXPECT_EQ(gomaxprocs_from("100000", 2, std::nullopt), 1024);
}

TEST(OsLinuxTest, BadEnvFallsBackSilently) {
  for (const char* bad : {"0", "-1", "abc", "2x", " 2", "", "99999999999"}) {
    EXPECT_EQ(gomaxprocs_from(bad, 6, std::nullopt), 6) << "'" << bad << "'";
  }
  EXPECT_EQ(gomaxprocs_from(nullptr, 6, std::nullopt), 6);
}

TEST(OsLinuxTest, CgroupLimitRoundsUpWithMinimumTwo) {
  EXPECT_EQ(gomaxprocs_from(nullptr, 8, 2.5), 3);
  EXPECT_EQ(gomaxprocs_from(nullptr, 8, 0.5), 2);
  EXPECT_EQ(gomaxprocs_from(nullptr, 8, 16.0), 8);  // never above the CPUs
  EXPECT_EQ(gomaxprocs_from(nullptr, 1, 0.5), 1);
}

TEST(OsLinuxTest, ParseCpuMax) {
  EXPECT_FALSE(parse_cpu_max("max 100000").has_value());
  EXPECT_DOUBLE_EQ(*parse_cpu_max("150000 100000"), 1.5);
  EXPECT_DOUBLE_EQ(*parse_cpu_max("50000"), 0.5);
  EXPECT_FALSE(parse_cpu_max("").has_value());
  EXPECT_FALSE(parse_cpu_max("-1 100000").has_value());
}

TEST(OsLinuxTest, ProcCountMatchesAffinity) {
  EXPECT_GE(getproccount(), 1);
  int32_t d = default_gomaxprocs(getproccount());
  EXPECT_GE(d, 1);
  EXPECT_LE(d, 1024);
}

}  // namespace
}  // namespace go::runtime::internal
