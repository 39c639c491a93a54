// Copyright 2026 The gotest Authors.

#include "runtime/pprof/profile_builder.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/pprof/profile.pb.h"

namespace go::pprof {

namespace {

namespace pb = ::perftools::profiles;
using go::runtime::internal::Frame;
using go::runtime::internal::Module;

// The string table: index 0 is "", every other string once.
class StringTable {
 public:
  explicit StringTable(pb::Profile* p) : p_(p) { Index(""); }
  int64_t Index(const std::string& s) {
    auto [it, inserted] = index_.try_emplace(s, p_->string_table_size());
    if (inserted) p_->add_string_table(s);
    return it->second;
  }

 private:
  pb::Profile* p_;
  std::unordered_map<std::string, int64_t> index_;
};

void SetValueType(pb::ValueType* vt, StringTable* st, const ValueType& v) {
  vt->set_type(st->Index(v.type));
  vt->set_unit(st->Index(v.unit));
}

}  // namespace

absl::Status ErrnoError(int e, std::string_view what) {
  // Go's *PathError text: "open /x/cpu.out: permission denied".
  std::string msg = strerror(e);
  if (!msg.empty()) msg[0] = static_cast<char>(tolower(msg[0]));
  return absl::Status(absl::ErrnoToStatusCode(e),
                      absl::StrCat(std::string(what), ": ", msg));
}

ProfileBuilder::ProfileBuilder(std::vector<ValueType> sample_types,
                               ValueType period_type, int64_t period)
    : sample_types_(std::move(sample_types)),
      period_type_(std::move(period_type)),
      period_(period) {}

ProfileBuilder::~ProfileBuilder() = default;

void ProfileBuilder::SetTime(int64_t time_nanos, int64_t duration_nanos) {
  time_nanos_ = time_nanos;
  duration_nanos_ = duration_nanos;
}

void ProfileBuilder::SetDefaultSampleType(std::string_view type) {
  default_sample_type_ = std::string(type);
}

void ProfileBuilder::AddComment(std::string_view comment) {
  comments_.emplace_back(comment);
}

uint64_t ProfileBuilder::LocationFor(uintptr_t address) {
  auto [it, inserted] = location_ids_.try_emplace(address, 0);
  if (inserted) {
    addresses_.push_back(address);
    it->second = addresses_.size();
  }
  return it->second;
}

void ProfileBuilder::AddSample(absl::Span<const int64_t> values,
                               const uintptr_t* pcs, int n,
                               absl::Span<const SampleLabel> labels) {
  Sample s;
  s.values.assign(values.begin(), values.end());
  s.values.resize(sample_types_.size());
  s.location_ids.reserve(n);
  for (int i = 0; i < n; i++) {
    // Callers: the return address minus one is inside the call instruction.
    uintptr_t addr = i == 0 ? pcs[i] : pcs[i] - 1;
    s.location_ids.push_back(LocationFor(addr));
  }
  s.labels.assign(labels.begin(), labels.end());
  samples_.push_back(std::move(s));
}

void ProfileBuilder::AddSyntheticSample(absl::Span<const int64_t> values,
                                        std::string_view name) {
  // Synthetic locations get ids after the real ones; remembered by name.
  // They are numbered at Build time (ids must not clash with addresses_).
  auto [it, inserted] = synthetic_.try_emplace(std::string(name), 0);
  if (inserted) it->second = synthetic_.size();
  Sample s;
  s.values.assign(values.begin(), values.end());
  s.values.resize(sample_types_.size());
  // Marked with the high bit; rewritten in Build.
  s.location_ids.push_back((uint64_t{1} << 63) | it->second);
  samples_.push_back(std::move(s));
}

std::unique_ptr<pb::Profile> ProfileBuilder::Build() {
  auto p = std::make_unique<pb::Profile>();
  StringTable st(p.get());
  for (const ValueType& v : sample_types_) {
    SetValueType(p->add_sample_type(), &st, v);
  }
  SetValueType(p->mutable_period_type(), &st, period_type_);
  p->set_period(period_);
  p->set_time_nanos(time_nanos_);
  p->set_duration_nanos(duration_nanos_);
  if (!default_sample_type_.empty()) {
    p->set_default_sample_type(st.Index(default_sample_type_));
  }
  for (const std::string& c : comments_) p->add_comment(st.Index(c));

  // Mappings: every executable segment, the main binary first (pprof treats
  // mapping[0] as the main binary).
  std::vector<Module> modules = go::runtime::internal::Modules();
  for (size_t i = 0; i < modules.size(); i++) {
    const Module& m = modules[i];
    pb::Mapping* pm = p->add_mapping();
    pm->set_id(i + 1);
    pm->set_memory_start(m.start);
    pm->set_memory_limit(m.limit);
    pm->set_file_offset(m.offset);
    pm->set_filename(st.Index(m.path));
    pm->set_build_id(st.Index(m.build_id));
    // We symbolized: pprof must not try again (it would through Go's DWARF
    // reader, which loses C++ names, or against a rebuilt binary).
    pm->set_has_functions(true);
    pm->set_has_filenames(true);
    pm->set_has_line_numbers(true);
    pm->set_has_inline_frames(true);
  }
  // Sorted index for address -> mapping.
  std::vector<size_t> order(modules.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return modules[a].start < modules[b].start;
  });
  auto mapping_for = [&](uintptr_t addr) -> uint64_t {
    auto it = std::upper_bound(
        order.begin(), order.end(), addr,
        [&](uintptr_t a, size_t i) { return a < modules[i].start; });
    if (it == order.begin()) return 0;
    --it;
    return addr < modules[*it].limit ? *it + 1 : 0;
  };

