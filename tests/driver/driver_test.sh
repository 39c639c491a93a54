#!/usr/bin/env bash
# End-to-end tests of the gotest driver (cmd/gotest) against a fixture Bazel
# workspace made here: packages that pass, fail, have no gotest_test targets,
# do not compile, and hold two test targets; the fixture's gotest_test
# targets link the real //testing:main of this repository (local_repository).
# Checked: go test's per-package lines and final FAIL, -json merged stream
# (valid JSON, Package on every test event, start/pass/fail/skip, build-fail),
# exit statuses (0, 1, 2), -run pass-through, the result cache ((cached), not
# with -count=1), local directory mode (streamed, "exit status 1", no
# cache), -c, bad patterns and being outside a workspace.
#
# It runs a second Bazel server (its own output root under the test's
# temporary directory, --max_idle_secs=60, shut down at the end).
#
#   under Bazel: bazel test //tests/driver:driver_test
#   by hand:     GOTEST_BIN=/path/to/gotest tests/driver/driver_test.sh [workdir]
set -uo pipefail

if [ -n "${TEST_SRCDIR:-}" ]; then
  GOTEST_BIN="${GOTEST_BIN:-$TEST_SRCDIR/gotest/cmd/gotest/gotest}"
  # The real repository: the .bzl's runfiles symlink leads back to it.
  REPO="$(cd "$(dirname "$(readlink -f "$TEST_SRCDIR/gotest/bazel/gotest.bzl")")/.." && pwd)"
  WORK="$TEST_TMPDIR/driver"
else
  REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  WORK="${1:-$(mktemp -d)}"
fi
GOTEST_BIN="$(readlink -f "$GOTEST_BIN")"
FX="$WORK/fixture"
mkdir -p "$FX" "$WORK/home" "$WORK/out"
export HOME="$WORK/home"
export GOTESTCACHE="$WORK/cache"
# shellcheck source=tests/bazel/nested_workspace.sh
source "$REPO/tests/bazel/nested_workspace.sh"
unset_bazel_test_env

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# ---- the fixture workspace ----
write_nested_workspace "$FX" "$REPO" "$WORK"
echo "build:tsan --copt=-fsanitize=thread --linkopt=-fsanitize=thread --copt=-O1" >>"$FX/.bazelrc"
mkdir -p "$FX/pass" "$FX/fail" "$FX/empty" "$FX/broken" "$FX/multi" "$FX/nobuild/sub"
cat >"$FX/pass/BUILD" <<'B'
load("@gotest//bazel:gotest.bzl", "gotest_test")

gotest_test(
    name = "pass_test",
    srcs = ["pass_test.cc"],
    data = ["testdata/hello.txt"],
)
B
mkdir -p "$FX/pass/testdata"
echo hello >"$FX/pass/testdata/hello.txt"
cat >"$FX/pass/pass_test.cc" <<'C'
#include <fstream>
#include <string>

#include "testing/testing.h"

GO_TEST(TestPass, t) { t->Log("pass log"); }

// Runs in the runfiles tree, as under `bazel test`.
GO_TEST(TestData, t) {
  std::ifstream in("pass/testdata/hello.txt");
  std::string s;
  if (!(in >> s) || s != "hello") t->Errorf("read %s, want hello", s);
}
C
cat >"$FX/fail/BUILD" <<'B'
load("@gotest//bazel:gotest.bzl", "gotest_test")

gotest_test(
    name = "fail_test",
    srcs = ["fail_test.cc"],
)
B
cat >"$FX/fail/fail_test.cc" <<'C'
#include "testing/testing.h"

GO_TEST(TestFail, t) {
  t->Log("fail log");
  t->Errorf("got %d, want %d", 2, 3);
}

GO_TEST(TestFine, t) {}
C
cat >"$FX/empty/BUILD" <<'B'
cc_library(
    name = "lib",
    srcs = ["lib.cc"],
)
B
echo 'int Lib() { return 1; }' >"$FX/empty/lib.cc"
cat >"$FX/broken/BUILD" <<'B'
load("@gotest//bazel:gotest.bzl", "gotest_test")

gotest_test(
    name = "broken_test",
    srcs = ["broken_test.cc"],
)
B
cat >"$FX/broken/broken_test.cc" <<'C'
#include "testing/testing.h"

GO_TEST(TestBroken, t) { undefined_function_xyz(); }
C
cat >"$FX/multi/BUILD" <<'B'
load("@gotest//bazel:gotest.bzl", "gotest_test")

gotest_test(
    name = "a_test",
    srcs = ["a_test.cc"],
)

gotest_test(
    name = "b_test",
    srcs = ["b_test.cc"],
)
B
echo '#include "testing/testing.h"
GO_TEST(TestA, t) {}' >"$FX/multi/a_test.cc"
echo '#include "testing/testing.h"
GO_TEST(TestB, t) {}' >"$FX/multi/b_test.cc"

