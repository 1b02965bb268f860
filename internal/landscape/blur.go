package landscape

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Blur's Gauss–Hermite rule has between minBlurNodes and maxBlurNodes
// points per axis. An n-point rule integrates polynomials of degree 2n−1
// exactly, but the nodes of a short rule are too far apart for an
// integrand that oscillates: J(θ + σε) with features of unit size (a
// Rastrigin ripple) oscillates σ times faster in ε. So the rule grows with
// σ: 20 points up to σ = 0.5, then 40 per unit of σ, which keeps the blurred
// Rastrigin within 1e-8 of its closed form up to σ = 1.5.
const (
	minBlurNodes = 20
	maxBlurNodes = 64
)

// blurNodes is the rule size Blur uses at scale sigma.
func blurNodes(sigma float64) int {
	return int(min(maxBlurNodes, max(minBlurNodes, math.Ceil(40*sigma))))
}

// maxBlurDim bounds the dimension Blur accepts: the tensor-product rule
// costs n^dim evaluations.
const maxBlurDim = 3

// hermiteRules caches the rules by size; they are read-only once made.
var hermiteRules struct {
	sync.Mutex
	byN map[int]hermiteRule
}

func hermiteFor(n int) hermiteRule {
	hermiteRules.Lock()
	defer hermiteRules.Unlock()
	if r, ok := hermiteRules.byN[n]; ok {
		return r
	}
	if hermiteRules.byN == nil {
		hermiteRules.byN = make(map[int]hermiteRule)
	}
	r := newHermiteRule(n)
	hermiteRules.byN[n] = r
	return r
}

// hermiteRule is E[f(ε)] ≈ Σ weights[i]·f(nodes[i]), ε ~ N(0, 1).
type hermiteRule struct{ nodes, weights []float64 }

// newHermiteRule computes the rule by Golub–Welsch: the nodes are the
// eigenvalues of the Jacobi matrix of the probabilists' Hermite
// polynomials (zero diagonal, off-diagonal √k), the weights the squared
// first components of its unit eigenvectors.
func newHermiteRule(n int) hermiteRule {
	j := mat.NewSymDense(n, nil)
	for k := 1; k < n; k++ {
		j.SetSym(k-1, k, math.Sqrt(float64(k)))
	}
	var eig mat.EigenSym
	if !eig.Factorize(j, true) {
		panic("landscape: Gauss–Hermite eigen-decomposition failed")
	}
	var v mat.Dense
	eig.VectorsTo(&v)
	r := hermiteRule{nodes: eig.Values(nil), weights: make([]float64, n)}
	for i := range r.weights {
		r.weights[i] = v.At(0, i) * v.At(0, i)
	}
	// The rule is symmetric; make it so to the last bit, so odd moments
	// vanish and a symmetric function blurs to a symmetric function.
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		z, w := (r.nodes[j]-r.nodes[i])/2, (r.weights[i]+r.weights[j])/2
		r.nodes[i], r.nodes[j] = -z, z
		r.weights[i], r.weights[j] = w, w
	}
	if n%2 == 1 {
		r.nodes[n/2] = 0
	}
	return r
}

// Blur returns the continuation of obj at scale sigma (8.7.5, Fig 8.11):
// J_σ(θ) = E[J(θ + σε)], ε ~ N(0, I), computed deterministically with a
// tensor-product Gauss–Hermite rule (20 to 64 points per axis, more for
// larger σ: see minBlurNodes). It is accurate when J is smooth on the scale
// of the node spacing, which is what continuation asks of it. Its
// gradient and Hessian are the blurred gradient and Hessian; it has a
// Hessian exactly when obj does. Blur(obj, 0) is obj itself.
//
// Blur panics if sigma is negative or not finite, or if obj has more than
// 3 dimensions (the rule's cost grows as n^dim).
func Blur(obj Objective, sigma float64) Objective {
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		panic(fmt.Sprintf("landscape: Blur: sigma must be finite and ≥ 0, got %v", sigma))
	}
	if sigma == 0 {
		return obj
	}
	d := obj.Dim()
	if d < 1 || d > maxBlurDim {
		panic(fmt.Sprintf("landscape: Blur: dimension %d, want 1..%d", d, maxBlurDim))
	}
	// Lay out the tensor-product points: offsets σ·z and weights Π wᵢ.
	rule := hermiteFor(blurNodes(sigma))
	n := len(rule.nodes)
	count := 1
	for range d {
		count *= n
	}
	b := blurred{obj: obj, sigma: sigma, dim: d, offsets: make([]float64, 0, count*d), weights: make([]float64, 0, count)}
	var idx [maxBlurDim]int
	for range count {
		w := 1.0
		for k := range d {
			b.offsets = append(b.offsets, sigma*rule.nodes[idx[k]])
			w *= rule.weights[idx[k]]
		}
		b.weights = append(b.weights, w)
		for k := 0; k < d; k++ { // odometer
			idx[k]++
			if idx[k] < n {
				break
			}
			idx[k] = 0
		}
	}
	if _, ok := obj.(Hessianer); ok {
		return &blurredHess{b}
	}
	return &b
}

