package stream

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

type sharpnessWire struct {
	Run            int       `json:"run"`
	Every          int       `json:"every"`
	Rule           string    `json:"rule"`
	Preconditioned bool      `json:"preconditioned"`
	K              []int     `json:"k"`
	Lambda         []float64 `json:"lambda"`
	Threshold      []float64 `json:"threshold"`
	Loss           []float64 `json:"loss"`
	Pending        int       `json:"pending"`
	Skipped        int       `json:"skipped"`
}

// untilSharpness reads up to a sharpness message of run r whose last
// point is at step k, and returns it.
func (c *client) untilSharpness(r, k int) sharpnessWire {
	c.t.Helper()
	var got sharpnessWire
	c.until(20*time.Second, "the sharpness trace up to its last step", func(m wire) bool {
		if m.Type != "sharpness" {
			return false
		}
		got = decodeRaw[sharpnessWire](c.t, m)
		return got.Run == r && len(got.K) > 0 && got.K[len(got.K)-1] == k
	})
	return got
}

// TestSharpnessTraceOfQuadratic: subscribed to a run's sharpness every m
// steps, the page gets λmax(H) at k = 0, m, 2m, ... (on a quadratic, its
// largest eigenvalue at every step) against 2/ε, and the threshold follows
// a live change of ε from the step it applies to; a reset starts the trace
// again; run -1 ends it.
func TestSharpnessTraceOfQuadratic(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	const lmax, every = 2.0, 5
	spec := landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": 60, "cond": 10, "lambda_max": lmax}}
	req := scene.Request{Objective: spec, Seed: 1, Runs: []scene.RunSpec{{Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.4}}}}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true}))
	c.send(map[string]any{"type": "sharpness", "run": 0, "every": every})
	c.send(map[string]any{"type": "step", "n": 20})
	c.untilSharpness(0, 20)
	c.send(map[string]any{"type": "set", "run": 0, "hyper": map[string]any{"lr": 0.5}})
	c.send(map[string]any{"type": "step", "n": 20})
	tr := c.untilSharpness(0, 40)
	if tr.Rule != "2/ε" || tr.Every != every || tr.Preconditioned {
		t.Errorf("rule %q every %d preconditioned %v; want 2/ε, %d, false", tr.Rule, tr.Every, tr.Preconditioned, every)
	}
	if want := []int{0, 5, 10, 15, 20, 25, 30, 35, 40}; !slices.Equal(tr.K, want) {
		t.Fatalf("measured at steps %v, want %v", tr.K, want)
	}
	for i, k := range tr.K {
		want := 2 / 0.4
		if k > 20 {
			want = 2 / 0.5
		}
		if math.Abs(tr.Lambda[i]-lmax) > 1e-6 || math.Abs(tr.Threshold[i]-want) > 1e-12 {
			t.Errorf("step %d: λ = %.9g against %.6g; want %g against %g", k, tr.Lambda[i], tr.Threshold[i], lmax, want)
		}
		if i > 0 && !(tr.Loss[i] < tr.Loss[i-1]) {
			t.Errorf("loss at step %d is %g, at %d %g: gradient descent below 2/λ should descend", k, tr.Loss[i], tr.K[i-1], tr.Loss[i-1])
		}
	}

	c.send(map[string]any{"type": "reset"})
	c.send(map[string]any{"type": "step", "n": 5})
	if tr := c.untilSharpness(0, 5); !slices.Equal(tr.K, []int{0, 5}) {
		t.Errorf("after a reset the trace is at steps %v, want [0 5]", tr.K)
	}

	c.send(map[string]any{"type": "sharpness", "run": -1})
	c.send(map[string]any{"type": "step", "n": 10})
	for _, m := range c.marker() {
		if m.Type == "sharpness" {
			if tr := decodeRaw[sharpnessWire](t, m); tr.K[len(tr.K)-1] > 5 {
				t.Errorf("a sharpness trace up to step %d after the subscription ended at step 5", tr.K[len(tr.K)-1])
			}
		}
	}
}

