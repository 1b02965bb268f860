package hd

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// knownSym returns V·diag(eigs)·Vᵀ for a random orthogonal V.
func knownSym(eigs []float64, seed uint64) *mat.SymDense {
	n := len(eigs)
	rng := newRNG(seed)
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var v mat.Dense
	qr.QTo(&v)
	var a mat.Dense
	a.Mul(&v, mat.NewDiagDense(n, eigs))
	a.Mul(&a, v.T())
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
		}
	}
	return s
}

func symOp(a *mat.SymDense) Operator {
	return func(dst, v []float64) {
		mat.NewVecDense(len(dst), dst).MulVec(a, mat.NewVecDense(len(v), v))
	}
}

func TestTopEigenMatchesEigenSym(t *testing.T) {
	n := 150
	eigs := make([]float64, n)
	rng := newRNG(3)
	for i := range eigs {
		eigs[i] = 4*rng.Float64() - 2 // bulk in [-2, 2]
	}
	copy(eigs, []float64{30, 22, 15, 11, -25, -9, 8})
	a := knownSym(eigs, 4)
	var es mat.EigenSym
	if !es.Factorize(a, true) {
		t.Fatal("EigenSym failed")
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)

	for _, tc := range []struct {
		name  string
		which Which
		want  []float64
	}{
		{"largest", LargestAlgebraic, []float64{30, 22, 15, 11, 8}},
		{"smallest", SmallestAlgebraic, []float64{-25, -9}},
		{"magnitude", LargestMagnitude, []float64{30, -25, 22, 15, 11, -9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := TopEigen(symOp(a), n, LanczosSettings{K: len(tc.want), Which: tc.which, Tol: 1e-10, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Converged {
				t.Errorf("not converged after %d products; residuals %v", res.Iterations, res.Residuals)
			}
			if !floats.EqualApprox(res.Values, tc.want, 1e-8) {
				t.Errorf("eigenvalues %v, want %v", res.Values, tc.want)
			}
			for i, l := range res.Values {
				// The matching EigenSym vector, up to sign.
				k := sort.SearchFloat64s(vals, l-1e-6)
				if math.Abs(vals[k]-l) > 1e-8 {
					t.Fatalf("EigenSym has no eigenvalue near %v", l)
				}
				dot := floats.Dot(res.Vectors[i], mat.Col(nil, k, &vecs))
				if math.Abs(math.Abs(dot)-1) > 1e-8 {
					t.Errorf("eigenvector for %v: |⟨v, u⟩| = %v, want 1", l, math.Abs(dot))
				}
			}
		})
	}
}

func TestTopEigenOnHighDimQuadratic(t *testing.T) {
	n := 10_000
	if testing.Short() {
		n = 2000
	}
	eigs := make([]float64, n)
	rng := newRNG(5)
	for i := range eigs {
		eigs[i] = 10 * rng.Float64()
	}
	top := []float64{100, 90, 80, 70, 60}
	// Scatter the outliers through the spectrum, not at its start.
	for i, l := range top {
		eigs[(i*7919+13)%n] = l
	}
	q, err := NewQuadratic(eigs, 4, 6)
	if err != nil {
		t.Fatal(err)
	}
	x := q.Minimizer()
	res, err := TopEigen(func(dst, v []float64) { q.HessVec(dst, x, v) }, n, LanczosSettings{K: 5, Tol: 1e-9, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("n=%d: %d Hessian-vector products", n, res.Iterations)
	if !floats.EqualApprox(res.Values, top, 1e-7) {
		t.Errorf("eigenvalues %v, want %v", res.Values, top)
	}
	u := make([]float64, n)
	for i, l := range top {
		q.Eigenvector(u, (i*7919+13)%n)
		if d := math.Abs(floats.Dot(u, res.Vectors[i])); math.Abs(d-1) > 1e-7 {
			t.Errorf("eigenvector of %v: |⟨v, Qe⟩| = %v, want 1", l, d)
		}
	}
}

func TestTopEigenRejectsBadK(t *testing.T) {
	op := func(dst, v []float64) { copy(dst, v) }
	for _, k := range []int{0, -1, MaxEigenpairs + 1, 11} {
		if _, err := TopEigen(op, 10, LanczosSettings{K: k}); err == nil {
			t.Errorf("k = %d accepted for n = 10", k)
		}
	}
	nan := func(dst, v []float64) {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
	if _, err := TopEigen(nan, 10, LanczosSettings{K: 2}); err == nil {
		t.Error("a NaN operator gave no error")
	}
}

func TestSpectralDensity(t *testing.T) {
	n := 2000
	eigs := make([]float64, n)
	rng := newRNG(8)
	for i := range eigs {
		// A bimodal spectrum with a negative tail: what a lesson shows.
		if i%4 == 0 {
			eigs[i] = -1 + 0.3*rng.NormFloat64()
		} else {
			eigs[i] = 2 + 0.5*rng.NormFloat64()
		}
	}
	q, _ := NewQuadratic(eigs, 4, 9)
	op := func(dst, v []float64) { q.HessVec(dst, nil, v) }
	quad, err := SpectralDensity(op, n, SLQSettings{Steps: 60, Probes: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 3; k++ {
		var exact float64
		for _, l := range eigs {
			exact += math.Pow(l, float64(k)) / float64(n)
		}
		if got := quad.Moment(k); math.Abs(got-exact) > 0.05*math.Max(1, math.Abs(exact)) {
			t.Errorf("moment %d: %v, exact %v", k, got, exact)
		}
	}
	const sigma = 0.2
	grid := make([]float64, 400)
	for i := range grid {
		grid[i] = -4 + 10*float64(i)/float64(len(grid)-1)
	}
	got := make([]float64, len(grid))
	quad.Density(got, grid, sigma)
	var l1, mass float64
	h := grid[1] - grid[0]
	for i, x := range grid {
		var want float64
		for _, l := range eigs {
			z := (x - l) / sigma
			want += math.Exp(-z*z/2) / (sigma * math.Sqrt(2*math.Pi) * float64(n))
		}
		l1 += math.Abs(got[i]-want) * h
		mass += got[i] * h
	}
	if math.Abs(mass-1) > 0.01 {
		t.Errorf("density integrates to %v, want 1", mass)
	}
	if l1 > 0.1 {
		t.Errorf("L1 distance to the exact smoothed density is %v, want < 0.1", l1)
	}
	// The negative quarter of the spectrum must show as mass below 0.
	var neg float64
	for i, x := range grid {
		if x < 0 {
			neg += got[i] * h
		}
	}
	if math.Abs(neg-0.25) > 0.05 {
		t.Errorf("mass below 0 is %v, want ≈ 0.25", neg)
	}
}

// TestTopEigenStopsEarlyWithTrueResiduals: Lanczos stops at the first step
// whose residual bounds meet the tolerance, well before the Krylov cap, and
// the pairs it returns then really have ‖Av − λv‖ within the tolerance.
func TestTopEigenStopsEarlyWithTrueResiduals(t *testing.T) {
	n := 400
	eigs := make([]float64, n)
	rng := newRNG(21)
	for i := range eigs {
		eigs[i] = 2*rng.Float64() - 1
	}
	copy(eigs, []float64{50, 40, 35, 30, 26, -20})
	a := knownSym(eigs, 22)
	for _, tol := range []float64{1e-4, 1e-6, 1e-9} {
		t.Run(fmt.Sprint(tol), func(t *testing.T) {
			const maxIter = 120
			res, err := TopEigen(symOp(a), n, LanczosSettings{K: 5, Tol: tol, MaxIter: maxIter, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Converged || res.Iterations >= maxIter {
				t.Fatalf("converged %v after %d of %d products", res.Converged, res.Iterations, maxIter)
			}
			av := make([]float64, n)
			for i, v := range res.Vectors {
				symOp(a)(av, v)
				floats.AddScaled(av, -res.Values[i], v)
				if r := floats.Norm(av, 2); r > 2*tol*50 || r > 2*res.Residuals[i]+1e-12 {
					t.Errorf("pair %d (λ = %v): ‖Av − λv‖ = %g, bound %g, tolerance %g", i, res.Values[i], r, res.Residuals[i], tol*50)
				}
			}
			t.Logf("tol %g: %d products", tol, res.Iterations)
		})
	}
}
