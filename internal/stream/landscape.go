package stream

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// landscapeMsg is a grid of loss values as POST /api/landscape answers it
// (row-major with y outermost), with its message type.
type landscapeMsg struct {
	Type string `json:"type"`
	*landscape.Grid
	Plane *zoo.PlaneInfo `json:"plane,omitempty"` // a projected objective's, without its vectors
	// Partial marks a coarse pass of a projected landscape; the final one
	// has none.
	Partial bool `json:"partial,omitempty"`
}

// encodedCache keeps the last few encoded landscape messages: a class on
// one lesson asks for the same grid hundreds of times, and encoding a
// 256×256 grid costs more than computing it. Sessions that want the same
// grid at once wait for one encoding and share its bytes, so a class of
// slow pages holds one copy of a 512² landscape (4.7 MB), not one each.
type encodedCache struct {
	mu       sync.Mutex
	order    []landscape.GridKey
	byKey    map[landscape.GridKey][]byte
	inflight map[landscape.GridKey]*encoding
	encoded  int // encodings done, for tests
}

// encoding is one landscape being encoded; done closes when b and err are set.
type encoding struct {
	done chan struct{}
	b    []byte
	err  error
}

const encodedCacheSize = 16

func (c *encodedCache) get(key landscape.GridKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.byKey[key]
	return b, ok
}

// encode returns key's cached bytes, or waits for an encoding of key under
// way, or runs enc and caches what it returns.
func (c *encodedCache) encode(key landscape.GridKey, enc func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if b, ok := c.byKey[key]; ok {
		c.mu.Unlock()
		return b, nil
	}
	if w, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-w.done
		if w.err == nil {
			return w.b, nil
		}
		return enc()
	}
	if c.inflight == nil {
		c.inflight = map[landscape.GridKey]*encoding{}
	}
	w := &encoding{done: make(chan struct{})}
	c.inflight[key] = w
	c.mu.Unlock()

	w.b, w.err = enc()
	c.mu.Lock()
	delete(c.inflight, key)
	if w.err == nil {
		c.put(key, w.b)
		c.encoded++
	}
	c.mu.Unlock()
	close(w.done)
	return w.b, w.err
}

