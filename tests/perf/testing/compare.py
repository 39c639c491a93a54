#!/usr/bin/env python3
"""The testing package's cost, side by side with GoogleTest and Go, in one run.

(a) 10,000 trivial tests in one binary: microseconds per test (wall time of the
    whole binary run / 10,000, median of --runs) in default mode, with -v, and
    with JUnit XML (GoogleTest's --gtest_output=xml; ours with $XML_OUTPUT_FILE
    set, as under `bazel test`; Go has none).
(b) Compile time at -O2 (g++ -std=c++20 -O2 -c, median of --runs): one file
    with 100 trivial tests, and a file that only includes the framework header.
    Go's figure for (b) is `go test -c` of the 100-test package (compile + link,
    warm build cache for the standard library).

Targets (issue 7): <= 5 us/test default, <= 10 us/test with -v, 100-test file
<= 1.3 s, bare include <= 0.5 s. On this shared 2-core machine absolute numbers
move with the load; the ratios in one run are what to compare.

    tests/perf/testing/compare.py [--runs 5] [--go /opt/go1.26/bin/go]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HERE = os.path.join(ROOT, "tests", "perf", "testing")
N = 10000


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def wall(cmd, runs, env=None, cwd=None):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       cwd=cwd, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bazel_bin(target):
    out = subprocess.run(["bazel", "info", "--config=opt", "bazel-bin"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    pkg, name = target[2:].split(":")
    return os.path.join(out, pkg, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--go", default=os.environ.get("GO126", "/opt/go1.26/bin/go"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="perf-testing-")
    env = dict(os.environ, GOCACHE=os.path.join(tmp, "gocache"), GOFLAGS="-mod=mod",
               GOPROXY="off", GOTOOLCHAIN="local", GOTELEMETRY="off")

    targets = ["//tests/perf/testing:trivial_gotest", "//tests/perf/testing:trivial_gtest"]
    run(["bazel", "build", "--config=opt"] + targets, cwd=ROOT)
    ours, gtest = bazel_bin(targets[0]), bazel_bin(targets[1])

    have_go = shutil.which(args.go) is not None or os.path.exists(args.go)
    gobin = None
    if have_go:
        gdir = os.path.join(tmp, "go10k")
        os.makedirs(gdir)
        with open(os.path.join(gdir, "go.mod"), "w") as f:
            f.write("module trivial\n\ngo 1.26\n")
        with open(os.path.join(gdir, "trivial_test.go"), "w") as f:
            f.write(subprocess.run([os.path.join(HERE, "gen.sh"), "go", str(N)],
                                   capture_output=True, text=True, check=True).stdout)
        gobin = os.path.join(tmp, "trivial.test")
        run([args.go, "test", "-c", "-o", gobin, "."], cwd=gdir, env=env)

    per = lambda s: "%.2f" % (s / N * 1e6)
    rows = []
    rows.append(("ours (GO_TEST)", per(wall([ours], args.runs, cwd=tmp)),
                 per(wall([ours, "-test.v"], args.runs, cwd=tmp)),
                 per(wall([ours], args.runs, cwd=tmp,
                          env=dict(os.environ, XML_OUTPUT_FILE=os.path.join(tmp, "o.xml"))))))
    rows.append(("GoogleTest", per(wall([gtest], args.runs, cwd=tmp)),
                 "(always verbose)",
                 per(wall([gtest, "--gtest_output=xml:" + os.path.join(tmp, "g.xml")], args.runs,
                          cwd=tmp))))
    if gobin:
        rows.append(("Go 1.26", per(wall([gobin], args.runs, cwd=tmp)),
                     per(wall([gobin, "-test.v"], args.runs, cwd=tmp)), "n/a"))
    print("\n(a) %d trivial tests, us/test (median of %d runs; targets: ours <= 5 default, "
          "<= 10 -v)" % (N, args.runs))
    print("%-16s %12s %12s %28s" % ("", "default", "-v", "JUnit XML"))
    for r in rows:
        print("%-16s %12s %12s %28s" % r)

    # (b) Compile times.
    def gen(kind, n, path):
        with open(path, "w") as f:
            f.write(subprocess.run([os.path.join(HERE, "gen.sh"), kind, str(n)],
                                   capture_output=True, text=True, check=True).stdout)

    def cc(path):
        return wall(["g++", "-std=c++20", "-O2", "-I" + ROOT, "-c", path, "-o", os.devnull],
                    args.runs)

    gen("gotest", 100, os.path.join(tmp, "ours100.cc"))
    gen("gtest", 100, os.path.join(tmp, "gtest100.cc"))
    with open(os.path.join(tmp, "ours0.cc"), "w") as f:
        f.write('#include "testing/testing.h"\n')
    with open(os.path.join(tmp, "gtest0.cc"), "w") as f:
        f.write("#include <gtest/gtest.h>\n")
    print("\n(b) compile time at -O2, seconds (median of %d; targets: ours 100 tests <= 1.3, "
          "bare include <= 0.5)" % args.runs)
    print("%-16s %14s %14s" % ("", "100 tests", "bare include"))
    print("%-16s %14.2f %14.2f" % ("ours", cc(os.path.join(tmp, "ours100.cc")),
                                   cc(os.path.join(tmp, "ours0.cc"))))
    print("%-16s %14.2f %14.2f" % ("GoogleTest", cc(os.path.join(tmp, "gtest100.cc")),
                                   cc(os.path.join(tmp, "gtest0.cc"))))
    if have_go:
        gdir = os.path.join(tmp, "go100")
        os.makedirs(gdir)
        with open(os.path.join(gdir, "go.mod"), "w") as f:
            f.write("module trivial\n\ngo 1.26\n")
        gen("go", 100, os.path.join(gdir, "trivial_test.go"))
        # Warm the standard library in the cache first, then time a rebuild of
        # the package alone (a touched file).
        run([args.go, "test", "-c", "-o", os.path.join(tmp, "t100.test"), "."], cwd=gdir, env=env)
        times = []
        for i in range(args.runs):
            with open(os.path.join(gdir, "trivial_test.go"), "a") as f:
                f.write("\n// touch %d\n" % i)
            t0 = time.perf_counter()
            run([args.go, "test", "-c", "-o", os.path.join(tmp, "t100.test"), "."], cwd=gdir,
                env=env, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
        print("%-16s %14.2f %14s" % ("Go (go test -c)", statistics.median(times), "-"))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
