// Copyright 2026 The gotest Authors.
//
// ProfileBuilder: turns stacks of program counters plus values into a
// gzip-compressed, symbolized profile.proto, the file `go tool pprof` reads.
//
// Why symbolized: `go tool pprof` cannot name C++ functions from the binary
// (its DWARF reader takes DW_AT_name only and misses namespaced functions,
// research/profiling.md §0), so every profile carries its own Function and
// Line tables, and every Mapping says so (has_functions, has_filenames,
// has_line_numbers, has_inline_frames) so pprof does not re-symbolize. The
// Mapping table is still filled from the loaded modules (path, range, offset,
// build id) so standalone pprof can disassemble.
//
// Stacks follow runtime/traceback.h's convention: pcs[0] is an exact PC (a
// signal context's interrupted instruction, or CaptureStack's pcs[0], already
// inside the call) and every other pc is a return address. A Location's
// address is the exact PC for pcs[0] and the return address minus one for
// callers, so callers land on the line of the call (pprof's convention, and
// Go's). Function names are qualified C++ names without parameters
// ("ns::Class::Method", what pprof's own demangling shows for C++), with the
// mangled name as system_name. One Location per distinct address; inlined
// frames at an address are several Lines of that Location, innermost first, as
// pprof expects. One Function per distinct (name, system name, file, start
// line).
//
// Encoding uses the protobuf library on a checked-in copy of pprof's
// profile.proto and zlib for gzip (Go writes with gzip.BestSpeed; so do we).
//
// Not thread-safe: one builder is filled by one thread.

#ifndef GOTEST_RUNTIME_PPROF_PROFILE_BUILDER_H_
#define GOTEST_RUNTIME_PPROF_PROFILE_BUILDER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "runtime/symtab.h"

namespace perftools::profiles {
class Profile;
}  // namespace perftools::profiles

namespace go::pprof {

// A (type, unit) pair: profile.proto's ValueType, e.g. {"cpu", "nanoseconds"}.
struct ValueType {
  std::string type;
  std::string unit;
};

// A label attached to one sample: a string label (pprof -tagfocus key=value),
// or a numeric one with a unit (the heap profile's "bytes").
struct SampleLabel {
  std::string key;
  std::string str;       // used when !is_num
  int64_t num = 0;       // used when is_num
  std::string num_unit;  // optional, with is_num
  bool is_num = false;
};

class ProfileBuilder {
 public:
  // sample_types: what each of a sample's values is; period_type and period:
  // the sampling period (Go: cpu/nanoseconds 10ms; space/bytes MemProfileRate;
  // goroutine/count 1; contentions/count 1).
  ProfileBuilder(std::vector<ValueType> sample_types, ValueType period_type,
                 int64_t period);
  ~ProfileBuilder();
  ProfileBuilder(const ProfileBuilder&) = delete;
  ProfileBuilder& operator=(const ProfileBuilder&) = delete;

  // When the profile started (Unix nanoseconds) and how long it ran (0 for
  // profiles that are a snapshot).
  void SetTime(int64_t time_nanos, int64_t duration_nanos);
  // The sample type pprof shows by default (Go: "alloc_space" for allocs).
  void SetDefaultSampleType(std::string_view type);
  void AddComment(std::string_view comment);

  // Adds one sample. values.size() must equal the number of sample types.
  // pcs: see the file comment; n may be 0 (an empty stack).
  void AddSample(absl::Span<const int64_t> values, const uintptr_t* pcs, int n,
                 absl::Span<const SampleLabel> labels = {});

  // Adds a sample whose only frame is a synthetic function `name` with no
  // address (Go's "runtime._LostExternalCode"-style entries: samples the
  // profiler dropped).
  void AddSyntheticSample(absl::Span<const int64_t> values,
                          std::string_view name);

  // The profile as a message (symbolization happens here, once per distinct
  // address). The builder can keep taking samples afterwards.
  std::unique_ptr<perftools::profiles::Profile> Build();

  // Build(), serialized and gzip-compressed: the bytes of a .pb.gz file.
  std::string Encode();

  int num_samples() const { return static_cast<int>(samples_.size()); }

 private:
  struct Sample {
    std::vector<int64_t> values;
    std::vector<uint64_t> location_ids;
    std::vector<SampleLabel> labels;
  };
  uint64_t LocationFor(uintptr_t address);

  std::vector<ValueType> sample_types_;
  ValueType period_type_;
  int64_t period_;
  int64_t time_nanos_ = 0;
  int64_t duration_nanos_ = 0;
  std::string default_sample_type_;
  std::vector<std::string> comments_;
  // Distinct adjusted addresses, in first-seen order; ids are index + 1.
  std::unordered_map<uintptr_t, uint64_t> location_ids_;
  std::vector<uintptr_t> addresses_;
  // Synthetic functions (AddSyntheticSample): name -> location id.
  std::map<std::string, uint64_t> synthetic_;
  std::vector<Sample> samples_;
};

// Gzip-compresses data (a gzip member, as pprof expects).
std::string Gzip(std::string_view data);
// Inflates a gzip stream (for tests and for reading profiles back).
absl::Status Gunzip(std::string_view data, std::string* out);

// Writes data to path so that path is either complete or absent: into a
// temporary file in the same directory, flushed, then renamed over path.
absl::Status WriteFileAtomic(const std::string& path, std::string_view data);

// A status for a failed system call: errno's code, and Go's *PathError text
// ("open /x/cpu.out: permission denied").
absl::Status ErrnoError(int e, std::string_view what);

}  // namespace go::pprof

#endif  // GOTEST_RUNTIME_PPROF_PROFILE_BUILDER_H_
