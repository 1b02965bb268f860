package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

// TestPlaneTanh: the kernel and the scalar formula agree to the bit, and
// both are tanh to within 2 ulp (|x| ≥ 1e-300) over the range a network's
// units see and beyond; ±0, ±Inf and NaN come out as tanh's.
func TestPlaneTanh(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var xs []float64
	for range 40000 {
		xs = append(xs, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(8)-5)))
	}
	xs = append(xs, 0, math.Copysign(0, -1), 1e-300, -1e-300, 0.125, -0.125, 0.3465, 19.99, 20, 20.01, 40, -40, 1e308,
		math.Inf(1), math.Inf(-1), math.NaN(), 5e-324)
	for len(xs)%4 != 0 {
		xs = append(xs, rng.NormFloat64())
	}
	got := append([]float64(nil), xs...)
	planeTanhSlice(got)
	if have512 {
		// The AVX2 kernel gives the same bits as the AVX-512 one.
		planeTanh512 = false
		g4 := append([]float64(nil), xs...)
		planeTanhSlice(g4)
		planeTanh512 = true
		for i, x := range xs {
			if math.Float64bits(got[i]) != math.Float64bits(g4[i]) {
				t.Fatalf("x = %v: AVX-512 %v, AVX2 %v", x, got[i], g4[i])
			}
		}
	}
	worst := 0.0
	defer func() { t.Logf("worst: %.2f ulp", worst) }()
	for i, x := range xs {
		want := math.Tanh(x)
		s := planeTanh(x)
		if math.IsNaN(want) {
			if !math.IsNaN(got[i]) || !math.IsNaN(s) {
				t.Fatalf("tanh(NaN) = %v, %v", got[i], s)
			}
			continue
		}
		if haveKernels && math.Float64bits(got[i]) != math.Float64bits(s) {
			t.Fatalf("x = %v: kernel %v, scalar %v", x, got[i], s)
		}
		if math.Signbit(s) != math.Signbit(want) {
			t.Fatalf("x = %v: sign of %v, want %v", x, s, want)
		}
		ulps := math.Abs(s-want) / (math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want))
		if math.Abs(x) > 1e-300 {
			worst = max(worst, ulps)
		}
		if ulps > 2 && math.Abs(x) > 1e-300 {
			t.Fatalf("x = %v: %v, tanh %v (%.1f ulp)", x, s, want, ulps)
		}
	}
}

// TestAffineBias: the bias-first kernel computes W·a + b on the shapes a
// plane's passes have (rows not a multiple of 4, a ragged last panel,
// columns past the last multiple of 8).
func TestAffineBias(t *testing.T) {
	if !haveKernels {
		t.Skip("no AVX2/FMA kernels on this CPU; PlaneValue is Value")
	}
	rng := NewRNG(2)
	for _, tc := range []struct{ m, n, k int }{{68, 256, 68}, {2, 232, 68}, {68, 256, 2}, {5, 777, 9}, {3, 7, 4}, {1, 8, 1}} {
		w := randGeneral(rng, tc.m, tc.k, tc.k)
		a := randGeneral(rng, tc.k, tc.n, tc.n)
		b := make([]float64, tc.m)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		z := blas64.General{Rows: tc.m, Cols: tc.n, Stride: tc.n, Data: make([]float64, tc.m*tc.n)}
		affineBias(z, a, w, b)
		for i := range tc.m {
			for j := range tc.n {
				want := b[i]
				for p := range tc.k {
					want += w.Data[i*w.Stride+p] * a.Data[p*a.Stride+j]
				}
				if g := z.Data[i*tc.n+j]; math.Abs(g-want) > 1e-13*float64(tc.k)*max(1, math.Abs(want)) {
					t.Fatalf("%v: z[%d,%d] = %v, want %v", tc, i, j, g, want)
				}
			}
		}
	}
}

