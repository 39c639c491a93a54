#!/usr/bin/env bash
# Bazel's test protocol, driven by hand on a real test binary
# (protocol_fixture.cc): the variables `bazel test` sets are set here one at a
# time, and every JUnit report is validated with xmllint against junit.xsd
# (the schema Bazel consumes) and read back with Python's XML parser.
# Checked: the report's test cases (subtests by full Go name, failures with
# their logs, skips, an example, times with a decimal point, escaping),
# -junitfile, sharding (TEST_* and GTEST_* variables, every test once across
# the shards, the status file), TESTBRIDGE_TEST_ONLY, fail-fast, TEST_TIMEOUT
# (Go's timeout report before Bazel's SIGTERM, the report still written),
# SIGTERM (goroutine dump, report finished), the premature-exit file, -json,
# TEST_RANDOM_SEED, TEST_UNDECLARED_OUTPUTS_DIR, bad values, and that
# TEST_SRCDIR/TEST_TMPDIR alone (set by the gotest driver) change nothing.
#
#   under Bazel: bazel test //tests/bazel:junit_xml_test
#   by hand:     FIXTURE=/path/to/protocol_fixture tests/bazel/junit_xml_test.sh [workdir]
set -uo pipefail

if [ -n "${TEST_SRCDIR:-}" ]; then
  FIXTURE="${FIXTURE:-$TEST_SRCDIR/gotest/tests/bazel/protocol_fixture}"
  XSD="$TEST_SRCDIR/gotest/tests/bazel/junit.xsd"
  W="$TEST_TMPDIR/junit"
else
  XSD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/junit.xsd"
  W="${1:-$(mktemp -d)}"
fi
mkdir -p "$W"
# This script's own Bazel environment must not reach the fixture.
unset XML_OUTPUT_FILE TEST_TOTAL_SHARDS TEST_SHARD_INDEX GTEST_TOTAL_SHARDS \
  GTEST_SHARD_INDEX TEST_SHARD_STATUS_FILE GTEST_SHARD_STATUS_FILE \
  TESTBRIDGE_TEST_ONLY TESTBRIDGE_TEST_RUNNER_FAIL_FAST TEST_TIMEOUT \
  TEST_PREMATURE_EXIT_FILE TEST_RANDOM_SEED TEST_UNDECLARED_OUTPUTS_DIR \
  TEST_SRCDIR TEST_TMPDIR

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  checks=$((checks + 1))
  "$@" || fail "$what"
}

# run NAME [VAR=VALUE...] -- ARGS...: the fixture with those variables;
# stdout/stderr/status in $W/NAME.{out,err,rc}.
run() {
  local name="$1"
  shift
  local vars=()
  while [ "$1" != "--" ]; do
    vars+=("$1")
    shift
  done
  shift
  env "${vars[@]}" "$FIXTURE" "$@" >"$W/$name.out" 2>"$W/$name.err"
  echo $? >"$W/$name.rc"
}
rc_is() { [ "$(cat "$W/$1.rc")" = "$2" ] || { echo "$1: exit status $(cat "$W/$1.rc"), want $2; stderr: $(head -c 2000 "$W/$1.err")" >&2; false; }; }
valid() { xmllint --noout --schema "$XSD" "$1" 2>"$W/xmllint.err" || { cat "$W/xmllint.err" >&2; false; }; }
has() { grep -qE -- "$2" "$W/$1" || { echo "$1 has no line matching /$2/:" >&2; head -c 2000 "$W/$1" >&2; false; }; }
hasnt() { ! grep -qE -- "$2" "$W/$1" || { echo "$1 matches /$2/" >&2; false; }; }

# py FILE.xml SCRIPT: runs SCRIPT with `cases` (name -> (kind, message,
# body)), `suite` (the testsuite element) and `want(cond, msg)`.
py() {
  python3 - "$1" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = {}
names = []
for tc in suite.findall("testcase"):
    kind, msg, body = "pass", None, ""
    for k in ("failure", "error", "skipped"):
        e = tc.find(k)
        if e is not None:
            kind, msg, body = k, e.get("message"), e.text or ""
    if kind == "pass" and tc.find("system-out") is not None:
        body = tc.find("system-out").text or ""
    cases[tc.get("name")] = (kind, msg, body, tc.get("time"))
    names.append(tc.get("name"))
problems = []
def want(cond, msg):
    if not cond:
        problems.append(msg)
exec(sys.argv[2])
for p in problems:
    print("%s: %s" % (sys.argv[1], p), file=sys.stderr)
sys.exit(1 if problems else 0)
PY
}

