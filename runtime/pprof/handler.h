// Copyright 2026 The gotest Authors.
//
// The /debug/pprof/ routes of Go's net/http/pprof, as a function from a
// parsed request to a response, so that they are tested without sockets and
// served by http_server.cc. Same paths, parameters, status codes, headers
// (Content-Type, Content-Disposition, X-Content-Type-Options, X-Go-Pprof) and
// bodies as Go's, except where noted in handler.cc.

#ifndef GOTEST_RUNTIME_PPROF_HANDLER_H_
#define GOTEST_RUNTIME_PPROF_HANDLER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "runtime/pprof/http_request.h"

namespace go::pprof::internal {

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void SetHeader(absl::string_view name, absl::string_view value);
};

// The longest CPU profile /debug/pprof/profile?seconds=N takes.
inline constexpr int64_t kMaxProfileSeconds = 3600;

// Waits d for a CPU profile; returns early (false) if the client went away.
using SleepFn = std::function<bool(absl::Duration d)>;

// Serves one request. `body` is the request body (POST /symbol).
HttpResponse ServeDebugPprof(const HttpRequest& req, absl::string_view body,
                             const SleepFn& sleep);

// "200 OK", "404 Not Found", ...: the status line's reason phrase.
const char* StatusText(int status);

}  // namespace go::pprof::internal

#endif  // GOTEST_RUNTIME_PPROF_HANDLER_H_
