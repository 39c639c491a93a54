// A service with a /debug/pprof/ endpoint for pprof_http_test.sh: goroutines
// that burn CPU, allocate, block on a channel, contend on a mutex, and 7 that
// are leaked (parked forever), each in a function the script looks for in
// `go tool pprof` output. Usage: pprof_server ADDR_FILE; it writes the bound
// "ip:port" to ADDR_FILE (complete or absent) and serves until killed.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "runtime/blockevent.h"
#include "runtime/chan.h"
#include "runtime/pprof/http_server.h"
#include "runtime/pprof/profile_builder.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "runtime/time.h"

namespace pprof_server {

volatile unsigned long sink;

[[gnu::noinline]] void ServerBurn() {
  for (;;) {
    // ~5 ms of CPU, then a pause: about half a core.
    unsigned long x = 1;
    for (int i = 0; i < 5'000'000; i++) {
      x = x * 6364136223846793005UL + static_cast<unsigned long>(i);
      asm volatile("" : "+r"(x));
    }
    sink = x;
    go::time::Sleep(absl::Milliseconds(5));
  }
}

[[gnu::noinline]] void ServerAllocate(
    std::vector<std::unique_ptr<char[]>>* keep) {
  for (;;) {
    for (int i = 0; i < 64; i++) keep->emplace_back(new char[16 * 1024]);
    if (keep->size() > 4096) keep->erase(keep->begin(), keep->begin() + 2048);
    go::time::Sleep(absl::Milliseconds(10));
  }
}

[[gnu::noinline]] void ServerBlock(go::Chan<int> ch) {
  for (;;) ch.Recv();
}

[[gnu::noinline]] void ServerContend(go::sync::Mutex* mu) {
  for (;;) {
    mu->Lock();
    go::time::Sleep(absl::Milliseconds(1));
    mu->Unlock();
  }
}

// A leaked goroutine: waits for a reply nobody will send.
// (Not a tail call, so that its frame stays on the stack.)
[[gnu::noinline]] void ServerLeak(go::Chan<int> reply) {
  sink = sink + static_cast<unsigned long>(reply.Recv().value_or(0));
}

int Main(const char* addr_file) {
  go::runtime::SetBlockProfileRate(1);
  go::runtime::SetMutexProfileFraction(1);
  go::Go([] { ServerBurn(); });
  go::Go([] {
    auto* keep = new std::vector<std::unique_ptr<char[]>>;
    ServerAllocate(keep);
  });
  go::Chan<int> ticks = go::MakeChan<int>(0);
  go::Go([ticks] { ServerBlock(ticks); });
  go::Go([ticks]() mutable {
    for (int i = 0;; i++) {
      go::time::Sleep(absl::Milliseconds(3));
      ticks.Send(i);
    }
  });
  auto* mu = new go::sync::Mutex;
  for (int i = 0; i < 2; i++) go::Go([mu] { ServerContend(mu); });
  for (int i = 0; i < 7; i++) {
    go::Chan<int> reply = go::MakeChan<int>(0);
    go::Go([reply] { ServerLeak(reply); });
  }
  auto server = go::pprof::Server::Listen("127.0.0.1:0");
  if (!server.ok()) {
    fprintf(stderr, "pprof_server: %s\n",
            std::string(server.status().message()).c_str());
    return 1;
  }
  absl::Status s = go::pprof::WriteFileAtomic(addr_file, (*server)->Addr());
  if (!s.ok()) {
    fprintf(stderr, "pprof_server: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  s = (*server)->Serve();
  fprintf(stderr, "pprof_server: %s\n", std::string(s.message()).c_str());
  return 1;
}

}  // namespace pprof_server

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pprof_server ADDR_FILE\n");
    return 2;
  }
  return go::runtime::Run([&] { return pprof_server::Main(argv[1]); });
}
