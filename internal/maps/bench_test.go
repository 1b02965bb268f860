package maps

import (
	"context"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// stepLoop is the reference: the same number of Run.Step calls on one
// goroutine, with a Reset every steps (what the engine costs without the
// map around it).
func stepLoop(b *testing.B, obj landscape.Objective, start []float64, cfg optim.Config, cells, steps int) {
	r, err := optim.NewRun(obj, start, cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	for range cells {
		r.Reset()
		for k := 0; k < steps && !r.Done(); k++ {
			r.Step()
		}
	}
}

// BenchmarkHyperMap64 is the 64×64 map of 200-step momentum runs
// on Rosenbrock (819 200 steps) over GOMAXPROCS workers; "ref" is the
// same steps in a plain loop on one goroutine. The README quotes both.
func BenchmarkHyperMap64(b *testing.B) {
	sc := buildScene(b, landscape.Spec{ID: "rosenbrock"}, nil, scene.RunSpec{Optimizer: "momentum"})
	j, err := NewHyperJob(sc, 0, HyperParams{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := j.Compute(context.Background(), Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ref", func(b *testing.B) {
		cfg := sc.Runs[0].Config()
		cfg.Hyper = map[string]float64{"lr": 1e-4}
		for b.Loop() {
			stepLoop(b, sc.Obj, sc.Start, cfg, j.Cells(), j.steps)
		}
	})
}

// BenchmarkBasins128 is the 128×128 map of 200-step runs on
// Himmelblau (3.3M steps) for gradient descent and Newton's method; "ref"
// is gradient descent's steps in a plain loop on one goroutine.
func BenchmarkBasins128(b *testing.B) {
	for _, id := range []string{"gd", "newton"} {
		sc := buildScene(b, landscape.Spec{ID: "himmelblau"}, nil, scene.RunSpec{Optimizer: id})
		j, err := NewBasinJob(sc, 0, BasinParams{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := j.Compute(context.Background(), Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("ref", func(b *testing.B) {
		sc := buildScene(b, landscape.Spec{ID: "himmelblau"}, nil, scene.RunSpec{Optimizer: "gd"})
		cfg := sc.Runs[0].Config()
		cfg.Hyper = map[string]float64{"lr": 1e-4} // never converges early: every step runs
		for b.Loop() {
			stepLoop(b, sc.Obj, []float64{0, 0}, cfg, 128*128, 200)
		}
	})
}
