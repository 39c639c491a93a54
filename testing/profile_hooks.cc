// ProfileScope: runs the profile hooks around M.Run's body (profile_hooks.h).

#include "testing/profile_hooks.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace go::testing::internal {

namespace {

[[noreturn]] void Exit(const FlagError& err) {
  fflush(stdout);
  const std::string& m = err.message;
  size_t off = 0;
  while (off < m.size()) {
    ssize_t w = write(2, m.data() + off, m.size() - off);
    if (w <= 0) break;
    off += static_cast<size_t>(w);
  }
  _exit(err.exit_code);
}

}  // namespace

ProfileHooks& GetProfileHooks() {
  static ProfileHooks hooks;
  return hooks;
}

ProfileScope::ProfileScope(const Flags& flags) : flags_(flags) {
  if (GetProfileHooks().start == nullptr) return;
  if (std::optional<FlagError> err = GetProfileHooks().start(flags_)) {
    Exit(*err);
  }
}

ProfileScope::~ProfileScope() {
  if (GetProfileHooks().stop == nullptr) return;
  if (std::optional<FlagError> err = GetProfileHooks().stop(flags_)) {
    Exit(*err);
  }
}

}  // namespace go::testing::internal
