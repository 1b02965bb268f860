package stream

import (
	"errors"
	"strings"
	"sync"

	"github.com/saddle-viz/saddle/internal/scene"
)

// The outbox is the one buffer between a session's stepping loop and its
// writer goroutine. It holds an ordered queue of waiting messages; frames
// that wait next to each other are merged into one, so a page that reads
// slowly gets fewer, fuller frames while playing (a step command's frames
// are never merged: the engine waits for each to be taken, frameWaiting).
// It never grows without bound:
//
//   - a waiting frame holds at most maxPerRun points per run; beyond that
//     its older points are thinned (every other one dropped, the newest
//     always kept), so a frame always ends with the run's latest point;
//   - a waiting landscape is replaced by a newer one (only the last view
//     matters), and so are decision regions and a task's progress
//     (replaceable);
//   - at most maxItems messages wait; past that the page is not reading at
//     all and the session is closed.
//
// Pushing never blocks: the stepping loop runs at its own pace whatever the
// page does.
type outbox struct {
	maxItems, maxPerRun int

	mu     sync.Mutex
	items  []outItem
	spare  []outItem // the writer's last batch, reused by the next take
	closed bool
	// tee, when set, sees every message pushed but errors and room
	// messages, before it is queued (a room's driver: room.go); kinds
	// starting with "_" go to the tee only. Called with mu held.
	tee func(kind string, b []byte, f *frame)
	// Counters, for tests and the load benchmark.
	pending   int // points waiting now
	peak      int // most points ever waiting at once
	merges    int // frames merged into a waiting one
	thinned   int // points dropped by thinning
	overflows int

	wake  chan struct{} // capacity 1: "there is something to write"
	taken chan struct{} // capacity 1: "the writer took the waiting frames"
}

// outItem is one waiting message: encoded bytes, or a frame that is encoded
// when the writer takes it (so merging stays cheap).
type outItem struct {
	msg   []byte
	kind  string // items of a replaceable kind replace each other
	frame *frame
}

// frame is a batch of points by run; t is when its oldest points were made
// (ms since the Unix epoch), so the page can measure lag.
type frame struct {
	t    float64
	runs [][]scene.Point
}

func (f *frame) points() int {
	n := 0
	for _, r := range f.runs {
		n += len(r)
	}
	return n
}

var errOverflow = errors.New("stream: the page stopped reading")

func newOutbox(maxItems, maxPerRun int) *outbox {
	return &outbox{maxItems: maxItems, maxPerRun: maxPerRun, wake: make(chan struct{}, 1), taken: make(chan struct{}, 1)}
}

// frameWaiting reports whether a frame waits for the writer: the engine
// pays a step command's steps out one frame at a time, the next once the
// writer has taken the last, so no frame of it is ever merged or thinned.
func (o *outbox) frameWaiting() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, it := range o.items {
		if it.frame != nil {
			return true
		}
	}
	return false
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// pushFrame queues f, merging it into a frame that still waits at the end
// of the queue. f is owned by the outbox afterwards.
func (o *outbox) pushFrame(f *frame) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	if o.tee != nil {
		o.tee("frame", nil, f) // before f is merged into (and changed by) a waiting frame
	}
	if n := len(o.items); n > 0 && o.items[n-1].frame != nil {
		o.merge(o.items[n-1].frame, f)
		o.merges++
		putFrame(f) // its points are the waiting frame's now
	} else {
		if len(o.items) >= o.maxItems {
			o.overflows++
			return errOverflow
		}
		for i := range f.runs {
			o.thin(&f.runs[i])
		}
		o.items = append(o.items, outItem{frame: f})
	}
	o.count()
	o.signal()
	return nil
}

// merge appends src's points to dst's, run by run. A run's previous last
// point loses its full detail: only the newest point of a frame carries it.
func (o *outbox) merge(dst, src *frame) {
	for len(dst.runs) < len(src.runs) {
		dst.runs = append(dst.runs, nil)
	}
	for i, pts := range src.runs {
		if len(pts) == 0 {
			continue
		}
		if n := len(dst.runs[i]); n > 0 {
			compact(&dst.runs[i][n-1])
		}
		dst.runs[i] = append(dst.runs[i], pts...)
		o.thin(&dst.runs[i])
	}
}

