//go:build go1.24

// The same benchmarks with Go 1.24's b.Loop (Go 1.26 runs them too).
package perfbench

import "testing"

func BenchmarkChainLoop(b *testing.B) {
	x := sink + 1
	for b.Loop() {
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
		x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15
	}
	sink = x
}

func BenchmarkEmptyLoop(b *testing.B) {
	for b.Loop() {
	}
}
