package scene

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/zoo"
)

var smallMLP = landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 8, "depth": 2, "points": 100}}

func adam(lr float64) RunSpec {
	return RunSpec{Optimizer: "adam", Hyper: Hyper{Num: map[string]float64{"lr": lr}}}
}

func TestProjectedSceneStepsInFullDimension(t *testing.T) {
	s, err := Build(Request{Objective: smallMLP, Seed: 3, Runs: []RunSpec{adam(0.01), {Optimizer: "lbfgs"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Projected() || len(s.Start) != s.Obj.Dim() || s.Obj.Dim() < 100 {
		t.Fatalf("projected %v, start of %d for a %d-parameter model", s.Projected(), len(s.Start), s.Obj.Dim())
	}
	if !reflect.DeepEqual(s.Start, s.View.Theta0) {
		t.Error("without a start, runs should begin at the initialisation θ₀")
	}
	if xy := s.StartXY(); xy[0] != 0 || xy[1] != 0 {
		t.Errorf("θ₀ is at %v on its random plane, want the origin", xy)
	}
	if s.Info.Domain != (landscape.Domain{X: [2]float64{-1, 1}, Y: [2]float64{-1, 1}}) {
		t.Errorf("domain %+v", s.Info.Domain)
	}
	res := s.RunAll(50)
	for i, r := range res {
		first, last := r.Points[0], r.Points[len(r.Points)-1]
		if !(last.Loss < first.Loss) {
			t.Errorf("run %d (%s): loss %g → %g, want it lower", i, r.Optimizer, first.Loss, last.Loss)
		}
		for _, p := range r.Points {
			if len(p.XY) != 2 || p.Grad != nil || p.Update != nil || p.State != nil {
				t.Fatalf("run %d point %d carries full-dimensional vectors: xy %d, grad %d", i, p.K, len(p.XY), len(p.Grad))
			}
		}
		if r.InPlane == nil || !(*r.InPlane >= 0 && *r.InPlane <= 1) {
			t.Errorf("run %d: in-plane fraction %v, want one in [0, 1]", i, r.InPlane)
		}
		if last.GtHg == nil {
			t.Errorf("run %d: no gᵀHg on a full point", i)
		}
		a, b := s.View.Coords(s.Runs[i].Current().Theta)
		if last.XY[0] != a || last.XY[1] != b {
			t.Errorf("run %d: xy %v, projection (%g, %g)", i, last.XY, a, b)
		}
	}
}

func TestProjectedStartOnThePlane(t *testing.T) {
	s, err := Build(Request{Objective: smallMLP, Seed: 3, Start: []float64{0.5, -0.25},
		Plane: &zoo.PlaneSpec{Kind: "hessian"}, Runs: []RunSpec{gd(0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	p := s.PointOf(0, s.Runs[0].Current(), Compact)
	if math.Abs(p.XY[0]-0.5) > 1e-9 || math.Abs(p.XY[1]+0.25) > 1e-9 {
		t.Errorf("start [0.5, -0.25] is drawn at %v", p.XY)
	}
	if want := s.Obj.Value(s.View.Point(0.5, -0.25)); p.Loss != want {
		t.Errorf("loss at the start %g, want J(θ₀ + 0.5·d1 − 0.25·d2) = %g", p.Loss, want)
	}
}

func TestProjectedRunsAreDeterministic(t *testing.T) {
	req := Request{Objective: smallMLP, Seed: 9, Plane: &zoo.PlaneSpec{Kind: "pca"},
		Runs: []RunSpec{{Optimizer: "sgd", Hyper: Hyper{Num: map[string]float64{"lr": 0.1, "batch": 16}}}, adam(0.02)}}
	run := func() []RunResult {
		s, err := Build(req)
		if err != nil {
			t.Fatal(err)
		}
		return s.RunAll(30)
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Error("the same request gave different trajectories")
	}
	req.Seed = 10
	if c := run(); reflect.DeepEqual(a[0].Points[0], c[0].Points[0]) {
		t.Error("another seed gave the same initialisation")
	}
}

func TestProjectedFieldErrors(t *testing.T) {
	tests := []struct {
		name  string
		req   Request
		field string
		says  string
	}{
		{"plane on a 2-D objective", Request{Objective: landscape.Spec{ID: "rosenbrock"}, Plane: &zoo.PlaneSpec{Kind: "random"}, Runs: []RunSpec{gd(0.1)}}, "plane", "own axes"},
		{"bad plane kind", Request{Objective: smallMLP, Plane: &zoo.PlaneSpec{Kind: "umap"}, Runs: []RunSpec{gd(0.1)}}, "plane.kind", "random"},
		{"start in full dimension", Request{Objective: smallMLP, Start: make([]float64, 10), Runs: []RunSpec{gd(0.1)}}, "start", "[a, b]"},
		{"start not finite", Request{Objective: smallMLP, Start: []float64{0, math.Inf(1)}, Runs: []RunSpec{gd(0.1)}}, "start[1]", "finite"},
		{"newton on a big model", Request{Objective: landscape.Spec{ID: "mlp"}, Runs: []RunSpec{gd(0.1), {Optimizer: "newton"}}}, "runs[1].optimizer", "300"},
		{"bfgs beyond its size", Request{Objective: landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": 5000}}, Runs: []RunSpec{{Optimizer: "bfgs"}}}, "runs[0].optimizer", "2000"},
		{"unknown option", Request{Objective: landscape.Spec{ID: "mlp", Options: map[string]string{"data": "iris"}}, Runs: []RunSpec{gd(0.1)}}, "objective.options.data", "spirals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.req)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Build = %v, want a field error on %q", err, tt.field)
			}
			if fe.Field != tt.field || !strings.Contains(fe.Msg, tt.says) {
				t.Errorf("error %q on %q, want one on %q saying %q", fe.Msg, fe.Field, tt.field, tt.says)
			}
		})
	}
}

func TestNewtonOnASmallModel(t *testing.T) {
	s, err := Build(Request{Objective: landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 4, "depth": 1, "points": 50}},
		Seed: 1, Runs: []RunSpec{{Optimizer: "saddle_free_newton", Hyper: Hyper{Num: map[string]float64{"damping": 0.1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := s.RunAll(10)[0]
	if first, last := r.Points[0].Loss, r.Points[len(r.Points)-1].Loss; !(last < first) {
		t.Errorf("saddle-free Newton: loss %g → %g", first, last)
	}
}

func TestProjectedGrid(t *testing.T) {
	s, err := Build(Request{Objective: smallMLP, Seed: 2, Runs: []RunSpec{gd(0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	cache := landscape.NewGridCache(2)
	g, err := s.Grid(context.Background(), cache, [2]float64{-1, 1}, [2]float64{-1, 1}, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	// An MLP's grid is drawn with nn.MLP.PlaneValue: the loss to ~1e-15
	// relative, not to the bit.
	if c, want := g.Values[12], s.Runs[0].Current().Loss; math.Abs(c-want) > 1e-13*math.Abs(want) {
		t.Errorf("grid centre %g, loss at θ₀ %g", g.Values[12], s.Runs[0].Current().Loss)
	}
	if k := s.GridKey([2]float64{-1, 1}, [2]float64{-1, 1}, 5, 5); !strings.Contains(k.Objective, "plane=random") {
		t.Errorf("grid key %q does not name the plane", k.Objective)
	}
	// A 2-D scene keeps its objective's own key.
	r, _ := Build(Request{Objective: landscape.Spec{ID: "rosenbrock"}, Runs: []RunSpec{gd(0.001)}})
	if k := r.GridKey([2]float64{-1, 1}, [2]float64{-1, 1}, 5, 5); k.Objective != landscape.SpecKey(landscape.Spec{ID: "rosenbrock"}) {
		t.Errorf("2-D grid key %q", k.Objective)
	}
}

func TestThreePointPlanePassesThroughTheRunsStep(t *testing.T) {
	one, k := 1, 30
	req := Request{Objective: smallMLP, Seed: 4, Runs: []RunSpec{adam(0.01), {Optimizer: "momentum", Hyper: Hyper{Num: map[string]float64{"lr": 0.05}}}},
		Plane: &zoo.PlaneSpec{Kind: zoo.PlaneThreePoints, Run: &one, K: k}}
	s, err := Build(req)
	if err != nil {
		t.Fatal(err)
	}
	in := s.View.Info(false)
	if in.Kind != zoo.PlaneThreePoints || in.Run == nil || *in.Run != 1 || in.K != k {
		t.Fatalf("plane %+v, want three_points through run 1's step %d", in, k)
	}
	res := s.RunAll(k + 10)
	// Run 1 passes through the plane's current point at step k and starts
	// at θ₀, the origin; its step-k point lies in the plane.
	p0, pk := res[1].Points[0], res[1].Points[k]
	if p0.XY[0] != 0 || p0.XY[1] != 0 {
		t.Errorf("run 1 starts at %v, want the origin", p0.XY)
	}
	if math.Abs(pk.XY[0]-in.Current[0]) > 1e-9 || math.Abs(pk.XY[1]-in.Current[1]) > 1e-9 {
		t.Errorf("run 1's step %d at %v, the plane's current point at %v", k, pk.XY, *in.Current)
	}
	// Off step k, the path leaves the plane: the in-plane fraction is < 1.
	if f := *res[1].InPlane; !(f > 0 && f < 1) {
		t.Errorf("in-plane fraction %g, want one in (0, 1)", f)
	}
	var fe *fielderr.Error
	for _, tt := range []struct {
		name  string
		plane zoo.PlaneSpec
		field string
	}{
		{"no such run", zoo.PlaneSpec{Kind: zoo.PlaneThreePoints, Run: &[]int{2}[0], K: 5}, "plane.run"},
		{"too many steps", zoo.PlaneSpec{Kind: zoo.PlaneThreePoints, Run: &one, K: MaxSteps + 1}, "plane.k"},
		{"a run on the PCA plane", zoo.PlaneSpec{Kind: zoo.PlanePCA, Run: &one}, "plane.run"},
	} {
		bad := req
		bad.Plane = &tt.plane
		if _, err := Build(bad); !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: %v, want an error on %s", tt.name, err, tt.field)
		}
	}
}
