package optim

import (
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// BenchmarkStep is one Run.Step of a first-order method on Rosenbrock: the
// cost the live stream pays per optimizer per frame step.
func BenchmarkStep(b *testing.B) {
	for _, c := range []struct {
		id string
		lr float64
	}{{"gd", 1e-4}, {"sgd", 1e-4}, {"momentum", 1e-4}, {"nesterov", 1e-4}, {"adam", 1e-3},
		// beyond the chapter, measured beside adam
		{"adamw", 1e-3}, {"nadam", 1e-3}, {"radam", 1e-4}, {"lion", 1e-3}, {"sam", 1e-4}} {
		b.Run(c.id, func(b *testing.B) {
			r := newTestRun(b, landscape.Rosenbrock{}, []float64{-1.2, 1},
				Config{Optimizer: c.id, Hyper: map[string]float64{"lr": c.lr}}, 1)
			b.ReportAllocs()
			for b.Loop() {
				if r.Done() { // a finished run steps for free: start over, untimed
					b.StopTimer()
					r.Reset()
					b.StartTimer()
				}
				r.Step()
			}
		})
	}
}
