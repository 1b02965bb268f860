package scene

import (
	"math"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

// The chapter's point in 8.2.4: Newton's method converges to a saddle as
// happily as to a minimum. A run that stops at a stationary point says which.
func TestConvergedRunsSayWhichStationaryPoint(t *testing.T) {
	newton := RunSpec{Optimizer: "newton"}
	tests := []struct {
		name  string
		req   Request
		steps int
		kind  string
	}{
		{"Newton on the saddle lesson's start", Request{Objective: landscape.Spec{ID: "saddle"}, Start: []float64{-1.5, 0.05}, Runs: []RunSpec{newton}}, 10, KindSaddle},
		{"GD to a quadratic's minimum", Request{Objective: landscape.Spec{ID: "quadratic"}, Start: []float64{-2.5, 1.5}, Runs: []RunSpec{gd(0.05)}}, 5000, KindMinimum},
		{"Newton to Rosenbrock's ill-conditioned minimum", Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1}, Runs: []RunSpec{newton}}, 100, KindMinimum},
		{"Newton into the monkey saddle", Request{Objective: landscape.Spec{ID: "monkey_saddle"}, Start: []float64{1.5, 0.1}, Runs: []RunSpec{newton}}, 100, KindDegenerate},
		{"Newton into the monkey saddle from close by", Request{Objective: landscape.Spec{ID: "monkey_saddle"}, Start: []float64{0.2, -0.1}, Runs: []RunSpec{newton}}, 100, KindDegenerate},
		{"x³ − 3xy² typed, from its stationary point", Request{Objective: landscape.Spec{Expr: "x^3 - 3*x*y^2"}, Start: []float64{0, 0}, Runs: []RunSpec{gd(0.1)}}, 10, KindDegenerate},
		{"Newton to a maximum", Request{Objective: landscape.Spec{Expr: "-(x^2 + 3*y^2) + x*y"}, Start: []float64{1, -1}, Runs: []RunSpec{newton}}, 10, KindMaximum},
		{"Newton to a high-dimensional saddle (Lanczos)", Request{Objective: landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": 120, "negative": 0.1}}, Seed: 3, Runs: []RunSpec{newton}}, 10, KindSaddle},
		{"Newton to a high-dimensional minimum (Lanczos)", Request{Objective: landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": 120}}, Seed: 3, Runs: []RunSpec{newton}}, 10, KindMinimum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Build(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			res := s.RunAll(tt.steps)[0]
			if res.Status != optim.Converged {
				t.Fatalf("status %s (%s), want converged", res.Status, res.Reason)
			}
			t.Log(res.Reason)
			st := res.Stationary
			if st == nil {
				t.Fatalf("no stationary field; reason %q", res.Reason)
			}
			if st.Kind != tt.kind {
				t.Fatalf("kind %q, want %q (%s)", st.Kind, tt.kind, res.Reason)
			}
			if !strings.Contains(res.Reason, tt.kind) {
				t.Errorf("reason %q does not name the %s", res.Reason, tt.kind)
			}
			// The eigenvalues are the Hessian's at the end, as /api/hessian
			// gives them (for the 2-D objectives).
			if s.View == nil {
				end := s.Runs[0].Current().Theta
				g, err := landscape.Curvature(s.Obj, end)
				if err != nil {
					t.Fatal(err)
				}
				if lo, hi := g.Eigenvalues[0], g.Eigenvalues[len(g.Eigenvalues)-1]; *st.LambdaMin != lo || *st.LambdaMax != hi {
					t.Errorf("λ = [%g, %g], the Hessian at the end has [%g, %g]", *st.LambdaMin, *st.LambdaMax, lo, hi)
				}
			}
			if *st.ZeroTol < 0 || math.IsNaN(*st.ZeroTol) {
				t.Errorf("zero_tol %g", *st.ZeroTol)
			}
		})
	}
}

func TestSaddleReasonQuotesLambdaMin(t *testing.T) {
	s, err := Build(Request{Objective: landscape.Spec{ID: "saddle"}, Start: []float64{-1.5, 0.05}, Runs: []RunSpec{{Optimizer: "newton"}}})
	if err != nil {
		t.Fatal(err)
	}
	res := s.RunAll(5)[0]
	// x² − y²: H = diag(2, −2) everywhere.
	if want := "stopped at a saddle point: ‖g‖ = "; !strings.HasPrefix(res.Reason, want) {
		t.Errorf("reason %q, want it to start %q", res.Reason, want)
	}
	if !strings.Contains(res.Reason, "λmin = -2") {
		t.Errorf("reason %q does not quote λmin = -2", res.Reason)
	}
}

// Runs that did not converge carry no classification.
func TestOnlyConvergedRunsAreClassified(t *testing.T) {
	s, err := Build(Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1},
		Runs: []RunSpec{gd(0.001), gd(0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	res := s.RunAll(50)
	if res[0].Status != optim.MaxSteps || res[1].Status != optim.Diverged {
		t.Fatalf("statuses %s, %s; want max_steps, diverged", res[0].Status, res[1].Status)
	}
	for i, r := range res {
		if r.Stationary != nil {
			t.Errorf("run %d (%s) has stationary %+v", i, r.Status, *r.Stationary)
		}
	}
}

// gradOnly has a gradient and no curvature.
type gradOnly struct{}

func (gradOnly) Dim() int { return 2 }
func (gradOnly) Value(x []float64) float64 {
	return x[0]*x[0] + x[1]*x[1]
}
func (gradOnly) Grad(g, x []float64) float64 {
	g[0], g[1] = 2*x[0], 2*x[1]
	return x[0]*x[0] + x[1]*x[1]
}

func TestNoCurvatureIsUnknown(t *testing.T) {
	s := &Scene{Obj: gradOnly{}, Start: []float64{1, 1}}
	st := s.classify([]float64{0, 0}, 0)
	if st.Kind != KindUnknown || st.LambdaMin != nil || st.ZeroTol != nil {
		t.Fatalf("%+v, want unknown without numbers", *st)
	}
	if r := stationaryReason(st, "‖g‖ = 0 < 1e-08"); !strings.Contains(r, "unknown") {
		t.Errorf("reason %q", r)
	}
}
