// Golden test: subtests, odd names, -run A/B, Fatal in a subtest, parallel.
// Twin of tests/golden/go/subtests/subtests_test.go: same tests, same lines.
#include <string>
#include <vector>
#include "testing/testing.h"

using go::testing::T;

GO_TEST(TestNested, t) {
  t->Run("L1a", [](T* t) {
    t->Run("L2a", [](T* t) { t->Log("in L2a"); });
    t->Run("L2b", [](T* t) {
      t->Run("L3", [](T* t) { t->Error("deep failure"); });
      t->Log("L2b after L3");
    });
  });
  t->Run("L1b", [](T* t) { t->Log("in L1b"); });
  t->Log("parent log after subtests");
}

GO_TEST(TestNames, t) {
  for (const std::string& name : std::vector<std::string>{"with space", "dup", "dup", "dup", "dup#01", "x#01", "x", "x",
       "", "", "tab\there", "new\nline", std::string("nonprint\x00\x7f\u200b", 13), "\u00a0nbsp\u3000ideo", "#00",
       "trailing#", "quote\"s'", "emoji😀", "unicode_héllo_日本", "slash/inside"}) {
    t->Run(name, [](T* t) { t->Log(t->Name()); });
  }
}

GO_TEST(TestSubFatal, t) {
  t->Run("fatal", [](T* t) {
    t->Fatal("fatal in subtest");
  });
  t->Run("after", [](T* t) { t->Log("sibling still runs"); });
  t->Log("parent continues after subtest fatal");
}

GO_TEST(TestRunResult, t) {
  bool ok = t->Run("passes", [](T*) {});
  bool bad = t->Run("fails", [](T* t) { t->Fail(); });
  t->Logf("Run returned %v and %v", ok, bad);
}

GO_TEST(TestSkipSub, t) {
  t->Run("skipped", [](T* t) { t->Skip("not today"); });
  t->Run("ran", [](T*) {});
}

GO_TEST(TestParallel, t) {
  for (const char* name : {"a", "b", "c"}) {
    t->Run(name, [name](T* t) {
      t->Parallel();
      t->Log("parallel", name);
    });
  }
  t->Log("parent body done");
}

GO_TEST(TestParallelFail, t) {
  t->Run("group", [](T* t) {
    t->Run("p1", [](T* t) {
      t->Parallel();
      t->Error("parallel failure");
    });
    t->Run("s1", [](T* t) { t->Log("sequential sibling"); });
  });
}

GO_TEST(TestCleanupNested, t) {
  t->Cleanup([t] { t->Log("parent cleanup"); });
  t->Run("child", [](T* t) {
    t->Cleanup([t] { t->Log("child cleanup"); });
    t->Parallel();
    t->Error("child fails");
  });
  t->Log("parent body");
}
