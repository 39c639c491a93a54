// Go's math/rand (v1) generator, bit for bit: -shuffle=N must order the
// tests exactly as a Go test binary given the same seed does, so that a
// seed printed by one run reproduces the order.

#ifndef GOTEST_TESTING_RAND_H_
#define GOTEST_TESTING_RAND_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace go::testing::internal {

// rand.New(rand.NewSource(seed)): the additive lagged Fibonacci generator.
class GoRand {
 public:
  explicit GoRand(int64_t seed);
  int64_t Int63();
  uint32_t Uint32() { return static_cast<uint32_t>(Int63() >> 31); }
  // Rand.Shuffle: Fisher-Yates from the end with int31n.
  template <typename V>
  void Shuffle(std::vector<V>& v) {
    for (int64_t i = static_cast<int64_t>(v.size()) - 1; i > 0; i--) {
      int32_t j = Int31n(static_cast<int32_t>(i + 1));
      std::swap(v[i], v[j]);
    }
  }

 private:
  int32_t Int31n(int32_t n);
  static constexpr int kLen = 607;
  static constexpr int kTap = 273;
  int tap_ = 0;
  int feed_ = kLen - kTap;
  int64_t vec_[kLen];
};

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_RAND_H_
