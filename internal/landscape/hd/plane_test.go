package hd

import (
	"context"
	"math"
	"sync/atomic"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func randVec(n int, seed uint64) []float64 {
	rng := newRNG(seed)
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func TestFilterNormalized(t *testing.T) {
	// A 3×4 weight block, its bias, a 2×3 block, its bias, one loose entry.
	blocks := []Block{
		{Offset: 0, Rows: 3, Cols: 4}, {Offset: 12, Rows: 3, Cols: 1, Bias: true},
		{Offset: 15, Rows: 2, Cols: 3}, {Offset: 21, Rows: 2, Cols: 1, Bias: true},
	}
	theta := randVec(24, 1)
	floats.Scale(3, theta[15:21]) // layers of different scale
	d := make([]float64, 24)
	FilterNormalized(d, theta, blocks, 7)
	for _, b := range blocks {
		for r := range b.Rows {
			lo, hi := b.Offset+r*b.Cols, b.Offset+(r+1)*b.Cols
			got, want := floats.Norm(d[lo:hi], 2), floats.Norm(theta[lo:hi], 2)
			if b.Bias {
				want = 0
			}
			if math.Abs(got-want) > 1e-12*math.Max(1, want) {
				t.Errorf("block at %d row %d: direction norm %v, weight norm %v", b.Offset, r, got, want)
			}
		}
	}
	if d[23] != 0 {
		t.Errorf("an entry outside every block got %v, want 0", d[23])
	}
	again := make([]float64, 24)
	FilterNormalized(again, theta, blocks, 7)
	other := make([]float64, 24)
	FilterNormalized(other, theta, blocks, 8)
	if !floats.Equal(d, again) || floats.Equal(d, other) {
		t.Errorf("directions must be fixed by the seed and differ between seeds")
	}
}

func TestPCAPlane(t *testing.T) {
	n := 60
	origin, u, w := randVec(n, 1), randVec(n, 2), randVec(n, 3)
	at := func(s, r float64) []float64 {
		x := append([]float64(nil), origin...)
		floats.AddScaled(x, s, u)
		floats.AddScaled(x, r, w)
		return x
	}
	var line, flat, walk [][]float64
	for k := range 30 {
		s := math.Sqrt(float64(k)) // uneven steps along the line
		line = append(line, at(s, 0))
		flat = append(flat, at(s, math.Sin(float64(k))))
	}
	rng := newRNG(4)
	x := append([]float64(nil), origin...)
	for range 30 {
		walk = append(walk, append([]float64(nil), x...))
		for i := range x {
			x[i] += rng.NormFloat64()
		}
	}
	for _, tc := range []struct {
		name    string
		traj    [][]float64
		inPlane bool
	}{
		{"straight line", line, true},
		{"curve in a 2-D plane", flat, true},
		{"random walk in 60-D", walk, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, explained, err := PCAPlane(tc.traj)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(floats.Norm(p.D1, 2)-1) > 1e-12 || math.Abs(floats.Norm(p.D2, 2)-1) > 1e-12 || math.Abs(floats.Dot(p.D1, p.D2)) > 1e-12 {
				t.Errorf("PCA directions are not orthonormal")
			}
			pr := p.Project(tc.traj)
			maxDist := floats.Max(pr.Distance)
			if tc.inPlane {
				if math.Abs(pr.InPlane-1) > 1e-12 || maxDist > 1e-10 {
					t.Errorf("in-plane fraction %v, largest distance %v; want 1 and 0", pr.InPlane, maxDist)
				}
				if math.Abs(explained[0]+explained[1]-1) > 1e-12 {
					t.Errorf("explained variance %v should sum to 1", explained)
				}
			} else if pr.InPlane > 0.5 || maxDist < 1 {
				t.Errorf("a 60-D random walk shows %v of its displacement in a plane", pr.InPlane)
			}
			if a, b, _ := p.Coords(tc.traj[len(tc.traj)-1]); math.Abs(a)+math.Abs(b) > 1e-10 {
				t.Errorf("the last point should be the origin, got (%v, %v)", a, b)
			}
		})
	}
	if _, _, err := PCAPlane([][]float64{origin, origin}); err == nil {
		t.Error("a trajectory that never moved was accepted")
	}
}

func TestThreePointPlane(t *testing.T) {
	n := 40
	init, cur, sol := randVec(n, 1), randVec(n, 2), randVec(n, 3)
	p, err := ThreePointPlane(init, cur, sol)
	if err != nil {
		t.Fatal(err)
	}
	pr := p.Project([][]float64{init, cur, sol})
	if floats.Max(pr.Distance) > 1e-12 {
		t.Errorf("the three points should lie on the plane, distances %v", pr.Distance)
	}
	want := [][2]float64{{0, 0}, {floats.Distance(cur, init, 2), 0}}
	for i, w := range want {
		if math.Abs(pr.Coords[i][0]-w[0])+math.Abs(pr.Coords[i][1]-w[1]) > 1e-12 {
			t.Errorf("point %d at %v, want %v", i, pr.Coords[i], w)
		}
	}
	// The solution keeps its distance from init on the plane.
	if d := math.Hypot(pr.Coords[2][0], pr.Coords[2][1]); math.Abs(d-floats.Distance(sol, init, 2)) > 1e-12 {
		t.Errorf("solution at distance %v from init, want %v", d, floats.Distance(sol, init, 2))
	}
	mid := make([]float64, n)
	floats.AddScaledTo(mid, init, 0.5, cur)
	floats.AddScaled(mid, -0.5, init)
	if _, err := ThreePointPlane(init, cur, mid); err == nil {
		t.Error("collinear points were accepted")
	}
}

func TestHessianPlane(t *testing.T) {
	eigs := []float64{1, 9, -3, 4, 0.5, 2, 7, 1}
	q, _ := NewQuadratic(eigs, 3, 2)
	theta := randVec(q.Dim(), 5)
	p, ev, err := HessianPlane(func(dst, v []float64) { q.HessVec(dst, theta, v) }, theta, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ev[0]-9) > 1e-8 || math.Abs(ev[1]-7) > 1e-8 {
		t.Errorf("eigenvalues %v, want [9 7]", ev)
	}
	u := make([]float64, q.Dim())
	for k, i := range []int{1, 6} {
		q.Eigenvector(u, i)
		d := []([]float64){p.D1, p.D2}[k]
		if math.Abs(math.Abs(floats.Dot(u, d))-1) > 1e-8 {
			t.Errorf("direction %d is not the eigenvector of %v", k+1, eigs[i])
		}
	}
}

func TestEvalGrid(t *testing.T) {
	q, _ := NewQuadratic([]float64{1, 3, 0.2, 5, 2, -1}, 2, 3)
	theta := randVec(q.Dim(), 1)
	p, err := RandomPlane(theta, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	const nx, ny = 37, 21
	xr, yr := [2]float64{-1, 2}, [2]float64{-0.5, 0.5}
	var calls atomic.Int64
	f := func(x []float64) float64 { calls.Add(1); return q.Value(x) }

	want := make([]float64, nx*ny)
	pt := make([]float64, q.Dim())
	for j := range ny {
		for i := range nx {
			p.Point(pt, xr[0]+3*float64(i)/(nx-1), yr[0]+float64(j)/(ny-1))
			want[j*nx+i] = q.Value(pt)
		}
	}
	for _, tc := range []struct {
		name     string
		coarsest int
		strides  []int
	}{
		{"single pass", 0, nil},
		{"coarse to fine", 8, []int{8, 4, 2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			got := make([]float64, nx*ny)
			var strides []int
			st, err := EvalGrid(context.Background(), got, f, p, xr, yr, nx, ny, GridOptions{
				Coarsest: tc.coarsest,
				Pass: func(s int, g []float64) {
					strides = append(strides, s)
					if s == 8 && g[nx+1] != g[0] {
						t.Errorf("after the first pass the block of point (0, 0) should share its value")
					}
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !floats.EqualApprox(got, want, 1e-12) {
				t.Errorf("grid differs from direct evaluation")
			}
			if c := calls.Load(); c != nx*ny {
				t.Errorf("%d evaluations for %d points: each point must be evaluated once", c, nx*ny)
			}
			if tc.strides != nil && !equalInts(strides, tc.strides) {
				t.Errorf("passes %v, want %v", strides, tc.strides)
			}
			if st.Min != floats.Min(want) || st.Max != floats.Max(want) {
				t.Errorf("stats %+v, want min %v max %v", st, floats.Min(want), floats.Max(want))
			}
		})
	}
	t.Run("non-finite values are replaced", func(t *testing.T) {
		got := make([]float64, 9)
		st, err := EvalGrid(context.Background(), got, func(x []float64) float64 {
			if x[0] > theta[0] {
				return math.NaN()
			}
			return 1
		}, &Plane{Origin: theta, D1: unit(q.Dim(), 0), D2: unit(q.Dim(), 1)}, [2]float64{-1, 1}, [2]float64{-1, 1}, 3, 3, GridOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st.NonFinite != 3 || floats.HasNaN(got) {
			t.Errorf("want 3 NaN points replaced, got stats %+v grid %v", st, got)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := EvalGrid(ctx, make([]float64, 100), f, p, xr, yr, 10, 10, GridOptions{}); err == nil {
			t.Error("a cancelled evaluation returned no error")
		}
	})
	t.Run("bad sizes", func(t *testing.T) {
		if _, err := EvalGrid(context.Background(), nil, f, p, xr, yr, 0, 10, GridOptions{}); err == nil {
			t.Error("nx = 0 accepted")
		}
	})
}

func unit(n, i int) []float64 {
	v := make([]float64, n)
	v[i] = 1
	return v
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEvalLineInterpolation(t *testing.T) {
	// On a quadratic, J((1−t)θ₀ + t·x*) = (1−t)²·J(θ₀) exactly.
	q, _ := NewQuadratic(GeometricSpectrum(500, 10, 100), 3, 1)
	theta0 := randVec(500, 2)
	ts := []float64{-0.5, 0, 0.25, 0.5, 1, 1.5}
	got := make([]float64, len(ts))
	if _, err := EvalLine(context.Background(), got, q.Value, Segment(theta0, q.Minimizer()), ts); err != nil {
		t.Fatal(err)
	}
	j0 := q.Value(theta0)
	for i, tt := range ts {
		if want := (1 - tt) * (1 - tt) * j0; math.Abs(got[i]-want) > 1e-9*j0 {
			t.Errorf("t=%v: J=%v, want %v", tt, got[i], want)
		}
	}
}

func TestFidelity(t *testing.T) {
	q, _ := NewQuadratic([]float64{1, 2, 3, 4, 5}, 2, 1)
	a, b := randVec(5, 1), randVec(5, 2)
	traj := [][]float64{a, b, q.Minimizer()}
	p, err := ThreePointPlane(a, b, q.Minimizer())
	if err != nil {
		t.Fatal(err)
	}
	tl, pl, err := Fidelity(context.Background(), q.Value, p, traj, p.Project(traj))
	if err != nil {
		t.Fatal(err)
	}
	if !floats.EqualApprox(tl, pl, 1e-12) {
		t.Errorf("a path on the plane: true %v, plane %v", tl, pl)
	}
	// A random plane through a misses b: its plane loss differs.
	r, _ := RandomPlane(a, nil, 3)
	tl, pl, _ = Fidelity(context.Background(), q.Value, r, traj, r.Project(traj))
	if math.Abs(tl[1]-pl[1]) < 1e-6 {
		t.Errorf("a point off the plane read the same loss on it: %v vs %v", tl[1], pl[1])
	}
}
