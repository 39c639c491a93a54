// Copyright 2026 The gotest Authors.
//
// How many CPUs this process may use (Go's getproccount and the Go 1.25
// cgroup-aware GOMAXPROCS default).

#ifndef GOTEST_RUNTIME_OS_LINUX_H_
#define GOTEST_RUNTIME_OS_LINUX_H_

#include <cstdint>
#include <optional>
#include <string>

namespace go::runtime::internal {

// CPUs in this thread's sched_getaffinity mask (at least 1).
int32_t getproccount();

// The CPU limit of the process's cgroup (cpu.max on v2, cfs_quota_us /
// cfs_period_us on v1), in CPUs; nullopt when unlimited or unknown.
std::optional<double> cgroup_cpu_limit();

// Parses a cgroup v2 cpu.max line ("max 100000", "150000 100000").
std::optional<double> parse_cpu_max(const std::string& line);

// GOMAXPROCS at startup: the GOMAXPROCS environment variable when it is a
// positive decimal integer (anything else is ignored silently, as Go does),
// else min(ncpu, max(2, ceil(cgroup limit))), else ncpu. Capped at 1024.
int32_t default_gomaxprocs(int32_t ncpu);

// The same decision with its inputs explicit (tests).
int32_t gomaxprocs_from(const char* env, int32_t ncpu,
                        std::optional<double> limit);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_OS_LINUX_H_
