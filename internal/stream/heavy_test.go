package stream

import (
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

// TestHeavyTasksGoThroughThePool (issue 14, defect 4): pages asking for
// every kind of heavy task at once (spectrum, interpolation, hypermap,
// basins, a blurred landscape) have each admitted by the server's pool,
// never more running than its slot, never more than the per-client share
// for their one address, and never more than HeavyPerSession per session;
// and every page still gets all its answers (tasks wait their turn, none
// is refused). Counters, not timings.
func TestHeavyTasksGoThroughThePool(t *testing.T) {
	pool := budget.New(1, 2, 2)
	srv, ts := newTestServer(t, Options{Heavy: pool})
	const pages = 4
	var clients []*client
	for i := range pages {
		c := dial(t, ts)
		clients = append(clients, c)
		c.send(startMsgOf(scene.Request{Objective: landscape.Spec{ID: "quadratic"},
			Runs: []scene.RunSpec{{Optimizer: "gd"}, {Optimizer: "momentum"}}}, map[string]any{"paused": true}))
		c.send(map[string]any{"type": "step", "n": 5})
		c.send(map[string]any{"type": "spectrum", "k": 2})
		c.send(map[string]any{"type": "interpolate", "run": 0, "n": 21})
		// Steps unique to this test and page: maps.Shared has no answer yet.
		c.send(map[string]any{"type": "hypermap", "run": 1, "steps": 1301 + i,
			"x": map[string]any{"name": "lr", "n": 8}, "y": map[string]any{"name": "momentum", "n": 8}})
		c.send(map[string]any{"type": "basins", "run": 0, "n": 8, "steps": 1401 + i})
	}
	whole := func(typ string) func(wire) bool {
		return func(m wire) bool {
			return m.Type == typ && !decodeRaw[mapWire[struct{}]](t, m).Partial
		}
	}
	for _, c := range clients {
		c.untilAll(10*time.Second, "every heavy answer", isType("spectrum"), isType("interpolation"),
			whole("hypermap"), whole("basins"))
	}
	for i, c := range clients {
		// A different blur each page: no grid from the cache.
		blurred := landscape.Spec{ID: "rastrigin", Blur: 0.3 + 0.01*float64(i)}
		c.send(startMsgOf(scene.Request{Objective: blurred, Runs: []scene.RunSpec{{Optimizer: "gd"}}},
			map[string]any{"paused": true, "view": map[string]any{"x": []float64{-2, 2}, "y": []float64{-2, 2}, "nx": 33, "ny": 33}}))
	}
	for _, c := range clients {
		c.until(10*time.Second, "the blurred landscape", func(m wire) bool {
			l := decodeRaw[landscapeWire](t, m)
			return m.Type == "landscape" && !l.Partial && l.NX == 33
		})
	}
	for i, c := range clients {
		// The honest saddle on a small network of its own each page (so no
		// landscape or picture from the cache): its honest picture is one
		// more heavy task (its projected landscape too, unless the next
		// scene cancels it while it waits, so it is not counted).
		net := landscape.Spec{ID: "deep_linear", Params: map[string]float64{"width": 4, "depth": 2, "points": float64(50 + i)}}
		c.send(startMsgOf(scene.Request{Objective: net, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
		c.send(map[string]any{"type": "honest", "run": 0, "n": 5, "random_seed": 501 + i})
	}
	for _, c := range clients {
		c.until(20*time.Second, "the honest saddle", isType("honest"))
	}
	const tasks = 6 * pages
	got := pool.Counters()
	if got.Admitted < tasks {
		t.Errorf("the pool admitted %d heavy tasks; the %d pages asked for %d", got.Admitted, pages, tasks)
	}
	if got.PeakRunning > 1 || got.PeakClient > 2 {
		t.Errorf("pool counters %+v: over its 1 slot or its 2 per client", got)
	}
	srv.mu.Lock()
	for ss := range srv.sessions {
		if p := ss.heavy.peak.Load(); p > HeavyPerSession {
			t.Errorf("a session ran %d heavy tasks at once, want at most %d", p, HeavyPerSession)
		}
	}
	srv.mu.Unlock()
	if s := pool.Stats(); s.Running+s.Waiting > 0 {
		t.Logf("still in the pool after the answers: %+v", s)
	}
}
