package lessons

import (
	"slices"
	"testing"

	"github.com/saddle-viz/saddle/internal/maps"
)

// The basins lesson's claims, on the engine: from (0, 0) gradient descent
// reaches the minimum (3, 2) and Newton the maximum (its loss above the
// start's); from the variant's (1, 1) Newton jumps across the view to the
// minimum (−3.78, −3.28). On the lesson's maps gradient descent sends
// every start to a minimum, 20% to 30% to each; Newton sends more than a
// third to a saddle or the maximum, fewer than two thirds to a minimum, and
// has over four times as many boundary cells.
func TestClaimBasins(t *testing.T) {
	l := mustGet(t, "basins")
	if !slices.Contains(l.Overlays, OverlaySideBySide) || l.Map == nil || l.Map.Kind != MapBasins {
		t.Fatalf("the lesson shows no basins side by side: overlays %v, map %+v", l.Overlays, l.Map)
	}
	sc, rs := play(t, l, -1, l.Steps)
	gd, nt := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "newton")
	if p := last(gd); dist(p.XY, []float64{3, 2}) > 1e-6 {
		t.Errorf("gradient descent from (0, 0) ends at %v, want the minimum (3, 2)", p.XY)
	}
	pn := last(nt)
	g := geometry(t, sc, pn.XY)
	if !(g.Eigenvalues[1] < 0) || !(pn.Loss > nt.Points[0].Loss) || dist(pn.XY, []float64{-0.2708, -0.9230}) > 1e-3 {
		t.Errorf("Newton from (0, 0) ends at %v (loss %g from %g, curvatures %v), want the maximum (−0.27, −0.92), uphill", pn.XY, pn.Loss, nt.Points[0].Loss, g.Eigenvalues)
	}
	if k := pn.K; k > 5 {
		t.Errorf("Newton reaches the maximum at step %d; the cue says by step 5", k)
	}
	if p := last(gd); gd.Points[len(gd.Points)-1].K < 5 || dist(gd.Points[5].XY, p.XY) < 1e-3 {
		t.Errorf("gradient descent has arrived by step 5; the cue says it is still rolling")
	}
	_, rv := play(t, l, 0, l.Steps)
	if p := last(runOf(t, rv, 1, "newton")); dist(p.XY, []float64{-3.7793, -3.2832}) > 1e-3 {
		t.Errorf("Newton from (1, 1) ends at %v, want the far minimum (−3.78, −3.28)", p.XY)
	}
	if p := last(runOf(t, rv, 0, "gd")); dist(p.XY, []float64{3, 2}) > 1e-6 {
		t.Errorf("gradient descent from (1, 1) ends at %v, want the near minimum (3, 2)", p.XY)
	}

	type stats struct {
		minimum, other     float64 // fractions of starts
		perBasin           []float64
		boundary, diverged int
	}
	of := func(b *maps.Basins) stats {
		s := stats{boundary: b.Boundary}
		all := float64(b.N * b.N)
		for _, c := range b.Counts {
			s.minimum += float64(c) / all
			s.perBasin = append(s.perBasin, float64(c)/all)
		}
		for _, q := range b.Basin {
			switch q {
			case maps.BasinSaddle, maps.BasinMaximum:
				s.other++
			case maps.BasinDiverged:
				s.diverged++
			}
		}
		s.other /= all
		return s
	}
	bg, bn := mapOf(t, l, 0).(*maps.Basins), mapOf(t, l, 1).(*maps.Basins)
	if bg.N != BasinsSide || bg.Steps != BasinsSteps || len(bg.Minima) != 4 || len(bn.Minima) != 4 {
		t.Fatalf("maps of %d×%d, %d steps, minima %v and %v", bg.N, bg.N, bg.Steps, bg.Minima, bn.Minima)
	}
	sg, sn := of(bg), of(bn)
	t.Logf("gd: %.3f of starts at a minimum %v, %d boundary cells; newton: %.3f at a minimum %v, %.3f at a saddle or the maximum, %d diverged, %d boundary cells",
		sg.minimum, sg.perBasin, sg.boundary, sn.minimum, sn.perBasin, sn.other, sn.diverged, sn.boundary)
	if sg.minimum != 1 {
		t.Errorf("gradient descent sends %.4f of the starts to a minimum, want every one", sg.minimum)
	}
	for q, f := range sg.perBasin {
		if f < 0.2 || f > 0.3 {
			t.Errorf("gradient descent's basin of %v holds %.3f of the starts, want about a quarter (0.2 to 0.3)", bg.Minima[q], f)
		}
	}
	if !(sn.other > 1.0/3) || !(sn.minimum < 2.0/3) {
		t.Errorf("Newton: %.3f of the starts at a saddle or the maximum, %.3f at a minimum; want over a third and under two thirds", sn.other, sn.minimum)
	}
	if !(float64(sn.boundary) > 4*float64(sg.boundary)) {
		t.Errorf("boundary cells: Newton %d, gradient descent %d; want Newton's over four times", sn.boundary, sg.boundary)
	}
}
