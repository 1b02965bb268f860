package optim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// soCoupled is (x1 − x2)² + α(x1² + x2²) (8.7.1): a quadratic with
// curvature 2α along (1, 1) and 2(2 + α) along (−1, 1).
func soCoupled(alpha float64) landscape.Objective {
	return landscape.NewQuadratic(2*alpha, 2*(2+alpha), 45)
}

// Exact minimisation along x1 sets x1 = x2/(1+α), along x2 sets
// x2 = x1/(1+α): every sweep shrinks θ by 1/(1+α)², which tends to 1 (a
// stall) as α → 0. Each step moves exactly one coordinate, in turn.
func TestCoordinateDescentStallsAsCouplingGrows(t *testing.T) {
	alphas := []float64{1, 0.1, 0.01, 0.001}
	for _, hessian := range []bool{true, false} {
		name := "newton along the axis"
		tol := 1e-9
		if !hessian {
			name = "bracketing and Brent"
			tol = 1e-6
		}
		t.Run(name, func(t *testing.T) {
			prevFactor := 0.0
			for _, alpha := range alphas {
				var obj landscape.Objective = soCoupled(alpha)
				if !hessian {
					obj = soNoHessian{obj}
				}
				r := soRun(t, obj, []float64{0.4, 1}, Config{Optimizer: "coordinate"})
				var x2 []float64 // x2 after each sweep
				prevLoss := r.Current().Loss
				for k := 1; k <= 6; k++ {
					s := r.Step()
					moved, still := (k-1)%2, k%2
					if s.Update[still] != 0 || s.Update[moved] == 0 {
						t.Fatalf("α=%g step %d: update %v, want only coordinate %d to move", alpha, k, s.Update, moved)
					}
					if s.Loss > prevLoss {
						t.Fatalf("α=%g step %d: loss rose from %g to %g", alpha, k, prevLoss, s.Loss)
					}
					prevLoss = s.Loss
					if s.Evals < 1 {
						t.Fatalf("step %d counted no evaluations", k)
					}
					if k%2 == 0 {
						x2 = append(x2, s.Theta[1])
					}
				}
				want := 1 / ((1 + alpha) * (1 + alpha))
				for i := 1; i < len(x2); i++ {
					if f := x2[i] / x2[i-1]; math.Abs(f-want) > tol {
						t.Errorf("α=%g sweep %d: contraction %.12f, want 1/(1+α)² = %.12f", alpha, i+1, f, want)
					}
				}
				factor := x2[len(x2)-1] / x2[len(x2)-2]
				if factor <= prevFactor {
					t.Errorf("α=%g: contraction %g not above %g of the larger α", alpha, factor, prevFactor)
				}
				prevFactor = factor
			}
			if prevFactor < 0.99 {
				t.Errorf("contraction %g at α=%g, want it near 1 (a stall)", prevFactor, alphas[len(alphas)-1])
			}
		})
	}
}

// On a separable objective coordinate descent is exact: one sweep solves it.
func TestCoordinateSeparableOneSweep(t *testing.T) {
	cases := []struct {
		name string
		obj  landscape.Objective
	}{
		{"with Hessian", landscape.NewQuadratic(1, 40, 0)},
		{"values only", soNoHessian{landscape.NewQuadratic(1, 40, 0)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, c.obj, []float64{-2.5, 1.5}, Config{Optimizer: "coordinate"})
			r.Step()
			s := r.Step()
			if floats.Norm(s.Theta, 2) > 1e-7 {
				t.Errorf("after one sweep θ = %v, want (0, 0)", s.Theta)
			}
		})
	}
}

// On Rosenbrock, exact coordinate minimisation never raises J, with or
// without the Hessian, and creeps along the valley toward (1, 1).
func TestCoordinateRosenbrockMonotone(t *testing.T) {
	cases := []struct {
		name string
		obj  landscape.Objective
	}{
		{"with Hessian", landscape.Rosenbrock{}},
		{"values only", soNoHessian{landscape.Rosenbrock{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := soRun(t, c.obj, []float64{-1.2, 1}, Config{Optimizer: "coordinate"})
			first := r.Current().Loss
			prev := first
			for k := 0; k < 200 && !r.Done(); k++ {
				s := r.Step()
				if s.Loss > prev+1e-12*math.Abs(prev) {
					t.Fatalf("step %d: loss rose from %g to %g", s.K, prev, s.Loss)
				}
				prev = s.Loss
			}
			if prev > first/4 {
				t.Errorf("loss %g after 200 steps from %g; want steady progress", prev, first)
			}
		})
	}
}

// One step of the Brent minimiser finds a non-quadratic 1-D minimum.
func TestBrentMin(t *testing.T) {
	cases := []struct {
		name    string
		phi     func(float64) float64
		a, b, x float64
		want    float64
	}{
		{"cosh shifted", func(t float64) float64 { return math.Cosh(t - 0.3) }, -1, 2, 0, 0.3},
		{"quartic", func(t float64) float64 { return math.Pow(t-1.7, 4) + t - 1.7 }, 0, 3, 1, 1.7 - math.Cbrt(0.25)},
		{"asymmetric", func(t float64) float64 { return math.Exp(t) - 2*t }, -3, 5, 0, math.Ln2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, f := brentMin(c.phi, c.a, c.b, c.x, c.phi(c.x), 1)
			if math.Abs(got-c.want) > 1e-6 || f != c.phi(got) {
				t.Errorf("argmin %g (φ=%g), want %g", got, f, c.want)
			}
		})
	}
}
