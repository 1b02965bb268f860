package optim

import (
	"math/rand/v2"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
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

// BenchmarkMatrixStep is one Run.Step on a 10×10 rank-3 factorisation
// (W₁ 10×3, W₂ 3×10, 60 parameters): the matrix methods beside Adam on the
// same objective, as the ratio to measure.
func BenchmarkMatrixStep(b *testing.B) {
	f, err := hd.NewFactorization(10, 10, 3, hd.GeometricSpectrum(3, 1, 100), 1)
	if err != nil {
		b.Fatal(err)
	}
	start := make([]float64, f.Dim())
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range start {
		start[i] = 0.3 * rng.NormFloat64()
	}
	for _, c := range []struct {
		id string
		lr float64
	}{{"adam", 1e-3}, {"adamw", 1e-3}, {"lion", 1e-3}, {"muon", 1e-3}, {"shampoo", 1e-3}} {
		b.Run(c.id, func(b *testing.B) {
			r := newTestRun(b, f, start, Config{Optimizer: c.id, Hyper: map[string]float64{"lr": c.lr}}, 1)
			b.ReportAllocs()
			for b.Loop() {
				if r.Done() {
					b.StopTimer()
					r.Reset()
					b.StartTimer()
				}
				r.Step()
			}
		})
	}
}
