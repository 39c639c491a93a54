#include "testing/chatty.h"

#include "absl/strings/str_cat.h"
#include "testing/state.h"

namespace go::testing::internal {

void Chatty::Updatef(std::string_view test_name, std::string_view text) {
  std::lock_guard<std::mutex> l(mu_);
  last_name_.assign(test_name.data(), test_name.size());
  if (json_) {
    std::string s;
    s.reserve(text.size() + 1);
    s.push_back(kMarker);
    s.append(text.data(), text.size());
    WriteStdout(s);
  } else {
    WriteStdout(text);
  }
}

void Chatty::Printf(std::string_view test_name, std::string_view text) {
  std::lock_guard<std::mutex> l(mu_);
  if (last_name_.empty()) {
    last_name_.assign(test_name.data(), test_name.size());
  } else if (last_name_ != test_name) {
    std::string line(Prefix());
    line.append("=== NAME  ");
    line.append(test_name.data(), test_name.size());
    line.push_back('\n');
    WriteStdout(line);
    last_name_.assign(test_name.data(), test_name.size());
  }
  WriteStdout(text);
}

}  // namespace go::testing::internal
