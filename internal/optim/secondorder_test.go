package optim

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// Test helpers of the second-order and line-search methods carry an "so"
// prefix so they do not collide with the first-order tests of this package.

// soRun starts a run or fails the test.
func soRun(t testing.TB, obj landscape.Objective, start []float64, cfg Config) *Run {
	t.Helper()
	r, err := NewRun(obj, start, cfg, 1)
	if err != nil {
		t.Fatalf("NewRun(%s): %v", cfg.Optimizer, err)
	}
	return r
}

// soSteps steps r until it ends or max steps are taken and returns the
// number of steps taken.
func soSteps(t testing.TB, r *Run, max int) int {
	t.Helper()
	k := 0
	for ; k < max && !r.Done(); k++ {
		s := r.Step()
		if !allFinite(s.Theta) || !finite(s.Loss) {
			t.Fatalf("step %d: non-finite state θ=%v J=%v", s.K, s.Theta, s.Loss)
		}
	}
	return k
}

func soState(s *Step, name string) []float64 {
	for _, v := range s.State {
		if v.Name == name {
			return v.V
		}
	}
	return nil
}

// soWide is ½‖x‖² in n dimensions, with a Hessian.
type soWide struct{ n int }

func (w soWide) Dim() int { return w.n }

func (w soWide) Value(x []float64) float64 { return 0.5 * floats.Dot(x, x) }

func (w soWide) Grad(g, x []float64) float64 {
	copy(g, x)
	return w.Value(x)
}

func (w soWide) Hess(dst *mat.SymDense, _ []float64) {
	for i := 0; i < w.n; i++ {
		dst.SetSym(i, i, 1)
	}
}

// soNoHessian hides every interface of an objective but Objective.
type soNoHessian struct{ landscape.Objective }

// soGaussian is the mean negative log-likelihood, up to a constant, of data
// with mean m and variance v under N(μ, σ²), parametrised by θ = (μ, s) with
// σ = eˢ:
//
//	J = s + ((μ−m)² + v)/(2σ²),  F = diag(1/σ², 2).
type soGaussian struct{ m, v float64 }

func (soGaussian) Dim() int { return 2 }

func (q soGaussian) Value(x []float64) float64 {
	d := x[0] - q.m
	return x[1] + (d*d+q.v)/(2*math.Exp(2*x[1]))
}

func (q soGaussian) Grad(g, x []float64) float64 {
	d, s2 := x[0]-q.m, math.Exp(2*x[1])
	g[0] = d / s2
	g[1] = 1 - (d*d+q.v)/s2
	return q.Value(x)
}

func (soGaussian) Fisher(dst *mat.SymDense, x []float64) {
	dst.SetSym(0, 0, math.Exp(-2*x[1]))
	dst.SetSym(0, 1, 0)
	dst.SetSym(1, 1, 2)
}

// soHimmelblau is (x² + y − 11)² + (x + y² − 7)².
type soHimmelblau struct{}

func (soHimmelblau) Dim() int { return 2 }

func (soHimmelblau) Value(p []float64) float64 {
	a, b := p[0]*p[0]+p[1]-11, p[0]+p[1]*p[1]-7
	return a*a + b*b
}

func (h soHimmelblau) Grad(g, p []float64) float64 {
	x, y := p[0], p[1]
	a, b := x*x+y-11, x+y*y-7
	g[0] = 4*x*a + 2*b
	g[1] = 2*a + 4*y*b
	return a*a + b*b
}

func (soHimmelblau) Hess(dst *mat.SymDense, p []float64) {
	x, y := p[0], p[1]
	dst.SetSym(0, 0, 12*x*x+4*y-42)
	dst.SetSym(0, 1, 4*(x+y))
	dst.SetSym(1, 1, 12*y*y+4*x-26)
}

// soQuadN is ½xᵀAx − bᵀx in n dimensions, minimised at A⁻¹b.
type soQuadN struct {
	a *mat.SymDense
	b []float64
}

func (q soQuadN) Dim() int { return len(q.b) }

func (q soQuadN) Value(x []float64) float64 {
	xv := mat.NewVecDense(len(x), x)
	return 0.5*mat.Inner(xv, q.a, xv) - floats.Dot(q.b, x)
}

