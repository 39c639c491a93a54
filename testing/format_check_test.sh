#!/usr/bin/env bash
# Compile-time checks of testing.h: Logf/Errorf format strings are checked
# against their arguments, GO_TEST/GO_BENCHMARK/GO_EXAMPLE names follow Go's
# rule, and B's API compiles with testing.h alone.
# Each snippet is compiled with the system compiler; the good ones must
# compile, the bad ones must not.
set -uo pipefail
cxx="${CXX:-g++}"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fail=0
compile() {  # compile EXPECT(ok|error) BODY
  printf '#include "testing/testing.h"\n#include <string>\n%s\n' "$2" >"$work/snippet.cc"
  if "$cxx" -std=c++20 -fsyntax-only -I. "$work/snippet.cc" 2>"$work/err"; then
    got=ok
  else
    got=error
  fi
  if [ "$got" != "$1" ]; then
    echo "want $1, got $got: $2"
    sed 's/^/    /' "$work/err" | head -20
    fail=1
  fi
}
compile ok 'GO_TEST(TestOk, t) { t->Errorf("%d %s %5.2f %v %v %c %x %p %%", 1, "s", 2.5, std::string("x"), true, 65, 255u, (void*)t); }'
compile ok 'GO_TEST(TestStar, t) { t->Logf("%*d|%-*s", 5, 42, 3, "ab"); }'
compile ok 'GO_TEST(TestNoArgs, t) { t->Logf("plain"); t->Log(); t->Log(1, "a", 2.5, nullptr); }'
compile ok 'GO_TEST(Test, t) {} GO_TEST(TestX, t) {} GO_TEST(Test_x, t) {} GO_TEST(Test1, t) {}'
compile ok 'GO_EXAMPLE(Example, "") {} GO_EXAMPLE(ExampleT_method) {} GO_EXAMPLE(Example_suffix, "x") {}'
compile ok 'GO_BENCHMARK(Benchmark, b) {} GO_BENCHMARK(BenchmarkX, b) {} GO_BENCHMARK(Benchmark_x, b) {}'
compile ok 'void F(go::testing::B* b) {}
GO_BENCHMARK(BenchmarkApi, b) {
  int x = 1; const int y = 2; std::string s = "s";
  for (int64_t i = 0; i < b->N; i++) { go::testing::DoNotOptimize(x); go::testing::DoNotOptimize(y); go::testing::DoNotOptimize(s); go::testing::DoNotOptimize(x + y); }
  b->ReportAllocs(); b->SetBytes(8); b->ReportMetric(1.5, "widgets/op"); b->ReportMetric(2, s);
  b->StopTimer(); b->StartTimer(); b->ResetTimer(); b->SetParallelism(2);
  b->Run("sub", [&](go::testing::B* b) { while (b->Loop()) {} });
  b->Run("fn", F); b->Run(s, &F);
  b->RunParallel([](go::testing::PB* pb) { while (pb->Next()) {} });
  b->RunParallel([](go::testing::PB& pb) { while (pb.Next()) {} });
  b->Logf("%d", 1); b->Log("x", 1); if (b->Failed()) b->Fatal("f");
}'
compile error 'GO_BENCHMARK(Benchmarklower, b) {}'
compile error 'GO_BENCHMARK(TestX, b) {}'
compile error 'GO_TEST(TestBadType, t) { t->Errorf("%d", "not a number"); }'
compile error 'GO_TEST(TestTooFew, t) { t->Errorf("%d %d", 1); }'
compile error 'GO_TEST(TestTooMany, t) { t->Logf("%d", 1, 2); }'
compile error 'GO_TEST(TestBadConv, t) { t->Logf("%y", 1); }'
compile error 'GO_TEST(TestStringNotPtr, t) { t->Logf("%s", 42); }'
compile error 'GO_TEST(TestRuntimeFormat, t) { const char* f = "%d"; t->Logf(f, 1); }'
compile error 'GO_TEST(Testlower, t) {}'
compile error 'GO_TEST(Check, t) {}'
compile error 'GO_EXAMPLE(Examplelower, "x") {}'
[ "$fail" = 0 ] && echo "format checks: ok"
exit "$fail"
