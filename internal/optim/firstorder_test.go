package optim

import (
	"math"
	"slices"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// newTestRun builds a run or stops the test.
func newTestRun(t testing.TB, obj landscape.Objective, start []float64, cfg Config, seed uint64) *Run {
	t.Helper()
	r, err := NewRun(obj, start, cfg, seed)
	if err != nil {
		t.Fatalf("NewRun(%s): %v", cfg.Optimizer, err)
	}
	return r
}

// stateVec returns the state vector called name, or nil.
func stateVec(s *Step, name string) []float64 {
	for _, v := range s.State {
		if v.Name == name {
			return v.V
		}
	}
	return nil
}

func stateNames(s *Step) []string {
	var names []string
	for _, v := range s.State {
		names = append(names, v.Name)
	}
	return names
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

// TestFirstThreeSteps checks every first-order rule against its first three
// steps worked out by hand on J = ½(x² + 10y²) from (1, 1), where g = (x, 10y).
// The axes do not interact, so every per-coordinate rule is worked out one
// coordinate at a time with its curvature λ ∈ {1, 10}: g = λ·θ.
func TestFirstThreeSteps(t *testing.T) {
	sqrt := math.Sqrt
	lambda := [2]float64{1, 10}
	type pts = [3][2]float64
	cases := []struct {
		name  string
		opt   string
		hyper map[string]float64
		want  func() pts
		// a state vector after step 3, and its hand-computed value
		stateName string
		state     [2]float64
	}{
		{
			name: "gd", opt: "gd", hyper: map[string]float64{"lr": 0.05},
			// θ ← (1 − 0.05·λ)θ: x shrinks by 0.95, y by 0.5 per step.
			want: func() pts { return pts{{0.95, 0.5}, {0.95 * 0.95, 0.25}, {0.95 * 0.95 * 0.95, 0.125}} },
		},
		{
			name: "sgd without noise is gd", opt: "sgd", hyper: map[string]float64{"lr": 0.05, "noise": 0},
			want: func() pts { return pts{{0.95, 0.5}, {0.95 * 0.95, 0.25}, {0.95 * 0.95 * 0.95, 0.125}} },
		},
		{
			name: "momentum", opt: "momentum", hyper: map[string]float64{"lr": 0.05, "momentum": 0.5},
			// v1 = −0.05·(1, 10) = (−0.05, −0.5)
			// g2 = (0.95, 5); v2 = 0.5·v1 − 0.05·g2 = (−0.025 − 0.0475, −0.25 − 0.25) = (−0.0725, −0.5)
			// g3 = (0.8775, 0); v3 = (−0.03625 − 0.043875, −0.25 − 0) = (−0.080125, −0.25)
			want: func() pts {
				return pts{{1 - 0.05, 1 - 0.5}, {0.95 - 0.0725, 0.5 - 0.5}, {0.8775 - 0.080125, 0 - 0.25}}
			},
			stateName: "velocity", state: [2]float64{-0.080125, -0.25},
		},
		{
			name: "nesterov", opt: "nesterov", hyper: map[string]float64{"lr": 0.05, "momentum": 0.5},
			// step 1: look-ahead = θ0 (v = 0): like momentum, θ1 = (0.95, 0.5), v1 = (−0.05, −0.5)
			// step 2: look = θ1 + 0.5·v1 = (0.925, 0.25), g = (0.925, 2.5)
			//         v2 = (−0.025 − 0.04625, −0.25 − 0.125) = (−0.07125, −0.375)
			// step 3: look = θ2 + 0.5·v2 = (0.87875 − 0.035625, 0.125 − 0.1875) = (0.843125, −0.0625)
			//         g = (0.843125, −0.625); v3 = (−0.035625 − 0.04215625, −0.1875 + 0.03125)
			want: func() pts {
				return pts{{0.95, 0.5}, {0.95 - 0.07125, 0.5 - 0.375},
					{0.87875 - 0.07778125, 0.125 - 0.15625}}
			},
			stateName: "lookahead", state: [2]float64{0.843125, -0.0625},
		},
		{
			name: "adagrad, δ outside the root", opt: "adagrad", hyper: map[string]float64{"lr": 0.1, "eps": 0.5},
			// r ← r + g²; θ ← θ − 0.1·g/(0.5 + √r). Step 1: r = (1, 100),
			// θ1 = (1 − 0.1/1.5, 1 − 1/10.5) = (14/15, 19/21).
			want: func() (p pts) {
				p[0] = [2]float64{14.0 / 15, 19.0 / 21}
				for i, l := range lambda {
					th, r := p[0][i], l*l
					for k := 1; k < 3; k++ {
						g := l * th
						r += g * g
						th -= 0.1 * g / (0.5 + sqrt(r))
						p[k][i] = th
					}
				}
				return p
			},
		},
		{
			name: "rmsprop, δ inside the root", opt: "rmsprop", hyper: map[string]float64{"lr": 0.1, "rho": 0.5, "eps": 0.25},
			// r ← 0.5r + 0.5g²; θ ← θ − 0.1·g/√(0.25 + r). Step 1: r = (0.5, 50),
			// θ1 = (1 − 0.1/√0.75, 1 − 1/√50.25).
			want: func() (p pts) {
				p[0] = [2]float64{1 - 0.1/sqrt(0.75), 1 - 1/sqrt(50.25)}
				for i, l := range lambda {
					th, r := p[0][i], 0.5*l*l
					for k := 1; k < 3; k++ {
						g := l * th
						r = 0.5*r + 0.5*g*g
						th -= 0.1 * g / sqrt(0.25+r)
						p[k][i] = th
					}
				}
				return p
			},
		},
		{
			name: "rmsprop_nesterov", opt: "rmsprop_nesterov",
			hyper: map[string]float64{"lr": 0.1, "rho": 0.5, "momentum": 0.5, "eps": 0.25},
			// Step 1 (v = 0): r = (0.5, 50), v1 = (−0.1/√0.75, −1/√50.25), θ1 = θ0 + v1.
			// Then: look = θ + 0.5v; g = λ·look; r ← 0.5r + 0.5g²; v ← 0.5v − 0.1g/√(0.25 + r); θ ← θ + v.
			want: func() (p pts) {
				v1 := [2]float64{-0.1 / sqrt(0.75), -1 / sqrt(50.25)}
				p[0] = [2]float64{1 + v1[0], 1 + v1[1]}
				for i, l := range lambda {
					th, v, r := p[0][i], v1[i], 0.5*l*l
					for k := 1; k < 3; k++ {
						g := l * (th + 0.5*v)
						r = 0.5*r + 0.5*g*g
						v = 0.5*v - 0.1*g/sqrt(0.25+r)
						th += v
						p[k][i] = th
					}
				}
				return p
			},
		},
		{
			name: "adam as published", opt: "adam", hyper: map[string]float64{"lr": 0.1, "beta1": 0.5, "beta2": 0.75, "eps": 0.25},
			// Step 1: s = 0.5g, r = 0.25g²; ŝ = s/(1−0.5) = g, r̂ = r/(1−0.75) = g²;
			// Δθ = −0.1·g/(|g| + 0.25): θ1 = (1 − 0.1/1.25, 1 − 1/10.25).
			// Step 2 corrections: 1 − 0.5² = 0.75, 1 − 0.75² = 0.4375;
			// step 3: 1 − 0.5³ = 0.875, 1 − 0.75³ = 0.578125.
			want: func() (p pts) {
				p[0] = [2]float64{1 - 0.1/1.25, 1 - 1/10.25}
				c1 := [3]float64{0.5, 0.75, 0.875}
				c2 := [3]float64{0.25, 0.4375, 0.578125}
				for i, l := range lambda {
					th, s, r := p[0][i], 0.5*l, 0.25*l*l
					for k := 1; k < 3; k++ {
						g := l * th
						s = 0.5*s + 0.5*g
						r = 0.75*r + 0.25*g*g
						th -= 0.1 * (s / c1[k]) / (sqrt(r/c2[k]) + 0.25)
						p[k][i] = th
					}
				}
				return p
			},
		},
		{
			name: "adadelta", opt: "adadelta", hyper: map[string]float64{"rho": 0.5, "eps": 0.01},
			// Step 1: r = 0.5g² = (0.5, 50), s = 0: Δθ = −√0.01/√(r + 0.01)·g
			// = (−0.1/√0.51, −1/√50.01); s ← 0.5s + 0.5Δθ².
			want: func() (p pts) {
				d1 := [2]float64{-0.1 / sqrt(0.51), -1 / sqrt(50.01)}
				p[0] = [2]float64{1 + d1[0], 1 + d1[1]}
				for i, l := range lambda {
					th, r, s := p[0][i], 0.5*l*l, 0.5*d1[i]*d1[i]
					for k := 1; k < 3; k++ {
						g := l * th
						r = 0.5*r + 0.5*g*g
						d := -sqrt(s+0.01) / sqrt(r+0.01) * g
						s = 0.5*s + 0.5*d*d
						th += d
						p[k][i] = th
					}
				}
				return p
			},
		},
		{
			name: "delta-bar-delta grows and shrinks", opt: "delta_bar_delta",
			hyper: map[string]float64{"lr": 0.15, "kappa": 0.01, "phi": 0.5, "theta": 0.75},
			// δ̄ ← 0.25·g + 0.75·δ̄, after the step; a rate changes when δ̄·g ≠ 0, before it.
			// Step 1: δ̄ = 0, rates stay 0.15: θ1 = (1 − 0.15, 1 − 1.5) = (0.85, −0.5); δ̄ = (0.25, 2.5).
			// Step 2: g = (0.85, −5). x agrees: rate 0.16; y flips: rate 0.15·(1 − 0.5) = 0.075.
			//         θ2 = (0.85 − 0.16·0.85, −0.5 + 0.075·5) = (0.714, −0.125);
			//         δ̄ = (0.2125 + 0.1875, −1.25 + 1.875) = (0.4, 0.625).
			// Step 3: g = (0.714, −1.25). x agrees: rate 0.17; y flips again: rate 0.0375.
			want: func() pts {
				return pts{{0.85, -0.5}, {0.85 - 0.16*0.85, -0.5 + 0.075*5}, {0.714 - 0.17*0.714, -0.125 + 0.0375*1.25}}
			},
			stateName: "eff_lr", state: [2]float64{0.17, 0.0375},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTestRun(t, landscape.NewQuadratic(1, 10, 0), []float64{1, 1}, Config{Optimizer: c.opt, Hyper: c.hyper}, 1)
			want := c.want()
			var s *Step
			for k := range 3 {
				s = r.Step()
				if s.Status != Running {
					t.Fatalf("step %d: status %s (%s)", k+1, s.Status, s.Reason)
				}
				for i := range 2 {
					if !near(s.Theta[i], want[k][i], 1e-12) {
						t.Errorf("step %d: θ = %v, want %v", k+1, s.Theta, want[k])
						break
					}
				}
			}
			if c.stateName == "" {
				return
			}
			got := stateVec(s, c.stateName)
			if got == nil {
				t.Fatalf("no state %q; have %v", c.stateName, stateNames(s))
			}
			if !near(got[0], c.state[0], 1e-12) || !near(got[1], c.state[1], 1e-12) {
				t.Errorf("state %s = %v, want %v", c.stateName, got, c.state)
			}
		})
	}
}

// TestEffectiveRates checks eff_lr against the rate each rule multiplies g
// by, with the moments the method itself reports: ε/(δ+√r), ε/√(δ+r),
// ε/(√r̂+δ) and AdaDelta's √(s+δ)/√(r+δ) (with s from before the step).
func TestEffectiveRates(t *testing.T) {
	const lr = 0.1
	cases := []struct {
		opt   string
		hyper map[string]float64
		rate  func(r, sPrev float64, k int) float64
	}{
		{"adagrad", map[string]float64{"lr": lr, "eps": 0.5}, func(r, _ float64, _ int) float64 { return lr / (0.5 + math.Sqrt(r)) }},
		{"rmsprop", map[string]float64{"lr": lr, "eps": 0.5}, func(r, _ float64, _ int) float64 { return lr / math.Sqrt(0.5+r) }},
		{"rmsprop_nesterov", map[string]float64{"lr": lr, "eps": 0.5}, func(r, _ float64, _ int) float64 { return lr / math.Sqrt(0.5+r) }},
		{"adam", map[string]float64{"lr": lr, "eps": 0.5, "beta2": 0.9}, func(r, _ float64, k int) float64 {
			return lr / (math.Sqrt(r/(1-math.Pow(0.9, float64(k)))) + 0.5)
		}},
		{"adadelta", map[string]float64{"eps": 0.5}, func(r, sPrev float64, _ int) float64 { return math.Sqrt(sPrev+0.5) / math.Sqrt(r+0.5) }},
	}
	for _, c := range cases {
		t.Run(c.opt, func(t *testing.T) {
			run := newTestRun(t, landscape.NewQuadratic(1, 10, 30), []float64{1, -2}, Config{Optimizer: c.opt, Hyper: c.hyper}, 1)
			if got := stateVec(run.Current(), "eff_lr"); got != nil {
				t.Errorf("eff_lr before any step: %v, want it left out", got)
			}
			var sPrev [2]float64
			for k := 1; k <= 5; k++ {
				s := run.Step()
				r, eff := stateVec(s, "r"), stateVec(s, "eff_lr")
				if r == nil || eff == nil {
					t.Fatalf("state %v lacks r or eff_lr", stateNames(s))
				}
				for i := range 2 {
					if want := c.rate(r[i], sPrev[i], k); !near(eff[i], want, 1e-12) {
						t.Errorf("step %d: eff_lr[%d] = %g, want %g", k, i, eff[i], want)
					}
				}
				if sv := stateVec(s, "s"); sv != nil {
					copy(sPrev[:], sv)
				}
			}
		})
	}
}

// TestStateNames pins the state each method reports, for the page.
func TestStateNames(t *testing.T) {
	cases := []struct {
		opt           string
		before, after []string
	}{
		{"gd", nil, nil},
		{"sgd", nil, nil},
		{"momentum", []string{"velocity"}, []string{"velocity"}},
		{"nesterov", []string{"velocity"}, []string{"velocity", "lookahead"}},
		{"adagrad", []string{"r"}, []string{"r", "eff_lr"}},
		{"rmsprop", []string{"r"}, []string{"r", "eff_lr"}},
		{"rmsprop_nesterov", []string{"velocity", "r"}, []string{"velocity", "r", "lookahead", "eff_lr"}},
		{"adam", []string{"s", "r"}, []string{"s", "r", "eff_lr"}},
		{"adadelta", []string{"r", "s"}, []string{"r", "s", "eff_lr"}},
		{"delta_bar_delta", []string{"delta_bar"}, []string{"delta_bar", "eff_lr"}},
	}
	for _, c := range cases {
		t.Run(c.opt, func(t *testing.T) {
			r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: c.opt, Hyper: map[string]float64{}}, 1)
			if got := stateNames(r.Current()); !slices.Equal(got, c.before) {
				t.Errorf("before a step: %v, want %v", got, c.before)
			}
			if got := stateNames(r.Step()); !slices.Equal(got, c.after) {
				t.Errorf("after a step: %v, want %v", got, c.after)
			}
		})
	}
}

