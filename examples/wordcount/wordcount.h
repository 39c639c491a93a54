// Package wordcount counts words in text: an example library with table-driven
// tests.
#ifndef GOTEST_EXAMPLES_WORDCOUNT_WORDCOUNT_H_
#define GOTEST_EXAMPLES_WORDCOUNT_WORDCOUNT_H_

#include <map>
#include <string>
#include <string_view>

namespace examples::wordcount {

// Count returns how often each whitespace-separated word occurs in text.
std::map<std::string, int> Count(std::string_view text);

}  // namespace examples::wordcount

#endif  // GOTEST_EXAMPLES_WORDCOUNT_WORDCOUNT_H_
