// SHA-256 of byte strings and files: the test result cache is keyed on the
// test binary's content, as go test's is, and a cache key must not collide by
// accident. A thin wrapper over OpenSSL's libcrypto (Debian libssl-dev).

#ifndef GOTEST_CMD_GOTEST_SHA256_H_
#define GOTEST_CMD_GOTEST_SHA256_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace gotest {

class Sha256 {
 public:
  Sha256();
  void Write(absl::string_view data);
  // The digest as 64 lowercase hex digits. Ends the hash.
  std::string HexSum();

 private:
  struct CtxDeleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
};

// The hex SHA-256 of a file's content, or "" if it cannot be read.
std::string Sha256File(const std::string& path);

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_SHA256_H_
