package optim

import (
	"math"
	"slices"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// The methods beyond chapter 8 are checked against independent
// implementations written here from the papers' formulas, on Rosenbrock's
// coupled, badly scaled gradients from (−1.2, 1), with hyperparameters far
// from the defaults so that every correction term shows, and with the
// learning rate changed live halfway (the run keeps its state; the
// reference simply uses the new rate from that step on).

// refStep is one reference trajectory: θ after each step and the named state.
type refStep struct {
	theta []float64
	state map[string][]float64
}

type refRule func(grad func(x []float64) []float64, theta []float64, lrs []float64) []refStep

func rosenGrad(x []float64) []float64 {
	g := make([]float64, 2)
	landscape.Rosenbrock{}.Grad(g, x)
	return g
}

// refAdamW is Loshchilov & Hutter (2019), Algorithm 2: with l2 the decay
// joins the gradient (line 6), else it is applied to θ directly (line 12).
func refAdamW(b1, b2, eps, lambda float64, l2 bool) refRule {
	return func(grad func([]float64) []float64, theta, lrs []float64) []refStep {
		th := slices.Clone(theta)
		m, v := make([]float64, len(th)), make([]float64, len(th))
		var out []refStep
		for t := 1; t <= len(lrs); t++ {
			eta := lrs[t-1]
			g := grad(th)
			if l2 {
				for i := range g {
					g[i] += lambda * th[i]
				}
			}
			next := make([]float64, len(th))
			for i := range th {
				m[i] = b1*m[i] + (1-b1)*g[i]
				v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
				mhat := m[i] / (1 - math.Pow(b1, float64(t)))
				vhat := v[i] / (1 - math.Pow(b2, float64(t)))
				step := eta * mhat / (math.Sqrt(vhat) + eps)
				if !l2 {
					step += eta * lambda * th[i]
				}
				next[i] = th[i] - step
			}
			th = next
			out = append(out, refStep{slices.Clone(th), map[string][]float64{"s": slices.Clone(m), "r": slices.Clone(v)}})
		}
		return out
	}
}

// refNAdam is Dozat (2016), Algorithm 2 with a constant μₜ = β₁:
// m̂ = μ·m/(1 − μᵗ⁺¹) + (1 − μ)·g/(1 − μᵗ), n̂ = n/(1 − νᵗ).
func refNAdam(mu, nu, eps float64) refRule {
	return refNAdamAt(mu, func(int) float64 { return nu }, eps)
}

// refNAdamAt is refNAdam with ν of step t given by nuAt (a live change).
func refNAdamAt(mu float64, nuAt func(t int) float64, eps float64) refRule {
	return func(grad func([]float64) []float64, theta, lrs []float64) []refStep {
		th := slices.Clone(theta)
		m, n := make([]float64, len(th)), make([]float64, len(th))
		var out []refStep
		for t := 1; t <= len(lrs); t++ {
			g := grad(th)
			nu := nuAt(t)
			for i := range th {
				m[i] = mu*m[i] + (1-mu)*g[i]
				n[i] = nu*n[i] + (1-nu)*g[i]*g[i]
				mbar := mu*m[i]/(1-math.Pow(mu, float64(t+1))) + (1-mu)*g[i]/(1-math.Pow(mu, float64(t)))
				nhat := n[i] / (1 - math.Pow(nu, float64(t)))
				th[i] -= lrs[t-1] * mbar / (math.Sqrt(nhat) + eps)
			}
			out = append(out, refStep{slices.Clone(th), map[string][]float64{"s": slices.Clone(m), "r": slices.Clone(n)}})
		}
		return out
	}
}

// refRAdam is Liu et al. (2020), Algorithm 2 (with δ added to √v̂ as Adam does).
func refRAdam(b1, b2, eps float64) refRule {
	return refRAdamAt(b1, func(int) float64 { return b2 }, eps)
}

// refRAdamAt is refRAdam with β₂ of step t given by b2At (a live change).
func refRAdamAt(b1 float64, b2At func(t int) float64, eps float64) refRule {
	return func(grad func([]float64) []float64, theta, lrs []float64) []refStep {
		th := slices.Clone(theta)
		m, v := make([]float64, len(th)), make([]float64, len(th))
		var out []refStep
		for t := 1; t <= len(lrs); t++ {
			b2 := b2At(t)
			rhoInf := 2/(1-b2) - 1
			g := grad(th)
			rho := rhoInf - 2*float64(t)*math.Pow(b2, float64(t))/(1-math.Pow(b2, float64(t)))
			st := map[string][]float64{}
			var r float64
			if rho > 4 {
				r = math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho))
				st["rect"] = []float64{r}
			}
			for i := range th {
				m[i] = b1*m[i] + (1-b1)*g[i]
				v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
				mhat := m[i] / (1 - math.Pow(b1, float64(t)))
				if rho > 4 {
					l := 1 / (math.Sqrt(v[i]/(1-math.Pow(b2, float64(t)))) + eps)
					th[i] -= lrs[t-1] * r * mhat * l
				} else {
					th[i] -= lrs[t-1] * mhat
				}
			}
			st["s"], st["r"] = slices.Clone(m), slices.Clone(v)
			out = append(out, refStep{slices.Clone(th), st})
		}
		return out
	}
}

