// Copyright 2026 The gotest Authors.
//
// Go's legacy text profile formats (debug=1), shared by the named profiles:
// the "#\t0x..\tfunc+0x..\tfile:line" comment lines after each "@ pc..."
// record (Go's printStackRecord), aligned the way Go's text/tabwriter with
// (minwidth 1, tabwidth 8, padding 1, padchar '\t') aligns them, so the text
// is byte-for-byte what a Go program would print for the same frames.

#ifndef GOTEST_RUNTIME_PPROF_TEXT_FORMAT_H_
#define GOTEST_RUNTIME_PPROF_TEXT_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace go::pprof::internal {

// Appends the "#" lines for a stack (pcs[0] exact or already inside the
// call, the rest return addresses) and the blank line that ends a record,
// unaligned (tab-separated). Leading runtime-internal frames and goroutine
// entry frames are hidden, as Go hides runtime.* and runtime.goexit.
void AppendStackRecord(std::string* out, const uintptr_t* pcs, int n);

// Go's text/tabwriter.NewWriter(w, 1, 8, 1, '\t', 0) applied to text.
std::string TabAlign(std::string_view text);

}  // namespace go::pprof::internal

#endif  // GOTEST_RUNTIME_PPROF_TEXT_FORMAT_H_
