package stream

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
)

// BenchmarkRoomFanout: one frame of a 4-run scene from the driver to n
// followers' outboxes, each taken by its writer. A frame is encoded once
// per room, so the bytes allocated per frame per follower go to 0 as the
// room grows (B/frame/follower; compare n=1 with n=1000).
func BenchmarkRoomFanout(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("followers=%d", n), func(b *testing.B) {
			srv := New(Options{})
			driver := &session{srv: srv, out: newOutbox(DefaultMaxQueued, DefaultMaxPendingPerRun)}
			h := srv.rooms.open(driver)
			defer h.close("")
			fls := make([]*session, n)
			for i := range fls {
				fls[i] = &session{srv: srv, out: newOutbox(DefaultMaxQueued, DefaultMaxPendingPerRun)}
				if _, err := h.join(fls[i]); err != nil {
					b.Fatal(err)
				}
				fls[i].out.take()
			}
			f := benchFrame(4)
			fanout := func() {
				h.fromDriver("frame", nil, f)
				for _, ss := range fls {
					for range ss.out.take() {
					}
				}
			}
			for range 100 { // the outboxes' queues reach their working size
				fanout()
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				fanout()
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			perFrame := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
			b.ReportMetric(perFrame, "B/frame")
			b.ReportMetric(perFrame/float64(n), "B/frame/follower")
		})
	}
}

// benchFrame is one tick of runs runs at 60 steps/s: one full point each.
func benchFrame(runs int) *frame {
	f := &frame{t: 1.7e12, runs: make([][]scene.Point, runs)}
	for r := range f.runs {
		f.runs[r] = []scene.Point{{Run: r, K: 100, XY: []float64{0.123456789, -1.23456789}, Loss: 0.5,
			Grad: []float64{0.1, 0.2}, GradNorm: 0.2236, Update: []float64{-0.001, -0.002}, LR: 0.01,
			State: scene.State{{Name: "velocity", V: []float64{0.01, 0.02}}}}}
	}
	return f
}
