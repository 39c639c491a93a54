// The result cache's pieces: which runs are cacheable (go test's list), keys,
// go test's "(cached)" rewrite, storage, and SHA-256 against FIPS vectors.

#include "cmd/gotest/cache.h"

#include <cstdlib>
#include <string>

#include "cmd/gotest/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gotest {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(Sha256, FipsVectors) {
  Sha256 a;
  EXPECT_EQ(a.HexSum(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 b;
  b.Write("abc");
  EXPECT_EQ(b.HexSum(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 448 bits, written in uneven pieces (partial blocks across writes).
  Sha256 c;
  std::string m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (size_t i = 0; i < m.size(); i += 5) c.Write(m.substr(i, 5));
  EXPECT_EQ(c.HexSum(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 d;
  for (int i = 0; i < 1000; i++) d.Write(std::string(1000, 'a'));
  EXPECT_EQ(d.HexSum(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CacheableArgs, GoList) {
  EXPECT_THAT(
      CacheableArgs({"-test.timeout=10m0s", "-test.run=X", "-test.v=true"}),
      Optional(
          ElementsAre("-test.timeout=10m0s", "-test.run=X", "-test.v=true")));
  EXPECT_THAT(CacheableArgs({"-test.outputdir=/x", "-test.json=true"}),
              Optional(ElementsAre("-test.json=true")));
  EXPECT_EQ(CacheableArgs({"-test.count=1"}), std::nullopt);
  EXPECT_EQ(CacheableArgs({"-test.bench=."}), std::nullopt);
  EXPECT_EQ(CacheableArgs({"-myflag=1"}), std::nullopt);
  EXPECT_EQ(CacheableArgs({"-test.v"}),
            std::nullopt);  // not in -name=value form
}

TEST(CacheKey, EveryPartCounts) {
  std::string base = CacheKey("h", {"-test.timeout=10m0s"}, {}, {});
  EXPECT_EQ(base, CacheKey("h", {"-test.timeout=10m0s"}, {}, {}));
  EXPECT_NE(base, CacheKey("h2", {"-test.timeout=10m0s"}, {}, {}));
  EXPECT_NE(base,
            CacheKey("h", {"-test.timeout=10m0s", "-test.v=true"}, {}, {}));
  EXPECT_NE(base, CacheKey("h",
                           {"-test.timeout=10m0s", "-test.v=true",
                            "-test.run=TestPass$"},
                           {}, {}));
  EXPECT_NE(base, CacheKey("h", {"-test.timeout=10m0s"}, {"qemu"}, {}));
  EXPECT_NE(base, CacheKey("h", {"-test.timeout=10m0s"}, {}, {"GOMAXPROCS=2"}));
  EXPECT_NE(CacheKey("h", {"a", "b"}, {}, {}), CacheKey("h", {"ab"}, {}, {}));
}

TEST(KeyedEnvironment, FixedListAndGotestVariables) {
  const char* env[] = {"PATH=/bin", "GOMAXPROCS=4", "GOTEST_X=1",
                       "USER=me",   "TZ=UTC",       nullptr};
  EXPECT_THAT(KeyedEnvironment(const_cast<char**>(env)),
              ElementsAre("GOMAXPROCS=4", "GOTEST_X=1", "TZ=UTC"));
}

TEST(CachedOutput, GoRewrite) {
  EXPECT_THAT(CachedOutput("ok  \t//a\t0.123s\n"),
              Optional(std::string("ok  \t//a\t(cached)\n")));
  EXPECT_THAT(
      CachedOutput("=== RUN   X\nPASS\nok  \t//a\t1.500s [no tests to run]\n"),
      Optional(std::string(
          "=== RUN   X\nPASS\nok  \t//a\t(cached) [no tests to run]\n")));
  EXPECT_EQ(CachedOutput("FAIL\t//a\t0.1s\n"), std::nullopt);
  EXPECT_EQ(CachedOutput("ok  \t//a\t0.1s"), std::nullopt);
  EXPECT_EQ(CachedOutput(""), std::nullopt);
}

TEST(ResultCache, PutGet) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ResultCache cache(std::string(tmp != nullptr ? tmp : "/tmp") +
                    "/gotest-cache-test");
  std::string key = CacheKey("x", {}, {}, {});
  cache.Put(key, "ok  \t//a\t0.001s\n");
  EXPECT_THAT(cache.Get(key), Optional(std::string("ok  \t//a\t0.001s\n")));
  EXPECT_EQ(cache.Get(CacheKey("y", {}, {}, {})), std::nullopt);
  ResultCache off("");
  EXPECT_FALSE(off.enabled());
  off.Put(key, "x");
  EXPECT_EQ(off.Get(key), std::nullopt);
}

}  // namespace
}  // namespace gotest
