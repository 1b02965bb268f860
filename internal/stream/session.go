package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// Pacing.
const (
	frameInterval = time.Second / 60 // frames go out at most this often
	maxFramePts   = 200              // steps per run in one frame (a tick's, a step command's chunk)
	maxDebt       = 0.25             // seconds of steps a late tick may catch up
)

// sessionWide is the "run" of a status that concerns the whole session
// (paused, running).
const sessionWide = -1

// engine owns a session's scene and steps it; it runs in its own goroutine
// and talks to the page only through the outbox.
type engine struct {
	srv  *Server
	out  *outbox
	fail func(error) // ends the session (outbox overflow)

	sc       *scene.Scene
	ended    []bool
	playing  bool
	speed    float64
	maxSteps int
	view     viewMsg

	ticker *time.Ticker   // slower than frames: a clock of its own
	beat   chan time.Time // at frame rate: the server's clock (clock.go); nil when not listening
	last   time.Time      // when steps were last paid out
	debt   float64        // steps owed since last, fractional
	// owed is what step commands still owe: paid out maxFramePts at a
	// time, each frame once the writer took the last (payOwed).
	owed int

	ctx     context.Context // the session's
	tasks   tasks           // long computations beside the engine (tasks.go)
	chores  *time.Ticker    // progress reports and decision regions; nil when idle
	hist    []*history      // per run, for fidelity; nil for a 2-D objective
	regions *regionsSub     // nil: not subscribed
	sharp   *sharpSub       // nil: no sharpness trace (sharpness.go)

	// Rooms (roomsession.go).
	ss     *session
	rec    *recipe   // how a fork would rebuild this scene at its step
	script []any     // commands still to handle before the page's (a fork's replay)
	hub    *hub      // the room followed
	fl     *follower // its place in it
}

func newEngine(srv *Server, out *outbox, fail func(error)) *engine {
	return &engine{srv: srv, out: out, fail: fail, speed: DefaultSpeed, maxSteps: DefaultMaxSteps}
}

// loop handles commands and ticks until ctx ends.
// Every task the engine started has ended when it returns.
func (e *engine) loop(ctx context.Context, cmds <-chan any) {
	e.ctx = ctx
	defer e.tasks.wg.Wait() // ctx has ended: every task is cancelled
	defer e.stopChores()
	defer e.stopTicker()
	defer e.leaveRoom()
	for {
		if e.owed == 0 && len(e.script) > 0 {
			if ctx.Err() != nil {
				return
			}
			c := e.script[0]
			e.script = e.script[1:]
			e.handle(ctx, c)
			continue
		}
		var tick, chore <-chan time.Time
		var taken <-chan struct{}
		in := cmds
		if e.ticker != nil {
			tick = e.ticker.C
		} else if e.beat != nil {
			tick = e.beat
		}
		if e.chores != nil {
			chore = e.chores.C
		}
		if e.owed > 0 {
			// A step command is being paid out: commands after it wait,
			// as they would behind one long step.
			in, taken = nil, e.out.taken
		}
		select {
		case <-ctx.Done():
			return
		case c := <-in:
			e.handle(ctx, c)
		case now := <-tick:
			e.tick(now)
		case now := <-chore:
			e.chore(now)
		case <-taken:
			e.payOwed()
		}
	}
}

// payOwed advances the steps step commands still owe, at most maxFramePts
// a frame, while no frame waits for the writer: a replay to step k sends
// every step, in bounded memory, at the pace the page reads.
func (e *engine) payOwed() {
	for e.owed > 0 && !e.out.frameWaiting() {
		if e.ctx.Err() != nil || e.allEnded() {
			e.owed = 0
			return
		}
		n := min(e.owed, maxFramePts)
		e.owed -= n
		e.advance(n, time.Now())
	}
	if e.allEnded() {
		e.owed = 0
	}
}

// chore reports the progress of long computations and draws the decision
// regions; it stops its clock when there is nothing left to do.
func (e *engine) chore(now time.Time) {
	busy := e.reportProgress(now)
	if e.regions != nil {
		e.drawRegions(now, false)
		busy = true
	}
	if !busy {
		e.stopChores()
	}
}

func (e *engine) startChores() {
	if e.chores == nil {
		e.chores = time.NewTicker(choreInterval)
	}
}

func (e *engine) stopChores() {
	if e.chores != nil {
		e.chores.Stop()
		e.chores = nil
		if e.ss != nil {
			e.ss.idled.Add(1)
		}
	}
}