// refLion is Chen et al. (2023), Program 1.
func refLion(b1, b2, wd float64) refRule {
	return func(grad func([]float64) []float64, theta, lrs []float64) []refStep {
		th := slices.Clone(theta)
		m := make([]float64, len(th))
		var out []refStep
		for t := range lrs {
			g := grad(th)
			for i := range th {
				update := b1*m[i] + (1-b1)*g[i]
				s := 0.0
				if update > 0 {
					s = 1
				} else if update < 0 {
					s = -1
				}
				th[i] = th[i] - lrs[t]*(s+wd*th[i])
				m[i] = b2*m[i] + (1-b2)*g[i]
			}
			out = append(out, refStep{slices.Clone(th), map[string][]float64{"m": slices.Clone(m)}})
		}
		return out
	}
}

func TestBeyondAgainstReference(t *testing.T) {
	cases := []struct {
		opt    string
		hyper  map[string]float64
		choice map[string]string
		ref    refRule
		scale  float64 // of the learning rates (RAdam's first steps are −ε·g: unadapted)
	}{
		{"adamw", map[string]float64{"beta1": 0.5, "beta2": 0.75, "eps": 0.1, "weight_decay": 0.3}, nil,
			refAdamW(0.5, 0.75, 0.1, 0.3, false), 0},
		{"adamw", map[string]float64{"beta1": 0.5, "beta2": 0.75, "eps": 0.1, "weight_decay": 0.3}, map[string]string{"decay": "l2"},
			refAdamW(0.5, 0.75, 0.1, 0.3, true), 0},
		{"nadam", map[string]float64{"beta1": 0.5, "beta2": 0.75, "eps": 0.1}, nil, refNAdam(0.5, 0.75, 0.1), 0},
		// β₂ = 0.75: ρ∞ = 7, and ρₜ passes 4 at t = 6, so the run crosses from
		// unadapted momentum into the rectified phase.
		{"radam", map[string]float64{"beta1": 0.5, "beta2": 0.75, "eps": 0.1}, nil, refRAdam(0.5, 0.75, 0.1), 0.005},
		{"lion", map[string]float64{"beta1": 0.5, "beta2": 0.75, "weight_decay": 0.3}, nil, refLion(0.5, 0.75, 0.3), 0},
	}
	const steps = 12
	for _, c := range cases {
		lr0, lr1 := 0.05, 0.02
		if c.scale != 0 {
			lr0, lr1 = lr0*c.scale, lr1*c.scale
		}
		name := c.opt
		if c.choice != nil {
			name += "/" + c.choice["decay"]
		}
		t.Run(name, func(t *testing.T) {
			hyper := maps(c.hyper, "lr", lr0)
			start := []float64{-1.2, 1}
			r := newTestRun(t, landscape.Rosenbrock{}, start, Config{Optimizer: c.opt, Hyper: hyper, Choice: c.choice}, 1)
			lrs := make([]float64, steps)
			for k := range lrs {
				lrs[k] = lr0
				if k >= steps/2 {
					lrs[k] = lr1
				}
			}
			want := c.ref(rosenGrad, start, lrs)
			for k := range steps {
				if k == steps/2 {
					if err := r.Set(map[string]float64{"lr": lr1}, nil, nil, nil); err != nil {
						t.Fatal(err)
					}
				}
				s := r.Step()
				if s.Status != Running {
					t.Fatalf("step %d: %s (%s)", k+1, s.Status, s.Reason)
				}
				for i := range 2 {
					if !near(s.Theta[i], want[k].theta[i], 1e-12) {
						t.Fatalf("step %d: θ = %v, reference %v", k+1, s.Theta, want[k].theta)
					}
				}
				for name, wv := range want[k].state {
					got := stateVec(s, name)
					if len(got) != len(wv) {
						t.Fatalf("step %d: state %s = %v, reference %v (state %v)", k+1, name, got, wv, stateNames(s))
					}
					for i := range wv {
						if !near(got[i], wv[i], 1e-12) {
							t.Fatalf("step %d: state %s = %v, reference %v", k+1, name, got, wv)
						}
					}
				}
				if _, ok := want[k].state["rect"]; !ok && stateVec(s, "rect") != nil {
					t.Errorf("step %d: rect reported in the unadapted phase", k+1)
				}
			}
		})
	}
}

