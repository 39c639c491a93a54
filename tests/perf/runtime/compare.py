#!/usr/bin/env python3
"""Side-by-side scheduler microbenchmarks: gotest's runtime vs Go vs Boost.Fiber.

Builds the three programs (ours and Boost.Fiber with bazel --config=opt, Go's with
Go 1.26 from tools/get-go.sh, else the system's Go), runs every benchmark on
GOMAXPROCS=1 and 2 for each runtime, interleaved, --runs times, and prints one table of
medians (CPU and wall ns per op; bytes for RSS rows) with the ratio ours/Go. On this
shared 2-core machine only same-run ratios mean anything.

    tests/perf/runtime/compare.py [--runs 5] [--bench spawn,yield,pingpong] [--procs 1,2]
                                  [--scale 10]

--scale 10 runs ten times the operations (0.2-2 s a run), long enough for
sysmon's 10 ms preemption to take part (not the parked-goroutine RSS row).

A runtime without a primitive (Boost.Fiber has no select, RWMutex or WaitGroup)
prints "-" for it, and the table shows "-".
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HERE = os.path.join(ROOT, "tests", "perf", "runtime")

# name -> (description, unit of the main figure, which column is the main figure)
BENCHES = {
    "spawn": ("spawn+join per goroutine (1e5)", "ns/op", "cpu"),
    "yield": ("Gosched yield between two goroutines", "ns/op", "cpu"),
    "parked": ("RSS per parked goroutine (1e6)", "B", "extra"),
    "pingpong": ("unbuffered chan ping-pong round trip", "ns/op", "cpu"),
    "buffered": ("chan cap 128 producer/consumer per item", "ns/op", "cpu"),
    "select2": ("select over two chans, per select", "ns/op", "cpu"),
    "ring": ("1000-goroutine token ring, per hop", "ns/op", "cpu"),
    "mutex": ("Mutex, 4 goroutines contending, per op", "ns/op", "cpu"),
    "rwmutex": ("RWMutex 1% writes, 4 goroutines, per op", "ns/op", "cpu"),
    "waitgroup": ("WaitGroup spawn+join (batches of 100)", "ns/op", "cpu"),
    "sleep": ("Sleep(1ms) wake-up lateness", "ns", "extra"),
}


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def build():
    """Returns {runtime name: argv prefix}."""
    targets = ["//tests/perf/runtime:gotest", "//tests/perf/runtime:boost_fiber"]
    subprocess.run(["bazel", "build", "--config=opt", "--noshow_progress"] + targets,
                   cwd=ROOT, check=True)
    bindir = sh(["bazel", "info", "--config=opt", "bazel-bin"], cwd=ROOT).strip()
    go = "/opt/go1.26/bin/go"
    if os.access(go, os.X_OK):
        # A peer whose runtime was edited makes every ratio wrong: check it is
        # still Debian's (tools/get-go.sh keeps the packages' md5sums).
        if subprocess.run([os.path.join(ROOT, "tools", "get-go.sh"), "--verify",
                           "1.26"]).returncode != 0:
            sys.exit("compare.py: the Go 1.26 peer is not Debian's toolchain")
    else:
        go = shutil.which("go")
    if go is None:
        sys.exit("compare.py: no Go toolchain (run tools/install-deps.sh --peers)")
    out = os.path.join(bindir, "tests", "perf", "runtime", "runtimebench_go")
    env = dict(os.environ, GOFLAGS="-mod=mod", GOCACHE=os.path.join(bindir, ".gocache"))
    subprocess.run([go, "build", "-o", out, "."], cwd=os.path.join(HERE, "go"), env=env,
                   check=True)
    version = sh([go, "version"]).split()[2]
    return {
        "gotest": [os.path.join(bindir, "tests", "perf", "runtime", "gotest")],
        version: [out],
        "boost.fiber": [os.path.join(bindir, "tests", "perf", "runtime", "boost_fiber")],
    }


def run_once(argv, bench, procs, scale):
    env = dict(os.environ, GOMAXPROCS=str(procs))
    # -scale only when asked for: older builds of the programs lack it.
    scaled = [f"-scale={scale}"] if scale != 1 else []
    line = sh(argv + [f"-bench={bench}", f"-procs={procs}"] + scaled, env=env,
              timeout=600).strip()
    name, p, wall, cpu, extra = (line.split("\t") + [""])[:5]
    assert name == bench and int(p) == procs, line

    def num(s):  # "-": the runtime has no such primitive
        return float(s) if s and s != "-" else None

    return {"wall": num(wall), "cpu": num(cpu), "extra": num(extra)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bench", default=",".join(BENCHES))
    ap.add_argument("--procs", default="1,2")
    ap.add_argument("--scale", type=int, default=1,
                    help="K times every benchmark's default operations: runs long "
                         "enough for sysmon to preempt (10 ms slices)")
    args = ap.parse_args()
    if args.scale < 1:
        sys.exit("compare.py: --scale must be a positive integer")
    benches = args.bench.split(",")
    for b in benches:
        if b not in BENCHES:
            sys.exit(f"compare.py: unknown benchmark {b!r} (have {', '.join(BENCHES)})")
    procs = [int(p) for p in args.procs.split(",")]
    peers = build()
    names = list(peers)
    go_name = names[1]

    results = {}  # (bench, procs, peer) -> list of runs
    for bench in benches:
        for p in procs:
            for _ in range(args.runs):
                for peer in names:  # interleaved, so drift hits every peer alike
                    results.setdefault((bench, p, peer), []).append(
                        run_once(peers[peer], bench, p, args.scale))

    scaled = f"{args.scale}x the default operations; " if args.scale != 1 else ""
    print(f"median of {args.runs} runs; {scaled}CPU ns per op (wall in brackets); "
          f"ratio = gotest / {go_name}")
    header = f"{'benchmark':40} {'P':>2}"
    for peer in names:
        header += f" {peer:>20}"
    header += f" {'ratio':>7}"
    print(header)
    for bench in benches:
        desc, unit, column = BENCHES[bench]
        for p in procs:
            row = f"{desc:40} {p:>2}"
            main_figures = {}
            for peer in names:
                runs = results[(bench, p, peer)]
                if any(r[column] is None for r in runs):
                    main_figures[peer] = None
                    row += f" {'-':>20}"
                    continue
                fig = statistics.median(r[column] for r in runs)
                main_figures[peer] = fig
                if column == "extra":
                    cell = f"{fig:.0f} {unit}"
                else:
                    wall = statistics.median(r["wall"] for r in runs)
                    cell = f"{fig:.1f} [{wall:.1f}]"
                row += f" {cell:>20}"
            if main_figures["gotest"] is None or not main_figures[go_name]:
                row += f" {'-':>7}"
            else:
                ratio = main_figures["gotest"] / main_figures[go_name]
                row += f" {ratio:>7.2f}"
            print(row)


if __name__ == "__main__":
    main()