func (q soQuadN) Grad(g, x []float64) float64 {
	gv := mat.NewVecDense(len(g), g)
	gv.MulVec(q.a, mat.NewVecDense(len(x), x))
	floats.Sub(g, q.b)
	return q.Value(x)
}

func (q soQuadN) Hess(dst *mat.SymDense, _ []float64) { dst.CopySym(q.a) }

// soSPD4 is a fixed symmetric positive definite 4×4 matrix with condition
// number about 30.
func soSPD4() *mat.SymDense {
	return mat.NewSymDense(4, []float64{
		6, 1, 0.5, -1,
		1, 4, -0.3, 0.2,
		0.5, -0.3, 2, 0.4,
		-1, 0.2, 0.4, 0.5,
	})
}

var (
	_ landscape.Fisherer  = soGaussian{}
	_ landscape.Hessianer = soHimmelblau{}
	_ landscape.Hessianer = soQuadN{}
)

// The test objectives' analytic derivatives agree with finite differences.
func TestSecondOrderTestObjectivesDerivatives(t *testing.T) {
	quad := soQuadN{a: soSPD4(), b: []float64{1, -2, 0.5, 3}}
	cases := []struct {
		name string
		obj  landscape.Objective
		at   []float64
	}{
		{"gaussian", soGaussian{m: 1.5, v: 0.25}, []float64{0.3, -0.4}},
		{"himmelblau", soHimmelblau{}, []float64{-1.3, 2.2}},
		{"quadN", quad, []float64{0.1, -0.7, 1.2, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.obj.Dim()
			g := make([]float64, n)
			c.obj.Grad(g, c.at)
			want := fd.Gradient(nil, c.obj.Value, c.at, &fd.Settings{Formula: fd.Central})
			if !floats.EqualApprox(g, want, 1e-6*math.Max(1, floats.Norm(want, math.Inf(1)))) {
				t.Errorf("gradient %v, finite differences %v", g, want)
			}
			h, ok := c.obj.(landscape.Hessianer)
			if !ok {
				return
			}
			got := mat.NewSymDense(n, nil)
			h.Hess(got, c.at)
			wantH := mat.NewSymDense(n, nil)
			fd.Hessian(wantH, c.obj.Value, c.at, nil)
			if !mat.EqualApprox(got, wantH, 1e-4*math.Max(1, mat.Norm(wantH, math.Inf(1)))) {
				t.Errorf("Hessian %v, finite differences %v", mat.Formatted(got), mat.Formatted(wantH))
			}
		})
	}
}

// The registry lists the methods with API.md's ids, hyperparameters and
// defaults.
func TestSecondOrderCatalogue(t *testing.T) {
	type hyper struct {
		name   string
		def    float64
		choice string
	}
	cases := []struct {
		id     string
		needs  string
		hyper  []hyper
		maxDim bool
	}{
		{"newton", "hessian", []hyper{{name: "damping", def: 0}}, true},
		{"saddle_free_newton", "hessian", []hyper{{name: "damping", def: 0}}, true},
		{"cg", "", []hyper{{name: "variant", choice: "polak_ribiere"}, {name: "restart", def: 0}}, false},
		{"bfgs", "", nil, true},
		{"lbfgs", "", []hyper{{name: "memory", def: 10}}, false},
		{"coordinate", "", nil, false},
		{"natural_gradient", "fisher", []hyper{{name: "lr", def: 0.1}, {name: "damping", def: 1e-4}}, true},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			info, ok := Lookup(c.id)
			if !ok {
				t.Fatalf("%s is not registered", c.id)
			}
			if info.Needs != c.needs {
				t.Errorf("Needs = %q, want %q", info.Needs, c.needs)
			}
			if (info.MaxDim > 0) != c.maxDim {
				t.Errorf("MaxDim = %d, want a limit: %v", info.MaxDim, c.maxDim)
			}
			if len(info.Hyper) != len(c.hyper) {
				t.Fatalf("hyper %+v, want %+v", info.Hyper, c.hyper)
			}
			for i, h := range c.hyper {
				got := info.Hyper[i]
				if got.Name != h.name || got.Default != h.def || got.DefaultStr != h.choice {
					t.Errorf("hyper[%d] = %s (%g, %q), want %s (%g, %q)", i, got.Name, got.Default, got.DefaultStr, h.name, h.def, h.choice)
				}
				if h.choice == "" && (got.Default < got.Min || got.Default > got.Max) {
					t.Errorf("%s default %g outside [%g, %g]", got.Name, got.Default, got.Min, got.Max)
				}
			}
		})
	}
}

