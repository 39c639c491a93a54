// Copyright 2026 The gotest Authors.
//
// Profiler labels (Go's runtime/pprof/label.go, runtime/proflabel.go): a
// label set travels in a context, and SetGoroutineLabels/Do put it on the
// goroutine (G::labels), where the CPU profiler's signal handler finds it.

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>

#include "runtime/pprof/labels_internal.h"
#include "runtime/pprof/pprof.h"
#include "runtime/runtime2.h"

namespace go::pprof {

namespace internal {

namespace {

std::mutex& intern_mu() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}

std::set<LabelMap>& interned() {
  static std::set<LabelMap>* s = new std::set<LabelMap>;
  return *s;
}

// A plain thread's labels: such a thread is its own "goroutine", so a
// thread-local is exactly per-goroutine here. initial-exec so the signal
// handler reads it without __tls_get_addr.
thread_local const LabelMap* tls_thread_labels
    __attribute__((tls_model("initial-exec"))) = nullptr;

using go::runtime::internal::G;
using go::runtime::internal::getm;
using go::runtime::internal::M;

// The running goroutine of this thread's M, or nullptr (a plain thread, or
// the M is in the scheduler).
G* CurrentG() {
  M* m = getm();
  if (m == nullptr || m->on_g0) return nullptr;
  return m->curg;
}

}  // namespace

const LabelMap* Intern(const LabelMap& m) {
  if (m.empty()) return nullptr;
  std::lock_guard<std::mutex> l(intern_mu());
  return &*interned().insert(m).first;
}

const LabelMap* CurrentLabels() {
  M* m = getm();
  if (m == nullptr) return tls_thread_labels;
  G* gp = CurrentG();
  if (gp == nullptr) return nullptr;
  return static_cast<const LabelMap*>(
      gp->labels.load(std::memory_order_relaxed));
}

void SetCurrentLabels(const LabelMap* labels) {
  M* m = getm();
  if (m == nullptr) {
    tls_thread_labels = labels;
    return;
  }
  if (G* gp = CurrentG()) gp->labels.store(labels, std::memory_order_relaxed);
}

const LabelMap* SignalLabels(uintptr_t sp) {
  M* m = getm();
  if (m == nullptr) return tls_thread_labels;
  G* gp = m->curg;
  if (gp == nullptr || m->on_g0 || sp < gp->stack_lo || sp >= gp->stack_hi) {
    return nullptr;
  }
  return static_cast<const LabelMap*>(
      gp->labels.load(std::memory_order_relaxed));
}

}  // namespace internal

namespace {

using internal::LabelMap;

// The context key: the address of this object.
const char kLabelsKey = 0;

const LabelMap* ContextLabels(const context::Context& ctx) {
  std::any v = ctx.Value(&kLabelsKey);
  if (!v.has_value()) return nullptr;
  return std::any_cast<const LabelMap*>(v);
}

}  // namespace

LabelSet MakeLabelSet(std::vector<std::pair<std::string, std::string>> kv) {
  // Stable sort by key, then keep the last of each key (a later one wins).
  std::stable_sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) {
    return a.first < b.first;
  });
  LabelSet s;
  for (auto& p : kv) {
    if (!s.list_.empty() && s.list_.back().first == p.first) {
      s.list_.back().second = std::move(p.second);
    } else {
      s.list_.push_back(std::move(p));
    }
  }
  return s;
}

context::Context WithLabels(const context::Context& ctx,
                            const LabelSet& labels) {
  LabelMap merged;
  if (const LabelMap* parent = ContextLabels(ctx)) merged = *parent;
  for (const auto& [k, v] : labels.list()) {
    auto it = std::lower_bound(
        merged.begin(), merged.end(), k,
        [](const auto& p, const std::string& key) { return p.first < key; });
    if (it != merged.end() && it->first == k) {
      it->second = v;
    } else {
      merged.insert(it, {k, v});
    }
  }
  return context::WithValue(ctx, &kLabelsKey, internal::Intern(merged));
}

std::optional<std::string> Label(const context::Context& ctx,
                                 std::string_view key) {
  if (const LabelMap* m = ContextLabels(ctx)) {
    for (const auto& [k, v] : *m) {
      if (k == key) return v;
    }
  }
  return std::nullopt;
}

void ForLabels(const context::Context& ctx,
               const std::function<bool(std::string_view key,
                                        std::string_view value)>& f) {
  if (const LabelMap* m = ContextLabels(ctx)) {
    for (const auto& [k, v] : *m) {
      if (!f(k, v)) return;
    }
  }
}

void SetGoroutineLabels(const context::Context& ctx) {
  internal::SetCurrentLabels(ContextLabels(ctx));
}

void Do(const context::Context& ctx, const LabelSet& labels,
        const std::function<void(context::Context)>& f) {
  // As Go: afterwards the goroutine has ctx's labels (not whatever it had
  // before), so nested Do calls unwind to their parent's set.
  const LabelMap* previous = ContextLabels(ctx);
  context::Context lctx = WithLabels(ctx, labels);
  internal::SetCurrentLabels(ContextLabels(lctx));
  struct Restore {
    const LabelMap* previous;
    ~Restore() { internal::SetCurrentLabels(previous); }
  } restore{previous};
  f(lctx);
}

}  // namespace go::pprof
