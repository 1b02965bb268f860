package hd

import (
	"errors"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Operator is a symmetric linear map given by its products: dst = A·v.
// A Hessian at θ is func(dst, v []float64) { obj.HessVec(dst, θ, v) }.
type Operator func(dst, v []float64)

// Which chooses the end of the spectrum Lanczos looks for.
type Which int

const (
	// LargestAlgebraic: the k largest eigenvalues (the sharpest curvature).
	LargestAlgebraic Which = iota
	// SmallestAlgebraic: the k smallest (the most negative curvature).
	SmallestAlgebraic
	// LargestMagnitude: the k eigenvalues of largest |λ|.
	LargestMagnitude
)

// MaxEigenpairs bounds k.
const MaxEigenpairs = 20

// LanczosSettings configures TopEigen.
type LanczosSettings struct {
	K       int     // number of eigenpairs, 1..MaxEigenpairs
	Which   Which   // which end of the spectrum
	MaxIter int     // Krylov dimension cap; 0 means min(n, max(3K+30, 60))
	Tol     float64 // relative residual ‖Av − λv‖ ≤ Tol·max|λ|; 0 means 1e-6
	Seed    uint64  // start vector
	// Start, when not nil, is the start vector instead of a random one
	// drawn from Seed (length n, not all zero): a warm start from the
	// last eigenvector of a slowly changing operator, such as the Hessian
	// along a run, converges in a few products.
	Start []float64
	// MinIter is the fewest products before the iteration may stop: with
	// a warm start the old eigenvector meets the tolerance at once, and a
	// few more steps let an eigenvalue that has overtaken it show.
	MinIter int
}

// Eigen is the result of TopEigen: Values in the order Which asks for
// (descending for LargestAlgebraic and LargestMagnitude, ascending for
// SmallestAlgebraic), unit Vectors, and each pair's residual bound
// ‖Av − λv‖.
type Eigen struct {
	Values     []float64
	Vectors    [][]float64
	Residuals  []float64
	Iterations int  // operator products used
	Converged  bool // every residual met the tolerance
}

// ErrNotFinite is returned when the operator produced NaN or ±Inf.
var ErrNotFinite = errors.New("hd: operator returned a non-finite value")

// TopEigen finds k eigenpairs of the symmetric operator op on Rⁿ by the
// Lanczos iteration with full reorthogonalisation: every new Krylov vector
// is orthogonalised (twice) against all previous ones, so no spurious copies
// of converged eigenvalues appear. The tridiagonal projection is solved with
// mat.EigenSym; the iteration stops as soon as the k wanted Ritz pairs have
// residuals below the tolerance.
func TopEigen(op Operator, n int, s LanczosSettings) (Eigen, error) {
	if s.K < 1 || s.K > MaxEigenpairs || s.K > n {
		return Eigen{}, fielderr.New("k", "must be between 1 and %d (and at most the dimension %d), got %d", MaxEigenpairs, n, s.K)
	}
	m := s.MaxIter
	if m == 0 {
		m = max(3*s.K+30, 60)
	}
	m = min(m, n)
	if m < s.K {
		return Eigen{}, fielderr.New("max_iter", "must be at least k = %d, got %d", s.K, m)
	}
	tol := s.Tol
	if tol == 0 {
		tol = 1e-6
	}
	start := make([]float64, n)
	if s.Start != nil && len(s.Start) == n && floats.Norm(s.Start, 2) > 0 {
		copy(start, s.Start)
	} else {
		rng := newRNG(s.Seed)
		for i := range start {
			start[i] = rng.NormFloat64()
		}
	}
	var res Eigen
	var ritz ritzPairs
	check := func(basis [][]float64, alpha, beta []float64) bool {
		j := len(alpha)
		// Every step: the j×j tridiagonal's eigenproblem costs far less
		// than an operator product (a Hessian-vector product through a
		// network), so stopping at the first step where the residual
		// bounds β_j·|last component of the Ritz vector| meet the
		// tolerance saves products.
		if j < s.K || j < s.MinIter {
			return false
		}
		if !ritz.solve(alpha, beta[:j-1]) {
			return false
		}
		order := ritz.order(s.Which)[:s.K]
		scale := math.Max(math.Abs(ritz.values[0]), math.Abs(ritz.values[j-1]))
		ok := true
		for _, i := range order {
			if beta[j-1]*math.Abs(ritz.vecs.At(j-1, i)) > tol*scale {
				ok = false
				break
			}
		}
		return ok
	}
	basis, alpha, beta, err := lanczos(op, start, m, check)
	if err != nil {
		return Eigen{}, err
	}
	j := len(alpha)
	if !ritz.solve(alpha, beta[:j-1]) {
		return Eigen{}, errors.New("hd: eigendecomposition of the Lanczos tridiagonal failed")
	}
	k := min(s.K, j)
	res.Iterations = j
	res.Converged = true
	scale := math.Max(math.Abs(ritz.values[0]), math.Abs(ritz.values[j-1]))
	for _, i := range ritz.order(s.Which)[:k] {
		v := make([]float64, n)
		for r := range j {
			floats.AddScaled(v, ritz.vecs.At(r, i), basis[r])
		}
		floats.Scale(1/floats.Norm(v, 2), v)
		r := beta[j-1] * math.Abs(ritz.vecs.At(j-1, i))
		res.Values = append(res.Values, ritz.values[i])
		res.Vectors = append(res.Vectors, v)
		res.Residuals = append(res.Residuals, r)
		if r > tol*scale {
			res.Converged = false
		}
	}
	return res, nil
}

// lanczos runs up to m steps from start (normalised), reorthogonalising
// fully, and returns the orthonormal basis, the diagonal alpha and the
// off-diagonal beta of the tridiagonal T (beta[j-1] is the norm of the last
// residual, 0 when the Krylov space became invariant). done, when not nil,
// is asked after each step whether to stop.
func lanczos(op Operator, start []float64, m int, done func(basis [][]float64, alpha, beta []float64) bool) (basis [][]float64, alpha, beta []float64, err error) {
	n := len(start)
	q := append([]float64(nil), start...)
	nrm := floats.Norm(q, 2)
	if nrm == 0 || math.IsNaN(nrm) || math.IsInf(nrm, 0) {
		return nil, nil, nil, errors.New("hd: Lanczos start vector must be finite and non-zero")
	}
	floats.Scale(1/nrm, q)
	w := make([]float64, n)
	for j := 0; j < m; j++ {
		basis = append(basis, q)
		op(w, q)
		a := floats.Dot(q, w)
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return nil, nil, nil, ErrNotFinite
		}
		// Two passes of classical Gram–Schmidt against the whole basis
		// ("twice is enough") keep the basis orthogonal to working precision.
		for range 2 {
			for _, b := range basis {
				floats.AddScaled(w, -floats.Dot(b, w), b)
			}
		}
		bnorm := floats.Norm(w, 2)
		alpha = append(alpha, a)
		beta = append(beta, bnorm)
		if bnorm <= 1e-12*math.Max(1, math.Abs(a)) {
			beta[j] = 0 // invariant subspace: T's eigenvalues are exact
			break
		}
		if done != nil && done(basis, alpha, beta) {
			break
		}
		q = make([]float64, n)
		floats.ScaleTo(q, 1/bnorm, w)
	}
	return basis, alpha, beta, nil
}

