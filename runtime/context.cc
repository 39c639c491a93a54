// Copyright 2026 The gotest Authors.
//
// Go's context.go: a cancelCtx closes its done channel and cancels its
// registered children; children register with their nearest cancelable
// ancestor; a timerCtx is a cancelCtx with a timer that cancels it with
// DeadlineExceeded.

#include "runtime/context.h"

#include <any>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "runtime/chan.h"
#include "runtime/runtime.h"
#include "runtime/time.h"

namespace go::context {

namespace internal {

class CancelCtx;

class Impl {
 public:
  explicit Impl(std::shared_ptr<Impl> parent) : parent_(std::move(parent)) {}
  virtual ~Impl() = default;
  virtual Chan<std::monostate> Done() {
    return parent_ ? parent_->Done() : Chan<std::monostate>();
  }
  virtual absl::Status Err() {
    return parent_ ? parent_->Err() : absl::OkStatus();
  }
  virtual absl::Status Cause() {
    return parent_ ? parent_->Cause() : absl::OkStatus();
  }
  virtual std::optional<absl::Time> Deadline() {
    return parent_ ? parent_->Deadline() : std::nullopt;
  }
  virtual std::any Value(const void* key) {
    return parent_ ? parent_->Value(key) : std::any();
  }
  // The nearest cancelable context, this one included (Go's parentCancelCtx).
  virtual CancelCtx* AsCancel() {
    return parent_ ? parent_->AsCancel() : nullptr;
  }
  const std::shared_ptr<Impl>& parent() const { return parent_; }

 private:
  std::shared_ptr<Impl> parent_;
};

namespace {

class EmptyCtx final : public Impl {
 public:
  EmptyCtx() : Impl(nullptr) {}
};

class ValueCtx final : public Impl {
 public:
  ValueCtx(std::shared_ptr<Impl> parent, const void* key, std::any value)
      : Impl(std::move(parent)), key_(key), value_(std::move(value)) {}
  std::any Value(const void* key) override {
    if (key == key_) return value_;
    return Impl::Value(key);
  }

 private:
  const void* key_;
  std::any value_;
};

class WithoutCancelCtx final : public Impl {
 public:
  explicit WithoutCancelCtx(std::shared_ptr<Impl> parent)
      : Impl(std::move(parent)) {}
  Chan<std::monostate> Done() override { return Chan<std::monostate>(); }
  absl::Status Err() override { return absl::OkStatus(); }
  absl::Status Cause() override { return absl::OkStatus(); }
  std::optional<absl::Time> Deadline() override { return std::nullopt; }
  CancelCtx* AsCancel() override { return nullptr; }
};

absl::Status Canceled() { return absl::CancelledError("context canceled"); }
absl::Status DeadlineExceeded() {
  return absl::DeadlineExceededError("context deadline exceeded");
}

}  // namespace

class CancelCtx : public Impl, public std::enable_shared_from_this<CancelCtx> {
 public:
  explicit CancelCtx(std::shared_ptr<Impl> parent)
      : Impl(std::move(parent)), done_(MakeChan<std::monostate>()) {}

  Chan<std::monostate> Done() override { return done_; }
  absl::Status Err() override {
    std::lock_guard<std::mutex> l(mu_);
    return err_;
  }
  absl::Status Cause() override {
    std::lock_guard<std::mutex> l(mu_);
    return cause_;
  }
  CancelCtx* AsCancel() override { return this; }

  // Closes done, cancels the children and, if remove, unregisters from the
  // parent. cause: OK means "same as err".
  void Cancel(bool remove, absl::Status err, absl::Status cause) {
    std::unordered_map<CancelCtx*, std::shared_ptr<CancelCtx>> children;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!err_.ok()) return;  // already canceled
      err_ = err;
      cause_ = cause.ok() ? err : cause;
      done_.Close();
      children = std::move(children_);
      children_.clear();
    }
    for (auto& [raw, child] : children) child->Cancel(false, err, cause);
    OnCancel();
    if (remove) RemoveFromParent();
  }

  // Registers child to be canceled with this context (Go's propagateCancel
  // for a known parent). Cancels child at once if this one is canceled.
  void AddChild(const std::shared_ptr<CancelCtx>& child) {
    absl::Status err, cause;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (err_.ok()) {
        children_[child.get()] = child;
        return;
      }
      err = err_;
      cause = cause_;
    }
    child->Cancel(false, err, cause);
  }

  void RemoveChild(CancelCtx* child) {
    std::shared_ptr<CancelCtx> keep;  // destroyed after the lock is released
    std::lock_guard<std::mutex> l(mu_);
    auto it = children_.find(child);
    if (it != children_.end()) {
      keep = std::move(it->second);
      children_.erase(it);
    }
  }

  void RemoveFromParent() {
    if (!parent()) return;
    if (CancelCtx* p = parent()->AsCancel()) p->RemoveChild(this);
  }

 protected:
  virtual void OnCancel() {}

 private:
  std::mutex mu_;
  Chan<std::monostate> done_;
  absl::Status err_;
  absl::Status cause_;
  std::unordered_map<CancelCtx*, std::shared_ptr<CancelCtx>> children_;
};

