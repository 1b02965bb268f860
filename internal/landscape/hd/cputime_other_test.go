//go:build !unix

package hd_test

import "time"

// cpuTime is unknown here; the benchmarks then report 0 CPU seconds.
func cpuTime() time.Duration { return 0 }
