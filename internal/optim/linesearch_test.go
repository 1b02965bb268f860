package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// Conjugate gradients solve a 2-D quadratic in exactly two line searches
// (8.5.2, Fig 8.9), with either β formula; steepest descent would zig-zag.
func TestCGQuadraticTwoSteps(t *testing.T) {
	quads := []struct {
		name     string
		a, b, an float64
		start    []float64
	}{
		{"ill-conditioned", 1, 25, 0, []float64{-2.5, 1.5}},
		{"rotated", 1, 25, 30, []float64{2, 2}},
		{"very ill-conditioned", 1000, 0.5, -60, []float64{1, -3}},
		{"mild", 3, 5, 75, []float64{-0.3, 2.7}},
	}
	for _, variant := range []string{"polak_ribiere", "fletcher_reeves"} {
		for _, q := range quads {
			t.Run(variant+"/"+q.name, func(t *testing.T) {
				r := soRun(t, landscape.NewQuadratic(q.a, q.b, q.an), q.start,
					Config{Optimizer: "cg", Choice: map[string]string{"variant": variant}})
				s := r.Step()
				if s.Evals < 1 {
					t.Errorf("step 1 counted %d evaluations", s.Evals)
				}
				if d := floats.Norm(s.Theta, 2); d < 1e-3*floats.Norm(q.start, 2) {
					t.Fatalf("one line search already reached the minimum (%v): the case does not test conjugacy", s.Theta)
				}
				s = r.Step()
				if d := floats.Norm(s.Theta, 2); d > 1e-10*floats.Norm(q.start, 2) {
					t.Errorf("after two steps θ = %v (‖θ‖ = %.3g), want (0, 0)", s.Theta, d)
				}
				if len(soState(s, "direction")) != 2 || len(soState(s, "ls_points"))%2 != 0 || len(soState(s, "ls_points")) == 0 {
					t.Errorf("state %+v lacks direction or line-search points", s.State)
				}
			})
		}
	}
}

// With restart 1, CG is steepest descent with a line search, which does
// not finish a rotated ill-conditioned quadratic in two steps.
func TestCGRestartEveryStepIsSteepestDescent(t *testing.T) {
	q := landscape.NewQuadratic(1, 25, 30)
	r := soRun(t, q, []float64{2, 2}, Config{Optimizer: "cg", Hyper: map[string]float64{"restart": 1}})
	r.Step()
	s := r.Step()
	if floats.Norm(s.Theta, 2) < 1e-3 {
		t.Errorf("steepest descent reached %v in two line searches", s.Theta)
	}
	// Consecutive exact-line-search steepest-descent steps are orthogonal.
	u1 := append([]float64(nil), s.Update...)
	s = r.Step()
	if c := floats.Dot(u1, s.Update) / (floats.Norm(u1, 2) * floats.Norm(s.Update, 2)); math.Abs(c) > 1e-6 {
		t.Errorf("cos between consecutive steps %g, want 0", c)
	}
}

// BFGS, L-BFGS and CG solve Rosenbrock from (−1.2, 1) to 1e-6 in a bounded
// number of line searches, each counting its evaluations.
func TestLineSearchMethodsRosenbrock(t *testing.T) {
	cases := []struct {
		name     string
		cfg      Config
		maxSteps int
	}{
		{"bfgs", Config{Optimizer: "bfgs"}, 100},
		{"lbfgs", Config{Optimizer: "lbfgs"}, 100},
		{"lbfgs memory 2", Config{Optimizer: "lbfgs", Hyper: map[string]float64{"memory": 2}}, 100},
		{"cg polak_ribiere", Config{Optimizer: "cg"}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, c.cfg)
			k := 0
			for ; k < c.maxSteps && !r.Done(); k++ {
				s := r.Step()
				if s.Evals < 1 || s.GradEvals < 1 {
					t.Fatalf("step %d counted %d evaluations, %d gradients", s.K, s.Evals, s.GradEvals)
				}
			}
			s := r.Current()
			if s.Status != Converged || !floats.EqualApprox(s.Theta, []float64{1, 1}, 1e-6) {
				t.Errorf("after %d steps: %s at %v (%s), want converged at (1, 1)", k, s.Status, s.Theta, s.Reason)
			}
			t.Logf("%d steps", k)
		})
	}
}

