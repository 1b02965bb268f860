package landscape

import (
	"context"
	"errors"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func TestOptionsRefusedByPlaneObjectives(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		field string
	}{
		{"catalogue objective", Spec{ID: "rosenbrock", Options: map[string]string{"data": "spirals"}}, "options.data"},
		{"expression", Spec{Expr: "x^2", Options: map[string]string{"data": "spirals"}}, "options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := New(tt.spec)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("New = %v, want a field error on %q", err, tt.field)
			}
		})
	}
}

func TestSpecKeyTellsOptionsApart(t *testing.T) {
	a := Spec{ID: "mlp", Options: map[string]string{"data": "spirals", "activation": "tanh"}}
	b := Spec{ID: "mlp", Options: map[string]string{"activation": "tanh", "data": "spirals"}}
	c := Spec{ID: "mlp", Options: map[string]string{"data": "moons", "activation": "tanh"}}
	if SpecKey(a) != SpecKey(b) {
		t.Errorf("the same options in another order give keys %q and %q", SpecKey(a), SpecKey(b))
	}
	if SpecKey(a) == SpecKey(c) {
		t.Errorf("different options share the key %q", SpecKey(a))
	}
	if SpecKey(Spec{ID: "rosenbrock"}) != "id:rosenbrock" {
		t.Errorf("a spec without options changed its key: %q", SpecKey(Spec{ID: "rosenbrock"}))
	}
}

func TestGridCacheComputeSharesAndCaches(t *testing.T) {
	c := NewGridCache(4)
	key := GridKey{Objective: "plane:test", X: [2]float64{-1, 1}, Y: [2]float64{-1, 1}, NX: 2, NY: 2}
	calls := 0
	compute := func(context.Context) (*Grid, error) {
		calls++
		return &Grid{X: key.X, Y: key.Y, NX: 2, NY: 2, Values: []float64{1, 2, 3, 4}, Min: 1, Max: 4}, nil
	}
	for range 3 {
		g, err := c.Compute(context.Background(), key, compute)
		if err != nil || g.Values[3] != 4 {
			t.Fatalf("Compute = %v, %v", g, err)
		}
	}
	if calls != 1 {
		t.Errorf("compute ran %d times for one key, want 1", calls)
	}
	boom := errors.New("boom")
	key2 := key
	key2.NX = 3
	if _, err := c.Compute(context.Background(), key2, func(context.Context) (*Grid, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("error not passed on: %v", err)
	}
	if c.Len() != 1 {
		t.Errorf("a failed computation was cached: %d entries", c.Len())
	}
}
