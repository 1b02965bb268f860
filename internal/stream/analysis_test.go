package stream

import (
	"context"
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

// A small network: a 51×51 plane of it takes a fraction of a second.
var smallMLP = landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 12, "depth": 2, "points": 150}}

// bigMLP's 101×101 plane takes seconds: long enough to cancel.
var bigMLP = landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 48, "depth": 2, "points": 1000}}

func adamRun(lr float64) scene.RunSpec {
	return scene.RunSpec{Optimizer: "adam", Hyper: scene.Hyper{Num: map[string]float64{"lr": lr}}}
}

type progressWire struct {
	Task  string `json:"task"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Note  string `json:"note"`
}

func decodeRaw[T any](t *testing.T, m wire) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(m.Raw, &v); err != nil {
		t.Fatalf("decoding %s: %v: %.200s", m.Type, err, m.Raw)
	}
	return v
}

type landscapeWire struct {
	Partial bool      `json:"partial"`
	NX      int       `json:"nx"`
	NY      int       `json:"ny"`
	Values  []float64 `json:"values"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	Plane   *struct {
		Kind string `json:"kind"`
	} `json:"plane"`
}

// marker sends a message the engine answers with an error, and reads up to
// that error: everything the engine queued before it.
func (c *client) marker() []wire {
	c.t.Helper()
	c.send(map[string]any{"type": "fidelity", "run": 99})
	return c.until(20*time.Second, "the marker error", func(m wire) bool { return m.Type == "error" && strings.Contains(m.Error, "no run 99") })
}

// setMarker is marker for any scene (fidelity needs a projected one).
func (c *client) setMarker() []wire {
	c.t.Helper()
	c.send(map[string]any{"type": "set", "run": 99, "hyper": map[string]float64{"lr": 0.1}})
	return c.until(20*time.Second, "the marker error", func(m wire) bool { return m.Type == "error" && strings.Contains(m.Error, "no run 99") })
}

