#!/usr/bin/env bash
# CPU profiler side by side, in one run: the same fixed CPU-bound workload
# (runtime/pprof/testdata/pprof_workload.cc: 4 goroutines + 1 plain thread, ~70%/30%
# of their CPU in PprofHotA/PprofHotB, the true split measured with the threads' CPU
# clocks) run
#   none    without a profiler,
#   gotest  with go::pprof::StartCPUProfile at 100 Hz, its default per-thread clock
#           (task-clock perf events where allowed; the clock used is shown),
#   gotimer the same with per-thread CPU timers (timer_create, Go's own choice),
#   gperf   with gperftools' CPU profiler (LD_PRELOAD=libprofiler.so CPUPROFILE=...,
#           Debian google-perftools, its default setitimer(ITIMER_PROF) at 100 Hz),
# interleaved (none, gotest, gotimer, gperf, none, ...) so machine noise hits all alike.
#
# Reported per profiler: process CPU seconds for the fixed work (median; overhead =
# relative to none), the profile's PprofHotA share against the measured one, and the
# fraction of the process's CPU time the profile accounts for.
#
#   tests/perf/pprof/compare.sh [runs=5] [rounds=400]
#   PPROF_WORKLOAD=path/to/pprof_workload tests/perf/pprof/compare.sh   (skip the build)
#
# Needs: bazel (builds //runtime/pprof:pprof_workload with --config=opt), Go 1.26
# (go tool pprof; $GO126, default /opt/go1.26/bin/go) for our profiles, and
# google-perftools (libprofiler.so, google-pprof) for gperftools'.
set -euo pipefail
runs="${1:-5}"
rounds="${2:-400}"
go="${GO126:-/opt/go1.26/bin/go}"
libprofiler="$(ls /usr/lib/*/libprofiler.so.0 2>/dev/null | head -1)"
[ -x "$go" ] || { echo "compare.sh: Go 1.26 not found at $go" >&2; exit 1; }
[ -n "$libprofiler" ] || { echo "compare.sh: install google-perftools" >&2; exit 1; }
command -v google-pprof >/dev/null || { echo "compare.sh: google-pprof missing" >&2; exit 1; }

cd "$(dirname "$0")/../../.."
work="$(mktemp -d)"
bin="$work/pprof_workload"
if [ -n "${PPROF_WORKLOAD:-}" ]; then
  cp "$PPROF_WORKLOAD" "$bin"  # a prebuilt pprof_workload (same sources)
else
  bazel build --config=opt //runtime/pprof:pprof_workload >&2
  cp "$(bazel info --config=opt bazel-bin)/runtime/pprof/pprof_workload" "$bin"
fi
export GOCACHE="$work/gocache" HOME="$work"

# share_of TEXT: "A B" flat seconds of PprofHotA and PprofHotB from a -top/--text.
flat() { # FILE-OF-TOP FUNCTION -> flat value in seconds
  awk -v f="$2" '$NF ~ f && $1 ~ /^[0-9.]+(ms|s)?$/ {
      v = $1; u = 1;
      if (v ~ /ms$/) { u = 0.001; sub(/ms$/, "", v) } else { sub(/s$/, "", v) }
      print v * u; exit }' "$1"
}

printf '%-7s %3s %9s %9s %9s %10s %10s %s\n' profiler run cpu_s wall_s true_A% profiled_A% covered% clock
results="$work/results.tsv"
: >"$results"
for i in $(seq 1 "$runs"); do
  for p in none gotest gotimer gperf; do
    prof="$work/$p.$i.prof"
    case "$p" in
      none) line="$("$bin" none "$rounds")" ;;
      gotest) line="$("$bin" cpu "$prof" "$rounds" 100 auto)" ;;
      gotimer) line="$("$bin" cpu "$prof" "$rounds" 100 cpu-timer)" ;;
      gperf) line="$(LD_PRELOAD="$libprofiler" CPUPROFILE="$prof" CPUPROFILE_FREQUENCY=100 "$bin" none "$rounds")" ;;
    esac
    true_a="$(sed -n 's/.*true_a=\([0-9.]*\).*/\1/p' <<<"$line")"
    cpu="$(sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' <<<"$line")"
    wall="$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' <<<"$line")"
    share=- covered=-
    if [ "$p" != none ]; then
      if [ "$p" = gotest ] || [ "$p" = gotimer ]; then
        "$go" tool pprof -top -nodecount=1000 "$prof" >"$prof.top" 2>/dev/null
      else
        # go tool pprof cannot name C++ functions from the binary
        # (research/profiling.md §0); gperftools' own pprof can.
        google-pprof --text --nodecount=1000 "$bin" "$prof" >"$prof.top" 2>/dev/null
      fi
      a="$(flat "$prof.top" 'PprofHotA')"
      b="$(flat "$prof.top" 'PprofHotB')"
      if [ "$p" = gotest ] || [ "$p" = gotimer ]; then
        total="$(sed -n 's/.*Total samples = \([0-9.]*\)\(m\?s\).*/\1 \2/p' "$prof.top" |
          awk '{ print ($2 == "ms") ? $1 / 1000 : $1 }')"
      else
        # google-pprof --text: "Total: N samples" at 100 Hz.
        total="$(sed -n 's/^Total: \([0-9]*\) samples.*/\1/p' "$prof.top" | awk '{ print $1 / 100 }')"
        a="$(awk -v f=PprofHotA '$NF ~ f { print $1 / 100; exit }' "$prof.top")"
        b="$(awk -v f=PprofHotB '$NF ~ f { print $1 / 100; exit }' "$prof.top")"
      fi
      share="$(awk -v a="${a:-0}" -v b="${b:-0}" 'BEGIN { if (a + b > 0) printf "%.2f", 100 * a / (a + b); else print "-" }')"
      covered="$(awk -v t="${total:-0}" -v c="$cpu" 'BEGIN { printf "%.1f", 100 * t / c }')"
    fi
    clock="$(sed -n 's/.*clock=\([a-z:-]*\).*/\1/p' <<<"$line")"
    printf '%-7s %3s %9s %9s %9s %10s %10s %s\n' "$p" "$i" "$cpu" "$wall" "$true_a" "$share" "$covered" "$clock"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$cpu" "$wall" "$true_a" "$share" "$covered" >>"$results"
  done
done

echo
echo "summary (medians over $runs runs; overhead = CPU seconds for the same work vs none):"
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = {}
for p, cpu, wall, true_a, share, cov in rows:
    by.setdefault(p, []).append((float(cpu), float(wall), float(true_a),
                                 None if share == "-" else float(share),
                                 None if cov == "-" else float(cov)))
base = statistics.median(r[0] for r in by["none"])
print(f"{'profiler':8} {'cpu_s':>7} {'overhead':>9} {'|err| pts mean':>15} {'err range':>16} {'covered%':>9}")
for p in ("none", "gotest", "gotimer", "gperf"):
    rs = by.get(p, [])
    cpu = statistics.median(r[0] for r in rs)
    errs = [r[3] - r[2] for r in rs if r[3] is not None]
    cov = [r[4] for r in rs if r[4] is not None]
    e = f"{statistics.mean(abs(x) for x in errs):.2f}" if errs else "-"
    rng = f"{min(errs):+.2f}..{max(errs):+.2f}" if errs else "-"
    c = f"{statistics.median(cov):.1f}" if cov else "-"
    print(f"{p:8} {cpu:7.3f} {100 * (cpu / base - 1):+8.2f}% {e:>15} {rng:>16} {c:>9}")
PY
echo "(profiles and pprof output kept in $work)"
