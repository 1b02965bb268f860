package stream

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// TestAppendLandscapeIsJSON: the landscape message written by hand is
// json.Marshal's bytes: a 512² grid (its values written on several
// goroutines), a plane's with its info, a partial one, a clamped one.
func TestAppendLandscapeIsJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	big := &landscape.Grid{X: [2]float64{-2, 2}, Y: [2]float64{-1, 3}, NX: 512, NY: 512, Min: -1, Max: 3e21}
	big.Values = make([]float64, 512*512)
	for i := range big.Values {
		big.Values[i] = rng.ExpFloat64() * 1e3
	}
	small := &landscape.Grid{X: [2]float64{0, 1}, Y: [2]float64{0, 1}, NX: 2, NY: 2, Values: []float64{1, 2, 3, 4e-9}, Max: 4, Clamped: true}
	pi := zoo.PlaneInfo{Kind: "random", Seed: 3, Dim: 7, OriginNorm: 1.5, AxisNorms: [2]float64{1, 2}, Domain: landscape.Domain{X: [2]float64{-1, 1}, Y: [2]float64{-1, 1}}}
	for i, m := range []landscapeMsg{
		{Type: "landscape", Grid: big},
		{Type: "landscape", Grid: small, Plane: &pi},
		{Type: "landscape", Grid: small, Plane: &pi, Partial: true},
		{Type: "landscape"},
	} {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendLandscape(nil, &m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("message %d: %d bytes, json.Marshal %d:\n%.300s\n%.300s", i, len(got), len(want), got, want)
		}
	}
}
