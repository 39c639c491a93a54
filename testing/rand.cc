#include "testing/rand.h"

namespace go::testing::internal {

namespace {

constexpr int64_t kCooked[607] = {
#include "testing/rand_cooked.inc"
};

constexpr int32_t kInt32Max = 0x7fffffff;

// x[n+1] = 48271 * x[n] mod (2**31 - 1), by Schrage's method.
int32_t SeedRand(int32_t x) {
  constexpr int32_t A = 48271, Q = 44488, R = 3399;
  int32_t hi = x / Q;
  int32_t lo = x % Q;
  x = A * lo - R * hi;
  if (x < 0) x += kInt32Max;
  return x;
}

}  // namespace

GoRand::GoRand(int64_t seed) {
  seed = seed % kInt32Max;
  if (seed < 0) seed += kInt32Max;
  if (seed == 0) seed = 89482311;
  int32_t x = static_cast<int32_t>(seed);
  for (int i = -20; i < kLen; i++) {
    x = SeedRand(x);
    if (i >= 0) {
      uint64_t u = static_cast<uint64_t>(static_cast<int64_t>(x)) << 40;
      x = SeedRand(x);
      u ^= static_cast<uint64_t>(static_cast<int64_t>(x)) << 20;
      x = SeedRand(x);
      u ^= static_cast<uint64_t>(static_cast<int64_t>(x));
      u ^= static_cast<uint64_t>(kCooked[i]);
      vec_[i] = static_cast<int64_t>(u);
    }
  }
}

int64_t GoRand::Int63() {
  if (--tap_ < 0) tap_ += kLen;
  if (--feed_ < 0) feed_ += kLen;
  uint64_t x =
      static_cast<uint64_t>(vec_[feed_]) + static_cast<uint64_t>(vec_[tap_]);
  vec_[feed_] = static_cast<int64_t>(x);
  return static_cast<int64_t>(x & ((uint64_t{1} << 63) - 1));
}

int32_t GoRand::Int31n(int32_t n) {
  uint32_t v = Uint32();
  uint64_t prod = static_cast<uint64_t>(v) * static_cast<uint64_t>(n);
  uint32_t low = static_cast<uint32_t>(prod);
  if (low < static_cast<uint32_t>(n)) {
    uint32_t thresh = static_cast<uint32_t>(-n) % static_cast<uint32_t>(n);
    while (low < thresh) {
      v = Uint32();
      prod = static_cast<uint64_t>(v) * static_cast<uint64_t>(n);
      low = static_cast<uint32_t>(prod);
    }
  }
  return static_cast<int32_t>(prod >> 32);
}

}  // namespace go::testing::internal
