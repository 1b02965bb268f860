//go:build !unix

package zoo

// cpuSeconds is 0 where getrusage is missing: the CPU-time figures of the
// benchmarks read 0 there.
func cpuSeconds() float64 { return 0 }
