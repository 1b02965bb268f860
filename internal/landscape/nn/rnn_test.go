package nn

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func newTestRNN(t *testing.T, hidden, steps, seqs int, scale float64) (*RNN, []float64) {
	t.Helper()
	r, err := NewRNN(hidden, steps, seqs, 7)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, r.Dim())
	if err := r.Init(theta, Init{Scheme: Glorot, Scale: scale, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	// Biases start at zero; give them values so their gradients are tested
	// away from the symmetric point.
	for i := range theta {
		if theta[i] == 0 {
			theta[i] = 0.1 * math.Sin(float64(i))
		}
	}
	return r, theta
}

// TestRNNGradient: backpropagation through time against central finite
// differences, for short and long sequences.
func TestRNNGradient(t *testing.T) {
	for _, tc := range []struct {
		name                string
		hidden, steps, seqs int
		scale               float64
	}{
		{"one unit one step", 1, 1, 3, 1},
		{"small", 3, 4, 5, 1},
		{"long sequence", 4, 20, 6, 1.5},
		{"wide", 9, 6, 4, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, theta := newTestRNN(t, tc.hidden, tc.steps, tc.seqs, tc.scale)
			if r.Dim() != tc.hidden*tc.hidden+3*tc.hidden+1 {
				t.Fatalf("dim %d", r.Dim())
			}
			got := make([]float64, r.Dim())
			f := r.Grad(got, theta)
			if f != r.Value(theta) {
				t.Errorf("Grad's loss %g, Value %g", f, r.Value(theta))
			}
			want := fd.Gradient(nil, r.Value, theta, &fd.Settings{Formula: fd.Central, Step: 1e-6})
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-6*(1+math.Abs(want[i])) {
					t.Errorf("∂J/∂θ%d = %.10g, fd %.10g", i, got[i], want[i])
				}
			}
		})
	}
}

// TestRNNHessVec: the central difference of gradients against the
// finite-difference Hessian of the loss.
func TestRNNHessVec(t *testing.T) {
	r, theta := newTestRNN(t, 2, 3, 4, 1)
	n := r.Dim()
	var h mat.SymDense
	fd.Hessian(&h, r.Value, theta, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Cos(float64(3 * i))
	}
	got := make([]float64, n)
	r.HessVec(got, theta, v)
	want := mat.NewVecDense(n, nil)
	want.MulVec(&h, mat.NewVecDense(n, v))
	for i := range got {
		if math.Abs(got[i]-want.AtVec(i)) > 1e-4*(1+math.Abs(want.AtVec(i))) {
			t.Errorf("(Hv)%d = %.8g, fd Hessian %.8g", i, got[i], want.AtVec(i))
		}
	}
	r.HessVec(got, theta, make([]float64, n))
	if floats.Norm(got, 2) != 0 {
		t.Errorf("H·0 = %v", got)
	}
}

// TestRNNPredictingZeroScoresHalf: with every weight zero the output is 0
// and the targets are ±1, so J = ½ exactly, and the only gradient is the
// output bias's, the mean of −target.
func TestRNNPredictingZeroScoresHalf(t *testing.T) {
	r, err := NewRNN(5, 8, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, r.Dim())
	g := make([]float64, r.Dim())
	if f := r.Grad(g, theta); f != 0.5 {
		t.Errorf("J(0) = %g, want 0.5", f)
	}
	var mean float64
	for _, y := range r.targets {
		mean -= y / float64(len(r.targets))
	}
	for i, x := range g[:r.Dim()-1] {
		if x != 0 {
			t.Errorf("∂J/∂θ%d = %g at 0", i, x)
		}
	}
	if math.Abs(g[r.Dim()-1]-mean) > 1e-15 {
		t.Errorf("∂J/∂b_y = %g, want %g", g[r.Dim()-1], mean)
	}
}

// TestRNNBatchGrad: the full batch is Grad; a batch of one is that
// sequence's own gradient.
func TestRNNBatchGrad(t *testing.T) {
	r, theta := newTestRNN(t, 3, 5, 6, 1)
	full, batch := make([]float64, r.Dim()), make([]float64, r.Dim())
	r.Grad(full, theta)
	r.BatchGrad(batch, theta, 100, NewRNG(1))
	if !floats.Equal(full, batch) {
		t.Errorf("a batch of every sequence differs from the full gradient")
	}
	f := r.BatchGrad(batch, theta, 1, NewRNG(2))
	// Find which sequence it was: the one whose own loss matches.
	found := false
	for i := range r.targets {
		one := &RNN{hidden: r.hidden, steps: r.steps, inputs: r.inputs[i*r.steps : (i+1)*r.steps],
			targets: r.targets[i : i+1], blocks: r.blocks, dim: r.dim}
		g := make([]float64, r.Dim())
		if one.Grad(g, theta) == f && floats.Equal(g, batch) {
			found = true
		}
	}
	if !found {
		t.Errorf("a batch of one is no sequence's gradient")
	}
}

func TestNewRNNRefuses(t *testing.T) {
	for _, tc := range []struct {
		name                string
		hidden, steps, seqs int
		field               string
	}{
		{"no units", 0, 5, 5, "hidden"},
		{"too long", 4, MaxRNNSteps + 1, 5, "T"},
		{"no sequences", 4, 5, 0, "sequences"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewRNN(tc.hidden, tc.steps, tc.seqs, 1)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %v, want one on %q", err, tc.field)
			}
		})
	}
}

func BenchmarkRNNGrad(b *testing.B) {
	r, err := NewRNN(32, 20, 256, 1)
	if err != nil {
		b.Fatal(err)
	}
	theta := make([]float64, r.Dim())
	if err := r.Init(theta, Init{Scheme: Orthogonal, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	g := make([]float64, r.Dim())
	b.ReportAllocs()
	for b.Loop() {
		r.Grad(g, theta)
	}
}
