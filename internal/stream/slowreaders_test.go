package stream

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/scene"
)

// slowReaderBudget is what one page that never reads may cost the server
// while it is still connected (README, "Reliability"): a waiting frame of
// at most MaxPendingPerRun points per run, the message the writer is stuck
// on, and its goroutines; the 512² landscape (4.7 MB encoded) is shared by
// every page that views it.
const slowReaderBudget = 2 << 20

// liveHeap is the heap a collection found live. Not MemStats.HeapAlloc: that
// adds what was allocated since, and 30 pages stepping 10 000 times a second
// allocate megabytes between a collection and the read on a loaded machine
// (the measure then grew with the load, not with what a page holds).
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Pages that never read a fast scene with a 512² view cost the server a
// bounded amount each, measured inside the process (live heap after a
// collection), not by RSS over time.
func TestSlowReadersMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens many sessions")
	}
	if raceEnabled {
		t.Skip("memory is measured without the race detector (make test runs this test without -race too)")
	}
	const n = 30
	srv, ts := newTestServer(t, Options{PingInterval: -1, IdleTimeout: -1, WriteTimeout: 10 * time.Minute})
	before := liveHeap()
	view := map[string]any{"x": []float64{-3, 3}, "y": []float64{-3, 3}, "nx": 512, "ny": 512}
	for range n {
		conn, _, err := websocket.Dial(context.Background(), wsURL(ts), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.CloseNow()
		c := &client{t: t, conn: conn} // and never read
		runs := []scene.RunSpec{gd(1e-4), gd(2e-4), gd(3e-4), gd(4e-4)}
		c.send(startMsgOf(quadraticScene(runs...), map[string]any{"steps_per_second": 10000, "max_steps": 100000, "view": view}))
	}
	// Every page is behind: its frames are being merged and thinned.
	waitFor(t, "every page to fall behind", func() bool {
		st := srv.stats()
		if len(st) != n {
			return false
		}
		for _, s := range st {
			if s.Thinned == 0 || s.Merges < 20 {
				return false
			}
		}
		return true
	})
	after := liveHeap()
	if live := srv.Live(); live != n {
		t.Fatalf("%d of %d slow pages still connected: the measure needs them all", live, n)
	}
	per := (int64(after) - int64(before)) / n
	t.Logf("%d slow pages: %.2f MB of live heap each", n, float64(per)/(1<<20))
	if per > slowReaderBudget {
		t.Errorf("a slow page holds %.2f MB, over the %.1f MB budget", float64(per)/(1<<20), float64(slowReaderBudget)/(1<<20))
	}
}
