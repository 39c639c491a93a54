// Golden test: GO_TEST_MAIN. Twin of tests/golden/go/testmain/testmain_test.go.
#include <cstdio>

#include "testing/testing.h"

namespace {
bool set_up = false;
}  // namespace



GO_TEST_MAIN(m) {
  std::printf("TestMain: setup\n");
  set_up = true;
  int code = m->Run();
  std::printf("TestMain: teardown, code %d\n", code);
  return code;
}

GO_TEST(TestSetUp, t) {
  if (!set_up) {
    t->Error("TestMain did not run first");
  }
}

GO_TEST(TestShort, t) {
  if (go::testing::Short()) {
    t->Skip("short mode");
  }
  t->Log("long mode");
}
