package hd

import (
	"math"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// SLQSettings configures SpectralDensity.
type SLQSettings struct {
	Steps  int // Lanczos steps per probe (quadrature nodes); 0 means 80
	Probes int // random probe vectors; 0 means 10
	Seed   uint64
}

// Quadrature is the stochastic Lanczos quadrature of a spectrum (Ghorbani
// et al. 2019): for each Rademacher probe v, the Lanczos tridiagonal of
// v gives nodes θⱼ (its eigenvalues) and weights τⱼ (the squared first
// components of its eigenvectors), and (1/n)Σᵢ f(λᵢ) ≈ mean over probes of
// Σⱼ τⱼ f(θⱼ). Its weights sum to 1 per probe.
type Quadrature struct {
	Nodes   [][]float64 // per probe
	Weights [][]float64 // per probe
}

// SpectralDensity estimates the eigenvalue density of the symmetric
// operator op on Rⁿ by stochastic Lanczos quadrature.
func SpectralDensity(op Operator, n int, s SLQSettings) (*Quadrature, error) {
	steps, probes := s.Steps, s.Probes
	if steps == 0 {
		steps = 80
	}
	if probes == 0 {
		probes = 10
	}
	if steps < 1 || steps > 500 {
		return nil, fielderr.New("steps", "must be between 1 and 500, got %d", steps)
	}
	if probes < 1 || probes > 100 {
		return nil, fielderr.New("probes", "must be between 1 and 100, got %d", probes)
	}
	steps = min(steps, n)
	rng := newRNG(s.Seed)
	q := &Quadrature{}
	v := make([]float64, n)
	for range probes {
		for i := range v {
			v[i] = 1
			if rng.Uint64()&1 == 0 {
				v[i] = -1
			}
		}
		_, alpha, beta, err := lanczos(op, v, steps, nil)
		if err != nil {
			return nil, err
		}
		var r ritzPairs
		j := len(alpha)
		if !r.solve(alpha, beta[:j-1]) {
			return nil, ErrNotFinite
		}
		w := make([]float64, j)
		for i := range j {
			c := r.vecs.At(0, i)
			w[i] = c * c
		}
		q.Nodes = append(q.Nodes, append([]float64(nil), r.values...))
		q.Weights = append(q.Weights, w)
	}
	return q, nil
}

// Range returns the smallest and largest node.
func (q *Quadrature) Range() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, ns := range q.Nodes {
		for _, t := range ns {
			lo, hi = min(lo, t), max(hi, t)
		}
	}
	return lo, hi
}

// Density writes the estimated density, smoothed by a Gaussian of standard
// deviation sigma > 0, at each point of grid into dst: a curve that
// integrates to 1 over the real line.
func (q *Quadrature) Density(dst, grid []float64, sigma float64) {
	if sigma <= 0 || len(dst) != len(grid) {
		panic("hd: Density needs sigma > 0 and len(dst) == len(grid)")
	}
	clear(dst)
	norm := 1 / (float64(len(q.Nodes)) * sigma * math.Sqrt(2*math.Pi))
	for p, ns := range q.Nodes {
		for j, t := range ns {
			w := q.Weights[p][j] * norm
			for i, x := range grid {
				z := (x - t) / sigma
				if z*z < 80 {
					dst[i] += w * math.Exp(-z*z/2)
				}
			}
		}
	}
}

// Moment estimates (1/n)·tr(Aᵏ), the k-th moment of the spectrum.
func (q *Quadrature) Moment(k int) float64 {
	var s float64
	for p, ns := range q.Nodes {
		for j, t := range ns {
			s += q.Weights[p][j] * math.Pow(t, float64(k))
		}
	}
	return s / float64(len(q.Nodes))
}
