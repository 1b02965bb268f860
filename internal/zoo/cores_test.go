package zoo

import (
	"context"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// TestSpectrumSameOnAnyCores: a spectrum (Lanczos' top eigenvalues and
// the quadrature's density) is the same to the bit on one core as on
// several: the Hessian-vector products split the data by its size alone
// and the probes run into fixed slots, whatever the number of cores. A
// network with data enough to be split, and one whose products are not
// split (its probes run in parallel).
func TestSpectrumSameOnAnyCores(t *testing.T) {
	for _, spec := range []landscape.Spec{
		{ID: "mlp", Params: map[string]float64{"width": 12, "points": 700}},
		{ID: "mlp", Params: map[string]float64{"width": 8, "points": 100}},
	} {
		obj, _, m, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		theta, err := m.Init(3)
		if err != nil {
			t.Fatal(err)
		}
		prev := runtime.GOMAXPROCS(0)
		var want *Spectrum
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			s, err := ComputeSpectrum(context.Background(), obj, "", theta, 3, nil)
			runtime.GOMAXPROCS(prev)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = s
				continue
			}
			same := func(a, b []float64) bool {
				if len(a) != len(b) {
					return false
				}
				for i := range a {
					if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
						return false
					}
				}
				return true
			}
			if !same(s.Eigenvalues, want.Eigenvalues) || !same(s.Density.Y, want.Density.Y) || s.Min != want.Min || s.Max != want.Max {
				t.Errorf("%v: GOMAXPROCS=%d: eigenvalues %v, min %v; on one core %v, min %v", spec.Params, procs, s.Eigenvalues, s.Min, want.Eigenvalues, want.Min)
			}
		}
	}
}

// BenchmarkSpectrumCores is the yardstick's spectrum (top 5 and density,
// uncached) on one core and on all of them, alternately in one loop so a
// busy machine slows both alike: one_s, all_s per spectrum and speedup,
// and the CPU-time figures busy_cores and work_ratio (below).
func BenchmarkSpectrumCores(b *testing.B) {
	obj, _, m, err := New(yardstick)
	if err != nil {
		b.Fatal(err)
	}
	theta, err := m.Init(1)
	if err != nil {
		b.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	var one, all, oneCPU, allCPU float64
	for b.Loop() {
		for _, procs := range []int{1, prev} {
			runtime.GOMAXPROCS(procs)
			start, cpu := time.Now(), cpuSeconds()
			if _, err := ComputeSpectrum(context.Background(), obj, "", theta, 5, nil); err != nil {
				b.Fatal(err)
			}
			if procs == 1 {
				one += time.Since(start).Seconds()
				oneCPU += cpuSeconds() - cpu
			} else {
				all += time.Since(start).Seconds()
				allCPU += cpuSeconds() - cpu
			}
		}
	}
	runtime.GOMAXPROCS(prev)
	b.ReportMetric(one/float64(b.N), "one_s")
	b.ReportMetric(all/float64(b.N), "all_s")
	b.ReportMetric(one/all, "speedup")
	// Robust to a busy machine: the cores the run on all cores kept busy
	// (its CPU seconds over its wall seconds), and the work it did over
	// the one-core run's (1: splitting the products costs nothing). The
	// speed-up on an idle machine is about busy_cores / work_ratio.
	b.ReportMetric(allCPU/all, "busy_cores")
	b.ReportMetric(allCPU/oneCPU, "work_ratio")
	b.ReportMetric(0, "ns/op")
}
