#include "runtime/symtab.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace symtest {

template <typename T>
struct Widget {
  template <typename U>
  __attribute__((noinline)) static U Apply(U u);
};

template <typename T>
template <typename U>
U Widget<T>::Apply(U u) {  // kApplyLine
  asm volatile("" ::: "memory");
  return u + static_cast<U>(sizeof(T));
}
constexpr int kApplyLine = __LINE__ - 4;

// Distinct functions whose every byte the concurrency test symbolizes (the
// first 24: the 32 bytes of NOP keep them that long at any optimization level).
#define SYMTEST_FN(name)                            \
  __attribute__((noinline)) int name(int x) {       \
    asm volatile(".fill 32, 1, 0x90" ::: "memory"); \
    return x * 7 + __LINE__;                        \
  }
SYMTEST_FN(F0)
SYMTEST_FN(F1)
SYMTEST_FN(F2)
SYMTEST_FN(F3)
SYMTEST_FN(G)  // only for SourcePathUnderWorkspaceDirectory
namespace {
SYMTEST_FN(Hidden)
}  // namespace
#undef SYMTEST_FN

int CallHidden(int x) { return Hidden(x); }

}  // namespace symtest

namespace go::runtime::internal {
namespace {

uintptr_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

template <typename F>
uintptr_t FnAddr(F* f) {
  return reinterpret_cast<uintptr_t>(f);
}

uintptr_t LibcGetpid() {
  void* libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
  if (libc == nullptr) return 0;
  const uintptr_t pc = Addr(dlsym(libc, "getpid"));
  dlclose(libc);
  return pc;
}

TEST(Demangle, ItaniumNames) {
  EXPECT_EQ(Demangle("_ZN2go7runtime3RunEv"), "go::runtime::Run()");
  EXPECT_EQ(Demangle("_ZN7symtest6WidgetIiE5ApplyIlEET_S3_"),
            "long symtest::Widget<int>::Apply<long>(long)");
  EXPECT_EQ(Demangle("main"), "main");
  EXPECT_EQ(Demangle("_Znot a mangled name"), "_Znot a mangled name");
  EXPECT_EQ(Demangle(nullptr), "");
}

TEST(ShortFunctionName, DropsParametersQualifiersAndReturnType) {
  const struct {
    const char* in;
    const char* want;
  } cases[] = {
      {"main", "main"},
      {"go::runtime::Run(std::function<int ()>)", "go::runtime::Run"},
      {"void ns::f<int>(int)", "ns::f<int>"},
      {"long symtest::Widget<int>::Apply<long>(long)",
       "symtest::Widget<int>::Apply<long>"},
      {"ns::Widget<std::pair<int, int> >::Run(long) const",
       "ns::Widget<std::pair<int, int> >::Run"},
      {"ns::A::f() const &&", "ns::A::f"},
      {"(anonymous namespace)::Helper(int)", "(anonymous namespace)::Helper"},
      {"void (anonymous namespace)::Helper<int>(int)",
       "(anonymous namespace)::Helper<int>"},
      {"ns::f()::{lambda(int)#1}::operator()(int) const",
       "ns::f()::{lambda(int)#1}::operator()"},
      {"std::function<void (int)>::operator()(int) const",
       "std::function<void (int)>::operator()"},
      {"operator new(unsigned long)", "operator new"},
      {"bool ns::operator< <int>(ns::X<int> const&, ns::X<int> const&)",
       "ns::operator< <int>"},
      {"ns::Foo::operator int() const", "ns::Foo::operator int"},
      {"foo(int) [clone .cold]", "foo"},
      {"foo(int) [clone .isra.0] [clone .cold]", "foo"},
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ShortFunctionName(c.in), c.want) << c.in;
  }
}

TEST(Symbolize, TemplateInNamespaceFromDwarf) {
  const uintptr_t pc = FnAddr(&symtest::Widget<int>::Apply<long>);
  ASSERT_EQ(symtest::Widget<int>::Apply<long>(1), 5);
  const std::vector<Frame> frames = Symbolize(pc);
  ASSERT_EQ(frames.size(), 1u);
  const Frame& f = frames[0];
  EXPECT_EQ(f.function, "long symtest::Widget<int>::Apply<long>(long)");
  EXPECT_EQ(f.short_function, "symtest::Widget<int>::Apply<long>");
  EXPECT_EQ(f.system_name, "_ZN7symtest6WidgetIiE5ApplyIlEET_S3_");
  EXPECT_EQ(f.pc, pc);
  EXPECT_EQ(f.entry, pc);
  EXPECT_FALSE(f.inlined);
  EXPECT_NE(f.file.find("runtime/symtab_test.cc"), std::string::npos) << f.file;
  EXPECT_EQ(f.start_line, symtest::kApplyLine);
  // The entry's line is the opening brace's or, when optimization drops the
  // prologue, the first statement's.
  EXPECT_GE(f.line, symtest::kApplyLine);
  EXPECT_LE(f.line, symtest::kApplyLine + 2);
}

TEST(Symbolize, PcInsideFunctionHasItsEntry) {
  const uintptr_t entry = FnAddr(&symtest::F1);
  const std::vector<Frame> frames = Symbolize(entry + 3);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].short_function, "symtest::F1");
  EXPECT_EQ(frames[0].function, "symtest::F1(int)");
  EXPECT_EQ(frames[0].entry, entry);
}

