package nn

import (
	"testing"
	"time"

	"gonum.org/v1/gonum/blas/blas64"
)

// BenchmarkPlaneValueCore is one grid point of the yardstick plane (68×68
// tanh MLP on 1 000 spirals points) on one core against the kernel's
// single-core peak (a cache-blocked 512³ Gemm), interleaved: each
// iteration times a batch of PlaneValue calls and one peak product, and
// the fastest of each over the run is kept. On a machine shared with
// other work the fastest sample is the one least disturbed, and both
// figures come from the same minutes, so pct_peak holds under load.
func BenchmarkPlaneValueCore(b *testing.B) {
	m, theta := tinyNet(b, Tanh, CrossEntropy, []int{68, 68}, "spirals", 1000)
	flops := 0.0
	for l := 0; l+1 < len(m.sizes); l++ {
		flops += 2 * float64(m.sizes[l]*m.sizes[l+1]*m.data.N())
	}
	const n = 512
	rng := NewRNG(1)
	pa, pb := randGeneral(rng, n, n, n), randGeneral(rng, n, n, n)
	pc := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
	const calls = 8
	best, bestPeak, bestValue := time.Duration(1<<62), time.Duration(1<<62), time.Duration(1<<62)
	for b.Loop() {
		start := time.Now()
		for range calls {
			m.PlaneValue(theta)
		}
		best = min(best, time.Since(start)/calls)
		start = time.Now()
		m.Value(theta)
		bestValue = min(bestValue, time.Since(start))
		start = time.Now()
		Gemm(pc, pa, pb, 1)
		bestPeak = min(bestPeak, time.Since(start))
	}
	peak := 2 * n * n * n / bestPeak.Seconds() / 1e9
	g := flops / best.Seconds() / 1e9
	b.ReportMetric(best.Seconds()*1e6, "plane_us")
	b.ReportMetric(bestValue.Seconds()*1e6, "value_us")
	b.ReportMetric(g, "GFLOP/s")
	b.ReportMetric(peak, "peak_GFLOP/s")
	b.ReportMetric(100*g/peak, "pct_peak")
	b.ReportMetric(0, "ns/op")
}
