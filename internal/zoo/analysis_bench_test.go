package zoo

import (
	"context"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// the yardstick: about 5 000 parameters on 1 000 points.
var yardstick = landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 68, "depth": 2, "points": 1000}}

// BenchmarkGridPasses51 is the coarse-to-fine 51×51 plane of the
// yardstick network, uncached: ns/op is the whole grid, first_ms the time
// to the first (stride 8) picture.
func BenchmarkGridPasses51(b *testing.B) {
	_, _, m, err := New(yardstick)
	if err != nil {
		b.Fatal(err)
	}
	v, err := m.View(PlaneSpec{}, 1)
	if err != nil {
		b.Fatal(err)
	}
	var first time.Duration
	for b.Loop() {
		start := time.Now()
		seen := false
		_, err := v.GridPasses(context.Background(), nil, planeDomain.X, planeDomain.Y, 51, 51, func(*landscape.Grid) {
			if !seen {
				seen = true
				first += time.Since(start)
			}
		}, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first_ms")
}

// BenchmarkSpectrum is the top-5 spectrum with its density at θ₀ of the
// yardstick network, uncached.
func BenchmarkSpectrum(b *testing.B) {
	obj, _, m, err := New(yardstick)
	if err != nil {
		b.Fatal(err)
	}
	theta, err := m.Init(1)
	if err != nil {
		b.Fatal(err)
	}
	var hvps int
	for b.Loop() {
		if _, err := ComputeSpectrum(context.Background(), obj, "", theta, 5, func() { hvps++ }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(hvps)/float64(b.N), "hvps")
}
