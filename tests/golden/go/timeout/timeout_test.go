// Go twin of tests/golden/timeout/timeout_test.cc.
package timeout

import (
	"testing"
	"time"
)

func TestFast(t *testing.T) {}

func TestSlow(t *testing.T) {
	t.Log("sleeping past the timeout")
	time.Sleep(5 * time.Second)
}

func TestDeadline(t *testing.T) {
	if _, ok := t.Deadline(); !ok {
		t.Error("no deadline")
	}
}
