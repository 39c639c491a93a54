// Copyright 2026 The gotest Authors.

#include "runtime/dump.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/context_switch.h"
#include "runtime/park.h"
#include "runtime/proc.h"
#include "runtime/runtime2.h"
#include "runtime/traceback.h"

namespace go::runtime::internal {

namespace {

constexpr int kMaxPcs = 256;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// Runtime frames Go would not show: internals, the go statement's and Run's
// closure plumbing (runtime.h), and proc.cc's helpers other than its public
// API.
bool internal_frame(std::string_view name_line, std::string_view loc_line) {
  if (name_line.rfind("go::runtime::internal::", 0) == 0 ||
      name_line.rfind("go_ctx_", 0) == 0) {
    return true;
  }
  std::string_view file = loc_line;
  size_t colon = file.rfind(':');
  if (colon != std::string_view::npos) file = file.substr(0, colon);
  if (ends_with(file, "runtime/runtime.h")) return true;
  if (ends_with(file, "runtime/proc.cc") &&
      name_line.rfind("go::runtime::", 0) != 0) {
    return true;
  }
  return false;
}

std::string gstatus_string(G* gp, uint32_t st, int64_t now,
                           GoroutineRecord* r) {
  std::string s;
  switch (st & ~uint32_t{kGScan}) {
    case kGRunnable:
      s = "runnable";
      break;
    case kGRunning:
      s = "running";
      break;
    case kGSyscall:
      s = "syscall";
      break;
    case kGWaiting:
      if (gp->waitreason != WaitReason::kZero) {
        s = std::string(WaitReasonString(gp->waitreason));
      } else {
        s = "waiting";
      }
      r->wait_reason = s;
      if (gp->waitsince > 0 && now > gp->waitsince) {
        r->wait_minutes =
            (now - gp->waitsince) / (int64_t{60} * 1000 * 1000 * 1000);
        if (r->wait_minutes >= 1)
          s += ", " + std::to_string(r->wait_minutes) + " minutes";
      }
      break;
    default:
      s = "idle";
  }
  if (racy_load(gp->lockedm) != nullptr) s += ", locked to thread";
  return s;
}

// Reads a non-running G's stack under the scan bit. False if it is dead.
bool snapshot(G* gp, int64_t now, GoroutineRecord* r) {
  for (int tries = 0; tries < 100000; tries++) {
    uint32_t st = readgstatus(gp);
    if (st & kGScan) continue;
    if (st == kGDead || st == kGIdle) return false;
    r->id = racy_load(gp->goid);
    r->is_main = racy_load(gp->is_main);
    r->creator_id = racy_load(gp->parent_goid);
    r->creator_pc = racy_load(gp->gopc);
    if (st == kGRunning || st == kGSyscall) {
      // Its thread may finish it (or start a new goroutine in it) meanwhile:
      // the fields are only this goroutine's if the status held throughout.
      r->status = gstatus_string(gp, st, now, r);
      if (readgstatus(gp) != st) continue;
      r->running_elsewhere = true;
      return true;
    }
    uint32_t expected = st;
    if (!gp->atomicstatus.compare_exchange_strong(expected, st | kGScan,
                                                  std::memory_order_acq_rel)) {
      continue;
    }
    r->status = gstatus_string(gp, st, now, r);
    const void* sp = gp->sp;
    uintptr_t pc = SavedPC(sp);
    if (pc != reinterpret_cast<uintptr_t>(&go_ctx_trampoline)) {
      uintptr_t pcs[kMaxPcs];
      int n = UnwindFramePointers(pc - 1, SavedFramePointer(sp), gp->stack_lo,
                                  gp->stack_hi, pcs, kMaxPcs);
      r->pcs.assign(pcs, pcs + n);
    } else if (gp->entry != nullptr) {
      // Not started yet: as Go shows a new goroutine, its function at its
      // entry (the closure's invoker, named after the closure's type).
      r->pcs.assign(1, reinterpret_cast<uintptr_t>(gp->entry));
    }
    gp->atomicstatus.store(st, std::memory_order_release);
    return true;
  }
  return false;
}

}  // namespace

std::string FormatFrames(const uintptr_t* pcs, int n, int max_frames) {
  std::string text;
  AppendTraceback(&text, pcs, n);
  std::string out;
  int frames = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t l1 = text.find('\n', pos);
    if (l1 == std::string::npos) break;
    size_t l2 = text.find('\n', l1 + 1);
    if (l2 == std::string::npos) l2 = text.size() - 1;
    std::string_view name(text.data() + pos, l1 - pos);
    std::string_view loc(text.data() + l1 + 1, l2 - l1 - 1);
    size_t sp = loc.find(' ');
    if (sp != std::string_view::npos) loc = loc.substr(0, sp);
    if (!internal_frame(name, loc)) {
      if (frames == max_frames) {
        out += "...additional frames elided...\n";
        break;
      }
      out.append(text, pos, l2 + 1 - pos);
      frames++;
    }
    pos = l2 + 1;
  }
  return out;
}

