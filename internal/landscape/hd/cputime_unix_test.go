//go:build unix

package hd_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used on all its
// threads: beside a benchmark's wall time it shows the work done whatever
// else loads the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