// ritzPairs holds the eigendecomposition of a Lanczos tridiagonal, values
// ascending, vectors as columns.
type ritzPairs struct {
	values []float64
	vecs   mat.Dense
}

func (r *ritzPairs) solve(alpha, offdiag []float64) bool {
	j := len(alpha)
	t := mat.NewSymDense(j, nil)
	for i := range j {
		t.SetSym(i, i, alpha[i])
		if i+1 < j {
			t.SetSym(i, i+1, offdiag[i])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(t, true) {
		return false
	}
	if cap(r.values) < j {
		r.values = make([]float64, j)
	}
	r.values = es.Values(r.values[:j])
	r.vecs.Reset()
	es.VectorsTo(&r.vecs)
	return true
}

// order returns the indices of the Ritz values in the order which wants.
func (r *ritzPairs) order(which Which) []int {
	idx := make([]int, len(r.values))
	for i := range idx {
		idx[i] = i
	}
	switch which {
	case LargestAlgebraic:
		for i, j := 0, len(idx)-1; i < j; i, j = i+1, j-1 {
			idx[i], idx[j] = idx[j], idx[i]
		}
	case LargestMagnitude:
		sort.SliceStable(idx, func(a, b int) bool {
			return math.Abs(r.values[idx[a]]) > math.Abs(r.values[idx[b]])
		})
	}
	return idx
}
