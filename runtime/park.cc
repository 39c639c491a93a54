// Copyright 2026 The gotest Authors.

#include "runtime/park.h"

namespace go::runtime::internal {

std::string_view WaitReasonString(WaitReason r) {
  switch (r) {
    case WaitReason::kZero:
      return "";
    case WaitReason::kChanReceiveNilChan:
      return "chan receive (nil chan)";
    case WaitReason::kChanSendNilChan:
      return "chan send (nil chan)";
    case WaitReason::kSelectNoCases:
      return "select (no cases)";
    case WaitReason::kChanReceive:
      return "chan receive";
    case WaitReason::kChanSend:
      return "chan send";
    case WaitReason::kSelect:
      return "select";
    case WaitReason::kSleep:
      return "sleep";
    case WaitReason::kSyncCondWait:
      return "sync.Cond.Wait";
    case WaitReason::kSyncMutexLock:
      return "sync.Mutex.Lock";
    case WaitReason::kSyncRWMutexRLock:
      return "sync.RWMutex.RLock";
    case WaitReason::kSyncRWMutexLock:
      return "sync.RWMutex.Lock";
    case WaitReason::kSyncWaitGroupWait:
      return "sync.WaitGroup.Wait";
    case WaitReason::kSemacquire:
      return "semacquire";
    case WaitReason::kIOWait:
      return "IO wait";
    case WaitReason::kTimerGoroutineIdle:
      return "timer goroutine (idle)";
    case WaitReason::kPreempted:
      return "preempted";
    case WaitReason::kPanicWait:
      return "panicwait";
    case WaitReason::kWaitForTestCompletion:
      // Go's tRunner waits on a channel.
      return "chan receive";
  }
  return "";
}

}  // namespace go::runtime::internal