std::string FormatCreatedBy(uintptr_t creator_pc, int64_t creator_id) {
  if (creator_pc == 0) return "";
  // As a caller frame: looked up at pc-1, offset of the return address.
  uintptr_t pcs[2] = {0, creator_pc};
  std::string text;
  AppendTraceback(&text, pcs, 2);
  // Drop the dummy first frame (one "?()" entry for pc 0).
  size_t first = text.find('\n');
  first = first == std::string::npos ? std::string::npos
                                     : text.find('\n', first + 1);
  if (first == std::string::npos) return "";
  std::string rest = text.substr(first + 1);
  // rest: "F(...)\n\tfile:line +0xNN\n" per frame, innermost inlined first. The
  // go statement itself (go::Go, always inlined) is not the creator: skip it.
  while (rest.rfind("Go<", 0) == 0 || rest.rfind("go::Go<", 0) == 0) {
    size_t a = rest.find('\n');
    size_t b = a == std::string::npos ? a : rest.find('\n', a + 1);
    if (b == std::string::npos || b + 1 >= rest.size()) break;
    rest = rest.substr(b + 1);
  }
  size_t nl = rest.find('\n');
  if (nl == std::string::npos) return "";
  std::string name = rest.substr(0, nl);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, "(...)") == 0) {
    name.resize(name.size() - 5);
  } else if (name.size() > 2 && name.compare(name.size() - 2, 2, "()") == 0) {
    name.resize(name.size() - 2);
  }
  size_t nl2 = rest.find('\n', nl + 1);
  std::string loc = rest.substr(
      nl + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl);
  std::string out = "created by " + name;
  if (creator_id != 0) out += " in goroutine " + std::to_string(creator_id);
  out += "\n" + loc;
  if (out.back() != '\n') out += "\n";
  return out;
}

std::string FormatGoroutine(const GoroutineRecord& r) {
  std::string out =
      "goroutine " + std::to_string(r.id) + " [" + r.status + "]:\n";
  if (r.running_elsewhere) {
    out += "\tgoroutine running on other thread; stack unavailable\n";
  } else {
    out += FormatFrames(r.pcs.data(), static_cast<int>(r.pcs.size()));
  }
  if (!r.is_main) out += FormatCreatedBy(r.creator_pc, r.creator_id);
  return out;
}

GoroutineRecord CurrentGoroutineRecord(const uintptr_t* pcs, int n) {
  GoroutineRecord r;
  M* m = getm();
  G* gp = (m != nullptr && !m->on_g0) ? m->curg : nullptr;
  if (gp != nullptr) {
    r.id = gp->goid;
    r.is_main = gp->is_main;
    r.creator_id = gp->parent_goid;
    r.creator_pc = gp->gopc;
    r.status = "running";
    if (gp->lockedm != nullptr) r.status += ", locked to thread";
  } else {
    r.status = "running";
  }
  r.pcs.assign(pcs, pcs + n);
  return r;
}

std::vector<GoroutineRecord> ListGoroutines(int skip) {
  std::vector<GoroutineRecord> out;
  M* m = getm();
  G* self = (m != nullptr && !m->on_g0) ? m->curg : nullptr;
  if (self != nullptr) {
    uintptr_t pcs[kMaxPcs];
    int n =
        CaptureStack(pcs, kMaxPcs, skip + 1, self->stack_lo, self->stack_hi);
    out.push_back(CurrentGoroutineRecord(pcs, n));
  }
  if (!sched_started()) return out;
  struct Ctx {
    G* self;
    int64_t now;
    std::vector<G*> gs;
  } ctx{self, coarse_nanotime(), {}};
  ForEachG([](G* gp, void* arg) { static_cast<Ctx*>(arg)->gs.push_back(gp); },
           &ctx);
  BeginGoroutineScan();
  for (G* gp : ctx.gs) {
    if (gp == self) continue;
    GoroutineRecord r;
    if (snapshot(gp, ctx.now, &r)) out.push_back(std::move(r));
  }
  EndGoroutineScan();
  return out;
}

std::string FormatAllGoroutines(int64_t except_id) {
  std::vector<GoroutineRecord> all = ListGoroutines(1);
  std::string out;
  for (const GoroutineRecord& r : all) {
    if (except_id != 0 && r.id == except_id) continue;
    if (r.id == 0) continue;  // plain thread
    if (!out.empty()) out += "\n";
    out += FormatGoroutine(r);
  }
  return out;
}

}  // namespace go::runtime::internal

namespace go::runtime {

std::string Stack(bool all) {
  using internal::GoroutineRecord;
  std::vector<GoroutineRecord> list = internal::ListGoroutines(1);
  std::string out;
  for (const GoroutineRecord& r : list) {
    if (r.id == 0) continue;
    if (!out.empty()) out += "\n";
    out += internal::FormatGoroutine(r);
    if (!all) break;
  }
  return out;
}

}  // namespace go::runtime
