package nn

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
)

func randGeneral(rng interface{ NormFloat64() float64 }, r, c, stride int) blas64.General {
	g := blas64.General{Rows: r, Cols: c, Stride: stride, Data: make([]float64, max(0, (r-1)*stride+c))}
	for i := range g.Data {
		g.Data[i] = rng.NormFloat64()
	}
	return g
}

// TestGemmMatchesBLAS compares the kernel path with gonum's Dgemm on the
// shapes the passes use and on awkward ones: rows not a multiple of 4,
// columns not a multiple of 8, strides wider than rows, panels longer than
// gemmPanel.
func TestGemmMatchesBLAS(t *testing.T) {
	if !haveKernels {
		t.Skip("no AVX2/FMA kernels on this CPU; gemm is gonum's")
	}
	rng := NewRNG(1)
	for _, tc := range []struct {
		m, n, k int
	}{
		{64, 1000, 70}, {2, 1000, 64}, {70, 1000, 2}, {1, 8, 1}, {3, 9, 5},
		{5, 17, 3}, {7, 300, 11}, {64, 70, 1000}, {70, 64, 1000}, {6, 15, 33}, {9, 8, 1},
	} {
		for _, tr := range []struct{ a, b bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, beta := range []float64{0, 1} {
				t.Run(fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v/beta=%v", tc.m, tc.n, tc.k, tr.a, tr.b, beta), func(t *testing.T) {
					ar, ac := tc.m, tc.k
					if tr.a {
						ar, ac = ac, ar
					}
					br, bc := tc.k, tc.n
					if tr.b {
						br, bc = bc, br
					}
					a := randGeneral(rng, ar, ac, ac+3)
					b := randGeneral(rng, br, bc, bc+1)
					c := randGeneral(rng, tc.m, tc.n, tc.n+5)
					want := randGeneral(rng, tc.m, tc.n, tc.n+5)
					copy(want.Data, c.Data)
					gemmBLAS(tr.a, tr.b, a, b, beta, want)
					var s gemmScratch
					gemm(tr.a, tr.b, a, b, beta, c, &s)
					for i := range tc.m {
						for j := range tc.n {
							g, w := c.Data[i*c.Stride+j], want.Data[i*want.Stride+j]
							if math.Abs(g-w) > 1e-12*math.Sqrt(float64(tc.k))*max(1, math.Abs(w)) {
								t.Fatalf("c[%d,%d] = %v, Dgemm %v", i, j, g, w)
							}
						}
					}
					// Padding between rows must be left alone.
					for i := 0; i+1 < tc.m; i++ {
						for j := tc.n; j < c.Stride; j++ {
							if c.Data[i*c.Stride+j] != want.Data[i*want.Stride+j] {
								t.Fatalf("padding c[%d,%d] written", i, j)
							}
						}
					}
				})
			}
		}
	}
}

func TestTanhSliceMatchesTanh(t *testing.T) {
	var xs []float64
	for i := -300000; i <= 300000; i++ {
		xs = append(xs, float64(i)*1e-4) // [-30, 30]: every branch and the clamp
	}
	special := []float64{0, math.Copysign(0, -1), 1e-300, -1e-12, 0.125, -0.125, 1e3, -1e3, math.Inf(1), math.Inf(-1), math.MaxFloat64}
	xs = append(xs, special...)
	xs = append(xs, 0.5, 0.25) // a ragged tail for the scalar loop
	z := append([]float64(nil), xs...)
	tanhSlice(z)
	worst, at := 0.0, 0.0
	for i, x := range xs {
		if e := math.Abs(z[i] - math.Tanh(x)); e > worst || math.IsNaN(e) {
			worst, at = e, x
		}
	}
	if worst > 4e-16 || math.IsNaN(worst) {
		t.Errorf("error %g at x = %v, want ≤ 4e-16", worst, at)
	}
	nan := []float64{1, math.NaN(), -2, 0, math.NaN()}
	tanhSlice(nan)
	if !math.IsNaN(nan[1]) || !math.IsNaN(nan[4]) || nan[0] != math.Tanh(1) && math.Abs(nan[0]-math.Tanh(1)) > 4e-16 {
		t.Errorf("NaN in must give NaN out and leave its neighbours: %v", nan)
	}
}

func BenchmarkTanh(b *testing.B) {
	z := make([]float64, 70_000)
	for b.Loop() {
		for i := range z {
			z[i] = float64(i%2000)/500 - 2
		}
		tanhSlice(z)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(z)), "ns/elem")
}

