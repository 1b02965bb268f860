package expr

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// TestAgainstFiniteDifferences checks the exact derivatives against gonum's
// central differences at random points, over every function and operator.
func TestAgainstFiniteDifferences(t *testing.T) {
	srcs := []string{
		"(1-x)^2 + 100*(y-x^2)^2",
		"sin(x*y) + cos(x - y)",
		"tan(x/3)*exp(y/2)",
		"log(1 + x^2) - sqrt(3 + x*y)",
		"tanh(x) * sigmoid(y) + softplus(x*y)",
		"x^y + y^x + 2^(x - y)",
		"(x - 2*y)/(4 + x^2) - 3/(1 + y^2)",
		"abs(x - 5) + x^3*y - (x + y)^-2",
		"max(x, -3)*min(y, 3) + min(x^2, 9)",
		"-x^2*y + 0.5*(x^2 + 25*y^2)",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	h, hfd := mat.NewSymDense(2, nil), mat.NewSymDense(2, nil)
	g, gfd := make([]float64, 2), make([]float64, 2)
	for _, src := range srcs {
		t.Run(src, func(t *testing.T) {
			f, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			for range 20 {
				// x^y needs x > 0; the boxes keep clear of the kinks of abs/min/max
				// only statistically, so points near one are skipped below.
				x := []float64{0.2 + 1.6*rng.Float64(), 0.2 + 1.6*rng.Float64()}
				f.Grad(g, x)
				fd.Gradient(gfd, f.Value, x, &fd.Settings{Formula: fd.Central})
				f.Hess(h, x)
				// Central differences of central differences: O(h²) truncation,
				// O(ε/h²) rounding, both near 1e-8 at h = 1e-4.
				fd.Hessian(hfd, f.Value, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
				for i := range 2 {
					if !near(g[i], gfd[i], 1e-7) {
						t.Errorf("∇f%v = %v, finite differences %v", x, g, gfd)
						break
					}
				}
				for i := range 2 {
					for j := i; j < 2; j++ {
						if !near(h.At(i, j), hfd.At(i, j), 1e-5) {
							t.Errorf("∇²f%v[%d,%d] = %v, finite differences %v", x, i, j, h.At(i, j), hfd.At(i, j))
						}
					}
				}
			}
		})
	}
}

// FuzzParse: Parse never panics; what it accepts it prints in a form that
// parses again to the same text and the same numbers.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"(1-x)^2 + 100*(y-x^2)^2",
		"-x^2 + 2^-y^3",
		"min(x, y)/max(1, sqrt(abs(x*y)))",
		"sigmoid(x) - softplus(-y) + tanh(e*pi)",
		"--x - (y - 1e-3)",
		"2x",
		"sin(",
	} {
		f.Add(s)
	}
	pts := [][]float64{{0.3, -0.7}, {-1.5, 2}, {0, 0}, {2, 0.5}}
	f.Fuzz(func(t *testing.T, src string) {
		fn, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is a %T, want *Error", err, err)
			}
			return
		}
		canon := fn.String()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("String() of %q is %q, which does not parse: %v", src, canon, err)
		}
		if s := again.String(); s != canon {
			t.Fatalf("String() not stable: %q -> %q -> %q", src, canon, s)
		}
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
		g1, g2 := make([]float64, 2), make([]float64, 2)
		h := mat.NewSymDense(2, nil)
		for _, x := range pts {
			v1, v2 := fn.Grad(g1, x), again.Grad(g2, x)
			if !same(v1, v2) || !same(g1[0], g2[0]) || !same(g1[1], g2[1]) {
				t.Fatalf("%q and %q differ at %v: %v %v vs %v %v", src, canon, x, v1, g1, v2, g2)
			}
			if v := fn.Value(x); !same(v, v1) {
				t.Fatalf("%q at %v: Value %v, Grad's value %v", src, x, v, v1)
			}
			fn.Hess(h, x)
		}
	})
}
