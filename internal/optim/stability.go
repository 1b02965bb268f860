package optim

import (
	"math"
	"math/cmplx"
)

// The theory of first-order methods on a quadratic ½θᵀHθ, per eigenvalue λ
// of H: how fast each method damps the error's component along the
// eigenvector, and the largest curvature it survives (the edge of stability
// of Cohen et al. 2021, whose network training drives λmax(H) up to it).

// Stability is a method's stability threshold: on a quadratic, its
// iteration diverges along any eigen-direction whose curvature exceeds
// Threshold. Preconditioned methods (Adam, RMSprop, AdaGrad) are stable
// when the preconditioned sharpness λmax(P^½ H P^½), P the per-coordinate
// factor of the step (eff_lr/ε), stays below it (Cohen et al. 2022).
type Stability struct {
	// Threshold is 0 when no closed form is known for the method.
	Threshold float64 `json:"threshold"`
	// Rule is the threshold's formula in the chapter's symbols ("2/ε").
	Rule string `json:"rule"`
	// Preconditioned: compare the preconditioned sharpness, not λmax(H).
	Preconditioned bool `json:"preconditioned"`
}

// StabilityOf is the threshold of method id with hyperparameters hyper at
// learning rate lr (the schedule's, this step).
func StabilityOf(id string, hyper map[string]float64, lr float64) Stability {
	if !(lr > 0) {
		return Stability{}
	}
	switch id {
	case "gd", "sgd":
		return Stability{Threshold: 2 / lr, Rule: "2/ε"}
	case "momentum":
		a := hyper["momentum"]
		return Stability{Threshold: (2 + 2*a) / lr, Rule: "(2+2α)/ε"}
	case "nesterov":
		// Nesterov's z² − (1−h)(1+α)z + (1−h)α has a root at −1 when
		// h = ελ = (2+2α)/(1+2α).
		a := hyper["momentum"]
		return Stability{Threshold: (2 + 2*a) / ((1 + 2*a) * lr), Rule: "(2+2α)/((1+2α)ε)"}
	case "adam":
		b := hyper["beta1"]
		return Stability{Threshold: (2 + 2*b) / ((1 - b) * lr), Rule: "(2+2β₁)/((1−β₁)ε)", Preconditioned: true}
	case "rmsprop", "adagrad":
		return Stability{Threshold: 2 / lr, Rule: "2/ε", Preconditioned: true}
	}
	return Stability{}
}

// Stability is the run's threshold at its current step, and for a
// preconditioned method its preconditioner P (eff_lr/ε per coordinate, a
// new slice), nil before its first step (no preconditioner yet): then
// ok is false.
func (r *Run) Stability() (s Stability, precond []float64, ok bool) {
	lr := r.cur.LR
	if r.cur.K == 0 || !(lr > 0) {
		lr = r.cfg.Schedule.Rate(r.cur.K, r.values.Num["lr"])
	}
	s = StabilityOf(r.info.ID, r.values.Num, lr)
	if !s.Preconditioned {
		return s, nil, true
	}
	for _, v := range r.cur.State {
		if v.Name == "eff_lr" {
			precond = make([]float64, len(v.V))
			for i, e := range v.V {
				precond[i] = e / lr
			}
			return s, precond, true
		}
	}
	return s, nil, false
}

// QuadraticRate is the factor by which method id, with hyperparameters
// hyper and rate lr, shrinks the error's component along an eigenvector of
// curvature lambda per step on a quadratic, asymptotically: |1 − ελ| for
// gradient descent, the spectral radius of the 2×2 iteration matrix for
// heavy ball and Nesterov momentum. ok is false for a method without a
// linear iteration of fixed rate (adaptive and second-order methods).
func QuadraticRate(id string, hyper map[string]float64, lr, lambda float64) (rate float64, ok bool) {
	h := lr * lambda
	switch id {
	case "gd", "sgd":
		return math.Abs(1 - h), true
	case "momentum":
		// e_{k+1} = (1+α−h)e_k − α e_{k−1}: z² − (1+α−h)z + α = 0.
		a := hyper["momentum"]
		return quadRootsRadius(1+a-h, a), true
	case "nesterov":
		// e_{k+1} = (1−h)(1+α)e_k − (1−h)α e_{k−1}.
		a := hyper["momentum"]
		return quadRootsRadius((1-h)*(1+a), (1-h)*a), true
	}
	return 0, false
}

// quadRootsRadius is the largest |z| over the roots of z² − b·z + c.
func quadRootsRadius(b, c float64) float64 {
	d := complex(b*b-4*c, 0)
	s := cmplx.Sqrt(d)
	z1, z2 := (complex(b, 0)+s)/2, (complex(b, 0)-s)/2
	return math.Max(cmplx.Abs(z1), cmplx.Abs(z2))
}
