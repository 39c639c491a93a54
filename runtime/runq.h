// Copyright 2026 The gotest Authors.
//
// Run queues, as Go's proc.go: each P has a 256-slot lock-free ring that only
// its owner appends to and anyone may take from (the owner from the head,
// thieves half at a time), plus `runnext`, a one-G slot for the goroutine just
// readied by the running one (it runs next and inherits the time slice, keeping
// producer/consumer pairs on one P and one cache). An overflowing ring moves
// half of itself to the global queue in one locked batch; the global queue is
// drained in batches too, so the lock is taken rarely.

#ifndef GOTEST_RUNTIME_RUNQ_H_
#define GOTEST_RUNTIME_RUNQ_H_

#include <cstdint>

#include "runtime/runtime2.h"

namespace go::runtime::internal {

// Owner only. next: put gp in runnext (the old runnext goes to the tail).
void runqput(P* pp, G* gp, bool next);
// Owner only. *inherit_time is set when the G came from runnext.
G* runqget(P* pp, bool* inherit_time);
// Any thread. Takes half of victim's queue into pp's (pp owned by the caller)
// and returns one G of it; steal_runnext also takes victim's runnext when the
// ring is empty.
G* runqsteal(P* pp, P* victim, bool steal_runnext);
bool runqempty(const P* pp);
uint32_t runqlen(const P* pp);
// Owner only: empties the ring and runnext into the global queue (procresize).
void runqdrain_to_global(P* pp);

// Global queue; sched().lock must be held.
void globrunqput(G* gp);
void globrunqputhead(G* gp);
void globrunqputbatch(G* const* gs, int32_t n);
// Appends a list linked through schedlink.
void globrunqputlist(G* list);
// Removes the first G (nullptr if empty).
G* globrunqpop();
// Takes a batch for pp: returns one G and puts up to max-1 others (max <= 0: a
// fair share) into pp's ring.
G* globrunqget(P* pp, int32_t max);

}  // namespace go::runtime::internal

#endif  // GOTEST_RUNTIME_RUNQ_H_
