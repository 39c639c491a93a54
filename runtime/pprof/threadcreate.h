// Copyright 2026 The gotest Authors.
//
// The "threadcreate" profile (Go's pprof.Lookup("threadcreate")): how many OS
// threads the runtime has created. Registered among the named profiles by
// profiles.cc.

#ifndef GOTEST_RUNTIME_PPROF_THREADCREATE_H_
#define GOTEST_RUNTIME_PPROF_THREADCREATE_H_

#include "runtime/pprof/pprof.h"

namespace go::pprof::internal {

// The process's one threadcreate profile.
Profile* ThreadCreateProfile();

}  // namespace go::pprof::internal

#endif  // GOTEST_RUNTIME_PPROF_THREADCREATE_H_
