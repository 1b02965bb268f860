package optim

import (
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// runQuadratic steps method id on ½(a·x² + b·y²) from (1, 1) and returns
// the error |θ| along each axis after every step.
func runQuadratic(t *testing.T, id string, hyper map[string]float64, a, b float64, steps int) (ex, ey []float64, run *Run) {
	t.Helper()
	obj := landscape.NewQuadratic(a, b, 0)
	r, err := NewRun(obj, []float64{1, 1}, Config{Optimizer: id, Hyper: hyper}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		st := r.Step()
		ex = append(ex, math.Abs(st.Theta[0]))
		ey = append(ey, math.Abs(st.Theta[1]))
		if r.Done() {
			break
		}
	}
	return ex, ey, r
}

// TestStabilityThreshold: on a quadratic, each method converges when the
// sharpness is just under its threshold and diverges just over it.
func TestStabilityThreshold(t *testing.T) {
	for _, tc := range []struct {
		id    string
		hyper map[string]float64
		rule  string
	}{
		{"gd", map[string]float64{"lr": 0.1}, "2/ε"},
		{"momentum", map[string]float64{"lr": 0.1, "momentum": 0.5}, "(2+2α)/ε"},
		{"momentum", map[string]float64{"lr": 0.01, "momentum": 0.9}, "(2+2α)/ε"},
		{"nesterov", map[string]float64{"lr": 0.1, "momentum": 0.7}, "(2+2α)/((1+2α)ε)"},
	} {
		s := StabilityOf(tc.id, tc.hyper, tc.hyper["lr"])
		if s.Rule != tc.rule || s.Preconditioned {
			t.Errorf("%s: rule %q (preconditioned %v), want %q", tc.id, s.Rule, s.Preconditioned, tc.rule)
		}
		for _, f := range []float64{0.98, 1.02} {
			lambda := f * s.Threshold
			_, ey, _ := runQuadratic(t, tc.id, tc.hyper, 0.1, lambda, 3000)
			grew := ey[len(ey)-1] > 1
			if grew != (f > 1) {
				t.Errorf("%s %v: λ = %.4g·threshold %.4g: |e| after %d steps = %.3g; want it %s", tc.id, tc.hyper, f, s.Threshold, len(ey), ey[len(ey)-1],
					map[bool]string{true: "to grow", false: "to shrink"}[f > 1])
			}
		}
	}
	if s := StabilityOf("adam", map[string]float64{"beta1": 0.9}, 0.01); !s.Preconditioned || math.Abs(s.Threshold-3800) > 1e-9 {
		t.Errorf("adam, β₁ = 0.9, ε = 0.01: threshold %v (preconditioned %v), want 38/ε = 3800, preconditioned", s.Threshold, s.Preconditioned)
	}
	if s := StabilityOf("newton", nil, 0); s.Threshold != 0 {
		t.Errorf("newton: threshold %v, want none", s.Threshold)
	}
}

// TestQuadraticRate: each eigen-component of the error shrinks at the
// rate QuadraticRate says: the measured factor over the last steps of a
// run matches it, for gradient descent and heavy ball, below and above the
// optimal damping (real and complex roots).
func TestQuadraticRate(t *testing.T) {
	for _, tc := range []struct {
		id    string
		hyper map[string]float64
	}{
		{"gd", map[string]float64{"lr": 0.05}},
		{"gd", map[string]float64{"lr": 0.07}}, // steep axis overshoots: 1 − ελ < 0
		{"momentum", map[string]float64{"lr": 0.05, "momentum": 0.5}},
		{"momentum", map[string]float64{"lr": 0.02, "momentum": 0.9}}, // complex roots
		{"nesterov", map[string]float64{"lr": 0.05, "momentum": 0.6}},
	} {
		const a, b, steps = 1.0, 25.0, 400
		ex, ey, _ := runQuadratic(t, tc.id, tc.hyper, a, b, steps)
		for _, c := range []struct {
			lambda float64
			e      []float64
		}{{a, ex}, {b, ey}} {
			want, ok := QuadraticRate(tc.id, tc.hyper, tc.hyper["lr"], c.lambda)
			if !ok {
				t.Fatalf("%s: no rate", tc.id)
			}
			// The geometric mean factor over the second half of the run
			// (over whole oscillations for complex roots; the run stops
			// once ‖g‖ < 1e-8).
			n := len(c.e)
			w := n / 2
			if c.e[n-1] < 1e-280 || w < 40 {
				t.Fatalf("%s λ=%g: the error underflowed, or the run stopped at step %d", tc.id, c.lambda, n)
			}
			got := math.Pow(c.e[n-1]/c.e[n-1-w], 1.0/float64(w))
			if math.Abs(got-want) > 0.01*want {
				t.Errorf("%s %v, λ = %g: measured rate %.5g per step, theory %.5g", tc.id, tc.hyper, c.lambda, got, want)
			}
		}
	}
	if _, ok := QuadraticRate("adam", nil, 0.1, 1); ok {
		t.Error("adam has a fixed quadratic rate?")
	}
}

// TestRunStability: a run's threshold follows its live learning rate, and
// Adam's preconditioner is its per-coordinate factor 1/(√r̂ + δ).
func TestRunStability(t *testing.T) {
	obj := landscape.NewQuadratic(1, 4, 0)
	r, err := NewRun(obj, []float64{1, 1}, Config{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.1}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s, p, ok := r.Stability(); !ok || p != nil || s.Threshold != 20 {
		t.Errorf("gd ε = 0.1 at k = 0: %+v %v %v, want threshold 20", s, p, ok)
	}
	r.Step()
	if err := r.Set(map[string]float64{"lr": 0.25}, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	r.Step()
	if s, _, _ := r.Stability(); s.Threshold != 8 {
		t.Errorf("after set lr = 0.25: threshold %v, want 8", s.Threshold)
	}

	a, err := NewRun(obj, []float64{1, 1}, Config{Optimizer: "adam", Hyper: map[string]float64{"lr": 0.1}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := a.Stability(); ok {
		t.Error("adam before its first step has a preconditioner")
	}
	st := a.Step()
	s, p, ok := a.Stability()
	if !ok || !s.Preconditioned {
		t.Fatalf("adam after a step: %+v ok %v", s, ok)
	}
	for i, g := range []float64{1, 4} { // the gradient at (1, 1); r̂ = g² after one step
		want := 1 / (math.Abs(g) + 1e-8)
		if math.Abs(p[i]-want) > 1e-9*want {
			t.Errorf("P[%d] = %v, want 1/(|g|+δ) = %v (step %d)", i, p[i], want, st.K)
		}
	}
}
