package hd

import (
	"math"
	"sync"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// MaxFactorSide bounds the rows and columns of a Factorization's target.
const MaxFactorSide = 64

// Factorization is J(W₁, W₂) = ½‖W₁W₂ − M‖²_F: factors W₁ (m×k) and W₂
// (k×n) fitting an m×n target M = U·diag(σ)·Vᵀ of rank r with chosen
// singular values and random orthonormal U, V. θ holds W₁ then W₂, each
// row-major, and the objective says so (Matrices), for the optimizers that
// act on whole matrices.
//
// It is a deep linear network of two layers trained on the identity's
// inputs: its critical points are known (Baldi & Hornik 1989). θ = 0 is a
// saddle; every local minimum is global, fitting the k largest singular
// values, with loss ½Σ_{i>k} σᵢ² (Eckart–Young); the other critical points
// are saddles that fit some other k of them. Gradient descent from a small
// start learns the singular values one at a time, largest first, with a
// plateau before each (Saxe et al. 2013): an ill-conditioned target makes
// the plateaus long, which an optimizer that orthogonalises its update
// (Muon) skips.
type Factorization struct {
	m, n, k int
	sv      []float64 // σ, descending
	target  []float64 // M, m×n row-major
	pool    sync.Pool // *[]float64 residual scratch, m×n
}

var (
	_ landscape.Objective = (*Factorization)(nil)
	_ landscape.HessVecer = (*Factorization)(nil)
	_ landscape.Matrixed  = (*Factorization)(nil)
)

// NewFactorization returns the objective fitting an m×n target with
// singular values sv (positive, at most min(m, n) of them; the target's
// rank is len(sv)) by factors of inner dimension k. U and V are drawn from
// seed.
func NewFactorization(m, n, k int, sv []float64, seed uint64) (*Factorization, error) {
	switch {
	case m < 1 || m > MaxFactorSide:
		return nil, fielderr.New("rows", "must be between 1 and %d, got %d", MaxFactorSide, m)
	case n < 1 || n > MaxFactorSide:
		return nil, fielderr.New("cols", "must be between 1 and %d, got %d", MaxFactorSide, n)
	case len(sv) < 1 || len(sv) > min(m, n):
		return nil, fielderr.New("rank", "must be between 1 and min(rows, cols) = %d, got %d", min(m, n), len(sv))
	case k < 1 || k > min(m, n):
		return nil, fielderr.New("k", "must be between 1 and min(rows, cols) = %d, got %d", min(m, n), k)
	}
	if err := fielderr.Finite("singular_values", sv); err != nil {
		return nil, err
	}
	r := len(sv)
	rng := newRNG(seed)
	u, v := orthonormalColumns(m, r, rng.NormFloat64), orthonormalColumns(n, r, rng.NormFloat64)
	f := &Factorization{m: m, n: n, k: k, sv: append([]float64(nil), sv...), target: make([]float64, m*n)}
	for i := range m {
		for j := range n {
			var s float64
			for l := range r {
				s += u[i*r+l] * sv[l] * v[j*r+l]
			}
			f.target[i*n+j] = s
		}
	}
	f.pool.New = func() any { b := make([]float64, m*n); return &b }
	return f, nil
}

// orthonormalColumns returns a rows×cols row-major matrix with orthonormal
// columns: Gram–Schmidt (twice, for accuracy) on Gaussian columns.
func orthonormalColumns(rows, cols int, normal func() float64) []float64 {
	q := make([]float64, rows*cols)
	for i := range q {
		q[i] = normal()
	}
	for j := range cols {
		for range 2 {
			for p := range j {
				var d float64
				for i := range rows {
					d += q[i*cols+j] * q[i*cols+p]
				}
				for i := range rows {
					q[i*cols+j] -= d * q[i*cols+p]
				}
			}
		}
		var nrm float64
		for i := range rows {
			nrm += q[i*cols+j] * q[i*cols+j]
		}
		nrm = math.Sqrt(nrm)
		for i := range rows {
			q[i*cols+j] /= nrm
		}
	}
	return q
}

// Dim is m·k + k·n.
func (f *Factorization) Dim() int { return f.m*f.k + f.k*f.n }

// Shape is the target's m×n and the factors' inner dimension k.
func (f *Factorization) Shape() (m, n, k int) { return f.m, f.n, f.k }

// SingularValues are the target's, largest first as given.
func (f *Factorization) SingularValues() []float64 { return append([]float64(nil), f.sv...) }

// Target is M, m×n row-major.
func (f *Factorization) Target() []float64 { return append([]float64(nil), f.target...) }

// MinValue is the global minimum, ½ times the sum of the squared singular
// values beyond the k largest (Eckart–Young); 0 when k ≥ rank.
func (f *Factorization) MinValue() float64 {
	s := append([]float64(nil), f.sv...)
	sortDesc(s)
	var v float64
	for i := f.k; i < len(s); i++ {
		v += s[i] * s[i]
	}
	return v / 2
}

func sortDesc(s []float64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] > s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Matrices are W₁ (m×k) and W₂ (k×n).
func (f *Factorization) Matrices() []landscape.Matrix {
	return []landscape.Matrix{{Offset: 0, Rows: f.m, Cols: f.k}, {Offset: f.m * f.k, Rows: f.k, Cols: f.n}}
}

// Blocks lay θ out for filter-normalised planes: the rows of each factor.
func (f *Factorization) Blocks() []Block {
	return []Block{{Offset: 0, Rows: f.m, Cols: f.k}, {Offset: f.m * f.k, Rows: f.k, Cols: f.n}}
}

func (f *Factorization) check(x []float64) {
	if len(x) != f.Dim() {
		panic("hd: factorization: parameter vector of the wrong length")
	}
}

// residual writes R = W₁W₂ − M into r and returns ½‖R‖².
func (f *Factorization) residual(r, x []float64) float64 {
	m, n, k := f.m, f.n, f.k
	w1, w2 := x[:m*k], x[m*k:]
	var s float64
	for i := range m {
		ri := r[i*n : (i+1)*n]
		for j := range ri {
			ri[j] = -f.target[i*n+j]
		}
		for l := range k {
			a := w1[i*k+l]
			row := w2[l*n : (l+1)*n]
			for j, b := range row {
				ri[j] += a * b
			}
		}
		for _, v := range ri {
			s += v * v
		}
	}
	return s / 2
}

func (f *Factorization) scratch() *[]float64 { return f.pool.Get().(*[]float64) }

// Value is ½‖W₁W₂ − M‖²_F. Safe for concurrent use.
func (f *Factorization) Value(x []float64) float64 {
	f.check(x)
	r := f.scratch()
	v := f.residual(*r, x)
	f.pool.Put(r)
	return v
}

// Grad writes ∇J = (R·W₂ᵀ, W₁ᵀ·R), R = W₁W₂ − M, and returns J.
func (f *Factorization) Grad(grad, x []float64) float64 {
	f.check(x)
	rp := f.scratch()
	r := *rp
	v := f.residual(r, x)
	f.backward(grad, x, r)
	f.pool.Put(rp)
	return v
}

// backward writes (R·W₂ᵀ, W₁ᵀ·R) into dst.
func (f *Factorization) backward(dst, x, r []float64) {
	m, n, k := f.m, f.n, f.k
	w1, w2 := x[:m*k], x[m*k:]
	g1, g2 := dst[:m*k], dst[m*k:]
	for i := range m {
		ri := r[i*n : (i+1)*n]
		for l := range k {
			var s float64
			for j, b := range w2[l*n : (l+1)*n] {
				s += ri[j] * b
			}
			g1[i*k+l] = s
		}
	}
	for i := range g2 {
		g2[i] = 0
	}
	for i := range m {
		ri := r[i*n : (i+1)*n]
		for l := range k {
			a := w1[i*k+l]
			row := g2[l*n : (l+1)*n]
			for j, v := range ri {
				row[j] += a * v
			}
		}
	}
}

// HessVec writes ∇²J(x)·v: with V = (V₁, V₂), dR = V₁W₂ + W₁V₂, it is
// (dR·W₂ᵀ + R·V₂ᵀ, V₁ᵀ·R + W₁ᵀ·dR).
func (f *Factorization) HessVec(dst, x, v []float64) {
	f.check(x)
	m, n, k := f.m, f.n, f.k
	rp, dp := f.scratch(), f.scratch()
	r, dr := *rp, *dp
	f.residual(r, x)
	w1, w2 := x[:m*k], x[m*k:]
	v1, v2 := v[:m*k], v[m*k:]
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				s += v1[i*k+l]*w2[l*n+j] + w1[i*k+l]*v2[l*n+j]
			}
			dr[i*n+j] = s
		}
	}
	// (dR·W₂ᵀ, W₁ᵀ·dR) is backward at x with R replaced by dR; then add
	// the terms in R: R·V₂ᵀ to the first block, V₁ᵀ·R to the second.
	f.backward(dst, x, dr)
	h1, h2 := dst[:m*k], dst[m*k:]
	for i := range m {
		for l := range k {
			var s float64
			for j := range n {
				s += r[i*n+j] * v2[l*n+j]
			}
			h1[i*k+l] += s
		}
	}
	for l := range k {
		for j := range n {
			var s float64
			for i := range m {
				s += v1[i*k+l] * r[i*n+j]
			}
			h2[l*n+j] += s
		}
	}
	f.pool.Put(rp)
	f.pool.Put(dp)
}
