package hd

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

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
	// The probes are drawn in order from one stream, then run on as many
	// goroutines as there are cores (each probe's Lanczos is independent
	// of the others'), each into its own slot: the quadrature is the same
	// to the bit whatever the number of cores. op must be safe for
	// concurrent use.
	rng := newRNG(s.Seed)
	vs := make([][]float64, probes)
	for p := range vs {
		v := make([]float64, n)
		for i := range v {
			v[i] = 1
			if rng.Uint64()&1 == 0 {
				v[i] = -1
			}
		}
		vs[p] = v
	}
	q := &Quadrature{Nodes: make([][]float64, probes), Weights: make([][]float64, probes)}
	errs := make([]error, probes)
	var next atomic.Int64
	var wg sync.WaitGroup
	// Each probe holds its Lanczos basis (steps vectors of n) while it
	// runs: as many run at once as fit in slqMemory.
	workers := max(1, min(probes, runtime.GOMAXPROCS(0), slqMemory/(8*steps*n)))
	for range workers {
		wg.Go(func() {
			for {
				p := int(next.Add(1)) - 1
				if p >= probes {
					return
				}
				q.Nodes[p], q.Weights[p], errs[p] = probe(op, vs[p], steps)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return q, nil
}

// slqMemory bounds the bytes of the Lanczos bases of SpectralDensity's
// probes running at once.
const slqMemory = 64 << 20

// probe is one probe's quadrature: the Ritz values of v's Lanczos
// tridiagonal and the squared first components of their vectors.
func probe(op Operator, v []float64, steps int) (nodes, weights []float64, err error) {
	_, alpha, beta, err := lanczos(op, v, steps, nil)
	if err != nil {
		return nil, nil, err
	}
	var r ritzPairs
	j := len(alpha)
	if !r.solve(alpha, beta[:j-1]) {
		return nil, nil, ErrNotFinite
	}
	w := make([]float64, j)
	for i := range j {
		c := r.vecs.At(0, i)
		w[i] = c * c
	}
	return append([]float64(nil), r.values...), w, nil
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
