package stream

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// TestProjectedSession streams a network trained in full dimension: the
// scene starts on the plane, the landscape is the plane's, frames carry
// plane coordinates only and agree with /api/run point for point.
func TestProjectedSession(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	spec := landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 8, "depth": 2, "points": 100}}
	req := scene.Request{Objective: spec, Seed: 4,
		Runs: []scene.RunSpec{{Optimizer: "adam", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.02}}}, {Optimizer: "lbfgs"}}}
	const steps = 40
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"steps_per_second": 600, "max_steps": steps, "plane": "hessian",
		"view": map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 9, "ny": 9}}))
	// The landscape is computed beside the runs: read until both are over.
	var ended, final bool
	ms := c.until(20*time.Second, "every run to end and the final landscape", func(m wire) bool {
		ended = ended || isSession("paused")(m)
		final = final || (m.Type == "landscape" && !strings.Contains(string(m.Raw), `"partial":true`))
		return ended && final
	})

	var sceneMsg struct {
		Start []float64 `json:"start"`
		Plane struct {
			Kind   string    `json:"kind"`
			Dim    int       `json:"dim"`
			Origin []float64 `json:"origin"`
		} `json:"plane"`
	}
	var land *wire
	got := make([][]scene.Point, len(req.Runs))
	for i, m := range ms {
		switch m.Type {
		case "error":
			t.Fatalf("error: %s (%s)", m.Error, m.Field)
		case "scene":
			if err := json.Unmarshal(m.Raw, &sceneMsg); err != nil {
				t.Fatal(err)
			}
		case "landscape":
			if !strings.Contains(string(m.Raw), `"partial":true`) {
				land = &ms[i]
			}
		case "frame":
			for _, p := range m.Points {
				if len(p.XY) != 2 || p.Grad != nil || p.Update != nil {
					t.Fatalf("a frame point carries more than plane coordinates: %+v", p)
				}
				got[p.Run] = append(got[p.Run], p)
			}
			if len(m.Raw) > 64<<10 {
				t.Errorf("a %d-byte frame", len(m.Raw))
			}
		}
	}
	if sceneMsg.Plane.Kind != "hessian" || sceneMsg.Plane.Dim < 100 || sceneMsg.Plane.Origin != nil || len(sceneMsg.Start) != 2 {
		t.Errorf("scene message: plane %+v, start %v; want the hessian plane without its vectors, a start [a, b]", sceneMsg.Plane, sceneMsg.Start)
	}
	if land == nil || land.NX != 9 || len(land.Values) != 81 || !strings.Contains(string(land.Raw), `"plane":{"kind":"hessian"`) {
		t.Fatalf("landscape message missing or not the plane's: %.300s", land.Raw)
	}

	sc, err := scene.Build(scene.Request{Objective: spec, Seed: 4, Runs: req.Runs, Plane: sceneMsgPlane("hessian")})
	if err != nil {
		t.Fatal(err)
	}
	// An MLP's landscape is drawn with nn.MLP.PlaneValue: the loss to
	// ~1e-15 relative, not to the bit.
	if c, want := land.Values[40], sc.Runs[0].Current().Loss; math.Abs(c-want) > 1e-13*math.Abs(want) {
		t.Errorf("landscape centre %g, loss at θ₀ %g", c, sc.Runs[0].Current().Loss)
	}
	want := sc.RunAll(steps)
	for i, w := range want {
		if len(got[i]) != len(w.Points) {
			t.Fatalf("run %d: streamed %d points, /api/run has %d", i, len(got[i]), len(w.Points))
		}
		for j, p := range got[i] {
			q := w.Points[j]
			if p.K != q.K || p.XY[0] != q.XY[0] || p.XY[1] != q.XY[1] || p.Loss != q.Loss || math.IsNaN(p.Loss) {
				t.Fatalf("run %d point %d: streamed %+v, /api/run %+v", i, j, p, q)
			}
		}
		if first, last := w.Points[0].Loss, w.Points[len(w.Points)-1].Loss; !(last < first) {
			t.Errorf("run %d: loss %g → %g", i, first, last)
		}
	}

	// The local geometry of a 2-D objective is not offered here.
	c.send(map[string]any{"type": "hessian", "run": 0})
	m := c.until(5*time.Second, "an error", isType("error"))
	if e := m[len(m)-1]; !strings.Contains(e.Error, "2-D") {
		t.Errorf("geometry of a network: %q", e.Error)
	}
	// A view larger than a model's cap is refused, naming it.
	c.send(map[string]any{"type": "view", "x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 256, "ny": 256})
	m = c.until(5*time.Second, "an error", isType("error"))
	if e := m[len(m)-1]; e.Field != "nx" || !strings.Contains(e.Error, "101") {
		t.Errorf("an oversized view: %q on %q", e.Error, e.Field)
	}
}

func sceneMsgPlane(kind string) *zoo.PlaneSpec { return &zoo.PlaneSpec{Kind: kind} }

// TestPlaneMessageRedrawsThroughTheRunsCurrentPoint: "plane" with
// three_points and a run (no k) starts the scene again on the plane
// through θ₀, the run's current point and the solution, and the replayed
// run passes through that point at the same step.
func TestPlaneMessageRedrawsThroughTheRunsCurrentPoint(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	spec := landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 8, "depth": 2, "points": 100}}
	req := scene.Request{Objective: spec, Seed: 2,
		Runs: []scene.RunSpec{{Optimizer: "adam", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.02}}}, {Optimizer: "gd"}}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true}))
	c.until(5*time.Second, "the scene", isType("scene"))
	const k = 25
	c.send(map[string]any{"type": "step", "n": k})
	c.until(5*time.Second, "step 25", func(m wire) bool { return lastK([]wire{m}, 0) == k })

	c.send(map[string]any{"type": "plane", "kind": "three_points", "run": 0})
	ms := c.until(10*time.Second, "the new scene", isType("scene"))
	var sm struct {
		Plane zoo.PlaneInfo `json:"plane"`
		Start []float64     `json:"start"`
	}
	if err := json.Unmarshal(ms[len(ms)-1].Raw, &sm); err != nil {
		t.Fatal(err)
	}
	p := sm.Plane
	if p.Kind != "three_points" || p.Run == nil || *p.Run != 0 || p.K != k || p.Current == nil || p.Solution == nil {
		t.Fatalf("plane %+v; want three_points through run 0's step %d", p, k)
	}
	if sm.Start[0] != 0 || sm.Start[1] != 0 {
		t.Errorf("the new scene starts at %v, want θ₀ at the origin", sm.Start)
	}
	// Paused as before; stepping again retraces the path through the point.
	c.send(map[string]any{"type": "step", "n": k})
	var at []float64
	c.until(10*time.Second, "run 0's step 25 on the new plane", func(m wire) bool {
		for _, q := range m.Points {
			if q.Run == 0 && q.K == k {
				at = q.XY
			}
		}
		return at != nil
	})
	if math.Abs(at[0]-p.Current[0]) > 1e-9 || math.Abs(at[1]-p.Current[1]) > 1e-9 {
		t.Errorf("run 0's step %d at %v, the plane's current point %v", k, at, *p.Current)
	}

	for _, tt := range []struct {
		name  string
		msg   map[string]any
		field string
	}{
		{"no such run", map[string]any{"type": "plane", "kind": "three_points", "run": 5}, "run"},
		{"no kind", map[string]any{"type": "plane"}, "kind"},
		{"unknown kind", map[string]any{"type": "plane", "kind": "tsne"}, "kind"},
		{"a run on the hessian plane", map[string]any{"type": "plane", "kind": "hessian", "run": 0}, "run"},
	} {
		c.send(tt.msg)
		m := c.until(5*time.Second, "an error", isType("error"))
		if e := m[len(m)-1]; e.Field != tt.field {
			t.Errorf("%s: error %q on %q, want one on %q", tt.name, e.Error, e.Field, tt.field)
		}
	}
}