func (e *engine) handle(ctx context.Context, c any) {
	switch c.(type) {
	case engineFollow, engineFork, engineDrive:
		e.handleRoom(c)
		return
	}
	if _, ok := c.(startCmd); !ok && e.sc == nil {
		e.sendErr(fielderr.New("type", `no scene yet: send "start" first`))
		return
	}
	switch c := c.(type) {
	case startCmd:
		e.start(ctx, c)
	case pauseCmd:
		e.pause("")
	case resumeCmd:
		e.resume()
	case stepCmd:
		if e.allEnded() {
			e.sendStatus(sessionWide, optim.Paused, e.endedReason(), -1)
			return
		}
		e.pause("")
		e.owed += c.n
		e.payOwed()
	case resetCmd:
		e.recordEvent(recipeEvent{K: e.curK(), Reset: true})
		for _, r := range e.sc.Runs {
			r.Reset()
		}
		e.begin()
		e.publishRecipe()
	case speedCmd:
		e.speed = c.speed
		if e.playing {
			e.startTicker()
		}
		if e.rec != nil {
			e.rec.Speed = c.speed
			e.publishRecipe()
		}
	case setCmd:
		e.set(c)
	case viewCmd:
		e.view = c.view
		e.sendLandscape()
		if e.rec != nil {
			e.rec.View = c.view
			e.publishRecipe()
		}
	case planeCmd:
		e.replane(ctx, c)
	case hessianCmd:
		e.geometry(c)
	case cancelCmd:
		if c.task == taskSharpness {
			e.cancelSharpness()
			return
		}
		e.stopTask(c.task, true)
	case spectrumCmd:
		e.spectrum(c)
	case interpolateCmd:
		e.interpolate(c)
	case fidelityCmd:
		e.fidelity(c)
	case regionsCmd:
		e.subscribeRegions(c)
	case hypermapCmd:
		e.hypermap(c)
	case basinsCmd:
		e.basins(c)
	case sharpnessCmd:
		e.subscribeSharpness(c)
	case decayCmd:
		e.decay(c)
	case honestCmd:
		e.honest(c)
	default:
		panic(fmt.Sprintf("stream: unknown command %T", c))
	}
}

func (e *engine) start(ctx context.Context, c startCmd) {
	sc, err := scene.Build(c.req)
	if err != nil {
		e.sendErr(err)
		return
	}
	e.stopTicker()
	e.stopTasks()
	e.sc, e.speed, e.maxSteps = sc, c.speed, c.maxSteps
	if c.view != nil {
		e.view = *c.view
	} else {
		d := sc.Info.Domain
		side := DefaultGrid
		if sc.Projected() {
			side = zoo.DefaultGridSide // each point is a pass over the model's data
		}
		e.view = viewMsg{X: d.X, Y: d.Y, NX: side, NY: side}
	}
	e.view.Type = ""
	e.rec = &recipe{Speed: c.speed, MaxSteps: c.maxSteps, View: e.view}
	e.rec.Start, _ = json.Marshal(c.req)
	e.out.pushMsg("_start", nil) // a room's state starts afresh
	e.publishRecipe()
	e.sendScene()
	e.sendDataset()
	e.keepRegions()
	e.keepSharpness()
	e.sendLandscape()
	e.playing = !c.paused
	e.begin()
}

// replane starts the scene again on another plane: the runs as they are
// now configured (hyperparameters set live included) from θ₀, at the same
// speed, playing or paused as before, seen on the new plane's domain. A
// three-point plane without k takes its run's current step, so the new
// plane passes through the point the run has reached.
func (e *engine) replane(ctx context.Context, c planeCmd) {
	sc := e.sc
	if !sc.Projected() {
		e.sendErr(fielderr.New("type", "%s is drawn on its own axes; a plane is chosen only for a projected, high-dimensional objective", sc.Info.ID))
		return
	}
	if r := c.plane.Run; r != nil && *r >= len(sc.Runs) {
		e.sendErr(fielderr.New("run", "no run %d: the scene has runs 0 to %d", *r, len(sc.Runs)-1))
		return
	}
	if c.now {
		c.plane.K = sc.Runs[*c.plane.Run].Current().K
	}
	req := sc.Request
	req.Start, req.Plane = nil, &c.plane
	req.Runs = e.currentRunSpecs()
	e.start(ctx, startCmd{req: req, speed: e.speed, maxSteps: e.maxSteps, paused: !e.playing})
}

// currentRunSpecs are the scene's runs as now configured (hyperparameters
// set live included).
func (e *engine) currentRunSpecs() []scene.RunSpec {
	sc := e.sc
	runs := make([]scene.RunSpec, len(sc.Runs))
	for i, r := range sc.Runs {
		cfg := r.Config()
		runs[i] = scene.RunSpec{Optimizer: cfg.Optimizer, Hyper: scene.Hyper{Num: cfg.Hyper, Choice: cfg.Choice},
			Clip: cfg.Clip, Schedule: cfg.Schedule, Label: sc.Request.Runs[i].Label}
	}
	return runs
}