// On a quadratic, Newton lands on the critical point in one step, whatever
// the conditioning and rotation, a saddle point included.
func TestNewtonQuadraticOneStep(t *testing.T) {
	cases := []struct {
		name     string
		a, b, an float64
		start    []float64
	}{
		{"round", 1, 1, 0, []float64{-2.5, 1.5}},
		{"ill-conditioned", 1, 25, 0, []float64{-2.5, 1.5}},
		{"rotated", 1, 25, 30, []float64{2, 2}},
		{"very ill-conditioned", 1000, 0.5, -60, []float64{1, -3}},
		{"indefinite: a saddle", 1, -4, 20, []float64{0.7, 1.9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, landscape.NewQuadratic(c.a, c.b, c.an), c.start, Config{Optimizer: "newton"})
			s := r.Step()
			if d := floats.Norm(s.Theta, 2); d > 1e-12*floats.Norm(c.start, 2) {
				t.Errorf("after one step θ = %v, want the critical point (0, 0)", s.Theta)
			}
			if s.Status != Converged || s.K != 1 {
				t.Errorf("status %s at step %d, want converged at step 1", s.Status, s.K)
			}
			if s.HessEvals != 1 || s.GradEvals != 1 {
				t.Errorf("step took %d gradients, %d Hessians, want 1 and 1", s.GradEvals, s.HessEvals)
			}
		})
	}
}

// On x² − y² near the saddle, Newton jumps onto it; saddle-free Newton
// rescales by |H| and slides off along y, doubling |y| every step.
func TestSaddleFreeNewtonEscapesSaddle(t *testing.T) {
	saddle := landscape.NewQuadratic(2, -2, 0) // x² − y²
	start := []float64{0.5, 0.01}

	nt := soRun(t, saddle, start, Config{Optimizer: "newton"})
	if s := nt.Step(); floats.Norm(s.Theta, 2) > 1e-15 {
		t.Errorf("newton: θ = %v, want the saddle (0, 0)", s.Theta)
	}

	sfn := soRun(t, saddle, start, Config{Optimizer: "saddle_free_newton"})
	prevLoss := sfn.Current().Loss
	for k := 1; k <= 6; k++ {
		s := sfn.Step()
		wantY := start[1] * math.Pow(2, float64(k))
		if math.Abs(s.Theta[0]) > 1e-15 || math.Abs(s.Theta[1]-wantY) > 1e-12*wantY {
			t.Fatalf("step %d: θ = %v, want (0, %g)", k, s.Theta, wantY)
		}
		if s.Loss >= prevLoss {
			t.Fatalf("step %d: loss %g did not fall below %g", k, s.Loss, prevLoss)
		}
		prevLoss = s.Loss
		ev := soState(s, "eigenvalues")
		if len(ev) != 2 || math.Abs(ev[0]+2) > 1e-12 || math.Abs(ev[1]-2) > 1e-12 {
			t.Fatalf("eigenvalues %v, want [-2 2]", ev)
		}
	}
}

