package landscape

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func TestHermiteRule(t *testing.T) {
	// The moments of N(0, 1): E[ε^k] = (k−1)!! for even k, 0 for odd k,
	// exact up to degree 2n−1.
	hermite := hermiteFor(minBlurNodes)
	for k := range 2*minBlurNodes - 1 {
		var got, scale float64 // scale: E|ε|^k, what rounding is relative to
		for i, z := range hermite.nodes {
			got += hermite.weights[i] * math.Pow(z, float64(k))
			scale += hermite.weights[i] * math.Pow(math.Abs(z), float64(k))
		}
		want := 0.0
		if k%2 == 0 {
			want = 1
			for j := k - 1; j > 0; j -= 2 {
				want *= float64(j)
			}
		}
		if math.Abs(got-want) > 1e-12*scale {
			t.Errorf("E[ε^%d] = %v, want %v", k, got, want)
		}
	}
}

// Blurring a quadratic adds σ²·trace(H)/2 and leaves gradient and Hessian.
func TestBlurQuadratic(t *testing.T) {
	q := NewQuadratic(1, 25, 30)
	h := mat.NewSymDense(2, nil)
	q.Hess(h, nil)
	trace := h.At(0, 0) + h.At(1, 1)
	for _, sigma := range []float64{0.1, 0.5, 2} {
		b := Blur(q, sigma)
		for _, x := range [][]float64{{0, 0}, {1.5, -2}, {-0.3, 0.7}} {
			want := q.Value(x) + sigma*sigma*trace/2
			if got := b.Value(x); math.Abs(got-want) > 1e-10*(1+want) {
				t.Errorf("σ = %v at %v: blurred value %v, want %v", sigma, x, got, want)
			}
			g, bg := make([]float64, 2), make([]float64, 2)
			q.Grad(g, x)
			if f := b.Grad(bg, x); math.Abs(f-want) > 1e-10*(1+want) {
				t.Errorf("σ = %v at %v: Grad returns %v, want %v", sigma, x, f, want)
			}
			for i := range g {
				if math.Abs(g[i]-bg[i]) > 1e-10*(1+math.Abs(g[i])) {
					t.Errorf("σ = %v at %v: blurred gradient %v, want %v", sigma, x, bg, g)
				}
			}
			bh := mat.NewSymDense(2, nil)
			b.(Hessianer).Hess(bh, x)
			if !mat.EqualApprox(bh, h, 1e-10) {
				t.Errorf("σ = %v: blurred Hessian %v, want %v", sigma, mat.Formatted(bh), mat.Formatted(h))
			}
		}
	}
	if Blur(q, 0) != Objective(q) {
		t.Error("Blur(q, 0) is not q")
	}
}

// Rastrigin blurs in closed form: E[cos 2π(x+σε)] = cos(2πx)·e^(−2π²σ²).
func TestBlurRastrigin(t *testing.T) {
	r := Rastrigin{A: 10}
	for _, sigma := range []float64{0.05, 0.2, 0.5, 0.6, 1, 1.5} {
		b := Blur(r, sigma)
		damp := math.Exp(-2 * math.Pi * math.Pi * sigma * sigma)
		for _, x := range [][]float64{{0, 0}, {0.5, 1.2}, {3.1, -4.4}} {
			want := 2 * r.A
			for _, v := range x {
				want += v*v + sigma*sigma - r.A*math.Cos(2*math.Pi*v)*damp
			}
			if got := b.Value(x); math.Abs(got-want) > 1e-8*(1+want) {
				t.Errorf("σ = %v at %v: blurred %v, closed form %v", sigma, x, got, want)
			}
		}
	}

	// Along the x axis the original has many local minima (its second
	// derivative changes sign); at σ = 0.6 (past 4π²A·e^(−2π²σ²) = 2) the
	// blurred function is convex there and gradient descent from far out reaches the global minimum.
	line := func(obj Objective) (negative bool) {
		h := mat.NewSymDense(2, nil)
		for v := -4.0; v <= 4; v += 0.01 {
			obj.(Hessianer).Hess(h, []float64{v, 0})
			if h.At(0, 0) < 0 {
				return true
			}
		}
		return false
	}
	if !line(r) {
		t.Fatal("rastrigin is convex along the x axis: the test shows nothing")
	}
	b := Blur(r, 0.6)
	if line(b) {
		t.Error("rastrigin blurred at σ = 0.6 still has negative curvature along the x axis")
	}
	for _, obj := range []Objective{r, b} {
		x, g := []float64{3.3, -2.8}, make([]float64, 2)
		for range 3000 {
			obj.Grad(g, x)
			x[0] -= 0.002 * g[0]
			x[1] -= 0.002 * g[1]
		}
		atGlobal := math.Hypot(x[0], x[1]) < 0.1
		if obj == Objective(r) && atGlobal {
			t.Errorf("descent on the sharp rastrigin reached the global minimum: no local minima?")
		}
		if obj == b && !atGlobal {
			t.Errorf("descent on the blurred rastrigin ended at %v, not the global minimum", x)
		}
	}
}

