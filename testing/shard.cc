// Test sharding: the environment, the stable split, and filtering the
// registry (see shard.h).

#include "testing/shard.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "testing/match.h"
#include "testing/registry.h"
#include "testing/strconv.h"

namespace go::testing::internal {

namespace {

absl::Status ParseNonNegative(const char* name, const char* value, int* out) {
  int64_t n;
  if (ParseInt(value, 10, 32, &n) != NumError::kOk || n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("testing: invalid ", name, "=\"", value,
                     "\": want a non-negative integer"));
  }
  *out = static_cast<int>(n);
  return absl::OkStatus();
}

// Keeps the entries of *v whose flag (keep[*next], keep[*next + 1], ...) is
// set.
template <typename Entry>
void KeepSelected(std::vector<Entry>* v, const std::vector<bool>& keep,
                  size_t* next) {
  std::vector<Entry> kept;
  for (Entry& e : *v) {
    if (keep[(*next)++]) kept.push_back(e);
  }
  *v = std::move(kept);
}

}  // namespace

absl::StatusOr<std::optional<ShardSpec>> ShardFromEnv(
    const std::function<const char*(const char*)>& getenv) {
  for (const auto& [total_var, index_var] :
       {std::pair{"TEST_TOTAL_SHARDS", "TEST_SHARD_INDEX"},
        std::pair{"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX"}}) {
    const char* total = getenv(total_var);
    const char* index = getenv(index_var);
    if ((total == nullptr || *total == '\0') &&
        (index == nullptr || *index == '\0')) {
      continue;
    }
    if (total == nullptr || *total == '\0' || index == nullptr ||
        *index == '\0') {
      return absl::InvalidArgumentError(absl::StrCat(
          "testing: ", total_var, " and ", index_var, " must be set together"));
    }
    ShardSpec s;
    if (absl::Status st = ParseNonNegative(total_var, total, &s.total);
        !st.ok()) {
      return st;
    }
    if (absl::Status st = ParseNonNegative(index_var, index, &s.index);
        !st.ok()) {
      return st;
    }
    if (s.total == 0 || s.index >= s.total) {
      return absl::InvalidArgumentError(absl::StrCat(
          "testing: invalid shard ", index_var, "=", s.index, " of ", total_var,
          "=", s.total, ": want 0 <= index < total"));
    }
    return std::optional<ShardSpec>(s);
  }
  return std::optional<ShardSpec>();
}

std::vector<bool> SelectShard(const std::vector<std::string_view>& names,
                              ShardSpec shard) {
  std::vector<size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return names[a] < names[b]; });
  std::vector<bool> in(names.size());
  for (size_t i = 0; i < order.size(); i++) {
    in[order[i]] =
        static_cast<int>(i % static_cast<size_t>(shard.total)) == shard.index;
  }
  return in;
}

void ApplyShard(Registry* r, ShardSpec shard, std::string_view run,
                std::string_view skip, std::string_view bench) {
  // Which entries this run would start at all (only those are split).
  auto run_m = Matcher::Create(run, "-test.run", skip);
  std::unique_ptr<Matcher> bench_m;
  if (!bench.empty()) {
    if (auto m = Matcher::Create(bench, "-test.bench", skip); m.ok())
      bench_m = std::move(*m);
  }
  auto runs = [&](Matcher* m, const char* name) {
    return m != nullptr && m->FullName(std::nullopt, name).ok;
  };
  std::vector<std::string_view> names;
  std::vector<size_t> where;  // index into `keep` of each split name
  std::vector<bool> keep;     // tests, then examples, then benchmarks
  auto consider = [&](const char* name, bool runnable) {
    keep.push_back(true);
    if (!runnable) return;  // filtered out anyway: not part of the split
    names.push_back(name);
    where.push_back(keep.size() - 1);
  };
  Matcher* rm = run_m.ok() ? run_m->get() : nullptr;
  for (const TestEntry& e : r->tests)
    consider(e.name, rm == nullptr || runs(rm, e.name));
  for (const ExampleEntry& e : r->examples)
    consider(e.name, rm == nullptr || runs(rm, e.name));
  for (const BenchmarkEntry& e : r->benchmarks)
    consider(e.name, runs(bench_m.get(), e.name));
  const std::vector<bool> in = SelectShard(names, shard);
  for (size_t i = 0; i < in.size(); i++) keep[where[i]] = in[i];
  size_t next = 0;
  KeepSelected(&r->tests, keep, &next);
  KeepSelected(&r->examples, keep, &next);
  KeepSelected(&r->benchmarks, keep, &next);
}

}  // namespace go::testing::internal
