// Test binary for fullpath_test.sh: log lines from a test, a subtest and a
// helper, whose file names -fullpath prints as absolute paths.
#include "testing/testing.h"

namespace {

void Check(go::testing::T* t) {
  t->Helper();
  t->Log("from helper");
}

GO_TEST(TestFullPath, t) {
  t->Log("direct");
  Check(t);
  t->Run("sub", [](go::testing::T* t) { t->Error("in subtest"); });
}

}  // namespace
