package landscape

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

func TestLinearRegressionMinimumIsLeastSquares(t *testing.T) {
	r := NewLinearRegression()
	// Solve the least-squares problem independently with gonum's QR.
	n := r.NumExamples()
	a := mat.NewDense(n, 2, nil)
	for i, xi := range r.x {
		a.Set(i, 0, xi)
		a.Set(i, 1, 1)
	}
	var sol mat.VecDense
	if err := sol.SolveVec(a, mat.NewVecDense(n, r.y)); err != nil {
		t.Fatal(err)
	}
	m := r.Minimum()
	for i := range 2 {
		if math.Abs(m[i]-sol.AtVec(i)) > 1e-12 {
			t.Errorf("minimum %v, QR least squares %v", m, sol.RawVector().Data)
		}
	}
	// The data were made with w = 2, b = −1: the fit should be near.
	if math.Abs(m[0]-2) > 0.2 || math.Abs(m[1]+1) > 0.2 {
		t.Errorf("least-squares fit %v far from the generating line (2, −1)", m)
	}
}

func TestLogisticRegressionMinimumIsNearTheTrueLogOdds(t *testing.T) {
	// For classes N(±1, 1) with 60% of class 1 the true log-odds are
	// 2x + log 1.5.
	m := NewLogisticRegression().Minimum()
	if math.Abs(m[0]-2) > 0.5 || math.Abs(m[1]-math.Log(1.5)) > 0.5 {
		t.Errorf("maximum likelihood %v far from (2, %.3f)", m, math.Log(1.5))
	}
}

func TestBatchGradIsUnbiasedAndSeeded(t *testing.T) {
	cases := []struct {
		name string
		obj  Stochastic
	}{
		{"linear_regression", NewLinearRegression()},
		{"logistic_regression", NewLogisticRegression()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := []float64{0.3, -0.7}
			full := make([]float64, 2)
			fullLoss := c.obj.Grad(full, x)

			const batches, batch = 4000, 16
			rng := rand.New(rand.NewPCG(3, 4))
			g := make([]float64, 2)
			var mean, sq [2]float64
			var meanLoss float64
			for range batches {
				meanLoss += c.obj.BatchGrad(g, x, batch, rng) / batches
				for i := range g {
					mean[i] += g[i] / batches
					sq[i] += g[i] * g[i] / batches
				}
			}
			for i := range 2 {
				// Within 5 standard errors of the full gradient, and a
				// real minibatch: its spread is not zero.
				sd := math.Sqrt(sq[i] - mean[i]*mean[i])
				if sd == 0 {
					t.Fatalf("minibatch gradients do not vary: not sampling")
				}
				if se := sd / math.Sqrt(batches); math.Abs(mean[i]-full[i]) > 5*se {
					t.Errorf("grad[%d]: mean of minibatches %v, full %v (standard error %v)", i, mean[i], full[i], se)
				}
			}
			if math.Abs(meanLoss-fullLoss) > 0.05*math.Abs(fullLoss) {
				t.Errorf("mean minibatch loss %v, full loss %v", meanLoss, fullLoss)
			}

			// The same seed draws the same batch; the full batch is the gradient.
			g1, g2 := make([]float64, 2), make([]float64, 2)
			f1 := c.obj.BatchGrad(g1, x, 8, rand.New(rand.NewPCG(9, 9)))
			f2 := c.obj.BatchGrad(g2, x, 8, rand.New(rand.NewPCG(9, 9)))
			if f1 != f2 || g1[0] != g2[0] || g1[1] != g2[1] {
				t.Errorf("same seed, different minibatches: %v %v vs %v %v", f1, g1, f2, g2)
			}
			for _, b := range []int{0, c.obj.NumExamples(), c.obj.NumExamples() + 5} {
				f := c.obj.BatchGrad(g1, x, b, rand.New(rand.NewPCG(1, 1)))
				if math.Abs(f-fullLoss) > 1e-12 || math.Abs(g1[0]-full[0]) > 1e-12 || math.Abs(g1[1]-full[1]) > 1e-12 {
					t.Errorf("batch %d: %v %v, want the full %v %v", b, f, g1, fullLoss, full)
				}
			}
		})
	}
}

func TestBatchSamplerDrawsWithoutReplacement(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	counts := make([]int, 10)
	const draws = 20000
	for range draws {
		s := newBatchSampler(10, 3)
		seen := map[int]bool{}
		for i, ok := s.next(rng); ok; i, ok = s.next(rng) {
			if seen[i] {
				t.Fatalf("example %d drawn twice", i)
			}
			seen[i] = true
			counts[i]++
		}
		if len(seen) != 3 {
			t.Fatalf("batch of %d, want 3", len(seen))
		}
	}
	// Each example is in a batch with probability 3/10.
	for i, c := range counts {
		if p := float64(c) / draws; math.Abs(p-0.3) > 0.015 {
			t.Errorf("example %d drawn with frequency %.3f, want 0.3", i, p)
		}
	}
}

func TestLogisticFisher(t *testing.T) {
	r := NewLogisticRegression()
	for _, th := range [][]float64{{0, 0}, {2, 0.4}, {-1, 1.5}, {3.5, -2}} {
		f := mat.NewSymDense(2, nil)
		r.Fisher(f, th)

		// Canonical link: the Fisher equals the Hessian of the NLL,
		// here taken by finite differences of the value alone.
		fdh := mat.NewSymDense(2, nil)
		fd.Hessian(fdh, r.Value, th, &fd.Settings{Formula: fd.Central, Step: 1e-4})
		if !mat.EqualApprox(f, fdh, 1e-6) {
			t.Errorf("at %v: Fisher %v, fd Hessian of the NLL %v", th, mat.Formatted(f), mat.Formatted(fdh))
		}

		// And it is the expected outer product of the score with labels
		// drawn from the model itself.
		rng := rand.New(rand.NewPCG(11, 12))
		const draws = 200
		var sum, sumSq [3]float64 // entries ww, wb, bb and their squares
		for range draws {
			for _, xi := range r.x {
				p := sigmoid(th[0]*xi + th[1])
				y := 0.0
				if rng.Float64() < p {
					y = 1
				}
				sw, sb := (y-p)*xi, y-p // ∇log p(y|x)
				for i, v := range [3]float64{sw * sw, sw * sb, sb * sb} {
					sum[i] += v
					sumSq[i] += v * v
				}
			}
		}
		n := float64(draws * len(r.x))
		want := [3]float64{f.At(0, 0), f.At(0, 1), f.At(1, 1)}
		for i := range sum {
			mean := sum[i] / n
			se := math.Sqrt((sumSq[i]/n - mean*mean) / n)
			if math.Abs(mean-want[i]) > 5*se {
				t.Errorf("at %v: Monte-Carlo score outer product entry %d = %v ± %v, Fisher %v", th, i, mean, se, want[i])
			}
		}
	}
}
