// Go twin of tests/golden/subtests/subtests_test.cc: the same tests on the
// same lines, so that real Go's output is the expected output of the C++ one.
package subtests

import (
	"testing"
)

func TestNested(t *testing.T) {
	t.Run("L1a", func(t *testing.T) {
		t.Run("L2a", func(t *testing.T) { t.Log("in L2a") })
		t.Run("L2b", func(t *testing.T) {
			t.Run("L3", func(t *testing.T) { t.Error("deep failure") })
			t.Log("L2b after L3")
		})
	})
	t.Run("L1b", func(t *testing.T) { t.Log("in L1b") })
	t.Log("parent log after subtests")
}

func TestNames(t *testing.T) {
	for _, name := range []string{"with space", "dup", "dup", "dup", "dup#01", "x#01", "x", "x",
		"", "", "tab\there", "new\nline", "nonprint\x00\x7f\u200b", "\u00a0nbsp\u3000ideo", "#00",
		"trailing#", "quote\"s'", "emoji😀", "unicode_héllo_日本", "slash/inside"} {
		t.Run(name, func(t *testing.T) { t.Log(t.Name()) })
	}
}

func TestSubFatal(t *testing.T) {
	t.Run("fatal", func(t *testing.T) {
		t.Fatal("fatal in subtest")
	})
	t.Run("after", func(t *testing.T) { t.Log("sibling still runs") })
	t.Log("parent continues after subtest fatal")
}

func TestRunResult(t *testing.T) {
	ok := t.Run("passes", func(t *testing.T) {})
	bad := t.Run("fails", func(t *testing.T) { t.Fail() })
	t.Logf("Run returned %v and %v", ok, bad)
}

func TestSkipSub(t *testing.T) {
	t.Run("skipped", func(t *testing.T) { t.Skip("not today") })
	t.Run("ran", func(t *testing.T) {})
}

func TestParallel(t *testing.T) {
	for _, name := range []string{"a", "b", "c"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Log("parallel", name)
		})
	}
	t.Log("parent body done")
}

func TestParallelFail(t *testing.T) {
	t.Run("group", func(t *testing.T) {
		t.Run("p1", func(t *testing.T) {
			t.Parallel()
			t.Error("parallel failure")
		})
		t.Run("s1", func(t *testing.T) { t.Log("sequential sibling") })
	})
}

func TestCleanupNested(t *testing.T) {
	t.Cleanup(func() { t.Log("parent cleanup") })
	t.Run("child", func(t *testing.T) {
		t.Cleanup(func() { t.Log("child cleanup") })
		t.Parallel()
		t.Error("child fails")
	})
	t.Log("parent body")
}
