package landscape

import (
	"container/list"
	"context"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/fielderr"
)

// MaxGridSize bounds nx and ny of a landscape grid.
const MaxGridSize = 1024

// Grid is a landscape: J sampled on an nx × ny lattice spanning the
// rectangle X × Y, ends included, as POST /api/landscape answers it.
// Values are row-major with y outermost: Values[j·NX + i] = J(XAt(i), YAt(j)).
// Every value is finite: where J is not (an overflow, a log of a negative),
// the value is clamped to Max (NaN, +Inf) or Min (−Inf) and Clamped is set.
// A Grid is read-only once made; caches share it.
type Grid struct {
	X       [2]float64 `json:"x"`
	Y       [2]float64 `json:"y"`
	NX      int        `json:"nx"`
	NY      int        `json:"ny"`
	Values  []float64  `json:"values"`
	Min     float64    `json:"min"`
	Max     float64    `json:"max"`
	Clamped bool       `json:"clamped,omitempty"`
}

// XAt is the x coordinate of column i.
func (g *Grid) XAt(i int) float64 { return gridCoord(g.X, i, g.NX) }

// YAt is the y coordinate of row j.
func (g *Grid) YAt(j int) float64 { return gridCoord(g.Y, j, g.NY) }

func gridCoord(r [2]float64, i, n int) float64 {
	if i == n-1 {
		return r[1] // the far end exactly, not to rounding
	}
	return r[0] + (r[1]-r[0])*float64(i)/float64(n-1)
}

// EvalGrid samples the 2-D objective obj on an nx × ny grid over x × y,
// rows spread over budget.Workers(ctx) workers (GOMAXPROCS, or a heavy
// slot's share of the cores). obj is shared by the
// workers, so its Value must be safe for concurrent use (every catalogue
// objective's is). It stops early with ctx's error when ctx is done. Bad
// ranges or sizes are *fielderr.Error on "x", "y", "nx" or "ny".
func EvalGrid(ctx context.Context, obj Objective, x, y [2]float64, nx, ny int) (*Grid, error) {
	return evalGrid(ctx, obj, x, y, nx, ny, budget.Workers(ctx))
}

// CheckGrid validates the ranges and sizes of a landscape request.
func CheckGrid(x, y [2]float64, nx, ny int) error {
	for _, r := range []struct {
		field string
		v     [2]float64
	}{{"x", x}, {"y", y}} {
		if err := fielderr.Finite(r.field, r.v[:]); err != nil {
			return err
		}
		if !(r.v[0] < r.v[1]) {
			return fielderr.New(r.field, "must be [lo, hi] with lo < hi, got [%g, %g]", r.v[0], r.v[1])
		}
	}
	for _, s := range []struct {
		field string
		n     int
	}{{"nx", nx}, {"ny", ny}} {
		if s.n < 2 || s.n > MaxGridSize {
			return fielderr.New(s.field, "must be between 2 and %d, got %d", MaxGridSize, s.n)
		}
	}
	return nil
}

