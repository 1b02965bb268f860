package nn

import (
	"math"
	"testing"
)

func TestFastActivations(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fast, want func(float64) float64
		tol        float64 // absolute
	}{
		{"tanh", fastTanh, math.Tanh, 4e-16},
		{"sigmoid", fastSigmoid, sigmoidExact, 4e-16},
		{"exp", func(x float64) float64 { return expKernel(x) / math.Exp(x) }, func(float64) float64 { return 1 }, 1e-15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			worst, at := 0.0, 0.0
			for i := -400000; i <= 400000; i++ {
				x := float64(i) * 1e-4 // [-40, 40], through every branch
				if tc.name == "exp" && math.Abs(x) > expMax {
					continue
				}
				if e := math.Abs(tc.fast(x) - tc.want(x)); e > worst {
					worst, at = e, x
				}
			}
			if worst > tc.tol {
				t.Errorf("error %g at x = %v, want ≤ %g", worst, at, tc.tol)
			}
			for _, x := range []float64{0, 1e-300, -1e-12, 1e3, -1e3, math.Inf(1), math.Inf(-1)} {
				if tc.name == "exp" {
					continue
				}
				if got, want := tc.fast(x), tc.want(x); math.Abs(got-want) > tc.tol {
					t.Errorf("f(%v) = %v, want %v", x, got, want)
				}
			}
			if !math.IsNaN(tc.fast(math.NaN())) && tc.name != "exp" {
				t.Errorf("NaN in must give NaN out")
			}
		})
	}
}

func sigmoidExact(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
