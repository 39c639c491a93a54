// See quote_service.h. The bug is in Quote: see docs/leaks.md.

#include "docs/leaks/quote_service.h"

#include <optional>
#include <string>

#include "runtime/chan.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "runtime/time.h"

namespace quotes {

int SlowBackend(const std::string& symbol, absl::Duration latency) {
  go::time::Sleep(latency);
  return static_cast<int>(symbol.size()) * 100;
}

std::optional<int> Quote(const std::string& symbol, absl::Duration latency,
                         absl::Duration timeout) {
  go::Chan<int> reply = go::MakeChan<int>(0);  // BUG: unbuffered
  go::Go([reply, symbol, latency]() mutable {
    reply.Send(SlowBackend(symbol, latency));  // blocks forever after a timeout
  });
  std::optional<int> price;
  go::Select(go::OnRecv(reply, [&](std::optional<int> v) { price = v; }),
             go::OnRecv(go::time::After(timeout), [](auto) {}));
  return price;
}

}  // namespace quotes
