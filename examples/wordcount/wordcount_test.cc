// Tests for examples/wordcount. GoogleTest until GO_TEST lands (see
// math_test.cc).
#include "examples/wordcount/wordcount.h"

#include <gtest/gtest.h>

namespace examples::wordcount {
namespace {

TEST(WordCount, Table) {
  struct Case {
    std::string name, text;
    std::map<std::string, int> want;
  };
  const Case cases[] = {
      {"empty", "", {}},
      {"spaces only", " \t\n ", {}},
      {"one", "go", {{"go", 1}}},
      {"repeats",
       "go test go\tgo\nbench",
       {{"bench", 1}, {"go", 3}, {"test", 1}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Count(c.text), c.want);
  }
}

}  // namespace
}  // namespace examples::wordcount
