// Copyright 2026 The gotest Authors.
//
// The /debug/pprof/ HTTP server (Go's `import _ "net/http/pprof"` plus
// http.ListenAndServe): a small HTTP/1.1 server whose accept loop and
// connections are goroutines blocking on the runtime's netpoll, so serving
// costs no thread while idle. pprof.h's ListenAndServe is the usual entry;
// Server is for programs and tests that need the bound port (":0").
//
//   auto server = go::pprof::Server::Listen("localhost:0");
//   if (!server.ok()) ...;
//   std::string addr = (*server)->Addr();     // "127.0.0.1:41234"
//   go::Go([s = server->get()] { s->Serve(); });
//
// Addresses are "host:port". An empty host binds loopback (127.0.0.1), not
// every interface as Go does: profiles show code, arguments (cmdline) and
// memory contents' shapes, so exposing them takes an explicit "0.0.0.0:port".

#ifndef GOTEST_RUNTIME_PPROF_HTTP_SERVER_H_
#define GOTEST_RUNTIME_PPROF_HTTP_SERVER_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/netpoll.h"

namespace go::pprof {

class Server {
 public:
  // Binds and listens on addr. Errors: a malformed address or unknown host
  // (InvalidArgument), bind/listen failures (Go's "listen tcp <addr>: ...").
  static absl::StatusOr<std::unique_ptr<Server>> Listen(absl::string_view addr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound address, "ip:port".
  std::string Addr() const { return addr_; }
  // Accepts connections, each served on its own goroutine, until Close.
  // Returns OK after Close, else the accept error. Call on a goroutine.
  absl::Status Serve();
  // Stops Serve (connections being served finish on their own).
  void Close();

 private:
  explicit Server(int fd, std::string addr);
  poll::FD listener_;
  std::string addr_;
  std::atomic<bool> closed_{false};
};

}  // namespace go::pprof

#endif  // GOTEST_RUNTIME_PPROF_HTTP_SERVER_H_