namespace {

class TimerCtx final : public CancelCtx {
 public:
  TimerCtx(std::shared_ptr<Impl> parent, absl::Time deadline)
      : CancelCtx(std::move(parent)), deadline_(deadline) {}
  std::optional<absl::Time> Deadline() override { return deadline_; }
  void Arm(absl::Duration d) {
    std::weak_ptr<CancelCtx> weak = shared_from_this();
    std::lock_guard<std::mutex> l(timer_mu_);
    if (stopped_) return;
    timer_ = go::time::AfterFunc(d, [weak] {
      if (auto c = weak.lock()) {
        c->Cancel(true, DeadlineExceeded(), absl::OkStatus());
      }
    });
    armed_ = true;
  }

 protected:
  void OnCancel() override {
    std::lock_guard<std::mutex> l(timer_mu_);
    stopped_ = true;
    if (armed_) timer_.Stop();
  }

 private:
  absl::Time deadline_;
  std::mutex timer_mu_;
  bool stopped_ = false;
  bool armed_ = false;
  go::time::Timer timer_;
};

class AfterFuncCtx final : public CancelCtx {
 public:
  AfterFuncCtx(std::shared_ptr<Impl> parent, std::function<void()> f)
      : CancelCtx(std::move(parent)), f_(std::move(f)) {}
  // Claims the right to run f (or to prevent it).
  bool Claim() { return !claimed_.exchange(true); }

 protected:
  void OnCancel() override {
    if (Claim()) go::Go(std::move(f_));
  }

 private:
  std::atomic<bool> claimed_{false};
  std::function<void()> f_;
};

const std::shared_ptr<Impl>& background() {
  static const std::shared_ptr<Impl>* bg =
      new std::shared_ptr<Impl>(std::make_shared<EmptyCtx>());
  return *bg;
}

const std::shared_ptr<Impl>& todo() {
  static const std::shared_ptr<Impl>* td =
      new std::shared_ptr<Impl>(std::make_shared<EmptyCtx>());
  return *td;
}

// Go's propagateCancel.
void propagate(const std::shared_ptr<Impl>& parent,
               const std::shared_ptr<CancelCtx>& child) {
  if (parent->Done().IsNil()) return;  // never canceled
  if (CancelCtx* p = parent->AsCancel()) {
    p->AddChild(child);
    return;
  }
  absl::Status err = parent->Err();
  if (!err.ok()) child->Cancel(false, err, parent->Cause());
}

}  // namespace
}  // namespace internal

Context::Context() : impl_(internal::background()) {}

Chan<std::monostate> Context::Done() const { return impl_->Done(); }
absl::Status Context::Err() const { return impl_->Err(); }
std::optional<absl::Time> Context::Deadline() const {
  return impl_->Deadline();
}
std::any Context::Value(const void* key) const { return impl_->Value(key); }
absl::Status Context::Cause() const { return impl_->Cause(); }

Context Background() { return Context(internal::background()); }
Context TODO() { return Context(internal::todo()); }

std::pair<Context, CancelFunc> WithCancel(const Context& parent) {
  auto c = std::make_shared<internal::CancelCtx>(parent.impl());
  internal::propagate(parent.impl(), c);
  return {Context(c),
          [c] { c->Cancel(true, internal::Canceled(), absl::OkStatus()); }};
}

std::pair<Context, CancelCauseFunc> WithCancelCause(const Context& parent) {
  auto c = std::make_shared<internal::CancelCtx>(parent.impl());
  internal::propagate(parent.impl(), c);
  return {Context(c), [c](absl::Status cause) {
            c->Cancel(true, internal::Canceled(), std::move(cause));
          }};
}

std::pair<Context, CancelFunc> WithDeadline(const Context& parent,
                                            absl::Time d) {
  if (std::optional<absl::Time> cur = parent.Deadline(); cur && *cur < d) {
    // The parent's deadline is sooner: a plain cancelable child suffices.
    return WithCancel(parent);
  }
  auto c = std::make_shared<internal::TimerCtx>(parent.impl(), d);
  internal::propagate(parent.impl(), c);
  absl::Duration dur = d - absl::Now();
  if (dur <= absl::ZeroDuration()) {
    c->Cancel(true, internal::DeadlineExceeded(), absl::OkStatus());
  } else if (c->Err().ok()) {
    c->Arm(dur);
  }
  return {Context(c),
          [c] { c->Cancel(true, internal::Canceled(), absl::OkStatus()); }};
}

std::pair<Context, CancelFunc> WithTimeout(const Context& parent,
                                           absl::Duration timeout) {
  return WithDeadline(parent, absl::Now() + timeout);
}

Context WithValue(const Context& parent, const void* key, std::any value) {
  return Context(std::make_shared<internal::ValueCtx>(parent.impl(), key,
                                                      std::move(value)));
}

Context WithoutCancel(const Context& parent) {
  return Context(std::make_shared<internal::WithoutCancelCtx>(parent.impl()));
}

std::function<bool()> AfterFunc(const Context& ctx, std::function<void()> f) {
  auto a = std::make_shared<internal::AfterFuncCtx>(ctx.impl(), std::move(f));
  internal::propagate(ctx.impl(), a);
  return [a] {
    if (!a->Claim()) return false;
    a->Cancel(true, internal::Canceled(), absl::OkStatus());
    return true;
  };
}

absl::Status Cause(const Context& ctx) { return ctx.Cause(); }

}  // namespace go::context
