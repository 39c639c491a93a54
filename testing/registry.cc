#include "testing/registry.h"

namespace go::testing::internal {

Registry& GetRegistry() {
  static Registry* const r = new Registry;
  return *r;
}

bool RegisterTest(const char* name, void (*fn)(T*)) {
  GetRegistry().tests.push_back({name, fn});
  return true;
}

bool RegisterBenchmark(const char* name, void (*fn)(B*)) {
  GetRegistry().benchmarks.push_back({name, fn});
  return true;
}

bool RegisterExample(const char* name, void (*fn)(), const char* output,
                     bool has_output, bool unordered) {
  // Go compiles an example without an output comment but does not run it.
  if (has_output)
    GetRegistry().examples.push_back({name, fn, output, unordered});
  return true;
}

bool RegisterMain(int (*fn)(M*)) {
  Registry& r = GetRegistry();
  r.main = fn;
  r.mains++;
  return true;
}

}  // namespace go::testing::internal
