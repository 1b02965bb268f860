package expr

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// kinkCases are non-smooth expressions with a kink on x = 0 (or on a tie
// of min/max there), and what their derivatives are at (0, y0).
var kinkCases = []struct {
	src string
	// At the kink: the reported ∂x, ∂²x (NaN: not finite at all), and
	// whether the gradient and Hessian are all finite.
	dx, dxx           float64
	gradOK, hessianOK bool
}{
	{"abs(x) + y", 0, 0, true, true},                // the mean of −1 and 1: a subgradient
	{"abs(x)^0.5 + y", math.NaN(), 0, false, false}, // one-sided derivatives ±∞
	{"sqrt(abs(x)) + y", math.NaN(), 0, false, false},
	{"abs(x)^1.5 + y", 0, math.Inf(1), true, false}, // differentiable, f'' = ∞
	{"abs(x)^2 + y", 0, 2, true, true},              // smooth: x²
	{"abs(x)^3 + y", 0, 0, true, true},              // smooth to second order
	{"max(x, 0) + y", 0.5, 0, true, true},           // mean of 0 and 1
	{"min(x, -x) + y", 0, 0, true, true},            // −|x|
	{"max(x, -x)^0.5 + y", math.NaN(), 0, false, false},
	{"abs(x)*abs(x) + y", 0, 2, true, true},
}

// TestDerivativesAtAKink (issue 14, defect 3): at the kink the derivatives
// are the mean of the one-sided ones, and infinite ones are reported as not
// finite instead of a silent 0; x^1.5's treatment, for abs(x)^1.5.
func TestDerivativesAtAKink(t *testing.T) {
	const y0 = 0.3
	g := make([]float64, 2)
	h := mat.NewSymDense(2, nil)
	for _, tc := range kinkCases {
		t.Run(tc.src, func(t *testing.T) {
			f, err := Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			x := []float64{0, y0}
			f.Grad(g, x)
			f.Hess(h, x)
			same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
			if !same(g[0], tc.dx) || g[1] != 1 {
				t.Errorf("∇f(0, y) = %v, want [%v 1]", g, tc.dx)
			}
			if fin := finite(g[0]) && finite(g[1]); fin != tc.gradOK {
				t.Errorf("gradient %v finite = %v, want %v", g, fin, tc.gradOK)
			}
			hfin := finite(h.At(0, 0)) && finite(h.At(0, 1)) && finite(h.At(1, 1))
			if hfin != tc.hessianOK {
				t.Errorf("Hessian %v finite = %v, want %v", mat.Formatted(h), hfin, tc.hessianOK)
			}
			if tc.hessianOK && !same(h.At(0, 0), tc.dxx) {
				t.Errorf("∂²f/∂x² = %v, want %v", h.At(0, 0), tc.dxx)
			}
			if !tc.gradOK {
				return
			}
			// The reported ∂x is the mean of one-sided finite differences.
			v := func(x float64) float64 { return f.Value([]float64{x, y0}) }
			const step = 1e-6
			right := (v(step) - v(0)) / step
			left := (v(0) - v(-step)) / step
			if !near(g[0], (left+right)/2, 1e-5) {
				t.Errorf("∂f/∂x = %v, one-sided differences %v and %v", g[0], left, right)
			}
		})
	}
}

// TestKinksAwayFromTheKink: on either side of the kink the two one-sided
// trees agree, and agree with central finite differences.
func TestKinksAwayFromTheKink(t *testing.T) {
	g, gfd := make([]float64, 2), make([]float64, 2)
	h, hfd := mat.NewSymDense(2, nil), mat.NewSymDense(2, nil)
	for _, tc := range kinkCases {
		f, err := Parse(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range [][]float64{{-0.7, 0.2}, {0.4, -1.1}, {1.3, 0.5}, {-0.05, 2}} {
			f.Grad(g, x)
			fd.Gradient(gfd, f.Value, x, &fd.Settings{Formula: fd.Central})
			f.Hess(h, x)
			fd.Hessian(hfd, f.Value, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
			for i := range 2 {
				if !near(g[i], gfd[i], 1e-6) {
					t.Errorf("%s: ∇f%v = %v, finite differences %v", tc.src, x, g, gfd)
				}
				for j := i; j < 2; j++ {
					if !near(h.At(i, j), hfd.At(i, j), 1e-4) {
						t.Errorf("%s: ∇²f%v[%d,%d] = %v, finite differences %v", tc.src, x, i, j, h.At(i, j), hfd.At(i, j))
					}
				}
			}
		}
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
