package optim

import (
	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Schedule is a learning-rate schedule ε_k (8.3.1). The zero value (or
// kind "constant") keeps the base rate.
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

// Validate checks the schedule. PLACEHOLDER until schedules are written.
func (s Schedule) Validate() error {
	switch s.Kind {
	case "", "constant":
		return nil
	}
	return fielderr.New("kind", "unknown schedule %q", s.Kind)
}

// Rate returns ε_k for base rate base.
func (s Schedule) Rate(k int, base float64) float64 { return base }
