// Copyright 2026 The gotest Authors.
//
// Go's runtime/pprof for C++ programs on the gotest runtime: CPU, heap,
// allocs, goroutine, block and mutex profiles written as gzip-compressed,
// symbolized profile.proto files that `go tool pprof` reads (C++ function
// names, source files and lines, inlined frames where the debug information
// has them), and profiler labels.
//
//   std::ofstream out("cpu.pb.gz");
//   if (absl::Status s = go::pprof::StartCPUProfile(out); !s.ok()) ...;
//   Work();
//   go::pprof::StopCPUProfile();                  // writes the profile
//
//   go::pprof::Lookup("goroutine")->WriteTo(std::cout, /*debug=*/1);
//   go::pprof::Do(ctx, go::pprof::Labels("request", "42"),
//                 [&](go::context::Context ctx) { Handle(ctx); });
//
// CPU profiling samples every thread of the process (not only the runtime's):
// a per-thread CLOCK_THREAD_CPUTIME_ID timer delivers SIGPROF to the thread
// that spent the CPU time, 100 times per CPU-second by default, and the
// handler records the frame-pointer stack of the running goroutine (or
// thread) into a preallocated lock-free buffer that a background thread
// drains. Threads created while a profile runs are found within 100 ms.
// Build with frame pointers (the workspace does): a function without one
// hides its caller.
//
// Differences from Go worth knowing:
//  - Profiles are written when they stop (StopCPUProfile), not streamed.
//  - Labels live as long as the process (they are interned so that a
//    signal handler can read them without locks): keep the number of
//    distinct label sets bounded (not one per request id).
//  - A plain thread's labels (SetGoroutineLabels outside a goroutine) are
//    not inherited by goroutines it starts; a goroutine's are, as in Go.
//  - The heap profile knows frees at once (no garbage collector), so it is
//    current, not "as of the last GC".

#ifndef GOTEST_RUNTIME_PPROF_PPROF_H_
#define GOTEST_RUNTIME_PPROF_PPROF_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "runtime/context.h"

namespace go::pprof {

// ---- CPU profile ----

// Starts CPU profiling; the profile goes to `out` when StopCPUProfile is
// called (`out` must outlive that). Errors as Go's: a second profile while
// one runs is FailedPrecondition("cpu profiling already in use").
absl::Status StartCPUProfile(std::ostream& out);
// The same, written to `path` at StopCPUProfile, atomically: the file is
// complete or absent. An unwritable path is an error now, not at Stop.
absl::Status StartCPUProfileFile(const std::string& path);
// Stops the profile started last, writes it and waits until it is written.
// Returns the write error, if any; OK if no profile was running. Unlike Go's,
// the profile carries one comment naming the clock that sampled it:
// "clock=task-clock" (perf events), "clock=task-clock:u" (user time only) or
// "clock=cpu-timer" (where perf events are refused, as under Docker's default
// seccomp profile: Go's clock, biased on an oversubscribed machine).
absl::Status StopCPUProfile();

// Go's runtime.SetCPUProfileRate: samples per CPU-second for the next
// profile (100 by default; Go's pprof always uses 100). Ignored, as in Go,
// while a profile is running. hz <= 0 is ignored.
void SetCPUProfileRate(int hz);

// ---- Named profiles (Go's pprof.Profile) ----

class Profile {
 public:
  virtual ~Profile() = default;
  // "goroutine", "heap", "allocs", "block", "mutex".
  virtual std::string Name() const = 0;
  // The number of records (goroutines; heap, block or mutex stacks).
  virtual int Count() const = 0;
  // debug = 0: gzip-compressed profile.proto. debug = 1: Go's legacy text
  // with symbolized "#" comment lines. debug = 2 (goroutine only): Go's
  // panic-style dump of every goroutine.
  virtual absl::Status WriteTo(std::ostream& out, int debug) const = 0;
};

// The named profile, or nullptr if there is none by that name.
Profile* Lookup(std::string_view name);
// Every named profile, sorted by name.
std::vector<Profile*> Profiles();

// Lookup("heap")->WriteTo(out, 0).
absl::Status WriteHeapProfile(std::ostream& out);

// ---- HTTP (Go's net/http/pprof with http.ListenAndServe) ----

// Serves Go's /debug/pprof/ tree on addr ("host:port"; an empty host is
// loopback, see http_server.h) until the process ends: the index, profile
// (?seconds=N, default 30), heap, allocs, goroutine (?debug=1|2), block,
// mutex, threadcreate, cmdline and symbol, for `go tool pprof
// http://host:port/debug/pprof/heap`. Blocks: run it on a goroutine. Returns
// only on error (address in use, bad address). Server in http_server.h gives
// the bound port.
absl::Status ListenAndServe(const std::string& addr);

// ---- Labels (Go's pprof.LabelSet and friends) ----

// An immutable set of key/value labels, sorted by key, keys unique.
class LabelSet {
 public:
  LabelSet() = default;
  const std::vector<std::pair<std::string, std::string>>& list() const {
    return list_;
  }

 private:
  friend LabelSet MakeLabelSet(
      std::vector<std::pair<std::string, std::string>> kv);
  std::vector<std::pair<std::string, std::string>> list_;
};

// Builds a LabelSet from key/value pairs; a later duplicate key wins.
LabelSet MakeLabelSet(std::vector<std::pair<std::string, std::string>> kv);

// Go's pprof.Labels("k1", "v1", "k2", "v2"): an even number of strings.
template <typename... Args>
LabelSet Labels(const Args&... args) {
  static_assert(sizeof...(Args) % 2 == 0,
                "pprof::Labels takes key/value pairs");
  std::vector<std::string> flat{std::string(std::string_view(args))...};
  std::vector<std::pair<std::string, std::string>> kv;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    kv.emplace_back(std::move(flat[i]), std::move(flat[i + 1]));
  }
  return MakeLabelSet(std::move(kv));
}

// A context carrying ctx's labels merged with `labels` (these win).
context::Context WithLabels(const context::Context& ctx,
                            const LabelSet& labels);
// The value of label `key` in ctx, if set.
std::optional<std::string> Label(const context::Context& ctx,
                                 std::string_view key);
// Calls f for each label of ctx in key order until f returns false.
void ForLabels(
    const context::Context& ctx,
    const std::function<bool(std::string_view key, std::string_view value)>& f);
// Makes ctx's labels the calling goroutine's: CPU samples taken while it runs
// carry them, and goroutines it starts afterwards inherit them.
void SetGoroutineLabels(const context::Context& ctx);
// Runs f with ctx's labels plus `labels` set on the calling goroutine, then
// sets the goroutine's labels to ctx's (Go's defer SetGoroutineLabels(ctx)),
// also if f throws.
void Do(const context::Context& ctx, const LabelSet& labels,
        const std::function<void(context::Context)>& f);

}  // namespace go::pprof

#endif  // GOTEST_RUNTIME_PPROF_PPROF_H_
