#include "testing/benchmark_format.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace go::testing {
namespace {

std::string Int8(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%8" PRId64, v);
  return buf;
}

// Go's int64(f) for a float64, as the target's conversion instruction does
// it: x86-64's cvttsd2si gives INT64_MIN for NaN and out-of-range values,
// AArch64's fcvtzs saturates and gives 0 for NaN.
int64_t GoFloatToInt64(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
#if defined(__aarch64__)
  if (std::isnan(f)) return 0;
  if (f >= kTwo63) return INT64_MAX;
  if (f < -kTwo63) return INT64_MIN;
#else
  if (std::isnan(f) || f >= kTwo63 || f < -kTwo63) return INT64_MIN;
#endif
  return static_cast<int64_t>(f);
}

// Go's int64 arithmetic wraps.
int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) *
                              static_cast<uint64_t>(b));
}
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}
int64_t GoDiv(int64_t a, int64_t b) {
  if (b == -1) return static_cast<int64_t>(0 - static_cast<uint64_t>(a));
  return a / b;
}

// Go's time.Duration.Seconds().
double DurationSeconds(int64_t ns) {
  const int64_t sec = ns / 1'000'000'000;
  const int64_t nsec = ns % 1'000'000'000;
  return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
}

// Go's utf8.RuneCountInString: a valid sequence is one rune, every byte of
// an invalid one is a rune of its own.
int RuneCount(std::string_view s) {
  int count = 0;
  size_t i = 0;
  auto cont = [&](size_t j, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return j < s.size() && static_cast<unsigned char>(s[j]) >= lo &&
           static_cast<unsigned char>(s[j]) <= hi;
  };
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    if (c >= 0xC2 && c <= 0xDF) {
      if (cont(i + 1)) len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
      const unsigned hi = c == 0xED ? 0x9F : 0xBF;
      if (cont(i + 1, lo, hi) && cont(i + 2)) len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
      const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
      if (cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3)) len = 4;
    }
    i += len;
    count++;
  }
  return count;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string FormatFloat(double x, int width, int precision) {
  std::string s;
  if (std::isnan(x)) {
    s = "NaN";
  } else if (std::isinf(x)) {
    s = x > 0 ? "+Inf" : "-Inf";  // Go keeps the + of +Inf
  } else {
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%.*f", precision, x);
    s = buf;
  }
  if (static_cast<int>(s.size()) < width) {
    s.insert(0, static_cast<size_t>(width) - s.size(), ' ');
  }
  return s;
}

std::string PrettyPrint(double x, std::string_view unit) {
  const double y = std::fabs(x);
  int width, precision;
  if (y == 0 || y >= 999.95) {
    width = 10, precision = 0;
  } else if (y >= 99.995) {
    width = 12, precision = 1;
  } else if (y >= 9.9995) {
    width = 13, precision = 2;
  } else if (y >= 0.99995) {
    width = 14, precision = 3;
  } else if (y >= 0.099995) {
    width = 15, precision = 4;
  } else if (y >= 0.0099995) {
    width = 16, precision = 5;
  } else if (y >= 0.00099995) {
    width = 17, precision = 6;
  } else {  // also NaN, as in Go (every comparison is false)
    width = 18, precision = 7;
  }
  std::string out = FormatFloat(x, width, precision);
  out.push_back(' ');
  out.append(unit);
  return out;
}

int64_t BenchmarkResult::NsPerOp() const {
  if (auto it = extra.find("ns/op"); it != extra.end()) {
    return GoFloatToInt64(it->second);
  }
  if (n <= 0) return 0;
  return absl::ToInt64Nanoseconds(t) / n;
}

int64_t BenchmarkResult::AllocsPerOp() const {
  if (auto it = extra.find("allocs/op"); it != extra.end()) {
    return GoFloatToInt64(it->second);
  }
  if (n <= 0) return 0;
  return static_cast<int64_t>(mem_allocs) / n;
}

int64_t BenchmarkResult::AllocedBytesPerOp() const {
  if (auto it = extra.find("B/op"); it != extra.end()) {
    return GoFloatToInt64(it->second);
  }
  if (n <= 0) return 0;
  return static_cast<int64_t>(mem_bytes) / n;
}

double BenchmarkResult::MbPerSec() const {
  if (auto it = extra.find("MB/s"); it != extra.end()) return it->second;
  const int64_t ns = absl::ToInt64Nanoseconds(t);
  if (bytes <= 0 || ns <= 0 || n <= 0) return 0;
  return (static_cast<double>(bytes) * static_cast<double>(n) / 1e6) /
         DurationSeconds(ns);
}

