// Copyright 2026 The gotest Authors.
//
// Go's package context: cancellation, deadlines and request-scoped values
// across goroutines.
//
//   auto [ctx, cancel] = go::context::WithTimeout(go::context::Background(),
//                                                 absl::Seconds(1));
//   go::Go([ctx] { Work(ctx); });
//   go::Select(go::OnRecv(ctx.Done()), go::OnRecv(result, ...));
//   if (!ctx.Err().ok()) ...;    // absl::CancelledError("context canceled") or
//   cancel();                    // absl::DeadlineExceededError("context
//                                //                    deadline exceeded")
//
// A Context is a cheap, copyable, immutable handle (shared ownership). Done()
// is closed when the context is canceled (by its cancel function, its parent's
// cancellation, or its deadline); Background's and TODO's Done() is the nil
// channel, which never becomes ready. Cancellation propagates to every
// derived context. Call the cancel function when done, as in Go: until then a
// child stays registered with its parent.
//
// Values: WithValue(parent, key, value) with any `const void*` key (the
// address of a static object is the idiomatic unique key) and a std::any
// value; Value(key) searches the chain, innermost first.

#ifndef GOTEST_RUNTIME_CONTEXT_H_
#define GOTEST_RUNTIME_CONTEXT_H_

#include <any>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "runtime/chan.h"

namespace go::context {

namespace internal {
class Impl;
}  // namespace internal

class Context {
 public:
  // Background().
  Context();

  // A channel closed when this context is canceled; nil if it never is.
  Chan<std::monostate> Done() const;
  // OK until Done is closed; then Cancelled("context canceled") or
  // DeadlineExceeded("context deadline exceeded").
  absl::Status Err() const;
  // The time when the context will be canceled, if any.
  std::optional<absl::Time> Deadline() const;
  // The value stored for key in this context or an ancestor; empty if none.
  std::any Value(const void* key) const;
  // The cancellation cause (Go 1.20's context.Cause): Err() unless a cause
  // was given to WithCancelCause's cancel function.
  absl::Status Cause() const;

  explicit Context(std::shared_ptr<internal::Impl> impl)
      : impl_(std::move(impl)) {}
  const std::shared_ptr<internal::Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<internal::Impl> impl_;
};

using CancelFunc = std::function<void()>;
using CancelCauseFunc = std::function<void(absl::Status cause)>;

// The root context: never canceled, no values, no deadline.
Context Background();
// Like Background; for code not yet plumbed with a context.
Context TODO();

std::pair<Context, CancelFunc> WithCancel(const Context& parent);
std::pair<Context, CancelCauseFunc> WithCancelCause(const Context& parent);
std::pair<Context, CancelFunc> WithDeadline(const Context& parent,
                                            absl::Time d);
std::pair<Context, CancelFunc> WithTimeout(const Context& parent,
                                           absl::Duration timeout);
Context WithValue(const Context& parent, const void* key, std::any value);
// A context that carries parent's values but is never canceled (Go 1.21).
Context WithoutCancel(const Context& parent);
// Runs f in its own goroutine once ctx is done (Go 1.21). The returned stop
// function unregisters f; it returns true if that stopped f from being run.
std::function<bool()> AfterFunc(const Context& ctx, std::function<void()> f);

// The cause of ctx's cancellation (Go 1.20): Cause() of the context.
absl::Status Cause(const Context& ctx);

}  // namespace go::context

#endif  // GOTEST_RUNTIME_CONTEXT_H_
