// -json: the test binary writes the test2json event stream itself, the same
// events `go tool test2json -t -p <pkg>` makes of a Go test binary run with
// -test.v=test2json (and so what `go test -json` prints for the package):
//
//   {"Time":"2026-11-28T20:06:34.085258962Z","Action":"start","Package":"pkg"}
//   {"Time":"...","Action":"run","Package":"pkg","Test":"TestX"}
//   {"Time":"...","Action":"output","Package":"pkg","Test":"TestX","Output":"===
//   RUN   TestX\n"}
//   ...
//
// The binary re-runs itself as a child with -test.v=test2json (Go's framing:
// ^V before every harness line) and converts the child's stdout and stderr,
// as cmd/test2json does, so that everything the tests print (and a crash
// report) becomes output events. The package name is $GOTEST_PACKAGE, else
// Bazel's $TEST_TARGET, else the binary's file name.

#ifndef GOTEST_TESTING_JSON_H_
#define GOTEST_TESTING_JSON_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace go::testing::internal {

// cmd/internal/test2json's Converter: text in, JSON events out.
class Test2JSON {
 public:
  // `timestamps`: Time on every event and Elapsed on results (-t).
  Test2JSON(std::function<void(std::string_view)> write, std::string package,
            bool timestamps);
  void Write(std::string_view b);
  // The process ended: exit status 0 or not.
  void Exited(bool ok);
  // Flushes buffered text and writes the package's final event.
  void Close();

 private:
  struct Event {
    std::string action;
    std::string test;
    bool has_elapsed = false;
    double elapsed = 0;
    bool has_output = false;
    std::string output;
    std::string key, value, path;
  };
  // Go's lineBuffer.
  struct LineBuffer {
    std::string b;
    size_t cap;
    bool mid = false;
    std::function<void(std::string_view)> line;
    std::function<void(std::string_view)> part;
    void Write(std::string_view data);
    void Flush();
  };
  void HandleInputLine(std::string_view line);
  void FlushReport(size_t depth);
  void WriteOutputEvent(std::string_view out);
  void WriteEvent(Event e);

  std::function<void(std::string_view)> write_;
  std::string pkg_;
  bool timestamps_;
  int64_t start_ns_;
  std::string test_name_;
  std::vector<Event> report_;
  std::string result_;
  LineBuffer input_;
  LineBuffer output_;
  bool need_marker_ = false;
};

// The package name of events and reports: $GOTEST_PACKAGE, else Bazel's
// $TEST_TARGET, else the binary's file name.
std::string PackageName(const char* argv0);

// Runs the binary again with -test.v=test2json and converts its output to
// stdout. Returns the exit status (0 passed, 1 otherwise).
int RunJSON(int argc, char** argv);

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_JSON_H_
