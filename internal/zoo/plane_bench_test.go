package zoo

import (
	"context"
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
)

// peakGFLOPs is the machine's float64 peak as nn's kernel reaches it now:
// the best of three cache-blocked 1024³ products on every core, by the
// wall clock and by CPU time (GFLOP per CPU-second times the cores).
func peakGFLOPs() (wall, cpu float64) {
	const n = 1024
	rng := nn.NewRNG(1)
	mk := func() blas64.General {
		g := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
		for i := range g.Data {
			g.Data[i] = rng.NormFloat64()
		}
		return g
	}
	a, b, c := mk(), mk(), mk()
	procs := runtime.GOMAXPROCS(0)
	for range 3 {
		start, c0 := time.Now(), cpuSeconds()
		nn.Gemm(c, a, b, procs)
		wall = max(wall, 2*n*n*n/time.Since(start).Seconds()/1e9)
		cpu = max(cpu, 2*n*n*n/(cpuSeconds()-c0)/1e9*float64(procs))
	}
	return wall, cpu
}

// BenchmarkPlanePeak is the yardstick's 51² plane (coarse to fine, as the
// page gets it) against the machine's peak, measured in the same loop so
// that a busy machine slows all alike: each iteration runs a cache-blocked
// 1024³ product on every core (the peak), the plane through Value (as it
// was drawn before PlaneValue: the reference) and the plane as it is drawn
// now. Reported: plane_s and value_s per plane, their GFLOP/s (2·N·Σ in·out
// per grid point), pct_peak (the plane's GFLOP/s over the peak's), speedup
// (value_s/plane_s) and first_ms, the first (stride 8) picture now; and
// by CPU time, which other work on the machine does not inflate,
// plane_cpu_s and pct_peak_cpu (the same ratio per CPU-second).
func BenchmarkPlanePeak(b *testing.B) {
	_, _, m, err := New(yardstick)
	if err != nil {
		b.Fatal(err)
	}
	v, err := m.View(PlaneSpec{}, 1)
	if err != nil {
		b.Fatal(err)
	}
	mlp := m.Obj.(*nn.MLP)
	sizes := mlp.Sizes()
	flops := 0.0
	for l := 0; l+1 < len(sizes); l++ {
		flops += 2 * float64(sizes[l]*sizes[l+1]*mlp.NumExamples())
	}
	flops *= 51 * 51
	plane := func(f hd.Func) (total, first time.Duration) {
		start := time.Now()
		vals := make([]float64, 51*51)
		_, err := hd.EvalGrid(context.Background(), vals, f, v.Plane, planeDomain.X, planeDomain.Y, 51, 51,
			hd.GridOptions{Coarsest: CoarsestStride, Pass: func(int, []float64) {
				if first == 0 {
					first = time.Since(start)
				}
			}})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), first
	}
	var peak, peakCPU, tValue, tPlane, tFirst, cpuPlane float64
	for b.Loop() {
		w, c := peakGFLOPs()
		peak += w
		peakCPU += c
		t, _ := plane(mlp.Value)
		tValue += t.Seconds()
		c0 := cpuSeconds()
		t, first := plane(mlp.PlaneValue)
		cpuPlane += cpuSeconds() - c0
		tPlane += t.Seconds()
		tFirst += first.Seconds()
	}
	n := float64(b.N)
	peak /= n
	peakCPU /= n
	// By CPU time, robust to other work taking the cores: GFLOP per
	// CPU-second (times the cores) of the plane over the peak's.
	procs := float64(runtime.GOMAXPROCS(0))
	b.ReportMetric(100*flops/(cpuPlane/n)*procs/1e9/peakCPU, "pct_peak_cpu")
	b.ReportMetric(cpuPlane/n, "plane_cpu_s")
	b.ReportMetric(tPlane/n, "plane_s")
	b.ReportMetric(tValue/n, "value_s")
	b.ReportMetric(flops/(tPlane/n)/1e9, "GFLOP/s")
	b.ReportMetric(flops/(tValue/n)/1e9, "value_GFLOP/s")
	b.ReportMetric(peak, "peak_GFLOP/s")
	b.ReportMetric(100*flops/(tPlane/n)/1e9/peak, "pct_peak")
	b.ReportMetric(tValue/tPlane, "speedup")
	b.ReportMetric(1e3*tFirst/n, "first_ms")
	b.ReportMetric(0, "ns/op")
}