// TestLandscapeCoarseToFine: a projected landscape comes as partial passes,
// then a final one equal to the plane's grid as /api/landscape computes it,
// with progress on the way; the same view again is one final landscape.
func TestLandscapeCoarseToFine(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	// The final landscape is held until the page has seen a step, so the
	// test proves that stepping goes on while the plane is computed,
	// however fast the plane is on this machine.
	stepped := make(chan struct{})
	var once sync.Once
	srv.beforeFinalLandscape = func(ctx context.Context) {
		select {
		case <-stepped:
		case <-ctx.Done():
		}
	}
	req := scene.Request{Objective: smallMLP, Seed: 3, Runs: []scene.RunSpec{adamRun(0.01)}}
	view := map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 51, "ny": 51}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"view": view, "steps_per_second": 200}))
	var partial, progress int
	var final landscapeWire
	ms := c.until(20*time.Second, "the final landscape", func(m wire) bool {
		for _, p := range m.Points {
			if p.K >= 1 {
				once.Do(func() { close(stepped) })
			}
		}
		switch m.Type {
		case "error":
			t.Fatalf("error: %s (%s)", m.Error, m.Field)
		case "progress":
			p := decodeRaw[progressWire](t, m)
			if p.Task != "landscape" || p.Total != 51*51 || p.Done < 0 || p.Done > p.Total {
				t.Errorf("progress %+v", p)
			}
			progress++
		case "landscape":
			l := decodeRaw[landscapeWire](t, m)
			if len(l.Values) != 51*51 || l.Plane == nil || l.Plane.Kind != "random" {
				t.Fatalf("a landscape of %d values on plane %v", len(l.Values), l.Plane)
			}
			if l.Partial {
				partial++
				return false
			}
			final = l
			return true
		}
		return false
	})
	if partial == 0 || progress == 0 {
		t.Errorf("%d partial landscapes and %d progress messages before the final one; want some of each", partial, progress)
	}
	if lastK(ms, 0) < 1 {
		t.Errorf("no step while the landscape was computed (last k %d)", lastK(ms, 0))
	}
	sc, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sc.View.Grid(context.Background(), nil, [2]float64{-1, 1}, [2]float64{-1, 1}, 51, 51)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Values {
		if final.Values[i] != v {
			t.Fatalf("final landscape value %d is %g, the plane's grid has %g", i, final.Values[i], v)
		}
	}
	if final.Min != want.Min || final.Max != want.Max {
		t.Errorf("range [%g, %g], want [%g, %g]", final.Min, final.Max, want.Min, want.Max)
	}

	// The same view again: one final landscape, no passes, no progress.
	c.send(map[string]any{"type": "view", "x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 51, "ny": 51})
	var lands []landscapeWire
	for _, m := range c.marker() {
		switch m.Type {
		case "landscape":
			lands = append(lands, decodeRaw[landscapeWire](t, m))
		case "progress":
			t.Errorf("progress for a cached landscape: %s", m.Raw)
		}
	}
	if len(lands) != 1 || lands[0].Partial {
		t.Errorf("a cached view sent %d landscapes (%+v); want one final", len(lands), lands)
	}
}

// blurredRastrigin at σ = 2 costs 64² evaluations per grid value: a 64×64
// grid takes tens of milliseconds (seconds under the race detector).
var blurredRastrigin = landscape.Spec{ID: "rastrigin", Blur: 2}

var blurredView = map[string]any{"x": []float64{-4, 4}, "y": []float64{-4, 4}, "nx": 64, "ny": 64}

// TestBlurredLandscapeBesideTheRuns: a slow 2-D landscape (a blurred
// objective) does not hold up stepping: frames come before it, with
// progress and a coarse partial landscape first, then one final landscape
// equal to /api/landscape's grid (landscape.EvalGrid of the objective).
func TestBlurredLandscapeBesideTheRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("computes a blurred grid")
	}
	_, ts := newTestServer(t, Options{})
	req := scene.Request{Objective: blurredRastrigin, Start: []float64{3, 3}, Runs: []scene.RunSpec{gd(0.001)}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"view": blurredView, "steps_per_second": 200}))
	var partial, progress int
	var final landscapeWire
	ms := c.until(30*time.Second, "the final landscape", func(m wire) bool {
		switch m.Type {
		case "error":
			t.Fatalf("error: %s (%s)", m.Error, m.Field)
		case "progress":
			p := decodeRaw[progressWire](t, m)
			if p.Task != "landscape" || p.Total != 64*64 || p.Done < 0 || p.Done > p.Total {
				t.Errorf("progress %+v", p)
			}
			progress++
		case "landscape":
			l := decodeRaw[landscapeWire](t, m)
			if len(l.Values) != 64*64 || l.Plane != nil {
				t.Fatalf("a landscape of %d values on plane %v", len(l.Values), l.Plane)
			}
			if l.Partial {
				if progress == 0 {
					t.Errorf("a partial landscape before any progress")
				}
				partial++
				return false
			}
			final = l
			return true
		}
		return false
	})
	if partial > 1 {
		t.Errorf("%d partial landscapes before the final one; want at most one", partial)
	}
	if k := lastK(ms, 0); k < 1 {
		t.Errorf("no step while the landscape was computed (last k %d)", k)
	}
	sc, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := landscape.EvalGrid(context.Background(), sc.Obj, [2]float64{-4, 4}, [2]float64{-4, 4}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Values {
		if final.Values[i] != v {
			t.Fatalf("final landscape value %d is %g, /api/landscape's grid has %g", i, final.Values[i], v)
		}
	}
	if final.Min != want.Min || final.Max != want.Max {
		t.Errorf("range [%g, %g], want [%g, %g]", final.Min, final.Max, want.Min, want.Max)
	}
	// Nothing more of it follows.
	for _, m := range c.setMarker() {
		if m.Type == "landscape" || m.Type == "progress" {
			t.Errorf("after the final landscape: %.200s", m.Raw)
		}
	}
}

// TestPlainLandscapeIsQuiet: a quick 2-D grid comes as one final landscape,
// without progress or partial passes.
func TestPlainLandscapeIsQuiet(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(quadraticScene(gd(0.01)), map[string]any{"paused": true, "view": smallView}))
	ms := c.untilAll(10*time.Second, "paused and a landscape", isSession("paused"), isType("landscape"))
	ms = append(ms, c.setMarker()...)
	var lands int
	for _, m := range ms {
		switch m.Type {
		case "landscape":
			l := decodeRaw[landscapeWire](t, m)
			if l.Partial || l.NX != 16 || l.NY != 16 || len(l.Values) != 16*16 {
				t.Errorf("landscape %d×%d, partial %v; want a final 16×16", l.NX, l.NY, l.Partial)
			}
			lands++
		case "progress":
			t.Errorf("progress for a quick grid: %s", m.Raw)
		}
	}
	if lands != 1 {
		t.Errorf("%d landscapes, want 1", lands)
	}
}