std::string BenchmarkResult::String() const {
  std::string out = Int8(n);
  double ns;
  if (auto it = extra.find("ns/op"); it != extra.end()) {
    ns = it->second;
  } else {
    ns = static_cast<double>(absl::ToInt64Nanoseconds(t)) /
         static_cast<double>(n);
  }
  if (ns != 0) {  // true for NaN, as in Go
    out.push_back('\t');
    out += PrettyPrint(ns, "ns/op");
  }
  if (const double mbs = MbPerSec(); mbs != 0) {
    out.push_back('\t');
    out += FormatFloat(mbs, 7, 2);
    out += " MB/s";
  }
  for (const auto& [unit, value] : extra) {  // std::map: byte order
    if (unit == "ns/op" || unit == "MB/s" || unit == "B/op" ||
        unit == "allocs/op") {
      continue;
    }
    out.push_back('\t');
    out += PrettyPrint(value, unit);
  }
  return out;
}

std::string BenchmarkResult::MemString() const {
  return Int8(AllocedBytesPerOp()) + " B/op\t" + Int8(AllocsPerOp()) +
         " allocs/op";
}

std::string ResultLine(const BenchmarkResult& r, bool show_mem) {
  std::string out = r.String();
  if (show_mem) {
    out.push_back('\t');
    out += r.MemString();
  }
  out.push_back('\n');
  return out;
}

std::string BenchmarkName(std::string_view name, int procs) {
  std::string out(name);
  if (procs != 1) {
    out.push_back('-');
    out += std::to_string(procs);
  }
  return out;
}

namespace {
int MaxProcs(const std::vector<int>& cpus) {
  int maxprocs = 1;
  for (int p : cpus) {
    if (p > maxprocs) maxprocs = p;
  }
  return maxprocs;
}
}  // namespace

int BenchmarkExtLen(const std::vector<int>& cpus) {
  return static_cast<int>(BenchmarkName("", MaxProcs(cpus)).size());
}

int InitialNameWidth(const std::vector<std::string>& names,
                     const std::vector<int>& cpus) {
  const int maxprocs = MaxProcs(cpus);
  const int ext = BenchmarkExtLen(cpus);
  int width = 0;
  for (const std::string& name : names) {
    const int l =
        static_cast<int>(BenchmarkName(name, maxprocs).size()) + ext + 1;
    if (l > width) width = l;
  }
  return width;
}

int ExtendNameWidth(int width, std::string_view name, int ext_len) {
  const int n = static_cast<int>(name.size()) + ext_len + 1;
  return n > width ? n + 8 : width;
}

std::string NameColumn(std::string_view name, int width) {
  std::string out(name);
  const int pad = width - RuneCount(name);
  if (pad > 0) out.append(static_cast<size_t>(pad), ' ');
  out.push_back('\t');
  return out;
}

std::string BenchmarkHeader(std::string_view goos, std::string_view goarch,
                            std::string_view pkg, std::string_view cpu) {
  std::string out;
  out.append("goos: ").append(goos).append("\n");
  out.append("goarch: ").append(goarch).append("\n");
  if (!pkg.empty()) out.append("pkg: ").append(pkg).append("\n");
  if (!cpu.empty()) out.append("cpu: ").append(cpu).append("\n");
  return out;
}

std::string_view Goos() {
#if defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "darwin";
#elif defined(__FreeBSD__)
  return "freebsd";
#else
  return "unknown";
#endif
}

std::string_view Goarch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__i386__)
  return "386";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#else
  return "unknown";
#endif
}

std::string CPUIDBrandString() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) == 0 ||
      eax < 0x80000004) {
    return "";
  }
  std::string data;
  for (unsigned leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
    __cpuid(leaf, eax, ebx, ecx, edx);
    for (unsigned reg : {eax, ebx, ecx, edx}) {
      for (int i = 0; i < 4; i++)
        data.push_back(static_cast<char>(reg >> (8 * i)));
    }
  }
  size_t start = 0;
  while (start < data.size() && data[start] == ' ') start++;
  data.erase(0, start);
  if (size_t nul = data.find('\0'); nul != std::string::npos) data.resize(nul);
  return data;
#else
  return "";
#endif
}

