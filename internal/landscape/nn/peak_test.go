package nn

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

func TestGemmBlocked(t *testing.T) {
	rng := NewRNG(1)
	for _, tc := range []struct{ m, n, k, w int }{{300, 520, 270, 2}, {7, 9, 130, 3}, {64, 256, 128, 1}} {
		a := randGeneral(rng, tc.m, tc.k, tc.k)
		b := randGeneral(rng, tc.k, tc.n, tc.n)
		c := blas64.General{Rows: tc.m, Cols: tc.n, Stride: tc.n, Data: make([]float64, tc.m*tc.n)}
		want := blas64.General{Rows: tc.m, Cols: tc.n, Stride: tc.n, Data: make([]float64, tc.m*tc.n)}
		Gemm(c, a, b, tc.w)
		gemmBLAS(false, false, a, b, 0, want)
		for i, w := range want.Data {
			if math.Abs(c.Data[i]-w) > 1e-12*math.Sqrt(float64(tc.k))*max(1, math.Abs(w)) {
				t.Fatalf("%v: c[%d] = %v, Dgemm %v", tc, i, c.Data[i], w)
			}
		}
	}
}

// BenchmarkGemmPeak is the machine's float64 peak as this package's kernel
// reaches it (Gemm, cache-blocked, 1024³), on every core and on one, with
// the unblocked product and gonum's Dgemm beside it.
func BenchmarkGemmPeak(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	run := func(b *testing.B, m, n, k int, f func(c, a, bb blas64.General)) {
		rng := NewRNG(1)
		a, bb := randGeneral(rng, m, k, k), randGeneral(rng, k, n, n)
		c := randGeneral(rng, m, n, n)
		for b.Loop() {
			f(c, a, bb)
		}
		b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
	b.Run(fmt.Sprintf("blocked/1024^3/%dcores", procs), func(b *testing.B) {
		run(b, 1024, 1024, 1024, func(c, a, bb blas64.General) { Gemm(c, a, bb, procs) })
	})
	b.Run("blocked/1024^3/1core", func(b *testing.B) {
		run(b, 1024, 1024, 1024, func(c, a, bb blas64.General) { Gemm(c, a, bb, 1) })
	})
	b.Run("unblocked/1024^3/1core", func(b *testing.B) {
		run(b, 1024, 1024, 1024, func(c, a, bb blas64.General) { gemm(false, false, a, bb, 0, c, nil) })
	})
	b.Run("plane-layer/68x68x256/1core", func(b *testing.B) {
		run(b, 68, 256, 68, func(c, a, bb blas64.General) { gemm(false, false, a, bb, 0, c, nil) })
	})
	b.Run("gonum/1024^3/1core", func(b *testing.B) {
		run(b, 1024, 1024, 1024, func(c, a, bb blas64.General) { gemmBLAS(false, false, a, bb, 0, c) })
	})
}
