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

// SetBytes adds MB/s; ReportAllocs adds B/op and allocs/op (every allocation
// of the timed region: the map's nodes and their strings).
GO_BENCHMARK(BenchmarkCount, b) {
  std::string text;
  for (int i = 0; i < 100; i++) text += "the quick brown fox jumps over ";
  b->SetBytes(static_cast<int64_t>(text.size()));
  b->ReportAllocs();
  while (b->Loop()) go::testing::DoNotOptimize(Count(text));
}

// RunParallel: the body runs on GOMAXPROCS goroutines (-cpu=1,2 varies it).
GO_BENCHMARK(BenchmarkCountParallel, b) {
  b->RunParallel([](go::testing::PB* pb) {
    while (pb->Next()) go::testing::DoNotOptimize(Count("go test go bench"));
  });
}

}  // namespace
}  // namespace examples::wordcount
