// Copyright 2026 The gotest Authors.

#include "runtime/pprof/profile_builder.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/pprof/pprof_test_util.h"
#include "runtime/traceback.h"

namespace go::pprof {
namespace {

namespace pb = ::perftools::profiles;
using testing::Decode;
using testing::View;

struct Captured {
  uintptr_t pcs[16];
  int n = 0;
};

__attribute__((noinline)) void PprofBuilderLeafForTest(Captured* c) {
  c->n = go::runtime::internal::CaptureStack(c->pcs, 16, 0);
  go::runtime::internal::KeepCallerFrame();
}

__attribute__((noinline)) void PprofBuilderCallerForTest(Captured* c) {
  PprofBuilderLeafForTest(c);
  go::runtime::internal::KeepCallerFrame();
}

bool Contains(const std::vector<std::string>& v, const std::string& needle) {
  for (const std::string& s : v) {
    if (s.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(ProfileBuilder, HeaderAsGoWritesIt) {
  ProfileBuilder b({{"samples", "count"}, {"cpu", "nanoseconds"}},
                   {"cpu", "nanoseconds"}, 10000000);
  b.SetTime(1700000000123456789, 2500000000);
  b.AddComment("a comment");
  b.SetDefaultSampleType("cpu");
  pb::Profile p = Decode(b.Encode());
  View v(p);
  ASSERT_GE(p.string_table_size(), 1);
  EXPECT_EQ(p.string_table(0), "");
  ASSERT_EQ(p.sample_type_size(), 2);
  EXPECT_EQ(v.Str(p.sample_type(0).type()), "samples");
  EXPECT_EQ(v.Str(p.sample_type(0).unit()), "count");
  EXPECT_EQ(v.Str(p.sample_type(1).type()), "cpu");
  EXPECT_EQ(v.Str(p.sample_type(1).unit()), "nanoseconds");
  EXPECT_EQ(v.Str(p.period_type().type()), "cpu");
  EXPECT_EQ(v.Str(p.period_type().unit()), "nanoseconds");
  EXPECT_EQ(p.period(), 10000000);
  EXPECT_EQ(p.time_nanos(), 1700000000123456789);
  EXPECT_EQ(p.duration_nanos(), 2500000000);
  ASSERT_EQ(p.comment_size(), 1);
  EXPECT_EQ(v.Str(p.comment(0)), "a comment");
  EXPECT_EQ(v.Str(p.default_sample_type()), "cpu");
  EXPECT_EQ(p.sample_size(), 0);
}

TEST(ProfileBuilder, MappingsSayTheProfileIsSymbolized) {
  ProfileBuilder b({{"samples", "count"}}, {"cpu", "nanoseconds"}, 1);
  pb::Profile p = Decode(b.Encode());
  View v(p);
  ASSERT_GE(p.mapping_size(), 2);  // the executable and at least libc
  char exe[PATH_MAX];
  ASSERT_NE(realpath("/proc/self/exe", exe), nullptr);
  EXPECT_EQ(v.Str(p.mapping(0).filename()), exe) << "mapping[0] = main binary";
  EXPECT_FALSE(v.Str(p.mapping(0).build_id()).empty());
  for (const auto& m : p.mapping()) {
    EXPECT_TRUE(m.has_functions() && m.has_filenames() &&
                m.has_line_numbers() && m.has_inline_frames())
        << v.Str(m.filename());
    EXPECT_LT(m.memory_start(), m.memory_limit());
    EXPECT_EQ(m.memory_start() % 4096, 0u);
  }
}

TEST(ProfileBuilder, LocationsFunctionsAndLines) {
  Captured c;
  PprofBuilderCallerForTest(&c);
  ASSERT_GE(c.n, 2);
  ProfileBuilder b({{"samples", "count"}, {"cpu", "nanoseconds"}},
                   {"cpu", "nanoseconds"}, 10);
  int64_t v1[2] = {1, 10};
  int64_t v2[2] = {3, 30};
  b.AddSample(v1, c.pcs, c.n);
  b.AddSample(v2, c.pcs, c.n);  // same stack: no new locations
  // A shorter stack sharing the callers: shares their locations.
  b.AddSample(v1, c.pcs + 1, c.n - 1);
  pb::Profile p = Decode(b.Encode());
  View v(p);
  ASSERT_EQ(p.sample_size(), 3);
  // Locations: one per distinct address, so c.n + 1 (pcs[1] as a leaf is an
  // exact address, pcs[1] - 1 as a caller another).
  EXPECT_EQ(p.location_size(), c.n + 1);
  const pb::Sample& s = p.sample(0);
  ASSERT_EQ(s.location_id_size(), c.n);
  EXPECT_EQ(s.value(0), 1);
  EXPECT_EQ(s.value(1), 10);
  EXPECT_EQ(p.sample(1).value(0), 3);
  // Leaf: the exact pc; callers: return address - 1 (the call's line).
  EXPECT_EQ(v.locations[s.location_id(0)]->address(), c.pcs[0]);
  EXPECT_EQ(v.locations[s.location_id(1)]->address(), c.pcs[1] - 1);
  EXPECT_EQ(v.locations[p.sample(2).location_id(0)]->address(), c.pcs[1]);
  // Every location of the executable maps to mapping 1.
  EXPECT_EQ(v.locations[s.location_id(0)]->mapping_id(), 1u);

  std::vector<std::string> stack = v.Stack(s);
  ASSERT_GE(stack.size(), 2u);
  // pprof's names: qualified, without parameters.
  EXPECT_EQ(stack[0],
            "go::pprof::(anonymous namespace)::PprofBuilderLeafForTest");
  EXPECT_EQ(stack[1],
            "go::pprof::(anonymous namespace)::PprofBuilderCallerForTest");
  EXPECT_TRUE(Contains(stack, "ProfileBuilder_LocationsFunctionsAndLines"));

  // Functions are deduplicated: no two with the same name and file.
  std::set<std::string> seen;
  for (const auto& f : p.function()) {
    std::string key = v.Str(f.name()) + "|" + v.Str(f.filename()) + "|" +
                      v.Str(f.system_name()) + "|" +
                      std::to_string(f.start_line());
    EXPECT_TRUE(seen.insert(key).second) << key;
  }
  // The caller's line: a file this test comes from, a positive line, a
  // mangled system name.
  const pb::Location* leaf = v.locations[s.location_id(0)];
  const pb::Line& line = leaf->line(leaf->line_size() - 1);
  const pb::Function* f = v.functions[line.function_id()];
  EXPECT_NE(v.Str(f->filename()).find("runtime/pprof/profile_builder_test.cc"),
            std::string::npos)
      << v.Str(f->filename());
  EXPECT_GT(line.line(), 0);
  EXPECT_GT(f->start_line(), 0);
  EXPECT_EQ(v.Str(f->system_name()).substr(0, 2), "_Z");
}

TEST(ProfileBuilder, LabelsAndSyntheticSamples) {
  Captured c;
  PprofBuilderCallerForTest(&c);
  ProfileBuilder b({{"samples", "count"}}, {"cpu", "nanoseconds"}, 1);
  SampleLabel str;
  str.key = "request";
  str.str = "42";
  SampleLabel num;
  num.key = "bytes";
  num.is_num = true;
  num.num = 512;
  num.num_unit = "bytes";
  int64_t one[1] = {1};
  std::vector<SampleLabel> labels{str, num};
  b.AddSample(one, c.pcs, c.n, labels);
  int64_t seven[1] = {7};
  b.AddSyntheticSample(seven, "go::pprof::LostProfileEvents");
  pb::Profile p = Decode(b.Encode());
  View v(p);
  ASSERT_EQ(p.sample_size(), 2);
  EXPECT_EQ(v.Label(p.sample(0), "request"), "42");
  ASSERT_EQ(p.sample(0).label_size(), 2);
  EXPECT_EQ(v.Str(p.sample(0).label(1).key()), "bytes");
  EXPECT_EQ(p.sample(0).label(1).num(), 512);
  EXPECT_EQ(v.Str(p.sample(0).label(1).num_unit()), "bytes");
  std::vector<std::string> lost = v.Stack(p.sample(1));
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0], "go::pprof::LostProfileEvents");
  EXPECT_EQ(p.sample(1).value(0), 7);
  // Location ids are unique.
  std::set<uint64_t> ids;
  for (const auto& l : p.location()) EXPECT_TRUE(ids.insert(l.id()).second);
}

TEST(ProfileBuilder, GzipRoundTrip) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); i += 7) data[i] = static_cast<char>(i);
  std::string gz = Gzip(data);
  ASSERT_GT(gz.size(), 10u);
  EXPECT_EQ(gz.substr(0, 2), "\x1f\x8b");
  std::string back;
  ASSERT_TRUE(Gunzip(gz, &back).ok());
  EXPECT_EQ(back, data);
  EXPECT_FALSE(Gunzip("not gzip at all", &back).ok());
}

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (struct dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  }
  return names;
}

TEST(WriteFileAtomic, CompleteOrAbsent) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/atomic";
  mkdir(dir.c_str(), 0755);
  std::string path = dir + "/cpu.pb.gz";
  ASSERT_TRUE(WriteFileAtomic(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "second version").ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "second version");
  EXPECT_EQ(DirEntries(dir), std::vector<std::string>{"cpu.pb.gz"})
      << "no temporary file left behind";

  std::string bad = dir + "/no/such/dir/cpu.pb.gz";
  absl::Status s = WriteFileAtomic(bad, "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("no such file or directory"),
            std::string::npos)
      << s;
  EXPECT_NE(access(bad.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace go::pprof