func maps(m map[string]float64, k string, v float64) map[string]float64 {
	out := map[string]float64{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}

// TestAdamWWithoutDecayIsAdam: with λ = 0, AdamW (either coupling) takes
// Adam's steps to the last bit; and Adam with L2 on ½(a·x² + b·y²) is Adam
// on ½((a+λ)·x² + (b+λ)·y²), the regularised objective.
func TestAdamWWithoutDecayIsAdam(t *testing.T) {
	hyper := map[string]float64{"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3}
	for _, decay := range []string{"decoupled", "l2"} {
		adam := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: "adam", Hyper: hyper}, 1)
		w := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
			Config{Optimizer: "adamw", Hyper: maps(hyper, "weight_decay", 0), Choice: map[string]string{"decay": decay}}, 1)
		for k := 1; k <= 200; k++ {
			a, b := adam.Step(), w.Step()
			if !slices.Equal(a.Theta, b.Theta) {
				t.Fatalf("%s, λ = 0, step %d: θ = %v, Adam's %v", decay, k, b.Theta, a.Theta)
			}
		}
	}
	const lambda = 0.7
	l2 := newTestRun(t, landscape.NewQuadratic(1, 10, 0), []float64{1, -2},
		Config{Optimizer: "adamw", Hyper: maps(hyper, "weight_decay", lambda), Choice: map[string]string{"decay": "l2"}}, 1)
	reg := newTestRun(t, landscape.NewQuadratic(1+lambda, 10+lambda, 0), []float64{1, -2}, Config{Optimizer: "adam", Hyper: hyper}, 1)
	dec := newTestRun(t, landscape.NewQuadratic(1, 10, 0), []float64{1, -2},
		Config{Optimizer: "adamw", Hyper: maps(hyper, "weight_decay", lambda)}, 1)
	differs := false
	for k := 1; k <= 50; k++ {
		a, b, d := l2.Step(), reg.Step(), dec.Step()
		for i := range 2 {
			if !near(a.Theta[i], b.Theta[i], 1e-10) {
				t.Fatalf("step %d: Adam with L2 at %v, Adam on the regularised quadratic at %v", k, a.Theta, b.Theta)
			}
			differs = differs || !near(d.Theta[i], a.Theta[i], 1e-6)
		}
	}
	if !differs {
		t.Error("decoupled decay took the same steps as L2: the coupling choice is ignored")
	}
}