// TestValuePanelsMatchWholeBatch: Value runs the data in panels; its loss
// must be the whole-batch pass's to the last bit (optimizers compare Value
// with the loss Grad returns), on data sets spanning several panels with a
// ragged last one.
func TestValuePanelsMatchWholeBatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  Activation
		loss Loss
		n    int
	}{
		{"tanh/ce/777", Tanh, CrossEntropy, 777},
		{"sigmoid/squared/1000", Sigmoid, Squared, 1000},
		{"relu/ce/513", ReLU, CrossEntropy, 513},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, theta := tinyNet(t, tc.act, tc.loss, []int{13, 9}, "moons", tc.n)
			grad := make([]float64, m.Dim())
			f := m.Grad(grad, theta)
			ws := m.get()
			whole := m.forward(ws, theta, m.xT, m.data.Labels, false, 0) * (1 / float64(tc.n))
			if v := m.Value(theta); v != f || v != whole {
				t.Errorf("Value %v, Grad's loss %v, one whole-batch pass %v", v, f, whole)
			}
		})
	}
}

// TestHessVecSplitOverCores: on a data set big enough to be split over
// goroutines, HessVec agrees with the whole batch's product on one
// goroutine and with a central difference of gradients along v, for each
// loss; and it is the same product to the bit whatever the number of cores
// (the parts are cut by the data's size alone and summed in order), so a
// spectrum does not depend on the machine it was computed on.
func TestHessVecSplitOverCores(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  Activation
		loss Loss
	}{
		{"tanh/ce", Tanh, CrossEntropy},
		{"sigmoid/squared", Sigmoid, Squared},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, theta := tinyNet(t, tc.act, tc.loss, []int{12, 10}, "moons", 1001)
			if p := hessVecParts(1001); p != 4 {
				t.Fatalf("%d parts of 1001 points, want 4", p)
			}
			v := make([]float64, m.Dim())
			rng := NewRNG(5)
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			serial := make([]float64, m.Dim())
			m.hessVecWhole(serial, theta, v)
			prev := runtime.GOMAXPROCS(0)
			var split []float64
			for _, procs := range []int{1, 2, 3, 4} {
				runtime.GOMAXPROCS(procs)
				got := make([]float64, m.Dim())
				m.HessVec(got, theta, v)
				if split == nil {
					split = got
				}
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(split[i]) {
						runtime.GOMAXPROCS(prev)
						t.Fatalf("GOMAXPROCS=%d: component %d is %v, with one core %v", procs, i, got[i], split[i])
					}
				}
			}
			runtime.GOMAXPROCS(prev)
			if !floats.EqualApprox(split, serial, 1e-12) {
				t.Errorf("split product differs from the whole batch's:\n split %v\nserial %v", split[:5], serial[:5])
			}
			const h = 1e-5
			gp, gm := make([]float64, m.Dim()), make([]float64, m.Dim())
			x := make([]float64, m.Dim())
			floats.AddScaledTo(x, theta, h, v)
			m.Grad(gp, x)
			floats.AddScaledTo(x, theta, -h, v)
			m.Grad(gm, x)
			floats.Sub(gp, gm)
			floats.Scale(1/(2*h), gp)
			if !floats.EqualApprox(split, gp, 1e-6) {
				t.Errorf("split product differs from central differences of gradients")
			}
		})
	}
}

// TestKernels512SameBits: the AVX-512 kernels give the products and the
// plane's biased products the AVX2 kernels give, to the bit, on shapes
// where the 32-column strips, the 8-column strips and the scalar tail all
// take part (so no loss, gradient or plane moves with the CPU).
func TestKernels512SameBits(t *testing.T) {
	if !have512 {
		t.Skip("no AVX-512 on this CPU")
	}
	defer func() { gemm512 = true }()
	rng := NewRNG(9)
	for _, tc := range []struct{ m, n, k int }{{68, 1000, 68}, {2, 232, 68}, {68, 256, 2}, {5, 777, 9}, {7, 40, 3}, {1, 8, 1}, {9, 300, 130}} {
		w := randGeneral(rng, tc.m, tc.k, tc.k)
		a := randGeneral(rng, tc.k, tc.n, tc.n)
		bias := make([]float64, tc.m)
		for i := range bias {
			bias[i] = rng.NormFloat64()
		}
		run := func(wide bool) (prod, biased, trans []float64) {
			gemm512 = wide
			c := randGeneral(NewRNG(4), tc.m, tc.n, tc.n)
			gemm(false, false, w, a, 1, c, nil)
			z := blas64.General{Rows: tc.m, Cols: tc.n, Stride: tc.n, Data: make([]float64, tc.m*tc.n)}
			affineBias(z, a, w, bias)
			// Wᵀ·(W·a): the transposed-A path of the backward pass.
			ct := blas64.General{Rows: tc.k, Cols: tc.n, Stride: tc.n, Data: make([]float64, tc.k*tc.n)}
			gemm(true, false, w, z, 0, ct, nil)
			return c.Data, z.Data, ct.Data
		}
		p1, b1, t1 := run(true)
		p0, b0, t0 := run(false)
		for name, pair := range map[string][2][]float64{"W·a + c": {p1, p0}, "W·a + b": {b1, b0}, "Wᵀ·z": {t1, t0}} {
			for i := range pair[0] {
				if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) {
					t.Fatalf("%v %s: element %d is %v with AVX-512, %v with AVX2", tc, name, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}
