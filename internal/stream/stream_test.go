package stream

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

func quadraticScene(runs ...scene.RunSpec) scene.Request {
	return scene.Request{Objective: landscape.Spec{ID: "quadratic"}, Start: []float64{-2.5, 1.5}, Runs: runs, Seed: 3}
}

func gd(lr float64) scene.RunSpec {
	return scene.RunSpec{Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": lr}}}
}

// TestFullScene plays a scene the way the page does: start, watch frames,
// pause, step once, change the learning rate live, reset.
func TestFullScene(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	req := quadraticScene(gd(0.01), gd(0.02))
	c.send(startMsgOf(req, map[string]any{"steps_per_second": 300, "view": smallView}))

	first := c.until(5*time.Second, "frames past k=5", func(m wire) bool { return lastK([]wire{m}, 1) >= 5 })
	var sawScene, sawLandscape bool
	for _, m := range first {
		switch m.Type {
		case "scene":
			sawScene = true
			if len(m.Runs) != 2 || m.Runs[0].Hyper["lr"] != 0.01 || m.Runs[0].Label != "Gradient descent 1" {
				t.Errorf("scene echo: got runs %+v", m.Runs)
			}
		case "landscape":
			sawLandscape = true
			if m.NX != 16 || m.NY != 16 || len(m.Values) != 256 {
				t.Errorf("landscape: got %d×%d with %d values, want 16×16", m.NX, m.NY, len(m.Values))
			}
		}
	}
	if !sawScene || !sawLandscape {
		t.Fatalf("before the frames: scene %v, landscape %v; want both", sawScene, sawLandscape)
	}

	// Pause: after the paused status, no frame for a good while.
	c.send(`{"type":"pause"}`)
	got := c.until(2*time.Second, "paused status", isSession("paused"))
	k0, k1 := lastK(append(first, got...), 0), lastK(append(first, got...), 1)
	if m, err := c.read(300 * time.Millisecond); err != errTimeout {
		t.Fatalf("after pause: got %s %.100s, want silence", m.Type, m.Raw)
	}

	// One step: exactly one new point per run.
	c.send(`{"type":"step","n":1}`)
	m := c.until(2*time.Second, "a frame", isType("frame"))[0:]
	f := m[len(m)-1]
	if len(f.Points) != 2 || f.Points[0].K != k0+1 || f.Points[1].K != k1+1 {
		t.Fatalf("step 1 from k=(%d,%d): got %+v", k0, k1, f.Points)
	}
	if _, err := c.read(200 * time.Millisecond); err != errTimeout {
		t.Fatal("a single step sent more than one frame")
	}
	prev := f.Points[0]

	// Set lr live: the next step uses it, from where the run stood.
	c.send(`{"type":"set","run":0,"hyper":{"lr":0.1}}`)
	sc := c.until(2*time.Second, "scene echo", isType("scene"))
	if lr := sc[len(sc)-1].Runs[0].Hyper["lr"]; lr != 0.1 {
		t.Errorf("scene after set: lr %v, want 0.1", lr)
	}
	c.send(`{"type":"step","n":1}`)
	f = last(c.until(2*time.Second, "a frame", isType("frame")))
	p := f.Points[0]
	if p.LR != 0.1 || p.K != prev.K+1 {
		t.Errorf("step after set: k %d lr %v, want k %d lr 0.1", p.K, p.LR, prev.K+1)
	}
	for i := range 2 {
		want := prev.XY[i] - 0.1*prev.Grad[i]
		if math.Abs(p.XY[i]-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("θ[%d] after a step at lr 0.1: got %v, want %v", i, p.XY[i], want)
		}
	}
	if f.Points[1].LR != 0.02 {
		t.Errorf("run 1's lr changed to %v; set was for run 0", f.Points[1].LR)
	}

	// Reset: back to k = 0 at the start, still paused.
	c.send(`{"type":"reset"}`)
	got = c.until(2*time.Second, "frame after reset", isType("frame"))
	f = got[len(got)-1]
	for _, p := range f.Points {
		if p.K != 0 || p.XY[0] != -2.5 || p.XY[1] != 1.5 {
			t.Errorf("after reset: run %d at k=%d %v, want k=0 at the start", p.Run, p.K, p.XY)
		}
	}
	c.until(2*time.Second, "paused status after reset", isSession("paused"))
	// The lr set live survives the reset (Run.Reset keeps hyperparameters).
	c.send(`{"type":"step","n":1}`)
	f = last(c.until(2*time.Second, "a frame", isType("frame")))
	if f.Points[0].K != 1 || f.Points[0].LR != 0.1 {
		t.Errorf("first step after reset: k %d lr %v, want k 1 lr 0.1", f.Points[0].K, f.Points[0].LR)
	}
}

func TestBadMessages(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	good := startMsgOf(quadraticScene(gd(0.01)), map[string]any{"view": smallView, "paused": true})
	withRun := func(run string) string {
		return `{"type":"start","objective":{"id":"quadratic"},"runs":[` + run + `]}`
	}
	cases := []struct {
		name, msg, field string
	}{
		{"not JSON", `{"type":`, ""},
		{"no type", `{"n":1}`, "type"},
		{"unknown type", `{"type":"fly"}`, "type"},
		{"before start", `{"type":"resume"}`, "type"},
		{"step zero", `{"type":"step","n":0}`, "n"},
		{"step too many", `{"type":"step","n":1000000}`, "n"},
		{"step not a number", `{"type":"step","n":"1"}`, "n"},
		{"speed too fast", `{"type":"speed","steps_per_second":1e6}`, "steps_per_second"},
		{"speed missing", `{"type":"speed"}`, "steps_per_second"},
		{"unknown field", `{"type":"pause","now":true}`, "now"},
		{"lr out of range", withRun(`{"optimizer":"gd","hyper":{"lr":-1}}`), "runs[0].hyper.lr"},
		{"lr not a number", withRun(`{"optimizer":"gd","hyper":{"lr":[1]}}`), "runs[0].hyper.lr"},
		{"unknown run field", withRun(`{"optimizer":"gd","speed":3}`), "runs[0].speed"},
		{"unknown optimizer", withRun(`{"optimizer":"sgdx"}`), "runs[0].optimizer"},
		{"unknown objective", `{"type":"start","objective":{"id":"nope"},"runs":[{"optimizer":"gd"}]}`, "objective.id"},
		{"no runs", `{"type":"start","objective":{"id":"quadratic"},"runs":[]}`, "runs"},
		{"max_steps", `{"type":"start","objective":{"id":"quadratic"},"runs":[{"optimizer":"gd"}],"max_steps":-1}`, "max_steps"},
		{"view upside down", `{"type":"start","objective":{"id":"quadratic"},"runs":[{"optimizer":"gd"}],"view":{"x":[1,0],"y":[0,1],"nx":8,"ny":8}}`, "view.x"},
		{"view too fine", `{"type":"view","x":[0,1],"y":[0,1],"nx":8,"ny":100000}`, "ny"},
		{"hessian with nothing", `{"type":"hessian"}`, "at"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			c.send(tc.msg)
			m, err := c.read(hangGuard(2 * time.Second))
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			if m.Type != "error" || m.Field != tc.field || m.Error == "" {
				t.Errorf("got %s, want an error on field %q", m.Raw, tc.field)
			}
		})
	}
	c.t = t
	// The session carries on: a good start plays, and errors that need the
	// scene name their field too.
	c.send(good)
	c.untilAll(2*time.Second, "paused status and landscape", isSession("paused"), isFinalLandscape)
	for _, tc := range []struct{ msg, field string }{
		{`{"type":"set","run":3,"hyper":{"lr":0.1}}`, "run"},
		{`{"type":"set","run":0,"hyper":{"lr":1000}}`, "hyper.lr"},
		{`{"type":"set","run":0,"hyper":{"momentum":0.5}}`, "hyper.momentum"},
		{`{"type":"set","run":0,"clip":{"norm":-1}}`, "clip.norm"},
		{`{"type":"hessian","at":[1]}`, "at"},
	} {
		c.send(tc.msg)
		m, err := c.read(hangGuard(2 * time.Second))
		if err != nil || m.Type != "error" || m.Field != tc.field {
			t.Errorf("%s: got %s (%v), want an error on %q", tc.msg, m.Raw, err, tc.field)
		}
	}
	c.send(`{"type":"step","n":3}`)
	f := c.until(2*time.Second, "a frame", isType("frame"))
	if k := lastK(f, 0); k != 3 {
		t.Errorf("after the errors, step 3 reached k=%d, want 3", k)
	}
}

