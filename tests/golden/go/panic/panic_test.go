// Go twin of tests/golden/panic/panic_test.cc: the same tests on the same
// lines, so that real Go's output is the expected output of the C++ one.
package panic

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"
)

func TestBefore(t *testing.T) { t.Log("runs before the panic") }

func TestPanics(t *testing.T) {
	t.Cleanup(func() { fmt.Println("cleanup runs while panicking") })
	t.Log("about to panic")
	panic(errors.New("boom"))
}

func TestNestedPanic(t *testing.T) {
	t.Cleanup(func() { fmt.Println("parent cleanup") })
	t.Run("sub", func(t *testing.T) {
		t.Run("deeper", func(t *testing.T) {
			t.Log("deep log")
			panic(errors.New("deep boom"))
		})
	})
}

func TestGoexit(t *testing.T) {
	t.Log("calling Goexit")
	runtime.Goexit()
}

func TestExit0(t *testing.T) {
	os.Exit(0)
}

func TestParallelTwice(t *testing.T) {
	t.Parallel()
	t.Parallel()
}

func TestSetenvParallel(t *testing.T) {
	t.Setenv("GOTEST_GOLDEN", "1")
	t.Parallel()
}

func TestAfter(t *testing.T) { t.Log("never runs") }