TEST(Symbolize, LibcPcResolvesToItsSharedObject) {
  const uintptr_t pc = LibcGetpid();
  ASSERT_NE(pc, 0u);
  const std::vector<Frame> frames = Symbolize(pc);
  ASSERT_FALSE(frames.empty());
  EXPECT_NE(frames.back().function.find("getpid"), std::string::npos)
      << frames.back().function;
  EXPECT_EQ(frames.back().entry, pc);
  Module m;
  ASSERT_TRUE(FindModule(pc, &m));
  EXPECT_EQ(m.path[0], '/') << m.path;
  EXPECT_NE(m.path.find("libc.so.6"), std::string::npos) << m.path;
  EXPECT_EQ(frames.back().module, m.path);
  EXPECT_EQ(m.build_id.size(), 40u) << m.build_id;
  EXPECT_EQ(m.build_id.find_first_not_of("0123456789abcdef"),
            std::string::npos);
  EXPECT_LE(m.start, pc);
  EXPECT_LT(pc, m.limit);
}

TEST(Symbolize, InternalLinkageNameIsQualified) {
  EXPECT_GT(symtest::CallHidden(1), 0);
  const std::vector<Frame> frames = Symbolize(FnAddr(&symtest::Hidden) + 1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].short_function, "symtest::(anonymous namespace)::Hidden");
}

TEST(Symbolize, SourcePathUnderWorkspaceDirectory) {
  // Bazel's DWARF says /proc/self/cwd/runtime/symtab_test.cc; without
  // BUILD_WORKSPACE_DIRECTORY that is reported workspace-relative.
  const std::string plain = Symbolize(FnAddr(&symtest::F0))[0].file;
  if (plain != "runtime/symtab_test.cc") {
    GTEST_SKIP() << "not built by Bazel: " << plain;
  }
  ASSERT_EQ(setenv("BUILD_WORKSPACE_DIRECTORY", "/src/ws", 1), 0);
  const std::string mapped = Symbolize(FnAddr(&symtest::G))[0].file;
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
  EXPECT_EQ(mapped, "/src/ws/runtime/symtab_test.cc");
}

TEST(Symbolize, SeparateDebugInfoFoundByBuildId) {
  const uintptr_t pc = LibcGetpid();
  Module m;
  ASSERT_TRUE(FindModule(pc, &m));
  ASSERT_GT(m.build_id.size(), 2u);
  const std::string debug = "/usr/lib/debug/.build-id/" +
                            m.build_id.substr(0, 2) + "/" +
                            m.build_id.substr(2) + ".debug";
  if (access(debug.c_str(), R_OK) != 0) {
    GTEST_SKIP() << "no " << debug << " (libc6-dbg not installed)";
  }
  const Frame f = Symbolize(pc).back();
  EXPECT_FALSE(f.file.empty());
  EXPECT_GT(f.line, 0);
  EXPECT_EQ(f.module, m.path);
}

TEST(Symbolize, UnknownPc) {
  const std::vector<Frame> frames = Symbolize(0x10);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "");
  EXPECT_EQ(frames[0].file, "");
  EXPECT_EQ(frames[0].line, 0);
  EXPECT_EQ(frames[0].pc, 0x10u);
  EXPECT_EQ(frames[0].module, "");
}