// Damping on an indefinite Hessian: θ ← θ − (H + λI)⁻¹g with H = diag(2, −2)
// on x² − y², so x ← x − 2x/(2+λ) and y ← y + 2y/(λ−2).
func TestNewtonDamping(t *testing.T) {
	saddle := landscape.NewQuadratic(2, -2, 0)
	cases := []struct {
		name    string
		damping float64
		start   []float64
		want    []float64 // nil: the step must fail
	}{
		{"λ=3 makes H+λI positive: escapes", 3, []float64{0.5, 0.01}, []float64{0.5 * 0.6, 0.01 * 3}},
		{"λ=1 leaves it indefinite: overshoots in y", 1, []float64{0.5, 0.01}, []float64{0.5 / 3, -0.01}},
		{"λ=2 singular along y, gradient zero there: pseudo-inverse", 2, []float64{0.5, 0}, []float64{0.25, 0}},
		{"λ=2 singular along y, gradient not zero: error", 2, []float64{0.5, 0.01}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, saddle, c.start, Config{Optimizer: "newton", Hyper: map[string]float64{"damping": c.damping}})
			s := r.Step()
			if c.want == nil {
				if s.Status != Diverged || !strings.Contains(s.Reason, "singular") || !strings.Contains(s.Reason, "damping") {
					t.Errorf("status %s, reason %q; want the run ended with a reason about singularity and damping", s.Status, s.Reason)
				}
				if !floats.Equal(s.Theta, c.start) {
					t.Errorf("θ moved to %v on a failed step", s.Theta)
				}
				// No step was taken: the run ends at k = 0, not at a k = 1
				// that repeats the start.
				if s.K != 0 || floats.Norm(s.Update, 2) != 0 {
					t.Errorf("a failed step reports k = %d, update %v; want k = 0 and no update", s.K, s.Update)
				}
				return
			}
			if !floats.EqualApprox(s.Theta, c.want, 1e-14) {
				t.Errorf("θ = %v, want %v", s.Theta, c.want)
			}
		})
	}
}

// Undamped Newton solves Rosenbrock from the classic start in a few steps.
func TestNewtonRosenbrock(t *testing.T) {
	r := soRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: "newton"})
	k := soSteps(t, r, 30)
	s := r.Current()
	if s.Status != Converged || !floats.EqualApprox(s.Theta, []float64{1, 1}, 1e-8) {
		t.Errorf("after %d steps: %s at %v (%s), want converged at (1, 1)", k, s.Status, s.Theta, s.Reason)
	}
}

// Natural gradient on a Gaussian's (μ, log σ): with lr 1 the mean lands on
// the data's mean in one step whatever σ is, as F⁻¹ undoes the 1/σ² of the
// gradient (gradient descent's step in μ scales with 1/σ² instead).
func TestNaturalGradientGaussian(t *testing.T) {
	model := soGaussian{m: 1.5, v: 0.25}
	cases := []struct {
		name  string
		start []float64
	}{
		{"σ = 1", []float64{-1, 0}},
		{"σ small", []float64{3, -2}},
		{"σ large", []float64{0, 1.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, model, c.start, Config{Optimizer: "natural_gradient",
				Hyper: map[string]float64{"lr": 1, "damping": 0}})
			s := r.Step()
			mu, sg := c.start[0], c.start[1]
			d2 := (mu - model.m) * (mu - model.m)
			wantS := sg - 0.5*(1-(d2+model.v)*math.Exp(-2*sg))
			if math.Abs(s.Theta[0]-model.m) > 1e-12 || math.Abs(s.Theta[1]-wantS) > 1e-12*math.Max(1, math.Abs(wantS)) {
				t.Errorf("θ = %v, want (%g, %g)", s.Theta, model.m, wantS)
			}
			if dir := soState(s, "direction"); len(dir) != 2 || math.Abs(dir[0]-(model.m-mu)) > 1e-12 {
				t.Errorf("direction %v, want first component %g", dir, model.m-mu)
			}
		})
	}
}

// Natural gradient with small steps converges to the maximum-likelihood
// fit μ = m, σ² = v.
func TestNaturalGradientConverges(t *testing.T) {
	model := soGaussian{m: 1.5, v: 0.25}
	r := soRun(t, model, []float64{-2, 1}, Config{Optimizer: "natural_gradient", Hyper: map[string]float64{"lr": 0.5}})
	soSteps(t, r, 200)
	s := r.Current()
	if math.Abs(s.Theta[0]-model.m) > 1e-6 || math.Abs(math.Exp(2*s.Theta[1])-model.v) > 1e-6 {
		t.Errorf("%s at %v, want (%g, log √%g)", s.Status, s.Theta, model.m, model.v)
	}
}

