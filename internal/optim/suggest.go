package optim

import (
	"fmt"
	"math"
)

// Suggested learning rates. The chapter's defaults (Catalogue) are the
// values of the book's examples, made for networks whose weights are O(1)
// and curvature O(1); on a 2-D objective with its own scale they can lose
// every race (Adam's ε = 0.001 needs thousands of steps to cross a domain
// four units wide). Suggest proposes an ε from a few numbers of the
// objective at the start, shown beside the default, never applied silently:
//
//   - Curvature-limited methods (gd, sgd, momentum, nesterov,
//     delta_bar_delta, and sam, which steps by ε times a gradient taken ρ
//     away) step by ε·g: a step is stable for ε < 2/λmax (8.2.1),
//     and ε = 1/λmax takes the steepest direction of a quadratic to its
//     minimum in one step, so the suggestion is ε = 1/λmax (delta-bar-delta,
//     which grows its rates, starts at half of it), λmax the Hessian's
//     largest eigenvalue at the start. Momentum keeps its α: heavy ball is
//     stable for ε < 2(1+α)/λmax, so 1/λmax is safe for every α. Where the
//     start curves down or not at all (λmax ≤ 0) λmax is the largest over the
//     objective's domain (its centre and corners) instead, and without any,
//     ε makes the first step StepFraction of the width. The first step ε‖g‖
//     is capped at StepFraction of the width w, so a cliff's gradient does
//     not throw θ off the plot.
//   - Sign-like methods (adam, rmsprop, rmsprop_nesterov, adamw, nadam,
//     lion) move each
//     coordinate by about ε a step whatever the gradient's size, so
//     ε = w/AdaptiveSteps: the width crossed in about AdaptiveSteps steps.
//     AdaGrad's step falls as ε/√k, covering about 2ε√k in k steps, so its
//     ε = w/AdaGradDiv crosses the width in about (AdaGradDiv/2)² = 25 steps.
//   - Every suggestion is rounded to two significant digits and clamped to
//     the hyperparameter's range.
//
// w is the width of the region the run moves in: for a 2-D objective the
// shorter side of its domain; for a high-dimensional one the RMS size of a
// parameter at the start (‖θ₀‖/√n, at least 1e-3), and ‖g‖ is then the RMS
// gradient component ‖g‖/√n.
const (
	StepFraction  = 0.5
	AdaptiveSteps = 100
	AdaGradDiv    = 10
)

// Local is what a suggestion knows of the objective at the start.
type Local struct {
	LambdaMax float64 // the Hessian's largest eigenvalue there; NaN when unknown
	// LambdaDomain is the largest eigenvalue over the objective's domain
	// (its centre and corners); NaN when unknown.
	LambdaDomain float64
	// GradNorm is ‖∇J‖ there, in the units of Width: for a high-dimensional
	// objective the RMS component ‖∇J‖/√n, so ε·GradNorm compares with Width.
	GradNorm float64
	Width    float64 // the width w of the region the run moves in (> 0)
}

// Suggestion is a proposed hyperparameter set and the rule that chose it.
type Suggestion struct {
	Hyper map[string]float64 `json:"hyper"`
	Rule  string             `json:"rule"`
}

// Suggest proposes hyperparameters for optimizer id from l; ok is false
// for a method without a learning rate to suggest (Newton and kin, line
// searches, AdaDelta, coordinate descent, the natural gradient) or an
// unknown id.
func Suggest(id string, l Local) (s Suggestion, ok bool) {
	d, found := lookup(id)
	if !found {
		return Suggestion{}, false
	}
	spec, found := findHyper(d.info, "lr")
	if !found {
		return Suggestion{}, false
	}
	var lr float64
	var rule string
	switch id {
	case "gd", "sgd", "momentum", "nesterov", "delta_bar_delta", "sam":
		f, frac := 1.0, "1"
		if id == "delta_bar_delta" {
			f, frac = 0.5, "½"
		}
		switch {
		case finite(l.LambdaMax) && l.LambdaMax > 0:
			lr = f / l.LambdaMax
			rule = fmt.Sprintf("ε = %s/λmax, λmax = %.3g at the start (stable below 2/λmax)", frac, l.LambdaMax)
		case finite(l.LambdaDomain) && l.LambdaDomain > 0:
			lr = f / l.LambdaDomain
			rule = fmt.Sprintf("ε = %s/λmax, λmax = %.3g the largest over the domain (the start curves down: λmax = %.3g there)", frac, l.LambdaDomain, l.LambdaMax)
		default:
			lr = math.Inf(1)
			rule = "no curvature sets a scale, so ε makes the first step half the width"
		}
		if l.GradNorm > 0 && finite(l.GradNorm) && l.Width > 0 {
			if cap := StepFraction * l.Width / l.GradNorm; lr > cap {
				if !math.IsInf(lr, 0) {
					rule += fmt.Sprintf("; capped at %.3g so the first step ε‖g‖ is at most half the width", cap)
				}
				lr = cap
			}
		}
	case "adam", "rmsprop", "rmsprop_nesterov", "adamw", "nadam", "lion":
		lr = l.Width / AdaptiveSteps
		rule = fmt.Sprintf("ε = w/%d, w = %.3g: each coordinate moves about ε a step, so it crosses w in about %d steps", AdaptiveSteps, l.Width, AdaptiveSteps)
	case "adagrad":
		lr = l.Width / AdaGradDiv
		rule = fmt.Sprintf("ε = w/%d, w = %.3g: its steps fall as ε/√k and cover about 2ε√k, w in about %d steps", AdaGradDiv, l.Width, AdaGradDiv*AdaGradDiv/4)
	default:
		return Suggestion{}, false
	}
	if !finite(lr) || lr <= 0 {
		return Suggestion{}, false // a flat start with no scale: keep the default
	}
	lr = math.Min(math.Max(lr, spec.Min), spec.Max)
	lr = roundSig(lr, 2)
	return Suggestion{Hyper: map[string]float64{"lr": lr}, Rule: rule}, true
}

// roundSig rounds x to n significant digits, so a suggestion reads as a
// number one would type (0.05, not 0.0498732).
func roundSig(x float64, n int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}