// blurred is E[J(θ + σε)]. Its fields are read-only after Blur, and each
// evaluation takes its own scratch from a pool (a stack array would escape
// through the interface call), so it is safe for concurrent use when obj
// is, and does not allocate in steady state.
type blurred struct {
	obj     Objective
	sigma   float64
	dim     int
	offsets []float64 // point k is θ + offsets[k·dim : (k+1)·dim]
	weights []float64
}

// Sigma is the blur's scale.
func (b *blurred) Sigma() float64 { return b.sigma }

// Unblurred is the objective being blurred.
func (b *blurred) Unblurred() Objective { return b.obj }

func (b *blurred) Dim() int { return b.dim }

// blurScratch holds a point and a gradient of up to maxBlurDim coordinates.
type blurScratch [2 * maxBlurDim]float64

var blurPool = sync.Pool{New: func() any { return new(blurScratch) }}

func (b *blurred) Value(x []float64) float64 {
	buf := blurPool.Get().(*blurScratch)
	defer blurPool.Put(buf)
	p := buf[:b.dim]
	var f float64
	for k, w := range b.weights {
		off := b.offsets[k*b.dim : (k+1)*b.dim]
		for i := range p {
			p[i] = x[i] + off[i]
		}
		f += w * b.obj.Value(p)
	}
	return f
}

func (b *blurred) Grad(g, x []float64) float64 {
	buf := blurPool.Get().(*blurScratch)
	defer blurPool.Put(buf)
	p, gp := buf[:b.dim], buf[maxBlurDim:maxBlurDim+b.dim]
	for i := range g[:b.dim] {
		g[i] = 0
	}
	var f float64
	for k, w := range b.weights {
		off := b.offsets[k*b.dim : (k+1)*b.dim]
		for i := range p {
			p[i] = x[i] + off[i]
		}
		f += w * b.obj.Grad(gp, p)
		for i, v := range gp {
			g[i] += w * v
		}
	}
	return f
}

type blurredHess struct{ blurred }

func (b *blurredHess) Hess(dst *mat.SymDense, x []float64) {
	h := b.obj.(Hessianer)
	p := make([]float64, b.dim)
	hp := mat.NewSymDense(b.dim, nil)
	acc := mat.NewSymDense(b.dim, nil)
	for k, w := range b.weights {
		off := b.offsets[k*b.dim : (k+1)*b.dim]
		for i := range p {
			p[i] = x[i] + off[i]
		}
		h.Hess(hp, p)
		for i := range b.dim {
			for j := i; j < b.dim; j++ {
				acc.SetSym(i, j, acc.At(i, j)+w*hp.At(i, j))
			}
		}
	}
	dst.CopySym(acc)
}

var (
	_ Objective = (*blurred)(nil)
	_ Hessianer = (*blurredHess)(nil)
)

// BlurEvals is how many evaluations of the objective one value of its
// blurred version at scale sigma costs in dim dimensions (the
// tensor-product rule), for budgets of heavy work.
func BlurEvals(sigma float64, dim int) int {
	n := blurNodes(sigma)
	e := 1
	for range dim {
		e *= n
	}
	return e
}
