// The seam between M.Run and the profile flags (-cpuprofile, -memprofile,
// -blockprofile, -mutexprofile and their rates, -outputdir). M.Run brackets
// the tests, examples and benchmarks with a ProfileScope, as Go's M.Run does
// with m.before() and the deferred m.after(). The profilers themselves live
// in //testing:profile_flags, which //testing:main links in: keeping them
// behind two function pointers keeps runtime/pprof (protobuf, zlib, libdw)
// out of the testing library and of testing.h.

#ifndef GOTEST_TESTING_PROFILE_HOOKS_H_
#define GOTEST_TESTING_PROFILE_HOOKS_H_

#include <optional>

#include "testing/flag.h"

namespace go::testing::internal {

struct ProfileHooks {
  // Applies the rates and starts the CPU profile; checks that every profile
  // file can be created. An error is written to stderr and ends the process
  // with its exit status before any test runs.
  std::optional<FlagError> (*start)(const Flags& flags) = nullptr;
  // Stops the CPU profile and writes the other profiles (each complete or
  // absent). An error ends the process as above (Go: exit 2).
  std::optional<FlagError> (*stop)(const Flags& flags) = nullptr;
};

// The installed hooks; none unless //testing:profile_flags is linked in.
ProfileHooks& GetProfileHooks();

// Calls the start hook on construction and the stop hook on destruction.
class ProfileScope {
 public:
  explicit ProfileScope(const Flags& flags);
  ~ProfileScope();
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

 private:
  const Flags& flags_;
};

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_PROFILE_HOOKS_H_
