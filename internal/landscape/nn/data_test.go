package nn

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func TestGenerate(t *testing.T) {
	for _, name := range DataNames {
		t.Run(name, func(t *testing.T) {
			spec := DataSpec{Name: name, N: 400, Noise: 0.1, Seed: 3}
			d := MustGenerate(spec)
			if d.N() != 400 {
				t.Fatalf("got %d points, want 400", d.N())
			}
			counts := make([]int, d.Classes)
			for i, c := range d.Labels {
				if c < 0 || c >= d.Classes {
					t.Fatalf("label %d out of range", c)
				}
				counts[c]++
				x, y := d.X.At(i, 0), d.X.At(i, 1)
				if math.Abs(x) > 2.5 || math.Abs(y) > 2.5 || math.IsNaN(x+y) {
					t.Fatalf("point %d = (%v, %v) outside the drawn square", i, x, y)
				}
			}
			for c, n := range counts {
				if n < 400/d.Classes/2 {
					t.Errorf("class %d has only %d of 400 points", c, n)
				}
			}
			again := MustGenerate(spec)
			if !mat.Equal(d.X, again.X) {
				t.Errorf("same seed gave different points")
			}
			spec.Seed++
			if other := MustGenerate(spec); mat.Equal(d.X, other.X) {
				t.Errorf("different seeds gave the same points")
			}
		})
	}
}

func TestGenerateRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  DataSpec
		field string
	}{
		{"unknown name", DataSpec{Name: "mnist", N: 10}, "data.name"},
		{"too few", DataSpec{Name: "xor", N: 1}, "data.n"},
		{"too many", DataSpec{Name: "xor", N: MaxPoints + 1}, "data.n"},
		{"negative noise", DataSpec{Name: "xor", N: 10, Noise: -1}, "data.noise"},
		{"NaN noise", DataSpec{Name: "xor", N: 10, Noise: math.NaN()}, "data.noise"},
		{"one blob", DataSpec{Name: "blobs", N: 10, Classes: 1}, "data.classes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.spec)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("want a field error on %s, got %v", tc.field, err)
			}
		})
	}
}