TEST(Symbolize, CachedAnswerIsStable) {
  const uintptr_t pc = FnAddr(&symtest::F2) + 1;
  const std::vector<Frame>* a = SymbolizeCached(pc);
  const std::vector<Frame>* b = SymbolizeCached(pc);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, b);
  EXPECT_EQ((*a)[0].short_function, "symtest::F2");
}

TEST(Symbolize, ConcurrentLookupsAgree) {
  // Every byte of a few functions: distinct PCs, so the threads race on cache
  // misses (libdw calls) as well as on hits.
  std::vector<uintptr_t> pcs;
  for (auto* fn : {&symtest::F0, &symtest::F1, &symtest::F2, &symtest::F3}) {
    for (int i = 0; i < 24; i++) pcs.push_back(FnAddr(fn) + i);
  }
  pcs.push_back(LibcGetpid());
  constexpr int kThreads = 8;
  std::vector<std::vector<std::string>> seen(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      std::vector<uintptr_t> mine = pcs;
      if (t % 2 == 1) std::reverse(mine.begin(), mine.end());
      start.arrive_and_wait();
      for (int round = 0; round < 20; round++) {
        for (uintptr_t pc : mine) {
          const std::vector<Frame> frames = Symbolize(pc);
          if (round == 0) {
            seen[t].push_back(frames.back().function + "@" +
                              std::to_string(frames.back().entry));
          }
        }
      }
      if (t % 2 == 1) std::reverse(seen[t].begin(), seen[t].end());
    });
  }
  for (std::thread& th : threads) th.join();
  for (size_t i = 0; i < pcs.size(); i++) {
    const Frame want = Symbolize(pcs[i]).back();
    EXPECT_FALSE(want.function.empty()) << i;
    for (int t = 0; t < kThreads; t++) {
      EXPECT_EQ(seen[t][i], want.function + "@" + std::to_string(want.entry))
          << "thread " << t << " pc " << i;
    }
  }
}

TEST(Modules, MainExecutableFirstAndCoversItsCode) {
  const std::vector<Module> modules = Modules();
  ASSERT_FALSE(modules.empty());
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  ASSERT_GT(n, 0);
  EXPECT_EQ(modules[0].path, std::string(exe, n));
  EXPECT_FALSE(modules[0].build_id.empty());
  const uintptr_t pc = FnAddr(&symtest::F0);
  EXPECT_LE(modules[0].start, pc);
  EXPECT_LT(pc, modules[0].limit);
  const uintptr_t page = sysconf(_SC_PAGESIZE);
  for (const Module& m : modules) {
    EXPECT_LT(m.start, m.limit) << m.path;
    EXPECT_EQ(m.start % page, 0u) << m.path;
    EXPECT_EQ(m.limit % page, 0u) << m.path;
    EXPECT_EQ(m.offset % page, 0u) << m.path;
  }
  Module found;
  ASSERT_TRUE(FindModule(pc, &found));
  EXPECT_EQ(found.path, modules[0].path);
  EXPECT_FALSE(FindModule(0x10, &found));
}

TEST(Modules, DlopenedLibraryIsFoundAfterLoad) {
  // A library this test does not link: loaded after the symbolizer has read
  // the module list, it is picked up on the first miss. (libcrypt is part of
  // every Debian system: libcrypt1 is essential.)
  constexpr char kLib[] = "libcrypt.so.1";
  ASSERT_FALSE(Symbolize(FnAddr(&symtest::F3)).empty());  // initialize
  ASSERT_EQ(dlopen(kLib, RTLD_NOW | RTLD_NOLOAD), nullptr) << "already loaded";
  void* lib = dlopen(kLib, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  const uintptr_t pc = Addr(dlsym(lib, "crypt"));
  ASSERT_NE(pc, 0u);
  const std::vector<Frame> frames = Symbolize(pc);
  EXPECT_EQ(frames.back().function, "crypt");
  Module m;
  ASSERT_TRUE(FindModule(pc, &m));
  EXPECT_NE(m.path.find(kLib), std::string::npos) << m.path;
  EXPECT_EQ(frames.back().entry, pc);
  dlclose(lib);
}

}  // namespace
}  // namespace go::runtime::internal
