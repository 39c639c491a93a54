// The goroutine leak check (beyond Go; -leakcheck, on by default): a
// goroutine started by a test (by its goroutine, or by goroutines those
// started) that is still alive when the test and its cleanups are done fails
// the test, with the goroutine's stack and where it was created:
//
//   --- FAIL: TestLeaky (0.10s)
//       leakcheck: 1 goroutine started by TestLeaky is still running:
//           goroutine 7 [chan receive]:
//           ...
//           created by TestLeaky in goroutine 6
//           	/src/leaky_test.cc:20 +0x8d
//
// Goroutines get up to 100 ms to finish before they count as leaked. A
// goroutine is attributed by its chain of creators; when a creator has
// already exited, the goroutine is attributed to the test only if the test
// is not running in parallel with others (its creator's id is then known to
// be one the test's tree made). Each leaked goroutine is reported once.

#include <time.h>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "runtime/dump.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/runtime.h"
#include "runtime/runtime2.h"
#include "testing/state.h"

namespace go::testing::internal {

namespace {

namespace rt = ::go::runtime::internal;

std::mutex g_reported_mu;
absl::flat_hash_set<int64_t>* g_reported = new absl::flat_hash_set<int64_t>;

struct Live {
  absl::flat_hash_map<int64_t, int64_t> creator;  // goid -> creator goid
};

Live Snapshot() {
  Live live;
  rt::ForEachG(
      [](rt::G* gp, void* arg) {
        uint32_t st =
            gp->atomicstatus.load(std::memory_order_acquire) & ~rt::kGScan;
        if (st == rt::kGDead || st == rt::kGIdle || gp->is_thread) return;
        static_cast<Live*>(arg)->creator[rt::racy_load(gp->goid)] =
            rt::racy_load(gp->parent_goid);
      },
      &live);
  return live;
}

std::vector<int64_t> Leaked(State* t) {
  Live live = Snapshot();
  std::vector<int64_t> out;
  bool alone = !t->is_parallel;
  for (const auto& [id, creator] : live.creator) {
    // No "others than t" shortcut: ids come from per-P batches (as Go's
    // goidcache), so a goroutine t started can have a lower id than t's.
    if (id == t->goid) continue;
    if (StateOfGoroutine(id) != nullptr) continue;  // another test's goroutine
    bool mine = false;
    int64_t c = creator;
    for (int depth = 0; depth < 10000; depth++) {
      if (c == t->goid) {
        mine = true;
        break;
      }
      auto it = live.creator.find(c);
      if (it == live.creator.end()) {
        // The creator exited: only attributable when nothing else ran.
        mine = alone && c > t->goid;
        break;
      }
      if (StateOfGoroutine(c) != nullptr) break;  // created by another test
      c = it->second;
    }
    if (!mine) continue;
    std::lock_guard<std::mutex> l(g_reported_mu);
    if (!g_reported->contains(id)) out.push_back(id);
  }
  return out;
}

// Whether no goroutine that t may have started is alive: every live
// goroutine other than t's own runs a test, or was started by another test's
// goroutine (a sibling test's goroutine that is still exiting, say). Ids come
// from per-P caches, so neither order of ids says anything about who started
// whom. Tests run thousands a second: the common case (every live goroutine
// runs a test) is answered from two counts, the next from one pass over the
// Gs; only a goroutine that may be t's leads to the creator map (Leaked).
bool Quiet(State* t) {
  if (OnlyTestGoroutines()) return true;
  struct Scan {
    int64_t self;
    absl::InlinedVector<std::pair<int64_t, int64_t>, 8> others;  // id, creator
  } scan{t->goid, {}};
  rt::ForEachG(
      [](rt::G* gp, void* arg) {
        auto* sc = static_cast<Scan*>(arg);
        if (rt::racy_load(gp->goid) == sc->self || gp->is_thread) return;
        uint32_t st =
            gp->atomicstatus.load(std::memory_order_acquire) & ~rt::kGScan;
        if (st == rt::kGDead || st == rt::kGIdle) return;
        sc->others.emplace_back(rt::racy_load(gp->goid),
                                rt::racy_load(gp->parent_goid));
      },
      &scan);
  for (const auto& [id, creator] : scan.others) {
    if (StateOfGoroutine(id) != nullptr) continue;  // a test's goroutine
    State* by = StateOfGoroutine(creator);
    if (by == nullptr || by == t) return false;
  }
  return true;
}

void SleepMs(int ms) {
  rt::BlockingRegion blocking;
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, nullptr);
}

}  // namespace

void CheckLeaks(State* t) {
  if (Quiet(t)) return;
  // A goroutine that may be t's is alive: t's state is kept (runner.cc), as
  // that goroutine may still use it, whether or not it counts as t's leak.
  t->releasable.store(false);
  std::vector<int64_t> leaked = Leaked(t);
  if (leaked.empty()) return;
  int64_t deadline = Nanotime() + G().leak_grace_ns;
  for (int i = 0; !leaked.empty() && Nanotime() < deadline; i++) {
    if (i < 20) {
      runtime::Gosched();
    } else {
      SleepMs(1);
    }
    leaked = Leaked(t);
  }
  if (leaked.empty()) return;
  absl::flat_hash_set<int64_t> want(leaked.begin(), leaked.end());
  std::string dumps;
  int n = 0;
  for (const rt::GoroutineRecord& r : rt::ListGoroutines()) {
    if (!want.contains(r.id)) continue;
    if (n++ > 0) dumps += "\n";
    dumps += rt::FormatGoroutine(r);
  }
  if (n == 0) return;  // they exited meanwhile
  {
    std::lock_guard<std::mutex> l(g_reported_mu);
    for (int64_t id : leaked) g_reported->insert(id);
  }
  if (!dumps.empty() && dumps.back() == '\n') dumps.pop_back();
  std::string msg = absl::StrCat(
      "leakcheck: ", n, n == 1 ? " goroutine" : " goroutines", " started by ",
      t->name, n == 1 ? " is" : " are", " still running:\n", dumps);
  // Indented as a log entry's continuation lines.
  std::string shaped;
  for (char ch : msg) {
    shaped.push_back(ch);
    if (ch == '\n') shaped.append("    ");
  }
  shaped.push_back('\n');
  t->Log(shaped);
  t->Fail();
}

}  // namespace go::testing::internal
