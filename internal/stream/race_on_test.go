//go:build race

package stream

// The race detector's bookkeeping slows every goroutine and changes what
// the heap holds, so memory budgets are measured without it (make test runs
// TestSlowReadersMemory once more, without -race).
const raceEnabled = true