// TestCancelLandscape: cancel stops a long landscape: a last progress
// message says so, and nothing of it follows.
func TestCancelLandscape(t *testing.T) {
	if testing.Short() {
		t.Skip("computes part of a big plane")
	}
	_, ts := newTestServer(t, Options{})
	req := scene.Request{Objective: bigMLP, Seed: 1, Runs: []scene.RunSpec{adamRun(0.01)}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true,
		"view": map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 101, "ny": 101}}))
	c.until(20*time.Second, "a partial landscape", func(m wire) bool {
		return m.Type == "landscape" && decodeRaw[landscapeWire](t, m).Partial
	})
	c.send(map[string]any{"type": "cancel", "task": "landscape"})
	ms := c.until(20*time.Second, "the cancelled progress", func(m wire) bool {
		return m.Type == "progress" && decodeRaw[progressWire](t, m).Note == "cancelled"
	})
	if p := decodeRaw[progressWire](t, ms[len(ms)-1]); p.Done >= p.Total || p.Task != "landscape" {
		t.Errorf("cancelled at %+v; want part of the work", p)
	}
	time.Sleep(300 * time.Millisecond) // longer than a progress interval
	for _, m := range c.marker() {
		if m.Type == "progress" || m.Type == "landscape" {
			t.Errorf("after cancel: %.200s", m.Raw)
		}
	}
	// Cancelling nothing is not an error.
	c.send(map[string]any{"type": "cancel", "task": "spectrum"})
	for _, m := range c.marker()[:] {
		if m.Type == "error" && !strings.Contains(m.Error, "no run 99") {
			t.Errorf("cancelling nothing: %s", m.Error)
		}
	}
}

