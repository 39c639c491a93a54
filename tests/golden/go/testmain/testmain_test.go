// Go twin of tests/golden/testmain/testmain_test.cc.
package testmain

import (
	"fmt"
	"os"
	"testing"
)

var setUp bool

func TestMain(m *testing.M) {
	fmt.Println("TestMain: setup")
	setUp = true
	code := m.Run()
	fmt.Println("TestMain: teardown, code", code)
	os.Exit(code)
}

func TestSetUp(t *testing.T) {
	if !setUp {
		t.Error("TestMain did not run first")
	}
}

func TestShort(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	t.Log("long mode")
}
