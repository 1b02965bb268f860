package landscape

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func TestGridValuesAtGridPoints(t *testing.T) {
	for _, c := range catalogueObjectives(t) {
		t.Run(c.name, func(t *testing.T) {
			d := c.info.Domain
			g, err := EvalGrid(context.Background(), c.obj, d.X, d.Y, 33, 17)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Values) != 33*17 {
				t.Fatalf("%d values, want %d", len(g.Values), 33*17)
			}
			if g.XAt(0) != d.X[0] || g.XAt(32) != d.X[1] || g.YAt(0) != d.Y[0] || g.YAt(16) != d.Y[1] {
				t.Errorf("grid does not span the domain: x %v..%v y %v..%v", g.XAt(0), g.XAt(32), g.YAt(0), g.YAt(16))
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for j := range g.NY {
				for i := range g.NX {
					want := c.obj.Value([]float64{g.XAt(i), g.YAt(j)})
					if got := g.Values[j*g.NX+i]; got != want {
						t.Fatalf("value (%d, %d) = %v, want J(%v, %v) = %v", i, j, got, g.XAt(i), g.YAt(j), want)
					}
					lo, hi = math.Min(lo, want), math.Max(hi, want)
				}
			}
			if g.Min != lo || g.Max != hi || g.Clamped {
				t.Errorf("min %v max %v clamped %v, want %v %v false", g.Min, g.Max, g.Clamped, lo, hi)
			}
		})
	}
}

func TestGridParallelEqualsSerial(t *testing.T) {
	ctx := context.Background()
	objs := []Objective{Rosenbrock{}, NewLogisticRegression(), NewRecurrent(30), Blur(Rastrigin{A: 10}, 0.3)}
	for _, obj := range objs {
		serial, err := evalGrid(ctx, obj, [2]float64{-1.3, 1.2}, [2]float64{-1, 2.5}, 40, 31, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{2, 4, 7, 100} {
			par, err := evalGrid(ctx, obj, [2]float64{-1.3, 1.2}, [2]float64{-1, 2.5}, 40, 31, w)
			if err != nil {
				t.Fatal(err)
			}
			for k := range serial.Values {
				if math.Float64bits(serial.Values[k]) != math.Float64bits(par.Values[k]) {
					t.Fatalf("%T, %d workers: value %d = %v, serial %v", obj, w, k, par.Values[k], serial.Values[k])
				}
			}
		}
	}
}

// wild is finite except on three lines.
type wild struct{}

func (wild) Dim() int { return 2 }
func (wild) Value(x []float64) float64 {
	switch {
	case x[0] == 0:
		return math.Inf(1)
	case x[0] == 1:
		return math.NaN()
	case x[0] == -1:
		return math.Inf(-1)
	}
	return x[0] + x[1]
}
func (w wild) Grad(g, x []float64) float64 { g[0], g[1] = 1, 1; return w.Value(x) }

func TestGridClampsNonFinite(t *testing.T) {
	g, err := EvalGrid(context.Background(), wild{}, [2]float64{-2, 2}, [2]float64{0, 1}, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Clamped {
		t.Error("not marked clamped")
	}
	// Finite values are x + y for x = ±2: min −2, max 3.
	if g.Min != -2 || g.Max != 3 {
		t.Errorf("min %v max %v, want −2 3", g.Min, g.Max)
	}
	for j := range g.NY {
		if got := g.Values[j*g.NX+1]; got != g.Min {
			t.Errorf("−Inf became %v, want min %v", got, g.Min)
		}
		if got := g.Values[j*g.NX+2]; got != g.Max {
			t.Errorf("+Inf became %v, want max %v", got, g.Max)
		}
		if got := g.Values[j*g.NX+3]; got != g.Max {
			t.Errorf("NaN became %v, want max %v", got, g.Max)
		}
	}
	if _, err := json.Marshal(g); err != nil {
		t.Errorf("clamped grid does not encode: %v", err)
	}
	// A function finite nowhere still encodes.
	g, err = EvalGrid(context.Background(), wild{}, [2]float64{0, 1}, [2]float64{0, 1}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(g); err != nil || !g.Clamped {
		t.Errorf("all non-finite: clamped %v, encode error %v", g.Clamped, err)
	}
}

func TestGridRejectsBadRequests(t *testing.T) {
	ok := [2]float64{-1, 1}
	cases := []struct {
		name   string
		x, y   [2]float64
		nx, ny int
		field  string
	}{
		{"reversed x", [2]float64{1, -1}, ok, 10, 10, "x"},
		{"empty y", ok, [2]float64{2, 2}, 10, 10, "y"},
		{"NaN x", [2]float64{math.NaN(), 1}, ok, 10, 10, "x[0]"},
		{"infinite y", ok, [2]float64{0, math.Inf(1)}, 10, 10, "y[1]"},
		{"one column", ok, ok, 1, 10, "nx"},
		{"too many rows", ok, ok, 10, MaxGridSize + 1, "ny"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := EvalGrid(context.Background(), Rosenbrock{}, c.x, c.y, c.nx, c.ny)
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Errorf("err = %v, want a field error on %q", err, c.field)
			}
		})
	}
}

// slow blocks every evaluation after the first until released.
type slow struct {
	calls   atomic.Int64
	release chan struct{}
}

func (s *slow) Dim() int { return 2 }
func (s *slow) Value(x []float64) float64 {
	if s.calls.Add(1) > 1 && s.release != nil {
		<-s.release
	}
	return x[0]
}
func (s *slow) Grad(g, x []float64) float64 { g[0], g[1] = 1, 0; return x[0] }

func TestGridCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EvalGrid(ctx, Rosenbrock{}, [2]float64{0, 1}, [2]float64{0, 1}, 64, 64); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v", err)
	}

	// Cancelled part way: the workers stop at the next row.
	s := &slow{release: make(chan struct{})}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := evalGrid(ctx, s, [2]float64{0, 1}, [2]float64{0, 1}, 8, 512, 2)
		done <- err
	}()
	for s.calls.Load() < 2 {
		runtimeGosched()
	}
	cancel()
	close(s.release)
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled during: err = %v", err)
	}
	if n := s.calls.Load(); n >= 8*512 {
		t.Errorf("%d evaluations after cancel: the grid ran to the end", n)
	}
}