// On a quadratic with (near-)exact line searches, BFGS's estimate M equals
// the true inverse Hessian after Dim steps.
func TestBFGSInverseHessian(t *testing.T) {
	cases := []struct {
		name  string
		obj   landscape.Objective
		start []float64
	}{
		{"2-D ill-conditioned", landscape.NewQuadratic(1, 25, 0), []float64{-2.5, 1.5}},
		{"2-D rotated", landscape.NewQuadratic(2, 30, 35), []float64{2, 1}},
		{"2-D indefinite-looking start far out", landscape.NewQuadratic(0.5, 8, -70), []float64{-3, 3}},
		{"4-D", soQuadN{a: soSPD4(), b: []float64{1, -2, 0.5, 3}}, []float64{2, 1, -1, 0.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.obj.Dim()
			h := mat.NewSymDense(n, nil)
			c.obj.(landscape.Hessianer).Hess(h, c.start)
			var want mat.Dense
			if err := want.Inverse(h); err != nil {
				t.Fatal(err)
			}
			r := soRun(t, c.obj, c.start, Config{Optimizer: "bfgs"})
			var s *Step
			for k := 0; k < n; k++ {
				s = r.Step()
			}
			got := mat.NewDense(n, n, soState(s, "inv_hessian"))
			var diff mat.Dense
			diff.Sub(got, &want)
			if e := mat.Norm(&diff, 2) / mat.Norm(&want, 2); e > 1e-6 {
				t.Errorf("after %d steps M = %v\nwant H⁻¹ = %v (relative error %.2g)", n, mat.Formatted(got), mat.Formatted(&want), e)
			}
		})
	}
}

// BFGS from a start in each quadrant reaches Himmelblau's minimum in that
// quadrant.
func TestBFGSHimmelblauQuadrants(t *testing.T) {
	var obj landscape.Objective = soHimmelblau{}
	if o, _, err := landscape.New(landscape.Spec{ID: "himmelblau"}); err == nil {
		obj = o
	}
	minima := [][]float64{{3, 2}, {-2.805118086952745, 3.131312518250573},
		{-3.779310253377747, -3.283185991286170}, {3.584428340330492, -1.848126526964404}}
	cases := []struct {
		name  string
		start []float64
	}{
		{"first quadrant", []float64{2, 1}},
		{"second quadrant", []float64{-2, 2}},
		{"third quadrant", []float64{-3, -2}},
		{"fourth quadrant", []float64{2, -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, obj, c.start, Config{Optimizer: "bfgs"})
			soSteps(t, r, 100)
			s := r.Current()
			var want []float64
			for _, m := range minima {
				if math.Signbit(m[0]) == math.Signbit(c.start[0]) && math.Signbit(m[1]) == math.Signbit(c.start[1]) {
					want = m
				}
			}
			if s.Status != Converged || !floats.EqualApprox(s.Theta, want, 1e-6) {
				t.Errorf("%s at %v (%s), want converged at %v", s.Status, s.Theta, s.Reason, want)
			}
		})
	}
}

// Changing cg's variant or lbfgs's memory during a run keeps it going to the
// minimum.
func TestLineSearchLiveChanges(t *testing.T) {
	cases := []struct {
		name   string
		cfg    Config
		num    map[string]float64
		choice map[string]string
	}{
		{"cg to fletcher_reeves", Config{Optimizer: "cg"}, nil, map[string]string{"variant": "fletcher_reeves"}},
		{"cg restart period", Config{Optimizer: "cg"}, map[string]float64{"restart": 3}, nil},
		{"lbfgs memory", Config{Optimizer: "lbfgs"}, map[string]float64{"memory": 3}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, c.cfg)
			soSteps(t, r, 5)
			if err := r.Set(c.num, c.choice, nil, nil); err != nil {
				t.Fatal(err)
			}
			soSteps(t, r, 2000)
			if s := r.Current(); s.Status != Converged || !floats.EqualApprox(s.Theta, []float64{1, 1}, 1e-5) {
				t.Errorf("%s at %v (%s), want converged at (1, 1)", s.Status, s.Theta, s.Reason)
			}
		})
	}
}

