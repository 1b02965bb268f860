package optim

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// TestHeavyBallPolyakRate: heavy-ball momentum with Polyak's optimal
// α = ((√κ−1)/(√κ+1))² and ε = 4/(√λmax+√λmin)² contracts the error by
// ρ = (√κ−1)/(√κ+1) per step on a quadratic of condition number κ, against
// (κ−1)/(κ+1) for the best gradient descent.
//
// With these parameters both eigen-directions have a double root ±ρ, so
// the error is (c₀ + c₁k)·ρᵏ with c₀, c₁ of one sign (from v₀ = 0): the
// measured rate lies between ρ and ρ·(k₂/k₁)^(1/(k₂−k₁)).
func TestHeavyBallPolyakRate(t *testing.T) {
	cases := []struct {
		name       string
		kappa      float64
		lmin       float64
		k1, k2     int
		wantFaster bool
	}{
		{"kappa 10", 10, 1, 10, 25, true},
		{"kappa 100", 100, 1, 30, 90, true},
		{"kappa 1000, small curvatures", 1000, 0.01, 100, 300, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lmax := c.kappa * c.lmin
			sk := math.Sqrt(c.kappa)
			rho := (sk - 1) / (sk + 1)
			alpha := rho * rho
			lr := 4 / math.Pow(math.Sqrt(lmax)+math.Sqrt(c.lmin), 2)
			r := newTestRun(t, landscape.NewQuadratic(c.lmin, lmax, 30), []float64{1, -1},
				Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": lr, "momentum": alpha}}, 1)
			var e1, e2 float64
			for k := 1; k <= c.k2; k++ {
				s := r.Step()
				if s.Status != Running {
					t.Fatalf("step %d: %s (%s)", k, s.Status, s.Reason)
				}
				switch k {
				case c.k1:
					e1 = norm(s.Theta)
				case c.k2:
					e2 = norm(s.Theta)
				}
			}
			rate := math.Pow(e2/e1, 1/float64(c.k2-c.k1))
			hi := rho * math.Pow(float64(c.k2)/float64(c.k1), 1/float64(c.k2-c.k1))
			if rate < rho*(1-1e-6) || rate > hi*(1+1e-6) {
				t.Errorf("rate %.6f, want within [ρ, ρ·(k₂/k₁)^(1/(k₂−k₁))] = [%.6f, %.6f]", rate, rho, hi)
			}
			if gdRate := (c.kappa - 1) / (c.kappa + 1); rate >= gdRate {
				t.Errorf("rate %.4f no better than gradient descent's %.4f", rate, gdRate)
			}
		})
	}
}

// TestDeterminism: same seed, same noisy trajectory to the last bit (API.md);
// another seed, another trajectory; Reset replays the first one.
func TestDeterminism(t *testing.T) {
	cfg := Config{Optimizer: "sgd", Hyper: map[string]float64{"lr": 0.01, "noise": 2}}
	obj := landscape.NewQuadratic(1, 25, 0)
	trajectory := func(r *Run) [][]float64 {
		var out [][]float64
		for range 200 {
			out = append(out, slices.Clone(r.Step().Theta))
		}
		return out
	}
	a := newTestRun(t, obj, []float64{-2.5, 1.5}, cfg, 7)
	ta := trajectory(a)
	tb := trajectory(newTestRun(t, obj, []float64{-2.5, 1.5}, cfg, 7))
	for k := range ta {
		if !slices.Equal(ta[k], tb[k]) {
			t.Fatalf("same seed differs at step %d: %v vs %v", k+1, ta[k], tb[k])
		}
	}
	tc := trajectory(newTestRun(t, obj, []float64{-2.5, 1.5}, cfg, 8))
	if slices.EqualFunc(ta, tc, slices.Equal) {
		t.Error("seeds 7 and 8 gave the same trajectory")
	}
	a.Reset()
	if td := trajectory(a); !slices.EqualFunc(ta, td, slices.Equal) {
		t.Error("Reset did not replay the same trajectory")
	}
	// The noise really is there: sgd is not gd.
	tg := trajectory(newTestRun(t, obj, []float64{-2.5, 1.5}, Config{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.01}}, 7))
	if slices.EqualFunc(ta, tg, slices.Equal) {
		t.Error("sgd with noise followed gd exactly")
	}
}