// thin halves *pts until it fits maxPerRun, keeping the first and the last
// point.
func (o *outbox) thin(pts *[]scene.Point) {
	for len(*pts) > o.maxPerRun {
		p := *pts
		last := p[len(p)-1]
		kept := p[:0]
		for j := 0; j < len(p)-1; j += 2 {
			kept = append(kept, p[j])
		}
		kept = append(kept, last)
		o.thinned += len(p) - len(kept)
		clear(p[len(kept):]) // let the dropped points' slices go
		*pts = kept
	}
	// Appends to a waiting run grow its array past what it holds after
	// thinning; a page that stays behind would keep that slack for good.
	if cap(*pts) > 2*o.maxPerRun {
		*pts = append(make([]scene.Point, 0, o.maxPerRun+o.maxPerRun/2), *pts...)
	}
}

// replaceable reports whether a waiting message of this kind is dropped
// when a newer one comes: only the latest landscape, decision regions,
// picture of a map and progress of a task ("progress:spectrum") matter.
func replaceable(kind string) bool {
	return kind == "landscape" || kind == "regions" || kind == taskHypermap || kind == taskBasins ||
		strings.HasPrefix(kind, "sharpness:") || strings.HasPrefix(kind, "progress:")
}

// pushMsg queues an encoded message. A message of a replaceable kind
// replaces any of its kind still waiting.
func (o *outbox) pushMsg(kind string, b []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	if o.tee != nil && kind != "error" && kind != "room" {
		o.tee(kind, b, nil)
	}
	if strings.HasPrefix(kind, "_") {
		return nil // for the tee only
	}
	if replaceable(kind) {
		kept := o.items[:0]
		for _, it := range o.items {
			if it.kind != kind {
				kept = append(kept, it)
			}
		}
		clear(o.items[len(kept):])
		o.items = kept
	}
	if len(o.items) >= o.maxItems {
		o.overflows++
		return errOverflow
	}
	o.items = append(o.items, outItem{msg: b, kind: kind})
	o.signal()
	return nil
}

// take hands the writer everything waiting. The batch is the writer's
// until its next take, which reuses it: a follower's outbox fans out a
// room's messages without allocating.
func (o *outbox) take() []outItem {
	o.mu.Lock()
	defer o.mu.Unlock()
	items := o.items
	clear(o.spare)
	o.items, o.spare = o.spare[:0], items
	o.pending = 0
	for _, it := range items {
		if it.frame != nil {
			select {
			case o.taken <- struct{}{}:
			default:
			}
			break
		}
	}
	return items
}

// setTee sets (or, with nil, removes) the tee.
func (o *outbox) setTee(fn func(kind string, b []byte, f *frame)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tee = fn
}

// teeing reports whether a tee is set.
func (o *outbox) teeing() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tee != nil
}

// reset drops what waits (a session that starts or stops following a
// room); the outbox stays open.
func (o *outbox) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.items)
	o.items = o.items[:0]
	o.pending = 0
}

// close drops what waits and refuses more.
func (o *outbox) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	o.items = nil
	o.pending = 0
}

// count recomputes the waiting points; called with mu held.
func (o *outbox) count() {
	n := 0
	for _, it := range o.items {
		if it.frame != nil {
			n += it.frame.points()
		}
	}
	o.pending = n
	o.peak = max(o.peak, n)
}

// outboxStats are the outbox's counters.
type outboxStats struct {
	Pending, Peak, Merges, Thinned, Overflows int
}

func (o *outbox) stats() outboxStats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return outboxStats{o.pending, o.peak, o.merges, o.thinned, o.overflows}
}

// compact drops a point's full detail.
func compact(p *scene.Point) {
	p.Grad, p.Update, p.RawGrad, p.UsedGrad, p.State = nil, nil, nil, nil, nil
	p.LR, p.Evals = 0, 0
}

// done is the writer's word that it has encoded f: nothing refers to f
// any more (tees copy what they keep), so its arrays serve a later frame.
func (o *outbox) done(f *frame) { putFrame(f) }

// Frames are recycled: at 60 a second a session made 60 frames and 240
// arrays of points a second for the collector.
var framePool = sync.Pool{New: func() any { return new(frame) }}

// maxPooledPerRun bounds the arrays a pooled frame keeps (a merged frame
// of a slow page's can hold maxPerRun points a run).
const maxPooledPerRun = 16

// getFrame is an empty frame of runs runs made at t.
func getFrame(t float64, runs int) *frame {
	f := framePool.Get().(*frame)
	f.t = t
	if cap(f.runs) < runs {
		f.runs = make([][]scene.Point, runs)
	}
	f.runs = f.runs[:runs]
	return f
}

// putFrame returns f to the pool; nothing may use f afterwards.
func putFrame(f *frame) {
	for i, pts := range f.runs {
		clear(pts) // the points' slices go with them
		if cap(pts) > maxPooledPerRun {
			pts = nil
		}
		f.runs[i] = pts[:0]
	}
	f.runs = f.runs[:0]
	framePool.Put(f)
}
