#!/usr/bin/env python3
"""Paired runs of one scheduler microbenchmark: gotest's runtime vs Go (or any two builds).

compare.py prints medians of interleaved runs; on this noisy 2-core machine a small
difference needs more than that. This runs the two programs alternately (A then B, then
B then A, ...), takes the ratio of each pair's CPU ns per op, and prints the median of
those ratios with a bootstrap 95% interval and how many pairs A won.

    tests/perf/runtime/paired.py --bench mutex --procs 1 --pairs 21 [--scale 10]
    tests/perf/runtime/paired.py --bench pingpong --a /tmp/new_gotest --b /tmp/old_gotest

Without --a/--b it builds and compares gotest (A) with Go 1.26 (B), as compare.py does.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (build() and run_once(), shared)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", required=True, choices=sorted(compare.BENCHES))
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=11)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--a", help="program A (default: gotest's, built with --config=opt)")
    ap.add_argument("--b", help="program B (default: Go 1.26's)")
    args = ap.parse_args()
    if args.pairs < 2 or args.procs < 1 or args.scale < 1:
        sys.exit("paired.py: --pairs must be at least 2, --procs and --scale at least 1")
    column = compare.BENCHES[args.bench][2]
    if (args.a is None) != (args.b is None):
        sys.exit("paired.py: give both --a and --b, or neither")
    if args.a is None:
        peers = compare.build()
        names = list(peers)
        a, b = ("gotest", peers[names[0]]), (names[1], peers[names[1]])
    else:
        for p in (args.a, args.b):
            if not os.access(p, os.X_OK):
                sys.exit(f"paired.py: {p}: not an executable")
        a, b = ("A", [args.a]), ("B", [args.b])

    ratios, fig_a, fig_b = [], [], []
    for i in range(args.pairs):
        order = (a, b) if i % 2 == 0 else (b, a)
        got = {}
        for name, argv in order:
            try:
                r = compare.run_once(argv, args.bench, args.procs, args.scale)
            except subprocess.CalledProcessError as e:
                why = (e.stderr or "").strip().splitlines()[:1]
                sys.exit(f"paired.py: {' '.join(e.cmd)} exited {e.returncode}"
                         + (f": {why[0]}" if why else ""))
            if r[column] is None:
                sys.exit(f"paired.py: {name} has no {args.bench} figure")
            got[name] = r[column]
        fig_a.append(got[a[0]])
        fig_b.append(got[b[0]])
        ratios.append(got[a[0]] / got[b[0]])

    med = statistics.median(ratios)
    rng = random.Random(1)
    boot = sorted(statistics.median(rng.choices(ratios, k=len(ratios)))
                  for _ in range(2000))
    wins = sum(r < 1 for r in ratios)
    print(f"{args.bench} P={args.procs} scale={args.scale}: {a[0]} "
          f"{statistics.median(fig_a):.1f} vs {b[0]} {statistics.median(fig_b):.1f} "
          f"(medians); paired ratio {med:.3f} (95% CI {boot[50]:.3f}-{boot[1949]:.3f}); "
          f"{a[0]} lower in {wins}/{len(ratios)}")


if __name__ == "__main__":
    main()
