// The registry of a test binary's tests, benchmarks and examples, filled by
// the GO_TEST/GO_BENCHMARK/GO_EXAMPLE/GO_TEST_MAIN macros' static
// initializers in source order (file by file in link order), as Go's
// generated _testmain.go lists them.

#ifndef GOTEST_TESTING_REGISTRY_H_
#define GOTEST_TESTING_REGISTRY_H_

#include <vector>

#include "testing/testing.h"

namespace go::testing::internal {

struct TestEntry {
  const char* name;
  void (*fn)(T*);
};

struct BenchmarkEntry {
  const char* name;
  void (*fn)(B*);
};

struct ExampleEntry {
  const char* name;
  void (*fn)();
  const char* output;
  bool unordered;
};

struct Registry {
  std::vector<TestEntry> tests;
  std::vector<BenchmarkEntry> benchmarks;
  std::vector<ExampleEntry> examples;  // only those with expected output
  int (*main)(M*) = nullptr;
  int mains = 0;
};

Registry& GetRegistry();

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_REGISTRY_H_
