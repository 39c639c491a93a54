// Command runtimebench is the Go side of tests/perf/runtime/compare.py: the same
// scheduler microbenchmarks as runtime_gotest.cc and runtime_boost_fiber.cc.
//
//	go run . -bench=spawn -procs=2
//
// prints one line: "<bench>\t<procs>\t<wall ns/op>\t<cpu ns/op>\t<extra>".
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssBytes reads the resident set size from /proc/self/statm.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		panic(err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// spawn: start n goroutines that do nothing and wait for all of them.
func spawn(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
	}
	wg.Wait()
}

// yield: two goroutines each call Gosched n/2 times.
func yield(n int) {
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			for i := 0; i < n/2; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// parked: n goroutines block on one channel; returns RSS growth per goroutine.
func parked(n int) float64 {
	runtime.GC()
	before := rssBytes()
	ch := make(chan struct{})
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-ch
			done.Done()
		}()
	}
	started.Wait()
	after := rssBytes()
	close(ch)
	done.Wait()
	return float64(after-before) / float64(n)
}

// pingpong: n round trips over two unbuffered channels.
func pingpong(n int) {
	ping, pong := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for i := 0; i < n; i++ {
			pong <- <-ping
		}
		wg.Done()
	}()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	wg.Wait()
}

// buffered: producer/consumer over a channel with capacity 128, n items.
func buffered(n int) {
	c := make(chan int, 128)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for i := 0; i < n; i++ {
			c <- i
		}
		wg.Done()
	}()
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-c
	}
	wg.Wait()
	if sum != n*(n-1)/2 {
		panic("bad sum")
	}
}

// select2: n selects over two unbuffered channels fed by two producers.
func select2(n int) {
	a, b := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		for i := 0; i < n/2; i++ {
			a <- i
		}
		wg.Done()
	}()
	go func() {
		for i := 0; i < n-n/2; i++ {
			b <- i
		}
		wg.Done()
	}()
	got := 0
	for i := 0; i < n; i++ {
		select {
		case <-a:
			got++
		case <-b:
			got++
		}
	}
	wg.Wait()
	if got != n {
		panic("bad count")
	}
}

// ring: a token passed n hops around a ring of 1000 goroutines.
func ring(n int) {
	const g = 1000
	c := make([]chan int, g)
	for i := range c {
		c[i] = make(chan int)
	}
	var wg sync.WaitGroup
	for k := 1; k < g; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for {
				v := <-c[k]
				c[(k+1)%g] <- v
				if v < 0 {
					return
				}
			}
		}(k)
	}
	for lap := 0; lap < n/g; lap++ {
		c[1] <- lap
		<-c[0]
	}
	c[1] <- -1
	<-c[0]
	wg.Wait()
}

// mutex: 4 goroutines contending on one Mutex, n lock/unlock pairs in all.
func mutex(n int) {
	var mu sync.Mutex
	counter := 0
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			for i := 0; i < n/4; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// rwmutex: 4 goroutines on one RWMutex, 1% of the operations writes.
func rwmutex(n int) {
	var mu sync.RWMutex
	counter := 0
	// The readers publish what they read, as the C++ twin does: with r
	// discarded, Go's compiler deletes the read of counter from the loop.
	var reads atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			r := 0
			for i := 0; i < n/4; i++ {
				if i%100 == 0 {
					mu.Lock()
					counter++
					mu.Unlock()
				} else {
					mu.RLock()
					r += counter
					mu.RUnlock()
				}
			}
			reads.Add(int64(r))
			wg.Done()
		}()
	}
	wg.Wait()
}

// waitgroup: spawn+join in batches of 100 goroutines, n goroutines in all.
func waitgroup(n int) {
	var wg sync.WaitGroup
	for done := 0; done < n; done += 100 {
		wg.Add(100)
		for i := 0; i < 100; i++ {
			go wg.Done()
		}
		wg.Wait()
	}
}

// sleep: n sleeps of 1ms; returns the mean lateness in ns.
func sleep(n int) float64 {
	t0 := time.Now()
	for i := 0; i < n; i++ {
		time.Sleep(time.Millisecond)
	}
	return float64(time.Since(t0).Nanoseconds())/float64(n) - 1e6
}

func main() {
	bench := flag.String("bench", "spawn", "spawn | yield | parked | pingpong | buffered | select2 | ring | mutex | rwmutex | waitgroup | sleep")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	n := flag.Int("n", 0, "operations (0: the benchmark's default times -scale)")
	scale := flag.Int("scale", 1, "multiplies the default operations (long runs see preemption)")
	flag.Parse()
	if *scale < 1 {
		fmt.Fprintln(os.Stderr, "-scale must be a positive integer")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(*procs)
	defaults := map[string]int{"spawn": 100000, "yield": 2000000, "parked": 1000000,
		"pingpong": 500000, "select2": 500000, "buffered": 2000000, "ring": 2000000,
		"mutex": 4000000, "rwmutex": 4000000, "waitgroup": 200000, "sleep": 300}
	if *bench == "parked" {
		*scale = 1 // a memory figure
	}
	if *n == 0 {
		*n = defaults[*bench] * *scale
	}
	extra := ""
	wall0, cpu0 := time.Now(), cpuTime()
	switch *bench {
	case "spawn":
		spawn(*n)
	case "yield":
		yield(*n)
	case "parked":
		extra = fmt.Sprintf("%.0f", parked(*n))
	case "pingpong":
		pingpong(*n)
	case "buffered":
		buffered(*n)
	case "select2":
		select2(*n)
	case "ring":
		ring(*n)
	case "mutex":
		mutex(*n)
	case "rwmutex":
		rwmutex(*n)
	case "waitgroup":
		waitgroup(*n)
	case "sleep":
		extra = fmt.Sprintf("%.0f", sleep(*n))
	default:
		fmt.Fprintf(os.Stderr, "unknown -bench %q\n", *bench)
		os.Exit(2)
	}
	wall, cpu := time.Since(wall0), cpuTime()-cpu0
	fmt.Printf("%s\t%d\t%.1f\t%.1f\t%s\n", *bench, *procs,
		float64(wall.Nanoseconds())/float64(*n), float64(cpu.Nanoseconds())/float64(*n), extra)
}
