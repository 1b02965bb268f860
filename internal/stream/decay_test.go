package stream

import (
	"math"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/scene"
)

type decayWire struct {
	Run   int        `json:"run"`
	Decay maps.Decay `json:"decay"`
}

// The decay message answers with the run's points up to its current step,
// split along the quadratic's eigenvectors with gd's rates; bad input
// names its field.
func TestDecayMessage(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(scene.Request{Objective: landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 25}},
		Runs: []scene.RunSpec{{Optimizer: "momentum"}, {Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.05}}}}},
		map[string]any{"paused": true}))
	c.send(map[string]any{"type": "step", "n": 12})
	c.until(time.Minute, "step 12", func(m wire) bool { return m.Type == "frame" && lastK([]wire{m}, 1) >= 12 })
	c.send(map[string]any{"type": "decay", "run": 1})
	d := decodeRaw[decayWire](t, last(c.until(time.Minute, "a decay", isType("decay"))))
	if d.Run != 1 || d.Decay.Steps != 12 || len(d.Decay.K) != 13 || d.Decay.Mode != maps.DecayQuadratic {
		t.Fatalf("run %d, %d steps, %d points, mode %s", d.Run, d.Decay.Steps, len(d.Decay.K), d.Decay.Mode)
	}
	for i, l := range []float64{1, 25} {
		if dir := d.Decay.Dirs[i]; math.Abs(dir.Rate-math.Abs(1-0.05*l)) > 1e-12 {
			t.Errorf("direction %d: rate %v", i, dir.Rate)
		}
	}
	for _, tc := range []struct {
		msg   map[string]any
		field string
	}{
		{map[string]any{"type": "decay"}, "run"},
		{map[string]any{"type": "decay", "run": 5}, "run"},
		{map[string]any{"type": "decay", "run": 0, "steps": 20000}, "steps"},
		{map[string]any{"type": "decay", "run": 0, "at": 40}, "at"},
		{map[string]any{"type": "decay", "run": 0, "every": 4}, "every"},
	} {
		c.send(tc.msg)
		m := last(c.until(time.Minute, "an error", isType("error")))
		if m.Field != tc.field {
			t.Errorf("%v: field %q (%s), want %q", tc.msg, m.Field, m.Error, tc.field)
		}
	}
}
