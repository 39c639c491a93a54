// Go twin of tests/golden/basic/basic_test.cc: the same tests on the same
// lines, so that real Go's output is the expected output of the C++ one.
package basic

import (
	"fmt"
	"os"
	"testing"

	// (blank lines keep the lines of the C++ twin)
)

func TestPass(t *testing.T) {
	t.Log("passing test log")
}

func TestFail(t *testing.T) {
	t.Error("first error")
	t.Errorf("formatted %d %s", 42, "words")
	t.Log("multi\nline\nlog")
}

func TestSkip(t *testing.T) {
	t.Skip("skipping for a reason")
}

func TestFailThenSkip(t *testing.T) {
	t.Error("failed first")
	t.Skip("then skipped")
}

func TestLogValues(t *testing.T) {
	t.Log("a", 1, true, nil, 0.1, 1e6, -2.5)
	t.Logf("%v|%d|%5.2f|%q", 7, -3, 3.14159, "hi")
	t.Log("trailing newline\n")
	t.Log("")
	t.Fail()
}

func TestFatal(t *testing.T) {
	defer fmt.Println("deferred print runs")
	t.Fatal("fatal stops the test")
	t.Log("not reached")
}

func check(t *testing.T, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("got %d, want %d", got, want)
	}
}

func checkTwice(t *testing.T, v int) {
	t.Helper()
	check(t, v, 1)
	check(t, v, 2)
}

func TestHelper(t *testing.T) {
	check(t, 1, 2)
	checkTwice(t, 3)
}

func TestCleanupOrder(t *testing.T) {
	t.Cleanup(func() { fmt.Println("cleanup 1") })
	t.Cleanup(func() { fmt.Println("cleanup 2") })
	t.Cleanup(func() { t.Log("cleanup logs") })
	fmt.Println("test body")
	t.Error("fail so logs show")
}

func TestStdout(t *testing.T) {
	fmt.Println("printed to stdout")
}

func TestContext(t *testing.T) {
	ctx := t.Context()
	if ctx.Err() != nil {
		t.Error("canceled early")
	}
	t.Cleanup(func() { t.Log("in cleanup:", ctx.Err()) })
	t.Fail()
}

var lastDir string

func TestEnvAndDirs(t *testing.T) {
	dir := t.TempDir()
	lastDir = dir
	t.Setenv("GOLDEN_VAR", "set")
	t.Chdir(dir)
	if os.Getenv("GOLDEN_VAR") != "set" {
		t.Error("Setenv did not set")
	}
	if wd, _ := os.Getwd(); wd != dir {
		t.Errorf("Chdir: in %s", wd)
	}
	if os.Getenv("PWD") != dir {
		t.Error("PWD not set")
	}
}

func TestEnvRestored(t *testing.T) {
	if _, ok := os.LookupEnv("GOLDEN_VAR"); ok {
		t.Error("GOLDEN_VAR still set")
	}
	if _, err := os.Stat(lastDir); err == nil {
		t.Error("TempDir not removed")
	}
}
