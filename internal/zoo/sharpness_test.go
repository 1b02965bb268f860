package zoo

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

func newRunOn(t *testing.T, spec landscape.Spec, cfg optim.Config, seed uint64) (landscape.Objective, *optim.Run) {
	t.Helper()
	obj, _, m, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	theta, err := m.Init(seed)
	if err != nil {
		t.Fatal(err)
	}
	run, err := optim.NewRun(obj, theta, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	return obj, run
}

// TestSharpnessOfQuadratic: on a quadratic the Hessian is constant, so the
// trace is λmax at every measured step, against 2/ε; warm starts make each
// later point cost far fewer products than the first.
func TestSharpnessOfQuadratic(t *testing.T) {
	const lmax, lr, steps, every = 2.0, 0.3, 100, 10
	obj, run := newRunOn(t, landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": 400, "cond": 50, "lambda_max": lmax}},
		optim.Config{Optimizer: "gd", Hyper: map[string]float64{"lr": lr}}, 1)
	tr, err := Sharpness(context.Background(), obj, run, steps, every, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.K) != steps/every+1 || tr.Rule != "2/ε" || tr.Preconditioned {
		t.Fatalf("trace at %v, rule %q; want every %d steps from 0 to %d, 2/ε", tr.K, tr.Rule, every, steps)
	}
	for i, k := range tr.K {
		if k != i*every {
			t.Errorf("point %d at step %d, want %d", i, k, i*every)
		}
		if math.Abs(tr.Lambda[i]-lmax) > 1e-6*lmax || math.Abs(tr.Threshold[i]-2/lr) > 1e-12 {
			t.Errorf("step %d: λ = %.9g against %.9g, want %g against 2/ε = %g", k, tr.Lambda[i], tr.Threshold[i], lmax, 2/lr)
		}
	}
	// The first point is a cold start; the others start from its vector.
	s, _ := NewSharpener(obj)
	if _, err := s.Measure(context.Background(), run.Current().Theta, nil); err != nil {
		t.Fatal(err)
	}
	cold := s.Products
	warm := float64(tr.Products-cold) / float64(len(tr.K)-1)
	t.Logf("cold start: %d products; warm: %.1f per point", cold, warm)
	if !(warm <= float64(cold)/2) {
		t.Errorf("a warm-started point takes %.1f products, a cold one %d; want at most half", warm, cold)
	}
}

// TestPreconditionedSharpness: with a preconditioner P, Measure gives the
// top eigenvalue of P^½HP^½, checked against a dense eigendecomposition on
// a small network stepped by Adam.
func TestPreconditionedSharpness(t *testing.T) {
	spec := landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 6, "depth": 1, "points": 60}}
	obj, run := newRunOn(t, spec, optim.Config{Optimizer: "adam", Hyper: map[string]float64{"lr": 0.02}}, 3)
	for range 20 {
		run.Step()
	}
	stab, p, ok := run.Stability()
	if !ok || !stab.Preconditioned || len(p) != obj.Dim() {
		t.Fatalf("adam's stability %+v, preconditioner of %d, ok %v", stab, len(p), ok)
	}
	if want := (2 + 2*0.9) / ((1 - 0.9) * 0.02); math.Abs(stab.Threshold-want) > 1e-9*want {
		t.Errorf("threshold %v, want 38/ε = %v", stab.Threshold, want)
	}
	theta := run.Current().Theta
	n := obj.Dim()
	h := mat.NewSymDense(n, nil)
	obj.(landscape.Hessianer).Hess(h, theta)
	for i := range n {
		for j := i; j < n; j++ {
			h.SetSym(i, j, h.At(i, j)*math.Sqrt(p[i]*p[j]))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		t.Fatal("EigenSym failed")
	}
	vals := es.Values(nil)
	want := vals[len(vals)-1]
	s, _ := NewSharpener(obj)
	got, err := s.Measure(context.Background(), theta, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("preconditioned sharpness %.6g (dense %.6g)", got, want)
	if math.Abs(got-want) > 1e-3*math.Abs(want) {
		t.Errorf("preconditioned sharpness %.9g, dense eigendecomposition %.9g", got, want)
	}
}

func TestCheckSharpness(t *testing.T) {
	for _, tc := range []struct {
		steps, every int
		ok           bool
	}{
		{100, 1, true}, {100, 0, false}, {100, MaxSharpnessEvery + 1, false},
		{(MaxSharpnessPoints - 1) * 5, 5, true}, {MaxSharpnessPoints * 5, 5, false},
	} {
		err := CheckSharpness(tc.steps, tc.every)
		var fe *fielderr.Error
		if (err == nil) != tc.ok || (err != nil && (!errors.As(err, &fe) || fe.Field != "every")) {
			t.Errorf("CheckSharpness(%d, %d) = %v, want ok %v (else on \"every\")", tc.steps, tc.every, err, tc.ok)
		}
	}
}
