// Copyright 2026 The gotest Authors.
//
// The /debug/pprof/ HTTP/1.1 server (http_server.h): an accept loop and one
// goroutine per connection on go::poll::FD. Requests are parsed by the strict
// parser of http_request.h and answered by handler.cc; responses carry a
// Content-Length (no chunking) and keep the connection open for HTTP/1.1
// clients that do not ask to close it (Go's client reuses connections).

#include "runtime/pprof/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "runtime/pprof/handler.h"
#include "runtime/pprof/http_request.h"
#include "runtime/pprof/pprof.h"
#include "runtime/runtime.h"
#include "runtime/time.h"

namespace go::pprof {

namespace {

using internal::HttpRequest;
using internal::HttpResponse;
using internal::ParseRequestHead;
using internal::ParseResult;
using internal::ParseStatus;

// How long an idle keep-alive connection, or a client sending its request,
// may take before the server closes the connection.
constexpr absl::Duration kReadTimeout = absl::Seconds(60);
// The largest request body read (POST /symbol: '+'-separated addresses).
constexpr int64_t kMaxBody = 1 << 20;

std::string ErrnoText(int e) {
  std::string msg = strerror(e);
  if (!msg.empty()) msg[0] = static_cast<char>(tolower(msg[0]));
  return msg;
}

std::string FormatAddr(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    return absl::StrCat("[", ip, "]:", ntohs(a->sin6_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
  inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
  return absl::StrCat(ip, ":", ntohs(a->sin_port));
}

std::string Serialize(const HttpRequest& req, const HttpResponse& resp,
                      bool keep_alive) {
  std::string out = absl::StrCat("HTTP/1.1 ", resp.status, " ",
                                 internal::StatusText(resp.status), "\r\n");
  for (const auto& [k, v] : resp.headers) {
    absl::StrAppend(&out, k, ": ", v, "\r\n");
  }
  absl::StrAppend(&out, "Date: ",
                  absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", absl::Now(),
                                   absl::UTCTimeZone()),
                  "\r\n");
  absl::StrAppend(&out, "Content-Length: ", resp.body.size(), "\r\n");
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (req.method != "HEAD") out += resp.body;
  return out;
}

// A response for a request that could not be parsed; the connection closes.
std::string Reject(int status, const std::string& why) {
  HttpRequest none;
  HttpResponse r;
  r.status = status;
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  r.body = absl::StrCat(status, " ", internal::StatusText(status),
                        why.empty() ? "" : ": ", why, "\n");
  return Serialize(none, r, /*keep_alive=*/false);
}

// Serves the requests of one connection, then closes it.
void ServeConn(int sysfd) {
  poll::FD conn(sysfd);
  std::string buf;
  char chunk[16 * 1024];
  // Reads more into buf; false at EOF, error or timeout.
  auto fill = [&]() {
    conn.SetReadDeadline(absl::Now() + kReadTimeout);
    ssize_t n = conn.Read(chunk, sizeof chunk);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  for (;;) {
    HttpRequest req;
    ParseResult pr;
    for (;;) {
      pr = ParseRequestHead(buf, &req);
      if (pr.status != ParseStatus::kIncomplete) break;
      if (!fill()) return;
    }
    if (pr.status == ParseStatus::kBad) {
      std::string r = Reject(400, pr.error);
      conn.Write(r.data(), r.size());
      return;
    }
    if (pr.status == ParseStatus::kTooLarge) {
      std::string r = Reject(431, "");
      conn.Write(r.data(), r.size());
      return;
    }
    buf.erase(0, pr.consumed);
    if (req.content_length > kMaxBody) {
      std::string r = Reject(413, "");
      conn.Write(r.data(), r.size());
      return;
    }
    while (static_cast<int64_t>(buf.size()) < req.content_length) {
      if (!fill()) return;
    }
    std::string body = buf.substr(0, static_cast<size_t>(req.content_length));
    buf.erase(0, static_cast<size_t>(req.content_length));

    // A CPU profile's wait ends early when the client hangs up (Go watches
    // the request's context). Bytes of a pipelined request are kept.
    bool gone = false;
    internal::SleepFn sleep = [&](absl::Duration d) {
      absl::Time end = absl::Now() + d;
      while (absl::Now() < end) {
        conn.SetReadDeadline(end);
        ssize_t n = conn.Read(chunk, sizeof chunk);
        if (n > 0) {
          buf.append(chunk, static_cast<size_t>(n));
          if (buf.size() > internal::kMaxRequestHead + kMaxBody) {
            time::Sleep(end - absl::Now());  // stop reading; just wait
            return true;
          }
          continue;
        }
        if (n == -ETIMEDOUT) return true;
        gone = true;  // EOF or error: the client went away
        return false;
      }
      return true;
    };
    HttpResponse resp = internal::ServeDebugPprof(req, body, sleep);
    if (gone) return;
    std::string out = Serialize(req, resp, req.keep_alive);
    conn.SetWriteDeadline(absl::Now() + kReadTimeout);
    if (conn.Write(out.data(), out.size()) < 0) return;
    if (!req.keep_alive) return;
  }
}

}  // namespace

Server::Server(int fd, std::string addr)
    : listener_(fd), addr_(std::move(addr)) {}

Server::~Server() { Close(); }

absl::StatusOr<std::unique_ptr<Server>> Server::Listen(
    absl::string_view addr_view) {
  std::string addr(addr_view);
  size_t colon = addr.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen tcp ", addr, ": address ", addr, ": missing port in address"));
  }
  std::string host(addr.substr(0, colon));
  std::string port(addr.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port_num;
  if (!absl::SimpleAtoi(port, &port_num) || port_num < 0 || port_num > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen tcp ", addr, ": invalid port \"", port, "\""));
  }
  if (host.empty()) host = "127.0.0.1";  // loopback unless told otherwise
  addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int gai = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen tcp ", addr, ": lookup ", host, ": ", gai_strerror(gai)));
  }
  // Prefer IPv4 ("localhost" may list ::1 first), as Go's listener does for
  // a name with both.
  std::string last_error = "no address";
  for (int pass = 0; pass < 2; pass++) {
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
      if ((pass == 0) != (ai->ai_family == AF_INET)) continue;
      int fd =
          socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        last_error = absl::StrCat("socket: ", ErrnoText(errno));
        continue;
      }
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        last_error = absl::StrCat("bind: ", ErrnoText(errno));
        close(fd);
        continue;
      }
      if (listen(fd, SOMAXCONN) != 0) {
        last_error = absl::StrCat("listen: ", ErrnoText(errno));
        close(fd);
        continue;
      }
      sockaddr_storage ss;
      socklen_t len = sizeof ss;
      getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
      freeaddrinfo(res);
      return std::unique_ptr<Server>(new Server(fd, FormatAddr(ss)));
    }
  }
  freeaddrinfo(res);
  return absl::UnavailableError(
      absl::StrCat("listen tcp ", addr, ": ", last_error));
}