// TestLeavingMidComputationFreesGoroutines: a page that vanishes while a
// landscape and a spectrum compute, or while a blurred 2-D landscape
// computes, leaves no goroutine behind.
func TestLeavingMidComputationFreesGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts big computations")
	}
	srv, ts := newTestServer(t, Options{})
	base := runtime.NumGoroutine()
	c := dial(t, ts)
	req := scene.Request{Objective: bigMLP, Seed: 1, Runs: []scene.RunSpec{adamRun(0.01)}}
	c.send(startMsgOf(req, map[string]any{"steps_per_second": 30,
		"view": map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 101, "ny": 101}}))
	c.send(map[string]any{"type": "spectrum", "at": "start", "k": 10})
	c.until(20*time.Second, "spectrum progress", func(m wire) bool {
		return m.Type == "progress" && decodeRaw[progressWire](t, m).Task == "spectrum"
	})
	// A second page leaves while its blurred 2-D landscape computes.
	c2 := dial(t, ts)
	c2.send(startMsgOf(scene.Request{Objective: blurredRastrigin, Runs: []scene.RunSpec{gd(0.001)}},
		map[string]any{"view": blurredView, "steps_per_second": 30}))
	ms := c2.until(20*time.Second, "a frame", isType("frame"))
	for _, m := range ms {
		if m.Type == "landscape" && !decodeRaw[landscapeWire](t, m).Partial {
			t.Errorf("the blurred landscape came before the first frame")
		}
	}
	c2.conn.CloseNow()
	c.conn.CloseNow()
	deadline := time.Now().Add(hangGuard(10 * time.Second))
	for runtime.NumGoroutine() > base || srv.Live() > 0 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d at the start, %d live sessions:\n%s", runtime.NumGoroutine(), base,
				srv.Live(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type regionsWire struct {
	Run      int        `json:"run"`
	K        int        `json:"k"`
	NX       int        `json:"nx"`
	NY       int        `json:"ny"`
	X        [2]float64 `json:"x"`
	Y        [2]float64 `json:"y"`
	Classes  []int      `json:"classes"`
	Accuracy float64    `json:"accuracy"`
}

// TestRegionsFollowTraining: the data set comes after start; decision
// regions of a run training with Adam on two spirals come while it moves,
// nx×ny classes each, and the training accuracy rises.
func TestRegionsFollowTraining(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	spec := landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 16, "depth": 2, "points": 200, "noise": 0.02}}
	req := scene.Request{Objective: spec, Seed: 2, Runs: []scene.RunSpec{adamRun(0.03)}}
	const steps = 600
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true, "max_steps": steps, "steps_per_second": 1000,
		"view": map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 3, "ny": 3}}))
	ms := c.until(10*time.Second, "the data set", isType("dataset"))
	ds := decodeRaw[struct {
		X, Y    [2]float64
		Points  [][3]float64
		Classes int
	}](t, ms[len(ms)-1])
	if len(ds.Points) != 200 || ds.Classes != 2 {
		t.Fatalf("data set of %d points, %d classes; want 200 and 2", len(ds.Points), ds.Classes)
	}
	for _, p := range ds.Points {
		if p[0] < ds.X[0] || p[0] > ds.X[1] || p[1] < ds.Y[0] || p[1] > ds.Y[1] || (p[2] != 0 && p[2] != 1) {
			t.Fatalf("point %v outside the box %v × %v or of no class", p, ds.X, ds.Y)
		}
	}
	c.send(map[string]any{"type": "regions", "run": 0, "nx": 20})
	first := decodeRaw[regionsWire](t, last(c.until(10*time.Second, "regions at k = 0", isType("regions"))))
	c.send(map[string]any{"type": "resume"})
	var got []regionsWire
	began := time.Now()
	ms = c.until(30*time.Second, "every run to end", isSession("paused"))
	for _, m := range ms {
		if m.Type == "regions" {
			got = append(got, decodeRaw[regionsWire](t, m))
		}
	}
	// The run has ended: a picture of its last step comes within a quarter
	// second.
	if len(got) == 0 || got[len(got)-1].K != steps {
		for _, m := range c.until(10*time.Second, "regions of the last step", func(m wire) bool {
			return m.Type == "regions" && decodeRaw[regionsWire](t, m).K == steps
		}) {
			if m.Type == "regions" {
				got = append(got, decodeRaw[regionsWire](t, m))
			}
		}
	}
	elapsed := time.Since(began)
	if first.K != 0 || len(got) == 0 {
		t.Fatalf("regions at k = %d first, then %d more", first.K, len(got))
	}
	if max := int(elapsed/regionsInterval) + 2; len(got) > max {
		t.Errorf("%d regions in %v; at most %d expected", len(got), elapsed, max)
	}
	prevK := 0
	for _, r := range append([]regionsWire{first}, got...) {
		if r.NX != 20 || r.NY != 20 || len(r.Classes) != 400 || r.X != ds.X || r.Y != ds.Y {
			t.Fatalf("regions %d×%d with %d classes over %v × %v", r.NX, r.NY, len(r.Classes), r.X, r.Y)
		}
		for _, cl := range r.Classes {
			if cl < 0 || cl >= 2 {
				t.Fatalf("class %d", cl)
			}
		}
		if r.K < prevK || r.Accuracy < 0 || r.Accuracy > 1 {
			t.Fatalf("regions at k = %d after k = %d, accuracy %g", r.K, prevK, r.Accuracy)
		}
		prevK = r.K
	}
	end := got[len(got)-1]
	if end.K != steps || !(end.Accuracy > first.Accuracy+0.2) {
		t.Errorf("accuracy %.3f at k = 0, %.3f at k = %d; want the last step and a clear rise", first.Accuracy, end.Accuracy, end.K)
	}
	// Unsubscribed, stepping sends no regions. The sync point: the
	// engine's chores go idle (while subscribed they never do), so no
	// chore is left to draw regions; the marker then collects everything
	// sent until then.
	ss := srv.anySession()
	idled := ss.idled.Load()
	c.send(map[string]any{"type": "regions", "run": -1})
	c.send(map[string]any{"type": "reset"})
	c.send(map[string]any{"type": "step", "n": 5})
	waitFor(t, "the chores to go idle", func() bool { return ss.idled.Load() > idled })
	for _, m := range c.marker() {
		if m.Type == "regions" {
			t.Errorf("regions after unsubscribing: k = %d", decodeRaw[regionsWire](t, m).K)
		}
	}
}

func last(ms []wire) wire { return ms[len(ms)-1] }

