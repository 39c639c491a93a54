// The test binary's profile flags, as Go's M.before / M.writeProfiles:
//  - before the tests: -memprofilerate (if > 0) becomes MemProfileRate,
//    -blockprofilerate and -mutexprofilefraction are applied when their
//    profile is asked for, and the CPU profile starts;
//  - when the tests, examples and benchmarks are done: the CPU profile stops
//    and the allocs (-memprofile), block and mutex profiles are written.
// Relative paths are under -outputdir (Go's toOutputDir). Every file is
// written whole into a temporary file and renamed, so it is complete or
// absent. One deliberate difference: Go creates the -memprofile, -blockprofile
// and -mutexprofile files only at the end, and for an unwritable -cpuprofile
// prints the error and runs the tests anyway (exit 0); here every path is
// checked before any test runs, and an unwritable one is Go's
// "testing: open <path>: <reason>" with exit status 2 (Go's status for a
// profile it cannot write), so a long run is not wasted.
//
// Linked into test binaries by //testing:main; it installs the hooks of
// profile_hooks.h when the binary starts.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/blockevent.h"
#include "runtime/malloc.h"
#include "runtime/pprof/pprof.h"
#include "runtime/pprof/profile_builder.h"
#include "testing/flag.h"
#include "testing/profile_hooks.h"

namespace go::testing::internal {
namespace {

// Go's toOutputDir: relative paths go under -outputdir.
std::string ToOutputDir(const Flags& flags, const std::string& path) {
  if (flags.outputdir.empty() || path.empty() || path[0] == '/') return path;
  return absl::StrCat(flags.outputdir, "/", path);
}

FlagError Error(const absl::Status& s) {
  return FlagError{2, absl::StrCat("testing: ", s.message(), "\n")};
}

// Fails (Go's *PathError text) if `path` could not be created now. Probes
// with a temporary file beside it, so `path` itself is not touched.
absl::Status CheckWritable(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return pprof::ErrnoError(EISDIR, absl::StrCat("open ", path));
  }
  std::string probe = absl::StrCat(path, ".probe.", getpid());
  int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST) {
    return pprof::ErrnoError(errno, absl::StrCat("open ", path));
  }
  if (fd >= 0) {
    close(fd);
    unlink(probe.c_str());
  }
  return absl::OkStatus();
}

bool WantBlock(const Flags& f) {
  return !f.blockprofile.empty() && f.blockprofilerate >= 0;
}
bool WantMutex(const Flags& f) {
  return !f.mutexprofile.empty() && f.mutexprofilefraction >= 0;
}

std::optional<FlagError> Start(const Flags& f) {
  if (f.memprofilerate > 0) runtime::SetMemProfileRate(f.memprofilerate);
  for (const std::string* p :
       {&f.memprofile, &f.blockprofile, &f.mutexprofile}) {
    if (p->empty()) continue;
    if (absl::Status s = CheckWritable(ToOutputDir(f, *p)); !s.ok()) {
      return Error(s);
    }
  }
  if (!f.cpuprofile.empty()) {
    absl::Status s = pprof::StartCPUProfileFile(ToOutputDir(f, f.cpuprofile));
    if (absl::IsFailedPrecondition(s)) {
      // Go: "testing: can't start cpu profile: cpu profiling already in use".
      return FlagError{2, absl::StrCat("testing: can't start cpu profile: ",
                                       s.message(), "\n")};
    }
    if (!s.ok()) return Error(s);
  }
  if (WantBlock(f)) {
    runtime::SetBlockProfileRate(static_cast<int>(f.blockprofilerate));
  }
  if (WantMutex(f)) {
    runtime::SetMutexProfileFraction(static_cast<int>(f.mutexprofilefraction));
  }
  return std::nullopt;
}

// Writes the named profile (proto, debug=0) to path, complete or absent.
std::optional<FlagError> WriteNamed(const Flags& f, const char* name,
                                    const std::string& flag_value) {
  std::ostringstream out;
  absl::Status s = pprof::Lookup(name)->WriteTo(out, 0);
  if (s.ok()) s = pprof::WriteFileAtomic(ToOutputDir(f, flag_value), out.str());
  if (!s.ok()) {
    // Go: "testing: can't write <flag value>: <error>".
    return FlagError{2, absl::StrCat("testing: can't write ", flag_value, ": ",
                                     s.message(), "\n")};
  }
  return std::nullopt;
}

std::optional<FlagError> Stop(const Flags& f) {
  if (!f.cpuprofile.empty()) {
    if (absl::Status s = pprof::StopCPUProfile(); !s.ok()) {
      return FlagError{2, absl::StrCat("testing: can't write ", f.cpuprofile,
                                       ": ", s.message(), "\n")};
    }
  }
  if (!f.memprofile.empty()) {
    if (auto err = WriteNamed(f, "allocs", f.memprofile)) return err;
  }
  if (WantBlock(f)) {
    if (auto err = WriteNamed(f, "block", f.blockprofile)) return err;
  }
  if (WantMutex(f)) {
    if (auto err = WriteNamed(f, "mutex", f.mutexprofile)) return err;
  }
  return std::nullopt;
}

[[maybe_unused]] const bool installed = [] {
  GetProfileHooks() = ProfileHooks{&Start, &Stop};
  return true;
}();

}  // namespace
}  // namespace go::testing::internal