# ---- the whole run: every kind of result ----
run all XML_OUTPUT_FILE="$W/all.xml" --
check "all: exit status" rc_is all 1
check "all.xml validates" valid "$W/all.xml"
check "all.xml contents" py "$W/all.xml" '
want(sorted(names) == sorted(["TestPass", "TestFail", "TestSkip", "TestSubtests",
    "TestSubtests/case_one", "TestSubtests/case_one#01", "TestSubtests/bad",
    "TestSubtests/nested", "TestSubtests/nested/deep", "TestNasty",
    "TestParallelA", "TestParallelB", "TestX", "TestHang", "TestExit",
    "ExampleHello"]), "names: %r" % names)
want(cases["TestPass"][0] == "pass" and "pass log" in cases["TestPass"][2], cases["TestPass"])
k, m, b, _ = cases["TestFail"]
want(k == "failure" and "got 2, want 3" in m and "before the failure" in b
     and "protocol_fixture.cc:" in b, cases["TestFail"])
want(cases["TestSkip"][0] == "skipped" and "needs a network" in cases["TestSkip"][1], cases["TestSkip"])
want(cases["TestSubtests/bad"][0] == "failure" and "sub failure <&>" in cases["TestSubtests/bad"][2], cases["TestSubtests/bad"])
want(cases["TestSubtests"][0] == "failure", "the parent of a failing subtest fails")
want(cases["TestSubtests/case_one#01"][0] == "pass", cases["TestSubtests/case_one#01"])
want(cases["TestSubtests/nested/deep"][0] == "skipped", cases["TestSubtests/nested/deep"])
k, m, b, _ = cases["TestNasty"]
want(k == "failure" and "\\x01\\x02\\x1b[31m nul \\x00 cdata ]]> end, quote \" amp & lt <" in b
     and "\ufffd\ufffd done" in b, repr(b))
want(cases["ExampleHello"][0] == "pass", cases["ExampleHello"])
want(all("." in c[3] for c in cases.values()), "a time without a decimal point")
want(all("." in e.get("time") for e in (root, suite)), "a suite time without a decimal point")
want(suite.get("tests") == "16" and suite.get("failures") == "4" and suite.get("errors") == "0"
     and suite.get("skipped") == "2", suite.attrib)
want(root.get("failures") == "4", root.attrib)
'
check "all: the temporary file is gone" test -z "$(ls "$W" | grep '\.tmp')"

# ---- -junitfile, outside Bazel ----
run flag -- -test.junitfile="$W/flag.xml" -test.run 'TestPass|TestSkip'
check "flag: exit status" rc_is flag 0
check "flag.xml validates" valid "$W/flag.xml"
check "flag.xml contents" py "$W/flag.xml" 'want(names == ["TestPass", "TestSkip"], names)'

# ---- sharding: every top-level test exactly once ----
for i in 0 1 2; do
  run "shard$i" TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=$i TEST_SHARD_STATUS_FILE="$W/shard$i.status" \
    GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=$i XML_OUTPUT_FILE="$W/shard$i.xml" --
  check "shard$i: status file touched" test -f "$W/shard$i.status"
  check "shard$i.xml validates" valid "$W/shard$i.xml"
done
for i in 0 1; do
  run "gshard$i" GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$i XML_OUTPUT_FILE="$W/gshard$i.xml" --
done
checks=$((checks + 1))
python3 - "$W" <<'PY' || fail "sharding: see above"
import sys, collections, xml.etree.ElementTree as ET
w = sys.argv[1]
top = ["TestPass", "TestFail", "TestSkip", "TestSubtests", "TestNasty", "TestParallelA",
       "TestParallelB", "TestX", "TestHang", "TestExit", "ExampleHello"]
