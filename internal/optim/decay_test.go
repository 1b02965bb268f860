package optim

import (
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// EigenRates: the closed forms per method, and why there is none.
func TestEigenRates(t *testing.T) {
	q := landscape.NewQuadratic(1, 25, 0)
	lams := []float64{1, 25}
	for _, c := range []struct {
		name string
		cfg  Config
		want func(l float64) float64 // nil: no closed form
	}{
		{"gd", Config{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.07}}, func(l float64) float64 { return math.Abs(1 - 0.07*l) }},
		{"momentum", Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": 0.03, "momentum": 0.5}},
			func(l float64) float64 {
				r, _ := QuadraticRate("momentum", map[string]float64{"momentum": 0.5}, 0.03, l)
				return r
			}},
		{"nesterov", Config{Optimizer: "nesterov", Hyper: map[string]float64{"lr": 0.03, "momentum": 0.5}},
			func(l float64) float64 {
				r, _ := QuadraticRate("nesterov", map[string]float64{"momentum": 0.5}, 0.03, l)
				return r
			}},
		{"damped newton", Config{Optimizer: "newton", Hyper: map[string]float64{"damping": 3}}, func(l float64) float64 { return 3 / (l + 3) }},
		{"newton", Config{Optimizer: "newton"}, func(float64) float64 { return 0 }},
		{"adam", Config{Optimizer: "adam"}, nil},
		{"clipped gd", Config{Optimizer: "gd", Clip: Clip{Norm: 1}}, nil},
		{"scheduled gd", Config{Optimizer: "gd", Schedule: Schedule{Kind: "exponential", Decay: 0.01}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewRun(q, []float64{1, 1}, c.cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range r.EigenRates(lams) {
				if c.want == nil {
					if e.OK || e.Why == "" || e.Rate != 0 {
						t.Errorf("λ = %v: %+v, want no closed form and why", lams[i], e)
					}
					continue
				}
				if w := c.want(lams[i]); !e.OK || math.Abs(e.Rate-w) > 1e-15 || e.Rule == "" || e.Lambda != lams[i] {
					t.Errorf("λ = %v: %+v, want rate %v", lams[i], e, w)
				}
			}
		})
	}
}
