package optim

import (
	"fmt"
	"math"
)

// EigenRate is the closed-form factor by which a run's method shrinks the
// error's component along one eigen-direction of a quadratic per step (the
// eigen-component decay of issue 11, Goh 2017): with it, |cᵢ(k)| ≈
// |cᵢ(0)|·Rateᵏ. OK is false, and Why says why, for a method or setting with
// no fixed linear iteration (adaptive methods, clipping, a schedule).
type EigenRate struct {
	Lambda float64 `json:"lambda"`
	Rate   float64 `json:"rate"`
	OK     bool    `json:"ok"`
	// Rule is the rate's formula in the chapter's symbols.
	Rule string `json:"rule,omitempty"`
	Why  string `json:"why,omitempty"`
}

// EigenRates is the run's rate along each eigenvalue in lambdas, with its
// current (resolved) hyperparameters.
func (r *Run) EigenRates(lambdas []float64) []EigenRate {
	out := make([]EigenRate, len(lambdas))
	why := r.noRate()
	lr := r.values.Num["lr"]
	for i, l := range lambdas {
		e := EigenRate{Lambda: l}
		switch {
		case why != "":
			e.Why = why
		default:
			e.Rate, e.Rule, e.OK = eigenRate(r.info.ID, r.values.Num, lr, l)
			if !e.OK || !finite(e.Rate) {
				e.Rate, e.OK, e.Rule = 0, false, ""
				e.Why = fmt.Sprintf("%s has no fixed rate along this direction", r.info.Name)
			}
		}
		out[i] = e
	}
	return out
}

// noRate says why the run has no closed-form rate ("" when it has one).
func (r *Run) noRate() string {
	switch {
	case r.cfg.Clip.Norm > 0 || r.cfg.Clip.Value > 0:
		return "clipping makes the step nonlinear in θ: no fixed rate per eigen-direction"
	case r.cfg.Schedule.Kind != "" && r.cfg.Schedule.Kind != "constant":
		return "a schedule changes ε from step to step: no fixed rate per eigen-direction"
	}
	switch r.info.ID {
	case "gd", "sgd", "momentum", "nesterov", "newton", "saddle_free_newton":
		return ""
	}
	return fmt.Sprintf("%s has no closed-form rate: its step is not a fixed linear map of θ − θ* (it adapts to the gradients it has seen)", r.info.Name)
}

// eigenRate is the rate of method id along curvature lambda: gd's
// |1 − ελ|, the spectral radius of heavy ball's and Nesterov's 2×2
// iteration matrices (QuadraticRate), and damped Newton's |d/(λ+d)|
// (saddle-free Newton's |1 − λ/(|λ|+d)|), d the damping.
func eigenRate(id string, hyper map[string]float64, lr, lambda float64) (float64, string, bool) {
	switch id {
	case "gd", "sgd":
		rate, _ := QuadraticRate(id, hyper, lr, lambda)
		rule := "|1 − ελ|"
		if id == "sgd" {
			rule += " (the mean; noise adds a floor)"
		}
		return rate, rule, true
	case "momentum":
		rate, _ := QuadraticRate(id, hyper, lr, lambda)
		return rate, "ρ([[1+α−ελ, −α], [1, 0]])", true
	case "nesterov":
		rate, _ := QuadraticRate(id, hyper, lr, lambda)
		return rate, "ρ([[(1+α)(1−ελ), −α(1−ελ)], [1, 0]])", true
	case "newton":
		d := hyper["damping"]
		if lambda+d == 0 {
			return 0, "", false
		}
		return math.Abs(d / (lambda + d)), "|d/(λ+d)|", true
	case "saddle_free_newton":
		d := hyper["damping"]
		if math.Abs(lambda)+d == 0 {
			return 0, "", false
		}
		return math.Abs(1 - lambda/(math.Abs(lambda)+d)), "|1 − λ/(|λ|+d)|", true
	}
	return 0, "", false
}
