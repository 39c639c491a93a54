// Copyright 2026 The gotest Authors.
//
// The named profiles (Go's pprof.Lookup): goroutine, heap, allocs, block,
// mutex, threadcreate. Their data comes from runtime hooks:
//  - goroutine: the runtime's goroutine list (runtime/dump.h);
//  - heap/allocs: runtime/malloc.h's sampling hooks, installed when this
//    library is loaded, so sampling at MemProfileRate (512 KiB by default,
//    as Go) runs from the start of the program as in Go;
//  - block/mutex: runtime/blockevent.h's sink; events flow only once
//    SetBlockProfileRate / SetMutexProfileFraction turn them on.
//  - threadcreate: threadcreate.cc (a count of the runtime's threads).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "runtime/blockevent.h"
#include "runtime/dump.h"
#include "runtime/malloc.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/profile_builder.h"
#include "runtime/pprof/text_format.h"
#include "runtime/pprof/threadcreate.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"

namespace go::pprof {

namespace {

using go::runtime::internal::G;
using go::runtime::internal::getm;
using go::runtime::internal::M;

int64_t UnixNanos() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string StackKey(const uintptr_t* pcs, int n) {
  return std::string(reinterpret_cast<const char*>(pcs),
                     sizeof(uintptr_t) * static_cast<size_t>(n));
}

absl::Status Emit(std::ostream& out, const std::string& data) {
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) return absl::DataLossError("pprof: write failed");
  return absl::OkStatus();
}

// ---- heap and allocs ----

// One record per distinct allocation stack; immortal (the malloc library
// keeps the pointer as the sampled allocation's cookie until it is freed).
struct HeapBucket {
  uint64_t hash;
  std::vector<uintptr_t> pcs;
  std::atomic<int64_t> allocs{0}, alloc_bytes{0}, frees{0}, free_bytes{0};
  HeapBucket* next_in_slot = nullptr;  // immutable once published
  HeapBucket* next_all = nullptr;      // immutable once published
};

// The buckets by stack hash: chains read without a lock (a sample's stack
// almost always has its bucket already, and samples come from every thread
// at once), added to under heap_insert_mu. Readers walk heap_all.
constexpr int kHeapTableBits = 13;
constinit std::atomic<HeapBucket*> heap_table[1 << kHeapTableBits] = {};
constinit std::atomic<HeapBucket*> heap_all{nullptr};
constinit std::atomic<int> heap_bucket_count{0};
constinit std::mutex heap_insert_mu;

bool SameStack(const HeapBucket* b, uint64_t hash, const uintptr_t* pcs,
               int n) {
  return b->hash == hash && b->pcs.size() == static_cast<size_t>(n) &&
         std::equal(pcs, pcs + n, b->pcs.begin());
}

HeapBucket* FindHeapBucket(std::atomic<HeapBucket*>& slot, uint64_t hash,
                           const uintptr_t* pcs, int n) {
  for (HeapBucket* b = slot.load(std::memory_order_acquire); b != nullptr;
       b = b->next_in_slot) {
    if (SameStack(b, hash, pcs, n)) return b;
  }
  return nullptr;
}

// Runs inside the malloc library's hook: what it allocates (a new bucket)
// is neither sampled nor counted.
uintptr_t OnAlloc(void* ptr, size_t size, const uintptr_t* pcs, int n) {
  const uint64_t hash =
      absl::Hash<absl::Span<const uintptr_t>>{}(absl::MakeConstSpan(pcs, n));
  std::atomic<HeapBucket*>& slot = heap_table[hash >> (64 - kHeapTableBits)];
  HeapBucket* b = FindHeapBucket(slot, hash, pcs, n);
  if (b == nullptr) {
    std::lock_guard<std::mutex> l(heap_insert_mu);
    b = FindHeapBucket(slot, hash, pcs, n);
    if (b == nullptr) {
      b = new HeapBucket;
      b->hash = hash;
      b->pcs.assign(pcs, pcs + n);
      b->next_in_slot = slot.load(std::memory_order_relaxed);
      b->next_all = heap_all.load(std::memory_order_relaxed);
      slot.store(b, std::memory_order_release);
      heap_all.store(b, std::memory_order_release);
      heap_bucket_count.fetch_add(1, std::memory_order_relaxed);
    }
  }
  b->allocs.fetch_add(1, std::memory_order_relaxed);
  b->alloc_bytes.fetch_add(static_cast<int64_t>(size),
                           std::memory_order_relaxed);
  return reinterpret_cast<uintptr_t>(b);
}

void OnFree(void* ptr, size_t size, uintptr_t cookie) {
  HeapBucket* b = reinterpret_cast<HeapBucket*>(cookie);
  if (b == nullptr) return;
  b->frees.fetch_add(1, std::memory_order_relaxed);
  b->free_bytes.fetch_add(static_cast<int64_t>(size),
                          std::memory_order_relaxed);
}

// The malloc sampler walks frame pointers within the current goroutine's
// stack; it asks the runtime for those bounds through this.
bool GoroutineStackBounds(uintptr_t* lo, uintptr_t* hi) {
  M* m = getm();
  if (m == nullptr || m->on_g0 || m->curg == nullptr) return false;
  *lo = m->curg->stack_lo;
  *hi = m->curg->stack_hi;
  return true;
}

// Installed when the library is loaded (before main), so the heap profile
// covers the whole run as Go's does.
[[maybe_unused]] const bool heap_hooks_installed = [] {
  go::runtime::SetStackBoundsFunc(&GoroutineStackBounds);
  go::runtime::SetMemProfileHooks({&OnAlloc, &OnFree});
  return true;
}();

struct HeapRecord {
  std::vector<uintptr_t> pcs;
  int64_t allocs, alloc_bytes, frees, free_bytes;
};

std::vector<HeapRecord> HeapRecords() {
  std::vector<HeapRecord> r;
  r.reserve(heap_bucket_count.load(std::memory_order_relaxed));
  for (const HeapBucket* b = heap_all.load(std::memory_order_acquire);
       b != nullptr; b = b->next_all) {
    r.push_back({b->pcs, b->allocs.load(), b->alloc_bytes.load(),
                 b->frees.load(), b->free_bytes.load()});
  }
  return r;
}

// Go's scaleHeapSample: undo sampling at `rate` for count objects totalling
// size bytes (each of their average size was sampled with probability
// 1 - exp(-avg/rate)).
void ScaleHeapSample(int64_t count, int64_t size, int64_t rate,
                     int64_t* out_count, int64_t* out_size) {
  if (count == 0 || size == 0) {
    *out_count = 0;
    *out_size = 0;
    return;
  }
  if (rate <= 1) {
    *out_count = count;
    *out_size = size;
    return;
  }
  double avg = static_cast<double>(size) / static_cast<double>(count);
  double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  *out_count = static_cast<int64_t>(static_cast<double>(count) * scale);
  *out_size = static_cast<int64_t>(static_cast<double>(size) * scale);
}

class HeapProfile : public Profile {
 public:
  explicit HeapProfile(bool allocs) : allocs_(allocs) {}
  std::string Name() const override { return allocs_ ? "allocs" : "heap"; }
  int Count() const override {
    return heap_bucket_count.load(std::memory_order_relaxed);
  }
  absl::Status WriteTo(std::ostream& out, int debug) const override {
    std::vector<HeapRecord> recs = HeapRecords();
    int64_t rate = go::runtime::MemProfileRate();
    if (debug > 0) return WriteText(out, recs, rate);
    // Go's protomem.go: four sample types, period space/bytes = rate, and
    // a "bytes" label with the average object size.
    ProfileBuilder b({{"alloc_objects", "count"},
                      {"alloc_space", "bytes"},
                      {"inuse_objects", "count"},
                      {"inuse_space", "bytes"}},
                     {"space", "bytes"}, rate);
    b.SetTime(UnixNanos(), 0);
    if (allocs_) b.SetDefaultSampleType("alloc_space");
    for (const HeapRecord& r : recs) {
      int64_t v[4];
      ScaleHeapSample(r.allocs, r.alloc_bytes, rate, &v[0], &v[1]);
      ScaleHeapSample(r.allocs - r.frees, r.alloc_bytes - r.free_bytes, rate,
                      &v[2], &v[3]);
      std::vector<SampleLabel> labels;
      if (r.allocs > 0) {
        SampleLabel l;
        l.key = "bytes";
        l.is_num = true;
        l.num = r.alloc_bytes / r.allocs;
        labels.push_back(l);
      }
      b.AddSample(v, r.pcs.data(), static_cast<int>(r.pcs.size()), labels);
    }
    return Emit(out, b.Encode());
  }

