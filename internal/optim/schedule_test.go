package optim

import (
	"errors"
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

func TestScheduleRate(t *testing.T) {
	cases := []struct {
		name string
		s    Schedule
		base float64
		k    int
		want float64
	}{
		{"zero value is constant", Schedule{}, 0.3, 1000, 0.3},
		{"constant", Schedule{Kind: "constant"}, 0.3, 7, 0.3},
		{"constant ignores another kind's fields", Schedule{Kind: "constant", Decay: 0.5, Tau: 3}, 0.3, 7, 0.3},
		{"exponential ignores tau", Schedule{Kind: "exponential", Decay: 0.1, Tau: 3}, 2, 10, 2 / math.E},
		// eq. 8.14 with ε₀ = 1, ε_τ = 0.1, τ = 10.
		{"linear start", Schedule{Kind: "linear", Tau: 10, Final: 0.1}, 1, 0, 1},
		{"linear midway", Schedule{Kind: "linear", Tau: 10, Final: 0.1}, 1, 5, 0.5*1 + 0.5*0.1},
		{"linear 3/10", Schedule{Kind: "linear", Tau: 10, Final: 0.1}, 1, 3, 0.7*1 + 0.3*0.1},
		{"linear at tau", Schedule{Kind: "linear", Tau: 10, Final: 0.1}, 1, 10, 0.1},
		{"linear after tau stays", Schedule{Kind: "linear", Tau: 10, Final: 0.1}, 1, 500, 0.1},
		{"linear final 0 means 1%", Schedule{Kind: "linear", Tau: 4}, 2, 4, 0.02},
		{"linear final 0 midway", Schedule{Kind: "linear", Tau: 4}, 2, 2, 0.5*2 + 0.5*0.02},
		{"inverse time", Schedule{Kind: "inverse_time", Decay: 0.5}, 0.3, 4, 0.3 / 3},
		{"inverse time k=0", Schedule{Kind: "inverse_time", Decay: 0.5}, 0.3, 0, 0.3},
		{"step before the first drop", Schedule{Kind: "step", Gamma: 0.5, Every: 10}, 0.8, 9, 0.8},
		{"step after two drops", Schedule{Kind: "step", Gamma: 0.5, Every: 10}, 0.8, 25, 0.2},
		{"exponential", Schedule{Kind: "exponential", Decay: 0.1}, 2, 10, 2 / math.E},
		{"no lr stays 0", Schedule{Kind: "linear", Tau: 10, Final: 0.1}, 0, 3, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.s.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if got := c.s.Rate(c.k, c.base); math.Abs(got-c.want) > 1e-15*math.Max(1, c.want) {
				t.Errorf("Rate(%d, %g) = %.17g, want %.17g", c.k, c.base, got, c.want)
			}
		})
	}
}

func TestScheduleValidate(t *testing.T) {
	cases := []struct {
		name  string
		s     Schedule
		field string
	}{
		{"unknown kind", Schedule{Kind: "cosine"}, "kind"},
		{"linear needs tau", Schedule{Kind: "linear"}, "tau"},
		{"negative tau", Schedule{Kind: "linear", Tau: -5}, "tau"},
		{"NaN tau", Schedule{Kind: "linear", Tau: math.NaN()}, "tau"},
		{"negative final", Schedule{Kind: "linear", Tau: 5, Final: -1}, "final"},
		{"inverse time needs decay", Schedule{Kind: "inverse_time"}, "decay"},
		{"negative decay", Schedule{Kind: "exponential", Decay: -0.1}, "decay"},
		{"infinite decay", Schedule{Kind: "exponential", Decay: math.Inf(1)}, "decay"},
		{"step needs gamma", Schedule{Kind: "step", Every: 10}, "gamma"},
		{"step gamma above 1", Schedule{Kind: "step", Gamma: 2, Every: 10}, "gamma"},
		{"step needs every", Schedule{Kind: "step", Gamma: 0.5}, "every"},
		{"fractional every", Schedule{Kind: "step", Gamma: 0.5, Every: 2.5}, "every"},
		{"fields without a kind", Schedule{Decay: 0.1}, "kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a *fielderr.Error", err)
			}
			if fe.Field != c.field || fe.Msg == "" {
				t.Errorf("field %q (%q), want %q", fe.Field, fe.Msg, c.field)
			}
		})
	}
}

// TestRunAppliesSchedule: each step of a run uses the scheduled rate, for
// methods that use the lr Run passes (gd's displacement is ε_k·g).
func TestRunAppliesSchedule(t *testing.T) {
	sched := Schedule{Kind: "step", Gamma: 0.5, Every: 2}
	r := newTestRun(t, landscape.NewQuadratic(1, 3, 20), []float64{2, -1},
		Config{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.2}, Schedule: sched}, 1)
	wantLR := []float64{0.2, 0.2, 0.1, 0.1, 0.05, 0.05}
	for k, lr := range wantLR {
		g := append([]float64(nil), r.Current().Grad...)
		s := r.Step()
		if s.LR != lr {
			t.Errorf("step %d: LR %g, want %g", k+1, s.LR, lr)
		}
		for i := range g {
			if !near(s.Update[i], -lr*g[i], 1e-14) {
				t.Errorf("step %d: update %v, want −%g·%v", k+1, s.Update, lr, g)
				break
			}
		}
	}

	// delta-bar-delta scales its per-parameter rates with the schedule: with
	// κ = φ = 0 they never adapt, so they are the scheduled rate itself.
	r = newTestRun(t, landscape.NewQuadratic(1, 3, 0), []float64{2, -1},
		Config{Optimizer: "delta_bar_delta", Hyper: map[string]float64{"lr": 0.1, "kappa": 0, "phi": 0}, Schedule: sched}, 1)
	for k, lr := range wantLR {
		s := r.Step()
		for i, e := range stateVec(s, "eff_lr") {
			if !near(e, lr/2, 1e-15) {
				t.Errorf("step %d: rate[%d] = %g, want the scheduled %g", k+1, i, e, lr/2)
			}
		}
	}
}