bad = False
for prefix, n in (("shard", 3), ("gshard", 2)):
    count = collections.Counter()
    per = []
    for i in range(n):
        names = [tc.get("name") for tc in ET.parse("%s/%s%d.xml" % (w, prefix, i)).iter("testcase")]
        per.append(len([x for x in names if "/" not in x]))
        count.update(x for x in names if "/" not in x)
        # Subtests stay with their test.
        for x in names:
            if "/" in x and x.split("/")[0] not in names:
                print("%s%d: %s without its parent" % (prefix, i, x)); bad = True
    if sorted(count) != sorted(top) or any(c != 1 for c in count.values()):
        print("%s: counts %r" % (prefix, dict(count))); bad = True
    if max(per) - min(per) > 1:
        print("%s: unbalanced %r" % (prefix, per)); bad = True
sys.exit(1 if bad else 0)
PY
run badshard TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=5 --
check "badshard: exit status 1" rc_is badshard 1
check "badshard: one-line message" has badshard.err '^testing: invalid shard TEST_SHARD_INDEX=5 of TEST_TOTAL_SHARDS=3'
check "badshard: only that line" test "$(wc -l <"$W/badshard.err")" = 1

# ---- --test_filter, -failfast ----
run filter TESTBRIDGE_TEST_ONLY=TestX XML_OUTPUT_FILE="$W/filter.xml" -- -test.v
check "filter: exit status" rc_is filter 0
check "filter: runs TestX" has filter.out '^--- PASS: TestX '
check "filter: nothing else" hasnt filter.out '=== RUN   Test[^X]'
check "filter.xml" py "$W/filter.xml" 'want(names == ["TestX"], names)'
run filter2 TESTBRIDGE_TEST_ONLY='TestPass,TestX,-TestX' -- -test.v
check "filter2: - entries skip" has filter2.out '^--- PASS: TestPass '
check "filter2: - entries skip" hasnt filter2.out 'RUN   TestX'
run filter3 TESTBRIDGE_TEST_ONLY=TestX -- -test.v -test.run TestPass
check "filter3: -run wins" has filter3.out '^--- PASS: TestPass '
check "filter3: -run wins" hasnt filter3.out 'TestX'
run failfast TESTBRIDGE_TEST_RUNNER_FAIL_FAST=1 XML_OUTPUT_FILE="$W/failfast.xml" -- -test.run 'TestPass|TestFail|TestX'
check "failfast: exit status" rc_is failfast 1
check "failfast.xml" py "$W/failfast.xml" 'want(names == ["TestPass", "TestFail"], names)'

# ---- TEST_TIMEOUT: Go's timeout report before Bazel's SIGTERM ----
# 10 s, not less: TestHang must be running when the alarm goes off, and a
# loaded machine can stall the fixture for seconds before it gets there.
run timeout TEST_TIMEOUT=10 FIXTURE_HANG=1 XML_OUTPUT_FILE="$W/timeout.xml" -- -test.run 'TestPass|TestHang'
check "timeout: exit status 2" rc_is timeout 2
check "timeout: Go's panic 10% before" has timeout.err '^panic: test timed out after 9s$'
check "timeout: running tests" has timeout.err '^		TestHang \([0-9]+s\)$'
check "timeout: goroutines" has timeout.err '^goroutine [0-9]+ \['
check "timeout.xml validates" valid "$W/timeout.xml"
check "timeout.xml" py "$W/timeout.xml" '
want(cases["TestPass"][0] == "pass", cases["TestPass"])
k, m, b, _ = cases["TestHang"]
want(k == "error" and m.startswith("panic: test timed out after 9s") and "hanging now" in b, cases["TestHang"])'

