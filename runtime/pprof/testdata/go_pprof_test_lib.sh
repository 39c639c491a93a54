# shellcheck shell=bash
# Sourced by the script tests that run real `go tool pprof` on our profiles
# (runtime/pprof:pprof_interop_test, :pprof_http_test,
# //testing:profile_flags_test). Sets:
#   go     Go 1.26 ($GO126, default /opt/go1.26/bin/go; tools/install-deps.sh
#          --peers installs it); the test fails without it;
#   tmp    a scratch directory, also HOME, GOCACHE's and PPROF_TMPDIR's parent;
#   fails  the count of failed checks;
# and defines pprof (go tool pprof, stderr included), expect and reject.
# Usage: source go_pprof_test_lib.sh TEST_NAME
go="${GO126:-/opt/go1.26/bin/go}"
if [ ! -x "$go" ]; then
  echo "$1: Go 1.26 not found at $go; run tools/install-deps.sh --peers" >&2
  exit 1
fi
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
export HOME="$tmp" GOCACHE="$tmp/gocache" PPROF_TMPDIR="$tmp/pprof"
fails=0

pprof() { "$go" tool pprof "$@" 2>&1; }

# expect NAME REGEX TEXT: TEXT must match the extended regex.
expect() {
  if grep -Eq -- "$2" <<<"$3"; then
    echo "ok   $1"
  else
    echo "FAIL $1: no match for /$2/ in:"
    sed 's/^/     | /' <<<"$3" | head -40
    fails=$((fails + 1))
  fi
}

# reject NAME REGEX TEXT: TEXT must not match.
reject() {
  if grep -Eq -- "$2" <<<"$3"; then
    echo "FAIL $1: unexpected /$2/ in:"
    sed 's/^/     | /' <<<"$3" | head -40
    fails=$((fails + 1))
  else
    echo "ok   $1"
  fi
}
