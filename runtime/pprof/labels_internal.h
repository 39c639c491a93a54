// Copyright 2026 The gotest Authors.
//
// How profiler labels are stored, shared by labels.cc and the profilers.
//
// A label set is interned: one immortal LabelMap per distinct set, so that a
// goroutine (G::labels), a context value and a CPU sample record can all hold
// a plain pointer to it, and the SIGPROF handler can copy that pointer
// without locks, reference counts or allocation. The price is that distinct
// label sets are never freed (documented in pprof.h).

#ifndef GOTEST_RUNTIME_PPROF_LABELS_INTERNAL_H_
#define GOTEST_RUNTIME_PPROF_LABELS_INTERNAL_H_

#include <string>
#include <utility>
#include <vector>

namespace go::pprof::internal {

// Sorted by key, keys unique.
using LabelMap = std::vector<std::pair<std::string, std::string>>;

// The interned copy of m (nullptr for an empty set).
const LabelMap* Intern(const LabelMap& m);

// The calling goroutine's labels (the plain thread's, outside a goroutine).
const LabelMap* CurrentLabels();
void SetCurrentLabels(const LabelMap* m);

// Async-signal-safe: the labels of whatever runs on this thread, for a
// signal that interrupted it with stack pointer sp (the goroutine's labels
// only if sp is on that goroutine's stack, i.e. not in the scheduler).
const LabelMap* SignalLabels(uintptr_t sp);

}  // namespace go::pprof::internal

#endif  // GOTEST_RUNTIME_PPROF_LABELS_INTERNAL_H_