// counting counts evaluations.
type counting struct {
	Objective
	n atomic.Int64
}

func (c *counting) Value(x []float64) float64 { c.n.Add(1); return c.Objective.Value(x) }

func TestGridCache(t *testing.T) {
	cache := NewGridCache(2)
	ctx := context.Background()
	obj := &counting{Objective: Rosenbrock{}}
	key := func(nx int) GridKey {
		return GridKey{Objective: SpecKey(Spec{ID: "rosenbrock"}), X: [2]float64{-2, 2}, Y: [2]float64{-1, 3}, NX: nx, NY: 10}
	}

	// Many concurrent requests for one landscape compute it once.
	var wg sync.WaitGroup
	grids := make([]*Grid, 8)
	for i := range grids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := cache.Grid(ctx, key(10), obj)
			if err != nil {
				t.Error(err)
			}
			grids[i] = g
		}()
	}
	wg.Wait()
	if n := obj.n.Load(); n != 100 {
		t.Errorf("%d evaluations for 8 requests of a 10×10 grid, want 100", n)
	}
	for _, g := range grids[1:] {
		if g != grids[0] {
			t.Error("concurrent requests got different grids")
		}
	}

	// The cache is bounded and evicts the least recently used.
	cache.Grid(ctx, key(11), obj)
	cache.Grid(ctx, key(10), obj) // touch 10: 11 is now the oldest
	cache.Grid(ctx, key(12), obj)
	if cache.Len() != 2 {
		t.Errorf("cache holds %d grids, max 2", cache.Len())
	}
	before := obj.n.Load()
	cache.Grid(ctx, key(10), obj)
	if obj.n.Load() != before {
		t.Error("the recently used grid was evicted")
	}
	cache.Grid(ctx, key(11), obj)
	if obj.n.Load() == before {
		t.Error("the least recently used grid was not evicted")
	}

	// Errors are returned and not cached.
	bad := GridKey{Objective: "x", X: [2]float64{1, 0}, Y: [2]float64{0, 1}, NX: 4, NY: 4}
	if _, err := cache.Grid(ctx, bad, obj); err == nil {
		t.Error("bad range: no error")
	}
	if cache.Len() != 2 {
		t.Errorf("an error was cached: %d grids", cache.Len())
	}
}

func TestSpecKey(t *testing.T) {
	a := SpecKey(Spec{ID: "plateau", Params: map[string]float64{"width": 1, "tilt": 0.1}})
	b := SpecKey(Spec{ID: "plateau", Params: map[string]float64{"tilt": 0.1, "width": 1}})
	c := SpecKey(Spec{ID: "plateau", Params: map[string]float64{"tilt": 0.1000000001, "width": 1}})
	if a != b || a == c {
		t.Errorf("keys %q %q %q: want the first two equal and the third different", a, b, c)
	}
	if SpecKey(Spec{Expr: "x"}) == SpecKey(Spec{ID: "x"}) {
		t.Error("an expression and an id share a key")
	}
}

func runtimeGosched() { runtime.Gosched() }
