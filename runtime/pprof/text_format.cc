// Copyright 2026 The gotest Authors.

#include "runtime/pprof/text_format.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "runtime/symtab.h"

namespace go::pprof::internal {

namespace {

using go::runtime::internal::Frame;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Goroutine entry frames: Go's runtime.goexit, hidden wherever it is.
bool IsEntryFrame(std::string_view name) {
  return name == "go_ctx_trampoline" ||
         name == "go::runtime::internal::(anonymous namespace)::goroutine_main";
}

constexpr int kMinWidth = 1, kTabWidth = 8, kPadding = 1;

using Line = std::vector<std::string_view>;

// Splits at every sep (n separators give n + 1 parts). Debian's Abseil has
// its own string_view, so absl::StrSplit does not take std's.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

struct Aligner {
  std::vector<Line> lines;
  std::vector<int> widths;
  std::string out;

  void WriteLines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; i++) {
      const Line& line = lines[i];
      for (size_t j = 0; j < line.size(); j++) {
        const std::string_view c = line[j];
        out.append(c);
        if (j < widths.size() && j + 1 < line.size()) {
          // Tab padding: the cell is widened to a multiple of the tab width
          // and filled with as many tabs as that takes.
          int cellw = (widths[j] + kTabWidth - 1) / kTabWidth * kTabWidth;
          int n = cellw - static_cast<int>(c.size());
          out.append(static_cast<size_t>((n + kTabWidth - 1) / kTabWidth),
                     '\t');
        } else if (j + 1 < line.size()) {
          out.push_back('\t');
        }
      }
      if (i + 1 < lines.size()) out.push_back('\n');
    }
  }

  // Go's tabwriter.format: a column block is a run of consecutive lines that
  // all have a tab-terminated cell in this column.
  size_t Format(size_t line0, size_t line1) {
    size_t column = widths.size();
    for (size_t i = line0; i < line1; i++) {
      if (column + 1 >= lines[i].size()) continue;
      WriteLines(line0, i);
      line0 = i;
      int width = kMinWidth;
      for (; i < line1; i++) {
        if (column + 1 >= lines[i].size()) break;
        width = std::max(width,
                         static_cast<int>(lines[i][column].size()) + kPadding);
      }
      widths.push_back(width);
      Format(line0, i);
      widths.pop_back();
      line0 = i;
      if (i >= line1) return line1;
      // lines[i] has no cell in this column: re-examine it.
      i--;
    }
    WriteLines(line0, line1);
    return line1;
  }
};

}  // namespace

void AppendStackRecord(std::string* out, const uintptr_t* pcs, int n) {
  bool show = false;
  std::string all;  // the same with every frame, if nothing else shows
  for (int pass = 0; pass < 2; pass++) {
    std::string text;
    for (int i = 0; i < n; i++) {
      uintptr_t pc = pcs[i];
      uintptr_t lookup = i == 0 ? pc : pc - 1;
      std::vector<Frame> copy;
      const std::vector<Frame>* frames =
          go::runtime::internal::SymbolizeCached(lookup);
      if (frames == nullptr) {
        copy = go::runtime::internal::Symbolize(lookup);
        frames = &copy;
      }
      for (const Frame& f : *frames) {
        std::string name = !f.short_function.empty() ? f.short_function
                           : !f.function.empty()     ? f.function
                                                     : f.system_name;
        if (name.empty()) {
          show = true;
          absl::StrAppend(&text, "#\t0x", absl::Hex(pc), "\n");
          continue;
        }
        if (IsEntryFrame(name)) continue;
        if (!show && pass == 0 && StartsWith(name, "go::runtime::internal::")) {
          continue;
        }
        show = true;
        uintptr_t entry = f.entry != 0 ? f.entry : pc;
        absl::StrAppend(&text, "#\t0x", absl::Hex(pc), "\t", name, "+0x",
                        absl::Hex(pc - entry), "\t",
                        f.file.empty() ? "?" : f.file, ":", f.line, "\n");
      }
    }
    if (show || n == 0) {
      out->append(text);
      break;
    }
    show = true;  // second pass: print runtime frames too
  }
  out->append("\n");
}

std::string TabAlign(std::string_view text) {
  Aligner a;
  for (std::string_view line : Split(text, '\n')) {
    a.lines.push_back(Split(line, '\t'));
  }
  a.Format(0, a.lines.size());
  return a.out;
}

}  // namespace go::pprof::internal
