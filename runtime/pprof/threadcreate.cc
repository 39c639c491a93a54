// Copyright 2026 The gotest Authors.
//
// The threadcreate profile: one record per OS thread (M) the runtime has
// created, as Go's. Go records the creating goroutine's stack, which has been
// of little use since threads are created by the scheduler rather than by the
// code that needs them (golang/go#6104); the runtime here records no creation
// stacks, so every record has an empty stack and the profile is a count:
// `go tool pprof -top` shows "<n> total", debug=1 Go's
// "threadcreate profile: total <n>".

#include "runtime/pprof/threadcreate.h"

#include <cstdint>
#include <ctime>
#include <mutex>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "runtime/pprof/profile_builder.h"
#include "runtime/runtime2.h"

namespace go::pprof::internal {

namespace {

// Threads the runtime created (Ms ever allocated: Go's mcount()).
int64_t ThreadsCreated() {
  auto& s = go::runtime::internal::sched();
  std::lock_guard<runtime::internal::Lock> l(s.lock);
  return s.mnext;
}

class ThreadCreate : public Profile {
 public:
  std::string Name() const override { return "threadcreate"; }
  int Count() const override { return static_cast<int>(ThreadsCreated()); }
  absl::Status WriteTo(std::ostream& out, int debug) const override {
    int64_t n = ThreadsCreated();
    std::string data;
    if (debug > 0) {
      // Go's printCountProfile: the records grouped by stack (all empty).
      data = absl::StrCat("threadcreate profile: total ", n, "\n");
      if (n > 0) absl::StrAppend(&data, n, " @\n\n");
    } else {
      // Go: threadcreate/count, period_type threadcreate/count, period 1.
      ProfileBuilder b({{"threadcreate", "count"}}, {"threadcreate", "count"},
                       1);
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      b.SetTime(static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec,
                0);
      if (n > 0) {
        int64_t v[1] = {n};
        b.AddSample(v, nullptr, 0);
      }
      data = b.Encode();
    }
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) return absl::DataLossError("pprof: write failed");
    return absl::OkStatus();
  }
};

}  // namespace

Profile* ThreadCreateProfile() {
  static Profile* p = new ThreadCreate;
  return p;
}

}  // namespace go::pprof::internal
