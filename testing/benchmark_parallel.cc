// B::RunParallel and PB (Go's benchmark.go): the body runs on
// parallelism x GOMAXPROCS goroutines, which the scheduler spreads over all
// Ps; they take N's iterations from one shared counter `grain` at a time,
// the grain sized from the previous run to about 100 us of work (at most
// 1e4 iterations) so that the shared cache line is touched rarely while the
// load stays balanced. ns/op is the wall time of the whole divided by N.

#include <cstdint>

#include "absl/time/time.h"
#include "runtime/runtime.h"
#include "runtime/sync.h"
#include "testing/benchmark_format.h"
#include "testing/benchmark_state.h"

namespace go::testing {

bool PB::Refill() {
  const uint64_t n = __atomic_add_fetch(global_n_, grain_, __ATOMIC_RELAXED);
  if (n <= bn_) {
    cache_ = grain_;
  } else if (n < bn_ + grain_) {
    cache_ = bn_ + grain_ - n;
  } else {
    return false;
  }
  cache_--;
  return true;
}

void B::RunParallelFn(internal::ParallelFn body) {
  if (N == 0) return;  // nothing to do when probing
  auto* s = static_cast<internal::BenchState*>(state_);
  const uint64_t grain =
      RunParallelGrain(s->previous_n, absl::Nanoseconds(s->previous_duration));
  uint64_t handed_out = 0;
  const uint64_t bn = static_cast<uint64_t>(N);
  const int goroutines = s->parallelism * runtime::GOMAXPROCS(0);
  sync::WaitGroup wg;
  wg.Add(goroutines);
  for (int p = 0; p < goroutines; p++) {
    go::Go([&wg, &handed_out, grain, bn, body] {
      struct Done {
        sync::WaitGroup* wg;
        ~Done() { wg->Done(); }
      } done{&wg};
      PB pb;
      pb.global_n_ = &handed_out;
      pb.grain_ = grain;
      pb.bn_ = bn;
      body.call(body.obj, &pb);
    });
  }
  wg.Wait();
  if (__atomic_load_n(&handed_out, __ATOMIC_RELAXED) <= bn && !Failed()) {
    s->Log(
        "benchmark.go:987: RunParallel: body exited without pb.Next() == "
        "false\n");
    FailNow();
  }
}

void B::SetParallelism(int p) {
  if (p >= 1) static_cast<internal::BenchState*>(state_)->parallelism = p;
}

}  // namespace go::testing