 private:
  // Go's writeHeapInternal legacy text (raw sampled counts).
  static absl::Status WriteText(std::ostream& out,
                                const std::vector<HeapRecord>& recs,
                                int64_t rate) {
    int64_t in_obj = 0, in_bytes = 0, al_obj = 0, al_bytes = 0;
    for (const HeapRecord& r : recs) {
      in_obj += r.allocs - r.frees;
      in_bytes += r.alloc_bytes - r.free_bytes;
      al_obj += r.allocs;
      al_bytes += r.alloc_bytes;
    }
    std::string text =
        absl::StrCat("heap profile: ", in_obj, ": ", in_bytes, " [", al_obj,
                     ": ", al_bytes, "] @ heap/", 2 * rate, "\n");
    for (const HeapRecord& r : recs) {
      absl::StrAppend(&text, r.allocs - r.frees, ": ",
                      r.alloc_bytes - r.free_bytes, " [", r.allocs, ": ",
                      r.alloc_bytes, "] @");
      for (uintptr_t pc : r.pcs) absl::StrAppend(&text, " 0x", absl::Hex(pc));
      text += "\n";
      internal::AppendStackRecord(&text, r.pcs.data(),
                                  static_cast<int>(r.pcs.size()));
    }
    go::runtime::MemStats ms = go::runtime::ReadMemStats();
    absl::StrAppend(
        &text, "\n# runtime.MemStats\n# TotalAlloc = ", ms.total_alloc_bytes,
        "\n# Mallocs = ", ms.mallocs, "\n# Frees = ", ms.frees, "\n");
    return Emit(out, internal::TabAlign(text));
  }

