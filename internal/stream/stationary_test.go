package stream

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

// A run that converges on a saddle says so in its status message, with the
// same classification /api/run gives (both come from scene.Outcome).
func TestStatusSaysWhichStationaryPoint(t *testing.T) {
	req := scene.Request{Objective: landscape.Spec{ID: "saddle"}, Start: []float64{-1.5, 0.05},
		Runs: []scene.RunSpec{{Optimizer: "newton"}}, Seed: 1}
	sc, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	want := sc.RunAll(100)[0]
	if want.Stationary == nil || want.Stationary.Kind != scene.KindSaddle {
		t.Fatalf("RunAll: %+v, want a saddle", want)
	}

	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"steps_per_second": 1000, "view": smallView}))
	ms := c.until(10*time.Second, "run 0's converged status", func(m wire) bool {
		return m.Type == "status" && m.Run != nil && *m.Run == 0 && m.Status == "converged"
	})
	var got struct {
		Reason     string            `json:"reason"`
		Stationary *scene.Stationary `json:"stationary"`
	}
	if err := json.Unmarshal(ms[len(ms)-1].Raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Stationary == nil || !reflect.DeepEqual(*got.Stationary, *want.Stationary) {
		t.Fatalf("status %s; want stationary %+v", ms[len(ms)-1].Raw, *want.Stationary)
	}
	if got.Reason != want.Reason || !strings.Contains(got.Reason, "saddle") {
		t.Errorf("reason %q, want %q", got.Reason, want.Reason)
	}
	// The running status at the start carries none.
	for _, m := range ms {
		if m.Type == "status" && m.Status == "running" && strings.Contains(string(m.Raw), "stationary") {
			t.Errorf("a running status carries a classification: %s", m.Raw)
		}
	}
}

// A run that starts on a stationary point is converged at once, and its
// first status says which kind (the monkey saddle's degenerate one).
func TestStationaryStartIsClassified(t *testing.T) {
	req := scene.Request{Objective: landscape.Spec{ID: "monkey_saddle"}, Start: []float64{0, 0},
		Runs: []scene.RunSpec{{Optimizer: "gd"}}}
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"view": smallView}))
	ms := c.until(10*time.Second, "run 0's status", func(m wire) bool {
		return m.Type == "status" && m.Run != nil && *m.Run == 0
	})
	last := ms[len(ms)-1]
	if last.Status != "converged" || !strings.Contains(string(last.Raw), `"kind":"degenerate"`) {
		t.Errorf("status %s, want converged at a degenerate point", last.Raw)
	}
}
