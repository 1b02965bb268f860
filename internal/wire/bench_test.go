package wire

import (
	"math/rand/v2"
	"strconv"
	"testing"
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