// TestSharpnessPreconditionedAndCancel: Adam's trace is its preconditioned
// sharpness against (2+2β₁)/((1−β₁)ε), from its first step (before it, it
// has no preconditioner); a subscription without a run traces every run
// (from the step each is at); cancel ends it with a last progress.
func TestSharpnessPreconditionedAndCancel(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	req := scene.Request{Objective: smallMLP, Seed: 1, Runs: []scene.RunSpec{adamRun(0.01), {Optimizer: "gd"}}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true}))
	c.send(map[string]any{"type": "sharpness", "run": 0, "every": 2})
	c.send(map[string]any{"type": "step", "n": 6})
	tr := c.untilSharpness(0, 6)
	if !tr.Preconditioned || tr.Rule != "(2+2β₁)/((1−β₁)ε)" || !slices.Equal(tr.K, []int{2, 4, 6}) {
		t.Errorf("Adam's trace: preconditioned %v, rule %q, steps %v; want true, (2+2β₁)/((1−β₁)ε), [2 4 6]", tr.Preconditioned, tr.Rule, tr.K)
	}
	for i, th := range tr.Threshold {
		if want := 3.8 / 0.01 * 10; math.Abs(th-want) > 1e-9*want || !(tr.Lambda[i] > 0) {
			t.Errorf("step %d: λ = %g against %g, want a positive sharpness against 38/ε = %g", tr.K[i], tr.Lambda[i], th, want)
		}
	}
	// Without "run", every run: gradient descent's trace too, from k = 0.
	c.send(map[string]any{"type": "sharpness", "every": 3})
	c.send(map[string]any{"type": "step", "n": 6})
	at12 := func(r int) func(wire) bool {
		return func(m wire) bool {
			if m.Type != "sharpness" {
				return false
			}
			w := decodeRaw[sharpnessWire](t, m)
			return w.Run == r && len(w.K) > 0 && w.K[len(w.K)-1] == 12
		}
	}
	byRun := map[int]sharpnessWire{}
	for _, m := range c.untilAll(20*time.Second, "both runs' traces to step 12", at12(0), at12(1)) {
		if m.Type == "sharpness" {
			w := decodeRaw[sharpnessWire](t, m)
			byRun[w.Run] = w
		}
	}
	if g := byRun[1]; g.Rule != "2/ε" || !slices.Equal(g.K, []int{6, 9, 12}) {
		t.Errorf("gradient descent's trace: rule %q at steps %v; want 2/ε at [6 9 12]", g.Rule, g.K)
	}
	if a := byRun[0]; !slices.Equal(a.K, []int{6, 9, 12}) {
		t.Errorf("Adam's trace at steps %v, want [6 9 12]", a.K)
	}
	c.send(map[string]any{"type": "cancel", "task": "sharpness"})
	ms := c.until(20*time.Second, "the cancelled progress", func(m wire) bool {
		return m.Type == "progress" && decodeRaw[progressWire](t, m).Note == "cancelled"
	})
	if p := decodeRaw[progressWire](t, last(ms)); p.Task != "sharpness" {
		t.Errorf("cancelled progress of task %q", p.Task)
	}
}

func TestSharpnessBadInput(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(scene.Request{Objective: smallMLP, Seed: 1, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	for _, tc := range []struct {
		msg   map[string]any
		field string
	}{
		{map[string]any{"type": "sharpness", "run": 3}, "run"},
		{map[string]any{"type": "sharpness", "run": -2}, "run"},
		{map[string]any{"type": "sharpness", "run": 0, "every": 0}, "every"},
		{map[string]any{"type": "sharpness", "run": 0, "every": 1001}, "every"},
		{map[string]any{"type": "sharpness", "run": 0, "every": 1.5}, "every"},
		{map[string]any{"type": "sharpness", "run": 0, "k": 1}, "k"},
		{map[string]any{"type": "cancel", "task": "sharp"}, "task"},
	} {
		c.send(tc.msg)
		ms := c.until(10*time.Second, "an error", isType("error"))
		if e := last(ms); e.Field != tc.field {
			t.Errorf("%v: error on %q (%s), want on %q", tc.msg, e.Field, e.Error, tc.field)
		}
	}
}
