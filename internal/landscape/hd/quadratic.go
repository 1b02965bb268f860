package hd

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// MaxQuadraticDim bounds the dimension of a Quadratic.
const MaxQuadraticDim = 10_000

// Quadratic is J(x) = ½(x − x*)ᵀA(x − x*) with A = QΛQᵀ, a chosen spectrum
// Λ and a random orthogonal basis Q = H₁H₂…H_k, a product of k Householder
// reflections Hᵢ = I − 2uᵢuᵢᵀ. Applying Q or Qᵀ costs O(kn), so n = 10 000
// stays cheap, and every answer is known in closed form: the minimum x*
// with value 0, the eigenpairs (λᵢ, Qeᵢ), the condition number.
type Quadratic struct {
	lambda []float64
	us     [][]float64 // unit Householder vectors
	xstar  []float64
}

var (
	_ landscape.Objective = (*Quadratic)(nil)
	_ landscape.HessVecer = (*Quadratic)(nil)
)

// NewQuadratic returns the quadratic with eigenvalues eigs (any order, any
// sign: negative ones make a saddle), a basis made of reflections random
// Householder reflections, and a minimiser drawn from N(0, I), all from seed.
func NewQuadratic(eigs []float64, reflections int, seed uint64) (*Quadratic, error) {
	n := len(eigs)
	if n < 1 || n > MaxQuadraticDim {
		return nil, fielderr.New("dim", "must be between 1 and %d, got %d", MaxQuadraticDim, n)
	}
	if err := fielderr.Finite("eigenvalues", eigs); err != nil {
		return nil, err
	}
	if reflections < 0 || reflections > 64 {
		return nil, fielderr.New("reflections", "must be between 0 and 64, got %d", reflections)
	}
	rng := newRNG(seed)
	q := &Quadratic{lambda: append([]float64(nil), eigs...), xstar: make([]float64, n)}
	for range reflections {
		u := make([]float64, n)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		if nrm := floats.Norm(u, 2); nrm > 0 {
			floats.Scale(1/nrm, u)
			q.us = append(q.us, u)
		}
	}
	for i := range q.xstar {
		q.xstar[i] = rng.NormFloat64()
	}
	return q, nil
}

// GeometricSpectrum returns n eigenvalues spaced geometrically from hi down
// to hi/cond: condition number cond, the ill-conditioning of 8.2.1.
func GeometricSpectrum(n int, hi, cond float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		out[i] = hi * math.Pow(cond, -t)
	}
	return out
}

// Dim is n.
func (q *Quadratic) Dim() int { return len(q.lambda) }

// Eigenvalues returns Λ in the order given to NewQuadratic.
func (q *Quadratic) Eigenvalues() []float64 { return append([]float64(nil), q.lambda...) }

// Minimizer returns x*, where J = 0 (the minimum when every λ > 0).
func (q *Quadratic) Minimizer() []float64 { return append([]float64(nil), q.xstar...) }

// Eigenvector writes the unit eigenvector Qeᵢ of eigenvalue i into dst.
func (q *Quadratic) Eigenvector(dst []float64, i int) {
	clear(dst)
	dst[i] = 1
	q.applyQ(dst)
}

// applyQ sets y ← Qy = H₁(H₂(…H_k y)).
func (q *Quadratic) applyQ(y []float64) {
	for i := len(q.us) - 1; i >= 0; i-- {
		reflect(y, q.us[i])
	}
}

// applyQT sets y ← Qᵀy = H_k(…H₁ y).
func (q *Quadratic) applyQT(y []float64) {
	for _, u := range q.us {
		reflect(y, u)
	}
}

func reflect(y, u []float64) {
	floats.AddScaled(y, -2*floats.Dot(u, y), u)
}

// hessVec sets dst = A·v.
func (q *Quadratic) hessVec(dst, v []float64) {
	copy(dst, v)
	q.applyQT(dst)
	floats.Mul(dst, q.lambda)
	q.applyQ(dst)
}

// Value is ½(x − x*)ᵀA(x − x*).
func (q *Quadratic) Value(x []float64) float64 {
	d := make([]float64, len(x))
	floats.SubTo(d, x, q.xstar)
	q.applyQT(d)
	var s float64
	for i, v := range d {
		s += q.lambda[i] * v * v
	}
	return s / 2
}

// Grad writes A(x − x*) into grad and returns J(x).
func (q *Quadratic) Grad(grad, x []float64) float64 {
	floats.SubTo(grad, x, q.xstar)
	q.applyQT(grad)
	var s float64
	for i, v := range grad {
		s += q.lambda[i] * v * v
		grad[i] = q.lambda[i] * v
	}
	q.applyQ(grad)
	return s / 2
}

// HessVec writes A·v into dst; A does not depend on x.
func (q *Quadratic) HessVec(dst, _, v []float64) { q.hessVec(dst, v) }
