// The example service of docs/leaks.md: a price lookup that asks a slow
// backend on a goroutine and gives up after a timeout. It leaks a goroutine
// every time it gives up (on purpose: the walkthrough finds the leak with
// `go tool pprof .../debug/pprof/goroutine` and with the test leak check).

#ifndef GOTEST_DOCS_LEAKS_QUOTE_SERVICE_H_
#define GOTEST_DOCS_LEAKS_QUOTE_SERVICE_H_

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace quotes {

// The backend's answer for `symbol`, which takes `latency` to come.
int SlowBackend(const std::string& symbol, absl::Duration latency);

// The price of `symbol`, or nullopt if the backend did not answer within
// `timeout`.
std::optional<int> Quote(const std::string& symbol, absl::Duration latency,
                         absl::Duration timeout);

}  // namespace quotes

#endif  // GOTEST_DOCS_LEAKS_QUOTE_SERVICE_H_