  bool allocs_;
};

// ---- block and mutex ----

struct ContentionBucket {
  std::vector<uintptr_t> pcs;
  double count = 0;
  int64_t ns = 0;
};

std::mutex& contention_mu() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}
std::unordered_map<std::string, ContentionBucket>& contention_buckets(
    go::runtime::internal::ProfileKind kind) {
  static auto* block = new std::unordered_map<std::string, ContentionBucket>;
  static auto* mutex = new std::unordered_map<std::string, ContentionBucket>;
  return kind == go::runtime::internal::ProfileKind::kBlock ? *block : *mutex;
}

void OnContention(go::runtime::internal::ProfileKind kind, double count,
                  int64_t ns, const uintptr_t* pcs, int n) {
  std::lock_guard<std::mutex> l(contention_mu());
  ContentionBucket& b = contention_buckets(kind)[StackKey(pcs, n)];
  if (b.pcs.empty()) b.pcs.assign(pcs, pcs + n);
  b.count += count;
  b.ns += ns;
}

[[maybe_unused]] const bool contention_sink_installed = [] {
  go::runtime::internal::SetBlockEventSink(&OnContention);
  return true;
}();

class ContentionProfile : public Profile {
 public:
  explicit ContentionProfile(go::runtime::internal::ProfileKind kind)
      : kind_(kind) {}
  std::string Name() const override {
    return kind_ == go::runtime::internal::ProfileKind::kBlock ? "block"
                                                               : "mutex";
  }
  int Count() const override {
    std::lock_guard<std::mutex> l(contention_mu());
    return static_cast<int>(contention_buckets(kind_).size());
  }
  absl::Status WriteTo(std::ostream& out, int debug) const override {
    std::vector<ContentionBucket> recs;
    {
      std::lock_guard<std::mutex> l(contention_mu());
      for (const auto& [k, b] : contention_buckets(kind_)) recs.push_back(b);
    }
    std::sort(recs.begin(), recs.end(),
              [](const auto& a, const auto& b) { return a.ns > b.ns; });
    if (debug > 0) {
      // Go's printCountCycleProfile text; our "cycles" are nanoseconds.
      std::string text = "--- contention:\ncycles/second=1000000000\n";
      if (kind_ == go::runtime::internal::ProfileKind::kMutex) {
        absl::StrAppend(&text, "sampling period=",
                        go::runtime::SetMutexProfileFraction(-1), "\n");
      }
      for (const ContentionBucket& b : recs) {
        absl::StrAppend(&text, b.ns, " ", static_cast<int64_t>(b.count), " @");
        for (uintptr_t pc : b.pcs) absl::StrAppend(&text, " 0x", absl::Hex(pc));
        text += "\n";
        internal::AppendStackRecord(&text, b.pcs.data(),
                                    static_cast<int>(b.pcs.size()));
      }
      return Emit(out, internal::TabAlign(text));
    }
    // Go: contentions/count and delay/nanoseconds, period_type
    // contentions/count, period 1.
    ProfileBuilder pb({{"contentions", "count"}, {"delay", "nanoseconds"}},
                      {"contentions", "count"}, 1);
    pb.SetTime(UnixNanos(), 0);
    for (const ContentionBucket& b : recs) {
      int64_t v[2] = {static_cast<int64_t>(std::llround(b.count)), b.ns};
      pb.AddSample(v, b.pcs.data(), static_cast<int>(b.pcs.size()));
    }
    return Emit(out, pb.Encode());
  }