// A line search that runs into a region where J is not finite backs off
// instead of handing NaN to the page.
func TestLineSearchNonFiniteRegion(t *testing.T) {
	obj := soBarrier{}
	for _, id := range []string{"cg", "bfgs", "lbfgs"} {
		t.Run(id, func(t *testing.T) {
			r := soRun(t, obj, []float64{0.9, -0.5}, Config{Optimizer: id})
			soSteps(t, r, 50)
			s := r.Current()
			if s.Status != Converged || floats.Norm(s.Theta, 2) > 1e-6 {
				t.Errorf("%s at %v (%s), want converged at (0, 0)", s.Status, s.Theta, s.Reason)
			}
		})
	}
}

// soBarrier is −log(1 − x²) − ½·log(1 − y²): NaN outside the open unit square.
type soBarrier struct{}

func (soBarrier) Dim() int { return 2 }

func (soBarrier) Value(p []float64) float64 {
	return -math.Log(1-p[0]*p[0]) - 0.5*math.Log(1-p[1]*p[1])
}

func (b soBarrier) Grad(g, p []float64) float64 {
	g[0] = 2 * p[0] / (1 - p[0]*p[0])
	g[1] = p[1] / (1 - p[1]*p[1])
	return b.Value(p)
}

func BenchmarkBFGSStepRosenbrock(b *testing.B) {
	benchMethodStep(b, "bfgs", landscape.Rosenbrock{})
}

func BenchmarkLBFGSStepRosenbrock(b *testing.B) {
	benchMethodStep(b, "lbfgs", landscape.Rosenbrock{})
}

func BenchmarkCGStepRosenbrock(b *testing.B) {
	benchMethodStep(b, "cg", landscape.Rosenbrock{})
}

// Clipped gradients disagree with J's slope; the line-search methods must
// still make progress and never hand NaN on.
func TestLineSearchWithClipping(t *testing.T) {
	for _, id := range []string{"cg", "bfgs", "lbfgs", "coordinate"} {
		for _, clip := range []Clip{{Norm: 1}, {Value: 0.5}} {
			t.Run(fmt.Sprintf("%s/%+v", id, clip), func(t *testing.T) {
				r := soRun(t, landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: id, Clip: clip})
				first := r.Current().Loss
				soSteps(t, r, 300)
				s := r.Current()
				if s.Status == Diverged || s.Loss > first/100 {
					t.Errorf("%s with loss %g from %g at %v (%s)", s.Status, s.Loss, first, s.Theta, s.Reason)
				}
				if r.Clips() == 0 {
					t.Errorf("no step was clipped: the case tests nothing")
				}
			})
		}
	}
}

// soRandomSPD returns BᵀB + I for a seeded random n×n matrix B.
func soRandomSPD(n int, seed uint64) *mat.SymDense {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			b.Set(i, j, rng.NormFloat64())
		}
	}
	a := mat.NewSymDense(n, nil)
	a.SymOuterK(1, b.T())
	for i := 0; i < n; i++ {
		a.SetSym(i, i, a.At(i, i)+1)
	}
	return a
}

// In n dimensions CG (restarting every n line searches) solves a quadratic
// in n line searches, up to rounding, and not much earlier.
func TestCGQuadraticNDimensions(t *testing.T) {
	for _, n := range []int{3, 6, 10} {
		for _, variant := range []string{"polak_ribiere", "fletcher_reeves"} {
			t.Run(fmt.Sprintf("%d-D %s", n, variant), func(t *testing.T) {
				a := soRandomSPD(n, uint64(n))
				b := make([]float64, n)
				for i := range b {
					b[i] = float64(i%3) - 1
				}
				var want mat.VecDense
				if err := want.SolveVec(a, mat.NewVecDense(n, b)); err != nil {
					t.Fatal(err)
				}
				r := soRun(t, soQuadN{a: a, b: b}, make([]float64, n), Config{Optimizer: "cg",
					Choice: map[string]string{"variant": variant}})
				var s *Step
				for k := 1; k <= n; k++ {
					s = r.Step()
					if k == n-1 && floats.Distance(s.Theta, want.RawVector().Data, 2) < 1e-6*floats.Norm(want.RawVector().Data, 2) {
						t.Fatalf("already at the minimum after %d of %d line searches", k, n)
					}
				}
				if d := floats.Distance(s.Theta, want.RawVector().Data, 2); d > 1e-8*floats.Norm(want.RawVector().Data, 2) {
					t.Errorf("after %d line searches ‖θ − θ*‖ = %.3g", n, d)
				}
			})
		}
	}
}
