// The leak check catches Quote's leak: the test that timed out fails with the
// leaked goroutine's stack. (Tagged manual in BUILD: it fails on purpose.)

#include "docs/leaks/quote_service.h"

#include "testing/testing.h"

GO_TEST(TestQuote, t) {
  if (quotes::Quote("GOOG", absl::Milliseconds(1), absl::Seconds(10)) != 400) {
    t->Error("wrong price");
  }
}

GO_TEST(TestQuoteTimeout, t) {
  if (quotes::Quote("GOOG", absl::Milliseconds(5), absl::Milliseconds(1))) {
    t->Error("want a timeout");
  }
}
