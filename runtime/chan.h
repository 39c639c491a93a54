// Copyright 2026 The gotest Authors.
//
// Go's channels for C++ goroutines (Go's chan.go).
//
//   go::Chan<int> ch = go::MakeChan<int>(16);   // buffered; MakeChan<int>() is
//   go::Go([ch]() mutable {                      // unbuffered
//     for (int i = 0; i < 3; i++) ch.Send(i);
//     ch.Close();
//   });
//   for (int v : ch) std::cout << v;             // range until closed: 012
//
// Chan<T> is a reference type, as a Go channel: copies share one channel and a
// default-constructed Chan is the nil channel, on which Send and Recv block
// forever (a goroutine dump shows "chan send (nil chan)" / "chan receive (nil
// chan)"). Recv returns std::nullopt once the channel is closed and drained
// (Go's `v, ok := <-ch` with ok == false). T may be move-only; values are moved
// in and out, never copied. T's move constructor must not throw (it runs under
// the channel's lock; a throwing one terminates the program).
//
// The implementation is Go's: one lock per channel, a ring buffer, FIFO queues
// of waiting senders and receivers, and a direct hand-off from a sender to a
// parked receiver (the value is moved straight into the receiver's frame and
// the receiver runs next on the sender's P, inheriting its time slice). Every
// operation works from a plain thread as well (it blocks that thread).
//
// Panics (go::runtime::Panic) exactly where Go panics: "send on closed
// channel", "close of closed channel", "close of nil channel", "makechan: size
// out of range".

#ifndef GOTEST_RUNTIME_CHAN_H_
#define GOTEST_RUNTIME_CHAN_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace go {

namespace runtime::internal {

struct Hchan;

// How the type-erased channel core moves and destroys elements.
struct ElemOps {
  size_t size;
  size_t align;
  // Move-constructs *dst (raw storage) from *src; *src stays constructed.
  void (*move)(void* dst, void* src) noexcept;
  void (*destroy)(void* p) noexcept;
};

template <class T>
struct ElemOpsFor {
  static void Move(void* dst, void* src) noexcept {
    ::new (dst) T(std::move(*static_cast<T*>(src)));
  }
  static void Destroy(void* p) noexcept { static_cast<T*>(p)->~T(); }
  static constexpr ElemOps kOps = {sizeof(T), alignof(T), &Move, &Destroy};
};

Hchan* makechan(const ElemOps* ops, int64_t size);
void chanref(Hchan* c);
void chanunref(Hchan* c);
// Blocking send of *ep (moved from; the caller still destroys *ep).
void chansend(Hchan* c, void* ep);
// Non-blocking send; false if it would block.
bool chantrysend(Hchan* c, void* ep);
// Blocking receive into raw storage ep; true if a value was constructed there,
// false if the channel is closed and empty.
bool chanrecv(Hchan* c, void* ep);
// Non-blocking receive: returns false if it would block; otherwise *received
// says whether a value was constructed in ep.
bool chantryrecv(Hchan* c, void* ep, bool* received);
void closechan(Hchan* c);
int chanlen(const Hchan* c);
int chancap(const Hchan* c);

}  // namespace runtime::internal

template <class T>
class Chan {
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>,
                "Chan element type must be a plain object type");
  static_assert(std::is_move_constructible_v<T>,
                "Chan element type must be move-constructible");

 public:
  using value_type = T;

  // The nil channel.
  Chan() = default;
  Chan(std::nullptr_t) {}  // NOLINT: Go's `var ch chan T = nil`
  Chan(const Chan& o) : c_(o.c_) {
    if (c_ != nullptr) runtime::internal::chanref(c_);
  }
  Chan(Chan&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  Chan& operator=(const Chan& o) {
    if (o.c_ != nullptr) runtime::internal::chanref(o.c_);
    if (c_ != nullptr) runtime::internal::chanunref(c_);
    c_ = o.c_;
    return *this;
  }
  Chan& operator=(Chan&& o) noexcept {
    if (this != &o) {
      if (c_ != nullptr) runtime::internal::chanunref(c_);
      c_ = std::exchange(o.c_, nullptr);
    }
    return *this;
  }
  ~Chan() {
    if (c_ != nullptr) runtime::internal::chanunref(c_);
  }

  // ch <- v. Blocks until a receiver takes it or buffer space is free.
  void Send(T v) const { runtime::internal::chansend(c_, &v); }

  // Non-blocking send (a select with a default case): false, and v is
  // dropped, if it would block.
  bool TrySend(T v) const { return runtime::internal::chantrysend(c_, &v); }

  // v, ok := <-ch. std::nullopt when closed and drained.
  std::optional<T> Recv() const {
    Slot s;
    if (!runtime::internal::chanrecv(c_, s.raw())) return std::nullopt;
    return s.Take();
  }

  // Non-blocking receive. The outer optional is empty if it would block; the
  // inner one is Recv's result.
  std::optional<std::optional<T>> TryRecv() const {
    Slot s;
    bool received = false;
    if (!runtime::internal::chantryrecv(c_, s.raw(), &received)) {
      return std::nullopt;
    }
    if (!received) return std::optional<T>();
    return std::optional<T>(s.Take());
  }

  void Close() const { runtime::internal::closechan(c_); }
  int Len() const { return runtime::internal::chanlen(c_); }
  int Cap() const { return runtime::internal::chancap(c_); }

  bool IsNil() const { return c_ == nullptr; }
  friend bool operator==(const Chan& a, const Chan& b) { return a.c_ == b.c_; }
  friend bool operator==(const Chan& a, std::nullptr_t) {
    return a.c_ == nullptr;
  }

  // for (T v : ch): receives until the channel is closed and drained.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = T*;
    using reference = T&;

    iterator() = default;
    explicit iterator(const Chan* ch) : ch_(ch), cur_(ch->Recv()) {}
    T& operator*() { return *cur_; }
    T* operator->() { return &*cur_; }
    iterator& operator++() {
      cur_ = ch_->Recv();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) {
      return !a.cur_.has_value() && !b.cur_.has_value();
    }

   private:
    const Chan* ch_ = nullptr;
    std::optional<T> cur_;
  };
  iterator begin() const { return iterator(this); }
  iterator end() const { return iterator(); }

  // The type-erased channel (select, timers); nullptr for the nil channel.
  runtime::internal::Hchan* hchan() const { return c_; }
  // Adopts a reference to c (for runtime code that made c with makechan).
  static Chan FromHchan(runtime::internal::Hchan* c) {
    Chan ch;
    ch.c_ = c;
    return ch;
  }

  // Raw storage for one received T.
  struct Slot {
    alignas(T) unsigned char buf[sizeof(T)];
    void* raw() { return buf; }
    T Take() {
      T* p = std::launder(reinterpret_cast<T*>(buf));
      T v(std::move(*p));
      p->~T();
      return v;
    }
  };

 private:
  runtime::internal::Hchan* c_ = nullptr;
};

// make(chan T, capacity). Panics "makechan: size out of range" if capacity is
// negative or too large.
template <class T>
Chan<T> MakeChan(int64_t capacity = 0) {
  return Chan<T>::FromHchan(runtime::internal::makechan(
      &runtime::internal::ElemOpsFor<T>::kOps, capacity));
}

}  // namespace go

#endif  // GOTEST_RUNTIME_CHAN_H_
