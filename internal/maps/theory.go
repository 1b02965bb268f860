package maps

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

// Theory is the closed-form answer on a quadratic J = ½θᵀHθ with
// eigenvalues μ = λmin ≤ λmax = L (Goh 2017, "Why Momentum Really Works"):
//
//   - gradient descent is stable for 0 < ελ < 2 and its rate is
//     max over λ of |1 − ελ|, best at ε = 2/(L+μ) with rate (κ−1)/(κ+1);
//   - heavy ball (momentum) iterates θ_{k+1} = θ_k − εHθ_k + α(θ_k − θ_{k−1}):
//     per eigenvalue the 2×2 matrix [[1+α−ελ, −α], [1, 0]], stable for
//     0 < ελ < 2 + 2α, best at ε* = 4/(√L+√μ)², α* = ((√κ−1)/(√κ+1))²
//     with rate (√κ−1)/(√κ+1);
//   - Nesterov's θ_{k+1} = (1−ελ)(θ_k + α(θ_k − θ_{k−1})): the matrix
//     [[(1+α)(1−ελ), −α(1−ελ)], [1, 0]], stable for ελ < (2+2α)/(1+2α).
//
// Rate[c] is the spectral radius of the cell's iteration matrix maximised
// over the Hessian's eigenvalues, the rate the measured map estimates.
type Theory struct {
	LambdaMin float64 `json:"lambda_min"`
	LambdaMax float64 `json:"lambda_max"`
	Kappa     float64 `json:"kappa"`
	// Boundary is the stability boundary in the map's coordinates: for
	// each y value (one point for a curve over ε) the largest stable ε.
	Boundary [][2]float64 `json:"boundary"`
	// Formula says which boundary it is ("ε = 2/λmax", "ε = (2+2α)/λmax" ...).
	Formula string `json:"formula"`
	// Optimum is the best (ε, α) (or ε) and its rate; nil for Nesterov,
	// whose optimum has no form as simple.
	Optimum *Optimum  `json:"optimum,omitempty"`
	Rate    []float64 `json:"rate"`
}

// Optimum is the theoretically best cell of a map.
type Optimum struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y,omitempty"`
	Rate float64 `json:"rate"`
}

// QuadraticEigen reports the Hessian's eigenvalues of a quadratic
// objective of the catalogue (a positive-definite one, not blurred); ok is
// false for anything else.
func QuadraticEigen(spec landscape.Spec, obj landscape.Objective) (lo, hi float64, ok bool) {
	q, isQ := obj.(*landscape.Quadratic)
	if !isQ || spec.Blur != 0 {
		return 0, 0, false
	}
	h := mat.NewSymDense(2, nil)
	q.Hess(h, []float64{0, 0})
	a, b, c := h.At(0, 0), h.At(0, 1), h.At(1, 1)
	m, d := (a+c)/2, math.Hypot((a-c)/2, b)
	lo, hi = m-d, m+d
	return lo, hi, lo > 0
}

// TheoryRate is the rate of optimizer id (gd, momentum, nesterov) with
// step eps and momentum alpha on eigenvalue lambda; ok is false for
// another method. The closed form is optim's (QuadraticRate), the one the
// decay and sharpness panels draw, so the rate map cannot disagree with them.
func TheoryRate(id string, eps, alpha, lambda float64) (float64, bool) {
	if id != "gd" && id != "momentum" && id != "nesterov" {
		return 0, false
	}
	return optim.QuadraticRate(id, map[string]float64{"momentum": alpha}, eps, lambda)
}

// theory fills the closed form for the job when it has one: a quadratic,
// gd (over ε) or momentum / Nesterov (over ε and α), no clipping, a
// constant rate.
func (j *HyperJob) theory() *Theory {
	id := j.info.ID
	if id != "gd" && id != "momentum" && id != "nesterov" {
		return nil
	}
	if j.cfg.Clip.Norm != 0 || j.cfg.Clip.Value != 0 || (j.cfg.Schedule.Kind != "" && j.cfg.Schedule.Kind != "constant") {
		return nil
	}
	mu, L, ok := QuadraticEigen(j.sc.Request.Objective, j.sc.Obj)
	if !ok || j.x.Name != "lr" {
		return nil
	}
	if id == "gd" && j.y != nil {
		return nil
	}
	if id != "gd" && (j.y == nil || j.y.Name != "momentum") {
		return nil
	}
	kappa := L / mu
	t := &Theory{LambdaMin: mu, LambdaMax: L, Kappa: kappa}
	nx, ny := j.x.N, 1
	alpha := func(jj int) float64 { return 0 }
	if j.y != nil {
		ny = j.y.N
		alpha = func(jj int) float64 { return j.y.Values[jj] }
	}
	t.Rate = make([]float64, nx*ny)
	for jj := range ny {
		a := alpha(jj)
		for i := range nx {
			e := j.x.Values[i]
			r1, _ := TheoryRate(id, e, a, mu)
			r2, _ := TheoryRate(id, e, a, L)
			t.Rate[jj*nx+i] = math.Max(r1, r2)
		}
	}
	sk := math.Sqrt(kappa)
	switch id {
	case "gd":
		t.Formula = "ε = 2/λmax"
		t.Boundary = [][2]float64{{boundary(id, 0, L), 0}}
		t.Optimum = &Optimum{X: 2 / (L + mu), Rate: (kappa - 1) / (kappa + 1)}
	case "momentum":
		t.Formula = "ε = (2 + 2α)/λmax"
		for jj := range ny {
			a := alpha(jj)
			t.Boundary = append(t.Boundary, [2]float64{boundary(id, a, L), a})
		}
		s := math.Sqrt(L) + math.Sqrt(mu)
		t.Optimum = &Optimum{X: 4 / (s * s), Y: math.Pow((sk-1)/(sk+1), 2), Rate: (sk - 1) / (sk + 1)}
	case "nesterov":
		t.Formula = "ε = (2 + 2α)/((1 + 2α)·λmax)"
		for jj := range ny {
			a := alpha(jj)
			t.Boundary = append(t.Boundary, [2]float64{boundary(id, a, L), a})
		}
	}
	return t
}

// boundary is the largest stable ε on curvature L: optim's threshold on
// λ for ε = 1 (it scales as 1/ε), divided by L.
func boundary(id string, alpha, L float64) float64 {
	return optim.StabilityOf(id, map[string]float64{"momentum": alpha}, 1).Threshold / L
}