# run NAME DIR ARGS...: runs the driver in DIR; stdout, stderr and the exit
# status land in $WORK/out/NAME.{out,err,rc}.
run() {
  local name="$1" dir="$2"
  shift 2
  (cd "$dir" && "$GOTEST_BIN" "$@") >"$WORK/out/$name.out" 2>"$WORK/out/$name.err"
  echo $? >"$WORK/out/$name.rc"
}
# Times vary: 0.123s -> T.
norm() { sed -E 's/\t[0-9]+\.[0-9]{3}s/\tT/; s/\([0-9]+\.[0-9]{2}s\)/(X)/' "$WORK/out/$1.out"; }
expect_rc() {
  checks=$((checks + 1))
  local got
  got="$(cat "$WORK/out/$1.rc")"
  [ "$got" = "$2" ] || fail "$1: exit status $got, want $2 (stderr: $(head -c 2000 "$WORK/out/$1.err"))"
}
# expect_out NAME WANT: the normalized stdout is exactly WANT.
expect_out() {
  checks=$((checks + 1))
  local got
  got="$(norm "$1")"
  [ "$got" = "$2" ] || fail "$1: stdout
--- got:
$got
--- want:
$2
--- stderr:
$(head -c 3000 "$WORK/out/$1.err")"
}
# expect_grep NAME out|err REGEX: a line matches.
expect_grep() {
  checks=$((checks + 1))
  grep -qE -- "$3" "$WORK/out/$1.$2" || fail "$1: no line of std$2 matches /$3/:
$(head -c 3000 "$WORK/out/$1.$2")"
}
expect_nogrep() {
  checks=$((checks + 1))
  if grep -qE -- "$3" "$WORK/out/$1.$2"; then fail "$1: std$2 matches /$3/"; fi
}

T=$'\t'

# ---- package-list mode over everything: pass, fail, empty, broken, two targets ----
run all "$FX" ./...
expect_rc all 1
expect_out all "FAIL${T}//broken [build failed]
?   ${T}//empty${T}[no test files]
--- FAIL: TestFail (X)
    fail_test.cc:4: fail log
    fail_test.cc:5: got 2, want 3
FAIL
FAIL${T}//fail${T}T
ok  ${T}//multi:a_test${T}T
ok  ${T}//multi:b_test${T}T
ok  ${T}//pass${T}T
FAIL"
expect_grep all err '^# //broken:broken_test$'
expect_grep all err 'undefined_function_xyz'
expect_nogrep all err '^(INFO|Loading|Analyzing)'

# ---- the cache: a second run prints (cached); -count=1 runs again ----
run cache1 "$FX" ./pass ./multi/...
expect_rc cache1 0
expect_out cache1 "ok  ${T}//multi:a_test${T}(cached)
ok  ${T}//multi:b_test${T}(cached)
ok  ${T}//pass${T}(cached)"
run count1 "$FX" -count=1 ./pass
expect_out count1 "ok  ${T}//pass${T}T"
run cachev "$FX" -v ./pass
expect_grep cachev out '^=== RUN   TestPass$'
expect_grep cachev out '^ok  '"$T"'//pass'"$T"'[0-9.]+s$'
run cachev2 "$FX" -v ./pass
expect_grep cachev2 out '^    pass_test.cc:6: pass log$'
expect_grep cachev2 out '^ok  '"$T"'//pass'"$T"'\(cached\)$'
# A failure is never cached.
run failagain "$FX" //fail
expect_grep failagain out "^FAIL${T}//fail${T}[0-9.]+s$"

# ---- -run and other test flags pass through ----
run runflag "$FX" -v -run 'TestPass$' ./pass
expect_rc runflag 0
expect_grep runflag out '^=== RUN   TestPass$'
expect_nogrep runflag out 'TestData'
run norun "$FX" ./pass -run=Nope
expect_out norun "ok  ${T}//pass${T}T [no tests to run]"
run failrun "$FX" -run TestFine //fail
expect_rc failrun 0
expect_out failrun "ok  ${T}//fail${T}T"

# ---- -json: go test -json's merged stream ----
run json "$FX" -json ./...
expect_rc json 1
checks=$((checks + 1))
if ! python3 - "$WORK/out/json.out" <<'PY'; then fail "json: see above"; fi
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
def find(**kw):
    return [e for e in events if all(e.get(k) == v for k, v in kw.items())]
problems = []
for e in events:
    if "ImportPath" in e:
        continue
    if not e.get("Package"):
        problems.append("no Package: %r" % e)
    if not e.get("Time"):
        problems.append("no Time: %r" % e)
for pkg in ["//pass", "//fail", "//empty", "//broken", "//multi:a_test"]:
    if not find(Action="start", Package=pkg):
        problems.append("no start event for " + pkg)
if not find(Action="pass", Package="//pass", Test="TestPass"):
    problems.append("no pass event of TestPass")
final = [e for e in find(Package="//pass") if "Test" not in e and e["Action"] in ("pass", "fail")]
if len(final) != 1 or final[0]["Action"] != "pass" or "Elapsed" not in final[0]:
    problems.append("//pass: final events %r" % final)
