package hd

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestQuadraticDerivatives(t *testing.T) {
	eigs := []float64{5, -2, 0.5, 3, 1, 0, 7, -0.1}
	q, err := NewQuadratic(eigs, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := q.Dim()
	rng := newRNG(2)
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	g := make([]float64, n)
	if f := q.Grad(g, x); math.Abs(f-q.Value(x)) > 1e-12 {
		t.Errorf("Grad's value %v differs from Value %v", f, q.Value(x))
	}
	if want := fd.Gradient(nil, q.Value, x, &fd.Settings{Formula: fd.Central}); !floats.EqualApprox(g, want, 1e-6) {
		t.Errorf("gradient %v, finite differences %v", g, want)
	}
	h := mat.NewDense(n, n, nil)
	fd.Jacobian(h, func(y, x []float64) { q.Grad(y, x) }, x, &fd.JacobianSettings{Formula: fd.Central})
	// The Hessian must have exactly the chosen spectrum.
	var es mat.EigenSym
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	es.Factorize(sym, false)
	want := append([]float64(nil), eigs...)
	sortFloats(want)
	if got := es.Values(nil); !floats.EqualApprox(got, want, 1e-6) {
		t.Errorf("Hessian spectrum %v, want %v", got, want)
	}
	if v := q.Value(q.Minimizer()); v != 0 {
		t.Errorf("J(x*) = %v, want 0", v)
	}
	// The closed-form eigenpairs: A·vᵢ = λᵢ·vᵢ with ‖vᵢ‖ = 1.
	v, av := make([]float64, n), make([]float64, n)
	for i, l := range eigs {
		q.Eigenvector(v, i)
		q.HessVec(av, x, v)
		floats.AddScaled(av, -l, v)
		if r := floats.Norm(av, 2); r > 1e-12 || math.Abs(floats.Norm(v, 2)-1) > 1e-12 {
			t.Errorf("eigenpair %d: residual %v, norm %v", i, r, floats.Norm(v, 2))
		}
	}
}

func TestNewQuadraticRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		eigs []float64
		refl int
	}{
		{"empty", nil, 2},
		{"NaN eigenvalue", []float64{1, math.NaN()}, 2},
		{"too big", make([]float64, MaxQuadraticDim+1), 2},
		{"negative reflections", []float64{1}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewQuadratic(tc.eigs, tc.refl, 1); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func sortFloats(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}
