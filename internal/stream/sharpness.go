package stream

import (
	"fmt"
	"sync"
	"time"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// The sharpness traces: the page subscribes to the sharpness λmax(H(θₖ))
// of one run or of every run, every m steps (the edge of stability, Cohen
// et al. 2021). The engine copies θ (and the method's threshold and
// preconditioner) at every m-th step into the subscription's queue, which
// never blocks it; a task beside the engine measures the queued points in
// order by Lanczos warm-started from the run's last top eigenvector, and
// sends each run's trace so far after each batch. A reset or a new scene starts the trace again; a live
// "set" carries on, each point with the threshold of its own step.

const taskSharpness = "sharpness"

// Limits of the sharpness subscription.
const (
	// maxSharpPending bounds the points waiting to be measured; past it
	// every other waiting point is dropped (the newest kept) and counted in
	// the message's skipped.
	maxSharpPending = 64
	// sharpInterval: the trace goes out at most this often while points
	// are measured (and once each batch is done).
	sharpInterval = 200 * time.Millisecond
)

type sharpnessMsg struct {
	Type  string `json:"type"`
	Run   *int   `json:"run"`
	Every *int   `json:"every"`
}

// sharpnessCmd subscribes run (−2: every run; −1: ends the subscription).
type sharpnessCmd struct{ run, every int }

const allRuns = -2

func parseSharpness(b []byte) (any, error) {
	var m sharpnessMsg
	if err := strict(b, &m); err != nil {
		return nil, err
	}
	c := sharpnessCmd{run: allRuns, every: zoo.DefaultSharpnessEvery}
	if m.Run != nil {
		if *m.Run < -1 {
			return nil, fielderr.New("run", "must be a run (0, 1, ...), -1 to stop, or left out for every run, got %d", *m.Run)
		}
		c.run = *m.Run
	}
	if m.Every != nil {
		c.every = *m.Every
	}
	if c.every < 1 || c.every > zoo.MaxSharpnessEvery {
		return nil, fielderr.New("every", "must be a whole number of steps from 1 to %d, got %d", zoo.MaxSharpnessEvery, c.every)
	}
	return c, nil
}

// sharpSnap is one point of a run to measure.
type sharpSnap struct {
	run     int
	k       int
	theta   []float64
	precond []float64
	stab    optim.Stability
	loss    float64
}

// sharpSub is the page's subscription to the sharpness of one run or of
// every run.
type sharpSub struct {
	run, every int // run: allRuns or one run

	mu      sync.Mutex
	pending []sharpSnap
	skipped int
	lastK   []int // per run, the step last queued; -1: none
	wake    chan struct{}
}

// follows reports whether run i is subscribed.
func (s *sharpSub) follows(i int) bool { return s.run == allRuns || s.run == i }

func (s *sharpSub) push(sn sharpSnap) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) >= maxSharpPending {
		kept := s.pending[:0]
		for i, p := range s.pending {
			if i%2 == 1 {
				kept = append(kept, p)
			}
		}
		s.skipped += len(s.pending) - len(kept)
		clear(s.pending[len(kept):])
		s.pending = kept
	}
	s.pending = append(s.pending, sn)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sharpSub) take() ([]sharpSnap, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending
	s.pending = nil
	return p, s.skipped
}

func (s *sharpSub) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

type sharpnessOut struct {
	Type string `json:"type"`
	Run  int    `json:"run"`
	*zoo.SharpnessTrace
	// Skipped counts the points dropped because measuring fell behind the
	// runs; Pending, the points waiting to be measured (all runs).
	Skipped int `json:"skipped"`
	Pending int `json:"pending"`
}

func (e *engine) subscribeSharpness(c sharpnessCmd) {
	if c.run == -1 {
		e.sharp = nil
		e.stopTask(taskSharpness, false)
		return
	}
	if c.run != allRuns {
		if err := e.checkRun(c.run); err != nil {
			e.sendErr(err)
			return
		}
	}
	if _, err := zoo.NewSharpener(e.sc.Obj); err != nil {
		e.sendErr(err)
		return
	}
	e.sharp = &sharpSub{run: c.run, every: c.every}
	e.restartSharpness()
	for i := range e.sc.Runs {
		e.sharpTrack(i) // the point each run is at now
	}
}

// cancelSharpness ends the subscription; a last progress message says so.
func (e *engine) cancelSharpness() {
	if e.sharp == nil {
		return
	}
	e.sharp = nil
	e.stopTask(taskSharpness, false)
	e.send("progress:"+taskSharpness, progressMsg{Type: "progress", Task: taskSharpness, Note: "cancelled"})
}