std::string CPUNameFromCpuinfo(std::string_view cpuinfo) {
  // Go reads exactly 512 bytes into a zeroed buffer.
  std::string buf(cpuinfo.substr(0, 512));
  buf.resize(512, '\0');
  std::string_view rest = buf;
  std::string model_name, cpu_mhz;
  while (!rest.empty()) {  // bufio.ScanLines
    std::string_view line;
    if (size_t nl = rest.find('\n'); nl != std::string_view::npos) {
      line = rest.substr(0, nl);
      rest.remove_prefix(nl + 1);
    } else {
      line = rest;
      rest = {};
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t sep = line.find(": ");
    if (sep == std::string_view::npos) continue;
    const std::string_view key = TrimSpace(line.substr(0, sep));
    const std::string_view value = line.substr(sep + 2);
    if (key == "Model Name" || key == "model name") {
      model_name = std::string(value);
    } else if (key == "CPU MHz" || key == "cpu MHz") {
      cpu_mhz = std::string(value);
    }
  }
  if (model_name.empty()) return "";
  if (cpu_mhz.empty()) return model_name;
  if (model_name.find("GHz") != std::string::npos ||
      model_name.find("MHz") != std::string::npos) {
    return model_name;
  }
  return model_name + " @ " + cpu_mhz + "MHz";
}

std::string CPUName() {
  static const std::string* const name = [] {
    std::string cpu = CPUIDBrandString();
    if (cpu.empty()) {
      std::string buf;
      const int fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        char chunk[512];
        while (buf.size() < 512) {
          const ssize_t r = read(fd, chunk, 512 - buf.size());
          if (r < 0 && errno == EINTR) continue;
          if (r <= 0) break;
          buf.append(chunk, static_cast<size_t>(r));
        }
        close(fd);
        cpu = CPUNameFromCpuinfo(buf);
      }
    }
    return new std::string(std::move(cpu));
  }();
  return *name;
}

int64_t PredictN(int64_t goal_ns, int64_t prev_iters, int64_t prev_ns,
                 int64_t last) {
  if (prev_ns == 0) prev_ns = 1;  // go.dev/issue/70709
  // Multiply first: for fast benchmarks prev_iters ~= prev_ns.
  int64_t n = GoDiv(WrapMul(goal_ns, prev_iters), prev_ns);
  n = WrapAdd(n, n / 5);                   // 1.2x
  n = std::min(n, WrapMul(100, last));     // grow at most 100x
  n = std::max(n, WrapAdd(last, 1));       // at least one more
  n = std::min(n, kMaxBenchPredictIters);  // at most 1e9
  return n;
}

int64_t BenchLauncher::Next(int64_t b_n, absl::Duration elapsed, bool failed) {
  if (benchtime_.n > 0) {
    // run1 already ran one iteration: that is the result for 1x.
    if (fixed_done_) return 0;
    fixed_done_ = true;
    return benchtime_.n > 1 ? benchtime_.n : 0;
  }
  if (failed || elapsed >= benchtime_.d || n_ >= kMaxBenchPredictIters) {
    return 0;
  }
  const int64_t last = n_;
  n_ = PredictN(absl::ToInt64Nanoseconds(benchtime_.d), b_n,
                absl::ToInt64Nanoseconds(elapsed), last);
  return n_;
}

int64_t NextLoopTarget(absl::Duration benchtime, int64_t prev_target,
                       absl::Duration elapsed) {
  if (elapsed >= benchtime) return 0;
  const int64_t n = PredictN(absl::ToInt64Nanoseconds(benchtime), prev_target,
                             absl::ToInt64Nanoseconds(elapsed), prev_target);
  return static_cast<uint64_t>(prev_target) < static_cast<uint64_t>(n) ? n : 0;
}

uint64_t RunParallelGrain(int64_t previous_n, absl::Duration previous) {
  const int64_t ns = absl::ToInt64Nanoseconds(previous);
  uint64_t grain = 0;
  if (previous_n > 0 && ns > 0) {
    grain =
        100000 * static_cast<uint64_t>(previous_n) / static_cast<uint64_t>(ns);
  }
  if (grain < 1) grain = 1;
  if (grain > 10000) grain = 10000;
  return grain;
}

std::string TrimBenchOutput(std::string_view output) {
  constexpr int kMaxNewlines = 10;
  int newlines = 0;
  for (size_t j = 0; j < output.size(); j++) {
    if (output[j] == '\n' && ++newlines >= kMaxNewlines) {
      std::string out(output.substr(0, j));
      out += "\n\t... [output truncated]\n";
      return out;
    }
  }
  return std::string(output);
}

}  // namespace go::testing
