// The Go side of tests/perf/bench/compare.py: the same two benchmarks as
// ours.cc and gbench.cc, in Go's b.N style (Go 1.19 and later).
package perfbench

import "testing"

var sink uint64

// The dependent-arithmetic chain: five steps of xor-shift-multiply, each
// needing the previous result (about 5 cycles a step), which no compiler
// can fold or vectorize. The same arithmetic is in ours.cc and gbench.cc.
func BenchmarkChain(b *testing.B) {
	x := sink + 1
	for i := 0; i < b.N; i++ {
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
	}
	sink = x
}

func BenchmarkEmpty(b *testing.B) {
	for i := 0; i < b.N; i++ {
	}
}
