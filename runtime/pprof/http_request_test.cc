// The strict request parser (http_request.cc) on valid, malformed, random
// and mutated input, and the handler's routing and bad-input answers without
// sockets (handler.cc). pprof_http_test.sh covers the server over TCP.
#include "runtime/pprof/http_request.h"

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "runtime/pprof/handler.h"

namespace go::pprof::internal {
namespace {

ParseResult Parse(const std::string& s, HttpRequest* req) {
  return ParseRequestHead(s, req);
}

TEST(ParseRequestHead, GetWithQuery) {
  HttpRequest req;
  std::string in =
      "GET /debug/pprof/profile?seconds=5&x=a%20b HTTP/1.1\r\n"
      "Host: localhost:6060\r\nUser-Agent: Go-http-client/1.1\r\n"
      "Accept-Encoding: gzip\r\n\r\nNEXT";
  ParseResult r = Parse(in, &req);
  ASSERT_EQ(r.status, ParseStatus::kOk) << r.error;
  EXPECT_EQ(r.consumed, in.size() - 4);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.path, "/debug/pprof/profile");
  EXPECT_EQ(req.raw_query, "seconds=5&x=a%20b");
  EXPECT_EQ(QueryValue(req.raw_query, "seconds"), "5");
  EXPECT_EQ(QueryValue(req.raw_query, "x"), "a b");
  EXPECT_EQ(QueryValue(req.raw_query, "y"), std::nullopt);
  EXPECT_EQ(req.Header("host"), "localhost:6060");
  EXPECT_TRUE(req.keep_alive);
}

TEST(ParseRequestHead, ConnectionAndLength) {
  HttpRequest req;
  ASSERT_EQ(Parse("POST /debug/pprof/symbol HTTP/1.1\r\nContent-Length: 7\r\n"
                  "Connection: close\r\n\r\n0x1+0x2",
                  &req)
                .status,
            ParseStatus::kOk);
  EXPECT_EQ(req.content_length, 7);
  EXPECT_FALSE(req.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\n\r\n", &req).status, ParseStatus::kOk);
  EXPECT_FALSE(req.keep_alive);
}

TEST(ParseRequestHead, Incomplete) {
  HttpRequest req;
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\n", &req).status,
            ParseStatus::kIncomplete);
  EXPECT_EQ(Parse("", &req).status, ParseStatus::kIncomplete);
  EXPECT_EQ(Parse(std::string(kMaxRequestHead, 'a'), &req).status,
            ParseStatus::kTooLarge);
}

TEST(ParseRequestHead, RejectsMalformed) {
  const char* bad[] = {
      "GET  / HTTP/1.1\r\n\r\n",                  // two spaces
      "GET / HTTP/2.0\r\n\r\n",                   // version
      "GET http://x/ HTTP/1.1\r\n\r\n",           // absolute-form
      "G(T / HTTP/1.1\r\n\r\n",                   // method not a token
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",       // space before colon
      "GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n",  // obsolete folding
      "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\nHost: x\r\n\r\n",      // bare LF
      "GET /%zz HTTP/1.1\r\n\r\n",            // bad escape
      "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n",  // control character
  };
  for (const char* in : bad) {
    HttpRequest req;
    ParseResult r = Parse(in, &req);
    EXPECT_EQ(r.status, ParseStatus::kBad) << in;
    EXPECT_FALSE(r.error.empty()) << in;
  }
}

// Random bytes and mutations of a valid request: the parser never crashes,
// never consumes more than it was given, and whatever it accepts is
// well-formed.
TEST(ParseRequestHead, Fuzz) {
  std::mt19937_64 rng(42);
  const std::string seed =
      "GET /debug/pprof/heap?debug=1 HTTP/1.1\r\nHost: h\r\n"
      "Content-Length: 3\r\nConnection: keep-alive\r\n\r\nabc";
  const std::string alphabet = "GET /?=&%:\r\n\t 0123456789aZ\x01\x7f\xff+-";
  int accepted = 0;
  for (int iter = 0; iter < 200000; iter++) {
    std::string in;
    if (iter % 4 == 0) {
      size_t n = rng() % 96;
      for (size_t i = 0; i < n; i++)
        in.push_back(alphabet[rng() % alphabet.size()]);
      if (rng() % 2) in += "\r\n\r\n";
    } else {
      in = seed;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; e++) {
        size_t pos = rng() % (in.size() + 1);
        switch (rng() % 3) {
          case 0:
            in.insert(pos, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 1:
            if (pos < in.size()) in.erase(pos, 1);
            break;
          default:
            if (pos < in.size()) in[pos] = alphabet[rng() % alphabet.size()];
        }
      }
    }
    HttpRequest req;
    ParseResult r = ParseRequestHead(in, &req);
    if (r.status != ParseStatus::kOk) continue;
    accepted++;
    ASSERT_LE(r.consumed, in.size());
    ASSERT_TRUE(absl::EndsWith(in.substr(0, r.consumed), "\r\n\r\n"));
    ASSERT_FALSE(req.method.empty());
    ASSERT_EQ(req.target[0], '/');
    ASSERT_GE(req.content_length, 0);
    for (const auto& [k, v] : req.headers) {
      ASSERT_EQ(k.find_first_of(" \t\r\n:"), std::string::npos) << k;
      ASSERT_EQ(v.find_first_of("\r\n"), std::string::npos) << v;
    }
  }
  EXPECT_GT(accepted, 1000);  // the mutations do reach the accepting paths
}

HttpResponse Serve(const std::string& method, const std::string& target) {
  HttpRequest req;
  std::string in = method + " " + target + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(ParseRequestHead(in, &req).status, ParseStatus::kOk);
  return ServeDebugPprof(req, "", [](absl::Duration) { return true; });
}

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(ServeDebugPprof, BadSeconds) {
  for (const char* v :
       {"-1", "0", "abc", "1.5", "99999999999999999999", "3601"}) {
    HttpResponse r =
        Serve("GET", std::string("/debug/pprof/profile?seconds=") + v);
    EXPECT_EQ(r.status, 400) << v;
    EXPECT_TRUE(absl::StrContains(r.body, "for seconds")) << r.body;
    EXPECT_EQ(Header(r, "X-Go-Pprof"), "1");
  }
}

TEST(ServeDebugPprof, Routes) {
  EXPECT_EQ(Serve("GET", "/debug/pprof/").status, 200);
  EXPECT_TRUE(absl::StrContains(Serve("GET", "/debug/pprof/").body,
                                "<a href='threadcreate?debug=1'>"));
  EXPECT_EQ(Serve("GET", "/debug/pprof").status, 301);
  EXPECT_EQ(Serve("GET", "/debug/pprof/nosuch").status, 404);
  EXPECT_EQ(Serve("GET", "/other").status, 404);
  EXPECT_EQ(Serve("PUT", "/debug/pprof/heap").status, 405);
  EXPECT_EQ(Serve("POST", "/debug/pprof/heap").status, 405);
  EXPECT_EQ(Serve("GET", "/debug/pprof/heap?seconds=5").status, 400);
  HttpResponse heap = Serve("GET", "/debug/pprof/heap");
  EXPECT_EQ(heap.status, 200);
  EXPECT_EQ(Header(heap, "Content-Disposition"),
            "attachment; filename=\"heap\"");
  EXPECT_EQ(heap.body.substr(0, 2), "\x1f\x8b");  // gzip
  HttpResponse tc = Serve("GET", "/debug/pprof/threadcreate?debug=1");
  EXPECT_EQ(tc.status, 200);
  EXPECT_TRUE(absl::StartsWith(tc.body, "threadcreate profile: total "))
      << tc.body;
  HttpResponse sym = Serve("GET", "/debug/pprof/symbol");
  EXPECT_EQ(sym.body, "num_symbols: 1\n");
}

TEST(ServeDebugPprof, SymbolNamesOurFunctions) {
  uintptr_t pc = reinterpret_cast<uintptr_t>(&ParseRequestHead);
  char target[128];
  snprintf(target, sizeof target, "/debug/pprof/symbol?0x%lx+0",
           static_cast<unsigned long>(pc));
  HttpResponse r = Serve("GET", target);
  EXPECT_TRUE(absl::StrContains(r.body, "ParseRequestHead")) << r.body;
}

}  // namespace
}  // namespace go::pprof::internal
