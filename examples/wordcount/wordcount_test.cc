// Tests for examples/wordcount: table-driven subtests.
#include "examples/wordcount/wordcount.h"

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "testing/testing.h"

namespace examples::wordcount {
namespace {

using go::testing::T;

std::string Format(const std::map<std::string, int>& m) {
  std::string s = "map[";
  for (const auto& [word, n] : m) {
    if (s.size() > 4) s += " ";
    s += word + ":" + std::to_string(n);
  }
  return s + "]";
}

GO_TEST(TestCount, t) {
  struct Case {
    std::string name, text;
    std::map<std::string, int> want;
  };
  const std::vector<Case> cases = {
      {"empty", "", {}},
      {"spaces only", " \t\n ", {}},
      {"one", "go", {{"go", 1}}},
      {"repeats",
       "go test go\tgo\nbench",
       {{"bench", 1}, {"go", 3}, {"test", 1}}},
  };
  for (const Case& c : cases) {
    t->Run(c.name, [&c](T* t) {
      if (auto got = Count(c.text); got != c.want) {
        t->Errorf("Count(%v) = %s; want %s", c.text, Format(got),
                  Format(c.want));
      }
    });
  }
}

GO_EXAMPLE(ExampleCount, "map[a:2 b:1]\n") {
  std::cout << Format(Count("a b a")) << "\n";
}

}  // namespace
}  // namespace examples::wordcount
