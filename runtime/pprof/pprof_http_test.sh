#!/usr/bin/env bash
# /debug/pprof/ over HTTP (http_server.cc, handler.cc): real `go tool pprof`
# (Go 1.26: $GO126, default /opt/go1.26/bin/go) reads every profile endpoint of
# testdata/pprof_server.cc on loopback and shows its C++ functions; curl checks
# the index, cmdline, symbol, debug=1/2 text, headers, bad `seconds` values
# (400), a second CPU profile while one runs (Go's "cpu profiling already in
# use"), wrong methods (405) and unknown paths (404).
set -uo pipefail
# shellcheck source=runtime/pprof/testdata/go_pprof_test_lib.sh
source runtime/pprof/testdata/go_pprof_test_lib.sh pprof_http_test
export TMPDIR="$tmp"
# Keep pprof from going through a proxy to reach 127.0.0.1.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
# get URL [curl args]: the status code, a blank line, the headers and the body.
get() { curl -s -S --max-time 120 -D - "$@" 2>&1; }

bin=runtime/pprof/pprof_server
addr_file="$tmp/addr"
"$bin" "$addr_file" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 600); do
  [ -s "$addr_file" ] && break
  kill -0 $server 2>/dev/null || { echo "FAIL: pprof_server exited"; exit 1; }
  sleep 0.1
done
[ -s "$addr_file" ] || { echo "FAIL: pprof_server did not start"; exit 1; }
base="http://$(cat "$addr_file")/debug/pprof"
echo "serving at $base"
# Let the workload record some events first.
sleep 1

# ---- go tool pprof on every profile endpoint ----
cpu="$(pprof -top "$base/profile?seconds=2")"
expect "profile: CPU profile" '^Type: cpu' "$cpu"
expect "profile: ServerBurn" 'pprof_server::ServerBurn' "$cpu"
heap="$(pprof -sample_index=alloc_space -top "$base/heap")"
expect "heap: heap profile" '^Type: alloc_space' "$heap"
expect "heap: ServerAllocate" 'pprof_server::ServerAllocate' "$heap"
allocs="$(pprof -top "$base/allocs")"
expect "allocs: alloc_space by default" '^Type: alloc_space' "$allocs"
expect "allocs: ServerAllocate" 'pprof_server::ServerAllocate' "$allocs"
gor="$(pprof -top "$base/goroutine")"
expect "goroutine: goroutine profile" '^Type: goroutine' "$gor"
expect "goroutine: the 7 leaked goroutines" ' 7 +[0-9.]+% +pprof_server::ServerLeak$' "$gor"
block="$(pprof -top "$base/block")"
expect "block: delay" '^Type: delay' "$block"
expect "block: ServerBlock" 'pprof_server::ServerBlock' "$block"
mutex="$(pprof -top "$base/mutex")"
expect "mutex: delay" '^Type: delay' "$mutex"
expect "mutex: ServerContend" 'pprof_server::ServerContend' "$mutex"
tc="$(pprof -top "$base/threadcreate")"
expect "threadcreate: profile" '^Type: threadcreate' "$tc"
expect "threadcreate: a count of threads" 'of [1-9][0-9]* total' "$tc"

# ---- text endpoints ----
r="$(get "$base/")"
expect "index: 200" '^HTTP/1.1 200 OK' "$r"
expect "index: html" '^Content-Type: text/html; charset=utf-8' "$r"
expect "index: heap link" "<a href='heap\?debug=1'>heap</a>" "$r"
expect "index: threadcreate link" "<a href='threadcreate\?debug=1'>threadcreate</a>" "$r"
expect "index: profile description" 'profile: </div> CPU profile' "$r"
r="$(get "http://$(cat "$addr_file")/debug/pprof")"
expect "no slash: 301 to the index" '^Location: /debug/pprof/' "$r"
r="$(get "$base/cmdline" | tr '\0' ' ')"
expect "cmdline: the program and its argument" "pprof_server $addr_file" "$r"
r="$(get "$base/goroutine?debug=1")"
expect "goroutine?debug=1: text" '^goroutine profile: total [0-9]+' "$r"
expect "goroutine?debug=1: grouped leak" '^7 @ 0x' "$r"
expect "goroutine?debug=1: text/plain" '^Content-Type: text/plain; charset=utf-8' "$r"
r="$(get "$base/goroutine?debug=2")"
expect "goroutine?debug=2: Go's dump" '^goroutine [0-9]+ \[chan receive' "$r"
r="$(get "$base/heap" -o /dev/null)"
expect "heap: Content-Disposition" '^Content-Disposition: attachment; filename="heap"' "$r"
expect "heap: octet-stream" '^Content-Type: application/octet-stream' "$r"
r="$(get "$base/symbol")"
expect "symbol: GET" '^num_symbols: 1' "$r"

# ---- bad input ----
for v in -1 0 abc 99999999999999999999 86400; do
  r="$(get "$base/profile?seconds=$v")"
  expect "profile?seconds=$v: 400" '^HTTP/1.1 400 Bad Request' "$r"
  expect "profile?seconds=$v: message" "invalid value \"$v\" for seconds" "$r"
done
# A second CPU profile while one runs. The first request must reach the server
# before the second: a loaded machine can delay it past any fixed sleep, so a
# round in which the second got there first is retried.
for attempt in 1 2 3 4 5; do
  get "$base/profile?seconds=4" -o "$tmp/first.pb.gz" >/dev/null &
  first=$!
  sleep 1
  r="$(get "$base/profile?seconds=1")"
  wait $first
  grep -q '^HTTP/1.1 500' <<<"$r" && break
  echo "attempt $attempt: the second CPU profile request was served first; again"
done
expect "two CPU profiles: 500" '^HTTP/1.1 500 Internal Server Error' "$r"
expect "two CPU profiles: Go's message" 'Could not enable CPU profiling: cpu profiling already in use' "$r"
expect "the first profile still completes" '^Type: cpu' "$(pprof -top "$tmp/first.pb.gz")"
r="$(get -X POST "$base/heap")"
expect "POST heap: 405" '^HTTP/1.1 405 Method Not Allowed' "$r"
r="$(get "$base/nosuch")"
expect "unknown profile: 404" '^HTTP/1.1 404 Not Found' "$r"
expect "unknown profile: Go's message" '^Unknown profile' "$r"
r="$(get "http://$(cat "$addr_file")/elsewhere")"
expect "outside /debug/pprof/: 404" '^404 page not found' "$r"
r="$(printf 'GARBAGE\r\n\r\n' | curl -s --max-time 60 -D - "telnet://$(cat "$addr_file")" 2>&1 || true)"
expect "malformed request: 400" '^HTTP/1.1 400 Bad Request' "$r"
kill -0 $server 2>/dev/null && echo "ok   server still up" ||
  { echo "FAIL server died"; fails=$((fails + 1)); }

if [ "$fails" != 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all checks passed"