// TestNAdamFirstStep: NAdam's first step is (1 + β₁/(1+β₁))·ε·g/(|g| + δ),
// Adam's ε·sign(g) lengthened by the look-ahead of the momentum.
func TestNAdamFirstStep(t *testing.T) {
	for _, b1 := range []float64{0, 0.5, 0.9} {
		r := newTestRun(t, landscape.NewQuadratic(1e-3, 1e4, 0), []float64{1, 1},
			Config{Optimizer: "nadam", Hyper: map[string]float64{"lr": 0.01, "beta1": b1}}, 1)
		s := r.Step()
		for i, g := range []float64{1e-3, 1e4} {
			want := -(1 + b1/(1+b1)) * 0.01 * g / (math.Abs(g) + 1e-8)
			if !near(s.Update[i], want, 1e-12) {
				t.Errorf("β₁ = %g: coordinate %d moved %g, want %g", b1, i, s.Update[i], want)
			}
		}
	}
}

// TestRAdamWarmup: RAdam's first steps are momentum without adaptation
// (the first one exactly −ε·g, however large g is), and once ρₜ > 4 the
// rectification rₜ rises towards 1.
func TestRAdamWarmup(t *testing.T) {
	const lr = 1e-4
	r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
		Config{Optimizer: "radam", Hyper: map[string]float64{"lr": lr, "beta2": 0.9}}, 1)
	g0 := slices.Clone(r.Current().Grad)
	s := r.Step()
	for i := range 2 {
		if !near(s.Update[i], -lr*g0[i], 1e-12) {
			t.Errorf("first step %v, want −ε·g = %v", s.Update, []float64{-lr * g0[0], -lr * g0[1]})
		}
	}
	if eff := stateVec(s, "eff_lr"); eff == nil || eff[0] != lr || eff[1] != lr {
		t.Errorf("eff_lr in the unadapted phase = %v, want ε = %g", eff, lr)
	}
	prev, first := 0.0, 0
	for k := 2; k <= 300; k++ {
		s = r.Step()
		rect := stateVec(s, "rect")
		if (radamRho(0.9, k) > 4) != (rect != nil) {
			t.Fatalf("step %d: ρ = %g, rect = %v", k, radamRho(0.9, k), rect)
		}
		if rect == nil {
			continue
		}
		if first == 0 {
			first = k
		}
		if rect[0] <= prev || rect[0] > 1 {
			t.Fatalf("step %d: rect %g after %g, want rising within (0, 1]", k, rect[0], prev)
		}
		prev = rect[0]
	}
	// ρ∞ = 19 for β₂ = 0.9: the SMA length passes 4 after a handful of steps.
	if first < 3 || first > 10 {
		t.Errorf("rectification began at step %d", first)
	}
	if prev < 0.999 {
		t.Errorf("rect after 300 steps = %g, want → 1", prev)
	}
}

// TestLionSignSteps: without decay every coordinate of every Lion step
// moves by exactly ε, on gradients that span orders of magnitude.
func TestLionSignSteps(t *testing.T) {
	const lr = 0.003
	r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
		Config{Optimizer: "lion", Hyper: map[string]float64{"lr": lr}}, 1)
	for k := 1; k <= 500; k++ {
		s := r.Step()
		for i, u := range s.Update {
			if !near(math.Abs(u), lr, 1e-9) {
				t.Fatalf("step %d: coordinate %d moved %g, want ±%g", k, i, u, lr)
			}
		}
		if len(stateVec(s, "m")) != 2 {
			t.Fatalf("state %v lacks m", stateNames(s))
		}
	}
}

// TestBeyondStateNames pins the state each new method reports, for the page.
func TestBeyondStateNames(t *testing.T) {
	cases := []struct {
		opt           string
		before, after []string
	}{
		{"adamw", []string{"s", "r"}, []string{"s", "r", "eff_lr"}},
		{"nadam", []string{"s", "r"}, []string{"s", "r", "eff_lr"}},
		{"radam", []string{"s", "r"}, []string{"s", "r", "eff_lr"}},
		{"lion", []string{"m"}, []string{"m"}},
		{"sam", []string{"velocity"}, []string{"velocity", "ascent"}},
	}
	for _, c := range cases {
		t.Run(c.opt, func(t *testing.T) {
			r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: c.opt}, 1)
			if got := stateNames(r.Current()); !slices.Equal(got, c.before) {
				t.Errorf("before a step: %v, want %v", got, c.before)
			}
			if got := stateNames(r.Step()); !slices.Equal(got, c.after) {
				t.Errorf("after a step: %v, want %v", got, c.after)
			}
		})
	}
}

