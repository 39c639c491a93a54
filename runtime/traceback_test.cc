#include "runtime/traceback.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "runtime/symtab.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

// A known chain of calls whose call-site lines are recorded with __LINE__ on
// the line of the call itself. Code after each call keeps it from being a
// tail call, which would replace the caller's frame.
namespace tbtest {

constexpr int kMax = 64;
uintptr_t g_pcs[kMax];
int g_n = 0;
int g_skip = 0;
uintptr_t g_lo = 0, g_hi = 0;  // nonzero: use the bounded overload
int g_line3 = 0, g_line2 = 0, g_line1 = 0;

namespace rt = go::runtime::internal;

// Each g_line is the line of the call that follows it.
__attribute__((noinline)) int Level3(int x) {
  if (g_hi != 0) {
    g_line3 = __LINE__ + 1;
    g_n = rt::CaptureStack(g_pcs, kMax, g_skip, g_lo, g_hi);
  } else {
    g_line3 = __LINE__ + 1;
    g_n = rt::CaptureStack(g_pcs, kMax, g_skip);
  }
  asm volatile("" ::: "memory");
  return x + 1;
}

int g_sink = 0;

__attribute__((noinline)) int Level2(int x) {
  g_line2 = __LINE__ + 1;
  Level3(x);
  // The return address is this line's first instruction: only the pc-1
  // lookup attributes the frame to the call's line.
  g_sink = x;
  return x + 2;
}

__attribute__((noinline)) int Level1(int x) {
  g_line1 = __LINE__ + 1;
  x = Level2(x) * 3;
  asm volatile("" ::: "memory");
  return x + 3;
}

}  // namespace tbtest

namespace go::runtime::internal {
namespace {

using tbtest::g_n;
using tbtest::g_pcs;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A frame of its own at every optimization level (the tests name it), with
// Level1's return address into it the same for every call.
__attribute__((noinline)) void Capture(int skip) {
  tbtest::g_skip = skip;
  tbtest::g_lo = tbtest::g_hi = 0;
  tbtest::Level1(1);
  KeepCallerFrame();
}

// ---- UnwindFramePointers on hand-built stacks ----

// A fake stack of frame records: Link(i, j, ret) makes the record at slot i
// point to the record at slot j with return address ret.
class FakeStack {
 public:
  FakeStack() { std::fill(std::begin(words_), std::end(words_), 0); }
  uintptr_t Addr(int slot) const {
    return reinterpret_cast<uintptr_t>(&words_[slot]);
  }
  void Link(int slot, uintptr_t next_fp, uintptr_t ret) {
    words_[slot] = next_fp;
    words_[slot + 1] = ret;
  }
  uintptr_t lo() const { return Addr(0); }
  uintptr_t hi() const { return Addr(kSlots); }
  static constexpr int kSlots = 64;

 private:
  alignas(16) uintptr_t words_[kSlots];
};

std::vector<uintptr_t> Unwind(const FakeStack& s, uintptr_t fp, int max = 16) {
  uintptr_t pcs[16] = {};
  const int n = UnwindFramePointers(0xAAAA, fp, s.lo(), s.hi(), pcs, max);
  return std::vector<uintptr_t>(pcs, pcs + n);
}

using Pcs = std::vector<uintptr_t>;

TEST(UnwindFramePointers, FollowsChainToZeroFramePointer) {
  FakeStack s;
  s.Link(4, s.Addr(10), 0x1111);
  s.Link(10, s.Addr(20), 0x2222);
  s.Link(20, 0, 0x3333);           // a goroutine's entry frame: fp 0 above it
  s.Link(30, s.Addr(40), 0x4444);  // must not be reached
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111, 0x2222, 0x3333}));
}

TEST(UnwindFramePointers, ZeroStartFramePointerGivesOnlyPc) {
  FakeStack s;
  EXPECT_EQ(Unwind(s, 0), (Pcs{0xAAAA}));
}

TEST(UnwindFramePointers, StopsAtFramePointerOutOfBounds) {
  FakeStack s;
  s.Link(4, s.Addr(10), 0x1111);
  s.Link(10, s.hi(), 0x2222);  // next frame at the (exclusive) upper bound
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111, 0x2222}));
  s.Link(10, s.Addr(FakeStack::kSlots - 1), 0x2222);  // record straddles hi
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111, 0x2222}));
  // A start below the bounds is not followed at all.
  EXPECT_EQ(Unwind(s, s.lo() - 64), (Pcs{0xAAAA}));
  // Nor is anything when the bounds are empty or inverted.
  uintptr_t pcs[4];
  EXPECT_EQ(UnwindFramePointers(1, s.Addr(4), s.hi(), s.lo(), pcs, 4), 1);
}

