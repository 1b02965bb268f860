package zoo

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// TestHonestCost logs what an honest picture costs against a reference
// measured in the same run: the default 51×51 landscape of the same model
// on its random plane (the machine is shared, so only the ratio means much).
// It also checks that every projected network gives one (rnn included).
func TestHonestCost(t *testing.T) {
	for _, spec := range []landscape.Spec{
		{ID: "deep_linear", Params: map[string]float64{"width": 8, "depth": 2, "points": 200, "scale": 0.1}},
		{ID: "mlp", Params: map[string]float64{"width": 16, "depth": 2, "points": 300}, Options: map[string]string{"data": "circles"}},
		{ID: "rnn"},
	} {
		m := modelOf(t, spec)
		theta, _ := m.Init(1)
		v, err := m.View(PlaneSpec{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if _, err := v.Grid(context.Background(), nil, [2]float64{-1, 1}, [2]float64{-1, 1}, DefaultGridSide, DefaultGridSide); err != nil {
			t.Fatal(err)
		}
		ref := time.Since(t0)
		seed := uint64(99) // not cached
		t0 = time.Now()
		h, err := ComputeHonest(context.Background(), m, theta, HonestParams{Seed: &seed}, nil)
		if err != nil {
			t.Fatalf("%s: %v", spec.ID, err)
		}
		took := time.Since(t0)
		// tr(H)/n is the mean eigenvalue, so it lies between λmin and λmax
		// (an exact trace; a Hutchinson estimate within its error).
		if mean, slack := h.Trace/float64(h.Dim), 3*h.TraceErr/float64(h.Dim)+1e-9*math.Abs(h.LambdaMax); mean < h.LambdaMin-slack || mean > h.LambdaMax+slack {
			t.Errorf("%s: tr(H)/n = %g outside [λmin, λmax] = [%g, %g]", spec.ID, mean, h.LambdaMin, h.LambdaMax)
		}
		t.Logf("%s (n = %d): honest %v (%d products, trace %s), the 51×51 landscape %v: ratio %.2f", spec.ID, h.Dim, took.Round(time.Millisecond), h.Products, h.TraceMethod, ref.Round(time.Millisecond), took.Seconds()/ref.Seconds())
	}
}
