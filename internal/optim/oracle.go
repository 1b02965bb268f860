package optim

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// ErrNoHessian means the objective offers no Hessian for a method that needs one.
var ErrNoHessian = errors.New("optim: the objective has no Hessian")

// ErrNoFisher means the objective is not a probabilistic model.
var ErrNoFisher = errors.New("optim: the objective is not a probabilistic model (no Fisher information)")

// Oracle is all a method sees of the objective. Every gradient it hands out
// has been clipped; it remembers the last raw and clipped gradient of the
// step and counts evaluations.
type Oracle struct {
	obj  landscape.Objective
	clip Clip
	rng  *rand.Rand

	// Per-step record, reset by the Run before each step.
	Evals, GradEvals, HessEvals int
	Clipped                     bool
	Raw, Used                   []float64 // last gradient before and after clipping
}

func newOracle(obj landscape.Objective, clip Clip, rng *rand.Rand) *Oracle {
	n := obj.Dim()
	return &Oracle{obj: obj, clip: clip, rng: rng, Raw: make([]float64, n), Used: make([]float64, n)}
}

func (o *Oracle) beginStep() {
	o.Evals, o.GradEvals, o.HessEvals = 0, 0, 0
	o.Clipped = false
}

// Dim is the objective's dimension.
func (o *Oracle) Dim() int { return o.obj.Dim() }

// Value returns J(x).
func (o *Oracle) Value(x []float64) float64 {
	o.Evals++
	return o.obj.Value(x)
}

// Grad writes the clipped exact gradient at x into dst and returns J(x).
func (o *Oracle) Grad(dst, x []float64) float64 {
	o.Evals++
	o.GradEvals++
	f := o.obj.Grad(o.Raw, x)
	o.applyClip(dst)
	return f
}

// MinibatchGrad writes the clipped gradient of a minibatch of size batch
// into dst and returns the minibatch loss. For an empirical risk it samples
// real examples; for an analytic objective it adds seeded Gaussian noise of
// standard deviation noise to each component instead. batch ≤ 0 or at least
// the number of examples means the full batch.
func (o *Oracle) MinibatchGrad(dst, x []float64, batch int, noise float64) float64 {
	o.Evals++
	o.GradEvals++
	var f float64
	if s, ok := o.obj.(landscape.Stochastic); ok && batch > 0 && batch < s.NumExamples() {
		f = s.BatchGrad(o.Raw, x, batch, o.rng)
	} else {
		f = o.obj.Grad(o.Raw, x)
	}
	if noise > 0 {
		if _, ok := o.obj.(landscape.Stochastic); !ok {
			for i := range o.Raw {
				o.Raw[i] += noise * o.rng.NormFloat64()
			}
		}
	}
	o.applyClip(dst)
	return f
}

// Hess writes the Hessian at x into dst (Dim×Dim).
func (o *Oracle) Hess(dst *mat.SymDense, x []float64) error {
	h, ok := o.obj.(landscape.Hessianer)
	if !ok {
		return ErrNoHessian
	}
	o.HessEvals++
	h.Hess(dst, x)
	return nil
}

// Fisher writes the Fisher information at x into dst (Dim×Dim).
func (o *Oracle) Fisher(dst *mat.SymDense, x []float64) error {
	f, ok := o.obj.(landscape.Fisherer)
	if !ok {
		return ErrNoFisher
	}
	f.Fisher(dst, x)
	return nil
}

// Norm is the Euclidean norm of x, computed with scaling (as math.Hypot and
// BLAS dnrm2 do) so that it overflows only when the norm itself is beyond
// the largest float64: ‖(1e200, 0)‖ is 1e200, not +Inf. A NaN component
// gives NaN; an infinite one (and no NaN), +Inf.
func Norm(x []float64) float64 { return floats.Norm(x, 2) }

// applyClip copies o.Raw into o.Used and dst, clipped (8.2.5).
func (o *Oracle) applyClip(dst []float64) {
	copy(o.Used, o.Raw)
	switch {
	case o.clip.Norm > 0:
		n := Norm(o.Raw)
		switch {
		case math.IsInf(n, 1):
			// ‖g‖ overflows only with infinite components (Norm is scaled):
			// g/‖g‖ tends to the signs of those, shared equally.
			var inf int
			for _, g := range o.Raw {
				if math.IsInf(g, 0) {
					inf++
				}
			}
			c := o.clip.Norm / math.Sqrt(float64(inf))
			for i, g := range o.Raw {
				switch {
				case math.IsInf(g, 0):
					o.Used[i] = math.Copysign(c, g)
				default:
					o.Used[i] = 0
				}
			}
			o.Clipped = true
		case n > o.clip.Norm:
			s := o.clip.Norm / n
			for i := range o.Used {
				o.Used[i] *= s
			}
			o.Clipped = true
		}
	case o.clip.Value > 0:
		c := o.clip.Value
		for i, g := range o.Used {
			if g > c {
				o.Used[i] = c
				o.Clipped = true
			} else if g < -c {
				o.Used[i] = -c
				o.Clipped = true
			}
		}
	}
	copy(dst, o.Used)
}