TEST(UnwindFramePointers, StopsAtNonIncreasingFramePointer) {
  FakeStack s;
  s.Link(4, s.Addr(10), 0x1111);
  s.Link(10, s.Addr(4), 0x2222);  // a loop back down
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111, 0x2222}));
  s.Link(10, s.Addr(10), 0x2222);  // a self-loop
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111, 0x2222}));
}

TEST(UnwindFramePointers, StopsAtMisalignedFramePointer) {
  FakeStack s;
  s.Link(4, s.Addr(10) + 4, 0x1111);
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111}));
}

TEST(UnwindFramePointers, StopsAtZeroReturnAddress) {
  FakeStack s;
  s.Link(4, s.Addr(10), 0x1111);
  s.Link(10, s.Addr(20), 0);
  s.Link(20, 0, 0x3333);
  EXPECT_EQ(Unwind(s, s.Addr(4)), (Pcs{0xAAAA, 0x1111}));
}

TEST(UnwindFramePointers, RespectsMax) {
  FakeStack s;
  s.Link(4, s.Addr(10), 0x1111);
  s.Link(10, s.Addr(20), 0x2222);
  s.Link(20, 0, 0x3333);
  EXPECT_EQ(Unwind(s, s.Addr(4), 2), (Pcs{0xAAAA, 0x1111}));
  EXPECT_EQ(Unwind(s, s.Addr(4), 1), (Pcs{0xAAAA}));
  EXPECT_EQ(Unwind(s, s.Addr(4), 0), (Pcs{}));
}

// ---- CaptureStack on real stacks ----

TEST(CaptureStack, KnownChainInOrderWithFilesAndLines) {
  Capture(0);
  ASSERT_GE(g_n, 4);
  const std::vector<Frame> frames = SymbolizeStack(g_pcs, g_n);
  ASSERT_GE(frames.size(), 4u);
  const struct {
    const char* name;
    int line;
  } want[] = {{"tbtest::Level3", tbtest::g_line3},
              {"tbtest::Level2", tbtest::g_line2},
              {"tbtest::Level1", tbtest::g_line1}};
  for (int i = 0; i < 3; i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(frames[i].short_function, want[i].name);
    EXPECT_EQ(frames[i].function, std::string(want[i].name) + "(int)");
    EXPECT_EQ(frames[i].line, want[i].line);
    EXPECT_EQ(frames[i].file.find("/proc/self/cwd"), std::string::npos)
        << frames[i].file;
    EXPECT_TRUE(EndsWith(frames[i].file, "runtime/traceback_test.cc"))
        << frames[i].file;
    EXPECT_FALSE(frames[i].inlined);
  }
  EXPECT_EQ(frames[0].entry, reinterpret_cast<uintptr_t>(&tbtest::Level3));
  EXPECT_EQ(frames[1].entry, reinterpret_cast<uintptr_t>(&tbtest::Level2));
  // The caller of Level1 is this file's Capture, whose name is qualified
  // from the DWARF tree (internal linkage: no linkage name).
  EXPECT_EQ(frames[3].function,
            "go::runtime::internal::(anonymous namespace)::Capture(int)");
  // pcs[0] is already adjusted; the others are return addresses looked up at
  // pc - 1.
  EXPECT_EQ(frames[0].pc, g_pcs[0]);
  EXPECT_EQ(frames[1].pc, g_pcs[1] - 1);
}

TEST(CaptureStack, SkipDropsCallers) {
  Capture(0);
  const std::vector<uintptr_t> all(g_pcs, g_pcs + g_n);
  Capture(2);
  ASSERT_EQ(g_n, static_cast<int>(all.size()) - 2);
  // With skip = 2 the first frame is Level1 at its call to Level2.
  EXPECT_EQ(Symbolize(g_pcs[0]).back().short_function, "tbtest::Level1");
  EXPECT_EQ(Symbolize(g_pcs[0]).back().line, tbtest::g_line1);
  // Level1's return address into Capture is the same in both captures.
  EXPECT_EQ(g_pcs[1], all[3]);
}

