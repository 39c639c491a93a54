#!/usr/bin/env bash
# Interop with Go's tools:
#  1. `go tool test2json -t` reading our -v=test2json output produces the same
#     events as our own -json (times masked);
#  2. gotestsum reads our -json and reports the same counts as for the Go
#     twin's stream.
# Needs Go 1.26 ($GO126, default /opt/go1.26/bin/go) and gotestsum.
set -uo pipefail
go="${GO126:-/opt/go1.26/bin/go}"
work="${TEST_TMPDIR:-$(mktemp -d)}"
export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS=-mod=mod GOPROXY=off \
  GOTOOLCHAIN=local GOTELEMETRY=off TZ=UTC
for tool in "$go" gotestsum; do
  command -v "$tool" >/dev/null || { echo "interop: $tool not found"; exit 1; }
done
fail=0
norm() { tests/golden/normalize.sh json; }
check_json() {  # check_json PKG ARGS...
  local pkg="$1"
  shift
  local bin="$PWD/tests/golden/$pkg/${pkg}_test"
  (cd "$work" && "$bin" -test.v=test2json "$@" 2>&1 | "$go" tool test2json -t -p "p/$pkg") |
    norm >"$work/tool.json"
  (cd "$work" && GOTEST_PACKAGE="p/$pkg" "$bin" -json "$@" 2>&1) | norm >"$work/ours.json"
  # The piped form cannot see the exit status: drop the final package event.
  grep -v '^{"Action":"\(pass\|fail\)","Package":"[^"]*","Elapsed"' "$work/tool.json" >"$work/a"
  grep -v '^{"Action":"\(pass\|fail\)","Package":"[^"]*","Elapsed"' "$work/ours.json" >"$work/b"
  if ! diff -u "$work/a" "$work/b"; then
    echo "FAIL test2json $pkg $*"
    fail=1
  fi
}
check_json basic
check_json subtests '-test.run=TestNested|TestNames|TestSubFatal'
check_json examples
check_json testmain -test.short

# gotestsum's summary of our stream and of Go's for the twin.
done_line() { grep -E '^DONE ' | sed -E 's/ in [0-9.]+[a-z]+//'; }
(cd tests/golden/go/basic && "$go" test -vet=off -c -o "$work/basic.test" .) || exit 1
want="$(cd "$work" && gotestsum --format testname --raw-command -- \
  "$go" tool test2json -t -p p/basic ./basic.test -test.v=test2json 2>&1 | done_line)"
got="$(cd "$work" && GOTEST_PACKAGE=p/basic gotestsum --format testname --raw-command -- \
  "$OLDPWD/tests/golden/basic/basic_test" -json 2>&1 | done_line)"
if [ -z "$want" ] || [ "$want" != "$got" ]; then
  echo "FAIL gotestsum: Go's twin: '$want', ours: '$got'"
  fail=1
else
  echo "gotestsum: $got"
fi
[ "$fail" = 0 ] && echo "interop: ok"
exit "$fail"
