package nn

import (
	"math"
	"testing"
)

// adam is the textbook rule (Algorithm 8.7), written here so this package's
// tests do not depend on package optim.
type adam struct {
	lr, beta1, beta2, eps float64
	s, r                  []float64
	t                     int
}

func (a *adam) step(theta, g []float64) {
	if a.s == nil {
		a.s, a.r = make([]float64, len(g)), make([]float64, len(g))
	}
	a.t++
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	for i, gi := range g {
		a.s[i] = a.beta1*a.s[i] + (1-a.beta1)*gi
		a.r[i] = a.beta2*a.r[i] + (1-a.beta2)*gi*gi
		theta[i] -= a.lr * (a.s[i] / c1) / (math.Sqrt(a.r[i]/c2) + a.eps)
	}
}

func TestAdamTrainsSpirals(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network for a few thousand steps")
	}
	d := MustGenerate(DataSpec{Name: "spirals", N: 300, Noise: 0.02, Seed: 1})
	m, err := NewMLP(Arch{Hidden: []int{16, 16}, Act: Tanh, Loss: CrossEntropy}, d)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, m.Dim())
	if err := m.Init(theta, Init{Scheme: Glorot, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	start := m.Accuracy(theta)
	opt := &adam{lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8}
	g := make([]float64, m.Dim())
	const maxSteps = 4000
	steps := 0
	for ; steps < maxSteps && m.Accuracy(theta) < 0.95; steps++ {
		m.Grad(g, theta)
		opt.step(theta, g)
	}
	acc := m.Accuracy(theta)
	t.Logf("accuracy %.3f → %.3f after %d Adam steps, loss %.4f", start, acc, steps, m.Value(theta))
	if acc < 0.95 {
		t.Errorf("training accuracy %.3f after %d steps, want ≥ 0.95", acc, maxSteps)
	}
}
