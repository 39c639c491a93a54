// go test prints each package's output as a unit, in package order, even
// though the test binaries run in parallel; the package at the head of the
// order may stream (local directory mode, -bench, -json, or -v with one
// package or -p=1), the others are held until they reach the head.

#ifndef GOTEST_CMD_GOTEST_OUTPUT_H_
#define GOTEST_CMD_GOTEST_OUTPUT_H_

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gotest {

class OrderedOutput {
 public:
  // `n` slots, printed in index order to `out`.
  OrderedOutput(size_t n, FILE* out) : slots_(n), out_(out) {}

  // Adds output of slot `i`: written at once while `i` is the head, else
  // held.
  void Write(size_t i, absl::string_view s);
  // Slot `i` has no more output; the head moves past finished slots.
  void Finish(size_t i);

 private:
  struct Slot {
    std::string held;
    bool done = false;
  };
  void FlushLocked();
  std::mutex mu_;
  std::vector<Slot> slots_;
  size_t head_ = 0;
  FILE* out_;
};

}  // namespace gotest

#endif  // GOTEST_CMD_GOTEST_OUTPUT_H_
