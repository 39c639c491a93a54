// Copyright 2026 The gotest Authors.
//
// Goroutine-blocking I/O on file descriptors (Go's internal/poll.FD over the
// runtime's netpoll, netpoll_epoll.go).
//
//   go::poll::FD conn(socket_fd);             // takes ownership, O_NONBLOCK
//   conn.SetReadDeadline(absl::Now() + absl::Seconds(1));
//   char buf[512];
//   ssize_t n = conn.Read(buf, sizeof buf);   // parks the goroutine, not the
//   if (n == -ETIMEDOUT) { ... }              // thread, until readable
//
// Each FD is registered once with one edge-triggered epoll instance. An
// operation first tries the system call; on EAGAIN the goroutine parks on the
// descriptor ("IO wait" in goroutine dumps) until epoll reports it ready, its
// deadline passes or the FD is closed. The scheduler's idle thread blocks in
// epoll_wait until the next timer (PollHook::block in park.h), so a ready
// descriptor wakes its goroutine at once. Pending I/O keeps the deadlock
// detector quiet, as in Go.
//
// Descriptors epoll cannot watch (regular files, some character devices) are
// not pollable: their operations run as ordinary blocking calls inside a
// BlockingRegion, so sysmon hands the goroutine's P to another thread while
// the call blocks.
//
// Results follow the kernel's convention instead of errno (which is per
// thread, and a goroutine may change threads while it waits): >= 0 is success,
// a negative value is -errno. A deadline that passed gives -ETIMEDOUT (Go's
// os.ErrDeadlineExceeded, "i/o timeout"); an operation on a closed FD, or one
// interrupted by Close, gives -EBADF (Go's ErrNetClosing / ErrFileClosing).

#ifndef GOTEST_RUNTIME_NETPOLL_H_
#define GOTEST_RUNTIME_NETPOLL_H_

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

#include "absl/time/time.h"

namespace go::runtime::internal {
struct PollDesc;
}  // namespace go::runtime::internal

namespace go::poll {

class FD {
 public:
  FD() = default;
  // Takes ownership of fd: sets O_NONBLOCK and registers it with netpoll.
  explicit FD(int fd);
  // Takes ownership of fd as it is, without netpoll (Go's os.NewFile of a
  // descriptor in blocking mode): every operation is a blocking system call
  // in a BlockingRegion, so sysmon hands the goroutine's P to another thread
  // while it blocks. Pollable() is false.
  static FD NewBlocking(int fd);
  FD(FD&& o) noexcept;
  FD& operator=(FD&& o) noexcept;
  FD(const FD&) = delete;
  FD& operator=(const FD&) = delete;
  // Closes the descriptor (see Close).
  ~FD();

  // Marks the FD closed, wakes goroutines blocked on it (they get -EBADF) and
  // closes the descriptor once the last operation in flight has returned.
  // Returns 0, or -EBADF if already closed.
  int Close();

  // The descriptor (-1 if none).
  int Sysfd() const { return fd_; }
  // False for descriptors epoll cannot watch (they block their thread).
  bool Pollable() const;

  // One read(2) that waits for data: > 0 bytes read, 0 at EOF, < 0 -errno.
  ssize_t Read(void* p, size_t n);
  // Writes all of p (looping over short writes, as Go): n, or -errno (bytes
  // written before the error are lost to the caller, as Go returns them with
  // the error; use WriteSome for that count).
  ssize_t Write(const void* p, size_t n);
  // One write(2) that waits for buffer space.
  ssize_t WriteSome(const void* p, size_t n);
  // accept4(2) that waits for a connection; the new descriptor is non-blocking
  // and close-on-exec (wrap it in an FD). < 0: -errno.
  int Accept(sockaddr* sa, socklen_t* len);
  // connect(2) that waits for the connection to complete: 0 or -errno.
  int Connect(const sockaddr* sa, socklen_t len);

  // Deadlines (Go's SetDeadline family): operations waiting past t return
  // -ETIMEDOUT, as do new ones until the deadline is moved.
  // absl::InfiniteFuture() removes it.
  void SetDeadline(absl::Time t);
  void SetReadDeadline(absl::Time t);
  void SetWriteDeadline(absl::Time t);

 private:
  FD(int fd, bool poll);

  int fd_ = -1;
  runtime::internal::PollDesc* pd_ = nullptr;
};

}  // namespace go::poll

#endif  // GOTEST_RUNTIME_NETPOLL_H_
