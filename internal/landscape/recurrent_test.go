package landscape

import (
	"math"
	"testing"
)

// The recurrent loss shows 8.2.6: along u = 1, the gradient grows without
// bound for |w| > 1 and is modest for |w| < 1, and the loss climbs a cliff.
func TestRecurrentExplodesBeyondOne(t *testing.T) {
	r := NewRecurrent(30)
	norm := func(w float64) float64 {
		g := make([]float64, 2)
		r.Grad(g, []float64{w, 1})
		return math.Hypot(g[0], g[1])
	}
	inside, outside := norm(0.8), norm(1.2)
	if outside < 1e3*inside {
		t.Errorf("|∇J| at w = 1.2 is %v, at w = 0.8 %v: want an explosion ≥ 1e3", outside, inside)
	}
	if r.Value([]float64{1, 1}) > 1e-20 {
		t.Errorf("the teacher (1, 1) has loss %v, want 0", r.Value([]float64{1, 1}))
	}
	// A longer sequence explodes harder at the same w.
	long := NewRecurrent(60)
	g30, g60 := make([]float64, 2), make([]float64, 2)
	r.Grad(g30, []float64{1.2, 1})
	long.Grad(g60, []float64{1.2, 1})
	if math.Abs(g60[0]) < 1e3*math.Abs(g30[0]) {
		t.Errorf("∂J/∂w at w = 1.2: T = 60 gives %v, T = 30 %v; the product of Jacobians should grow like 1.2^T", g60[0], g30[0])
	}
}

// For |w| < 1 the gradient forgets the start of the sequence: the loss's
// sensitivity to the first input, found by perturbing it, is w^(T−1) times
// that to the last.
func TestRecurrentGradientVanishesOverTime(t *testing.T) {
	const T = 30
	r := NewRecurrent(T)
	w, u := 0.7, 1.0
	// ∂h_T/∂x_t by finite differences of the forward map itself.
	sens := func(t0 int) float64 {
		run := func(eps float64) float64 {
			var h float64
			for t, v := range recurrentInputs[0][:r.T] {
				if t == t0 {
					v += eps
				}
				h = w*h + u*v
			}
			return h
		}
		return (run(1e-3) - run(-1e-3)) / 2e-3
	}
	first, last := sens(0), sens(T-1)
	if want := math.Pow(w, T-1); math.Abs(first/last-want) > 1e-6*want+1e-12 {
		t.Errorf("sensitivity to x_1 / to x_T = %v, want w^(T−1) = %v", first/last, want)
	}
}
