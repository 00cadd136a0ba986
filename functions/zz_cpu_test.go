package functions

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZCPU(t *testing.T) {
	run := func(name string, n int, f func()) {
		f()
		start := cpuNow()
		for i := 0; i < n; i++ {
			f()
		}
		fmt.Printf("%-24s %8.0f ns cpu/op\n", name, float64(cpuNow()-start)/float64(n))
	}
	d, in := benchParams(), benchUsers(20)
	run("validate20", 20000, func() { Validate(d, in) })
	in2 := benchUsers(200)
	run("validate200", 2000, func() { Validate(d, in2) })
	rd, recs := benchReturns(), benchRecords(100)
	run("return100", 5000, func() { CleanReturn(rd, recs) })
	recs2 := benchRecords(1000)
	run("return1000", 500, func() { CleanReturn(rd, recs2) })
}
