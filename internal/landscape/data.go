package landscape

import (
	"math/rand/v2"
)

// The built-in data sets are drawn once from fixed seeds, so every server
// and every test sees the same examples.

// regressionData is n points (xᵢ, yᵢ) with xᵢ ~ N(1, 1) and
// yᵢ = 2xᵢ − 1 + N(0, 0.5²). The inputs' non-zero mean couples w and b, so
// the least-squares bowl is a tilted ellipse rather than a circle.
func regressionData(n int) (x, y []float64) {
	rng := rand.New(rand.NewPCG(8, 1))
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = 1 + rng.NormFloat64()
		y[i] = 2*x[i] - 1 + 0.5*rng.NormFloat64()
	}
	return x, y
}

// classData is n labelled points: a fraction frac1 of class 1 with inputs
// from N(1, 1), the rest class 0 from N(−1, 1). The classes overlap, so the
// maximum-likelihood logistic fit is finite: for these two Gaussians the
// true log-odds are 2x + log(frac1/(1−frac1)).
func classData(n int, frac1 float64) (x, label []float64) {
	rng := rand.New(rand.NewPCG(8, 6))
	x, label = make([]float64, n), make([]float64, n)
	n1 := int(frac1 * float64(n))
	for i := range x {
		if i < n1 {
			x[i], label[i] = 1+rng.NormFloat64(), 1
		} else {
			x[i], label[i] = -1+rng.NormFloat64(), 0
		}
	}
	return x, label
}

// sequences returns m input sequences of length t, entries N(0, 1).
func sequences(m, t int) [][]float64 {
	rng := rand.New(rand.NewPCG(8, 26))
	out := make([][]float64, m)
	for i := range out {
		out[i] = make([]float64, t)
		for j := range out[i] {
			out[i][j] = rng.NormFloat64()
		}
	}
	return out
}

// batchSampler draws a minibatch without replacement by selection sampling
// (Knuth's Algorithm S): it walks the examples once, taking example i with
// probability need/left. Every example is in the batch with probability
// batch/n, so a minibatch mean is an unbiased estimate of the full mean;
// it needs no scratch memory, so objectives stay safe for concurrent use.
type batchSampler struct {
	i, need, n int
}

func newBatchSampler(n, batch int) batchSampler {
	if batch <= 0 || batch > n {
		batch = n
	}
	return batchSampler{need: batch, n: n}
}

// next returns the next chosen example, or false when the batch is full.
func (s *batchSampler) next(rng *rand.Rand) (int, bool) {
	for s.need > 0 && s.i < s.n {
		i, left := s.i, s.n-s.i
		s.i++
		if s.need == left || rng.IntN(left) < s.need {
			s.need--
			return i, true
		}
	}
	return 0, false
}
