// Copyright 2026 The gotest Authors.
//
// Test helpers: decode a written profile back with the protobuf library and
// read it the way pprof does (location ids -> lines -> function names).

#ifndef GOTEST_RUNTIME_PPROF_PPROF_TEST_UTIL_H_
#define GOTEST_RUNTIME_PPROF_PPROF_TEST_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/pprof/profile.pb.h"
#include "runtime/pprof/profile_builder.h"

namespace go::pprof::testing {

namespace pb = ::perftools::profiles;

// Gunzips and parses; fails the test on error.
inline pb::Profile Decode(const std::string& gz) {
  pb::Profile p;
  EXPECT_EQ(gz.substr(0, 2), std::string("\x1f\x8b")) << "not gzip";
  std::string raw;
  absl::Status s = Gunzip(gz, &raw);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE(p.ParseFromString(raw)) << "not a profile.proto";
  return p;
}

// An indexed view of a decoded profile.
struct View {
  explicit View(const pb::Profile& p) : p(p) {
    for (const auto& f : p.function()) functions[f.id()] = &f;
    for (const auto& l : p.location()) locations[l.id()] = &l;
  }
  const std::string& Str(int64_t i) const { return p.string_table(i); }
  // Function names of a sample, leaf first, inlined frames expanded.
  std::vector<std::string> Stack(const pb::Sample& s) const {
    std::vector<std::string> names;
    for (uint64_t id : s.location_id()) {
      auto it = locations.find(id);
      if (it == locations.end()) {
        names.push_back("<missing location>");
        continue;
      }
      for (const auto& line : it->second->line()) {
        auto f = functions.find(line.function_id());
        names.push_back(f == functions.end() ? "<missing function>"
                                             : Str(f->second->name()));
      }
    }
    return names;
  }
  std::string Label(const pb::Sample& s, const std::string& key) const {
    for (const auto& l : s.label()) {
      if (Str(l.key()) == key) return Str(l.str());
    }
    return "";
  }
  const pb::Profile& p;
  std::map<uint64_t, const pb::Function*> functions;
  std::map<uint64_t, const pb::Location*> locations;
};

}  // namespace go::pprof::testing

#endif  // GOTEST_RUNTIME_PPROF_PPROF_TEST_UTIL_H_