TEST(CaptureStack, MaxTruncates) {
  uintptr_t pcs[2];
  EXPECT_EQ(CaptureStack(pcs, 2, 0), 2);
  EXPECT_EQ(CaptureStack(pcs, 0, 0), 0);
}

TEST(CaptureStack, EndsInsideThreadStackOnNewThread) {
  std::vector<Frame> frames;
  std::thread([&] {
    Capture(0);
    frames = SymbolizeStack(g_pcs, g_n);
  }).join();
  // The walk stops at the thread's outermost frame, well before the limit.
  EXPECT_LT(g_n, tbtest::kMax);
  ASSERT_GE(frames.size(), 4u);
  EXPECT_EQ(frames[0].short_function, "tbtest::Level3");
  EXPECT_EQ(frames[2].short_function, "tbtest::Level1");
}

#if defined(__x86_64__)
// A coroutine on its own mmap'd stack, started as the runtime starts a
// goroutine: with a zero frame pointer, so the chain ends at its entry frame.
struct Coroutine {
  static constexpr size_t kSize = 256 << 10;
  ucontext_t caller, self;
  void* stack = nullptr;
  void* fake_stack = nullptr;
  void* tsan_caller = nullptr;
  void* tsan_self = nullptr;
};
Coroutine* g_co = nullptr;

void SwitchBack() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(nullptr, nullptr, 0);
#endif
#if defined(__SANITIZE_THREAD__)
  __tsan_switch_to_fiber(g_co->tsan_caller, 0);
#endif
  swapcontext(&g_co->self, &g_co->caller);
}

__attribute__((noinline)) void CoroutineEntry() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
  const uintptr_t lo = reinterpret_cast<uintptr_t>(g_co->stack);
  tbtest::g_skip = 0;
  tbtest::g_lo = lo;
  tbtest::g_hi = lo + Coroutine::kSize;
  tbtest::Level1(1);
  tbtest::g_lo = tbtest::g_hi = 0;
  SwitchBack();
}

TEST(CaptureStack, GoroutineStackEndsAtEntryFrame) {
  Coroutine co;
  g_co = &co;
  co.stack = mmap(nullptr, Coroutine::kSize, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(co.stack, MAP_FAILED);
  ASSERT_EQ(getcontext(&co.self), 0);
  co.self.uc_stack.ss_sp = co.stack;
  co.self.uc_stack.ss_size = Coroutine::kSize;
  co.self.uc_link = nullptr;
  makecontext(&co.self, CoroutineEntry, 0);
  // makecontext leaves rbp as getcontext found it (a frame of this test);
  // the runtime's goroutine entry sets it to 0, and so does this test.
  co.self.uc_mcontext.gregs[REG_RBP] = 0;
#if defined(__SANITIZE_THREAD__)
  co.tsan_caller = __tsan_get_current_fiber();
  co.tsan_self = __tsan_create_fiber(0);
  __tsan_switch_to_fiber(co.tsan_self, 0);
#endif
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(&co.fake_stack, co.stack, Coroutine::kSize);
#endif
  ASSERT_EQ(swapcontext(&co.caller, &co.self), 0);
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(co.fake_stack, nullptr, nullptr);
#endif
#if defined(__SANITIZE_THREAD__)
  __tsan_destroy_fiber(co.tsan_self);
#endif
  munmap(co.stack, Coroutine::kSize);

  // Exactly the chain on the coroutine stack, nothing of the test's own
  // stack although the test's frames are a valid chain elsewhere: the entry
  // frame's record holds fp 0 and the return address of glibc's makecontext
  // trampoline (the analogue of Go's runtime.goexit), and the walk ends there.
  ASSERT_EQ(g_n, 5);
  const std::vector<Frame> frames = SymbolizeStack(g_pcs, g_n);
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[0].short_function, "tbtest::Level3");
  EXPECT_EQ(frames[1].short_function, "tbtest::Level2");
  EXPECT_EQ(frames[2].short_function, "tbtest::Level1");
  EXPECT_EQ(frames[3].short_function,
            "go::runtime::internal::(anonymous namespace)::CoroutineEntry");
  Module libc;
  ASSERT_TRUE(FindModule(frames[4].pc, &libc));
  EXPECT_NE(libc.path.find("libc.so"), std::string::npos) << libc.path;
}
#endif  // __x86_64__

