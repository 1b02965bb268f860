package landscape

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// MaxRecurrentSteps bounds the sequence length T of the recurrent objective:
// backprop through time keeps the states on the stack.
const MaxRecurrentSteps = 100

// recurrentSeqs is the number of training sequences.
const recurrentSeqs = 8

// recurrentInputs are the built-in input sequences, long enough for any T.
var recurrentInputs = sequences(recurrentSeqs, MaxRecurrentSteps)

// Recurrent is a linear recurrent network h_t = w·h_{t−1} + u·x_t, h_0 = 0,
// trained to output the sum of its T inputs at the last step:
// J(w, u) = (1/M)Σ_m ½(h_T − Σ_t x_t)² over M built-in sequences. The
// teacher is w = u = 1, the only zero of the loss.
//
// The gradient is a sum of products of T−t Jacobians ∂h_t/∂h_{t−1} = w
// (8.2.6): the terms that carry the early inputs scale as w^(T−t), so they
// vanish for |w| < 1 and explode for |w| > 1, where the loss rises like
// w^(2T) into a cliff.
type Recurrent struct {
	T      int
	target [recurrentSeqs]float64
}

// NewRecurrent returns the recurrent objective over sequences of T steps,
// 1 ≤ T ≤ MaxRecurrentSteps.
func NewRecurrent(T int) *Recurrent {
	if T < 1 || T > MaxRecurrentSteps {
		panic(fmt.Sprintf("landscape: recurrent steps %d out of [1, %d]", T, MaxRecurrentSteps))
	}
	r := &Recurrent{T: T}
	for m, xs := range recurrentInputs {
		for _, v := range xs[:T] {
			r.target[m] += v
		}
	}
	return r
}

func (r *Recurrent) Dim() int { return 2 }

func (r *Recurrent) Value(th []float64) float64 {
	w, u := th[0], th[1]
	var f float64
	for m, xs := range recurrentInputs {
		var h float64
		for _, v := range xs[:r.T] {
			h = w*h + u*v
		}
		e := h - r.target[m]
		f += 0.5 * e * e
	}
	return f / recurrentSeqs
}

// Grad back-propagates through time: the forward pass keeps every state,
// the backward pass carries δ_t = ∂J/∂h_t down the sequence, multiplying it
// by the Jacobian w at each step.
func (r *Recurrent) Grad(g, th []float64) float64 {
	w, u := th[0], th[1]
	var f, gw, gu float64
	var hs [MaxRecurrentSteps + 1]float64 // hs[t] = h_t; on the stack, no shared scratch
	for m, xs := range recurrentInputs {
		xs = xs[:r.T]
		for t, v := range xs {
			hs[t+1] = w*hs[t] + u*v
		}
		e := hs[r.T] - r.target[m]
		f += 0.5 * e * e
		d := e // δ_T
		for t := r.T; t >= 1; t-- {
			gw += d * hs[t-1]
			gu += d * xs[t-1]
			d *= w // δ_{t−1} = δ_t·∂h_t/∂h_{t−1}
		}
	}
	g[0], g[1] = gw/recurrentSeqs, gu/recurrentSeqs
	return f / recurrentSeqs
}

// Hess carries the first and second derivatives of h_t forward alongside
// it (forward mode is the cheap direction with two parameters), then
// uses ∇²½e² = ∇h∇hᵀ + e·∇²h.
func (r *Recurrent) Hess(dst *mat.SymDense, th []float64) {
	w, u := th[0], th[1]
	var hww, hwu, huu float64
	for m, xs := range recurrentInputs {
		// h and its derivatives ∂w, ∂u, ∂ww, ∂wu (∂uu h = 0: h is linear in u).
		var h, dw, du, dww, dwu float64
		for _, v := range xs[:r.T] {
			h, dw, du, dww, dwu = w*h+u*v, h+w*dw, w*du+v, 2*dw+w*dww, du+w*dwu
		}
		e := h - r.target[m]
		hww += dw*dw + e*dww
		hwu += dw*du + e*dwu
		huu += du * du
	}
	dst.SetSym(0, 0, hww/recurrentSeqs)
	dst.SetSym(0, 1, hwu/recurrentSeqs)
	dst.SetSym(1, 1, huu/recurrentSeqs)
}

var _ Hessianer = (*Recurrent)(nil)
