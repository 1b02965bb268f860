package hd_test

import (
	"context"
	"math"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
)

func newMLP(tb testing.TB, hidden []int, n int, act nn.Activation) (*nn.MLP, []float64) {
	tb.Helper()
	d := nn.MustGenerate(nn.DataSpec{Name: "spirals", N: n, Noise: 0.05, Seed: 1})
	m, err := nn.NewMLP(nn.Arch{Hidden: hidden, Act: act, Loss: nn.CrossEntropy}, d)
	if err != nil {
		tb.Fatal(err)
	}
	theta := make([]float64, m.Dim())
	if err := m.Init(theta, nn.Init{Scheme: nn.Glorot, Seed: 2}); err != nil {
		tb.Fatal(err)
	}
	return m, theta
}

func TestRandomPlaneOfMLPIsFilterNormalized(t *testing.T) {
	m, theta := newMLP(t, []int{8, 5}, 50, nn.ReLU)
	p, err := hd.RandomPlane(theta, m.Blocks(), 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range [][]float64{p.D1, p.D2} {
		for _, b := range m.Blocks() {
			for r := range b.Rows {
				lo, hi := b.Offset+r*b.Cols, b.Offset+(r+1)*b.Cols
				want := floats.Norm(theta[lo:hi], 2)
				if b.Bias {
					want = 0
				}
				if got := floats.Norm(d[lo:hi], 2); math.Abs(got-want) > 1e-12 {
					t.Errorf("unit %d of the block at %d: direction norm %v, weight norm %v", r, b.Offset, got, want)
				}
			}
		}
	}
}

func TestTopEigenOfMLPHessian(t *testing.T) {
	m, theta := newMLP(t, []int{6, 4}, 40, nn.Tanh)
	n := m.Dim()
	h := mat.NewDense(n, n, nil)
	fd.Jacobian(h, func(g, x []float64) { m.Grad(g, x) }, theta, &fd.JacobianSettings{Formula: fd.Central, Step: 1e-5})
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	var es mat.EigenSym
	es.Factorize(sym, false)
	vals := es.Values(nil)
	op := func(dst, v []float64) { m.HessVec(dst, theta, v) }
	for _, tc := range []struct {
		name  string
		which hd.Which
		want  []float64
	}{
		{"largest", hd.LargestAlgebraic, []float64{vals[n-1], vals[n-2], vals[n-3]}},
		{"most negative", hd.SmallestAlgebraic, []float64{vals[0], vals[1]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := hd.TopEigen(op, n, hd.LanczosSettings{K: len(tc.want), Which: tc.which, Tol: 1e-9, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !floats.EqualApprox(e.Values, tc.want, 1e-6) {
				t.Errorf("Lanczos %v, EigenSym of the finite-difference Hessian %v", e.Values, tc.want)
			}
		})
	}
}

// The benchmark network: 2-70-64-2 tanh, 4 884 parameters, on 1 000 points.
var benchHidden = []int{70, 64}

const benchPoints = 1000

// forwardFlops is 2·N·Σ in·out, the multiply-adds of one forward pass.
func forwardFlops(sizes []int, n int) float64 {
	var s float64
	for l := 0; l+1 < len(sizes); l++ {
		s += float64(sizes[l] * sizes[l+1])
	}
	return 2 * float64(n) * s
}

// BenchmarkPlane51 evaluates the loss of the benchmark MLP on a 51×51 plane
// on all cores, beside gonum's Dgemm doing the same products (the same
// shapes, the same number of times, on as many goroutines) in the same run.
// GFLOP/s counts the forward pass's Dgemm flops only.
func BenchmarkPlane51(b *testing.B) {
	m, theta := newMLP(b, benchHidden, benchPoints, nn.Tanh)
	p, err := hd.RandomPlane(theta, m.Blocks(), 1)
	if err != nil {
		b.Fatal(err)
	}
	const side = 51
	flops := forwardFlops(m.Sizes(), benchPoints) * side * side
	grid := make([]float64, side*side)
	b.Run("grid", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			hd.EvalGrid(context.Background(), grid, m.Value, p, [2]float64{-1, 1}, [2]float64{-1, 1}, side, side, hd.GridOptions{})
		}
		b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("first_coarse_pass", func(b *testing.B) {
		// Time to the first picture of a coarse-to-fine evaluation
		// (stride 8: 7×7 points), cancelled right after it.
		cpu := cpuTime()
		defer func() { b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op") }()
		for b.Loop() {
			ctx, cancel := context.WithCancel(context.Background())
			hd.EvalGrid(ctx, grid, m.Value, p, [2]float64{-1, 1}, [2]float64{-1, 1}, side, side, hd.GridOptions{
				Coarsest: 8, Pass: func(int, []float64) { cancel() },
			})
			cancel()
		}
	})
	b.Run("dgemm_same_shapes", func(b *testing.B) {
		sizes := m.Sizes()
		workers := runtime.GOMAXPROCS(0)
		cpu := cpuTime()
		for b.Loop() {
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					// Activations are units × points, as in nn.MLP.
					a := make([]blas64.General, len(sizes))
					for l, s := range sizes {
						a[l] = blas64.General{Rows: s, Cols: benchPoints, Stride: benchPoints, Data: make([]float64, benchPoints*s)}
					}
					for k := w; k < side*side; k += workers {
						for l := 0; l+1 < len(sizes); l++ {
							wt := blas64.General{Rows: sizes[l+1], Cols: sizes[l], Stride: sizes[l], Data: theta[:sizes[l]*sizes[l+1]]}
							blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, wt, a[l], 1, a[l+1])
						}
					}
				})
			}
			wg.Wait()
		}
		b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// BenchmarkTop5Hessian finds the top-5 Hessian eigenpairs of the benchmark
// MLP by Lanczos on exact Hessian-vector products.
func BenchmarkTop5Hessian(b *testing.B) {
	m, theta := newMLP(b, benchHidden, benchPoints, nn.Tanh)
	op := func(dst, v []float64) { m.HessVec(dst, theta, v) }
	var e hd.Eigen
	cpu := cpuTime()
	for b.Loop() {
		var err error
		e, err = hd.TopEigen(op, m.Dim(), hd.LanczosSettings{K: 5, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(e.Iterations), "hessvecs")
	if !e.Converged {
		b.Logf("not converged: residuals %v", e.Residuals)
	}
}

func BenchmarkHessVec(b *testing.B) {
	m, theta := newMLP(b, benchHidden, benchPoints, nn.Tanh)
	dst := make([]float64, m.Dim())
	for b.Loop() {
		m.HessVec(dst, theta, theta)
	}
}
