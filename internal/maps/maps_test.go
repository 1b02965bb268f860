package maps

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
)

func buildScene(t testing.TB, obj landscape.Spec, start []float64, run scene.RunSpec) *scene.Scene {
	t.Helper()
	sc, err := scene.Build(scene.Request{Objective: obj, Start: start, Runs: []scene.RunSpec{run}})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func hyperMap(t testing.TB, sc *scene.Scene, p HyperParams) *HyperMap {
	t.Helper()
	j, err := NewHyperJob(sc, 0, p)
	if err != nil {
		t.Fatal(err)
	}
	m, err := j.Compute(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// firstAbove is the index of the first value above v (len when none).
func firstAbove(vals []float64, v float64) int {
	return sort.Search(len(vals), func(i int) bool { return vals[i] > v })
}

// nearestIndex is the index of the value nearest v on the axis's scale.
func nearestIndex(a AxisOut, v float64) int {
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

// On the quadratic valley the measured map agrees with the closed form: in
// every row the first diverged cell is within one cell of the first past
// ε = (2+2α)/λmax, and the best measured cell is within one cell of
// (ε*, α*) in both directions.
func TestMomentumMapMatchesTheory(t *testing.T) {
	for _, obj := range []landscape.Spec{
		{ID: "quadratic"},
		{ID: "quadratic", Params: map[string]float64{"a": 2, "b": 50, "angle": 30}},
	} {
		sc := buildScene(t, obj, nil, scene.RunSpec{Optimizer: "momentum"})
		m := hyperMap(t, sc, HyperParams{})
		th := m.Theory
		if th == nil || th.Optimum == nil || m.Y == nil || m.Y.Name != "momentum" {
			t.Fatalf("%v: no theory or no α axis: %+v", obj, m.Y)
		}
		nx := m.X.N
		for j, a := range m.Y.Values {
			meas := nx
			for i := range nx {
				if m.Status[j*nx+i] == CellDiverged {
					meas = i
					break
				}
			}
			theo := firstAbove(m.X.Values, (2+2*a)/th.LambdaMax)
			if d := meas - theo; d < -1 || d > 1 {
				t.Errorf("%v: α = %.3f: the first diverged cell is %d, the theory's boundary is at cell %d", obj, a, meas, theo)
			}
			if b := th.Boundary[j]; math.Abs(b[0]-(2+2*a)/th.LambdaMax) > 1e-12 || b[1] != a {
				t.Errorf("boundary point %d is %v", j, b)
			}
		}
		oi, oj := nearestIndex(m.X, th.Optimum.X), nearestIndex(*m.Y, th.Optimum.Y)
		if m.Best == nil || abs(m.Best.I-oi) > 1 || abs(m.Best.J-oj) > 1 {
			t.Errorf("%v: the best cell is %+v, the optimum (ε*, α*) = (%.4g, %.4g) is cell (%d, %d)", obj, m.Best, th.Optimum.X, th.Optimum.Y, oi, oj)
		}
		sk := math.Sqrt(th.Kappa)
		if want := (sk - 1) / (sk + 1); math.Abs(th.Optimum.Rate-want) > 1e-12 {
			t.Errorf("optimum rate %g, want %g", th.Optimum.Rate, want)
		}
	}
}

// Gradient descent's map is a curve over ε: it diverges one cell either
// side of 2/λmax and is best one cell either side of 2/(λmin+λmax).
func TestGDCurveMatchesTheory(t *testing.T) {
	sc := buildScene(t, landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 3, "b": 30}}, nil, scene.RunSpec{Optimizer: "gd"})
	m := hyperMap(t, sc, HyperParams{})
	if m.Y != nil || m.Theory == nil || len(m.Theory.Boundary) != 1 {
		t.Fatalf("want a curve over ε with one boundary point: y %+v theory %+v", m.Y, m.Theory)
	}
	meas := m.X.N
	for i, s := range m.Status {
		if s == CellDiverged {
			meas = i
			break
		}
	}
	L, mu := m.Theory.LambdaMax, m.Theory.LambdaMin
	if L != 30 || math.Abs(mu-3) > 1e-12 {
		t.Fatalf("eigenvalues %g, %g; want 3, 30", mu, L)
	}
	if theo := firstAbove(m.X.Values, 2/L); abs(meas-theo) > 1 {
		t.Errorf("first diverged cell %d, theory %d", meas, theo)
	}
	if oi := nearestIndex(m.X, 2/(L+mu)); m.Best == nil || abs(m.Best.I-oi) > 1 {
		t.Errorf("best cell %+v, theory's optimum at cell %d", m.Best, oi)
	}
	// Every stable cell's measured rate is the theory's within 0.02.
	for i, s := range m.Status {
		if s == CellOK && m.Theory.Rate[i] < 0.99 {
			if d := math.Abs(m.Values[i] - m.Theory.Rate[i]); d > 0.02 {
				t.Errorf("cell %d (ε = %.4g): measured rate %.4f, theory %.4f", i, m.X.Values[i], m.Values[i], m.Theory.Rate[i])
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func basins(t testing.TB, sc *scene.Scene, p BasinParams) *Basins {
	t.Helper()
	j, err := NewBasinJob(sc, 0, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.Compute(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cellOf is the cell whose pixel holds point p.
func cellOf(b *Basins, p []float64) int {
	i := int((p[0] - b.X[0]) / (b.X[1] - b.X[0]) * float64(b.N))
	j := int((p[1] - b.Y[0]) / (b.Y[1] - b.Y[0]) * float64(b.N))
	return j*b.N + i
}

// Gradient descent on Himmelblau splits the view into the four basins of
// its four minima, each containing its minimum; Newton's method, which is
// drawn to every stationary point, has far more fragmented boundaries.
func TestBasinsHimmelblau(t *testing.T) {
	obj := landscape.Spec{ID: "himmelblau"}
	gd := basins(t, buildScene(t, obj, nil, scene.RunSpec{Optimizer: "gd"}), BasinParams{})
	if gd.Known != 4 || len(gd.Minima) != 4 {
		t.Fatalf("minima %v (known %d), want Himmelblau's four", gd.Minima, gd.Known)
	}
	for q, m := range gd.Minima {
		if got := gd.Basin[cellOf(gd, m)]; got != q {
			t.Errorf("the cell of minimum %d %v is in basin %d", q, m, got)
		}
		if gd.Counts[q] < gd.N*gd.N/20 {
			t.Errorf("basin %d has %d cells of %d", q, gd.Counts[q], gd.N*gd.N)
		}
	}
	newton := basins(t, buildScene(t, obj, nil, scene.RunSpec{Optimizer: "newton"}), BasinParams{})
	saddles := 0
	for _, q := range newton.Basin {
		if q == BasinSaddle || q == BasinMaximum {
			saddles++
		}
	}
	if saddles == 0 {
		t.Error("Newton's method reached no saddle or maximum of Himmelblau")
	}
	if newton.Boundary < 2*gd.Boundary {
		t.Errorf("Newton's map has %d boundary cells, gradient descent's %d: want Newton's at least twice as fragmented", newton.Boundary, gd.Boundary)
	}
	if newton.Boundary != BoundaryCells(newton.Basin, newton.N) {
		t.Error("boundary count differs from BoundaryCells")
	}
}

// Maps come coarse to fine: each frame halves the stride, the last is the
// finished map; the result does not depend on the number of workers.
func TestCoarseToFineAndDeterministic(t *testing.T) {
	sc := buildScene(t, landscape.Spec{ID: "himmelblau"}, nil, scene.RunSpec{Optimizer: "gd"})
	j, err := NewBasinJob(sc, 0, BasinParams{N: ptr(64)})
	if err != nil {
		t.Fatal(err)
	}
	var strides []int
	counted := 0
	b1, err := j.Compute(context.Background(), Options{Workers: 1, Count: func() { counted++ }})
	if err != nil {
		t.Fatal(err)
	}
	b2, err := j.Compute(context.Background(), Options{Workers: 3, Frame: func(_ any, s int, final bool) {
		strides = append(strides, s)
		if final != (s == 1) {
			t.Errorf("final %v at stride %d", final, s)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if counted != 64*64 {
		t.Errorf("counted %d cells, want %d", counted, 64*64)
	}
	want := []int{8, 4, 2, 1}
	if len(strides) != len(want) {
		t.Fatalf("strides %v, want %v", strides, want)
	}
	for i := range want {
		if strides[i] != want[i] {
			t.Fatalf("strides %v, want %v", strides, want)
		}
	}
	for c := range b1.Basin {
		if b1.Basin[c] != b2.Basin[c] || b1.K[c] != b2.K[c] {
			t.Fatalf("cell %d differs between 1 and 3 workers", c)
		}
	}
}

// A cancelled context stops a map.
func TestCancel(t *testing.T) {
	sc := buildScene(t, landscape.Spec{ID: "himmelblau"}, nil, scene.RunSpec{Optimizer: "gd"})
	j, _ := NewBasinJob(sc, 0, BasinParams{})
	ctx, cancel := context.WithCancel(context.Background())
	passesSeen := 0
	_, err := j.Compute(ctx, Options{Frame: func(any, int, bool) { passesSeen++; cancel() }})
	if err == nil || passesSeen != 1 {
		t.Fatalf("err %v after %d passes; want the context's error after the first", err, passesSeen)
	}
}

// A cell's run allocates per cell, never per step.
func TestNoAllocationPerStep(t *testing.T) {
	for _, id := range []string{"gd", "momentum", "adam", "newton"} {
		sc := buildScene(t, landscape.Spec{ID: "rosenbrock"}, nil, scene.RunSpec{Optimizer: id, Hyper: scene.Hyper{Num: map[string]float64{}}})
		allocs := func(steps int) float64 {
			j, err := NewHyperJob(sc, 0, HyperParams{Steps: &steps, NoY: true, X: &Axis{Name: firstHyper(sc)}})
			if err != nil {
				t.Fatal(err)
			}
			m, err := j.Compute(context.Background(), Options{Workers: 1})
			if err != nil || m == nil {
				t.Fatal(err)
			}
			r, _ := optimRun(j)
			hw := &hyperWorker{run: r, set: map[string]float64{j.x.Name: j.x.Values[0]},
				path: make([]float64, 2*(steps+1)), gn: make([]float64, steps+1)}
			return testing.AllocsPerRun(5, func() { j.runCell(hw, sc.Info.Minima) })
		}
		few, many := allocs(20), allocs(2000)
		if many > few {
			t.Errorf("%s: a cell of 2000 steps allocates %v times, of 20 steps %v", id, many, few)
		}
	}
}

func ptr[T any](v T) *T { return &v }
