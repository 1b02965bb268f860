package landscape

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// What a first-order method calls every step must not allocate.
func TestValueGradDoNotAllocate(t *testing.T) {
	for _, c := range catalogueObjectives(t) {
		g := make([]float64, 2)
		x := append([]float64(nil), c.info.Start...)
		if n := testing.AllocsPerRun(20, func() { c.obj.Grad(g, x); c.obj.Value(x) }); n != 0 {
			t.Errorf("%s: %v allocations per Value+Grad", c.name, n)
		}
	}
	b := Blur(Rastrigin{A: 10}, 0.3)
	g, x := make([]float64, 2), []float64{1, 2}
	if n := testing.AllocsPerRun(5, func() { b.Grad(g, x) }); n != 0 {
		t.Errorf("blurred rastrigin: %v allocations per Grad", n)
	}
}

func BenchmarkValueGrad(b *testing.B) {
	for _, info := range Catalogue() {
		obj, _, err := New(Spec{ID: info.ID})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(info.ID, func(b *testing.B) {
			g := make([]float64, 2)
			x := append([]float64(nil), info.Start...)
			b.ReportAllocs()
			for b.Loop() {
				obj.Grad(g, x)
			}
		})
	}
}

// BenchmarkGrid256 is rosenbrock on a 256×256 grid with one worker and with
// one per core: the ratio of their times is the parallel speed-up.
func BenchmarkGrid256(b *testing.B) {
	ctx := context.Background()
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := evalGrid(ctx, Rosenbrock{}, [2]float64{-2, 2}, [2]float64{-1, 3}, 256, 256, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBlurredGrid64(b *testing.B) {
	obj := Blur(Rastrigin{A: 10}, 0.3)
	for b.Loop() {
		if _, err := EvalGrid(context.Background(), obj, [2]float64{-5, 5}, [2]float64{-5, 5}, 64, 64); err != nil {
			b.Fatal(err)
		}
	}
}
