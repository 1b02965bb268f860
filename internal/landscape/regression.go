package landscape

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// LinearRegression is the mean squared error (1/n)Σ(w·xᵢ + b − yᵢ)² of a
// line fitted to a built-in data set: θ = (w, b). It is an empirical risk,
// so SGD samples real minibatches from it (8.1.3, 8.3.1).
type LinearRegression struct {
	x, y []float64
	// The moments of the data: the loss is an exact quadratic in (w, b).
	sxx, sx, n float64
	min        []float64 // the least-squares solution
}

// NewLinearRegression returns the objective on the built-in data set of
// 256 points.
func NewLinearRegression() *LinearRegression {
	x, y := regressionData(256)
	r := &LinearRegression{x: x, y: y, n: float64(len(x))}
	var sxy, sy float64
	for i := range x {
		r.sxx += x[i] * x[i]
		r.sx += x[i]
		sxy += x[i] * y[i]
		sy += y[i]
	}
	// The normal equations [sxx sx; sx n]·(w, b) = (sxy, sy), by Cramer.
	det := r.sxx*r.n - r.sx*r.sx
	r.min = []float64{(sxy*r.n - r.sx*sy) / det, (r.sxx*sy - r.sx*sxy) / det}
	return r
}

func (r *LinearRegression) Dim() int         { return 2 }
func (r *LinearRegression) NumExamples() int { return len(r.x) }

// Minimum is the least-squares solution, from the normal equations.
func (r *LinearRegression) Minimum() []float64 { return append([]float64(nil), r.min...) }

func (r *LinearRegression) Value(th []float64) float64 {
	var f float64
	for i, xi := range r.x {
		e := th[0]*xi + th[1] - r.y[i]
		f += e * e
	}
	return f / r.n
}

func (r *LinearRegression) Grad(g, th []float64) float64 {
	var f, gw, gb float64
	for i, xi := range r.x {
		e := th[0]*xi + th[1] - r.y[i]
		f += e * e
		gw += e * xi
		gb += e
	}
	g[0], g[1] = 2*gw/r.n, 2*gb/r.n
	return f / r.n
}

func (r *LinearRegression) Hess(dst *mat.SymDense, _ []float64) {
	dst.SetSym(0, 0, 2*r.sxx/r.n)
	dst.SetSym(0, 1, 2*r.sx/r.n)
	dst.SetSym(1, 1, 2)
}

func (r *LinearRegression) BatchGrad(g, th []float64, batch int, rng *rand.Rand) float64 {
	s := newBatchSampler(len(r.x), batch)
	var f, gw, gb float64
	m := float64(s.need)
	for i, ok := s.next(rng); ok; i, ok = s.next(rng) {
		e := th[0]*r.x[i] + th[1] - r.y[i]
		f += e * e
		gw += e * r.x[i]
		gb += e
	}
	g[0], g[1] = 2*gw/m, 2*gb/m
	return f / m
}

// LogisticRegression is the mean negative log-likelihood of a logistic
// model p(y=1|x) = σ(w·x + b) on a built-in two-class data set: θ = (w, b).
// It is a probabilistic model, so it gives its Fisher information for the
// natural gradient (8.6), and an empirical risk for SGD.
//
// The classes overlap, so the likelihood has a finite maximum and no
// weight decay is needed; the minimum is found by Newton's method at init.
type LogisticRegression struct {
	x, label []float64
	min      []float64
}

// NewLogisticRegression returns the objective on the built-in data set of
// 300 points, 60% of class 1.
func NewLogisticRegression() *LogisticRegression {
	x, label := classData(300, 0.6)
	r := &LogisticRegression{x: x, label: label}
	// The NLL is strictly convex (the inputs vary), so Newton from the
	// origin converges; it is polished to rounding.
	r.min = polish(r, []float64{0, 0})[0]
	return r
}

func (r *LogisticRegression) Dim() int         { return 2 }
func (r *LogisticRegression) NumExamples() int { return len(r.x) }

// Minimum is the maximum-likelihood estimate.
func (r *LogisticRegression) Minimum() []float64 { return append([]float64(nil), r.min...) }

// nll is one example's −log p(label | x) = softplus(z) − label·z.
func nll(z, label float64) float64 { return softplus(z) - label*z }

// nllGrad is nll and its derivative σ(z) − label, sharing one exponential.
func nllGrad(z, label float64) (f, d float64) {
	e := math.Exp(-math.Abs(z))
	p := 1 / (1 + e) // σ(|z|)
	if z < 0 {
		p = e * p
	}
	return math.Max(z, 0) + math.Log1p(e) - label*z, p - label
}

func (r *LogisticRegression) Value(th []float64) float64 {
	var f float64
	for i, xi := range r.x {
		f += nll(th[0]*xi+th[1], r.label[i])
	}
	return f / float64(len(r.x))
}

func (r *LogisticRegression) Grad(g, th []float64) float64 {
	var f, gw, gb float64
	for i, xi := range r.x {
		l, e := nllGrad(th[0]*xi+th[1], r.label[i]) // e = ∂nll/∂z
		f += l
		gw += e * xi
		gb += e
	}
	n := float64(len(r.x))
	g[0], g[1] = gw/n, gb/n
	return f / n
}

// Hess is the mean of p(1−p)·φφᵀ, φ = (x, 1). With the canonical link it
// does not depend on the labels and equals the Fisher information.
func (r *LogisticRegression) Hess(dst *mat.SymDense, th []float64) {
	var hww, hwb, hbb float64
	for _, xi := range r.x {
		p := sigmoid(th[0]*xi + th[1])
		v := p * (1 - p)
		hww += v * xi * xi
		hwb += v * xi
		hbb += v
	}
	n := float64(len(r.x))
	dst.SetSym(0, 0, hww/n)
	dst.SetSym(0, 1, hwb/n)
	dst.SetSym(1, 1, hbb/n)
}

// Fisher is E_x E_{y~p(y|x;θ)}[∇log p ∇log pᵀ] over the data's inputs:
// the score is (y − p)φ, whose second moment under the model is p(1−p)φφᵀ.
func (r *LogisticRegression) Fisher(dst *mat.SymDense, th []float64) { r.Hess(dst, th) }

func (r *LogisticRegression) BatchGrad(g, th []float64, batch int, rng *rand.Rand) float64 {
	s := newBatchSampler(len(r.x), batch)
	var f, gw, gb float64
	m := float64(s.need)
	for i, ok := s.next(rng); ok; i, ok = s.next(rng) {
		l, e := nllGrad(th[0]*r.x[i]+th[1], r.label[i])
		f += l
		gw += e * r.x[i]
		gb += e
	}
	g[0], g[1] = gw/m, gb/m
	return f / m
}

var (
	_ Stochastic = (*LinearRegression)(nil)
	_ Hessianer  = (*LinearRegression)(nil)
	_ Stochastic = (*LogisticRegression)(nil)
	_ Hessianer  = (*LogisticRegression)(nil)
	_ Fisherer   = (*LogisticRegression)(nil)
)

// isFinite reports whether v is neither NaN nor ±Inf.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
