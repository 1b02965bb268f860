//go:build unix

package zoo

import "syscall"

// cpuSeconds is the CPU time this process has used (user + system): on a
// machine shared with other work, CPU seconds over wall seconds say how
// many cores a run kept busy whatever the others took.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