// begin sends every run's first point and status (after start and reset)
// and the session's status, and starts the clock if playing.
func (e *engine) begin() {
	e.ended = make([]bool, len(e.sc.Runs))
	e.hist = nil
	if e.sc.Projected() {
		e.hist = newHistories(len(e.sc.Runs), e.sc.Obj.Dim())
	}
	if e.sharp != nil {
		e.restartSharpness()
	}
	f := &frame{t: nowMs(), runs: make([][]scene.Point, len(e.sc.Runs))}
	for i, r := range e.sc.Runs {
		f.runs[i] = []scene.Point{e.sc.PointOf(i, r.Current(), scene.Full)}
		e.track(i, r.Current())
		e.sharpTrack(i)
	}
	if e.regions != nil {
		e.regions.lastK = -1
		e.startChores()
	}
	e.push(f)
	for i, r := range e.sc.Runs {
		st := r.Current()
		reason, stat := e.sc.Outcome(i)
		status := st.Status
		if status == optim.Running && st.K >= e.maxSteps { // max_steps 0: the start alone
			status, reason = optim.MaxSteps, fmt.Sprintf("reached max_steps = %d", e.maxSteps)
		}
		e.sendRunStatus(i, status, reason, st.K, stat)
		e.ended[i] = status != optim.Running
	}
	if e.allEnded() {
		e.playing = false
	}
	if e.playing {
		e.startTicker()
	} else {
		e.stopTicker()
	}
	e.sendStatus(sessionWide, e.sessionStatus(), e.endedReason(), -1)
}

func (e *engine) pause(reason string) {
	if !e.playing {
		return
	}
	e.playing = false
	e.stopTicker()
	e.sendStatus(sessionWide, optim.Paused, reason, -1)
}

func (e *engine) resume() {
	if e.playing {
		return
	}
	if e.allEnded() {
		e.sendStatus(sessionWide, optim.Paused, e.endedReason(), -1)
		return
	}
	e.playing = true
	e.startTicker()
	e.sendStatus(sessionWide, optim.Running, "", -1)
}

func (e *engine) sessionStatus() optim.Status {
	if e.playing {
		return optim.Running
	}
	return optim.Paused
}

func (e *engine) allEnded() bool {
	for _, d := range e.ended {
		if !d {
			return false
		}
	}
	return true
}

func (e *engine) endedReason() string {
	if e.sc != nil && e.allEnded() {
		return "every run has ended"
	}
	return ""
}

// startTicker (re)starts the clock at the current speed: one tick per
// frame (the server's frame clock, shared by every session at that pace),
// or per step when steps are slower than frames (a ticker of its own).
func (e *engine) startTicker() {
	d := max(frameInterval, time.Duration(float64(time.Second)/e.speed))
	if d <= frameInterval {
		if e.ticker != nil {
			e.ticker.Stop()
			e.ticker = nil
		}
		if e.beat == nil {
			e.beat = make(chan time.Time, 1)
			e.srv.clock.listen(e.beat)
		}
	} else {
		e.leaveClock()
		if e.ticker == nil {
			e.ticker = time.NewTicker(d)
		} else {
			e.ticker.Reset(d)
		}
	}
	e.last, e.debt = time.Now(), 0
}

func (e *engine) stopTicker() {
	if e.ticker != nil {
		e.ticker.Stop()
		e.ticker = nil
	}
	e.leaveClock()
}

func (e *engine) leaveClock() {
	if e.beat != nil {
		e.srv.clock.leave(e.beat)
		e.beat = nil
	}
}

// tick pays out the steps owed since the last tick.
func (e *engine) tick(now time.Time) {
	e.debt += now.Sub(e.last).Seconds() * e.speed
	e.last = now
	e.debt = min(e.debt, max(1, maxDebt*e.speed)) // a stalled tick does not burst
	// Round to the nearest step, so a tick a hair early still steps once
	// (the debt may go slightly negative and is repaid on the next tick).
	// A late tick pays at most one frame's worth; the rest of the debt
	// (capped above) waits for the next ticks, so no step is thinned out.
	n := min(int(math.Floor(e.debt+0.5)), maxFramePts)
	if n <= 0 {
		return
	}
	e.debt -= float64(n)
	e.advance(n, now)
}

