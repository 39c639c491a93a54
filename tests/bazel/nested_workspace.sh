# shellcheck shell=bash
# Sourced by the tests that run a second, nested Bazel on a fixture workspace
# that uses this repository as @gotest (//tests/driver:driver_test,
# //tests/bazel:bazel_test_protocol_test).

# The caller's Bazel test environment must not leak into the nested Bazel or
# the test binaries it runs.
unset_bazel_test_env() {
  unset TEST_TMPDIR TEST_SRCDIR RUNFILES_DIR XML_OUTPUT_FILE TEST_TOTAL_SHARDS \
    TEST_SHARD_INDEX GTEST_TOTAL_SHARDS GTEST_SHARD_INDEX TEST_SHARD_STATUS_FILE \
    TESTBRIDGE_TEST_ONLY TEST_PREMATURE_EXIT_FILE TEST_UNDECLARED_OUTPUTS_DIR \
    TEST_TIMEOUT TEST_WARNINGS_OUTPUT_FILE
}

# write_nested_workspace FIXTURE REPO WORK: FIXTURE/WORKSPACE mapping @gotest
# to REPO and the offline repositories as the project's own WORKSPACE does,
# and FIXTURE/.bazelrc with the project's C++ settings and a Bazel server of
# its own under WORK (idle timeout 60 s).
write_nested_workspace() {
  local fx="$1" repo="$2" work="$3"
  cat >"$fx/WORKSPACE" <<WS
workspace(name = "fixture")

local_repository(name = "gotest", path = "$repo")
local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")
local_repository(name = "platforms", path = "/usr/share/bazel/tools/platforms")
local_repository(name = "rules_cc", path = "$repo/third_party/bazel/rules_cc")
local_repository(name = "remote_coverage_tools", path = "$repo/third_party/bazel/remote_coverage_tools")
WS
  cat >"$fx/.bazelrc" <<RC
startup --max_idle_secs=60 --output_user_root=$work/bazel-root
build --cxxopt=-std=c++20 --host_cxxopt=-std=c++20
build --copt=-fno-omit-frame-pointer --copt=-g1 --strip=never
build --jobs=2 --local_cpu_resources=2 --repository_cache=
build --spawn_strategy=standalone --sandbox_debug=false
RC
}
