#!/usr/bin/env python3
"""Benchmark harnesses side by side: ours (GO_BENCHMARK), Google Benchmark and Go.

One run, two benchmarks with the same arithmetic in every harness (ours.cc,
gbench.cc, go/*_test.go):

  empty  an empty body: the harness's own cost per iteration;
  chain  ~10 ns of dependent xor-shift-multiply steps that no compiler can
         fold (five steps of ~5 cycles).

Rows: Go 1.19 (/usr/bin/go, the reference of the ratios), Go 1.26 in b.N and
b.Loop style, ours in b->N and b->Loop() style, Google Benchmark (Debian's
libbenchmark). Each (row, benchmark) runs as its own process, --runs times,
interleaved, at the same benchtime (-benchtime=1s, --benchmark_min_time=1):

  ns/op   the harness's own figure (wall clock); min, median, max over the
          runs and the spread (max-min)/median;
  wall    wall time of the process to its one result (median);
  CPU/op  CPU time of the process (user+sys, getrusage) for a fixed count of
          iterations (-benchtime=Nx, Google Benchmark's Iterations(N)) minus
          that of a count of 1, divided by N-1 (median of --cpu-runs). On
          this shared machine CPU time is no substitute for wall time, but a
          wall figure far above the CPU one says the machine was busy.

Targets (issue 5), ours against Go 1.19: a real, non-zero empty-body figure
at most Go's; chain median within 3% of Go's; spread at most Go's; wall per
result at most Go's. Absolute figures move with the machine's load: compare
within one run.

    tests/perf/bench/compare.py [--runs 5] [--cpu-runs 3] [--benchtime 1s] [--bindir DIR]
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HERE = os.path.join(ROOT, "tests", "perf", "bench")
GO119 = "/usr/bin/go"
GO126 = os.environ.get("GO126", "/opt/go1.26/bin/go")
# Fixed iteration counts for the CPU-time figure (about a second each at Go's
# speed on this machine).
CPU_ITERS = {"empty": 1000000000, "chain": 100000000}


def bazel_bins(targets):
    subprocess.run(["bazel", "build", "--config=opt", "--noshow_progress", "--jobs=2"] + targets,
                   cwd=ROOT, check=True)
    out = subprocess.run(["bazel", "info", "--config=opt", "bazel-bin"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    return [os.path.join(out, t[2:].replace(":", "/")) for t in targets]


def go_build(go, tmp, name):
    env = dict(os.environ, GOCACHE=os.path.join(tmp, "gocache"), GOFLAGS="-mod=mod",
               GOPROXY="off", GOTOOLCHAIN="local", GOTELEMETRY="off")
    out = os.path.join(tmp, name)
    subprocess.run([go, "test", "-c", "-o", out, "."], cwd=os.path.join(HERE, "go"), env=env,
                   check=True)
    return out


class GoStyle:
    """A Go test binary, or ours (which takes the same flags and prints the same lines)."""

    def __init__(self, binary, names):
        self.binary, self.names = binary, names

    def argv(self, bench, benchtime):
        return [self.binary, "-test.run=^$", "-test.bench=^%s$" % self.names[bench],
                "-test.benchtime=" + benchtime], None

    def parse(self, bench, out):
        m = re.search(r"^%s(?:-\d+)?\s+\d+\s*(.*)$" % re.escape(self.names[bench]), out, re.M)
        if not m:
            raise RuntimeError("no result line for %s in:\n%s" % (self.names[bench], out))
        ns = re.search(r"([0-9.]+) ns/op", m.group(1))
        return float(ns.group(1)) if ns else 0.0  # Go omits a zero ns/op


class GBench:
    """A Google Benchmark binary (gbench.cc)."""

    def __init__(self, binary):
        self.binary = binary
        self.names = {"empty": "BM_Empty", "chain": "BM_Chain"}

    def argv(self, bench, benchtime):
        env = None
        argv = [self.binary, "--benchmark_filter=^%s(/.*)?$" % self.names[bench],
                "--benchmark_format=json"]
        if benchtime.endswith("x"):
            env = dict(os.environ, GBENCH_ITERATIONS=benchtime[:-1])
        else:
            argv.append("--benchmark_min_time=%g" % parse_seconds(benchtime))
        return argv, env

    def parse(self, bench, out):
        b = json.loads(out)["benchmarks"][0]
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        return b["real_time"] * scale


def parse_seconds(d):
    m = re.fullmatch(r"([0-9.]+)(ms|s)", d)
    if not m:
        sys.exit("compare.py: --benchtime wants a duration like 1s or 500ms")
    return float(m.group(1)) * (1e-3 if m.group(2) == "ms" else 1)


def run_once(harness, bench, benchtime):
    """Returns (ns/op, wall seconds, CPU seconds) of one process."""
    argv, env = harness.argv(bench, benchtime)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s%s" % (argv, p.returncode, p.stdout, p.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return harness.parse(bench, p.stdout), wall, cpu


def fmt_ns(x):
    return "%.3f" % x if x < 10 else "%.2f" % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu-runs", type=int, default=3)
    ap.add_argument("--benchtime", default="1s")
    ap.add_argument("--bindir", help="bazel-bin of a --config=opt build: skip building")
    args = ap.parse_args()
    parse_seconds(args.benchtime)
    tmp = tempfile.mkdtemp(prefix="perf-bench-")
    targets = ["//tests/perf/bench:ours", "//tests/perf/bench:gbench"]
    if args.bindir:  # already built (a busy shared Bazel server can block for minutes)
        ours, gbench = [os.path.join(args.bindir, t[2:].replace(":", "/")) for t in targets]
    else:
        ours, gbench = bazel_bins(targets)
    plain = {"empty": "BenchmarkEmpty", "chain": "BenchmarkChain"}
    loop = {"empty": "BenchmarkEmptyLoop", "chain": "BenchmarkChainLoop"}
    rows = []
    if os.access(GO119, os.X_OK):
        rows.append(("Go 1.19 (b.N)", GoStyle(go_build(GO119, tmp, "go119.test"), plain)))
    else:
        sys.exit("compare.py: no Go 1.19 at %s (the reference)" % GO119)
    if os.access(GO126, os.X_OK):
        # An edited peer runtime makes every ratio wrong: check it is still
        # Debian's (tools/get-go.sh keeps the packages' md5sums).
        if (GO126 == "/opt/go1.26/bin/go" and subprocess.run(
                [os.path.join(ROOT, "tools", "get-go.sh"), "--verify", "1.26"]).returncode):
            sys.exit("compare.py: the Go 1.26 peer is not Debian's toolchain")
        go126 = go_build(GO126, tmp, "go126.test")
        rows.append(("Go 1.26 (b.N)", GoStyle(go126, plain)))
        rows.append(("Go 1.26 (b.Loop)", GoStyle(go126, loop)))
    rows.append(("ours (b->N)", GoStyle(ours, plain)))
    rows.append(("ours (b->Loop())", GoStyle(ours, loop)))
    rows.append(("Google Benchmark", GBench(gbench)))

    benches = ["empty", "chain"]
    ns = {(r, b): [] for r, _ in rows for b in benches}
    wall = {(r, b): [] for r, _ in rows for b in benches}
    cpu = {(r, b): [] for r, _ in rows for b in benches}
    t_start = time.perf_counter()
    for i in range(args.runs):  # interleaved, so that load changes hit every row alike
        for name, h in rows:
            for b in benches:
                v, w, _ = run_once(h, b, args.benchtime)
                ns[name, b].append(v)
                wall[name, b].append(w)
        print("run %d/%d done (%.0f s)" % (i + 1, args.runs, time.perf_counter() - t_start),
              file=sys.stderr)
    for i in range(args.cpu_runs):
        for name, h in rows:
            for b in benches:
                n = CPU_ITERS[b]
                _, _, c1 = run_once(h, b, "1x")
                _, _, cn = run_once(h, b, "%dx" % n)
                cpu[name, b].append(max(cn - c1, 0.0) / (n - 1) * 1e9)
    shutil.rmtree(tmp, ignore_errors=True)

    ref = rows[0][0]
    stats = {}
    for name, _ in rows:
        for b in benches:
            v = ns[name, b]
            med = statistics.median(v)
            stats[name, b] = {
                "min": min(v), "med": med, "max": max(v),
                "spread": (max(v) - min(v)) / med if med > 0 else float("nan"),
                "wall": statistics.median(wall[name, b]),
                "cpu": statistics.median(cpu[name, b]),
            }

    def ratio(x, y):
        return "%.2f" % (x / y) if y > 0 else "-"

    print("\nBenchmark harnesses, one run: %d process runs per cell at -benchtime=%s, "
          "CPU/op median of %d fixed-count runs; ratios to %s" %
          (args.runs, args.benchtime, args.cpu_runs, ref))
    head = "%-18s %9s %9s %9s %7s %6s %8s %6s %8s %6s" % (
        "", "min", "median", "max", "spread", "/Go", "wall s", "/Go", "CPU/op", "/Go")
    for b, title in (("empty", "empty body, ns/op"), ("chain", "~10 ns chain, ns/op")):
        print("\n" + title)
        print(head)
        r = stats[ref, b]
        for name, _ in rows:
            s = stats[name, b]
            print("%-18s %9s %9s %9s %6.1f%% %6s %8.2f %6s %8s %6s" % (
                name, fmt_ns(s["min"]), fmt_ns(s["med"]), fmt_ns(s["max"]), s["spread"] * 100,
                ratio(s["med"], r["med"]), s["wall"], ratio(s["wall"], r["wall"]),
                fmt_ns(s["cpu"]), ratio(s["cpu"], r["cpu"])))

    print("\nTargets (issue 5), ours vs %s:" % ref)
    for name in ("ours (b->N)", "ours (b->Loop())"):
        e, c = stats[name, "empty"], stats[name, "chain"]
        re_, rc = stats[ref, "empty"], stats[ref, "chain"]
        checks = [
            ("empty median real, non-zero, <= Go's %s" % fmt_ns(re_["med"]),
             0 < e["med"] <= re_["med"], fmt_ns(e["med"])),
            ("chain median within 3%% of Go's %s" % fmt_ns(rc["med"]),
             abs(c["med"] / rc["med"] - 1) <= 0.03, "%+.1f%%" % ((c["med"] / rc["med"] - 1) * 100)),
            ("chain spread <= Go's %.1f%%" % (rc["spread"] * 100),
             c["spread"] <= rc["spread"], "%.1f%%" % (c["spread"] * 100)),
            ("chain wall per result <= Go's %.2f s" % rc["wall"],
             c["wall"] <= rc["wall"], "%.2f s" % c["wall"]),
        ]
        for what, ok, got in checks:
            print("  %-18s %-46s %-10s %s" % (name, what, got, "ok" if ok else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
