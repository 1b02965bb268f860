package landscape

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// ErrNoHessian means the objective offers neither a Hessian nor
// Hessian-vector products.
var ErrNoHessian = errors.New("landscape: the objective has no Hessian")

// MaxCondition stands for an infinite condition number (a zero
// eigenvalue), so a Geometry always encodes as JSON; Singular says so.
const MaxCondition = 1e16

// Geometry is the local picture of J at a point (8.2.1, 8.2.3), the answer
// of POST /api/hessian. Every number in it is finite.
type Geometry struct {
	Loss    float64     `json:"loss"`
	Grad    []float64   `json:"grad"`
	Hessian [][]float64 `json:"hessian"`
	// Eigenvalues ascending; Eigenvectors[i] is the unit eigenvector of
	// Eigenvalues[i], signed so its largest component is positive.
	Eigenvalues  []float64   `json:"eigenvalues"`
	Eigenvectors [][]float64 `json:"eigenvectors"`
	// Condition is |λ|max/|λ|min, or MaxCondition when λmin = 0 (or the
	// ratio exceeds it), in which case Singular is true.
	Condition float64 `json:"condition"`
	Singular  bool    `json:"singular,omitempty"`
	// GTG and GTHG are gᵀg and gᵀHg: a gradient step of size ε changes J
	// by −εgᵀg + ½ε²gᵀHg to second order (8.2.1), so ill-conditioning
	// shows as gᵀHg outgrowing gᵀg.
	GTG  float64 `json:"gtg"`
	GTHG float64 `json:"gthg"`
}

// Curvature analyses obj at x. The Hessian comes from Hessianer, or else
// column by column from HessVecer; with neither it returns ErrNoHessian.
// A point or a result that is not finite is a *fielderr.Error on "at".
func Curvature(obj Objective, x []float64) (Geometry, error) {
	n := obj.Dim()
	if len(x) != n {
		return Geometry{}, fielderr.New("at", "needs %d coordinates, got %d", n, len(x))
	}
	if err := fielderr.Finite("at", x); err != nil {
		return Geometry{}, err
	}
	h := mat.NewSymDense(n, nil)
	switch o := obj.(type) {
	case Hessianer:
		o.Hess(h, x)
	case HessVecer:
		FormHessian(h, o, x)
	default:
		return Geometry{}, ErrNoHessian
	}

	g := Geometry{Grad: make([]float64, n)}
	g.Loss = obj.Grad(g.Grad, x)
	if !isFinite(g.Loss) {
		return Geometry{}, fielderr.New("at", "the objective is not finite there (%v)", g.Loss)
	}
	g.Hessian = make([][]float64, n)
	for i := range n {
		g.Hessian[i] = make([]float64, n)
		for j := range n {
			g.Hessian[i][j] = h.At(i, j)
		}
		if !allFinite(g.Hessian[i]) {
			return Geometry{}, fielderr.New("at", "the Hessian is not finite there")
		}
	}
	if !allFinite(g.Grad) {
		return Geometry{}, fielderr.New("at", "the gradient is not finite there")
	}

	var eig mat.EigenSym
	if !eig.Factorize(h, true) {
		return Geometry{}, errors.New("landscape: eigen-decomposition did not converge")
	}
	g.Eigenvalues = eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	g.Eigenvectors = make([][]float64, n)
	for k := range n {
		v := make([]float64, n)
		big := 0
		for i := range n {
			v[i] = vecs.At(i, k)
			if math.Abs(v[i]) > math.Abs(v[big]) {
				big = i
			}
		}
		if v[big] < 0 { // a fixed sign, so the same point draws the same arrows
			for i := range v {
				v[i] = -v[i]
			}
		}
		g.Eigenvectors[k] = v
	}

	lo, hi := math.Inf(1), 0.0
	for _, l := range g.Eigenvalues {
		lo, hi = math.Min(lo, math.Abs(l)), math.Max(hi, math.Abs(l))
	}
	switch {
	case hi == 0:
		g.Condition, g.Singular = MaxCondition, true // H = 0: no direction is preferred, but nothing is invertible
	case lo == 0 || hi/lo > MaxCondition:
		g.Condition, g.Singular = MaxCondition, true
	default:
		g.Condition = hi / lo
	}

	hg := make([]float64, n)
	for i := range n {
		for j := range n {
			hg[i] += g.Hessian[i][j] * g.Grad[j]
		}
		g.GTG += g.Grad[i] * g.Grad[i]
	}
	for i := range n {
		g.GTHG += g.Grad[i] * hg[i]
	}
	if !isFinite(g.GTG) || !isFinite(g.GTHG) {
		return Geometry{}, fielderr.New("at", "gᵀg or gᵀHg overflows there")
	}
	return g, nil
}

func allFinite(xs []float64) bool {
	for _, v := range xs {
		if !isFinite(v) {
			return false
		}
	}
	return true
}

// FormHessian writes the n×n Hessian at x (n = dst's size) into dst from
// Hessian-vector products, column j being H·eⱼ. A product is symmetric
// only to rounding, so the two triangles are averaged.
func FormHessian(dst *mat.SymDense, hv HessVecer, x []float64) {
	n := dst.SymmetricDim()
	cols := mat.NewDense(n, n, nil)
	e, col := make([]float64, n), make([]float64, n)
	for j := range n {
		e[j] = 1
		hv.HessVec(col, x, e)
		e[j] = 0
		cols.SetCol(j, col)
	}
	for i := range n {
		for j := i; j < n; j++ {
			dst.SetSym(i, j, (cols.At(i, j)+cols.At(j, i))/2)
		}
	}
}
