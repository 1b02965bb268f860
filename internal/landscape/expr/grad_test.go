package expr

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// TestFusedShapes checks each shape that the gradient tree fuses against
// the Hessian tree, which evaluates the same expression one operation per
// closure: the values must agree to the bit (and with Value), the
// gradients to rounding; and against finite differences, which share no
// code with either.
func TestFusedShapes(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"term", "3*x"},
		{"square term", "-(2 - y)^2"},
		{"sum of terms", "x^2 - 3*y"},
		{"sum of terms and a constant", "x^2 + y^2 - 1"},
		{"squared sum", "(x - 2*y)^2"},
		{"scaled squared sum with constant", "-(-3*(x^2 - y + 0.5)^2)"},
		{"term plus squared sum", "(1-x)^2 + 100*(y-x^2)^2"},
		{"squared sum minus term", "2*(x + y)^2 - y^2"},
		{"squared sums", "(x^2 + y - 11)^2 - (x + y^2 - 7)^2"},
		{"term minus call", "x^2 - sin(y)"},
		{"call minus term", "sin(x) - y^2"},
		{"call minus squared sum", "sin(x) - (x - y + 1)^2"},
		{"squared sum minus call", "(x - y)^2 - cos(x*y) + 2"},
		{"calls", "sin(x) - cos(y)"},
		{"square of a term", "(x^2)^2"},
		{"square of a call", "0.5*(sin(x) + y)^2"},
		{"square of a long sum", "(x + y + x^2 - 3)^2"},
		{"product of terms", "(x - 1)*(2*y)"},
		{"nested sums", "x - (y - (x^2 - y^2))"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			g, gfd := make([]float64, 2), make([]float64, 2)
			h := mat.NewSymDense(2, nil)
			for _, p := range boxPoints([4]float64{-2, 2, -2, 2}, 5) {
				x := p[:]
				v := f.Grad(g, x)
				z := f.hessAt(h, x)
				if v != z.v || v != f.Value(x) {
					t.Errorf("%s at %v: Grad's value %v, Hess's %v, Value %v", tc.src, p, v, z.v, f.Value(x))
				}
				if !near(g[0], z.dx, 1e-13) || !near(g[1], z.dy, 1e-13) {
					t.Errorf("%s at %v: ∇f = %v, Hess's tree says (%v, %v)", tc.src, p, g, z.dx, z.dy)
				}
				fd.Gradient(gfd, f.Value, x, &fd.Settings{Formula: fd.Central})
				if !near(g[0], gfd[0], 1e-6) || !near(g[1], gfd[1], 1e-6) {
					t.Errorf("%s at %v: ∇f = %v, finite differences %v", tc.src, p, g, gfd)
				}
			}
		})
	}
}

// TestFusedIndependence: where a fused square is infinite, the partial in
// a variable it does not depend on stays 0 (not Inf·0 = NaN).
func TestFusedIndependence(t *testing.T) {
	for _, tc := range []struct {
		src  string
		x, y float64
		g    [2]float64
	}{
		{"(y + y^2)^2 + x", 1, 1e200, [2]float64{1, math.Inf(1)}},
		{"(sin(y) + 1e300*y)^2 + x", 1, 1e200, [2]float64{1, math.Inf(1)}},
		{"(x + 1e300*x)^2 - (y - 1)^2", 1e10, 3, [2]float64{math.Inf(1), -4}},
	} {
		f, err := Parse(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, 2)
		f.Grad(g, []float64{tc.x, tc.y})
		if g[0] != tc.g[0] || g[1] != tc.g[1] {
			t.Errorf("%s at (%v, %v): ∇f = %v, want %v", tc.src, tc.x, tc.y, g, tc.g)
		}
	}
}