// TestFramesAgreeWithRunAll: a live session's points are /api/run's points,
// for the same scene and seed, whatever the batching.
func TestFramesAgreeWithRunAll(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	req := scene.Request{Objective: landscape.Spec{ID: "rosenbrock"}, Start: []float64{-1.2, 1}, Seed: 7,
		Runs: []scene.RunSpec{gd(0.001), {Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.002}},
			Clip: optim.Clip{Norm: 1}}, gd(0.01)}} // the last one diverges
	const steps = 300
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"steps_per_second": 600, "max_steps": steps, "view": smallView}))
	ms := c.until(10*time.Second, "every run to end", isSession("paused"))

	got := make([][]scene.Point, len(req.Runs))
	status := make([]string, len(req.Runs))
	for _, m := range ms {
		for j, p := range m.Points {
			got[p.Run] = append(got[p.Run], p)
			// Only the newest point of each run in a frame has full detail.
			newest := j == len(m.Points)-1 || m.Points[j+1].Run != p.Run
			if full := p.Grad != nil; full != newest {
				t.Errorf("run %d k=%d: full detail %v, newest in its frame %v", p.Run, p.K, full, newest)
			}
		}
		if m.Type == "status" && *m.Run >= 0 {
			status[*m.Run] = m.Status
		}
	}
	sc, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	want := sc.RunAll(steps)
	for i, w := range want {
		if status[i] != string(w.Status) {
			t.Errorf("run %d: status %q, /api/run says %q", i, status[i], w.Status)
		}
		if len(got[i]) != len(w.Points) {
			t.Errorf("run %d: streamed %d points, /api/run has %d", i, len(got[i]), len(w.Points))
			continue
		}
		for j, p := range got[i] {
			q := w.Points[j]
			if p.K != q.K || p.XY[0] != q.XY[0] || p.XY[1] != q.XY[1] || p.Loss != q.Loss ||
				p.GradNorm != q.GradNorm || p.Clipped != q.Clipped {
				t.Fatalf("run %d point %d: streamed %+v, /api/run %+v", i, j, p, q)
			}
		}
	}
	if want[2].Status != optim.Diverged {
		t.Errorf("gd at lr 0.01 on Rosenbrock from (-1.2, 1) ended %s; the test wants a diverging run", want[2].Status)
	}
}