// ---- Go's traceback text ----

TEST(AppendTraceback, MatchesGoTracebackShape) {
  Capture(0);
  std::string text;
  AppendTraceback(&text, g_pcs, g_n);
  // Go: "main.f(...)\n\t/abs/path/file.go:12 +0x1d\n" per frame.
  const RE2 frame_re(
      R"(([^\n]+)\(\.\.\.\)\n\t([^\n]+):([0-9]+)( \+0x[0-9a-f]+)?\n)");
  ASSERT_TRUE(frame_re.ok());
  const std::string file = Symbolize(g_pcs[0])[0].file;
  const std::string want_prefix = "tbtest::Level3(...)\n\t" + file + ":" +
                                  std::to_string(tbtest::g_line3) + " +0x";
  EXPECT_EQ(text.substr(0, want_prefix.size()), want_prefix) << text;
  const char* names[] = {"tbtest::Level3", "tbtest::Level2", "tbtest::Level1"};
  const int lines[] = {tbtest::g_line3, tbtest::g_line2, tbtest::g_line1};
  const uintptr_t entries[] = {reinterpret_cast<uintptr_t>(&tbtest::Level3),
                               reinterpret_cast<uintptr_t>(&tbtest::Level2),
                               reinterpret_cast<uintptr_t>(&tbtest::Level1)};
  re2::StringPiece rest(text);
  int matched = 0;
  std::string name, path, offset;
  int line = 0;
  while (matched < 3 &&
         RE2::Consume(&rest, frame_re, &name, &path, &line, &offset)) {
    EXPECT_EQ(name, names[matched]);
    EXPECT_EQ(path, file);
    EXPECT_EQ(line, lines[matched]);
    // Go's offset is from the function entry to the unadjusted pc.
    char want_offset[32];
    snprintf(want_offset, sizeof(want_offset), " +0x%jx",
             static_cast<uintmax_t>(g_pcs[matched] - entries[matched]));
    EXPECT_EQ(offset, want_offset);
    matched++;
  }
  // Every remaining frame has the same shape, the unknown ones included.
  const RE2 any_frame(
      R"(([^\n]+)\(\.\.\.\)\n\t([^\n]+):([0-9]+)( \+0x[0-9a-f]+)?( \[[^\n]+\])?\n|\?\(\)\n\t\?:0 pc=0x[0-9a-f]+( \[[^\n]+\])?\n)");
  while (RE2::Consume(&rest, any_frame)) {
  }
  EXPECT_EQ(rest, "") << text;
  EXPECT_EQ(matched, 3) << text;
}

TEST(AppendTraceback, UnknownPcIsHonest) {
  const uintptr_t pcs[] = {0x10};
  std::string text;
  AppendTraceback(&text, pcs, 1);
  EXPECT_EQ(text, "?()\n\t?:0 pc=0x10\n");
}

TEST(AppendTraceback, FrameWithoutLineInfoNamesItsModule) {
  // libstdc++'s std::thread::detach, whose line table this machine may or may
  // not have (a -dbg package).
  void* lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
  ASSERT_NE(lib, nullptr);
  const uintptr_t pc =
      reinterpret_cast<uintptr_t>(dlsym(lib, "_ZNSt6thread6detachEv"));
  dlclose(lib);
  ASSERT_NE(pc, 0u);
  const Frame f = Symbolize(pc + 1).back();
  if (!f.file.empty()) GTEST_SKIP() << "libstdc++ has line info here";
  EXPECT_NE(f.module.find("libstdc++.so.6"), std::string::npos) << f.module;
  const uintptr_t pcs[] = {pc + 1};
  std::string text;
  AppendTraceback(&text, pcs, 1);
  EXPECT_EQ(text, "std::thread::detach(...)\n\t?:0 +0x1 [" + f.module + "]\n");
}

TEST(AppendTraceback, AppendsToExistingText) {
  Capture(0);
  std::string text = "goroutine 1 [running]:\n";
  AppendTraceback(&text, g_pcs, 1);
  EXPECT_EQ(text.rfind("goroutine 1 [running]:\ntbtest::Level3(...)\n\t", 0),
            0u)
      << text;
}

}  // namespace
}  // namespace go::runtime::internal
