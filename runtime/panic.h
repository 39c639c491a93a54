// Copyright 2026 The gotest Authors.
//
// Go's panics and fatal errors for C++ goroutines.
//
// A panic is a C++ exception. One that escapes a goroutine's function is
// reported as Go reports an unrecovered panic, then the process exits with
// status 2:
//
//   panic: <what()>
//
//   goroutine 7 [running]:
//   Thrower(...)
//   	/src/x.cc:12 +0x1d
//   created by TestX in goroutine 6
//   	/src/x_test.cc:30 +0x55
//
// The traceback is the stack at the throw: the goroutine's entry frame marks
// the end of the stack for the C++ unwinder, so an uncaught exception calls
// std::terminate before anything is unwound, and the runtime's terminate
// handler prints the report from there. Values that are not std::exceptions
// print as Go prints a non-error panic value: "(type) 0xaddress".
// GOTRACEBACK=all (or system, crash) adds every other goroutine, as in Go.
//
// Fatal errors (deadlock, stack overflow, scheduler corruption) print
// "fatal error: <msg>" and all goroutines, exit status 2.

#ifndef GOTEST_RUNTIME_PANIC_H_
#define GOTEST_RUNTIME_PANIC_H_

#include <exception>
#include <string>
#include <utility>

namespace go::runtime {

// The exception type of Go's run-time panics (send on a closed channel,
// negative WaitGroup counter, ...) and of go::Panic-style user panics. what()
// is the text after "panic: ".
class Panic : public std::exception {
 public:
  explicit Panic(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace go::runtime

namespace go::runtime::internal {

struct M;

// Installs the terminate handler and the SIGSEGV/SIGBUS (stack overflow) and
// SIGQUIT (goroutine dump) handlers. Called by schedinit.
void InstallPanicHandlers();
// Per-M signal setup (alternate signal stack) and teardown.
void MinitSignals(M* m);
void UnminitSignals(M* m);

// Writes s to stderr with write(2) (no stdio locks), after flushing stdout.
void WriteStderr(const std::string& s);

// The panic line's value text for the current exception.
std::string DescribeCurrentException();

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_PANIC_H_
