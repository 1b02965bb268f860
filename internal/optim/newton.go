package optim

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// maxDimEigen is the largest dimension for which a method eigendecomposes a
// Dim×Dim matrix every step (O(n³): about a second at n = 1000 on a laptop,
// too slow to watch beyond that).
const maxDimEigen = 1000

// dampingSpec is the Levenberg–Marquardt damping λ added to the curvature
// matrix's diagonal.
func dampingSpec(def float64, what string) HyperSpec {
	return HyperSpec{Name: "damping", Symbol: "λ", Default: def, Min: 0, Max: 1e6,
		Description: "λ added to the diagonal of " + what + " (Levenberg–Marquardt); 0 is the undamped method"}
}

func init() {
	register(Info{
		ID: "newton", Name: "Newton's method", Section: "§8.6.1 (draft 8.5.1), Algorithm 8.8 (draft 8.9)",
		Description: "θ ← θ − (H + λI)⁻¹g: jumps to the critical point of the local quadratic model, " +
			"a minimum, a maximum or a saddle alike.",
		Hyper:  []HyperSpec{dampingSpec(0, "the Hessian")},
		Needs:  "hessian",
		MaxDim: maxDimEigen,
	}, func(n int) Method { return newNewton(n, false) })
	register(Info{
		ID: "saddle_free_newton", Name: "Saddle-free Newton", Section: "§8.2.3 (draft 8.2.4), Dauphin et al. 2014",
		Description: "θ ← θ − (|H| + λI)⁻¹g with |H| = Q|Λ|Qᵀ: Newton's rescaling, but always downhill, " +
			"so saddle points repel it.",
		Hyper:  []HyperSpec{dampingSpec(0, "|H|")},
		Needs:  "hessian",
		MaxDim: maxDimEigen,
	}, func(n int) Method { return newNewton(n, true) })
}

// newton is Newton's method (Algorithm 8.9) with Levenberg–Marquardt damping,
// or, with abs set, the saddle-free Newton method of Dauphin et al. (2014).
//
// Both solve through the eigendecomposition H = QΛQᵀ, so the same code gives
// the eigenvalues to draw and handles indefinite H. When H + λI is singular
// (an eigenvalue within a relative 1e-10 of zero) the step uses the
// pseudo-inverse if the gradient has no component along the singular
// directions (x² + 0·y: there is nothing to do along y); otherwise the step is
// undefined and Step returns an error that ends the run, asking for damping.
type newton struct {
	abs     bool
	damping float64

	h     *mat.SymDense
	g     []float64
	step  []float64
	solve eigenSolver
	state []Vec
}

var _ Method = (*newton)(nil)

func newNewton(n int, abs bool) *newton {
	m := &newton{abs: abs, h: mat.NewSymDense(n, nil), g: make([]float64, n),
		step: make([]float64, n), solve: newEigenSolver(n)}
	m.state = []Vec{{Name: "direction", V: m.step}, {Name: "eigenvalues", V: m.solve.w}}
	return m
}

func (m *newton) Configure(h Values) { m.damping = h.Num["damping"] }

// State: "direction" is the whole step Δθ just taken (there is no line
// search or learning rate), "eigenvalues" the ascending eigenvalues of H at
// the point the step was taken from (signed, before |·| and damping).
func (m *newton) State() []Vec { return m.state }

func (m *newton) Step(o *Oracle, theta []float64, _ float64) error {
	o.Grad(m.g, theta)
	if err := o.Hess(m.h, theta); err != nil {
		return err
	}
	if err := m.solve.solve(m.step, m.h, m.g, m.damping, m.abs); err != nil {
		name := "Newton's method"
		if m.abs {
			name = "saddle-free Newton"
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	for i, s := range m.step {
		m.step[i] = -s
		theta[i] -= s
	}
	return nil
}

// ErrSingular is wrapped by the error of a step that would divide by a zero
// curvature along a direction in which the gradient is not zero.
var ErrSingular = errors.New("the curvature matrix plus damping is singular")

// eigenSolver solves (f(A) + λI)·x = g for a symmetric A through A = QΛQᵀ,
// where f is the identity or, for saddle-free Newton, |·|. It calls LAPACK's
// dsyev (what mat.EigenSym uses) on buffers of its own, so a step allocates
// nothing.
type eigenSolver struct {
	n    int
	a    blas64.Symmetric // a copy of A; the eigenvectors Q (as columns) after dsyev
	w    []float64        // eigenvalues of A, ascending
	c    []float64        // Qᵀg, then scaled
	work []float64
}

func newEigenSolver(n int) eigenSolver {
	s := eigenSolver{n: n,
		a: blas64.Symmetric{N: n, Stride: max(n, 1), Uplo: blas.Upper, Data: make([]float64, n*n)},
		w: make([]float64, n), c: make([]float64, n)}
	query := []float64{0}
	lapack64.Syev(lapack.EVCompute, s.a, s.w, query, -1)
	s.work = make([]float64, max(int(query[0]), 3*n-1, 1))
	return s
}

// Relative sizes below which an eigenvalue counts as zero, and a gradient
// component along its eigenvector as absent.
const (
	singularTol = 1e-10
	gradAbsent  = 1e-9
)

// solve writes (f(A) + λI)⁺·g into dst and leaves A's eigenvalues in s.w.
func (s *eigenSolver) solve(dst []float64, a *mat.SymDense, g []float64, damping float64, abs bool) error {
	n := s.n
	raw := a.RawSymmetric()
	for i := 0; i < n; i++ {
		copy(s.a.Data[i*n+i:(i+1)*n], raw.Data[i*raw.Stride+i:i*raw.Stride+n])
	}
	if !allFinite(s.a.Data) {
		return errors.New("the curvature matrix is not finite here")
	}
	if !lapack64.Syev(lapack.EVCompute, s.a, s.w, s.work, len(s.work)) {
		return errors.New("the eigendecomposition did not converge")
	}
	q := s.a.Data // q[i*n+k] is component i of eigenvector k
	var largest, gnorm float64
	for k, l := range s.w {
		largest = math.Max(largest, math.Abs(shifted(l, damping, abs)))
		gnorm += g[k] * g[k]
	}
	gnorm = math.Sqrt(gnorm)
	for k := range s.c {
		var c float64
		for i := 0; i < n; i++ {
			c += q[i*n+k] * g[i]
		}
		d := shifted(s.w[k], damping, abs)
		if math.Abs(d) <= singularTol*largest || d == 0 {
			if math.Abs(c) > gradAbsent*gnorm {
				return fmt.Errorf("%w (eigenvalue %.3g%s) along a direction where the gradient is %.3g; raise the damping",
					ErrSingular, s.w[k], dampingNote(damping), c)
			}
			s.c[k] = 0 // pseudo-inverse: no gradient, no step along it
			continue
		}
		s.c[k] = c / d
	}
	for i := range dst {
		var x float64
		for k, c := range s.c {
			x += q[i*n+k] * c
		}
		dst[i] = x
	}
	if !allFinite(dst) {
		return errors.New("the step is not finite")
	}
	return nil
}

func shifted(l, damping float64, abs bool) float64 {
	if abs {
		l = math.Abs(l)
	}
	return l + damping
}

func dampingNote(damping float64) string {
	if damping == 0 {
		return ""
	}
	return fmt.Sprintf(", damping %g", damping)
}