// TestSpectrumOfQuadratic: the top eigenvalues of the high-dimensional
// quadratic are its closed form, λᵢ = λmax·cond^(−i/(n−1)), at the start
// and at a run's current point alike (the Hessian is constant).
func TestSpectrumOfQuadratic(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	const n, cond, lmax = 60, 10.0, 2.0
	spec := landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": n, "cond": cond, "lambda_max": lmax}}
	c := dial(t, ts)
	c.send(startMsgOf(scene.Request{Objective: spec, Seed: 1, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	c.send(map[string]any{"type": "step", "n": 3})
	for _, at := range []map[string]any{{"at": "start", "k": 4}, {"at": "current", "run": 0, "k": 4}} {
		msg := map[string]any{"type": "spectrum"}
		for k, v := range at {
			msg[k] = v
		}
		c.send(msg)
		ms := c.until(20*time.Second, "a spectrum", isType("spectrum"))
		s := decodeRaw[struct {
			At          string    `json:"at"`
			Run         *int      `json:"run"`
			K           int       `json:"k"`
			Eigenvalues []float64 `json:"eigenvalues"`
			Density     struct{ X, Y []float64 }
			Min, Max    float64
		}](t, last(ms))
		if s.At != at["at"] || (s.At == "current") != (s.Run != nil) || (s.At == "current" && s.K != 3) {
			t.Errorf("spectrum at %q run %v k %d; asked %v", s.At, s.Run, s.K, at)
		}
		if len(s.Eigenvalues) != 4 {
			t.Fatalf("%d eigenvalues, want 4", len(s.Eigenvalues))
		}
		for i, got := range s.Eigenvalues {
			want := lmax * math.Pow(cond, -float64(i)/(n-1))
			if math.Abs(got-want) > 1e-6*lmax {
				t.Errorf("λ%d = %.9g, closed form %.9g", i+1, got, want)
			}
		}
		if math.Abs(s.Max-lmax) > 1e-6 || math.Abs(s.Min-lmax/cond) > 0.05*lmax/cond {
			t.Errorf("range [%g, %g], want [%g, %g]", s.Min, s.Max, lmax/cond, lmax)
		}
		if len(s.Density.X) != len(s.Density.Y) || len(s.Density.X) < 10 {
			t.Fatalf("density of %d × %d points", len(s.Density.X), len(s.Density.Y))
		}
		// The density integrates to about 1 over its grid.
		var mass float64
		for i := 1; i < len(s.Density.X); i++ {
			mass += (s.Density.Y[i] + s.Density.Y[i-1]) / 2 * (s.Density.X[i] - s.Density.X[i-1])
		}
		if math.Abs(mass-1) > 0.05 {
			t.Errorf("density mass %g", mass)
		}
	}
}

// TestInterpolationEnds: the 1-D interpolation passes through the run's
// start (t = 0) and its current point (t = 1) with their losses.
func TestInterpolationEnds(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	req := scene.Request{Objective: smallMLP, Seed: 5, Runs: []scene.RunSpec{adamRun(0.02)}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true, "view": map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 3, "ny": 3}}))
	c.send(map[string]any{"type": "step", "n": 30})
	ms := c.until(10*time.Second, "step 30", func(m wire) bool { return lastK([]wire{m}, 0) == 30 })
	var loss0, loss30 float64
	for _, m := range ms {
		for _, p := range m.Points {
			switch p.K {
			case 0:
				loss0 = p.Loss
			case 30:
				loss30 = p.Loss
			}
		}
	}
	c.send(map[string]any{"type": "interpolate", "run": 0, "n": 41})
	in := decodeRaw[struct {
		Run  int       `json:"run"`
		K    int       `json:"k"`
		T    []float64 `json:"t"`
		Loss []float64 `json:"loss"`
		Eig  *struct {
			T      []float64 `json:"t"`
			Loss   []float64 `json:"loss"`
			Lambda float64   `json:"lambda"`
		} `json:"eig"`
		Eigs []struct {
			T      []float64 `json:"t"`
			Loss   []float64 `json:"loss"`
			Lambda float64   `json:"lambda"`
		} `json:"eigs"`
	}](t, last(c.until(20*time.Second, "an interpolation", isType("interpolation"))))
	if in.K != 30 || len(in.T) != 41 || len(in.Loss) != 41 || in.T[0] != -0.25 || in.T[40] != 1.25 {
		t.Fatalf("interpolation at k %d over %d points from %g to %g", in.K, len(in.T), in.T[0], in.T[len(in.T)-1])
	}
	seen := 0
	for i, tt := range in.T {
		switch tt {
		case 0:
			seen++
			if math.Abs(in.Loss[i]-loss0) > 1e-12*math.Abs(loss0) {
				t.Errorf("loss at t = 0 is %.15g, the start's %.15g", in.Loss[i], loss0)
			}
		case 1:
			seen++
			if math.Abs(in.Loss[i]-loss30) > 1e-12*math.Abs(loss30) {
				t.Errorf("loss at t = 1 is %.15g, step 30's %.15g", in.Loss[i], loss30)
			}
		}
	}
	if seen != 2 {
		t.Errorf("t holds 0 and 1 %d times, want both once", seen)
	}
	if in.Eig == nil || len(in.Eig.T) != 41 {
		t.Fatalf("no eigen-line: %+v", in.Eig)
	}
	for i, tt := range in.Eig.T {
		if tt == 0 && math.Abs(in.Eig.Loss[i]-loss30) > 1e-12*math.Abs(loss30) {
			t.Errorf("eigen-line at its origin %.15g, step 30's loss %.15g", in.Eig.Loss[i], loss30)
		}
	}
	// The default: lines along the top three eigenvectors, λ descending,
	// the first of them "eig"; each passes through θ_k at t = 0.
	if len(in.Eigs) != 3 || in.Eigs[0].Lambda != in.Eig.Lambda {
		t.Fatalf("%d eigen-lines, want 3 with the first as eig", len(in.Eigs))
	}
	for j, el := range in.Eigs {
		if j > 0 && !(el.Lambda <= in.Eigs[j-1].Lambda) {
			t.Errorf("λ%d = %g above λ%d = %g", j+1, el.Lambda, j, in.Eigs[j-1].Lambda)
		}
		for i, tt := range el.T {
			if tt == 0 && math.Abs(el.Loss[i]-loss30) > 1e-12*math.Abs(loss30) {
				t.Errorf("eigen-line %d at its origin %.15g, step 30's loss %.15g", j+1, el.Loss[i], loss30)
			}
		}
	}
	c.send(map[string]any{"type": "interpolate", "run": 0, "eigs": 1})
	one := decodeRaw[struct {
		Eigs []json.RawMessage `json:"eigs"`
	}](t, last(c.until(20*time.Second, "an interpolation", isType("interpolation"))))
	if len(one.Eigs) != 1 {
		t.Errorf("eigs: 1 gave %d lines", len(one.Eigs))
	}
	c.send(map[string]any{"type": "interpolate", "run": 0, "eigs": 6})
	if e := last(c.until(5*time.Second, "an error", isType("error"))); e.Field != "eigs" {
		t.Errorf("eigs: 6 answered %q on %q, want an error on eigs", e.Error, e.Field)
	}
}

