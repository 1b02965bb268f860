package scene

import (
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

// stepsToMinimum is the first step at which run 0 of s is within tol of one
// of the objective's minima, or -1 within n steps.
func stepsToMinimum(s *Scene, n int, tol float64) int {
	near := func(th []float64) bool {
		for _, m := range s.Info.Minima {
			if math.Hypot(th[0]-m[0], th[1]-m[1]) < tol {
				return true
			}
		}
		return false
	}
	r := s.Runs[0]
	for k := 0; k <= n; k++ {
		if near(r.Current().Theta) {
			return k
		}
		if r.Done() {
			return -1
		}
		r.Step()
	}
	return -1
}

func defaultOf(t *testing.T, id, name string) float64 {
	for _, info := range optim.Catalogue() {
		if info.ID != id {
			continue
		}
		for _, h := range info.Hyper {
			if h.Name == name {
				return h.Default
			}
		}
	}
	t.Fatalf("%s has no %s", id, name)
	return 0
}

// With the suggested rate, a method reaches the objective's minimum within
// a classroom's patience (N steps), where the chapter's default does not:
// Adam's ε = 0.001 crawls 0.001 a step across domains several units wide.
func TestSuggestedRateWinsWhereTheDefaultLoses(t *testing.T) {
	const n, tol = 300, 1e-2
	for _, tc := range []struct{ objective, optimizer string }{
		{"quadratic", "adam"},
		{"himmelblau", "adam"},
		{"himmelblau", "rmsprop"},
		{"quadratic", "gd"},
		{"quadratic", "momentum"},
	} {
		t.Run(tc.objective+"/"+tc.optimizer, func(t *testing.T) {
			build := func(lr float64) *Scene {
				s, err := Build(Request{Objective: landscape.Spec{ID: tc.objective},
					Runs: []RunSpec{{Optimizer: tc.optimizer, Hyper: Hyper{Num: map[string]float64{"lr": lr}}}}})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			def := defaultOf(t, tc.optimizer, "lr")
			sg, ok := build(def).Suggest().Optimizers[tc.optimizer]
			if !ok {
				t.Fatalf("no suggestion for %s", tc.optimizer)
			}
			lr := sg.Hyper["lr"]
			kSug, kDef := stepsToMinimum(build(lr), n, tol), stepsToMinimum(build(def), n, tol)
			t.Logf("suggested ε = %g (%s): %d steps; default ε = %g: %d", lr, sg.Rule, kSug, def, kDef)
			if kSug < 0 {
				t.Errorf("with the suggested ε = %g the run is not within %g of a minimum in %d steps", lr, tol, n)
			}
			if kDef >= 0 {
				t.Errorf("the default ε = %g reaches the minimum in %d steps: the test shows nothing", def, kDef)
			}
		})
	}
}
