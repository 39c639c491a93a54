"""gotest_test: a C++ test target written with GO_TEST/GO_BENCHMARK.

    load("//bazel:gotest.bzl", "gotest_test")

    gotest_test(
        name = "math_test",
        srcs = ["math_test.cc"],
        deps = [":math"],
    )

The target is a plain cc_test, so `bazel test` runs it under Bazel's test
protocol (sharding, JUnit XML, TEST_TMPDIR, --test_filter are handled by the
testing package's runner). What the macro adds:

  * main() from //testing:main (Go's generated _testmain.go) and //testing, so
    a *_test.cc holds only GO_TEST/GO_BENCHMARK/GO_EXAMPLE functions;
  * the tag "gotest": the driver (cmd/gotest) finds the targets it runs with
    `bazel query 'attr(tags, "\\bgotest\\b", tests(...))'`, so plain cc_tests
    (GoogleTest) in the same tree are left to `bazel test`;
  * -fno-optimize-sibling-calls for the test's own sources, so that stacks
    (failure file:line, goroutine dumps, profiles) keep every caller at -O2;
  * static linking.

Every other cc_test attribute (size, timeout, shard_count, flaky, args, data,
env, tags, copts, linkopts, local_defines, defines, includes, linkstatic,
visibility, testonly, target_compatible_with, ...) is passed through unchanged.
"""

# Resolved against this file's repository, so the macro also works when the
# gotest repository is an external one (local_repository(name = "gotest")).
_TESTING_MAIN = Label("//testing:main")
_TESTING = Label("//testing")

def _canonical(dep):
    """"//testing" and "@gotest//testing:testing" -> "//testing:testing" (a
    dependency listed twice is an error in Bazel)."""
    if type(dep) != "string":
        dep = str(dep)
    if dep.startswith("@gotest//"):
        dep = dep[len("@gotest"):]
    if dep.startswith("//") and ":" not in dep:
        dep = dep + ":" + dep.split("/")[-1]
    return dep

def gotest_test(name, deps = [], tags = [], **kwargs):
    """Declares a cc_test whose main() runs the GO_TEST functions it links.

    Args:
      name: the target's name (conventionally `<lib>_test`).
      deps: libraries under test; //testing and //testing:main are added.
      tags: extra tags; "gotest" is always added.
      **kwargs: any other cc_test attribute, passed through.
    """
    all_deps = list(deps)
    given = [_canonical(d) for d in deps]
    for label, canonical in [(_TESTING_MAIN, "//testing:main"), (_TESTING, "//testing:testing")]:
        if canonical not in given:
            all_deps.append(label)
    all_tags = list(tags)
    if "gotest" not in all_tags:
        all_tags.append("gotest")
    # Statically linked (Bazel links tests dynamically by default): the
    # binary then holds all of the code under test, so the driver's result
    # cache, keyed on the binary's content, sees every change, and a binary
    # copied by `gotest -c` runs anywhere.
    kwargs.setdefault("linkstatic", True)
    # Every call keeps its caller's frame in the test's own code, as in Go,
    # which has no tail calls: at -O2 a call in tail position is otherwise a
    # jump, and the caller then vanishes from t.Errorf's file:line (and
    # t.Helper's skipping), goroutine dumps, deadlock reports and profiles.
    # Only the test's sources are compiled with it; the cost is a return
    # per such call.
    kwargs["copts"] = ["-fno-optimize-sibling-calls"] + kwargs.get("copts", [])
    native.cc_test(
        name = name,
        deps = all_deps,
        tags = all_tags,
        **kwargs
    )