 private:
  go::runtime::internal::ProfileKind kind_;
};

// ---- goroutine ----

class GoroutineProfile : public Profile {
 public:
  std::string Name() const override { return "goroutine"; }
  int Count() const override { return go::runtime::NumGoroutine(); }
  absl::Status WriteTo(std::ostream& out, int debug) const override {
    if (debug >= 2) return Emit(out, go::runtime::Stack(true));
    std::vector<go::runtime::internal::GoroutineRecord> gs =
        go::runtime::internal::ListGoroutines();
    // Count per distinct stack, most frequent first (Go's keysByCount: by
    // count, then by key).
    struct Group {
      std::vector<uintptr_t> pcs;
      int64_t count = 0;
      std::string key;
    };
    std::unordered_map<std::string, size_t> index;
    std::vector<Group> groups;
    for (const auto& g : gs) {
      std::string key = "@";
      for (uintptr_t pc : g.pcs) absl::StrAppend(&key, " 0x", absl::Hex(pc));
      auto [it, inserted] = index.try_emplace(key, groups.size());
      if (inserted) groups.push_back({g.pcs, 0, key});
      groups[it->second].count++;
    }
    std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
      if (a.count != b.count) return a.count > b.count;
      return a.key < b.key;
    });
    if (debug == 1) {
      std::string text =
          absl::StrCat("goroutine profile: total ", gs.size(), "\n");
      for (const Group& g : groups) {
        absl::StrAppend(&text, g.count, " ", g.key, "\n");
        internal::AppendStackRecord(&text, g.pcs.data(),
                                    static_cast<int>(g.pcs.size()));
      }
      return Emit(out, internal::TabAlign(text));
    }
    ProfileBuilder b({{"goroutine", "count"}}, {"goroutine", "count"}, 1);
    b.SetTime(UnixNanos(), 0);
    for (const Group& g : groups) {
      int64_t v[1] = {g.count};
      b.AddSample(v, g.pcs.data(), static_cast<int>(g.pcs.size()));
    }
    return Emit(out, b.Encode());
  }
};

std::vector<Profile*>& Registry() {
  static auto* r = new std::vector<Profile*>{
      new HeapProfile(/*allocs=*/true),
      new ContentionProfile(go::runtime::internal::ProfileKind::kBlock),
      new GoroutineProfile(),
      new HeapProfile(/*allocs=*/false),
      new ContentionProfile(go::runtime::internal::ProfileKind::kMutex),
      internal::ThreadCreateProfile(),
  };
  return *r;
}

}  // namespace

Profile* Lookup(std::string_view name) {
  for (Profile* p : Registry()) {
    if (p->Name() == name) return p;
  }
  return nullptr;
}

std::vector<Profile*> Profiles() { return Registry(); }

absl::Status WriteHeapProfile(std::ostream& out) {
  return Lookup("heap")->WriteTo(out, 0);
}

}  // namespace go::pprof
