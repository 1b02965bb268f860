package wire

import (
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// A 512² landscape is 262 144 numbers, 4.7 MB of JSON whose encoding
// costs twenty times the grid's evaluation: its values are written by
// hand, in pieces on every core, and joined in order (the same bytes).

// AppendGridFields appends the fields of g as encoding/json writes them
// inside an object, without its braces: "x", "y", "nx", "ny", "values",
// "min", "max" and, when set, "clamped".
func AppendGridFields(dst []byte, g *landscape.Grid) []byte {
	dst = append(dst, `"x":`...)
	dst = AppendFloats(dst, g.X[:])
	dst = append(dst, `,"y":`...)
	dst = AppendFloats(dst, g.Y[:])
	dst = append(dst, `,"nx":`...)
	dst = strconv.AppendInt(dst, int64(g.NX), 10)
	dst = append(dst, `,"ny":`...)
	dst = strconv.AppendInt(dst, int64(g.NY), 10)
	dst = append(dst, `,"values":`...)
	dst = AppendFloatsParallel(dst, g.Values)
	dst = append(dst, `,"min":`...)
	dst = AppendFloat(dst, g.Min)
	dst = append(dst, `,"max":`...)
	dst = AppendFloat(dst, g.Max)
	if g.Clamped {
		dst = append(dst, `,"clamped":true`...)
	}
	return dst
}

// AppendGrid appends g as encoding/json marshals it.
func AppendGrid(dst []byte, g *landscape.Grid) []byte {
	dst = append(dst, '{')
	dst = AppendGridFields(dst, g)
	return append(dst, '}')
}

// parallelChunk is the fewest numbers AppendFloatsParallel gives a
// goroutine.
const parallelChunk = 16 << 10

// AppendFloatsParallel is AppendFloats, the numbers formatted on every
// core when there are many.
func AppendFloatsParallel(dst []byte, xs []float64) []byte {
	parts := min(runtime.GOMAXPROCS(0), len(xs)/parallelChunk)
	if parts < 2 {
		return AppendFloats(dst, xs)
	}
	bufs := make([][]byte, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			lo, hi := len(xs)*p/parts, len(xs)*(p+1)/parts
			b := make([]byte, 0, (hi-lo)*20)
			for i, x := range xs[lo:hi] {
				if i > 0 || p > 0 {
					b = append(b, ',')
				}
				b = AppendFloat(b, x)
			}
			bufs[p] = b
		})
	}
	wg.Wait()
	n := 2
	for _, b := range bufs {
		n += len(b)
	}
	// Room for the pieces and for a few fields after them, so that a grid
	// held in a cache is not held in a slice grown a quarter too big.
	dst = slices.Grow(dst, n+512)
	dst = append(dst, '[')
	for _, b := range bufs {
		dst = append(dst, b...)
	}
	return append(dst, ']')
}
