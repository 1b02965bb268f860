package lessons

import (
	"context"
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/scene"
)

// mapOf computes the map a lesson's Map asks for, of run (its params as
// the page sends them).
func mapOf(t *testing.T, l Lesson, run int) any {
	t.Helper()
	sc, err := scene.Build(l.Request(-1))
	if err != nil {
		t.Fatal(err)
	}
	switch l.Map.Kind {
	case MapHypermap:
		var p maps.HyperParams
		if l.Map.Hyper != nil {
			p = *l.Map.Hyper
		}
		j, err := maps.NewHyperJob(sc, run, p)
		if err != nil {
			t.Fatalf("%s: run %d: %v", l.ID, run, err)
		}
		m, err := j.Compute(context.Background(), maps.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	case MapBasins:
		var p maps.BasinParams
		if l.Map.Basins != nil {
			p = *l.Map.Basins
		}
		if p.X == nil { // the page's view
			v := l.View
			p.X, p.Y = &v.X, &v.Y
		}
		j, err := maps.NewBasinJob(sc, run, p)
		if err != nil {
			t.Fatalf("%s: run %d: %v", l.ID, run, err)
		}
		b, err := j.Compute(context.Background(), maps.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("%s: map kind %q", l.ID, l.Map.Kind)
	return nil
}

// A lesson's map is one the server computes: a known kind, of a run the
// lesson has, with parameters the maps package accepts (checked without
// computing: New*Job validates), and only the kind's own parameters.
func TestLessonMapsAreValid(t *testing.T) {
	n := 0
	for _, l := range All() {
		if l.Map == nil {
			continue
		}
		n++
		m := l.Map
		if m.Run < 0 || m.Run >= len(l.Scene.Runs) {
			t.Errorf("%s: map of run %d; the lesson has %d", l.ID, m.Run, len(l.Scene.Runs))
			continue
		}
		sc, err := scene.Build(l.Request(-1))
		if err != nil {
			t.Fatal(err)
		}
		switch m.Kind {
		case MapHypermap:
			if m.Basins != nil {
				t.Errorf("%s: a hypermap with basins parameters", l.ID)
			}
			var p maps.HyperParams
			if m.Hyper != nil {
				p = *m.Hyper
			}
			if _, err := maps.NewHyperJob(sc, m.Run, p); err != nil {
				t.Errorf("%s: %v", l.ID, err)
			}
		case MapBasins:
			if m.Hyper != nil {
				t.Errorf("%s: a basins map with hypermap parameters", l.ID)
			}
			var p maps.BasinParams
			if m.Basins != nil {
				p = *m.Basins
			}
			for r := range sc.Runs { // side by side: every run's map
				if _, err := maps.NewBasinJob(sc, r, p); err != nil {
					t.Errorf("%s: run %d: %v", l.ID, r, err)
				}
			}
		default:
			t.Errorf("%s: map kind %q, want %q or %q", l.ID, m.Kind, MapHypermap, MapBasins)
		}
	}
	if n < 2 {
		t.Errorf("%d lessons open a map; momentum and basins should", n)
	}
}

// The momentum lesson's rate map and its cue: the map is of the momentum
// run over (ε, α); theory's optimum is ε* = 4/(√L+√μ)² = 1/9, α* =
// ((√κ−1)/(√κ+1))² = 4/9 with rate 2/3 for μ = 1, L = 25 (the numbers the
// cue prints); the best measured cell is within one cell of it on both
// axes, its measured rate within 0.05 of 2/3; and the lesson's own (ε, α)
// = (0.03, 0.8) is slower, by theory and by the cell nearest it.
func TestClaimMomentumMap(t *testing.T) {
	l := mustGet(t, "momentum")
	if l.Map == nil || l.Map.Kind != MapHypermap || l.Scene.Runs[l.Map.Run].Optimizer != "momentum" {
		t.Fatalf("the lesson's map %+v is not momentum's rate map", l.Map)
	}
	m := mapOf(t, l, l.Map.Run).(*maps.HyperMap)
	th := m.Theory
	if m.Measure != maps.MeasureRate || m.Y == nil || m.X.Name != "lr" || m.Y.Name != "momentum" || th == nil || th.Optimum == nil {
		t.Fatalf("map over %s × %v by %s, theory %+v", m.X.Name, m.Y, m.Measure, th)
	}
	mu, L := th.LambdaMin, th.LambdaMax
	if math.Abs(mu-1) > 1e-9 || math.Abs(L-25) > 1e-9 {
		t.Errorf("curvatures μ = %g, L = %g; the cue says 1 and 25", mu, L)
	}
	sk := math.Sqrt(L / mu)
	eps, alpha := 4/math.Pow(math.Sqrt(L)+math.Sqrt(mu), 2), math.Pow((sk-1)/(sk+1), 2)
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"ε*", th.Optimum.X, eps}, {"α*", th.Optimum.Y, alpha}, {"ε* (cue)", th.Optimum.X, 1.0 / 9},
		{"α* (cue)", th.Optimum.Y, 4.0 / 9}, {"rate (cue)", th.Optimum.Rate, 2.0 / 3},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %.6g, want %.6g", c.what, c.got, c.want)
		}
	}
	near := func(a maps.AxisOut, v float64) int {
		best, bd := 0, math.Inf(1)
		for i, x := range a.Values {
			d := math.Abs(x - v)
			if a.Log {
				d = math.Abs(math.Log(x / v))
			}
			if d < bd {
				best, bd = i, d
			}
		}
		return best
	}
	oi, oj := near(m.X, eps), near(*m.Y, alpha)
	b := m.Best
	if b == nil {
		t.Fatal("no best cell")
	}
	t.Logf("best cell (%d, %d) at ε = %.4g, α = %.4g, rate %.4f; the optimum is cell (%d, %d)", b.I, b.J, b.X, b.Y, b.Value, oi, oj)
	if d := b.I - oi; d < -1 || d > 1 {
		t.Errorf("the best cell's ε is cell %d, the optimum's %d", b.I, oi)
	}
	if d := b.J - oj; d < -1 || d > 1 {
		t.Errorf("the best cell's α is cell %d, the optimum's %d", b.J, oj)
	}
	if math.Abs(b.Value-2.0/3) > 0.05 {
		t.Errorf("the best measured rate is %.4f, theory's best 2/3", b.Value)
	}
	run := l.Scene.Runs[l.Map.Run].Hyper.Num
	ci, cj := near(m.X, run["lr"]), near(*m.Y, run["momentum"])
	r1, _ := maps.TheoryRate("momentum", run["lr"], run["momentum"], mu)
	r2, _ := maps.TheoryRate("momentum", run["lr"], run["momentum"], L)
	cur := m.Values[cj*m.X.N+ci]
	t.Logf("the lesson's run: theory rate %.4f, the nearest cell's measured %.4f", max(r1, r2), cur)
	if m.Status[cj*m.X.N+ci] != maps.CellOK || !(cur > b.Value+0.1) || !(max(r1, r2) > th.Optimum.Rate+0.1) {
		t.Errorf("the lesson's (ε, α) = (%g, %g): rate %.4f measured, %.4f by theory; the cue says slower than the optimum's %.4f",
			run["lr"], run["momentum"], cur, max(r1, r2), th.Optimum.Rate)
	}
}