// TestBeyondNoAllocs: a step of each new method allocates nothing (the
// stream steps every run of every page many times a frame).
func TestBeyondNoAllocs(t *testing.T) {
	for _, id := range beyondVectorIDs {
		r := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: id, Hyper: map[string]float64{"lr": 1e-4}}, 1)
		if a := testing.AllocsPerRun(200, func() { r.Step() }); a != 0 {
			t.Errorf("%s: %g allocations per step", id, a)
		}
	}
}

var beyondVectorIDs = []string{"adamw", "nadam", "radam", "lion", "sam"}

// refSAM is Foret et al. (2021), Algorithm 1, with the momentum base of
// their experiments: ε̂ = ρ·g/‖g‖₂; g_SAM = ∇J(θ + ε̂); v ← αv − η·g_SAM.
func refSAM(rho, alpha float64) refRule {
	return func(grad func([]float64) []float64, theta, lrs []float64) []refStep {
		th := slices.Clone(theta)
		v := make([]float64, len(th))
		var out []refStep
		for t := range lrs {
			g := grad(th)
			n := math.Hypot(g[0], g[1])
			asc := []float64{th[0] + rho*g[0]/n, th[1] + rho*g[1]/n}
			gs := grad(asc)
			for i := range th {
				v[i] = alpha*v[i] - lrs[t]*gs[i]
				th[i] += v[i]
			}
			out = append(out, refStep{slices.Clone(th), map[string][]float64{"velocity": slices.Clone(v), "ascent": asc}})
		}
		return out
	}
}

func TestSAMAgainstReference(t *testing.T) {
	start := []float64{-1.2, 1}
	const steps = 12
	r := newTestRun(t, landscape.Rosenbrock{}, start,
		Config{Optimizer: "sam", Hyper: map[string]float64{"lr": 5e-4, "rho": 0.2, "momentum": 0.5}}, 1)
	lrs := make([]float64, steps)
	for k := range lrs {
		lrs[k] = 5e-4
		if k >= steps/2 {
			lrs[k] = 2e-4
		}
	}
	want := refSAM(0.2, 0.5)(rosenGrad, start, lrs)
	if got := stateNames(r.Current()); !slices.Equal(got, []string{"velocity"}) {
		t.Errorf("state before a step: %v, want [velocity]", got)
	}
	for k := range steps {
		if k == steps/2 {
			if err := r.Set(map[string]float64{"lr": 2e-4}, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		prev := slices.Clone(r.Current().Theta)
		s := r.Step()
		if s.Status != Running {
			t.Fatalf("step %d: %s (%s)", k+1, s.Status, s.Reason)
		}
		if s.GradEvals != 2 || s.Evals != 2 {
			t.Errorf("step %d: %d gradient evaluations (%d in all), want 2: at θ and at the ascent point", k+1, s.GradEvals, s.Evals)
		}
		for i := range 2 {
			if !near(s.Theta[i], want[k].theta[i], 1e-12) {
				t.Fatalf("step %d: θ = %v, reference %v", k+1, s.Theta, want[k].theta)
			}
		}
		for name, wv := range want[k].state {
			got := stateVec(s, name)
			if len(got) != 2 || !near(got[0], wv[0], 1e-12) || !near(got[1], wv[1], 1e-12) {
				t.Fatalf("step %d: %s = %v, reference %v", k+1, name, got, wv)
			}
		}
		// The ascent point lies ρ from where the step started.
		asc := stateVec(s, "ascent")
		if d := math.Hypot(asc[0]-prev[0], asc[1]-prev[1]); !near(d, 0.2, 1e-12) {
			t.Errorf("step %d: ascent point %g from θ, want ρ = 0.2", k+1, d)
		}
		// The gradient the step used is the one at the ascent point.
		if g := rosenGrad(asc); !near(s.UsedGrad[0], g[0], 1e-12) || !near(s.UsedGrad[1], g[1], 1e-12) {
			t.Errorf("step %d: used gradient %v, ∇J(ascent) = %v", k+1, s.UsedGrad, g)
		}
	}
}

// TestSAMWithoutRadiusIsMomentum: ρ = 0 puts the ascent point on θ, and SAM
// takes momentum's steps to the last bit (at twice the gradient evaluations).
func TestSAMWithoutRadiusIsMomentum(t *testing.T) {
	sam := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
		Config{Optimizer: "sam", Hyper: map[string]float64{"lr": 1e-3, "rho": 0, "momentum": 0.9}}, 1)
	mom := newTestRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1},
		Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": 1e-3, "momentum": 0.9}}, 1)
	for k := 1; k <= 300; k++ {
		a, b := sam.Step(), mom.Step()
		if !slices.Equal(a.Theta, b.Theta) {
			t.Fatalf("step %d: θ = %v, momentum's %v", k, a.Theta, b.Theta)
		}
	}
}