// TestFidelity: at k = 0 the plane's loss is the true loss (θ₀ is the
// random plane's origin); the in-plane fraction is /api/run's; at most 100
// thinned steps, ending at the current one.
func TestFidelity(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	req := scene.Request{Objective: smallMLP, Seed: 6, Runs: []scene.RunSpec{adamRun(0.02)}}
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true, "view": map[string]any{"x": []float64{-1, 1}, "y": []float64{-1, 1}, "nx": 3, "ny": 3}}))
	type fid struct {
		K         []int     `json:"k"`
		TrueLoss  []float64 `json:"true_loss"`
		PlaneLoss []float64 `json:"plane_loss"`
		InPlane   float64   `json:"in_plane"`
	}
	c.send(map[string]any{"type": "fidelity", "run": 0})
	f0 := decodeRaw[fid](t, last(c.until(10*time.Second, "fidelity", isType("fidelity"))))
	if len(f0.K) != 1 || f0.K[0] != 0 || f0.PlaneLoss[0] != f0.TrueLoss[0] || f0.InPlane != 1 {
		t.Fatalf("fidelity at k = 0: %+v; want one point where the plane is exact", f0)
	}
	const steps = 350
	c.send(map[string]any{"type": "step", "n": steps})
	c.until(20*time.Second, "the last step", func(m wire) bool { return lastK([]wire{m}, 0) == steps })
	c.send(map[string]any{"type": "fidelity", "run": 0})
	f := decodeRaw[fid](t, last(c.until(20*time.Second, "fidelity", isType("fidelity"))))
	if len(f.K) > MaxFidelityPoints || len(f.K) < 10 || f.K[0] != 0 || f.K[len(f.K)-1] != steps {
		t.Fatalf("fidelity over steps %v", f.K)
	}
	for i := 1; i < len(f.K); i++ {
		if f.K[i] <= f.K[i-1] {
			t.Fatalf("steps out of order: %v", f.K)
		}
	}
	if len(f.TrueLoss) != len(f.K) || len(f.PlaneLoss) != len(f.K) || f.PlaneLoss[0] != f.TrueLoss[0] {
		t.Fatalf("%d true and %d plane losses for %d steps; at k = 0 %g vs %g", len(f.TrueLoss), len(f.PlaneLoss), len(f.K), f.TrueLoss[0], f.PlaneLoss[0])
	}
	sc, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	want := sc.RunAll(steps)[0]
	if f.InPlane < 0 || f.InPlane > 1 || math.Abs(f.InPlane-*want.InPlane) > 1e-9 {
		t.Errorf("in_plane %g, /api/run's %g", f.InPlane, *want.InPlane)
	}
	for i, k := range f.K {
		if math.Abs(f.TrueLoss[i]-want.Points[k].Loss) > 1e-12*want.Points[k].Loss {
			t.Errorf("true loss at k = %d is %g, /api/run's %g", k, f.TrueLoss[i], want.Points[k].Loss)
		}
	}
}

