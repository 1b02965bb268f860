package optim

import (
	"math"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape/expr"
)

// TestNormDoesNotOverflow (issue 14, defect 1): the gradient's norm is
// computed scaled, so it overflows only when the norm itself is beyond
// float64.
func TestNormDoesNotOverflow(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{1e200, 0}, 1e200},
		{[]float64{3e200, 4e200}, 5e200},
		{[]float64{3e-200, 4e-200}, 5e-200},
		{[]float64{0, 0}, 0},
		{[]float64{1.7e308, 1.7e308}, math.Inf(1)},
		{[]float64{math.Inf(-1), 1}, math.Inf(1)},
	} {
		if got := Norm(tc.x); math.Abs(got-tc.want) > 1e-15*tc.want && got != tc.want {
			t.Errorf("Norm(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
	if got := Norm([]float64{math.NaN(), 1}); !math.IsNaN(got) {
		t.Errorf("Norm with NaN = %v, want NaN", got)
	}
}

// TestClipAHugeOrInfiniteGradient: clipping by norm keeps the direction of
// a gradient whose squared norm overflows, and of one with infinite
// components (their signs, shared equally).
func TestClipAHugeOrInfiniteGradient(t *testing.T) {
	o := &Oracle{clip: Clip{Norm: 2}, Raw: []float64{3e200, -4e200}, Used: make([]float64, 2)}
	dst := make([]float64, 2)
	o.applyClip(dst)
	if !o.Clipped || math.Abs(dst[0]-1.2) > 1e-12 || math.Abs(dst[1]+1.6) > 1e-12 {
		t.Errorf("clipped (3e200, −4e200) to %v, want (1.2, −1.6)", dst)
	}
	o = &Oracle{clip: Clip{Norm: 2}, Raw: []float64{math.Inf(1), 5}, Used: make([]float64, 2)}
	o.applyClip(dst)
	if !o.Clipped || dst[0] != 2 || dst[1] != 0 {
		t.Errorf("clipped (+Inf, 5) to %v, want (2, 0)", dst)
	}
	o = &Oracle{clip: Clip{Norm: 2}, Raw: []float64{math.Inf(1), math.Inf(-1)}, Used: make([]float64, 2)}
	o.applyClip(dst)
	if r := math.Sqrt2; math.Abs(dst[0]-r) > 1e-15 || math.Abs(dst[1]+r) > 1e-15 {
		t.Errorf("clipped (+Inf, −Inf) to %v, want (√2, −√2)", dst)
	}
}

// TestOverflowingStateDiverges: Adam's squared-gradient average overflows on
// a slope of 1e200, which would stall the run at its start forever; it
// ends as diverged, with the reason.
func TestOverflowingStateDiverges(t *testing.T) {
	f, err := expr.Parse("1e200*x + y")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRun(f, []float64{0, 0}, Config{Optimizer: "adam"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Step()
	if st.Status != Diverged || !strings.Contains(st.Reason, "overflowed") {
		t.Errorf("status %s (%q), want diverged: the state overflowed", st.Status, st.Reason)
	}
}
