package hd

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func TestFactorizationDerivatives(t *testing.T) {
	cases := []struct {
		name    string
		m, n, k int
		sv      []float64
	}{
		{"square, exact rank", 6, 6, 2, []float64{3, 0.5}},
		{"tall, k below rank", 7, 4, 2, []float64{2, 1, 0.1}},
		{"wide, k above rank", 3, 8, 3, []float64{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := NewFactorization(c.m, c.n, c.k, c.sv, 7)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			x, v := make([]float64, f.Dim()), make([]float64, f.Dim())
			for i := range x {
				x[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
			}
			g := make([]float64, f.Dim())
			if val := f.Grad(g, x); val != f.Value(x) {
				t.Errorf("Grad returns J = %g, Value %g", val, f.Value(x))
			}
			want := fd.Gradient(nil, f.Value, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			if !floats.EqualApprox(g, want, 1e-6*(1+floats.Norm(want, math.Inf(1)))) {
				t.Errorf("∇J = %v\nfinite differences %v", g, want)
			}
			// ∇²J·v against the central difference of ∇J along v.
			hv := make([]float64, f.Dim())
			f.HessVec(hv, x, v)
			const h = 1e-5
			xp, xm := make([]float64, len(x)), make([]float64, len(x))
			for i := range x {
				xp[i], xm[i] = x[i]+h*v[i], x[i]-h*v[i]
			}
			gp, gm := make([]float64, len(x)), make([]float64, len(x))
			f.Grad(gp, xp)
			f.Grad(gm, xm)
			for i := range gp {
				gp[i] = (gp[i] - gm[i]) / (2 * h)
			}
			if !floats.EqualApprox(hv, gp, 1e-5*(1+floats.Norm(gp, math.Inf(1)))) {
				t.Errorf("∇²J·v = %v\nfinite differences %v", hv, gp)
			}
		})
	}
}

// TestFactorizationKnownValues: at θ = 0 (a saddle, ∇J = 0) the loss is
// ½‖M‖² = ½Σσᵢ²; the target has the singular values asked for (MᵀM's
// trace and that of (MᵀM)² give Σσ² and Σσ⁴); the minimum is ½ times the
// squares left out by k (Eckart–Young).
func TestFactorizationKnownValues(t *testing.T) {
	sv := []float64{2, 1, 0.25}
	f, err := NewFactorization(5, 4, 2, sv, 3)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]float64, f.Dim())
	g := make([]float64, f.Dim())
	if v := f.Grad(g, zero); math.Abs(v-0.5*(4+1+0.0625)) > 1e-12 {
		t.Errorf("J(0) = %g, want ½Σσ² = %g", v, 0.5*(4+1+0.0625))
	}
	if floats.Norm(g, 2) != 0 {
		t.Errorf("∇J(0) = %v, want 0 (a saddle)", g)
	}
	M := f.Target()
	m, n, _ := f.Shape()
	mtm := make([]float64, n*n)
	for a := range n {
		for b := range n {
			for i := range m {
				mtm[a*n+b] += M[i*n+a] * M[i*n+b]
			}
		}
	}
	var tr, tr2 float64
	for a := range n {
		tr += mtm[a*n+a]
		for b := range n {
			tr2 += mtm[a*n+b] * mtm[b*n+a]
		}
	}
	if math.Abs(tr-(4+1+0.0625)) > 1e-12 || math.Abs(tr2-(16+1+math.Pow(0.25, 4))) > 1e-12 {
		t.Errorf("Σσ² = %g, Σσ⁴ = %g; want %g, %g", tr, tr2, 4+1+0.0625, 16+1+math.Pow(0.25, 4))
	}
	if got := f.MinValue(); math.Abs(got-0.5*0.0625) > 1e-15 {
		t.Errorf("MinValue = %g, want ½·0.25²", got)
	}
}

func TestFactorizationRefusesBadShapes(t *testing.T) {
	for _, c := range []struct {
		m, n, k int
		sv      []float64
		field   string
	}{
		{0, 3, 1, []float64{1}, "rows"},
		{3, 65, 1, []float64{1}, "cols"},
		{3, 3, 1, []float64{1, 1, 1, 1}, "rank"},
		{3, 3, 4, []float64{1}, "k"},
		{3, 3, 1, []float64{math.NaN()}, "singular_values[0]"},
	} {
		_, err := NewFactorization(c.m, c.n, c.k, c.sv, 1)
		if fe, ok := err.(*fielderr.Error); !ok || fe.Field != c.field {
			t.Errorf("%+v: error %v, want one on %q", c, err, c.field)
		}
	}
}