// TestPlaneValueIsValue: a plane drawn with PlaneValue is the one Value
// draws, to 1e-13 relative, on networks of each activation and loss, at
// the initialisation and far from it.
func TestPlaneValueIsValue(t *testing.T) {
	for _, tc := range []struct {
		name   string
		act    Activation
		loss   Loss
		hidden []int
		n      int
	}{
		{"tanh/ce", Tanh, CrossEntropy, []int{68, 68}, 1000},
		{"tanh/squared/ragged", Tanh, Squared, []int{13, 9}, 777},
		{"relu/ce", ReLU, CrossEntropy, []int{16}, 300},
		{"sigmoid/ce", Sigmoid, CrossEntropy, []int{7, 5, 3}, 64},
		{"tanh/ce/ragged", Tanh, CrossEntropy, []int{13, 9}, 777},
		{"tanh/ce/3 classes", Tanh, CrossEntropy, []int{13, 9}, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := "spirals"
			if tc.name == "tanh/ce/3 classes" {
				data = "blobs"
			}
			m, theta := tinyNet(t, tc.act, tc.loss, tc.hidden, data, tc.n)
			if want := map[bool]int{true: 3, false: 2}[data == "blobs"]; m.Sizes()[len(m.Sizes())-1] != want {
				t.Fatalf("%d classes, want %d", m.Sizes()[len(m.Sizes())-1], want)
			}
			rng := NewRNG(5)
			worst := 0.0
			defer func() { t.Logf("worst: %.1e relative", worst) }()
			for _, scale := range []float64{0, 0.1, 1, 10} {
				th := append([]float64(nil), theta...)
				for i := range th {
					th[i] += scale * rng.NormFloat64()
				}
				v, p := m.Value(th), m.PlaneValue(th)
				worst = max(worst, math.Abs(p-v)/math.Abs(v))
				if math.Abs(p-v) > 1e-13*math.Abs(v) {
					t.Errorf("scale %v: PlaneValue %v, Value %v (%.2g relative)", scale, p, v, math.Abs(p-v)/math.Abs(v))
				}
			}
		})
	}
}

// BenchmarkPlaneTanh is the plane's tanh per element against the training
// passes' (tanhSlice, the reference).
func BenchmarkPlaneTanh(b *testing.B) {
	z := make([]float64, 68*256)
	fill := func() {
		for i := range z {
			z[i] = float64(i%2000)/500 - 2
		}
	}
	for _, c := range []struct {
		name string
		f    func([]float64)
	}{{"training", tanhSlice}, {"plane", planeTanhSlice}, {"plane-avx2", func(z []float64) {
		planeTanh512 = false
		planeTanhSlice(z)
		planeTanh512 = true
	}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				fill()
				b.StartTimer()
				c.f(z)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(z)), "ns/elem")
		})
	}
}

// TestSoftx8: the two-class cross-entropy's sums 1 + e^(−2x), x ≥ 0, to
// within an ulp (and 1 past x = 20, NaN for NaN).
func TestSoftx8(t *testing.T) {
	if !have512 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := NewRNG(8)
	var xs []float64
	for range 20000 {
		xs = append(xs, math.Abs(rng.NormFloat64())*math.Pow(10, float64(rng.IntN(6)-4)))
	}
	xs = append(xs, 0, 1e-300, 19.99, 20, 20.5, 1e300, math.Inf(1), math.NaN())
	for len(xs)%8 != 0 {
		xs = append(xs, 1)
	}
	got := append([]float64(nil), xs...)
	softx8(&got[0], len(got), &tanh8Table)
	for i, x := range xs {
		want := 1 + math.Exp(-2*x)
		if math.IsNaN(x) {
			if !math.IsNaN(got[i]) {
				t.Fatalf("NaN gave %v", got[i])
			}
			continue
		}
		if math.Abs(got[i]-want) > 2.3e-16*want {
			t.Fatalf("x = %v: %v, want %v", x, got[i], want)
		}
	}
}

// TestPlaneValueAllocatesNothing: a grid point reuses its pooled scratch.
func TestPlaneValueAllocatesNothing(t *testing.T) {
	if !haveKernels {
		t.Skip("no kernels: PlaneValue is Value on gonum's Dgemm, which allocates")
	}
	m, theta := tinyNet(t, Tanh, CrossEntropy, []int{68, 68}, "spirals", 1000)
	m.PlaneValue(theta)
	if n := testing.AllocsPerRun(20, func() { m.PlaneValue(theta) }); n != 0 {
		t.Errorf("PlaneValue allocates %v times a call", n)
	}
}

// TestPlaneValueAVX2: on a CPU without AVX-512 (the wide kernels turned
// off here) PlaneValue is still Value to 1e-13, and within 1e-15 of
// itself with them.
func TestPlaneValueAVX2(t *testing.T) {
	if !have512 {
		t.Skip("no AVX-512 to turn off")
	}
	m, theta := tinyNet(t, Tanh, CrossEntropy, []int{68, 68}, "spirals", 1000)
	wide := m.PlaneValue(theta)
	gemm512, planeTanh512 = false, false
	narrow := m.PlaneValue(theta)
	gemm512, planeTanh512 = true, true
	v := m.Value(theta)
	if math.Abs(narrow-v) > 1e-13*math.Abs(v) || math.Abs(narrow-wide) > 1e-15*math.Abs(v) {
		t.Errorf("AVX2 %v, AVX-512 %v, Value %v", narrow, wide, v)
	}
}
