// Copyright 2026 The gotest Authors.
//
// Go's select statement (select.go).
//
//   int chosen = go::Select(
//       go::OnRecv(in, [&](std::optional<int> v) { ... }),  // v: nullopt if
//       closed go::OnSend(out, 42, [&] { ... }), go::OnDefault([&] { ... }));
//       // optional
//
// Select waits until one case can proceed, performs it, runs that case's
// callback and returns the case's position among the arguments. Among several
// ready cases one is chosen uniformly at random (Go's pollorder); channels are
// locked in address order (lockorder), so concurrent selects over the same
// channels cannot deadlock; with OnDefault, Select never blocks. A case on a
// nil channel is never ready; Select() with no cases blocks forever ("select
// (no cases)"). Sending on a closed channel panics, as in Go.
//
// Callbacks are optional (OnRecv(ch), OnSend(ch, v)); a receive callback takes
// std::optional<T> or nothing. A send case owns its value until chosen; a case
// not chosen just destroys it. The channel arguments must outlive the Select
// call (temporaries in the same expression do).

#ifndef GOTEST_RUNTIME_SELECT_H_
#define GOTEST_RUNTIME_SELECT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "runtime/chan.h"

namespace go {

namespace runtime::internal {

struct Scase {
  Hchan* c;    // nullptr: nil channel, never ready
  void* elem;  // send: the value; receive: raw destination storage
  bool send;
};

// Go's selectgo over cases[0..n). order is scratch space of 2*n entries.
// Returns the chosen case, or -1 if !block and no case was ready. For a
// receive, *recv_ok says whether a value was stored (false: closed).
int selectgo(Scase* cases, uint16_t* order, int n, bool block, bool* recv_ok);

// Blocks the caller forever ("select (no cases)").
[[noreturn]] void block_no_cases();

struct NoCallback {};

template <class T, class F>
class RecvCase {
 public:
  RecvCase(runtime::internal::Hchan* c, F fn) : c_(c), fn_(std::move(fn)) {}
  RecvCase(RecvCase&&) = default;
  static constexpr bool kDefault = false;
  void Fill(Scase*& out) {
    index_ = static_cast<int>(out - base_);
    *out++ = Scase{c_, slot_.raw(), false};
  }
  void SetBase(Scase* base) { base_ = base; }
  bool Chosen(int i) const { return i == index_; }
  void Run(bool ok) {
    std::optional<T> v;
    if (ok) v.emplace(slot_.Take());
    if constexpr (std::is_same_v<F, NoCallback>) {
      return;
    } else if constexpr (std::is_invocable_v<F&, std::optional<T>>) {
      fn_(std::move(v));
    } else {
      fn_();
    }
  }

 private:
  runtime::internal::Hchan* c_;
  F fn_;
  Scase* base_ = nullptr;
  int index_ = -1;
  typename Chan<T>::Slot slot_;
};

template <class T, class F>
class SendCase {
 public:
  SendCase(runtime::internal::Hchan* c, T v, F fn)
      : c_(c), v_(std::move(v)), fn_(std::move(fn)) {}
  SendCase(SendCase&&) = default;
  static constexpr bool kDefault = false;
  void Fill(Scase*& out) {
    index_ = static_cast<int>(out - base_);
    *out++ = Scase{c_, &v_, true};
  }
  void SetBase(Scase* base) { base_ = base; }
  bool Chosen(int i) const { return i == index_; }
  void Run(bool) {
    if constexpr (!std::is_same_v<F, NoCallback>) fn_();
  }

 private:
  runtime::internal::Hchan* c_;
  T v_;
  F fn_;
  Scase* base_ = nullptr;
  int index_ = -1;
};

template <class F>
class DefaultCase {
 public:
  explicit DefaultCase(F fn) : fn_(std::move(fn)) {}
  DefaultCase(DefaultCase&&) = default;
  static constexpr bool kDefault = true;
  void Fill(Scase*&) {}
  void SetBase(Scase*) {}
  bool Chosen(int i) const { return i == -1; }
  void Run(bool) {
    if constexpr (!std::is_same_v<F, NoCallback>) fn_();
  }

 private:
  F fn_;
};

}  // namespace runtime::internal

template <class T, class F = runtime::internal::NoCallback>
runtime::internal::RecvCase<T, F> OnRecv(const Chan<T>& ch, F fn = F()) {
  return runtime::internal::RecvCase<T, F>(ch.hchan(), std::move(fn));
}

template <class T, class V, class F = runtime::internal::NoCallback>
runtime::internal::SendCase<T, F> OnSend(const Chan<T>& ch, V&& v, F fn = F()) {
  return runtime::internal::SendCase<T, F>(ch.hchan(), T(std::forward<V>(v)),
                                           std::move(fn));
}

template <class F = runtime::internal::NoCallback>
runtime::internal::DefaultCase<F> OnDefault(F fn = F()) {
  return runtime::internal::DefaultCase<F>(std::move(fn));
}

template <class... Cases>
int Select(Cases&&... cases) {
  constexpr int kDefaults =
      (0 + ... + (std::remove_reference_t<Cases>::kDefault ? 1 : 0));
  static_assert(kDefaults <= 1, "Select: more than one OnDefault");
  constexpr int kN = static_cast<int>(sizeof...(Cases)) - kDefaults;
  if constexpr (kN == 0 && kDefaults == 0) {
    runtime::internal::block_no_cases();
  } else {
    std::array<runtime::internal::Scase, kN == 0 ? 1 : kN> sc;
    std::array<uint16_t, 2 * (kN == 0 ? 1 : kN)> order;
    runtime::internal::Scase* out = sc.data();
    (cases.SetBase(sc.data()), ...);
    (cases.Fill(out), ...);
    bool ok = false;
    int chosen = runtime::internal::selectgo(sc.data(), order.data(), kN,
                                             kDefaults == 0, &ok);
    int arg = -1, pos = 0;
    (
        [&](auto& c) {
          if (arg < 0 && c.Chosen(chosen)) arg = pos;
          pos++;
        }(cases),
        ...);
    pos = 0;
    (
        [&](auto& c) {
          if (pos++ == arg) c.Run(ok);
        }(cases),
        ...);
    return arg;
  }
}

}  // namespace go

#endif  // GOTEST_RUNTIME_SELECT_H_