// put caches b as key's bytes; called with mu held.
func (c *encodedCache) put(key landscape.GridKey, b []byte) {
	if c.byKey == nil {
		c.byKey = map[landscape.GridKey][]byte{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	if len(c.order) >= encodedCacheSize {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, key)
	c.byKey[key] = b
}

// landscapeTask sends the landscape of the scene's current view: at once
// from the cache, or from a task beside the runs, so stepping never waits
// on it. A projected plane comes coarse to fine (a partial landscape per
// pass); a 2-D objective's grid is computed whole, after one coarse
// partial when it is slow (a blurred objective). It replaces any landscape
// task still running.
func (e *engine) landscapeTask() {
	e.stopTask(taskLandscape, false)
	sc, v := e.sc, e.view
	if !sc.Projected() && sc.Obj.Dim() != 2 {
		e.sendErr(fielderr.New("objective", "a %d-dimensional objective has no plane to draw here", sc.Obj.Dim()))
		return
	}
	check := landscape.CheckGrid
	if sc.Projected() {
		check = zoo.CheckGrid
	}
	if err := check(v.X, v.Y, v.NX, v.NY); err != nil {
		e.sendErr(err)
		return
	}
	key := sc.GridKey(v.X, v.Y, v.NX, v.NY)
	if b, ok := e.srv.encoded.get(key); ok {
		if err := e.out.pushMsg("landscape", b); err != nil {
			e.fail(err)
		}
		return
	}
	if !sc.Projected() {
		// Progress only once the grid has taken a while (or promises to):
		// most 2-D grids take a few milliseconds, outside the heavy pool.
		opts := []launchOption{quietStart}
		if heavyGrid(sc.Obj, v.NX, v.NY) {
			opts = append(opts, heavyTask)
		}
		e.launch(taskLandscape, true, v.NX*v.NY, fmt.Sprintf("%d×%d grid", v.NX, v.NY), func(t *task) error {
			g, err := e.srv.grids.Compute(t.ctx, key, func(ctx context.Context) (*landscape.Grid, error) {
				return flatGrid(ctx, t, sc.Obj, v)
			})
			if err != nil {
				return err
			}
			return e.finishLandscape(t, key, landscapeMsg{Type: "landscape", Grid: g})
		}, opts...)
		return
	}
	pi := sc.View.Info(false)
	note := fmt.Sprintf("%d×%d plane, coarse to fine", v.NX, v.NY)
	e.launch(taskLandscape, true, v.NX*v.NY, note, func(t *task) error {
		pass := func(g *landscape.Grid) {
			t.send("landscape", landscapeMsg{Type: "landscape", Grid: g, Plane: &pi, Partial: true}, false)
		}
		g, err := sc.View.GridPasses(t.ctx, e.srv.grids, v.X, v.Y, v.NX, v.NY, pass, t.count)
		if err != nil {
			return err
		}
		return e.finishLandscape(t, key, landscapeMsg{Type: "landscape", Grid: g, Plane: &pi})
	}, heavyTask)
}

// finishLandscape encodes, caches and sends t's final landscape.
func (e *engine) finishLandscape(t *task, key landscape.GridKey, m landscapeMsg) error {
	if hold := e.srv.beforeFinalLandscape; hold != nil {
		hold(t.ctx)
	}
	b, err := e.srv.encoded.encode(key, func() ([]byte, error) { return appendLandscape(nil, &m) })
	if err != nil {
		return err
	}
	t.sendBytes("landscape", b, true)
	return nil
}

// Coarse pass of a slow 2-D grid.
const (
	flatStride = 8                      // every 8th point each way: 1/64 of the work
	slowGrid   = 100 * time.Millisecond // a grid estimated to take longer gets a coarse pass and progress at once
)

// flatGrid computes a 2-D objective's grid over v as /api/landscape does
// (landscape.EvalGrid, so the values are its to the bit), counting points
// for t's progress. It first times a coarse pass of every flatStride-th
// point; when that promises a slow grid, the pass goes to the page as a
// partial landscape (every point holding its evaluated neighbour
// above-left) and progress starts at once.
func flatGrid(ctx context.Context, t *task, obj landscape.Objective, v viewMsg) (*landscape.Grid, error) {
	coarse, perPoint := coarseGrid(ctx, obj, v)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if estimate := perPoint * time.Duration(v.NX*v.NY/runtime.GOMAXPROCS(0)); estimate >= slowGrid {
		t.startReporting()
		t.send("landscape", landscapeMsg{Type: "landscape", Grid: coarse, Partial: true}, false)
	}
	return landscape.EvalGrid(ctx, countingObjective{obj, t.count}, v.X, v.Y, v.NX, v.NY)
}

// coarseGrid evaluates every flatStride-th point of v's grid and fills the
// rest from the evaluated neighbour above-left; values that are not finite
// become the range's ends, as in landscape.EvalGrid. perPoint is the median
// time of one of its evaluations: the median, not the mean, so that a
// preemption or a collection on a loaded machine during a few of them does
// not make a quick grid look slow (a 16×16 quadratic did, and came with a
// coarse pass and progress it did not need).
func coarseGrid(ctx context.Context, obj landscape.Objective, v viewMsg) (g *landscape.Grid, perPoint time.Duration) {
	g = &landscape.Grid{X: v.X, Y: v.Y, NX: v.NX, NY: v.NY, Values: make([]float64, v.NX*v.NY)}
	lo, hi := math.Inf(1), math.Inf(-1)
	p := make([]float64, 2)
	times := make([]time.Duration, 0, (v.NX/flatStride+1)*(v.NY/flatStride+1))
	for j := 0; j < v.NY; j += flatStride {
		if ctx.Err() != nil {
			return nil, 0
		}
		p[1] = g.YAt(j)
		for i := 0; i < v.NX; i += flatStride {
			p[0] = g.XAt(i)
			start := time.Now()
			f := obj.Value(p)
			times = append(times, time.Since(start))
			if !math.IsNaN(f) && !math.IsInf(f, 0) {
				lo, hi = min(lo, f), max(hi, f)
			}
			g.Values[j*v.NX+i] = f
		}
	}
	if lo > hi {
		lo, hi = 0, 0
	}
	g.Min, g.Max = lo, hi
	slices.Sort(times)
	perPoint = times[len(times)/2]
	for j := range v.NY {
		for i := range v.NX {
			f := g.Values[j/flatStride*flatStride*v.NX+i/flatStride*flatStride]
			switch {
			case math.IsInf(f, -1):
				f = lo
			case math.IsNaN(f) || math.IsInf(f, 1):
				f = hi
			}
			g.Values[j*v.NX+i] = f
		}
	}
	return g, perPoint
}

// countingObjective counts each value for a task's progress.
type countingObjective struct {
	landscape.Objective
	count func()
}

func (c countingObjective) Value(x []float64) float64 {
	f := c.Objective.Value(x)
	c.count()
	return f
}

var _ landscape.Objective = countingObjective{}
