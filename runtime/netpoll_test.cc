// Copyright 2026 The gotest Authors.
//
// go::poll::FD on netpoll: goroutines blocked on pipes and sockets wake when
// the descriptor becomes ready, deadlines expire with -ETIMEDOUT, Close wakes
// blocked operations with -EBADF, regular files fall back to blocking calls,
// and a TCP echo server over loopback serves 1000 concurrent goroutine
// clients.

#include "runtime/netpoll.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "runtime/chan.h"
#include "runtime/dump.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "runtime/time.h"

namespace go {
namespace {

template <class F>
void RunG(F&& f) {
  runtime::Run([&] { f(); });
}

struct Pipe {
  poll::FD r, w;
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    r = poll::FD(fds[0]);
    w = poll::FD(fds[1]);
  }
};

TEST(NetpollTest, PipeReadWaitsForWriter) {
  RunG([] {
    Pipe p;
    EXPECT_TRUE(p.r.Pollable());
    Chan<std::string> got = MakeChan<std::string>(1);
    go::Go([&] {
      char buf[16];
      ssize_t n = p.r.Read(buf, sizeof buf);
      got.Send(n > 0 ? std::string(buf, n) : "err " + std::to_string(n));
    });
    time::Sleep(absl::Milliseconds(10));
    EXPECT_EQ(got.Len(), 0) << "read returned before data";
    EXPECT_EQ(p.w.Write("hello", 5), 5);
    EXPECT_EQ(got.Recv(), "hello");
    // EOF after the writer closes.
    p.w.Close();
    char c;
    EXPECT_EQ(p.r.Read(&c, 1), 0);
  });
}

TEST(NetpollTest, WriteWaitsForSpace) {
  RunG([] {
    Pipe p;
    // Fill the pipe, then a big write must wait for the reader.
    std::string chunk(1 << 20, 'x');
    Chan<ssize_t> wrote = MakeChan<ssize_t>(1);
    go::Go([&] { wrote.Send(p.w.Write(chunk.data(), chunk.size())); });
    time::Sleep(absl::Milliseconds(10));
    EXPECT_EQ(wrote.Len(), 0);
    size_t total = 0;
    std::vector<char> buf(65536);
    while (total < chunk.size()) {
      ssize_t n = p.r.Read(buf.data(), buf.size());
      ASSERT_GT(n, 0);
      total += n;
    }
    EXPECT_EQ(wrote.Recv(), static_cast<ssize_t>(chunk.size()));
  });
}

TEST(NetpollTest, Deadlines) {
  RunG([] {
    Pipe p;
    char c;
    absl::Time t0 = absl::Now();
    p.r.SetReadDeadline(absl::Now() + absl::Milliseconds(20));
    EXPECT_EQ(p.r.Read(&c, 1), -ETIMEDOUT);
    absl::Duration d = absl::Now() - t0;
    EXPECT_GE(d, absl::Milliseconds(19));
    EXPECT_LT(d, absl::Seconds(30));  // generous: loaded CI machines stall
    // Still expired until moved.
    EXPECT_EQ(p.r.Read(&c, 1), -ETIMEDOUT);
    // A deadline in the past wakes a blocked reader at once.
    p.r.SetReadDeadline(absl::InfiniteFuture());
    Chan<ssize_t> res = MakeChan<ssize_t>(1);
    go::Go([&] { res.Send(p.r.Read(&c, 1)); });
    time::Sleep(absl::Milliseconds(5));
    p.r.SetDeadline(absl::Now() - absl::Seconds(1));
    EXPECT_EQ(res.Recv(), -ETIMEDOUT);
    // Cleared: data is read normally.
    p.r.SetDeadline(absl::InfiniteFuture());
    EXPECT_EQ(p.w.Write("z", 1), 1);
    EXPECT_EQ(p.r.Read(&c, 1), 1);
    EXPECT_EQ(c, 'z');
    // A deadline extended before it fires does not fire.
    p.r.SetReadDeadline(absl::Now() + absl::Milliseconds(5));
    p.r.SetReadDeadline(absl::Now() + absl::Seconds(60));
    // The writer is still inside Write (p.w) once the byte can be read:
    // wait for it before p leaves scope.
    sync::WaitGroup writer;
    writer.Go([&] {
      time::Sleep(absl::Milliseconds(20));
      p.w.Write("y", 1);
    });
    EXPECT_EQ(p.r.Read(&c, 1), 1);
    writer.Wait();
  });
}

TEST(NetpollTest, CloseWakesBlockedReader) {
  RunG([] {
    Pipe p;
    Chan<ssize_t> res = MakeChan<ssize_t>(1);
    go::Go([&] {
      char c;
      res.Send(p.r.Read(&c, 1));
    });
    time::Sleep(absl::Milliseconds(5));
    EXPECT_EQ(p.r.Close(), 0);
    EXPECT_EQ(res.Recv(), -EBADF);
    char c;
    EXPECT_EQ(p.r.Read(&c, 1), -EBADF);
    EXPECT_EQ(p.r.Close(), -EBADF);
  });
}

TEST(NetpollTest, RegularFileIsNotPollable) {
  RunG([] {
    const char* dir = getenv("TEST_TMPDIR");
    std::string path = std::string(dir ? dir : "/tmp") + "/netpoll_file_XXXXXX";
    int fd = mkstemp(path.data());
    ASSERT_GE(fd, 0);
    unlink(path.c_str());
    poll::FD f(fd);
    EXPECT_FALSE(f.Pollable());
    EXPECT_EQ(f.Write("data", 4), 4);
    ASSERT_EQ(lseek(f.Sysfd(), 0, SEEK_SET), 0);
    char buf[8] = {};
    EXPECT_EQ(f.Read(buf, sizeof buf), 4);
    EXPECT_STREQ(buf, "data");
  });
}

TEST(NetpollTest, DevZeroIsNotPollable) {
  // A character device epoll refuses: reads are plain calls that return.
  RunG([] {
    poll::FD f(open("/dev/zero", O_RDONLY | O_CLOEXEC));
    ASSERT_GE(f.Sysfd(), 0);
    EXPECT_FALSE(f.Pollable());
    char buf[64];
    std::memset(buf, 1, sizeof buf);
    EXPECT_EQ(f.Read(buf, sizeof buf), 64);
    EXPECT_EQ(buf[0], 0);
    EXPECT_EQ(buf[63], 0);
  });
}

TEST(NetpollTest, BlockingCallOnNonPollableFDIsHandedOff) {
  // A descriptor outside netpoll whose read(2) really blocks (a pipe left in
  // blocking mode, Go's os.NewFile case): on one P, the reader must not stall
  // the scheduler. Its goroutine shows as [syscall] while the call blocks
  // (it is in a BlockingRegion, so sysmon hands the P on), and the writer,
  // which needs that P, runs and unblocks it.
  RunG([] {
    // Earlier tests' goroutines still exiting would race with the goroutine
    // listing below (goexit0 clears lockedm, which the dump reads).
    for (int i = 0; i < 30000 && runtime::NumGoroutine() > 1; i++) {
      time::Sleep(absl::Milliseconds(1));
    }
    int prev = runtime::GOMAXPROCS(1);
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
    poll::FD r = poll::FD::NewBlocking(fds[0]);
    poll::FD w = poll::FD::NewBlocking(fds[1]);
    EXPECT_FALSE(r.Pollable());
    EXPECT_EQ(fcntl(r.Sysfd(), F_GETFL) & O_NONBLOCK, 0);
    std::atomic<int64_t> reader_id{0};
    Chan<std::string> got = MakeChan<std::string>(1);
    Go([&] {
      reader_id = runtime::internal::ListGoroutines()[0].id;
      char buf[16];
      ssize_t n = r.Read(buf, sizeof buf);
      got.Send(n > 0 ? std::string(buf, n) : "error " + std::to_string(n));
    });
    // Wait (yielding the P) until the reader is inside read(2).
    std::string status;
    for (int i = 0; i < 600000 && status != "syscall"; i++) {
      runtime::Gosched();
      if (reader_id.load() == 0) continue;
      for (const auto& rec : runtime::internal::ListGoroutines()) {
        if (rec.id == reader_id.load()) status = rec.status;
      }
      if (status != "syscall") time::Sleep(absl::Microseconds(50));
    }
    EXPECT_EQ(status, "syscall");
    EXPECT_EQ(w.Write("hi", 2), 2);
    EXPECT_EQ(got.Recv(), "hi");
    runtime::GOMAXPROCS(prev);
  });
}

// A listening socket on 127.0.0.1 and its port.
poll::FD Listen(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa = {};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  EXPECT_EQ(listen(fd, 4096), 0);
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  *port = ntohs(sa.sin_port);
  return poll::FD(fd);
}

int Dial(poll::FD* out, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  *out = poll::FD(fd);
  sockaddr_in sa = {};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  return out->Connect(reinterpret_cast<sockaddr*>(&sa), sizeof sa);
}

TEST(NetpollTest, TcpEchoThousandClients) {
  // Raise the descriptor limit: 1000 clients use 2000 descriptors.
  rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < 4096 && rl.rlim_max >= 4096) {
    rl.rlim_cur = 4096;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  RunG([] {
    int port = 0;
    poll::FD ln = Listen(&port);
    constexpr int kClients = 1000;
    sync::WaitGroup conns;
    // Server: one goroutine per connection, echo until EOF.
    go::Go([&] {
      for (int i = 0; i < kClients; i++) {
        int fd = ln.Accept(nullptr, nullptr);
        if (fd < 0) {
          ADD_FAILURE() << "accept: " << strerror(-fd);
          return;
        }
        conns.Go([fd] {
          poll::FD c(fd);
          char buf[256];
          for (;;) {
            ssize_t n = c.Read(buf, sizeof buf);
            if (n <= 0) break;
            if (c.Write(buf, n) != n) break;
          }
        });
      }
    });
    sync::WaitGroup clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < kClients; i++) {
      clients.Go([&, i] {
        poll::FD c;
        int err = Dial(&c, port);
        if (err != 0) {
          ADD_FAILURE() << "connect: " << strerror(-err);
          return;
        }
        c.SetDeadline(absl::Now() + absl::Seconds(60));
        for (int round = 0; round < 3; round++) {
          std::string msg =
              "client " + std::to_string(i) + " round " + std::to_string(round);
          if (c.Write(msg.data(), msg.size()) !=
              static_cast<ssize_t>(msg.size())) {
            ADD_FAILURE() << "write";
            return;
          }
          std::string got;
          char buf[256];
          while (got.size() < msg.size()) {
            ssize_t n = c.Read(buf, sizeof buf);
            if (n <= 0) {
              ADD_FAILURE() << "read: " << n;
              return;
            }
            got.append(buf, n);
          }
          if (got != msg) {
            ADD_FAILURE() << got << " != " << msg;
            return;
          }
        }
        ok++;
      });
    }
    clients.Wait();
    conns.Wait();
    EXPECT_EQ(ok.load(), kClients);
  });
}

TEST(NetpollTest, ConnectRefused) {
  RunG([] {
    int port = 0;
    { poll::FD ln = Listen(&port); }  // closed: nobody listens on port now
    poll::FD c;
    EXPECT_EQ(Dial(&c, port), -ECONNREFUSED);
  });
}

}  // namespace
}  // namespace go
