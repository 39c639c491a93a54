#include "examples/wordcount/wordcount.h"

#include "absl/strings/str_split.h"

namespace examples::wordcount {

std::map<std::string, int> Count(std::string_view text) {
  std::map<std::string, int> counts;
  // Debian's Abseil has its own absl::string_view (not std::string_view).
  absl::string_view input(text.data(), text.size());
  for (absl::string_view word : absl::StrSplit(
           input, absl::ByAnyChar(" \t\n\r\v\f"), absl::SkipEmpty())) {
    counts[std::string(word)]++;
  }
  return counts;
}

}  // namespace examples::wordcount
