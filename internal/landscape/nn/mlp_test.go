package nn

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func tinyNet(t testing.TB, act Activation, loss Loss, hidden []int, data string, n int) (*MLP, []float64) {
	t.Helper()
	d := MustGenerate(DataSpec{Name: data, N: n, Noise: 0.05, Classes: 3, Seed: 7})
	m, err := NewMLP(Arch{Hidden: hidden, Act: act, Loss: loss}, d)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, m.Dim())
	if err := m.Init(theta, Init{Scheme: Glorot, Scale: 1.5, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	// Non-zero biases, so their derivatives are exercised away from 0.
	rng := NewRNG(11)
	for _, b := range m.Blocks() {
		if b.Bias {
			for i := range b.Rows {
				theta[b.Offset+i] = 0.3 * rng.NormFloat64()
			}
		}
	}
	return m, theta
}

type combo struct {
	name string
	act  Activation
	loss Loss
}

func combos() []combo {
	var cs []combo
	for _, a := range []Activation{Tanh, ReLU, Sigmoid, Identity} {
		for _, l := range []Loss{CrossEntropy, Squared} {
			cs = append(cs, combo{a.String() + "/" + l.String(), a, l})
		}
	}
	return cs
}

func TestGradMatchesFiniteDifferences(t *testing.T) {
	for _, c := range combos() {
		for _, hidden := range [][]int{{}, {5}, {4, 3}} {
			t.Run(fmt.Sprintf("%s/hidden%v", c.name, hidden), func(t *testing.T) {
				m, theta := tinyNet(t, c.act, c.loss, hidden, "blobs", 30)
				grad := make([]float64, m.Dim())
				f := m.Grad(grad, theta)
				if v := m.Value(theta); v != f {
					t.Fatalf("Grad returned loss %v, Value %v", f, v)
				}
				want := fd.Gradient(nil, m.Value, theta, &fd.Settings{Formula: fd.Central, Step: 1e-5})
				if !floats.EqualApprox(grad, want, 1e-6) {
					t.Errorf("gradient differs from central differences:\n got %v\nwant %v", grad, want)
				}
			})
		}
	}
}

func TestHessVecMatchesFiniteDifferenceHessian(t *testing.T) {
	for _, c := range combos() {
		t.Run(c.name, func(t *testing.T) {
			m, theta := tinyNet(t, c.act, c.loss, []int{4, 3}, "blobs", 25)
			n := m.Dim()
			// The exact Hessian, column by column from the analytic gradient.
			h := mat.NewDense(n, n, nil)
			fd.Jacobian(h, func(g, x []float64) { m.Grad(g, x) }, theta,
				&fd.JacobianSettings{Formula: fd.Central, Step: 1e-5})
			v := make([]float64, n)
			hv := make([]float64, n)
			rng := NewRNG(5)
			for trial := range 3 {
				for i := range v {
					v[i] = rng.NormFloat64()
				}
				m.HessVec(hv, theta, v)
				want := mat.NewVecDense(n, nil)
				want.MulVec(h, mat.NewVecDense(n, v))
				if !floats.EqualApprox(hv, want.RawVector().Data, 1e-6*math.Max(1, floats.Norm(hv, math.Inf(1)))) {
					t.Fatalf("trial %d: H·v differs from the finite-difference Hessian:\n got %v\nwant %v", trial, hv, want.RawVector().Data)
				}
			}
			// The R-operator Hessian is symmetric: uᵀ(Hv) = vᵀ(Hu).
			u := make([]float64, n)
			hu := make([]float64, n)
			for i := range u {
				u[i] = rng.NormFloat64()
			}
			m.HessVec(hu, theta, u)
			if a, b := floats.Dot(u, hv), floats.Dot(v, hu); math.Abs(a-b) > 1e-10*math.Max(1, math.Abs(a)) {
				t.Errorf("uᵀHv = %v but vᵀHu = %v", a, b)
			}
		})
	}
}

func TestBatchGrad(t *testing.T) {
	m, theta := tinyNet(t, Tanh, CrossEntropy, []int{6}, "moons", 40)
	full := make([]float64, m.Dim())
	fFull := m.Grad(full, theta)

	t.Run("full batch equals Grad", func(t *testing.T) {
		g := make([]float64, m.Dim())
		f := m.BatchGrad(g, theta, 1000, NewRNG(1))
		if f != fFull || !floats.Equal(g, full) {
			t.Errorf("batch ≥ N should be the full gradient")
		}
	})
	t.Run("same seed same minibatch", func(t *testing.T) {
		g1 := make([]float64, m.Dim())
		g2 := make([]float64, m.Dim())
		m.BatchGrad(g1, theta, 8, NewRNG(42))
		m.BatchGrad(g2, theta, 8, NewRNG(42))
		if !floats.Equal(g1, g2) {
			t.Errorf("same rng state gave different minibatch gradients")
		}
		if floats.Equal(g1, full) {
			t.Errorf("a minibatch of 8 of 40 gave exactly the full gradient")
		}
	})
	t.Run("minibatches of a partition average to the full gradient", func(t *testing.T) {
		// Batches of 1 drawn many times: the mean must approach ∇J.
		g := make([]float64, m.Dim())
		mean := make([]float64, m.Dim())
		rng := NewRNG(9)
		const draws = 4000
		var meanLoss float64
		for range draws {
			meanLoss += m.BatchGrad(g, theta, 1, rng) / draws
			floats.AddScaled(mean, 1.0/draws, g)
		}
		if math.Abs(meanLoss-fFull) > 0.05*math.Abs(fFull) {
			t.Errorf("mean minibatch loss %v, full loss %v", meanLoss, fFull)
		}
		diff := make([]float64, len(g))
		floats.SubTo(diff, mean, full)
		if r := floats.Norm(diff, 2) / floats.Norm(full, 2); r > 0.15 {
			t.Errorf("mean of single-example gradients is %.2f away (relative) from the full gradient", r)
		}
	})
}

func TestConcurrentEvaluationAgrees(t *testing.T) {
	m, theta := tinyNet(t, ReLU, CrossEntropy, []int{8, 8}, "spirals", 200)
	want := make([]float64, m.Dim())
	fWant := m.Grad(want, theta)
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 8 {
		wg.Go(func() {
			g := make([]float64, m.Dim())
			hv := make([]float64, m.Dim())
			for range 20 {
				m.HessVec(hv, theta, theta)
				if f := m.Grad(g, theta); f != fWant || !floats.Equal(g, want) {
					errs <- "concurrent Grad differs from a sequential one"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func TestPredictAndAccuracy(t *testing.T) {
	// A hand-built linear classifier on XOR-free blobs: predict the class
	// whose centre direction has the largest dot product.
	d := MustGenerate(DataSpec{Name: "blobs", N: 300, Classes: 4, Seed: 1})
	m, err := NewMLP(Arch{Loss: CrossEntropy}, d)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, m.Dim())
	for c := range 4 {
		a := 2 * math.Pi * float64(c) / 4
		theta[2*c], theta[2*c+1] = 10*math.Cos(a), 10*math.Sin(a)
	}
	if acc := m.Accuracy(theta); acc < 0.9 {
		t.Errorf("the centre-direction classifier should score ≥ 0.9 on well-separated blobs, got %v", acc)
	}
	pts := mat.NewDense(4, 2, []float64{1, 0, 0, 1, -1, 0, 0, -1})
	got := make([]int, 4)
	m.Predict(got, theta, pts)
	for i, c := range got {
		if c != i {
			t.Errorf("point on class %d's centre predicted as %d", i, c)
		}
	}
}

func TestNewMLPRejectsBadShapes(t *testing.T) {
	d := MustGenerate(DataSpec{Name: "xor", N: 10})
	for _, tc := range []struct {
		name   string
		hidden []int
	}{
		{"zero width", []int{4, 0}},
		{"huge", []int{1024, 1024}},
		{"too deep", []int{2, 2, 2, 2, 2, 2, 2, 2, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMLP(Arch{Hidden: tc.hidden}, d)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != "model.hidden" {
				t.Errorf("want a field error on model.hidden, got %v", err)
			}
		})
	}
}
