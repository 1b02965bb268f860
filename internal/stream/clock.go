package stream

import (
	"sync"
	"time"
)

// The frame clock: one ticker for every session playing at frame rate (60
// steps a second or more), instead of a runtime timer each. Its listeners
// are spread over clockPhases phases of the frame, each beaten in turn, so
// a thousand sessions do not all step (and write) at the same instant: a
// session's frame waits only for the sessions of its own phase. Its
// goroutine runs only while some engine listens. Sessions slower than the
// frame rate keep a ticker of their own (startTicker).
type clock struct {
	mu     sync.Mutex
	phases [clockPhases]map[chan time.Time]struct{}
	phase  map[chan time.Time]int // each listener's phase
	stop   chan struct{}          // closed when the last listener goes; nil while idle
}

const clockPhases = 8

// listen makes beat receive the clock's ticks, once a frame (dropped when
// the engine is still busy with the last, as a time.Ticker drops them).
func (c *clock) listen(beat chan time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase == nil {
		c.phase = map[chan time.Time]int{}
		for i := range c.phases {
			c.phases[i] = map[chan time.Time]struct{}{}
		}
	}
	if _, ok := c.phase[beat]; ok {
		return
	}
	p := 0 // the emptiest phase
	for i := range c.phases {
		if len(c.phases[i]) < len(c.phases[p]) {
			p = i
		}
	}
	c.phases[p][beat] = struct{}{}
	c.phase[beat] = p
	if c.stop == nil {
		c.stop = make(chan struct{})
		go c.run(c.stop)
	}
}

// leave stops the ticks to beat; the clock stops with its last listener.
func (c *clock) leave(beat chan time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.phase[beat]
	if !ok {
		return
	}
	delete(c.phases[p], beat)
	delete(c.phase, beat)
	if len(c.phase) == 0 && c.stop != nil {
		close(c.stop)
		c.stop = nil
	}
}

func (c *clock) run(stop chan struct{}) {
	step := frameInterval / clockPhases
	t := time.NewTicker(step)
	defer t.Stop()
	// The phases due are counted from the clock's start, not from its
	// ticks: a tick the runtime dropped (the clock's goroutine was late)
	// beats its phase on the next, so no session loses a frame to it.
	start, next := time.Now(), int64(1)
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			due := int64(now.Sub(start) / step)
			next = max(next, due-clockPhases+1) // each phase once, however late
			c.mu.Lock()
			for ; next <= due; next++ {
				for beat := range c.phases[next%clockPhases] {
					select {
					case beat <- now:
					default:
					}
				}
			}
			c.mu.Unlock()
		}
	}
}

// The write watch: a write to a page that takes longer than WriteTimeout
// drops the page. One goroutine checks every session's write in progress,
// so a write needs no timer and context of its own (at 60 frames a second
// a session made 60 of each a second). It runs while sessions are live.
type writeWatch struct {
	srv  *Server
	stop chan struct{} // nil while no session is live
}

// start runs the watch; called with srv.mu held.
func (w *writeWatch) start() {
	if w.stop == nil {
		w.stop = make(chan struct{})
		go w.run(w.stop)
	}
}

// end stops the watch; called with srv.mu held.
func (w *writeWatch) end() {
	if w.stop != nil {
		close(w.stop)
		w.stop = nil
	}
}

func (w *writeWatch) run(stop chan struct{}) {
	limit := w.srv.opts.WriteTimeout
	// Checked every quarter of the limit: a stuck write is dropped between
	// WriteTimeout and 1.25 × WriteTimeout after it began.
	t := time.NewTicker(max(limit/4, time.Millisecond))
	defer t.Stop()
	var stuck []*session
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			s := w.srv
			s.mu.Lock()
			for ss := range s.sessions {
				if began := ss.writing.Load(); began != 0 && now.UnixNano()-began >= int64(limit) {
					stuck = append(stuck, ss)
				}
			}
			s.mu.Unlock()
			for _, ss := range stuck {
				if ss.ctx.Err() == nil {
					s.log.Info("stream: a write took longer than the write timeout; dropping the page", "timeout", limit)
				}
				ss.conn.CloseNow() // the reader sees it and ends the session
			}
			clear(stuck)
			stuck = stuck[:0]
		}
	}
}
