// Go twin of tests/golden/bench/bench_test.cc: the same benchmarks on the
// same lines, so that real Go's output is the expected output of the C++ one.
package bench

import (
	"strconv"
	"testing"
)

// (blank lines keep the lines of the C++ twin)

var sink uint64
var sinkBytes []byte

func chain(x uint64, n int) uint64 {
	for i := 0; i < n; i++ {
		x = x*2862933555777941757 + 3037000493
	}
	return x
}

func TestBeforeBenchmarks(t *testing.T) {
	t.Log("tests run before benchmarks")
}

func BenchmarkPlain(b *testing.B) {
	sink = chain(sink, b.N)
}

func BenchmarkLoop(b *testing.B) {
	x := sink
	for b.Loop() {
		x = chain(x, 1)
	}
	sink = x
}

func BenchmarkSub(b *testing.B) {
	for _, n := range []int{1, 10} {
		b.Run("size="+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink = chain(sink, n)
			}
		})
	}
	b.Run("with space", func(b *testing.B) {
		sink = chain(sink, b.N)
	})
}

func BenchmarkAllocs(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkBytes = make([]byte, 64)
		sink++
	}
}

func BenchmarkBytes(b *testing.B) {
	b.SetBytes(1024)
	for i := 0; i < b.N; i++ {
		sink = chain(sink, 16)
	}
}

func BenchmarkMetric(b *testing.B) {
	sink = chain(sink, b.N)
	b.ReportMetric(42, "widgets/op")
	b.ReportMetric(3.14159, "pi")
	b.ReportMetric(123456789, "big")
	b.ReportMetric(0.000123, "small/op")
}

func BenchmarkNoNsOp(b *testing.B) {
	sink = chain(sink, b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(7, "custom/op")
}

func BenchmarkParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		x := uint64(1)
		for pb.Next() {
			x = chain(x, 1)
		}
		if x == 0 {
			b.Log("never")
		}
	})
}

func BenchmarkFail(b *testing.B) {
	b.Log("about to fail")
	b.Error("benchmark failed")
}

func BenchmarkFatalAfterN(b *testing.B) {
	if b.N > 1 {
		b.Fatal("fails on the timed run")
	}
}

func BenchmarkSkip(b *testing.B) {
	b.Skip("skipping this benchmark")
}

func BenchmarkLog(b *testing.B) {
	if b.N == 1 {
		b.Log("logged on the probe run")
	}
	sink = chain(sink, b.N)
}

func BenchmarkTimer(b *testing.B) {
	b.StopTimer()
	sink = chain(sink, 1000)
	b.StartTimer()
	sink = chain(sink, b.N)
	b.ResetTimer()
	sink = chain(sink, b.N)
}

func BenchmarkSubSkip(b *testing.B) {
	b.Run("skipped", func(b *testing.B) {
		b.Skip("sub skipped")
	})
	b.Run("runs", func(b *testing.B) {
		sink = chain(sink, b.N)
	})
}

func BenchmarkIgnoresN(b *testing.B) {
	sink = chain(sink, 1)
}