  std::unordered_map<std::string, uint64_t> function_ids;
  auto function_for = [&](const std::string& name, const std::string& sys,
                          const std::string& file, int start_line) {
    std::string key =
        absl::StrCat(name, "\x1f", sys, "\x1f", file, "\x1f", start_line);
    auto [it, inserted] = function_ids.try_emplace(key, 0);
    if (inserted) {
      it->second = p->function_size() + 1;
      pb::Function* f = p->add_function();
      f->set_id(it->second);
      f->set_name(st.Index(name));
      f->set_system_name(st.Index(sys));
      f->set_filename(st.Index(file));
      f->set_start_line(start_line);
    }
    return it->second;
  };

  for (size_t i = 0; i < addresses_.size(); i++) {
    uintptr_t addr = addresses_[i];
    pb::Location* loc = p->add_location();
    loc->set_id(i + 1);
    loc->set_mapping_id(mapping_for(addr));
    loc->set_address(addr);
    std::vector<Frame> copy;
    const std::vector<Frame>* frames =
        go::runtime::internal::SymbolizeCached(addr);
    if (frames == nullptr) {
      copy = go::runtime::internal::Symbolize(addr);
      frames = &copy;
    }
    for (const Frame& f : *frames) {
      if (f.function.empty() && f.file.empty()) continue;  // unknown: address
      // The name pprof shows: the qualified name without parameters, as
      // pprof's own C++ demangling simplifies it and as Go's names read
      // ("work::hot_a"); the mangled name keeps overloads apart.
      std::string name = !f.short_function.empty() ? f.short_function
                         : !f.function.empty()     ? f.function
                                                   : f.system_name;
      if (name.empty()) name = absl::StrCat("0x", absl::Hex(addr));
      pb::Line* line = loc->add_line();
      line->set_function_id(
          function_for(name, f.system_name.empty() ? name : f.system_name,
                       f.file, f.start_line));
      line->set_line(f.line);
    }
  }
  // Synthetic locations: after the real ones.
  std::map<uint64_t, uint64_t> synthetic_ids;  // marker -> location id
  for (const auto& [name, marker] : synthetic_) {
    uint64_t id = p->location_size() + 1;
    synthetic_ids[marker] = id;
    pb::Location* loc = p->add_location();
    loc->set_id(id);
    loc->add_line()->set_function_id(function_for(name, name, "", 0));
  }

  for (const Sample& s : samples_) {
    pb::Sample* ps = p->add_sample();
    for (uint64_t id : s.location_ids) {
      if (id >> 63) id = synthetic_ids[id & ~(uint64_t{1} << 63)];
      ps->add_location_id(id);
    }
    for (int64_t v : s.values) ps->add_value(v);
    for (const SampleLabel& l : s.labels) {
      pb::Label* pl = ps->add_label();
      pl->set_key(st.Index(l.key));
      if (l.is_num) {
        pl->set_num(l.num);
        if (!l.num_unit.empty()) pl->set_num_unit(st.Index(l.num_unit));
      } else {
        pl->set_str(st.Index(l.str));
      }
    }
  }
  return p;
}

std::string ProfileBuilder::Encode() {
  std::unique_ptr<pb::Profile> p = Build();
  std::string raw;
  p->SerializeToString(&raw);
  return Gzip(raw);
}

std::string Gzip(std::string_view data) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  // 15 + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return "";
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return "";
  return out;
}

absl::Status Gunzip(std::string_view data, std::string* out) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    return absl::InternalError("inflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  out->clear();
  char buf[1 << 16];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return absl::DataLossError(absl::StrCat("gunzip: zlib error ", rc));
    }
    out->append(buf, sizeof buf - zs.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return absl::OkStatus();
}

absl::Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return ErrnoError(errno, absl::StrCat("open ", tmp));
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = write(fd, data.data() + off, data.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      unlink(tmp.c_str());
      return ErrnoError(e, absl::StrCat("write ", tmp));
    }
    off += static_cast<size_t>(w);
  }
  int rc = fsync(fd);
  int e = errno;
  if (close(fd) != 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  if (rc != 0) {
    unlink(tmp.c_str());
    return ErrnoError(e, absl::StrCat("close ", tmp));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return ErrnoError(e, absl::StrCat("rename ", tmp, " ", path));
  }
  return absl::OkStatus();
}

}  // namespace go::pprof
