#include "cmd/gotest/output.h"

namespace gotest {

void OrderedOutput::Write(size_t i, absl::string_view s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (i == head_) {
    fwrite(s.data(), 1, s.size(), out_);
    fflush(out_);
    return;
  }
  slots_[i].held.append(s.data(), s.size());
}

void OrderedOutput::Finish(size_t i) {
  std::lock_guard<std::mutex> lock(mu_);
  slots_[i].done = true;
  FlushLocked();
}

void OrderedOutput::FlushLocked() {
  while (head_ < slots_.size()) {
    Slot& s = slots_[head_];
    if (!s.held.empty()) {
      fwrite(s.held.data(), 1, s.held.size(), out_);
      s.held.clear();
      s.held.shrink_to_fit();
    }
    if (!s.done) break;
    head_++;
  }
  fflush(out_);
}

}  // namespace gotest