# ---- SIGTERM: the dump and the finished report, then death by SIGTERM ----
sigterm_run() { # NAME VAR=VALUE...: starts a hanging run, waits for it, TERMs it
  local name="$1"
  shift
  : >"$W/$name.out"
  env "$@" FIXTURE_HANG=1 "$FIXTURE" -test.v -test.run 'TestPass|TestHang' >"$W/$name.out" 2>"$W/$name.err" &
  local pid=$! i
  for ((i = 0; i < 600; i++)); do
    grep -q 'hanging now' "$W/$name.out" && break
    sleep 0.2
  done
  kill -TERM "$pid"
  wait "$pid"
  echo $? >"$W/$name.rc"
}
# Not under ThreadSanitizer (--config=tsan sets TSAN_OPTIONS): it runs a
# signal handler only when the receiving thread next enters a function it
# intercepts, and an idle scheduler thread parked in a raw futex never does.
if [ -z "${TSAN_OPTIONS:-}" ]; then
  sigterm_run sigterm XML_OUTPUT_FILE="$W/sigterm.xml"
  check "sigterm: killed by SIGTERM" rc_is sigterm 143
  check "sigterm: says so" has sigterm.err '^SIGTERM: terminated$'
  check "sigterm: running tests" has sigterm.err '^	TestHang \([0-9]+s\)$'
  check "sigterm: goroutines" has sigterm.err '^goroutine [0-9]+ \['
  check "sigterm.xml validates" valid "$W/sigterm.xml"
  check "sigterm.xml" py "$W/sigterm.xml" '
want(cases["TestPass"][0] == "pass", cases["TestPass"])
want(cases["TestHang"][0] == "error" and cases["TestHang"][1] == "SIGTERM: terminated", cases["TestHang"])'
else
  echo "SIGTERM report: not checked under ThreadSanitizer"
fi
# The driver sets TEST_SRCDIR/TEST_TMPDIR itself: not "under Bazel", so
# SIGTERM keeps its default action, as for a Go test binary.
sigterm_run plainterm TEST_SRCDIR="$W" TEST_TMPDIR="$W"
check "plainterm: killed by SIGTERM" rc_is plainterm 143
check "plainterm: no report" hasnt plainterm.err 'SIGTERM: terminated'

# ---- the premature-exit file ----
run premature_ok TEST_PREMATURE_EXIT_FILE="$W/premature_ok" -- -test.run TestPass
check "premature_ok: exit status" rc_is premature_ok 0
check "premature_ok: file removed" test ! -e "$W/premature_ok"
run premature TEST_PREMATURE_EXIT_FILE="$W/premature" FIXTURE_EXIT=3 XML_OUTPUT_FILE="$W/premature.xml" -- -test.run 'TestPass|TestExit'
check "premature: exit status" rc_is premature 3
check "premature: file left" test -e "$W/premature"
check "premature.xml validates" valid "$W/premature.xml"
check "premature.xml" py "$W/premature.xml" '
want(cases["TestExit"][0] == "error" and cases["TestExit"][1] == "exit(3) during test", cases["TestExit"])'

# ---- -json: the child process writes the report ----
run json XML_OUTPUT_FILE="$W/json.xml" -- -test.json -test.run 'TestPass|TestFail'
check "json: exit status" rc_is json 1
check "json: events" has json.out '"Action":"fail","Package":"[^"]*","Test":"TestFail"'
check "json.xml validates" valid "$W/json.xml"
check "json.xml" py "$W/json.xml" 'want(names == ["TestPass", "TestFail"], names)'

# ---- TEST_RANDOM_SEED, TEST_UNDECLARED_OUTPUTS_DIR, bad values ----
run seed TEST_RANDOM_SEED=5 -- -test.shuffle=on -test.run TestPass
check "seed: -shuffle=on uses it" has seed.out '^-test.shuffle 5$'
mkdir -p "$W/outputs"
run outdir TEST_UNDECLARED_OUTPUTS_DIR="$W/outputs" -- -test.run TestPass -test.cpuprofile=cpu.out
check "outdir: exit status" rc_is outdir 0
check "outdir: the profile is an undeclared output" test -s "$W/outputs/cpu.out"
run badtimeout TEST_TIMEOUT=soon --
check "badtimeout: exit status 1" rc_is badtimeout 1
check "badtimeout: one line" has badtimeout.err '^testing: invalid TEST_TIMEOUT="soon": want a positive number of seconds$'
run badxml XML_OUTPUT_FILE="$W/no/such/dir/x.xml" -- -test.run TestPass
check "badxml: says why" has badxml.err '^testing: junit: open .*/no/such/dir/x.xml.tmp[0-9]+: No such file or directory$'
check "badxml: nothing written" test ! -e "$W/no"

echo "junit_xml_test: $checks checks, $failures failed"
[ "$failures" = 0 ]
