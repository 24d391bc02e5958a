//go:build unix

package portfolio

import "syscall"

// cpuTime is the CPU time (user and system) the process has used, in
// nanoseconds. Benchmarks report it beside wall time because the machines
// they run on are often shared: CPU per operation does not grow much when
// other processes take the cores; wall time does.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
