package landscape

import (
	"math"
	"testing"
)

// The cliff's wall is 10³ times steeper than its slope, and plain
// arithmetic shows what the lesson draws: from the default start, gradient
// descent walks down the slope and one step on the wall throws it far out
// of the plot; the same descent with the gradient clipped to norm 1 stays.
func TestCliffCatapultsUnclippedSteps(t *testing.T) {
	obj, info, err := New(Spec{ID: "cliff"})
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, 2)
	obj.Grad(g, info.Start)
	slope := math.Hypot(g[0], g[1])
	wall := []float64{cliffAt + 0.01, 0} // just up the face
	obj.Grad(g, wall)
	if face := math.Hypot(g[0], g[1]); face < 1e3*slope {
		t.Errorf("gradient norm on the wall %v, on the slope %v: want a ratio ≥ 1e3", face, slope)
	}

	d := info.Domain
	span := math.Max(d.X[1]-d.X[0], d.Y[1]-d.Y[0])
	inside := func(x []float64) bool {
		return x[0] >= d.X[0] && x[0] <= d.X[1] && x[1] >= d.Y[0] && x[1] <= d.Y[1]
	}
	for _, lr := range []float64{0.01, 0.03, 0.1} {
		// Unclipped: somewhere along the way a step is catapulted far out.
		x := append([]float64(nil), info.Start...)
		thrown := false
		for range 2000 {
			obj.Grad(g, x)
			x[0] -= lr * g[0]
			x[1] -= lr * g[1]
			if math.Abs(x[0]-info.Start[0]) > 10*span {
				thrown = true
				break
			}
		}
		if !thrown {
			t.Errorf("lr %v: unclipped descent ended at %v without being catapulted", lr, x)
		}

		// Clipped to norm 1: every step is at most lr long and it stays.
		x = append(x[:0], info.Start...)
		for k := range 2000 {
			obj.Grad(g, x)
			if n := math.Hypot(g[0], g[1]); n > 1 {
				g[0], g[1] = g[0]/n, g[1]/n
			}
			x[0] -= lr * g[0]
			x[1] -= lr * g[1]
			if !inside(x) {
				t.Fatalf("lr %v: clipped descent left the domain at step %d: %v", lr, k, x)
			}
		}
		// And it ends at the wall's foot, near the minimum.
		m := info.Minima[0]
		if math.Hypot(x[0]-m[0], x[1]-m[1]) > 2*lr {
			t.Errorf("lr %v: clipped descent ended at %v, minimum %v", lr, x, m)
		}
	}
}
