#!/usr/bin/env bash
# `bazel test` on a gotest_test, for real: a fixture workspace (made here,
# using this repository as @gotest, as //tests/driver:driver_test does) with
# one target built from protocol_fixture.cc and shard_count = 3.
# Checked, from the test.xml files Bazel leaves in bazel-testlogs:
#   - --test_sharding_strategy=explicit: the three shards together ran every
#     top-level test and example exactly once, subtests with their parent;
#   - --test_filter=TestX: only TestX ran (in one shard; the others ran none);
#   - every test.xml is ours (not Bazel's one-testcase fallback) and
#     validates against junit.xsd, with subtests and failure messages.
#
# It runs a second Bazel server (its own output root under the test's
# temporary directory, --max_idle_secs=60, shut down at the end).
#
#   under Bazel: bazel test //tests/bazel:bazel_test_protocol_test
#   by hand:     tests/bazel/bazel_test_protocol_test.sh [workdir]
set -uo pipefail

if [ -n "${TEST_SRCDIR:-}" ]; then
  # The real repository: the .bzl's runfiles symlink leads back to it.
  REPO="$(cd "$(dirname "$(readlink -f "$TEST_SRCDIR/gotest/bazel/gotest.bzl")")/.." && pwd)"
  WORK="$TEST_TMPDIR/bazel_protocol"
else
  REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  WORK="${1:-$(mktemp -d)}"
fi
XSD="$REPO/tests/bazel/junit.xsd"
FX="$WORK/fixture"
mkdir -p "$FX/proto" "$WORK/home"
export HOME="$WORK/home"
# shellcheck source=tests/bazel/nested_workspace.sh
source "$REPO/tests/bazel/nested_workspace.sh"
unset_bazel_test_env

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

write_nested_workspace "$FX" "$REPO" "$WORK"
cat >"$FX/proto/BUILD" <<'B'
load("@gotest//bazel:gotest.bzl", "gotest_test")

gotest_test(
    name = "proto_test",
    size = "small",
    srcs = ["proto_test.cc"],
    shard_count = 3,
)
B
cp "$REPO/tests/bazel/protocol_fixture.cc" "$FX/proto/proto_test.cc"

LOGS="$FX/bazel-testlogs/proto/proto_test"
# bazel_test NAME ARGS...: `bazel test //proto:proto_test ARGS`; output and
# status in $WORK/NAME.{log,rc}; the shards' test.xml copied to
# $WORK/NAME.shardN.xml.
bazel_test() {
  local name="$1"
  shift
  (cd "$FX" && bazel test //proto:proto_test --test_sharding_strategy=explicit \
    --test_output=errors "$@") >"$WORK/$name.log" 2>&1
  echo $? >"$WORK/$name.rc"
  case "$(cat "$WORK/$name.rc")" in
    0 | 3) ;; # passed, or tests failed
    *)
      fail "$name: bazel test did not run the tests: $(tail -c 3000 "$WORK/$name.log")"
      (cd "$FX" && bazel shutdown) >/dev/null 2>&1
      exit 1
      ;;
  esac
  local i
  for i in 1 2 3; do
    cp "$LOGS/shard_${i}_of_3/test.xml" "$WORK/$name.shard$i.xml" 2>/dev/null ||
      fail "$name: no test.xml for shard $i: $(tail -c 3000 "$WORK/$name.log")"
  done
}

# check_shards NAME WANT-TOP-LEVEL: the shards' reports (validated) together
# ran each of WANT exactly once.
check_shards() {
  local name="$1" want="$2" i
  for i in 1 2 3; do
    checks=$((checks + 1))
    xmllint --noout --schema "$XSD" "$WORK/$name.shard$i.xml" 2>"$WORK/xmllint.err" ||
      fail "$name.shard$i.xml does not validate: $(cat "$WORK/xmllint.err")"
  done
  checks=$((checks + 1))
  python3 - "$WORK" "$name" "$want" <<'PY' || fail "$name: see above"
import sys, collections, xml.etree.ElementTree as ET
work, name, want = sys.argv[1], sys.argv[2], sys.argv[3].split()
count = collections.Counter()
bad = False
for i in (1, 2, 3):
    root = ET.parse("%s/%s.shard%d.xml" % (work, name, i)).getroot()
    suite = root.find("testsuite")
    # Ours, not Bazel's fallback (named after the target's shard).
    if suite is None or suite.get("name") != "//proto:proto_test":
        print("shard %d: not our report: %r" % (i, suite is not None and suite.attrib)); bad = True
        continue
    names = [tc.get("name") for tc in suite.iter("testcase")]
    count.update(x for x in names if "/" not in x)
    for x in names:
        if "/" in x and x.split("/")[0] not in names:
            print("shard %d: %s without its parent" % (i, x)); bad = True
if sorted(count) != sorted(want) or any(c != 1 for c in count.values()):
    print("%s: top-level tests across shards: %r, want each of %r once" % (name, dict(count), want))
    bad = True
sys.exit(1 if bad else 0)
PY
}

# ---- every test exactly once across three shards ----
bazel_test all
checks=$((checks + 1))
[ "$(cat "$WORK/all.rc")" = 3 ] || fail "all: bazel exit status $(cat "$WORK/all.rc"), want 3 (tests failed): $(tail -c 3000 "$WORK/all.log")"
check_shards all "TestPass TestFail TestSkip TestSubtests TestNasty TestParallelA TestParallelB TestX TestHang TestExit ExampleHello"
# Subtests and failure messages, wherever their shard put them.
checks=$((checks + 1))
python3 - "$WORK" <<'PY' || fail "all: subtests and failures: see above"
import sys, xml.etree.ElementTree as ET
cases = {}
for i in (1, 2, 3):
    for tc in ET.parse("%s/all.shard%d.xml" % (sys.argv[1], i)).iter("testcase"):
        cases[tc.get("name")] = tc
bad = []
for n in ("TestSubtests/case_one", "TestSubtests/case_one#01", "TestSubtests/bad",
          "TestSubtests/nested/deep"):
    if n not in cases:
        bad.append("no subtest " + n)
f = cases.get("TestFail")
if f is None or f.find("failure") is None or "got 2, want 3" not in f.find("failure").get("message", ""):
    bad.append("TestFail: no failure message with the log")
b = cases.get("TestSubtests/bad")
if b is None or b.find("failure") is None or "sub failure <&>" not in (b.find("failure").text or ""):
    bad.append("TestSubtests/bad: no failure body")
s = cases.get("TestSkip")
if s is None or s.find("skipped") is None:
    bad.append("TestSkip: not skipped")
for p in bad:
    print(p)
sys.exit(1 if bad else 0)
PY

# ---- --test_filter=TestX runs only TestX ----
bazel_test filter --test_filter=TestX
checks=$((checks + 1))
[ "$(cat "$WORK/filter.rc")" = 0 ] || fail "filter: bazel exit status $(cat "$WORK/filter.rc"), want 0: $(tail -c 3000 "$WORK/filter.log")"
check_shards filter "TestX"

# ---- the macro keeps tail calls out of the test's own code ----
checks=$((checks + 1))
(cd "$FX" && bazel query --output=build //proto:proto_test) >"$WORK/query.log" 2>&1
grep -q -- '"-fno-optimize-sibling-calls"' "$WORK/query.log" ||
  fail "gotest_test: no -fno-optimize-sibling-calls in copts: $(tail -c 2000 "$WORK/query.log")"

(cd "$FX" && bazel shutdown) >/dev/null 2>&1
echo "bazel_test_protocol_test: $checks checks, $failures failed"
[ "$failures" = 0 ]