// TestGDGeometric: on ½(a·x² + b·y²), gradient descent multiplies each
// coordinate by (1 − ε·λ) per step, exactly.
func TestGDGeometric(t *testing.T) {
	cases := []struct {
		name    string
		a, b    float64
		lr      float64
		x0, y0  float64
		nsteps  int
		swapped bool // angle 90: the curvature a lies along y
	}{
		{"well conditioned", 1, 2, 0.1, 1, -1, 50, false},
		{"ill conditioned zig-zag", 1, 25, 0.07, -2.5, 1.5, 60, false},
		{"rotated a quarter turn", 4, 1, 0.2, 0.5, 2, 40, true},
		{"negative curvature grows", -0.5, 3, 0.1, 0.1, 1, 30, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			angle := 0.0
			if c.swapped {
				angle = 90
			}
			r := newTestRun(t, landscape.NewQuadratic(c.a, c.b, angle), []float64{c.x0, c.y0},
				Config{Optimizer: "gd", Hyper: map[string]float64{"lr": c.lr}}, 1)
			lx, ly := c.a, c.b
			if c.swapped {
				lx, ly = c.b, c.a
			}
			for k := 1; k <= c.nsteps; k++ {
				s := r.Step()
				wx := math.Pow(1-c.lr*lx, float64(k)) * c.x0
				wy := math.Pow(1-c.lr*ly, float64(k)) * c.y0
				if !near(s.Theta[0], wx, 1e-9) || !near(s.Theta[1], wy, 1e-9) {
					t.Fatalf("step %d: θ = %v, want (%g, %g)", k, s.Theta, wx, wy)
				}
			}
		})
	}
}

// TestAdamFirstStep: Adam's first step is ε·g/(|g| + δ) ≈ ε·sign(g) per
// coordinate, whatever the gradient's scale (8.4.3).
func TestAdamFirstStep(t *testing.T) {
	cases := []struct {
		name string
		a, b float64 // curvatures: g = (a, b) at (1, 1)
		lr   float64
	}{
		{"unit", 1, 1, 0.001},
		{"tiny and huge", 1e-3, 1e4, 0.001},
		{"ill conditioned", 0.01, 500, 0.05},
		{"negative curvature", -2, 7, 0.3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTestRun(t, landscape.NewQuadratic(c.a, c.b, 0), []float64{1, 1},
				Config{Optimizer: "adam", Hyper: map[string]float64{"lr": c.lr}}, 1)
			s := r.Step()
			for i, g := range []float64{c.a, c.b} {
				want := -c.lr * math.Copysign(1, g)
				// δ = 1e-8 against |g| ≥ 1e-3 changes the step by at most 1e-5 of ε.
				if math.Abs(s.Update[i]-want) > 1e-5*c.lr {
					t.Errorf("coordinate %d: moved %g, want %g", i, s.Update[i], want)
				}
			}
		})
	}
}
