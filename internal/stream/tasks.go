package stream

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Long computations (a projected landscape, a spectrum, an interpolation,
// a fidelity check, decision regions) run in tasks: goroutines of their own
// beside the engine, so stepping goes on meanwhile. A task has a name; at
// most one task of a name lives at a time, and launching another cancels
// it. A task talks to the page through the outbox like the engine, but
// every push goes through tasks.mu and only while the task is live, so once
// the engine has cancelled a task, nothing more of it reaches the page (an
// older landscape never lands after a newer one).

// Task names.
const (
	taskLandscape   = "landscape"
	taskSpectrum    = "spectrum"
	taskInterpolate = "interpolate"
	taskFidelity    = "fidelity"
	taskRegions     = "regions"
)

// Timing of the engine's chores while tasks or subscriptions live.
const (
	choreInterval    = 50 * time.Millisecond
	progressInterval = 200 * time.Millisecond // a reporting task says how far it got at least this often
	regionsInterval  = 250 * time.Millisecond // decision regions go out at most this often
)

type task struct {
	name   string
	ctx    context.Context
	cancel context.CancelFunc
	e      *engine
	// report: the task sends progress messages.
	report      bool
	done, total atomic.Int64
	note        string
	// over is set (under tasks.mu) when the task has answered, failed or
	// been cancelled; nothing of it goes out afterwards.
	over bool
	// lastProgress is when its progress was last reported (under tasks.mu).
	lastProgress time.Time
}

// tasks are the live tasks of a session.
type tasks struct {
	mu   sync.Mutex
	live map[string]*task
	wg   sync.WaitGroup
}

// progressMsg reports a long computation's progress.
type progressMsg struct {
	Type  string `json:"type"`
	Task  string `json:"task"`
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
	Note  string `json:"note,omitempty"`
}

// launchOption changes how a task starts.
type launchOption int

// quietStart: a reporting task sends no progress when it starts, only once
// it has worked for progressInterval (or calls startReporting), so a task
// that is usually quick sends none.
const quietStart launchOption = 1

// heavyTask: the work waits for a turn of the heavy pool (heavy.go) and
// runs on a slot's share of the cores.
const heavyTask launchOption = 2

// launch cancels any live task of this name and starts work in a new one;
// total and note describe its progress when report is set. work's error
// (unless the task was cancelled) goes to the page as an error message.
func (e *engine) launch(name string, report bool, total int, note string, work func(t *task) error, opts ...launchOption) {
	e.stopTask(name, false)
	ctx, cancel := context.WithCancel(e.ctx)
	heavy := slices.Contains(opts, heavyTask)
	if heavy {
		ctx = e.heavyContext(ctx)
	}
	t := &task{name: name, ctx: ctx, cancel: cancel, e: e, report: report, note: note, lastProgress: time.Now()}
	t.total.Store(int64(total))
	e.tasks.mu.Lock()
	if e.tasks.live == nil {
		e.tasks.live = map[string]*task{}
	}
	e.tasks.live[name] = t
	if report && !slices.Contains(opts, quietStart) {
		e.pushProgress(t, "")
	}
	e.tasks.mu.Unlock()
	e.startChores()
	e.tasks.wg.Go(func() {
		defer cancel()
		var err error
		if heavy {
			var release func()
			if release, err = e.admit(ctx); err == nil {
				defer release()
			}
		}
		if err == nil {
			err = work(t)
		}
		e.tasks.mu.Lock()
		defer e.tasks.mu.Unlock()
		if err != nil && !t.over && ctx.Err() == nil {
			pushErr(e.out, err, e.fail)
		}
		t.over = true
	})
}

// stopTask cancels the live task of this name, if any; with announce, the
// page gets a last progress message with the note "cancelled". It reports
// whether a task was running.
func (e *engine) stopTask(name string, announce bool) bool {
	e.tasks.mu.Lock()
	defer e.tasks.mu.Unlock()
	t := e.tasks.live[name]
	if t == nil {
		return false
	}
	delete(e.tasks.live, name)
	running := !t.over
	t.over = true
	t.cancel()
	if announce && running && t.report {
		e.pushProgress(t, "cancelled")
	}
	return running
}

// stopTasks cancels every task (a new scene).
func (e *engine) stopTasks() {
	e.tasks.mu.Lock()
	names := make([]string, 0, len(e.tasks.live))
	for name := range e.tasks.live {
		names = append(names, name)
	}
	e.tasks.mu.Unlock()
	for _, name := range names {
		e.stopTask(name, false)
	}
}

// running reports whether a task of this name is working.
func (e *engine) running(name string) bool {
	e.tasks.mu.Lock()
	defer e.tasks.mu.Unlock()
	t := e.tasks.live[name]
	return t != nil && !t.over
}

// reportProgress sends the progress of every reporting task that has not
// reported for a while, and forgets the tasks that are over. It reports
// whether any task still works.
func (e *engine) reportProgress(now time.Time) bool {
	e.tasks.mu.Lock()
	defer e.tasks.mu.Unlock()
	busy := false
	for name, t := range e.tasks.live {
		if t.over {
			delete(e.tasks.live, name)
			continue
		}
		busy = true
		if t.report && now.Sub(t.lastProgress) >= progressInterval {
			t.lastProgress = now
			e.pushProgress(t, "")
		}
	}
	return busy
}

// pushProgress queues t's progress; called with tasks.mu held. A waiting
// progress message of the same task is replaced.
func (e *engine) pushProgress(t *task, note string) {
	if note == "" {
		note = t.note
	}
	m := progressMsg{Type: "progress", Task: t.name, Done: t.done.Load(), Total: t.total.Load(), Note: note}
	m.Done = min(m.Done, m.Total)
	b, _ := json.Marshal(m)
	if err := e.out.pushMsg("progress:"+t.name, b); err != nil {
		e.fail(err)
	}
}

// send queues a message of the task while it is live; final ends it (its
// answer: nothing more of it goes out).
func (t *task) send(kind string, v any, final bool) {
	b, err := json.Marshal(v)
	if err != nil {
		t.e.srv.log.Error("stream: encoding a message", "type", kind, "err", err)
		b, _ = json.Marshal(errorMsg{Type: "error", Error: "internal error encoding a " + kind + " message"})
		kind = "error"
	}
	t.sendBytes(kind, b, final)
}

func (t *task) sendBytes(kind string, b []byte, final bool) {
	e := t.e
	e.tasks.mu.Lock()
	defer e.tasks.mu.Unlock()
	if t.over || t.ctx.Err() != nil {
		return
	}
	if final {
		t.over = true
	}
	if err := e.out.pushMsg(kind, b); err != nil {
		e.fail(err)
	}
}

// startReporting sends t's progress now (a quiet task found to be slow);
// the engine's chores carry on from there.
func (t *task) startReporting() {
	e := t.e
	e.tasks.mu.Lock()
	defer e.tasks.mu.Unlock()
	if t.over || t.ctx.Err() != nil || !t.report {
		return
	}
	t.lastProgress = time.Now()
	e.pushProgress(t, "")
}

// count records one unit of work done.
func (t *task) count() { t.done.Add(1) }
