#include "testing/rand.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace go::testing::internal {
namespace {

// Permutations of 0..9 and the next Int63 after them, printed by Go 1.26's
// rand.New(rand.NewSource(seed)).Shuffle / Int63.
struct Want {
  int64_t seed;
  std::vector<int> perm;
  int64_t next;
};

TEST(GoRand, MatchesGo) {
  const Want wants[] = {
      {1, {1, 7, 4, 0, 9, 2, 3, 5, 8, 6}, 2775422040480279449},
      {42, {2, 5, 7, 9, 6, 8, 1, 4, 0, 3}, 5961769557461764184},
      {-5, {5, 8, 7, 6, 9, 3, 2, 0, 4, 1}, 51492660285534080},
      {0, {3, 7, 4, 6, 1, 8, 0, 5, 2, 9}, 1543572285742637646},
      {1099511627776, {9, 0, 2, 8, 3, 4, 7, 1, 6, 5}, 3277424672240818929},
  };
  for (const Want& w : wants) {
    GoRand r(w.seed);
    std::vector<int> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    r.Shuffle(v);
    EXPECT_EQ(v, w.perm) << "seed " << w.seed;
    EXPECT_EQ(r.Int63(), w.next) << "seed " << w.seed;
  }
}

}  // namespace
}  // namespace go::testing::internal