func TestBlurDerivatives(t *testing.T) {
	for _, c := range []struct {
		name string
		obj  Objective
	}{
		{"rastrigin", Rastrigin{A: 10}},
		{"himmelblau", Himmelblau{}},
		{"six_hump_camel", SixHumpCamel{}},
	} {
		b := Blur(c.obj, 0.3)
		for _, x := range [][]float64{{0.2, -0.4}, {1.7, 0.9}, {-2.5, 1.1}} {
			g := make([]float64, 2)
			b.Grad(g, x)
			want := fd.Gradient(nil, b.Value, x, &fd.Settings{Formula: fd.Central})
			for i := range g {
				if !closeTo(g[i], want[i], math.Abs(g[0])+math.Abs(g[1]), 1e-6) {
					t.Errorf("%s at %v: blurred grad %v, fd %v", c.name, x, g, want)
				}
			}
			h := mat.NewSymDense(2, nil)
			b.(Hessianer).Hess(h, x)
			jac := mat.NewDense(2, 2, nil)
			fd.Jacobian(jac, func(y, x []float64) { b.Grad(y, x) }, x, &fd.JacobianSettings{Formula: fd.Central})
			if !mat.EqualApprox(h, jac, 1e-5*(1+mat.Norm(h, math.Inf(1)))) {
				t.Errorf("%s at %v: blurred Hessian %v, fd %v", c.name, x, mat.Formatted(h), mat.Formatted(jac))
			}
		}
	}
}

// noHess hides an objective's Hessian.
type noHess struct{ Objective }

func TestBlurKeepsHessianOnlyIfPresent(t *testing.T) {
	if _, ok := Blur(noHess{Himmelblau{}}, 0.5).(Hessianer); ok {
		t.Error("blur of an objective without a Hessian claims one")
	}
	if _, ok := Blur(Himmelblau{}, 0.5).(Hessianer); !ok {
		t.Error("blur of an objective with a Hessian lost it")
	}
}

func TestNewBlurredSpec(t *testing.T) {
	raw, _, err := New(Spec{ID: "rastrigin"})
	if err != nil {
		t.Fatal(err)
	}
	blurred, info, err := New(Spec{ID: "rastrigin", Blur: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	want := Blur(raw, 0.5)
	x := []float64{0.7, -1.3}
	if got, w := blurred.Value(x), want.Value(x); got != w {
		t.Errorf("New with blur 0.5 gives %v, Blur(rastrigin, 0.5) gives %v", got, w)
	}
	if len(info.Minima) != 0 {
		t.Errorf("a blurred objective lists minima %v; they move with σ", info.Minima)
	}
	if SpecKey(Spec{ID: "rastrigin", Blur: 0.5}) == SpecKey(Spec{ID: "rastrigin"}) {
		t.Error("the cache key ignores blur: a blurred landscape would be served for the sharp one")
	}
	for _, sigma := range []float64{-1, MaxBlurSigma + 1, math.NaN()} {
		_, _, err := New(Spec{ID: "rastrigin", Blur: sigma})
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != "blur" {
			t.Errorf("blur %v: got %v, want an error on field blur", sigma, err)
		}
	}
}