// If the landscape package offers a logistic regression, the natural
// gradient trains it.
func TestNaturalGradientLogisticRegression(t *testing.T) {
	if _, ok := landscape.Lookup("logistic_regression"); !ok {
		t.Skip("no logistic_regression objective registered")
	}
	obj, info, err := landscape.New(landscape.Spec{ID: "logistic_regression"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := obj.(landscape.Fisherer); !ok {
		t.Skip("logistic_regression gives no Fisher information")
	}
	start := info.Start
	if len(start) != obj.Dim() {
		start = make([]float64, obj.Dim())
	}
	r := soRun(t, obj, start, Config{Optimizer: "natural_gradient", Hyper: map[string]float64{"lr": 0.5}})
	first := r.Current().Loss
	soSteps(t, r, 50)
	if s := r.Current(); s.Loss >= first || s.Status == Diverged {
		t.Errorf("%s, loss %g from %g; want it lower (%s)", s.Status, s.Loss, first, s.Reason)
	}
}

// A user asking for what an objective cannot give gets an error on the
// field at fault.
func TestSecondOrderBadInput(t *testing.T) {
	cases := []struct {
		name  string
		obj   landscape.Objective
		cfg   Config
		field string
	}{
		{"newton without a Hessian", soNoHessian{landscape.Rosenbrock{}}, Config{Optimizer: "newton"}, "optimizer"},
		{"saddle-free Newton without a Hessian", soNoHessian{landscape.Rosenbrock{}}, Config{Optimizer: "saddle_free_newton"}, "optimizer"},
		{"natural gradient on a non-probabilistic objective", landscape.Rosenbrock{}, Config{Optimizer: "natural_gradient"}, "optimizer"},
		{"unknown cg variant", landscape.Rosenbrock{}, Config{Optimizer: "cg", Choice: map[string]string{"variant": "hestenes_stiefel"}}, "hyper.variant"},
		{"fractional restart", landscape.Rosenbrock{}, Config{Optimizer: "cg", Hyper: map[string]float64{"restart": 2.5}}, "hyper.restart"},
		{"zero memory", landscape.Rosenbrock{}, Config{Optimizer: "lbfgs", Hyper: map[string]float64{"memory": 0}}, "hyper.memory"},
		{"negative damping", landscape.Rosenbrock{}, Config{Optimizer: "newton", Hyper: map[string]float64{"damping": -1}}, "hyper.damping"},
		{"bfgs takes no lr", landscape.Rosenbrock{}, Config{Optimizer: "bfgs", Hyper: map[string]float64{"lr": 0.1}}, "hyper.lr"},
		{"newton beyond its dimension", soWide{maxDimEigen + 1}, Config{Optimizer: "newton"}, "optimizer"},
		{"bfgs beyond its dimension", soWide{maxDimBFGS + 1}, Config{Optimizer: "bfgs"}, "optimizer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := make([]float64, c.obj.Dim())
			start[0] = -1.2
			_, err := NewRun(c.obj, start, c.cfg, 1)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *fielderr.Error", err)
			}
			if fe.Field != c.field || fe.Msg == "" {
				t.Errorf("field %q (%s), want %q", fe.Field, fe.Msg, c.field)
			}
		})
	}
}

func BenchmarkNewtonStepRosenbrock(b *testing.B) {
	benchMethodStep(b, "newton", landscape.Rosenbrock{})
}

// benchMethodStep times one Step of method id on obj from Rosenbrock's
// classic start, restarting from it every 20 steps so the steps measured are
// typical rather than at the converged minimum.
func benchMethodStep(b *testing.B, id string, obj landscape.Objective) {
	d, ok := lookup(id)
	if !ok {
		b.Fatalf("%s is not registered", id)
	}
	values, err := resolve(d.info, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := d.new(obj.Dim())
	m.Configure(values)
	o := newOracle(obj, Clip{}, nil)
	start := []float64{-1.2, 1}
	theta := append([]float64(nil), start...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%20 == 0 {
			copy(theta, start)
		}
		o.beginStep()
		if err := m.Step(o, theta, 0); err != nil && !errors.Is(err, ErrConverged) {
			b.Fatal(err)
		}
	}
}
