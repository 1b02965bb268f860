package scene

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

func gd(lr float64) RunSpec {
	return RunSpec{Optimizer: "gd", Hyper: Hyper{Num: map[string]float64{"lr": lr}}}
}

func TestBuildFieldErrors(t *testing.T) {
	rosen := landscape.Spec{ID: "rosenbrock"}
	many := make([]RunSpec, MaxRuns+1)
	for i := range many {
		many[i] = gd(0.001)
	}
	tests := []struct {
		name       string
		req        Request
		field      string
		wantOffset bool
	}{
		{"unknown objective", Request{Objective: landscape.Spec{ID: "nope"}, Runs: []RunSpec{gd(0.1)}}, "objective.id", false},
		{"no objective", Request{Runs: []RunSpec{gd(0.1)}}, "objective.id", false},
		{"parameter out of range", Request{Objective: landscape.Spec{ID: "quadratic", Params: map[string]float64{"b": 1e9}}, Runs: []RunSpec{gd(0.1)}}, "objective.params.b", false},
		{"unknown parameter", Request{Objective: landscape.Spec{ID: "quadratic", Params: map[string]float64{"c": 1}}, Runs: []RunSpec{gd(0.1)}}, "objective.params.c", false},
		{"bad expression", Request{Objective: landscape.Spec{Expr: "x^2 +* y"}, Runs: []RunSpec{gd(0.1)}}, "objective.expr", true},
		{"start of the wrong dimension", Request{Objective: rosen, Start: []float64{1}, Runs: []RunSpec{gd(0.1)}}, "start", false},
		{"start not finite", Request{Objective: rosen, Start: []float64{1, math.NaN()}, Runs: []RunSpec{gd(0.1)}}, "start[1]", false},
		{"no runs", Request{Objective: rosen}, "runs", false},
		{"too many runs", Request{Objective: rosen, Runs: many}, "runs", false},
		{"unknown optimizer", Request{Objective: rosen, Runs: []RunSpec{gd(0.1), {Optimizer: "adamax"}}}, "runs[1].optimizer", false},
		{"negative lr", Request{Objective: rosen, Runs: []RunSpec{gd(-1)}}, "runs[0].hyper.lr", false},
		{"unknown hyperparameter", Request{Objective: rosen, Runs: []RunSpec{{Optimizer: "gd", Hyper: Hyper{Num: map[string]float64{"beta": 1}}}}}, "runs[0].hyper.beta", false},
		{"clip both ways", Request{Objective: rosen, Runs: []RunSpec{{Optimizer: "gd", Clip: optim.Clip{Norm: 1, Value: 1}}}}, "runs[0].clip", false},
		{"negative clip", Request{Objective: rosen, Runs: []RunSpec{{Optimizer: "gd", Clip: optim.Clip{Norm: -1}}}}, "runs[0].clip.norm", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.req)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Build = %v, want a *fielderr.Error on %q", err, tt.field)
			}
			if fe.Field != tt.field {
				t.Errorf("field %q (%v), want %q", fe.Field, fe, tt.field)
			}
			if tt.wantOffset != (fe.Offset >= 0) {
				t.Errorf("offset %d, want one: %v", fe.Offset, tt.wantOffset)
			}
		})
	}
}

func TestHyperJSON(t *testing.T) {
	var h Hyper
	if err := json.Unmarshal([]byte(`{"lr": 0.5, "variant": "fletcher_reeves"}`), &h); err != nil {
		t.Fatal(err)
	}
	if h.Num["lr"] != 0.5 || h.Choice["variant"] != "fletcher_reeves" || len(h.Num) != 1 || len(h.Choice) != 1 {
		t.Errorf("decoded %+v, want lr 0.5 and variant fletcher_reeves", h)
	}
	b, err := json.Marshal(h)
	if err != nil || string(b) != `{"lr":0.5,"variant":"fletcher_reeves"}` {
		t.Errorf("encoded %s, %v", b, err)
	}
	// Errors name the field relative to the hyper object, so callers can
	// place them ("runs[0].hyper" + "lr").
	for body, field := range map[string]string{`{"lr": true, "eps": [1]}`: "eps", `[1, 2]`: ""} {
		var h Hyper
		var fe *fielderr.Error
		if err := h.UnmarshalJSON([]byte(body)); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("UnmarshalJSON(%s) = %v, want a *fielderr.Error on %q", body, err, field)
		}
	}
}

