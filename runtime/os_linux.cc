// Copyright 2026 The gotest Authors.

#include "runtime/os_linux.h"

#include <sched.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/runtime2.h"

namespace go::runtime::internal {

int32_t getproccount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  int n = CPU_COUNT(&set);
  return n > 0 ? n : 1;
}

std::optional<double> parse_cpu_max(const std::string& line) {
  std::istringstream in(line);
  std::string quota, period;
  if (!(in >> quota)) return std::nullopt;
  if (quota == "max") return std::nullopt;
  if (!(in >> period)) period = "100000";
  char* end;
  double q = strtod(quota.c_str(), &end);
  if (*end != '\0' || q <= 0) return std::nullopt;
  double p = strtod(period.c_str(), &end);
  if (*end != '\0' || p <= 0) return std::nullopt;
  return q / p;
}

namespace {

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  if (f) std::getline(f, line);
  return line;
}

// The process's cgroup paths: v2 "0::/path", v1 "N:cpu,cpuacct:/path".
void own_cgroups(std::string* v2, std::string* v1cpu) {
  std::ifstream f("/proc/self/cgroup");
  std::string line;
  while (std::getline(f, line)) {
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctrls = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (line.compare(0, a, "0") == 0 && ctrls.empty()) {
      *v2 = path;
    } else {
      std::stringstream ss(ctrls);
      std::string c;
      while (std::getline(ss, c, ',')) {
        if (c == "cpu") *v1cpu = path;
      }
    }
  }
}

}  // namespace

std::optional<double> cgroup_cpu_limit() {
  std::string v2, v1;
  own_cgroups(&v2, &v1);
  std::optional<double> best;
  auto consider = [&best](std::optional<double> l) {
    if (l && (!best || *l < *best)) best = l;
  };
  if (!v2.empty() || !v1.empty()) {
    // Walk from the leaf up: any ancestor's limit applies too. Inside a
    // container the cgroup namespace makes the own path "/".
    if (!v2.empty() || v1.empty()) {
      std::string p = v2;
      for (;;) {
        std::string dir = "/sys/fs/cgroup" + (p == "/" ? std::string() : p);
        std::string line = read_first_line(dir + "/cpu.max");
        if (!line.empty()) consider(parse_cpu_max(line));
        if (p.empty() || p == "/") break;
        size_t slash = p.rfind('/');
        p = slash == 0 ? "/" : p.substr(0, slash);
      }
    }
    if (!v1.empty()) {
      for (const char* base :
           {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
        std::string dir = std::string(base) + (v1 == "/" ? "" : v1);
        std::string q = read_first_line(dir + "/cpu.cfs_quota_us");
        std::string per = read_first_line(dir + "/cpu.cfs_period_us");
        if (!q.empty() && !per.empty()) {
          double qv = atof(q.c_str()), pv = atof(per.c_str());
          if (qv > 0 && pv > 0) consider(qv / pv);
          break;
        }
      }
    }
  }
  return best;
}

int32_t gomaxprocs_from(const char* env, int32_t ncpu,
                        std::optional<double> limit) {
  // Go's atoi: decimal digits only (no sign, no spaces).
  if (env != nullptr && *env >= '0' && *env <= '9') {
    // Go: atoi32 of the whole string, used only if > 0.
    char* end;
    errno = 0;
    long v = strtol(env, &end, 10);
    if (*end == '\0' && errno == 0 && v > 0 && v <= INT32_MAX) {
      return static_cast<int32_t>(v > kMaxProcs ? kMaxProcs : v);
    }
  }
  int32_t procs = ncpu;
  if (limit) {
    double c = std::ceil(*limit);
    int32_t l =
        c < 2 ? 2 : (c > kMaxProcs ? kMaxProcs : static_cast<int32_t>(c));
    if (l < procs) procs = l;
  }
  if (procs < 1) procs = 1;
  if (procs > kMaxProcs) procs = kMaxProcs;
  return procs;
}

int32_t default_gomaxprocs(int32_t ncpu) {
  return gomaxprocs_from(getenv("GOMAXPROCS"), ncpu, cgroup_cpu_limit());
}

}  // namespace go::runtime::internal