// advance steps every unfinished run n times in lock-step and queues one
// frame with every step (n ≤ maxFramePts); the newest carries full detail.
func (e *engine) advance(n int, now time.Time) {
	f := getFrame(timeMs(now), len(e.sc.Runs))
	var endedNow []int
	for i, r := range e.sc.Runs {
		if e.ended[i] {
			continue
		}
		pts := f.runs[i][:0]
		for j := 1; j <= n; j++ {
			before := r.Current().K
			st := r.Step()
			if st.K == before {
				// A step the method could not take (optim.Run.Step): the run
				// ended where it stood, a point already drawn; only its
				// status says so. The frame's newest point carries the detail.
				if m := len(pts); m > 0 {
					pts[m-1] = e.sc.PointOf(i, st, scene.Full)
				}
				break
			}
			e.track(i, st)
			e.sharpTrack(i)
			last := j == n || r.Done() || st.K >= e.maxSteps
			if last {
				pts = append(pts, e.sc.PointOf(i, st, scene.Full))
				break
			}
			pts = append(pts, e.sc.PointOf(i, st, scene.Compact))
		}
		f.runs[i] = pts
		if st := r.Current(); r.Done() || st.K >= e.maxSteps {
			e.ended[i] = true
			endedNow = append(endedNow, i)
		}
	}
	if f.points() > 0 {
		e.push(f)
	} else {
		putFrame(f)
	}
	for _, i := range endedNow {
		st := e.sc.Runs[i].Current()
		status := st.Status
		if status == optim.Running {
			status = optim.MaxSteps
		}
		reason, stat := e.sc.Outcome(i)
		if status == optim.MaxSteps {
			reason = fmt.Sprintf("reached max_steps = %d", e.maxSteps)
		}
		e.sendRunStatus(i, status, reason, st.K, stat)
	}
	if len(endedNow) > 0 && e.allEnded() {
		e.pause(e.endedReason())
	}
}

func (e *engine) set(c setCmd) {
	if c.run < 0 || c.run >= len(e.sc.Runs) {
		e.sendErr(fielderr.New("run", "no run %d: the scene has runs 0 to %d", c.run, len(e.sc.Runs)-1))
		return
	}
	err := e.sc.Runs[c.run].Set(c.hyper.Num, c.hyper.Choice, c.clip, c.schedule)
	if err != nil {
		e.sendErr(err)
		return
	}
	hyper, _ := json.Marshal(c.hyper)
	e.recordEvent(recipeEvent{K: e.curK(), Run: c.run, Hyper: hyper, Clip: c.clip, Schedule: c.schedule})
	e.publishRecipe()
	e.sendScene()
}

func (e *engine) push(f *frame) {
	if err := e.out.pushFrame(f); err != nil {
		e.fail(err)
	}
}

func (e *engine) send(kind string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a bug gets here (points are finite by construction); say so
		// rather than send half a message.
		e.srv.log.Error("stream: encoding a message", "type", kind, "err", err)
		b, _ = json.Marshal(errorMsg{Type: "error", Error: "internal error encoding a " + kind + " message"})
	}
	if err := e.out.pushMsg(kind, b); err != nil {
		e.fail(err)
	}
}

// Messages to the page.

type statusMsg struct {
	Type   string       `json:"type"`
	Run    int          `json:"run"`
	Status optim.Status `json:"status"`
	Reason string       `json:"reason,omitempty"`
	K      *int         `json:"k,omitempty"`
	// Stationary, on a run's converged status, is the kind of stationary
	// point it stopped at (scene.Stationary).
	Stationary *scene.Stationary `json:"stationary,omitempty"`
}

type errorMsg struct {
	Type   string `json:"type"`
	Error  string `json:"error"`
	Field  string `json:"field"`
	Offset *int   `json:"offset,omitempty"`
}

func (e *engine) sendStatus(run int, st optim.Status, reason string, k int) {
	e.sendRunStatus(run, st, reason, k, nil)
}

func (e *engine) sendRunStatus(run int, st optim.Status, reason string, k int, stat *scene.Stationary) {
	m := statusMsg{Type: "status", Run: run, Status: st, Reason: reason, Stationary: stat}
	if k >= 0 {
		m.K = &k
	}
	e.send("status", m)
}

func (e *engine) sendErr(err error) { pushErr(e.out, err, e.fail) }

// pushErr queues an error message for err.
func pushErr(out *outbox, err error, fail func(error)) {
	m := errorMsg{Type: "error", Error: err.Error()}
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		m.Error, m.Field = fe.Msg, fe.Field
		if fe.Offset >= 0 {
			m.Offset = &fe.Offset
		}
	}
	b, _ := json.Marshal(m)
	if err := out.pushMsg("error", b); err != nil {
		fail(err)
	}
}

func nowMs() float64 { return timeMs(time.Now()) }

// timeMs is t in milliseconds since the Unix epoch, to the microsecond.
func timeMs(t time.Time) float64 { return math.Round(float64(t.UnixMicro())) / 1000 }
