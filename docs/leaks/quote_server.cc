// The quote service with a /debug/pprof/ endpoint, under a load in which one
// request in ten times out (docs/leaks.md).

#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "docs/leaks/quote_service.h"
#include "runtime/pprof/pprof.h"
#include "runtime/runtime.h"
#include "runtime/time.h"

int main() {
  return go::runtime::Run([] {
    go::Go([] {
      absl::Status s = go::pprof::ListenAndServe("localhost:6060");
      fprintf(stderr, "quote_server: %s\n", std::string(s.message()).c_str());
    });
    for (int i = 0;; i++) {
      // Every tenth backend call is slower than the 50 ms timeout.
      absl::Duration latency =
          i % 10 == 9 ? absl::Milliseconds(100) : absl::Milliseconds(1);
      quotes::Quote("GOOG", latency, absl::Milliseconds(50));
      go::time::Sleep(absl::Milliseconds(10));
    }
    return 0;
  });
}
