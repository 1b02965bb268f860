package stream

import (
	"math"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

type honestWire struct {
	Run       int     `json:"run"`
	K         int     `json:"k"`
	Dim       int     `json:"dim"`
	Trace     float64 `json:"trace"`
	Expected  float64 `json:"expected_curvature"`
	LambdaMin float64 `json:"lambda_min"`
	LambdaMax float64 `json:"lambda_max"`
	Method    string  `json:"trace_method"`
	Random    struct {
		NX, NY int
		Values []float64
		Axes   [2]string
	} `json:"random"`
	Hessian struct {
		NX, NY    int
		Values    []float64
		Curvature [2]float64
		Axes      [2]string
	} `json:"hessian"`
}

// TestHonestMessage: after 5 steps the honest message is of run 0 at step
// 5, with two n×n grids, tr(H)/n = trace/dim and the Hessian plane's
// curvature (λmax, λmin).
func TestHonestMessage(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	spec := landscape.Spec{ID: "deep_linear", Params: map[string]float64{"width": 3, "depth": 2, "points": 32, "scale": 0.1}}
	c.send(startMsgOf(scene.Request{Objective: spec, Seed: 1, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	c.send(map[string]any{"type": "step", "n": 5})
	c.until(10*time.Second, "step 5", func(m wire) bool { return m.Type == "frame" && lastK([]wire{m}, 0) == 5 })
	c.send(map[string]any{"type": "honest", "run": 0, "n": 7})
	ms := c.until(20*time.Second, "the honest message", isType("honest"))
	h := decodeRaw[honestWire](t, last(ms))
	if h.Run != 0 || h.K != 5 || h.Method != "exact" {
		t.Errorf("run %d k %d method %s, want 0, 5, exact", h.Run, h.K, h.Method)
	}
	if len(h.Random.Values) != 49 || len(h.Hessian.Values) != 49 || h.Random.NX != 7 {
		t.Errorf("grids of %d and %d values, want 49", len(h.Random.Values), len(h.Hessian.Values))
	}
	if math.Abs(h.Expected-h.Trace/float64(h.Dim)) > 1e-12 || !(h.LambdaMin < h.LambdaMax) {
		t.Errorf("tr/n %v, trace %v over %d; λ [%v, %v]", h.Expected, h.Trace, h.Dim, h.LambdaMin, h.LambdaMax)
	}
	if h.Hessian.Curvature != [2]float64{h.LambdaMax, h.LambdaMin} || h.Hessian.Axes != [2]string{"q_max", "q_min"} || h.Random.Axes != [2]string{"d₁", "d₂"} {
		t.Errorf("Hessian plane %v %v, random %v", h.Hessian.Curvature, h.Hessian.Axes, h.Random.Axes)
	}
}

func TestHonestBadInput(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(scene.Request{Objective: smallMLP, Seed: 1, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	for _, tc := range []struct {
		msg   map[string]any
		field string
	}{
		{map[string]any{"type": "honest"}, "run"},
		{map[string]any{"type": "honest", "run": 3}, "run"},
		{map[string]any{"type": "honest", "run": 0, "n": 200}, "n"},
		{map[string]any{"type": "honest", "run": 0, "n": 2}, "n"},
		{map[string]any{"type": "honest", "run": 0, "radius": 0}, "radius"},
		{map[string]any{"type": "honest", "run": 0, "every": 1}, "every"},
	} {
		c.send(tc.msg)
		ms := c.until(10*time.Second, "an error", isType("error"))
		if e := last(ms); e.Field != tc.field {
			t.Errorf("%v: error on %q (%s), want on %q", tc.msg, e.Field, e.Error, tc.field)
		}
	}
	// A 2-D objective has no plane to be honest about.
	c.send(startMsgOf(scene.Request{Objective: landscape.Spec{ID: "rosenbrock"}, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	c.send(map[string]any{"type": "honest", "run": 0})
	ms := c.until(10*time.Second, "an error", isType("error"))
	if e := last(ms); e.Field != "objective" {
		t.Errorf("rosenbrock: error on %q (%s), want on objective", e.Field, e.Error)
	}
}