// TestDivergedRunStaysFinite: gd at lr 10 on the quadratic explodes; the
// page gets a diverged status and finite numbers only (the client checks
// every message for NaN, Inf and null).
func TestDivergedRunStaysFinite(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(quadraticScene(gd(10)), map[string]any{"steps_per_second": 10000, "view": smallView}))
	ms := c.until(5*time.Second, "diverged status", func(m wire) bool { return m.Type == "status" && m.Status == "diverged" })
	last := ms[len(ms)-1]
	if *last.Run != 0 || last.Reason == "" {
		t.Errorf("diverged status: %s", last.Raw)
	}
	for _, m := range ms {
		for _, p := range m.Points {
			if math.Abs(p.Loss) > optim.DivergeAt*10 {
				t.Errorf("point k=%d has loss %g past the divergence bound", p.K, p.Loss)
			}
		}
	}
	c.until(2*time.Second, "session paused", isSession("paused"))

	// Stepping a scene whose runs have all ended says so, and sends no frame.
	c.send(`{"type":"step","n":1}`)
	m, err := c.read(hangGuard(2 * time.Second))
	if err != nil || !isSession("paused")(m) || m.Reason != "every run has ended" {
		t.Errorf("step after the end: got %s (%v), want a paused status saying every run has ended", m.Raw, err)
	}
}

