package stream

import (
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/scene"
)

// checkEveryStep asserts that ms hold every step 0..k of every run of req
// once, in order, equal to /api/run's points bit for bit, in frames of at
// most maxFramePts points per run.
func checkEveryStep(t *testing.T, req scene.Request, ms []wire, k int) {
	t.Helper()
	got := make([][]scene.Point, len(req.Runs))
	for _, m := range ms {
		per := make([]int, len(req.Runs))
		for _, p := range m.Points {
			got[p.Run] = append(got[p.Run], p)
			per[p.Run]++
		}
		for r, n := range per {
			if n > maxFramePts {
				t.Errorf("a frame holds %d points of run %d; at most %d", n, r, maxFramePts)
			}
		}
	}
	sc, err := scene.Build(req)
	if err != nil {
		t.Fatal(err)
	}
	want := sc.RunAll(k)
	for r, w := range want {
		if len(got[r]) != len(w.Points) {
			t.Fatalf("run %d: %d points streamed, /api/run has %d (0..%d)", r, len(got[r]), len(w.Points), k)
		}
		for j, p := range got[r] {
			q := w.Points[j]
			if p.K != q.K || p.XY[0] != q.XY[0] || p.XY[1] != q.XY[1] || p.Loss != q.Loss || p.GradNorm != q.GradNorm {
				t.Fatalf("run %d point %d: streamed k=%d %v, /api/run k=%d %v", r, j, p.K, p.XY, q.K, q.XY)
			}
		}
	}
}

// TestStepSendsEveryStep: a step of many steps (a permalink's replay to
// k) sends every one of them, not a thinned set (issue 10, defect 3: 259
// steps came as 131 points), and a message sent after the step is
// answered after its last point.
func TestStepSendsEveryStep(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	req := quadraticScene(gd(1e-4), gd(0.07))
	const k = 2601 // many frames' worth, and odd
	c := dial(t, ts)
	c.send(startMsgOf(req, map[string]any{"paused": true, "view": smallView, "max_steps": 100000}))
	c.send(map[string]any{"type": "step", "n": k})
	c.send(`{"type":"hessian","run":0}`)
	ms := c.until(20*time.Second, "the geometry after the step", isType("geometry"))
	if got := lastK(ms, 0); got != k {
		t.Fatalf("the geometry came when run 0 was at k=%d, before the step's last point %d", got, k)
	}
	checkEveryStep(t, req, ms, k)
	bytes, points := 0, 0
	for _, m := range ms {
		if m.Type == "frame" {
			bytes += len(m.Raw)
			points += len(m.Points)
		}
	}
	t.Logf("%d points in %d bytes of frames: %.0f bytes a point", points, bytes, float64(bytes)/float64(points))
	if st := srv.stats(); len(st) != 1 || st[0].Thinned != 0 || st[0].Merges != 0 {
		t.Errorf("outbox counters %+v: a step's frames are neither merged nor thinned", st)
	}
}

// TestStepWaitsForASlowPage: while a page does not read, a long step
// keeps at most one frame waiting (bounded memory) instead of thinning;
// once it reads, every step arrives.
func TestStepWaitsForASlowPage(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a second")
	}
	const perRun = 256
	srv, c := slowPage(t, perRun)
	req := quadraticScene(gd(1e-4), gd(2e-4), gd(3e-4), gd(4e-4))
	const k = 10000
	c.send(startMsgOf(req, map[string]any{"paused": true, "view": smallView, "max_steps": 100000}))
	c.send(map[string]any{"type": "step", "n": k})
	// The page reads nothing until the socket's buffers are full and the
	// engine has stopped at a waiting frame: the outbox's counters settle.
	bound := len(req.Runs) * maxFramePts
	var last outboxStats
	for same := 0; same < 10; {
		time.Sleep(20 * time.Millisecond)
		st := srv.stats()
		if len(st) != 1 {
			continue
		}
		if st[0].Pending > bound || st[0].Peak > bound {
			t.Fatalf("%+v: more than one frame (%d points) waits for a slow page", st[0], bound)
		}
		if st[0] == last {
			same++
		} else {
			same = 0
		}
		last = st[0]
	}
	go c.pump()
	ms := c.until(60*time.Second, "the step's last point", func(m wire) bool {
		for _, p := range m.Points {
			if p.Run == 0 && p.K == k {
				return true
			}
		}
		return false
	})
	checkEveryStep(t, req, ms, k)
	if st := srv.stats(); st[0].Thinned != 0 || st[0].Peak > bound {
		t.Errorf("outbox counters %+v: want nothing thinned, at most %d points waiting", st[0], bound)
	}
}