// evalGrid is EvalGrid with a chosen number of workers. Each value is
// computed alone, so the result does not depend on workers, to the bit.
func evalGrid(ctx context.Context, obj Objective, x, y [2]float64, nx, ny, workers int) (*Grid, error) {
	if err := CheckGrid(x, y, nx, ny); err != nil {
		return nil, err
	}
	if obj.Dim() != 2 {
		return nil, errors.New("landscape: a grid needs a 2-D objective; project it onto a plane first")
	}
	g := &Grid{X: x, Y: y, NX: nx, NY: ny, Values: make([]float64, nx*ny)}
	xs := make([]float64, nx)
	for i := range xs {
		xs[i] = g.XAt(i)
	}
	workers = max(1, min(workers, ny))
	var next atomic.Int64 // the next row to take: rows are handed out one at a time, so slow rows balance
	var wg sync.WaitGroup
	stats := make([]rangeStats, workers) // each worker's own, so the min/max scan runs in parallel too
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := make([]float64, 2) // each worker its own point
			st := newRangeStats()
			defer func() { stats[w] = st }()
			for {
				j := int(next.Add(1) - 1)
				if j >= ny || ctx.Err() != nil {
					return
				}
				p[1] = g.YAt(j)
				row := g.Values[j*nx : (j+1)*nx]
				for i := range row {
					p[0] = xs[i]
					row[i] = obj.Value(p)
				}
				st.add(row)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all := newRangeStats()
	for _, st := range stats {
		all.merge(st)
	}
	g.finish(all)
	return g, nil
}

// rangeStats is the range of the finite values seen, and whether any value
// was not finite.
type rangeStats struct {
	lo, hi    float64
	nonFinite bool
}

func newRangeStats() rangeStats { return rangeStats{lo: math.Inf(1), hi: math.Inf(-1)} }

func (st *rangeStats) add(vs []float64) {
	for _, v := range vs {
		if !isFinite(v) {
			st.nonFinite = true
			continue
		}
		// Plain comparisons: v is finite, and math.Min's NaN and signed-zero
		// care made this scan cost as much as Rosenbrock itself.
		if v < st.lo {
			st.lo = v
		}
		if v > st.hi {
			st.hi = v
		}
	}
}

func (st *rangeStats) merge(o rangeStats) {
	st.lo, st.hi = min(st.lo, o.lo), max(st.hi, o.hi)
	st.nonFinite = st.nonFinite || o.nonFinite
}

// finish sets Min and Max from st and, where a value is not finite,
// replaces it: −Inf by Min, +Inf and NaN by Max.
func (g *Grid) finish(st rangeStats) {
	lo, hi := st.lo, st.hi
	if lo > hi { // nothing finite at all
		lo, hi = 0, 0
	}
	g.Min, g.Max = lo, hi
	g.Clamped = st.nonFinite
	if !g.Clamped {
		return
	}
	for i, v := range g.Values {
		switch {
		case math.IsInf(v, -1):
			g.Values[i] = lo
		case !isFinite(v):
			g.Values[i] = hi
		}
	}
}

// SpecKey is a canonical string for an objective spec, for cache keys:
// parameters sorted, numbers printed exactly.
func SpecKey(s Spec) string {
	var b strings.Builder
	if s.Blur != 0 {
		b.WriteString("blur=")
		b.WriteString(strconv.FormatFloat(s.Blur, 'g', -1, 64))
		b.WriteString(";")
	}
	if s.Expr != "" {
		b.WriteString("expr:")
		b.WriteString(s.Expr)
		return b.String()
	}
	b.WriteString("id:")
	b.WriteString(s.ID)
	names := make([]string, 0, len(s.Params))
	for k := range s.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString(";")
		b.WriteString(k)
		b.WriteString("=")
		b.WriteString(strconv.FormatFloat(s.Params[k], 'g', -1, 64))
	}
	opts := make([]string, 0, len(s.Options))
	for k := range s.Options {
		opts = append(opts, k)
	}
	sort.Strings(opts)
	for _, k := range opts {
		b.WriteString(";")
		b.WriteString(k)
		b.WriteString(":")
		b.WriteString(strconv.Quote(s.Options[k]))
	}
	return b.String()
}

// GridKey identifies a landscape: the objective (a SpecKey, or any string
// that names the function uniquely) and the lattice.
type GridKey struct {
	Objective string
	X, Y      [2]float64
	NX, NY    int
}

// GridCache keeps the most recently used landscapes, at most a fixed
// number, so a scene shown again is not recomputed. Concurrent requests
// for the same key share one computation. It is safe for concurrent use;
// the grids it returns are shared and must not be modified.
type GridCache struct {
	mu       sync.Mutex
	max      int
	lru      *list.List // of *cached, most recent at the front
	byKey    map[GridKey]*list.Element
	inflight map[GridKey]*gridCall
}

type cached struct {
	key  GridKey
	grid *Grid
}

type gridCall struct {
	done chan struct{}
	grid *Grid
	err  error
}

// NewGridCache returns a cache holding at most maxEntries grids (at least 1).
func NewGridCache(maxEntries int) *GridCache {
	return &GridCache{max: max(1, maxEntries), lru: list.New(),
		byKey: make(map[GridKey]*list.Element), inflight: make(map[GridKey]*gridCall)}
}

// Len is the number of grids held.
func (c *GridCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Grid returns the landscape of obj for key, computing it with EvalGrid
// on a miss. obj must be the function key.Objective names. Errors are not
// cached; a caller whose ctx ends while waiting gets ctx's error.
func (c *GridCache) Grid(ctx context.Context, key GridKey, obj Objective) (*Grid, error) {
	return c.Compute(ctx, key, func(ctx context.Context) (*Grid, error) {
		return EvalGrid(ctx, obj, key.X, key.Y, key.NX, key.NY)
	})
}

// Compute is Grid for landscapes that are not a 2-D objective's own (a
// high-dimensional objective seen on a plane): on a miss it calls compute,
// which must return the grid key names. Concurrent callers of one key share
// one call.
func (c *GridCache) Compute(ctx context.Context, key GridKey, compute func(context.Context) (*Grid, error)) (*Grid, error) {
	for {
		c.mu.Lock()
		if el, ok := c.byKey[key]; ok {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			return el.Value.(*cached).grid, nil
		}
		if call, ok := c.inflight[key]; ok {
			c.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if call.err == nil {
				return call.grid, nil
			}
			if errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded) {
				continue // the computing caller gave up; this one may not have
			}
			return nil, call.err
		}
		call := &gridCall{done: make(chan struct{})}
		c.inflight[key] = call
		c.mu.Unlock()

		call.grid, call.err = compute(ctx)

		c.mu.Lock()
		delete(c.inflight, key)
		if call.err == nil {
			c.byKey[key] = c.lru.PushFront(&cached{key: key, grid: call.grid})
			for c.lru.Len() > c.max {
				old := c.lru.Remove(c.lru.Back()).(*cached)
				delete(c.byKey, old.key)
			}
		}
		c.mu.Unlock()
		close(call.done)
		return call.grid, call.err
	}
}
