package stream

import (
	"fmt"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/scene"
	jsonwire "github.com/saddle-viz/saddle/internal/wire"
)

// BenchmarkSessionFrame is one live session's frame without the network:
// the load benchmark's scene (gd, momentum, nesterov and adam on
// Rosenbrock) stepped once, its frame queued, taken by the writer and
// encoded. The reference is the engine alone: the four Run.Step calls.
func BenchmarkSessionFrame(b *testing.B) {
	c, err := parse([]byte(`{"type":"start","objective":{"id":"rosenbrock"},"start":[-1.2,1],"seed":1,` +
		`"steps_per_second":60,"max_steps":100000,"runs":[{"optimizer":"gd","hyper":{"lr":0.0005}},` +
		`{"optimizer":"momentum","hyper":{"lr":0.0002}},{"optimizer":"nesterov","hyper":{"lr":0.0002}},` +
		`{"optimizer":"adam","hyper":{"lr":0.01}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	sc, err := scene.Build(c.(startCmd).req)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("steps alone", func(b *testing.B) {
		for b.Loop() {
			for _, r := range sc.Runs {
				r.Step()
			}
		}
	})
	b.Run("frame", func(b *testing.B) {
		out := newOutbox(DefaultMaxQueued, DefaultMaxPendingPerRun)
		e := newEngine(New(Options{}), out, func(err error) { b.Fatal(err) })
		e.sc, e.maxSteps = sc, 100000000
		e.ended = make([]bool, len(sc.Runs))
		var buf []byte
		now := time.Now()
		b.ReportAllocs()
		for b.Loop() {
			for i, r := range sc.Runs {
				if e.ended[i] { // converged: again from the start
					r.Reset()
					e.ended[i] = false
				}
			}
			e.advance(1, now)
			for _, it := range out.take() {
				if it.frame != nil {
					buf = appendFrame(buf[:0], it.frame)
					out.done(it.frame)
				}
			}
		}
		b.ReportMetric(float64(len(buf)), "B/frame")
	})
}

// BenchmarkFrameForms weighs a columnar frame (the form ?format=columns
// gives /api/run: arrays per field) against the frame as it is (a point
// per object), on the load scene's real points: a frame at 60 steps/s (one
// full point a run) and a step command's frame (200 steps a run, the last
// full). Issue 15 §3 asked whether the page would gain from it.
func BenchmarkFrameForms(b *testing.B) {
	c, _ := parse([]byte(`{"type":"start","objective":{"id":"rosenbrock"},"start":[-1.2,1],"seed":1,` +
		`"steps_per_second":60,"max_steps":100000,"runs":[{"optimizer":"gd","hyper":{"lr":0.0005}},` +
		`{"optimizer":"momentum","hyper":{"lr":0.0002}},{"optimizer":"nesterov","hyper":{"lr":0.0002}},` +
		`{"optimizer":"adam","hyper":{"lr":0.01}}]}`))
	for _, n := range []int{1, 200} {
		sc, err := scene.Build(c.(startCmd).req)
		if err != nil {
			b.Fatal(err)
		}
		out := newOutbox(DefaultMaxQueued, 1000)
		e := newEngine(New(Options{}), out, func(err error) { b.Fatal(err) })
		e.sc, e.maxSteps = sc, 100000
		e.ended = make([]bool, len(sc.Runs))
		e.advance(n, time.Now())
		f := out.take()[0].frame
		runs := make([]scene.RunResult, len(f.runs))
		for i, pts := range f.runs {
			runs[i] = scene.RunResult{Optimizer: sc.Request.Runs[i].Optimizer, Points: pts}
		}
		var buf []byte
		b.Run(fmt.Sprintf("steps=%d/rows", n), func(b *testing.B) {
			for b.Loop() {
				buf = appendFrame(buf[:0], f)
			}
			b.ReportMetric(float64(len(buf)), "B/frame")
		})
		b.Run(fmt.Sprintf("steps=%d/columns", n), func(b *testing.B) {
			for b.Loop() {
				buf = jsonwire.AppendRunsColumns(buf[:0], runs)
			}
			b.ReportMetric(float64(len(buf)), "B/frame")
		})
	}
}
