#!/usr/bin/env bash
# The heap sampler's overhead, in one run: the same fixed allocation-heavy workload
# (runtime/pprof/testdata/heap_workload.cc: 4 goroutines + 1 plain thread doing
# malloc/free, new[]/delete[], string and vector growth of 8..4096 bytes and a ring of
# live objects) measured two ways.
#
# 1. Separate processes, interleaved (off, default, 64k, off, ...) as compare.sh does:
#      off      SetMemProfileRate(0): the interposer still counts (B/op), nothing sampled,
#      default  Go's MemProfileRate (512 KiB) with the heap profiler's hooks (as
#               -memprofile: //runtime/pprof installs them before main),
#      64k      MemProfileRate 64 KiB (8x the samples: the per-sample cost made visible).
#    Per mode: medians of process CPU and wall seconds for the fixed work, their overhead
#    against off, the fastest run's CPU seconds (load from other processes only ever
#    adds time), CPU ns per allocation and the samples the profiler recorded (the
#    workload exits non-zero if a sampling mode recorded none).
# 2. In one process (heap_workload ab): off and default alternate every ~40 ms of work
#    (ABBA), which cancels load that comes and goes over seconds far better than whole
#    runs do; the steadier figure on a shared machine. ab-pinned keeps one sampled
#    allocation live throughout, in the off rounds too: live samples must not tax
#    the frees of unsampled blocks (they live in the sampled heap, which a free tells
#    by address; when every free looked the pointer up in a filter instead, ab-pinned
#    showed that lookup as ~4% of this workload).
#
#   tests/perf/pprof/heap_overhead.sh [runs=7] [ops=1500000] [ab_rounds=60]
#   HEAP_WORKLOAD=path/to/heap_workload tests/perf/pprof/heap_overhead.sh   (skip the build)
#
# Needs: bazel (builds //runtime/pprof:heap_workload with --config=opt), python3.
set -euo pipefail
runs="${1:-7}"
ops="${2:-1500000}"
ab_rounds="${3:-60}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "heap_overhead.sh: runs must be a positive integer" >&2; exit 2; }
[[ "$ops" =~ ^[1-9][0-9]*$ ]] || { echo "heap_overhead.sh: ops must be a positive integer" >&2; exit 2; }
[[ "$ab_rounds" =~ ^[1-9][0-9]*$ ]] || { echo "heap_overhead.sh: ab_rounds must be a positive integer" >&2; exit 2; }

cd "$(dirname "$0")/../../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="$work/heap_workload"
if [ -n "${HEAP_WORKLOAD:-}" ]; then
  cp "$HEAP_WORKLOAD" "$bin"  # a prebuilt heap_workload (same sources)
else
  bazel build --jobs=2 --config=opt //runtime/pprof:heap_workload >&2
  cp "$(bazel info --config=opt bazel-bin)/runtime/pprof/heap_workload" "$bin"
fi

printf '%-8s %3s %8s %8s %8s %9s\n' mode run cpu_s wall_s samples mallocs
results="$work/results.tsv"
: >"$results"
for i in $(seq 1 "$runs"); do
  for m in off default 64k; do
    case "$m" in
      off) line="$("$bin" off "$ops")" ;;
      default) line="$("$bin" default "$ops")" ;;
      64k) line="$("$bin" rate 65536 "$ops")" ;;
    esac
    field() { sed -n "s/.* $1=\\([0-9.]*\\).*/\\1/p" <<<"$line"; }
    cpu="$(field cpu_s)" wall="$(field wall_s)" samples="$(field samples)" mallocs="$(field mallocs)"
    printf '%-8s %3s %8s %8s %8s %9s\n' "$m" "$i" "$cpu" "$wall" "$samples" "$mallocs"
    printf '%s\t%s\t%s\t%s\t%s\n' "$m" "$cpu" "$wall" "$samples" "$mallocs" >>"$results"
  done
done

echo
echo "summary (medians over $runs runs; overhead = same work vs off; ns/alloc = CPU / mallocs):"
python3 - "$results" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    m, cpu, wall, samples, mallocs = line.rstrip("\n").split("\t")
    by.setdefault(m, []).append((float(cpu), float(wall), int(samples), int(mallocs)))
med = lambda m, k: statistics.median(r[k] for r in by[m])
low = lambda m, k: min(r[k] for r in by[m])
cpu0, wall0, min0 = med("off", 0), med("off", 1), low("off", 0)
print(f"{'mode':8} {'cpu_s':>7} {'cpu ovh':>8} {'wall_s':>7} {'wall ovh':>9}"
      f" {'min cpu_s':>9} {'min ovh':>8} {'ns/alloc':>9} {'samples':>8}")
for m in ("off", "default", "64k"):
    cpu, wall, mn = med(m, 0), med(m, 1), low(m, 0)
    ns = 1e9 * cpu / med(m, 3)
    print(f"{m:8} {cpu:7.3f} {100 * (cpu / cpu0 - 1):+7.2f}% {wall:7.3f} {100 * (wall / wall0 - 1):+8.2f}%"
          f" {mn:9.3f} {100 * (mn / min0 - 1):+7.2f}% {ns:9.1f} {int(med(m, 2)):8d}")
# Pairwise: each round's default/off ratio (the runs next to each other in time).
pairs = [100 * (d[0] / o[0] - 1) for o, d in zip(by["off"], by["default"])]
print(f"default vs off, CPU per round: median {statistics.median(pairs):+.2f}%, "
      f"range {min(pairs):+.2f}%..{max(pairs):+.2f}%")
PY

echo
echo "in one process, off and default alternating ($ab_rounds round pairs per run, $runs runs each):"
printf '%-9s %3s %11s %11s %8s %8s %8s %9s\n' mode run off_cpu_s def_cpu_s total% median% samples off_live
ab_results="$work/ab.tsv"
: >"$ab_results"
for i in $(seq 1 "$runs"); do
  for m in ab ab-pinned; do
    line="$("$bin" "$m" "$ab_rounds")"
    field() { sed -n "s/.* $1=\\([-+0-9.]*\\).*/\\1/p" <<<"$line"; }
    printf '%-9s %3s %11s %11s %8s %8s %8s %9s\n' "$m" "$i" "$(field off_cpu_s)" "$(field default_cpu_s)" \
      "$(field total_pct)" "$(field median_pct)" "$(field samples)" "$(field off_live_min)..$(field off_live_max)"
    printf '%s\t%s\t%s\n' "$m" "$(field total_pct)" "$(field median_pct)" >>"$ab_results"
  done
done
echo
python3 - "$ab_results" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    m, total, median = line.rstrip("\n").split("\t")
    by.setdefault(m, []).append((float(total), float(median)))
for m, what in (("ab", "default vs off"), ("ab-pinned", "default vs off, a sample live in both")):
    t = [r[0] for r in by.get(m, [])]
    if not t:
        print(f"{m:9} {what:37}: no run")
        continue
    print(f"{m:9} {what:37}: median {statistics.median(t):+.2f}% over {len(t)} runs "
          f"(range {min(t):+.2f}%..{max(t):+.2f}%)")
PY