// TestSuggestBeyond: the sign-like methods get Adam's suggestion (the width
// over AdaptiveSteps), SAM gradient descent's (1/λmax); RAdam, whose first
// steps are −ε·g unadapted, and the matrix methods get none.
func TestSuggestBeyond(t *testing.T) {
	l := Local{LambdaMax: 400, LambdaDomain: 400, GradNorm: 10, Width: 4}
	adam, _ := Suggest("adam", l)
	gd, _ := Suggest("gd", l)
	for _, id := range []string{"adamw", "nadam", "lion"} {
		if s, ok := Suggest(id, l); !ok || s.Hyper["lr"] != adam.Hyper["lr"] {
			t.Errorf("%s: %v %v, want Adam's %v", id, s, ok, adam)
		}
	}
	if s, ok := Suggest("sam", l); !ok || s.Hyper["lr"] != gd.Hyper["lr"] || s.Hyper["lr"] != 1.0/400 {
		t.Errorf("sam: %v %v, want gradient descent's 1/λmax = %g", s, ok, 1.0/400)
	}
	for _, id := range []string{"radam", "muon", "shampoo"} {
		if s, ok := Suggest(id, l); ok {
			t.Errorf("%s: suggested %v", id, s)
		}
	}
}

// TestLiveBetaChange: β₂ changed halfway keeps the moments and corrects by
// the new β₂ᵗ from then on, as the reference does.
func TestLiveBetaChange(t *testing.T) {
	b2At := func(t int) float64 {
		if t > 6 {
			return 0.9
		}
		return 0.75
	}
	for _, c := range []struct {
		opt string
		ref refRule
		lr  float64
	}{
		{"nadam", refNAdamAt(0.5, b2At, 0.1), 0.05},
		{"radam", refRAdamAt(0.5, b2At, 0.1), 0.0005},
	} {
		start := []float64{-1.2, 1}
		r := newTestRun(t, landscape.Rosenbrock{}, start, Config{Optimizer: c.opt,
			Hyper: map[string]float64{"lr": c.lr, "beta1": 0.5, "beta2": 0.75, "eps": 0.1}}, 1)
		lrs := make([]float64, 12)
		for i := range lrs {
			lrs[i] = c.lr
		}
		want := c.ref(rosenGrad, start, lrs)
		for k := range 12 {
			if k == 6 {
				if err := r.Set(map[string]float64{"beta2": 0.9}, nil, nil, nil); err != nil {
					t.Fatal(err)
				}
			}
			s := r.Step()
			if !near(s.Theta[0], want[k].theta[0], 1e-12) || !near(s.Theta[1], want[k].theta[1], 1e-12) {
				t.Fatalf("%s step %d: θ = %v, reference %v", c.opt, k+1, s.Theta, want[k].theta)
			}
		}
	}
}
