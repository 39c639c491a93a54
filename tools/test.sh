#!/usr/bin/env bash
# Runs every test of the project, as CI does: installs what is missing (including the
# peers the interop and perf-shape tests run: real Go, gotestsum, ...), then
#   1. bazel test //...                       (fastbuild)
#   2. bazel test --config=asan //...         (ASan + UBSan; tests tagged no_asan skipped)
#   3. bazel test --config=tsan //...         (TSan; tests tagged no_tsan skipped)
#   4. bazel test --config=aarch64 //runtime/...
#                                             (the runtime and its tests cross-built for
#                                             AArch64 and run under qemu-user, with the
#                                             arm64 multiarch glibc; tests tagged
#                                             no_aarch64 skipped; runtime/pprof is left
#                                             out, not yet tried under emulation)
#   5. bazel test --config=opt //runtime/...  (-O2, as users build: inlining, identical
#                                             code folding and tail calls must not cost
#                                             a stack its frames; the pprof interop
#                                             test, about formats, is left out)
# and ends with one line "tests: N passed, N failed". Exit status 0 only if all passed.
#
#   tools/test.sh [--quick]        --quick: step 1 only
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1
"$root/tools/install-deps.sh" --peers || exit 1

quick=0
[ "${1:-}" = --quick ] && quick=1

passed=0
failed=0
status=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# run NAME TARGETS BAZEL_ARGS...: one bazel test invocation, tallied.
run() {
  local name="$1" targets="$2"
  shift 2
  echo "== $name: bazel test $* $targets"
  # shellcheck disable=SC2086
  bazel test --noshow_progress "$@" -- $targets 2>&1 | tee "$log" | grep -vE '^(INFO|Loading|Analyzing)'
  local rc="${PIPESTATUS[0]}"
  local p f
  p=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
  f=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|FLAKY|INCOMPLETE|NO STATUS|FAILED TO BUILD)' "$log")
  # Exit 4 means "no test targets": not a failure of any test, but not a pass either.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$rc" -eq 0 ] || status=1
}

run fastbuild //...
if [ "$quick" = 0 ]; then
  run asan //... --config=asan --test_tag_filters=-no_asan --build_tag_filters=-no_asan
  run tsan //... --config=tsan --test_tag_filters=-no_tsan --build_tag_filters=-no_tsan
  # Tests that start another AArch64 program need qemu in binfmt_misc; where it
  # could not be registered (no root, no binfmt_misc) they are skipped, and said so.
  aarch64_tags=-no_aarch64
  if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
    echo "== aarch64: qemu-aarch64 is not in binfmt_misc; skipping tests tagged aarch64_exec"
    aarch64_tags=-no_aarch64,-aarch64_exec
  fi
  run aarch64 "//runtime/... -//runtime/pprof/..." --config=aarch64 \
    --test_tag_filters="$aarch64_tags" --build_tag_filters=-no_aarch64
  run opt "//runtime/... -//runtime/pprof:pprof_interop_test" --config=opt
fi

echo "tests: $passed passed, $failed failed"
exit $status
