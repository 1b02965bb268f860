package zoo

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/optim"
)

func modelOf(t *testing.T, spec landscape.Spec) *Model {
	t.Helper()
	_, _, m, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestHonestAgainstDenseEigen: on a small network (a few dozen parameters,
// trained a little so the Hessian is not that of the initialisation) the
// exact trace, λmin and λmax equal those of the dense Hessian's
// eigendecomposition, and each plane's curvature along its axes is uᵀHu
// of the dense Hessian: the Hessian plane's are λmax and λmin.
func TestHonestAgainstDenseEigen(t *testing.T) {
	for _, spec := range []landscape.Spec{
		{ID: "mlp", Params: map[string]float64{"width": 4, "depth": 1, "points": 32}},
		{ID: "deep_linear", Params: map[string]float64{"width": 3, "depth": 2, "points": 32, "scale": 0.1}},
	} {
		t.Run(spec.ID, func(t *testing.T) {
			m := modelOf(t, spec)
			theta0, _ := m.Init(1)
			run, err := optim.NewRun(m.Obj, theta0, optim.Config{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.1}}, 1)
			if err != nil {
				t.Fatal(err)
			}
			for range 20 {
				run.Step()
			}
			theta := append([]float64(nil), run.Current().Theta...)
			n := len(theta)
			side := 9
			h, err := ComputeHonest(context.Background(), m, theta, HonestParams{N: &side}, nil)
			if err != nil {
				t.Fatal(err)
			}
			dense := mat.NewSymDense(n, nil)
			landscape.FormHessian(dense, m.Obj.(landscape.HessVecer), theta)
			var es mat.EigenSym
			if !es.Factorize(dense, false) {
				t.Fatal("EigenSym failed")
			}
			vals := es.Values(nil)
			tr := 0.0
			for i := range n {
				tr += dense.At(i, i)
			}
			lo, hi := slices.Min(vals), slices.Max(vals)
			t.Logf("n = %d: trace %.6g (dense %.6g), λ ∈ [%.6g, %.6g] (dense [%.6g, %.6g]), %d products", n, h.Trace, tr, h.LambdaMin, h.LambdaMax, lo, hi, h.Products)
			scale := math.Max(math.Abs(lo), math.Abs(hi))
			if h.TraceMethod != TraceExact || h.Probes != 0 || math.Abs(h.Trace-tr) > 1e-9*(1+math.Abs(tr)) {
				t.Errorf("trace %v (%s), dense %v", h.Trace, h.TraceMethod, tr)
			}
			if math.Abs(h.Expected-tr/float64(n)) > 1e-12*(1+math.Abs(tr)) {
				t.Errorf("expected curvature %v, want tr/n = %v", h.Expected, tr/float64(n))
			}
			if math.Abs(h.LambdaMax-hi) > 1e-6*scale || math.Abs(h.LambdaMin-lo) > 1e-6*scale || !h.Converged {
				t.Errorf("λ ∈ [%v, %v] (converged %v), dense [%v, %v]", h.LambdaMin, h.LambdaMax, h.Converged, lo, hi)
			}
			if h.Hessian.Curvature != [2]float64{h.LambdaMax, h.LambdaMin} {
				t.Errorf("Hessian plane's curvature %v, want (λmax, λmin)", h.Hessian.Curvature)
			}
			for _, g := range []HonestPlane{h.Random, h.Hessian} {
				if len(g.Values) != side*side || g.NX != side || g.NY != side {
					t.Errorf("%s: %d values for %d×%d", g.Kind, len(g.Values), g.NX, g.NY)
				}
				// θ is the grid's centre.
				if c := g.Values[side*side/2]; math.Abs(c-h.Loss) > 1e-9*(1+h.Loss) {
					t.Errorf("%s: centre %v, loss at θ %v", g.Kind, c, h.Loss)
				}
			}
			for i, c := range h.Random.Curvature {
				if c < lo-1e-9 || c > hi+1e-9 {
					t.Errorf("random axis %d: curvature %v outside [λmin, λmax] = [%v, %v]", i, c, lo, hi)
				}
			}
		})
	}
}

// TestHonestHutchinson: beyond HonestExactDim the trace is Hutchinson's
// estimate; on the high-dimensional quadratic its exact trace is the sum of
// the chosen spectrum, which the estimate meets within four standard errors
// (and the standard error is a small part of it). λmax and λmin are the
// spectrum's ends.
func TestHonestHutchinson(t *testing.T) {
	const n = 1000
	m := modelOf(t, landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": n, "cond": 10, "lambda_max": 2, "negative": 0.1}})
	theta, _ := m.Init(1)
	side := 5
	h, err := ComputeHonest(context.Background(), m, theta, HonestParams{N: &side}, nil)
	if err != nil {
		t.Fatal(err)
	}
	eigs := hd.GeometricSpectrum(n, 2, 10)
	for i := n - n/10; i < n; i++ {
		eigs[i] = -eigs[i]
	}
	tr := 0.0
	for _, e := range eigs {
		tr += e
	}
	t.Logf("trace %.5g ± %.3g (%d probes), exact %.5g; λ ∈ [%.5g, %.5g]", h.Trace, h.TraceErr, h.Probes, tr, h.LambdaMin, h.LambdaMax)
	if h.TraceMethod != TraceHutchinson || h.Probes != HonestProbes {
		t.Fatalf("method %s with %d probes, want hutchinson with %d", h.TraceMethod, h.Probes, HonestProbes)
	}
	if math.Abs(h.Trace-tr) > 4*h.TraceErr || !(h.TraceErr < 0.1*math.Abs(tr)) {
		t.Errorf("trace %v ± %v, exact %v", h.Trace, h.TraceErr, tr)
	}
	if math.Abs(h.LambdaMax-2) > 1e-3 || math.Abs(h.LambdaMin-slices.Min(eigs)) > 1e-3 {
		t.Errorf("λ ∈ [%v, %v], want [%v, 2]", h.LambdaMin, h.LambdaMax, slices.Min(eigs))
	}
}

// TestHonestBadInput: grids too small or too large and radii out of range
// are refused naming the field; a 2-D objective (no model) and an
// objective without curvature are refused on "objective".
func TestHonestBadInput(t *testing.T) {
	m := modelOf(t, landscape.Spec{ID: "deep_linear", Params: map[string]float64{"width": 2, "depth": 1, "points": 16}})
	theta, _ := m.Init(1)
	i := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name  string
		p     HonestParams
		field string
	}{
		{"grid too large", HonestParams{N: i(MaxHonestSide + 1)}, "n"},
		{"grid too small", HonestParams{N: i(MinHonestSide - 1)}, "n"},
		{"zero radius", HonestParams{Radius: f(0)}, "radius"},
		{"negative radius", HonestParams{Radius: f(-1)}, "radius"},
		{"radius too large", HonestParams{Radius: f(2 * MaxHonestRadius)}, "radius"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ComputeHonest(context.Background(), m, theta, tc.p, nil)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("error %v, want one on %q", err, tc.field)
			}
		})
	}
	var fe *fielderr.Error
	if err := CheckHonest(nil, "rosenbrock"); !errors.As(err, &fe) || fe.Field != "objective" {
		t.Errorf("a 2-D objective: %v", err)
	}
	if err := CheckHonest(m, "deep_linear"); err != nil {
		t.Errorf("deep_linear: %v", err)
	}
	nan := append([]float64(nil), theta...)
	nan[0] = math.NaN()
	if _, err := ComputeHonest(context.Background(), m, nan, HonestParams{}, nil); !errors.As(err, &fe) {
		t.Errorf("a NaN point: %v, want a user error", err)
	}
}