// TestAnalysisBadFields: every bad field of the new messages is an error
// naming it, and the session carries on.
func TestAnalysisBadFields(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	quad := landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": 30}}
	c.send(startMsgOf(scene.Request{Objective: quad, Seed: 1, Runs: []scene.RunSpec{{Optimizer: "gd"}}}, map[string]any{"paused": true}))
	c.until(10*time.Second, "the scene", isType("scene"))
	cases := []struct {
		name  string
		msg   string
		field string
	}{
		{"cancel without task", `{"type":"cancel"}`, "task"},
		{"cancel of an unknown task", `{"type":"cancel","task":"frames"}`, "task"},
		{"spectrum at nowhere", `{"type":"spectrum","at":"end"}`, "at"},
		{"spectrum current without run", `{"type":"spectrum","at":"current"}`, "run"},
		{"spectrum start with run", `{"type":"spectrum","at":"start","run":0}`, "run"},
		{"spectrum k 0", `{"type":"spectrum","k":0}`, "k"},
		{"spectrum k 21", `{"type":"spectrum","k":21}`, "k"},
		{"spectrum k a string", `{"type":"spectrum","k":"five"}`, "k"},
		{"spectrum of a missing run", `{"type":"spectrum","at":"current","run":3}`, "run"},
		{"spectrum unknown field", `{"type":"spectrum","top":3}`, "top"},
		{"interpolate without run", `{"type":"interpolate"}`, "run"},
		{"interpolate n 1", `{"type":"interpolate","run":0,"n":1}`, "n"},
		{"interpolate n 500", `{"type":"interpolate","run":0,"n":500}`, "n"},
		{"interpolate a missing run", `{"type":"interpolate","run":-2}`, "run"},
		{"fidelity without run", `{"type":"fidelity"}`, "run"},
		{"fidelity of a missing run", `{"type":"fidelity","run":1}`, "run"},
		{"regions nx 4", `{"type":"regions","run":0,"nx":4}`, "nx"},
		{"regions nx 129", `{"type":"regions","run":0,"nx":129}`, "nx"},
		{"regions run -2", `{"type":"regions","run":-2}`, "run"},
		{"regions of a quadratic", `{"type":"regions","run":0}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			c.send(tc.msg)
			m := last(c.until(10*time.Second, "an error", isType("error")))
			if m.Field != tc.field || m.Error == "" {
				t.Errorf("%s: error %q on %q, want field %q", tc.msg, m.Error, m.Field, tc.field)
			}
		})
	}
	// The session carries on.
	c.t = t
	c.send(map[string]any{"type": "spectrum", "k": 2})
	c.until(20*time.Second, "a spectrum", isType("spectrum"))
}
