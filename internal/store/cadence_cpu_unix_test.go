//go:build unix

package store_test

import (
	"syscall"
	"time"
)

// cadenceProcessCPU is the CPU time (user and system) the process has used
// so far, so that benchmarks on a shared machine can report it beside wall
// time.
func cadenceProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
