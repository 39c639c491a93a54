// Built with -O2 -g, and with -O2 at the workspace's default -g1 (see
// BUILD.bazel). GCC 12 emits DW_TAG_inlined_subroutine entries at -g1 too, so
// inlined frames and their lines are there; but -g1 has no namespace DIEs, and
// inlined functions with internal linkage (static, anonymous namespaces) have
// no linkage name either, so at -g1 they are named without their namespace.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/symtab.h"
#include "runtime/traceback.h"

namespace inl {

uintptr_t g_pcs[64];
int g_n = 0;
int g_line_inner = 0, g_line_middle = 0, g_line_outer = 0;

// Each g_line is the line of the call that follows it.
static inline __attribute__((always_inline)) void Inner() {
  g_line_inner = __LINE__ + 1;
  g_n = go::runtime::internal::CaptureStack(g_pcs, 64, 0);
}

static inline __attribute__((always_inline)) void Middle() {
  g_line_middle = __LINE__ + 1;
  Inner();
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void Outer() {
  g_line_outer = __LINE__ + 1;
  Middle();
  asm volatile("" ::: "memory");
}

}  // namespace inl

namespace go::runtime::internal {
namespace {

// The expected name of an inlined function with internal linkage.
::testing::AssertionResult InlinedNameIs(const std::string& got,
                                         const std::string& want) {
  if (got == want) return ::testing::AssertionSuccess();
#if defined(TRACEBACK_TEST_G1) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
  // -g1 (the sanitizer configs add -g): the unqualified name.
  if (got == want.substr(want.rfind("::") + 2)) {
    return ::testing::AssertionSuccess();
  }
#endif
  return ::testing::AssertionFailure() << got << " is not " << want;
}

// The same for a regular expression.
std::string InlinedNameRe(const std::string& qualified) {
#if defined(TRACEBACK_TEST_G1) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
  const size_t colons = qualified.rfind("::");
  return "(" + qualified.substr(0, colons + 2) + ")?" +
         qualified.substr(colons + 2);
#else
  return qualified;
#endif
}

TEST(InlinedFrames, ExpandedInnermostFirst) {
  inl::Outer();
  ASSERT_GE(inl::g_n, 2);
  const std::vector<Frame> frames = SymbolizeStack(inl::g_pcs, inl::g_n);
  ASSERT_GE(frames.size(), 4u);
  EXPECT_TRUE(InlinedNameIs(frames[0].short_function, "inl::Inner"));
  EXPECT_EQ(frames[0].line, inl::g_line_inner);
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_TRUE(InlinedNameIs(frames[1].short_function, "inl::Middle"));
  EXPECT_EQ(frames[1].line, inl::g_line_middle);
  EXPECT_TRUE(frames[1].inlined);
  EXPECT_EQ(frames[2].short_function, "inl::Outer");
  EXPECT_EQ(frames[2].function, "inl::Outer()");
  EXPECT_EQ(frames[2].line, inl::g_line_outer);
  EXPECT_FALSE(frames[2].inlined);
  for (int i = 0; i < 3; i++) {
    EXPECT_EQ(frames[i].pc, inl::g_pcs[0]) << i;
    EXPECT_EQ(frames[i].entry, reinterpret_cast<uintptr_t>(&inl::Outer)) << i;
    EXPECT_NE(frames[i].file.find("runtime/traceback_inline_test.cc"),
              std::string::npos)
        << frames[i].file;
  }
  // The next physical frame is this test's body.
  EXPECT_NE(frames[3].function.find("ExpandedInnermostFirst"),
            std::string::npos)
      << frames[3].function;
  EXPECT_EQ(frames[3].pc, inl::g_pcs[1] - 1);
}

TEST(InlinedFrames, GoTracebackPrintsInlinedFramesWithoutOffset) {
  inl::Outer();
  std::string text;
  AppendTraceback(&text, inl::g_pcs, 1);
  const std::string file = Symbolize(inl::g_pcs[0])[0].file;
  // As Go prints inlined frames: name(...), file:line, no +0x offset; the
  // physical frame last, with its offset.
  const std::string position = RE2::QuoteMeta(file) + ":";
  const RE2 want(InlinedNameRe("inl::Inner") + "\\(\\.\\.\\.\\)\n\t" +
                 position + std::to_string(inl::g_line_inner) + "\n" +
                 InlinedNameRe("inl::Middle") + "\\(\\.\\.\\.\\)\n\t" +
                 position + std::to_string(inl::g_line_middle) + "\n" +
                 "inl::Outer\\(\\.\\.\\.\\)\n\t" + position +
                 std::to_string(inl::g_line_outer) + " \\+0x[0-9a-f]+\n");
  ASSERT_TRUE(want.ok()) << want.error();
  EXPECT_TRUE(RE2::FullMatch(text, want)) << text;
}

}  // namespace
}  // namespace go::runtime::internal
