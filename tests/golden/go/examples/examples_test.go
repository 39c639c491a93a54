// Go twin of tests/golden/examples/examples_test.cc.
package examples

import (
	"fmt"
	"testing"
)

func TestFirst(t *testing.T) {}

func ExamplePass() {
	fmt.Println("hello")
	fmt.Println("  world  ")
	// Output:
	// hello
	//   world
}

func ExampleFail() {
	fmt.Println("got this")
	// Output:
	// wanted that
}

func ExampleUnordered() {
	fmt.Println("b")
	fmt.Println("a")
	fmt.Println("c")
	// Unordered output:
	// a
	// b
	// c
}

func ExampleUnorderedFail() {
	fmt.Println("x")
	fmt.Println("y")
	// Unordered output:
	// y
	// z
}

func ExampleEmpty() {
	// Output:
}

func ExampleNotRun() {
	panic("compiled only")
}
