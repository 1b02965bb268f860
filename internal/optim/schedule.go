package optim

import (
	"math"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Schedule is a learning-rate schedule ε_k (8.3.1): the rate of step k
// (k = 0 for the first step) as a function of the base rate ε₀, the run's
// "lr". The zero value (or kind "constant") keeps the base rate.
//
//	linear:       ε_k = (1−k/τ)·ε₀ + (k/τ)·ε_τ for k ≤ τ, then ε_τ  (eq. 8.14)
//	inverse_time: ε_k = ε₀ / (1 + decay·k)
//	step:         ε_k = ε₀ · gamma^⌊k/every⌋
//	exponential:  ε_k = ε₀ · exp(−decay·k)
type Schedule struct {
	Kind  string  `json:"kind,omitempty"`
	Tau   float64 `json:"tau,omitempty"`   // linear: steps to reach ε_τ
	Final float64 `json:"final,omitempty"` // linear: ε_τ; 0 means ε₀/100, as the chapter advises
	Decay float64 `json:"decay,omitempty"` // inverse_time, exponential
	Gamma float64 `json:"gamma,omitempty"` // step: factor per period
	Every float64 `json:"every,omitempty"` // step: period in steps
}

// ScheduleKinds lists the schedule kinds, in the order the page offers them.
var ScheduleKinds = []string{"constant", "linear", "inverse_time", "step", "exponential"}

// Limits of the schedule fields: generous, but they keep every rate finite.
const (
	maxTau   = 1e9
	maxDecay = 1e3
	maxRate  = 100 // the largest lr a HyperSpec allows
)

// Validate checks the schedule: a known kind and the fields that kind needs,
// in range. Fields another kind uses are ignored (a form may keep them), but
// fields without any kind are an error.
func (s Schedule) Validate() error {
	switch s.Kind {
	case "", "constant":
	case "linear":
		if err := positive("tau", s.Tau, maxTau, "the number of steps over which the rate decays"); err != nil {
			return err
		}
		if err := fielderr.Range("final", s.Final, 0, maxRate); err != nil {
			return err
		}
	case "inverse_time", "exponential":
		if err := positive("decay", s.Decay, maxDecay, "the decay rate per step"); err != nil {
			return err
		}
	case "step":
		if err := positive("gamma", s.Gamma, 1, "the factor applied every period, in (0, 1]"); err != nil {
			return err
		}
		if err := positive("every", s.Every, maxTau, "the period in steps"); err != nil {
			return err
		}
		if s.Every != math.Trunc(s.Every) {
			return fielderr.New("every", "must be a whole number of steps, got %g", s.Every)
		}
	default:
		return fielderr.New("kind", "unknown schedule %q; known: %s", s.Kind, strings.Join(ScheduleKinds, ", "))
	}
	if s.Kind == "" {
		// A forgotten "kind" would otherwise keep the rate constant in silence.
		for _, f := range []struct {
			name string
			v    float64
		}{{"tau", s.Tau}, {"final", s.Final}, {"decay", s.Decay}, {"gamma", s.Gamma}, {"every", s.Every}} {
			if f.v != 0 {
				return fielderr.New("kind", "missing: %q is set but no schedule kind (%s) is given", f.name, strings.Join(ScheduleKinds, ", "))
			}
		}
	}
	return nil
}

// positive checks 0 < x ≤ hi, with a message that says what the field is.
func positive(field string, x, hi float64, what string) error {
	if err := fielderr.Range(field, x, 0, hi); err != nil {
		return err
	}
	if x == 0 {
		return fielderr.New(field, "is required: %s, a positive number", what)
	}
	return nil
}

// Rate returns ε_k for base rate base; k = 0 is the first step. A method
// without a learning rate (base 0) gets 0 whatever the schedule.
func (s Schedule) Rate(k int, base float64) float64 {
	if base == 0 {
		return 0
	}
	kf := float64(k)
	switch s.Kind {
	case "linear":
		final := s.Final
		if final == 0 {
			final = base / 100
		}
		if kf >= s.Tau {
			return final
		}
		a := kf / s.Tau
		return (1-a)*base + a*final
	case "inverse_time":
		return base / (1 + s.Decay*kf)
	case "step":
		if s.Every < 1 { // not validated: keep the rate finite
			return base
		}
		return base * math.Pow(s.Gamma, math.Floor(kf/s.Every))
	case "exponential":
		return base * math.Exp(-s.Decay*kf)
	}
	return base
}
