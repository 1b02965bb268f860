package zoo

import (
	"context"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// BenchmarkGrid51 is a 51×51 plane of the default network (1 218
// parameters on 400 points) and of one of about 5 000 parameters on 1 000
// points (the yardstick), uncached.
func BenchmarkGrid51(b *testing.B) {
	for _, c := range []struct {
		name string
		spec landscape.Spec
	}{
		{"default", landscape.Spec{ID: "mlp"}},
		{"5k_params_1k_points", landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 68, "depth": 2, "points": 1000}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			_, _, m, err := New(c.spec)
			if err != nil {
				b.Fatal(err)
			}
			v, err := m.View(PlaneSpec{}, 1)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(m.Obj.Dim()), "params")
			for b.Loop() {
				if _, err := v.Grid(context.Background(), nil, planeDomain.X, planeDomain.Y, 51, 51); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkView makes each plane of the default network from scratch (the
// cache bypassed): the cost of a scene's first start.
func BenchmarkView(b *testing.B) {
	_, _, m, err := New(landscape.Spec{ID: "mlp"})
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range PlaneKinds {
		b.Run(kind, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.newView(kind, 1, 1, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