func TestRunAllShape(t *testing.T) {
	s, err := Build(Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1}, Runs: []RunSpec{gd(0.001)}})
	if err != nil {
		t.Fatal(err)
	}
	res := s.RunAll(20)
	pts := res[0].Points
	if len(pts) != 21 || res[0].Status != optim.MaxSteps || res[0].Optimizer != "gd" {
		t.Fatalf("%d points, status %s, optimizer %s; want 21, max_steps, gd", len(pts), res[0].Status, res[0].Optimizer)
	}
	if !reflect.DeepEqual(pts[0].XY, []float64{-1.2, 1}) || pts[0].Update != nil {
		t.Errorf("points[0] = %+v, want the start with no update", pts[0])
	}
	for k, p := range pts {
		if p.K != k {
			t.Fatalf("points[%d].k = %d", k, p.K)
		}
	}
	// Points are copies: stepping on must not change them.
	before := append([]float64(nil), pts[20].XY...)
	s.Runs[0].Step()
	if !reflect.DeepEqual(before, pts[20].XY) {
		t.Error("a returned point changed when the run stepped again")
	}
}

func TestRunAllDeterministic(t *testing.T) {
	req := Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1}, Seed: 11,
		Runs: []RunSpec{{Optimizer: "sgd", Hyper: Hyper{Num: map[string]float64{"lr": 0.001, "noise": 2}}}, gd(0.001)}}
	run := func(r Request) []RunResult {
		s, err := Build(r)
		if err != nil {
			t.Fatal(err)
		}
		return s.RunAll(100)
	}
	a, b := run(req), run(req)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same request and seed gave different trajectories")
	}
	req.Seed = 12
	c := run(req)
	if reflect.DeepEqual(a[0].Points, c[0].Points) {
		t.Error("sgd with noise gave the same trajectory under two seeds")
	}
	if !reflect.DeepEqual(a[1].Points, c[1].Points) {
		t.Error("gd (no randomness) depends on the seed")
	}
}

func TestRunAllContextStops(t *testing.T) {
	s, err := Build(Request{Objective: landscape.Spec{ID: "rosenbrock"}, Runs: []RunSpec{gd(0.0001)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, err := s.RunAllContext(ctx, 10_000); !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("RunAllContext on a cancelled context = %d results, %v; want nil, context.Canceled", len(res), err)
	}
}

// A step the method cannot take (Newton with damping 2 on x² − y², H + 2I
// singular along y while the gradient is not zero there) ends the run where
// it stood: the answer's points end at that k once, not with the point
// repeated, and the status says why.
func TestFailedStepIsNotARepeatedPoint(t *testing.T) {
	newton := RunSpec{Optimizer: "newton", Hyper: Hyper{Num: map[string]float64{"damping": 2}}}
	s, err := Build(Request{Objective: landscape.Spec{Expr: "x^2 - y^2"}, Start: []float64{0.5, 0.01}, Runs: []RunSpec{newton, gd(0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	res := s.RunAll(10)
	if pts := res[0].Points; len(pts) != 1 || pts[0].K != 0 || res[0].Status != optim.Diverged || !strings.Contains(res[0].Reason, "singular") {
		t.Errorf("newton: %d points (last k %d), status %s %q; want the start alone and a reason about the singular matrix", len(pts), pts[len(pts)-1].K, res[0].Status, res[0].Reason)
	}
	if n := len(res[1].Points); n != 11 {
		t.Errorf("gd beside it made %d points, want 11", n)
	}
}
