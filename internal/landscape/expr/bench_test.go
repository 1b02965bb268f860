package expr

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// valueGrader is how the server sees an objective: through an interface.
type valueGrader interface {
	Grad(g, x []float64) float64
}

// handRosenbrock is (1-x)^2 + 100(y-x^2)^2 written out by hand.
type handRosenbrock struct{}

func (handRosenbrock) Grad(g, x []float64) float64 {
	a, b := 1-x[0], x[1]-x[0]*x[0]
	g[0] = -2*a - 400*x[0]*b
	g[1] = 200 * b
	return a*a + 100*b*b
}

var sink float64

// BenchmarkRosenbrock compares the compiled expression with hand-written
// code, both called through an interface as the server calls them.
func BenchmarkRosenbrock(b *testing.B) {
	f, err := Parse("(1-x)^2 + 100*(y-x^2)^2")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		obj  valueGrader
	}{
		{"handwritten", handRosenbrock{}},
		{"expr", f},
	} {
		b.Run(bc.name, func(b *testing.B) {
			g := make([]float64, 2)
			x := []float64{-1.2, 1}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				x[0] = -1.2 + float64(i&7)*0.1
				sink += bc.obj.Grad(g, x)
			}
		})
	}
}

func BenchmarkValue(b *testing.B) {
	f, err := Parse("(1-x)^2 + 100*(y-x^2)^2")
	if err != nil {
		b.Fatal(err)
	}
	x := []float64{-1.2, 1}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		x[0] = -1.2 + float64(i&7)*0.1
		sink += f.Value(x)
	}
}

func BenchmarkHess(b *testing.B) {
	for _, src := range []string{
		"(1-x)^2 + 100*(y-x^2)^2",
		"sin(x)*cos(y) + 0.1*(x^2 + y^2)",
	} {
		f, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(src, func(b *testing.B) {
			h := mat.NewSymDense(2, nil)
			x := []float64{-1.2, 1}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				x[0] = -1.2 + float64(i&7)*0.1
				f.Hess(h, x)
			}
			sink += h.At(0, 0)
		})
	}
}
