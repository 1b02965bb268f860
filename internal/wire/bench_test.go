package wire

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// BenchmarkAppendFloat is the cost of one number on the wire, against
// strconv's shortest formatting alone (the reference).
func BenchmarkAppendFloat(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = rng.NormFloat64()
	}
	var buf []byte
	b.Run("strconv", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			buf = strconv.AppendFloat(buf[:0], xs[i&1023], 'f', -1, 64)
		}
	})
	b.Run("AppendFloat", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			buf = AppendFloat(buf[:0], xs[i&1023])
		}
	})
}

// BenchmarkGrid512 is a 512² Rosenbrock landscape: its evaluation (the
// reference), encoding/json of it (as the answers were written before) and
// AppendGrid (now).
func BenchmarkGrid512(b *testing.B) {
	obj, _, err := landscape.New(landscape.Spec{ID: "rosenbrock"})
	if err != nil {
		b.Fatal(err)
	}
	key := landscape.GridKey{Objective: "rosenbrock", X: [2]float64{-2, 2}, Y: [2]float64{-1, 3}, NX: 512, NY: 512}
	var g *landscape.Grid
	b.Run("evaluate", func(b *testing.B) {
		for b.Loop() {
			if g, err = landscape.NewGridCache(1).Grid(context.Background(), key, obj); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(g); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendGrid", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = AppendGrid(buf[:0], g)
		}
		b.SetBytes(int64(len(buf)))
	})
}