// keepSharpness keeps a subscription across a new scene when its run is
// still there and the objective has curvature; otherwise it ends.
func (e *engine) keepSharpness() {
	if e.sharp == nil {
		return
	}
	if _, err := zoo.NewSharpener(e.sc.Obj); err != nil || e.sharp.run >= len(e.sc.Runs) {
		e.sharp = nil
	}
}

// restartSharpness starts the traces again (a new subscription, a reset, a
// new scene) with a fresh queue and measuring task.
func (e *engine) restartSharpness() {
	old := e.sharp
	sub := &sharpSub{run: old.run, every: old.every, lastK: make([]int, len(e.sc.Runs)), wake: make(chan struct{}, 1)}
	for i := range sub.lastK {
		sub.lastK[i] = -1
	}
	e.sharp = sub
	obj, runs := e.sc.Obj, len(e.sc.Runs)
	e.launch(taskSharpness, false, 0, "", func(t *task) error {
		ss := make([]*zoo.Sharpener, runs)
		trs := make([]*zoo.SharpnessTrace, runs)
		for i := range ss {
			s, err := zoo.NewSharpener(obj)
			if err != nil {
				return err
			}
			ss[i] = s
			trs[i] = &zoo.SharpnessTrace{Every: sub.every, K: []int{}, Lambda: []float64{}, Threshold: []float64{}, Loss: []float64{}}
		}
		var sent time.Time
		behind := false
		dirty := make([]bool, runs)
		send := func(skipped int) {
			pending := sub.waiting()
			for i, tr := range trs {
				if !dirty[i] {
					continue
				}
				dirty[i] = false
				thinTrace(tr)
				t.send(fmt.Sprintf("%s:%d", taskSharpness, i), sharpnessOut{Type: "sharpness", Run: i, SharpnessTrace: tr,
					Skipped: skipped, Pending: pending}, false)
			}
			if pending > 0 || behind {
				// Measuring lags the runs: say how far it got.
				behind = pending > 0
				done := 0
				for _, tr := range trs {
					done += len(tr.K)
				}
				t.send("progress:"+taskSharpness, progressMsg{Type: "progress", Task: taskSharpness,
					Done: int64(done), Total: int64(done + pending), Note: "sharpness behind the runs"}, false)
			}
			sent = time.Now()
		}
		for {
			select {
			case <-t.ctx.Done():
				return nil
			case <-sub.wake:
			}
			// Each batch of measurements is heavy work (Lanczos on the
			// Hessian): it waits for a turn of the pool (heavy.go).
			release, err := e.admit(t.ctx)
			if err != nil {
				return nil
			}
			snaps, skipped := sub.take()
			for i, sn := range snaps {
				lambda, err := ss[sn.run].Measure(t.ctx, sn.theta, sn.precond)
				if t.ctx.Err() != nil {
					release()
					return nil
				}
				if err != nil {
					continue // no finite curvature here (a diverging run): no point
				}
				tr := trs[sn.run]
				tr.Append(sn.k, lambda, sn.stab, sn.loss)
				tr.Products = ss[sn.run].Products
				dirty[sn.run] = true
				if i < len(snaps)-1 && time.Since(sent) >= sharpInterval {
					send(skipped)
				}
			}
			release()
			if len(snaps) > 0 {
				send(skipped)
			}
		}
	})
}

// thinTrace keeps a trace within zoo.MaxSharpnessPoints by dropping every
// other point (the newest kept).
func thinTrace(tr *zoo.SharpnessTrace) {
	n := len(tr.K)
	if n <= zoo.MaxSharpnessPoints {
		return
	}
	j := 0
	for i := n % 2; i < n; i += 2 {
		tr.K[j], tr.Lambda[j], tr.Threshold[j], tr.Loss[j] = tr.K[i], tr.Lambda[i], tr.Threshold[i], tr.Loss[i]
		j++
	}
	tr.K, tr.Lambda, tr.Threshold, tr.Loss = tr.K[:j], tr.Lambda[:j], tr.Threshold[:j], tr.Loss[:j]
}

// sharpTrack queues run i's current point when it is subscribed and at a
// multiple of every (or its last step).
func (e *engine) sharpTrack(i int) {
	sub := e.sharp
	if sub == nil || !sub.follows(i) || i >= len(sub.lastK) {
		return
	}
	r := e.sc.Runs[i]
	st := r.Current()
	if st.K == sub.lastK[i] || (st.K%sub.every != 0 && !r.Done() && st.K < e.maxSteps) {
		return
	}
	stab, precond, ok := r.Stability()
	if !ok {
		return
	}
	sub.lastK[i] = st.K
	sub.push(sharpSnap{run: i, k: st.K, theta: append([]float64(nil), st.Theta...), precond: precond, stab: stab, loss: st.Loss})
}
