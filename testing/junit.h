// JUnit XML reports of a test run: what `bazel test` reads from
// $XML_OUTPUT_FILE (and CI systems such as Jenkins or GitLab read from
// `-test.junitfile=FILE`), so that each test and subtest shows up as its own
// result with its time, its failure log or its skip reason, instead of one
// opaque log per binary.
//
// The document (validated by tests/bazel/junit.xsd):
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <testsuites tests="3" failures="1" errors="0" time="0.012">
//     <testsuite name="//pkg:x_test" tests="3" failures="1" errors="0"
//                skipped="1" time="0.012" timestamp="2026-11-29T01:02:03">
//       <testcase name="TestA" classname="//pkg:x_test" time="0.001"
//                 status="run" result="completed"/>
//       <testcase name="TestA/sub_case" ...>
//         <failure message="x_test.cc:12: got 1, want 2" type="">
//           <![CDATA[x_test.cc:12: got 1, want 2 ...]]></failure>
//       </testcase>
//       <testcase name="TestB" ... result="skipped">
//         <skipped message="x_test.cc:20: needs a network"/>...
//
// Every test and subtest is a flat <testcase> named with its full Go name
// ("TestA/sub_case#01"), as rules_go's json2xml does. Times are seconds with
// three decimals, ALWAYS with a decimal point: Bazel's TestXmlOutputParser
// reads a time without '.' as milliseconds. Text is made well-formed XML 1.0
// whatever the tests logged (invalid UTF-8 and control characters replaced,
// "]]>" split across CDATA sections). The file is complete or absent: it is
// written to a temporary file beside it and renamed.
//
// The recorder is off unless Enable was called (one branch per test
// otherwise). When the run is cut short (a panic, -timeout, SIGTERM from
// Bazel's timeout, exit() in a test), Abort writes the report with the tests
// that were still running marked as errors carrying the reason, so Bazel still
// shows which test hung or crashed.

#ifndef GOTEST_TESTING_JUNIT_H_
#define GOTEST_TESTING_JUNIT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace go::testing::internal {

struct State;

// ---- Rendering (pure; unit-tested) ----

// Seconds with three decimals and always a '.', from nanoseconds: "0.012".
std::string JUnitTime(int64_t ns);

// Text made safe for XML 1.0: invalid UTF-8 becomes U+FFFD, and characters
// XML 1.0 forbids even as references (C0 controls other than tab, newline and
// carriage return; U+FFFE, U+FFFF) become "\x01"-style escapes.
std::string XmlSanitize(std::string_view s);

// An attribute value (without the quotes): sanitized, with & < > " escaped
// and tab, newline and carriage return as character references (so that a
// parser's attribute normalization keeps them).
std::string XmlAttr(std::string_view s);

// Character data as one or more CDATA sections: sanitized, "]]>" split.
std::string XmlCData(std::string_view s);

// One <testcase>.
struct JUnitCase {
  std::string name;  // full Go name
  int64_t duration_ns = 0;
  enum class Result {
    kPassed,
    kFailed,
    kSkipped,
    kError
  } result = Result::kPassed;
  std::string message;  // failure/skip/error message attribute
  std::string log;      // the body (the test's log)
};

struct JUnitSuite {
  std::string name;       // the package ($GOTEST_PACKAGE, $TEST_TARGET, ...)
  std::string timestamp;  // ISO 8601, UTC, no zone suffix
  int64_t duration_ns = 0;
  std::vector<JUnitCase> cases;
};

std::string RenderJUnit(const JUnitSuite& suite);

// Writes `content` to `path` through a temporary file in the same directory
// and a rename: the file is complete or absent. Returns "" or an error.
std::string WriteFileAtomically(const std::string& path,
                                std::string_view content);

// ---- The recorder (the runner calls these) ----

// Starts recording; the report goes to `path` at Finish/Abort.
void JUnitEnable(std::string path, std::string suite_name);
bool JUnitEnabled();

// A test or subtest started running (s->name is set).
void JUnitStart(State* s);
// s logged `text` (with its file:line prefix); called with s->mu held.
void JUnitLog(State* s, std::string_view text);
// s has finished and reported (its result and duration are final).
void JUnitEnd(State* s);
// An example ran; `fail` is its got/want text when it failed.
void JUnitExample(std::string_view name, bool passed, int64_t ns,
                  std::string_view fail);

// The run finished normally: writes the report (once; later calls do
// nothing). A failure to write it is reported on stderr.
void JUnitFinish();
// The run is being cut short by `reason` (e.g. "panic: test timed out after
// 1m0s"): tests still running become errors with that message. Writes the
// report once; safe to call from any thread (not from a signal handler).
void JUnitAbort(std::string_view reason);

}  // namespace go::testing::internal

#endif  // GOTEST_TESTING_JUNIT_H_