outs = [e["Output"] for e in find(Action="output", Package="//pass") if "Test" not in e]
if not any(o.startswith("ok  \t//pass\t") for o in outs):
    problems.append("//pass: no ok line output event: %r" % outs)
if events.index(final[0]) < max(i for i, e in enumerate(events) if e.get("Package") == "//pass" and e.get("Output", "").startswith("ok  ")):
    problems.append("//pass: the pass event comes before the ok line")
if not find(Action="fail", Package="//fail", Test="TestFail"):
    problems.append("no fail event of TestFail")
if not [e for e in find(Action="fail", Package="//fail") if "Test" not in e]:
    problems.append("no package fail event for //fail")
if not find(Action="skip", Package="//empty"):
    problems.append("no skip event for //empty")
if not find(Action="build-fail", ImportPath="//broken:broken_test"):
    problems.append("no build-fail event")
bf = [e for e in find(Action="fail", Package="//broken") if e.get("FailedBuild")]
if not bf:
    problems.append("no FailedBuild fail event for //broken")
if [e for e in events if e.get("Action") == "output" and e.get("Output") == "FAIL\n" and "Package" not in e]:
    problems.append("a bare FAIL line")
for p in problems:
    print("json: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# A cached -json result replays the binary's events (with the start and final
# events written once, by the driver).
run json_pass1 "$FX" -json ./pass
run json_pass2 "$FX" -json ./pass
checks=$((checks + 1))
if ! python3 - "$WORK/out/json_pass2.out" <<'PY'; then fail "json_pass2: see above"; fi
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
actions = [(e["Action"], e.get("Test", "")) for e in events]
problems = []
if actions[0] != ("start", "") or actions[-1] != ("pass", "") or actions.count(("start", "")) != 1:
    problems.append("start/final events: %r" % actions)
if ("pass", "TestPass") not in actions:
    problems.append("no cached pass event of TestPass: %r" % actions)
if events[-2].get("Output") != "ok  \t//pass\t(cached)\n":
    problems.append("no (cached) ok line: %r" % events[-2])
for p in problems:
    print("json_pass2: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# ---- local directory mode: streamed, exit status line, no final FAIL, no cache ----
run local_pass "$FX/pass"
expect_rc local_pass 0
expect_out local_pass "PASS
ok  ${T}//pass${T}T"
run local_pass2 "$FX/pass"
expect_out local_pass2 "PASS
ok  ${T}//pass${T}T"
run local_fail "$FX/fail"
expect_rc local_fail 1
expect_out local_fail "--- FAIL: TestFail (X)
    fail_test.cc:4: fail log
    fail_test.cc:5: got 2, want 3
FAIL
exit status 1
FAIL${T}//fail${T}T"
run local_empty "$FX/empty"
expect_rc local_empty 0
expect_out local_empty "?   ${T}//empty${T}[no test files]"

# ---- -c: the binary as <pkg>.test ----
run build_only "$FX" -c -o "$WORK/out/" //pass
expect_rc build_only 0
checks=$((checks + 1))
if [ -x "$WORK/out/pass.test" ]; then
  (cd "$WORK/out" && ./pass.test -test.run TestPass -test.v) >"$WORK/out/pass.test.out" 2>&1
  grep -q '^--- PASS: TestPass' "$WORK/out/pass.test.out" ||
    fail "-c: pass.test does not run TestPass: $(cat "$WORK/out/pass.test.out")"
else
  fail "-c: no pass.test written"
fi

# ---- bad input ----
run usage "$FX" -count=x ./pass
expect_rc usage 2
expect_grep usage err '^invalid value "x" for flag -count: parse error$'
expect_grep usage err '^usage: gotest '
run multiprof "$FX" -cpuprofile=cpu.out ./pass ./fail
expect_rc multiprof 1
expect_grep multiprof err '^cannot use -cpuprofile flag with multiple packages$'
run nonexistent "$FX" ./nonexistent/...
expect_rc nonexistent 1
expect_out nonexistent "FAIL${T}./nonexistent/... [setup failed]
FAIL"
run nomatch "$FX" ./nobuild/...
expect_rc nomatch 1
expect_grep nomatch err '^gotest: warning: "./nobuild/..." matched no packages$'
expect_grep nomatch err '^no packages to test$'
run outside / ./...
expect_rc outside 1
expect_grep outside err 'no WORKSPACE file in / or any parent directory'
(cd "$FX" && PATH=/nonexistent "$GOTEST_BIN" ./pass) >/dev/null 2>"$WORK/out/nobazel.err"
echo $? >"$WORK/out/nobazel.rc"
expect_rc nobazel 1
expect_grep nobazel err 'bazel not found in .PATH: install Bazel'

(cd "$FX" && bazel shutdown) >/dev/null 2>&1
echo "driver_test: $checks checks, $failures failed"
[ "$failures" = 0 ]
