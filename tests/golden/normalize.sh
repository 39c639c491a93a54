#!/usr/bin/env bash
# Normalizes a test binary's output for golden comparison (stdin to stdout):
# durations, Go's and our log file suffixes, the usage's flag list (it lists
# each implementation's own flags), goroutine dumps (Go and C++ frames differ:
# only the structure up to the first "goroutine N [" line is compared) and
# -json's Time/Elapsed values, and the measured figures of benchmark result
# lines (see bench_awk below).
#
#   normalize.sh MODE < output   MODE: ordered | unordered | json | timed
# (unordered: sorted lines, without "=== NAME" lines; timed: ordered, but the
# iteration counts of benchmark result lines are replaced too, for cases whose
# -benchtime is a duration; with -benchtime=Nx they are compared as printed)
set -euo pipefail
mode="${1:-ordered}"

# Benchmark result lines ("BenchmarkX-4   \t     100\t   12.34 ns/op\t...") keep
# their name column (padding included) and their tabs. Each figure is checked
# against Go's format (BenchmarkResult.String, prettyPrint, MemString: field
# widths, and the decimals prettyPrint picks for the printed value) and then
# replaced by "#" (ns/op, MB/s, B/op, allocs/op: measured) or kept (custom
# ReportMetric units: the twins report constants). A figure that breaks the
# format is kept and marked "BADFORMAT". In json mode the Output of
# consecutive output events of one test is first joined where a line was
# split across events (test2json flushes a partial line, such as a benchmark
# name printed before its run, whenever it reads one).
# shellcheck disable=SC2016
bench_awk='
function decimals(v) {
  if (v < 0) v = -v
  if (v == 0 || v >= 999.95) return 0
  if (v >= 99.995) return 1
  if (v >= 9.9995) return 2
  if (v >= 0.99995) return 3
  if (v >= 0.099995) return 4
  if (v >= 0.0099995) return 5
  if (v >= 0.00099995) return 6
  return 7
}
function width(n, w) { return length(n) > w ? length(n) : w }
# One "<padded value> <unit>" field of a result line.
function metric(f,   num, unit, lead, ip, dec, ok) {
  if (f !~ /^ *-?[0-9]+(\.[0-9]+)? [^ ]+$/) return f " BADFORMAT"
  lead = f
  sub(/[^ ].*$/, "", lead)
  num = substr(f, length(lead) + 1)
  unit = substr(num, index(num, " ") + 1)
  num = substr(num, 1, index(num, " ") - 1)
  ip = num
  sub(/\..*$/, "", ip)
  dec = (index(num, ".") > 0) ? length(num) - length(ip) - 1 : 0
  if (unit == "MB/s") {
    ok = dec == 2 && length(lead num) == width(num, 7)
  } else if (unit == "B/op" || unit == "allocs/op") {
    ok = dec == 0 && length(lead num) == width(num, 8)
  } else {
    # (a tiny nonzero value prints as 0.0000000: %18.7f, not %10.0f)
    ok = (dec == decimals(num + 0) || (num + 0 == 0 && dec == 7)) &&
      length(lead ip) == width(ip, 10)
  }
  if (!ok) return f " BADFORMAT"
  if (unit == "ns/op" || unit == "MB/s" || unit == "B/op" || unit == "allocs/op") {
    return "# " unit
  }
  return f
}
function result(line,   n, f, i, out) {
  if (line !~ /^Benchmark[^\t]*\t *[0-9]+(\t|$)/) return line
  n = split(line, f, "\t")
  out = f[1] "\t"
  if (length(f[2]) != width(f[2] + 0 "", 8)) {
    out = out f[2] " BADFORMAT"
  } else if (mode == "timed") {
    out = out "N"
  } else {
    out = out f[2]
  }
  for (i = 3; i <= n; i++) out = out "\t" metric(f[i])
  return out
}
function emit(key, body,   nl) {
  nl = body ~ /\\n$/
  if (nl) body = substr(body, 1, length(body) - 2)
  gsub(/\\t/, "\t", body)
  body = result(body)
  gsub(/\t/, "\\t", body)
  print key body (nl ? "\\n" : "") "\"}"
}
function flush() {
  if (held != "") emit(held, heldbody)
  held = ""
}
mode != "json" { print result($0); next }
{
  at = index($0, "\"Output\":\"")
  if ($0 !~ /"Action":"output"/ || at == 0 || $0 !~ /"}$/) { flush(); print; next }
  key = substr($0, 1, at + 9)
  body = substr($0, at + 10, length($0) - at - 11)
  if (held != "" && key == held) {
    body = heldbody body
    held = ""
  }
  flush()
  if (body ~ /\\n$/) {
    emit(key, body)
  } else {
    held = key
    heldbody = body
  }
}
END { flush() }
'
sed -E \
  -e 's/\(([0-9]+\.[0-9]+)s\)/(X.XXs)/g' \
  -e 's/_test\.(go|cc):([0-9]+):/_test.X:\2:/g' \
  -e 's/^Usage of .*:$/Usage of BIN:/' \
  -e '/^  -test\./d' -e '/^    	/d' \
  -e 's/"Time":"[^"]*",//' \
  -e 's/"Elapsed":[0-9.e+-]+/"Elapsed":X/' \
  -e 's/^(goarch|pkg|cpu): .*$/\1: X/' \
  -e 's/"Output":"(goarch|pkg|cpu): [^"]*"/"Output":"\1: X\\n"/' |
  LC_ALL=C awk -v mode="$mode" "$bench_awk" |
  awk '/^goroutine [0-9]+ \[/ && !dump { print "goroutine N [...]: (dump not compared)"; dump = 1 }
       /^\[exit [0-9]+\]$/ { dump = 0 }
       /"Output":"goroutine [0-9]+ \[/ && !dump { print "goroutine dump (not compared)"; dump = 1 }
       /"Action":"(pass|fail)","Package":"[^"]*","Elapsed"/ { if (dump) { dump = 0 } }
       !dump { print }' |
  if [ "$mode" = unordered ]; then
    # Parallel tests interleave as they are scheduled, and so do the "=== NAME"
    # lines that mark a switch between them: compare the rest, sorted.
    grep -v '^=== NAME ' | LC_ALL=C sort
  else
    cat
  fi