// TestSetLiveKeepsVelocity: a new lr applies from the next step, with the
// velocity accumulated so far; a rejected change leaves the run as it was;
// Reset returns to step 0 with the current settings.
func TestSetLiveKeepsVelocity(t *testing.T) {
	const alpha = 0.5
	obj := landscape.NewQuadratic(1, 10, 0)
	start := []float64{1, 1}
	r := newTestRun(t, obj, start, Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": 0.05, "momentum": alpha}}, 1)
	for range 3 {
		r.Step()
	}
	v := slices.Clone(stateVec(r.Current(), "velocity"))
	th := slices.Clone(r.Current().Theta)
	g := slices.Clone(r.Current().Grad)
	if err := r.Set(map[string]float64{"lr": 0.02}, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	err := r.Set(map[string]float64{"lr": -1}, nil, nil, nil)
	var fe *fielderr.Error
	if !errors.As(err, &fe) || fe.Field != "hyper.lr" {
		t.Errorf("Set(lr = −1) = %v, want an error on hyper.lr", err)
	}
	s := r.Step()
	for i := range th {
		// v₄ = α·v₃ − 0.02·g(θ₃): the velocity survived, the new rate applies.
		if want := th[i] + alpha*v[i] - 0.02*g[i]; !near(s.Theta[i], want, 1e-14) {
			t.Fatalf("after Set: θ = %v, want θ₃ + α·v₃ − 0.02·g = %g at %d", s.Theta, want, i)
		}
	}
	if s.LR != 0.02 || r.Config().Hyper["lr"] != 0.02 {
		t.Errorf("LR %g, Config lr %g, want 0.02", s.LR, r.Config().Hyper["lr"])
	}

	r.Reset()
	cur := r.Current()
	if cur.K != 0 || !slices.Equal(cur.Theta, start) || cur.Status != Running {
		t.Fatalf("after Reset: K %d θ %v status %s", cur.K, cur.Theta, cur.Status)
	}
	if v := stateVec(cur, "velocity"); norm(v) != 0 {
		t.Errorf("velocity after Reset: %v", v)
	}
	fresh := newTestRun(t, obj, start, Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": 0.02, "momentum": alpha}}, 1)
	for k := 1; k <= 5; k++ {
		if a, b := r.Step().Theta, fresh.Step().Theta; !slices.Equal(a, b) {
			t.Fatalf("step %d after Reset: %v, a fresh run with lr 0.02: %v", k, a, b)
		}
	}
}

// TestBadInput: a user's mistakes are *fielderr.Error naming the field, never a panic.
func TestBadInput(t *testing.T) {
	q := landscape.NewQuadratic(1, 25, 0)
	cases := []struct {
		name  string
		start []float64
		cfg   Config
		field string
	}{
		{"unknown optimizer", []float64{1, 1}, Config{Optimizer: "adamax"}, "optimizer"},
		{"missing optimizer", []float64{1, 1}, Config{}, "optimizer"},
		{"unknown hyper", []float64{1, 1}, Config{Optimizer: "adam", Hyper: map[string]float64{"foo": 1}}, "hyper.foo"},
		{"hyper of another method", []float64{1, 1}, Config{Optimizer: "gd", Hyper: map[string]float64{"momentum": 0.9}}, "hyper.momentum"},
		{"lr on adadelta", []float64{1, 1}, Config{Optimizer: "adadelta", Hyper: map[string]float64{"lr": 0.1}}, "hyper.lr"},
		{"negative lr", []float64{1, 1}, Config{Optimizer: "gd", Hyper: map[string]float64{"lr": -0.1}}, "hyper.lr"},
		{"NaN lr", []float64{1, 1}, Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": math.NaN()}}, "hyper.lr"},
		{"momentum 1", []float64{1, 1}, Config{Optimizer: "nesterov", Hyper: map[string]float64{"momentum": 1}}, "hyper.momentum"},
		{"beta1 1", []float64{1, 1}, Config{Optimizer: "adam", Hyper: map[string]float64{"beta1": 1}}, "hyper.beta1"},
		{"eps 0", []float64{1, 1}, Config{Optimizer: "rmsprop", Hyper: map[string]float64{"eps": 0}}, "hyper.eps"},
		{"fractional batch", []float64{1, 1}, Config{Optimizer: "sgd", Hyper: map[string]float64{"batch": 2.5}}, "hyper.batch"},
		{"negative noise", []float64{1, 1}, Config{Optimizer: "sgd", Hyper: map[string]float64{"noise": -1}}, "hyper.noise"},
		{"NaN start", []float64{math.NaN(), 1}, Config{Optimizer: "gd"}, "start[0]"},
		{"infinite start", []float64{0, math.Inf(-1)}, Config{Optimizer: "adam"}, "start[1]"},
		{"wrong dimension", []float64{1, 2, 3}, Config{Optimizer: "gd"}, "start"},
		{"no start", nil, Config{Optimizer: "gd"}, "start"},
		{"clip both ways", []float64{1, 1}, Config{Optimizer: "gd", Clip: Clip{Norm: 1, Value: 1}}, "clip"},
		{"negative clip", []float64{1, 1}, Config{Optimizer: "gd", Clip: Clip{Norm: -1}}, "clip.norm"},
		{"schedule without tau", []float64{1, 1}, Config{Optimizer: "gd", Schedule: Schedule{Kind: "linear"}}, "schedule.tau"},
		{"unknown schedule", []float64{1, 1}, Config{Optimizer: "gd", Schedule: Schedule{Kind: "cosine"}}, "schedule.kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewRun(q, c.start, c.cfg, 1)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("NewRun = (%v, %v), want a *fielderr.Error", r, err)
			}
			if fe.Field != c.field || fe.Msg == "" {
				t.Errorf("error on %q (%s), want %q", fe.Field, fe.Msg, c.field)
			}
		})
	}
}

// TestDivergence: a rate beyond 2/λmax ends the run as "diverged" with the
// last finite point and a reason, and further steps change nothing.
func TestDivergence(t *testing.T) {
	cases := []struct {
		name string
		b    float64 // λmax
		lr   float64
	}{
		{"just beyond 2/λmax", 10, 0.25},
		{"far beyond", 1000, 100},
		{"θ beyond every bound in one step", 1e14, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTestRun(t, landscape.NewQuadratic(1, c.b, 0), []float64{1, 1},
				Config{Optimizer: "gd", Hyper: map[string]float64{"lr": c.lr}}, 1)
			s := r.Current()
			for k := 0; k < 10000 && !r.Done(); k++ {
				s = r.Step()
			}
			if s.Status != Diverged || !r.Done() {
				t.Fatalf("status %s after %d steps", s.Status, s.K)
			}
			// The reason is the whole sentence the page shows: it names the
			// step, and says what happened once.
			if !strings.Contains(s.Reason, "at step ") {
				t.Errorf("reason %q does not name the step", s.Reason)
			}
			if n := strings.Count(s.Reason, "reached") + strings.Count(s.Reason, "left"); n != 1 {
				t.Errorf("reason %q says what happened %d times", s.Reason, n)
			}
			for _, x := range append(slices.Clone(s.Theta), s.Loss, s.GradNorm) {
				if !finite(x) {
					t.Fatalf("non-finite value in the last point: θ %v loss %g ‖g‖ %g", s.Theta, s.Loss, s.GradNorm)
				}
			}
			k, th := s.K, slices.Clone(s.Theta)
			if s2 := r.Step(); s2.K != k || !slices.Equal(s2.Theta, th) {
				t.Errorf("a step after divergence moved: K %d→%d", k, s2.K)
			}
		})
	}
}

// batchObjective is an empirical risk ½‖θ−a‖² that records the minibatch
// sizes asked of it and answers with the exact gradient (so the test can
// see that sgd adds no noise to a real minibatch gradient).
type batchObjective struct{ batches []int }

func (b *batchObjective) Dim() int         { return 2 }
func (b *batchObjective) NumExamples() int { return 100 }
func (b *batchObjective) Value(x []float64) float64 {
	return 0.5 * ((x[0]-1)*(x[0]-1) + (x[1]+2)*(x[1]+2))
}
func (b *batchObjective) Grad(g, x []float64) float64 {
	g[0], g[1] = x[0]-1, x[1]+2
	return b.Value(x)
}
func (b *batchObjective) BatchGrad(g, x []float64, batch int, _ *rand.Rand) float64 {
	b.batches = append(b.batches, batch)
	return b.Grad(g, x)
}

var _ landscape.Stochastic = (*batchObjective)(nil)

func TestSGDMinibatch(t *testing.T) {
	obj := &batchObjective{}
	r := newTestRun(t, obj, []float64{0, 0}, Config{Optimizer: "sgd", Hyper: map[string]float64{"lr": 0.1, "batch": 8, "noise": 5}}, 1)
	for range 3 {
		g := slices.Clone(r.Current().Grad)
		s := r.Step()
		for i := range g {
			if !near(s.Update[i], -0.1*g[i], 1e-15) {
				t.Fatalf("update %v, want −0.1·%v (no noise on a real minibatch)", s.Update, g)
			}
		}
	}
	if !slices.Equal(obj.batches, []int{8, 8, 8}) {
		t.Errorf("batch sizes asked: %v, want [8 8 8]", obj.batches)
	}
}

// TestStepAllocations: a step of every first-order method allocates nothing.
func TestStepAllocations(t *testing.T) {
	for _, id := range []string{"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
		"rmsprop_nesterov", "adam", "adadelta", "delta_bar_delta"} {
		t.Run(id, func(t *testing.T) {
			hyper := map[string]float64{"lr": 1e-5}
			if id == "adadelta" {
				hyper = nil
			}
			r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: id, Hyper: hyper, Clip: Clip{Norm: 10}}, 1)
			if n := testing.AllocsPerRun(200, func() { r.Step() }); n != 0 {
				t.Errorf("%v allocations per step", n)
			}
		})
	}
}