func TestViewAndGeometry(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	req := scene.Request{Objective: landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 25}},
		Runs: []scene.RunSpec{gd(0.01)}}
	c.send(startMsgOf(req, map[string]any{"paused": true, "view": smallView}))
	c.untilAll(2*time.Second, "paused and the start's landscape", isSession("paused"), isFinalLandscape)

	c.send(`{"type":"view","x":[0,2],"y":[-1,1],"nx":3,"ny":5}`)
	m := last(c.until(5*time.Second, "landscape", isFinalLandscape))
	if m.NX != 3 || m.NY != 5 || len(m.Values) != 15 {
		t.Fatalf("landscape %d×%d with %d values, want 3×5", m.NX, m.NY, len(m.Values))
	}
	// Row-major with y outermost: values[j*nx+i] = J(x_i, y_j).
	f := func(x, y float64) float64 { return 0.5 * (x*x + 25*y*y) }
	for _, at := range []struct{ i, j int }{{0, 0}, {2, 0}, {1, 2}, {2, 4}} {
		x, y := float64(at.i), -1+0.5*float64(at.j)
		if got := m.Values[at.j*3+at.i]; math.Abs(got-f(x, y)) > 1e-12 {
			t.Errorf("J(%g, %g): got %g, want %g", x, y, got, f(x, y))
		}
	}
	if m.Min != 0 || m.Max != f(2, 1) {
		t.Errorf("min, max: got %g, %g; want 0, %g", m.Min, m.Max, f(2, 1))
	}

	c.send(`{"type":"hessian","at":[1,2]}`)
	g := last(c.until(2*time.Second, "geometry", isType("geometry")))
	if len(g.Eigenvalues) != 2 || math.Abs(g.Eigenvalues[0]-1) > 1e-12 || math.Abs(g.Eigenvalues[1]-25) > 1e-12 {
		t.Errorf("eigenvalues %v, want [1 25]", g.Eigenvalues)
	}
	if math.Abs(g.Condition-25) > 1e-9 {
		t.Errorf("condition %v, want 25", g.Condition)
	}
	if v := g.Eigenvectors[1]; math.Abs(math.Abs(v[1])-1) > 1e-12 {
		t.Errorf("eigenvector of 25: %v, want ±(0, 1)", v)
	}
	c.send(`{"type":"hessian","run":0}`)
	g = last(c.until(2*time.Second, "geometry", isType("geometry")))
	if g.Run == nil || *g.Run != 0 {
		t.Errorf("geometry of run 0: %s", g.Raw)
	}
}

// TestSlowReader: a page that stops reading while runs race at full speed
// costs the server a bounded number of waiting points; when it reads
// again it gets fuller frames that still end at the newest point.
func TestSlowReader(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a couple of seconds")
	}
	const perRun = 256
	srv, c := slowPage(t, perRun)
	runs := []scene.RunSpec{gd(1e-4), gd(2e-4), gd(3e-4), gd(4e-4)}
	c.send(startMsgOf(quadraticScene(runs...), map[string]any{"steps_per_second": 10000, "max_steps": 100000, "view": smallView}))
	// The page does not read at all until the server has had to thin what
	// waits and merge ten ticks' frames into it (a frame then spans more
	// than 3·maxFramePts steps; on a loaded machine that takes longer: wait
	// for it, not for a time); meanwhile what waits stays bounded.
	bound := len(runs) * perRun
	guard := time.Now().Add(hangGuard(1500 * time.Millisecond))
	peak := 0
	for {
		st := srv.stats()
		for _, st := range st {
			if st.Pending > bound {
				t.Fatalf("%d points wait for a slow page; the bound is %d", st.Pending, bound)
			}
			peak = max(peak, st.Peak)
		}
		if len(st) == 1 && st[0].Merges >= 10 && st[0].Thinned > 0 || time.Now().After(guard) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	go c.pump()
	st := srv.stats()
	if len(st) != 1 || st[0].Merges == 0 || st[0].Thinned == 0 || st[0].Peak > bound {
		t.Fatalf("outbox counters %+v: want merges and thinning, peak ≤ %d", st, bound)
	}

	c.send(`{"type":"pause"}`)
	t0 := time.Now()
	ms := c.until(10*time.Second, "paused", isSession("paused"))
	t.Logf("drained %d messages in %v after the pause", len(ms), time.Since(t0))
	coalesced := false
	last := make([]int, len(runs))
	for i := range last {
		last[i] = -1
	}
	for _, m := range ms {
		first := make([]int, len(runs))
		for i := range first {
			first[i] = -1
		}
		for _, p := range m.Points {
			if first[p.Run] < 0 {
				first[p.Run] = p.K
			}
			if p.K <= last[p.Run] {
				t.Fatalf("run %d: k went from %d to %d", p.Run, last[p.Run], p.K)
			}
			last[p.Run] = p.K
		}
		// One tick at 10 000 steps/s spans about 170 steps; a frame that
		// spans many more held several ticks.
		coalesced = coalesced || (first[0] >= 0 && last[0]-first[0] > 3*maxFramePts)
	}
	if !coalesced {
		t.Error("no frame held more than one tick's points: frames were not coalesced")
	}
	// The frames ended at the newest point: one more step is exactly k+1.
	c.send(`{"type":"step","n":1}`)
	f := c.until(5*time.Second, "frame", isType("frame"))
	for _, p := range f[len(f)-1].Points {
		if p.K != last[p.Run]+1 {
			t.Errorf("run %d: step after the pause is k=%d, the last frame ended at k=%d", p.Run, p.K, last[p.Run])
		}
	}
}