absl::Status Server::Serve() {
  absl::Duration backoff = absl::ZeroDuration();
  for (;;) {
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = listener_.Accept(reinterpret_cast<sockaddr*>(&ss), &len);
    if (fd < 0) {
      if (closed_.load()) return absl::OkStatus();
      int e = -fd;
      // Go's Server.Serve retries temporary errors with a growing sleep.
      if (e == EINTR || e == ECONNABORTED || e == EMFILE || e == ENFILE ||
          e == ENOBUFS || e == ENOMEM || e == EAGAIN) {
        backoff = backoff == absl::ZeroDuration()
                      ? absl::Milliseconds(5)
                      : std::min(backoff * 2, absl::Seconds(1));
        time::Sleep(backoff);
        continue;
      }
      return absl::UnavailableError(
          absl::StrCat("accept tcp ", addr_, ": ", ErrnoText(e)));
    }
    backoff = absl::ZeroDuration();
    go::Go([fd] { ServeConn(fd); });
  }
}

void Server::Close() {
  if (closed_.exchange(true)) return;
  listener_.Close();
}

absl::Status ListenAndServe(const std::string& addr) {
  absl::StatusOr<std::unique_ptr<Server>> s = Server::Listen(addr);
  if (!s.ok()) return s.status();
  return (*s)->Serve();
}

}  // namespace go::pprof