// smallBuffers shrinks the server's socket send buffers so a page that does
// not read pushes back within milliseconds instead of megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(32 << 10)
	}
	return c, err
}

// TestDisconnectFreesGoroutines: a page that vanishes mid-run leaves no
// goroutine behind.
func TestDisconnectFreesGoroutines(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	base := runtime.NumGoroutine()
	c := dial(t, ts)
	c.send(startMsgOf(quadraticScene(gd(1e-4), gd(2e-4)), map[string]any{"steps_per_second": 10000, "view": smallView}))
	c.until(5*time.Second, "frames", func(m wire) bool { return lastK([]wire{m}, 0) > 100 })
	c.conn.CloseNow() // no close frame: the tab was killed
	deadline := time.Now().Add(hangGuard(5 * time.Second))
	for runtime.NumGoroutine() > base || srv.Live() > 0 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d at the start, %d live sessions:\n%s", runtime.NumGoroutine(), base,
				srv.Live(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestManySessions(t *testing.T) {
	const n = 50
	_, ts := newTestServer(t, Options{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c := dial(t, ts)
			req := quadraticScene(gd(0.01), scene.RunSpec{Optimizer: "gd", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.03}}})
			req.Seed = uint64(i)
			c.send(startMsgOf(req, map[string]any{"steps_per_second": 2000, "max_steps": 200, "view": smallView}))
			ms := c.until(20*time.Second, "all runs ended", isSession("paused"))
			for run := range 2 {
				if k := lastK(ms, run); k != 200 {
					t.Errorf("session %d run %d ended at k=%d, want 200", i, run, k)
				}
			}
			c.conn.Close(websocket.StatusNormalClosure, "")
		})
	}
	wg.Wait()
}

func TestMaxSessions(t *testing.T) {
	srv, ts := newTestServer(t, Options{MaxSessions: 2})
	a, b := dial(t, ts), dial(t, ts)
	_, _ = a, b
	for srv.Live() < 2 {
		time.Sleep(time.Millisecond)
	}
	c := dial(t, ts)
	_, err := c.read(hangGuard(5 * time.Second))
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusTryAgainLater || ce.Reason != "server full: 2 live sessions" {
		t.Fatalf("third session: got %v, want close %v \"server full: 2 live sessions\"", err, websocket.StatusTryAgainLater)
	}
	// A place frees up when a page leaves.
	a.conn.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(hangGuard(5 * time.Second))
	for srv.Live() > 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	d := dial(t, ts)
	d.send(startMsgOf(quadraticScene(gd(0.01)), map[string]any{"paused": true, "view": smallView}))
	d.until(5*time.Second, "paused", isSession("paused"))
}

func TestOrigin(t *testing.T) {
	_, ts := newTestServer(t, Options{OriginPatterns: []string{"lessons.example.org"}})
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"http://evil.example", false},
		{"http://lessons.example.org", true},
		{"", true}, // not a browser, or the same origin
	} {
		h := http.Header{}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, resp, err := websocket.Dial(ctx, wsURL(ts), &websocket.DialOptions{HTTPHeader: h})
		cancel()
		if tc.ok != (err == nil) {
			t.Errorf("origin %q: err %v, want ok=%v", tc.origin, err, tc.ok)
		}
		if !tc.ok && (resp == nil || resp.StatusCode != http.StatusForbidden) {
			t.Errorf("origin %q: response %v, want 403", tc.origin, resp)
		}
		if c != nil {
			c.CloseNow()
		}
	}
	defer func() {
		if recover() == nil {
			t.Error(`New accepted OriginPatterns ["*"]`)
		}
	}()
	New(Options{OriginPatterns: []string{"*"}})
}

func TestShutdown(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	c := dial(t, ts)
	c.send(startMsgOf(quadraticScene(gd(1e-4)), map[string]any{"steps_per_second": 1000, "view": smallView}))
	c.until(5*time.Second, "a frame", isType("frame"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	var ce websocket.CloseError
	for {
		_, err := c.read(hangGuard(5 * time.Second))
		if err == nil {
			continue // frames already on their way
		}
		if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || ce.Reason != "server shutting down" {
			t.Fatalf("after Shutdown: %v, want close %v \"server shutting down\"", err, websocket.StatusGoingAway)
		}
		break
	}
	_, resp, err := websocket.Dial(ctx, wsURL(ts), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after Shutdown: %v, want 503", err)
	}
}
