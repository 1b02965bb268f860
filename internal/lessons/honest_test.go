package lessons

import (
	"context"
	"testing"

	"github.com/saddle-viz/saddle/internal/zoo"
)

// The saddle lesson's honest-saddle cue, at its step, at Newton's saddle
// (the run the cue asks to select; gradient descent, off the critical
// point, has a slope on both planes that the cue does not claim about): the
// Hessian plane shows a saddle (λmin < 0 < λmax, the plane's lowest loss
// well below the point's), while the random plane, where a direction sees
// on average tr(H)/n > 0, curves upwards along both of its axes and has the
// point in the lowest tenth of its loss: it draws the saddle as a minimum.
// The figures the cue prints (tr(H)/n ≈ 0.025, λmin ≈ −0.1, λmax ≈ 1) hold.
func TestClaimHonestSaddle(t *testing.T) {
	l := mustGet(t, "saddle-points-high-dim")
	cue := ""
	for _, c := range l.Script {
		if c.At == HonestCueStep {
			cue = c.Text
		}
	}
	if cue == "" {
		t.Fatalf("no cue at step %d", HonestCueStep)
	}
	sc, _ := play(t, l, -1, HonestCueStep)
	for _, at := range []struct {
		name string
		run  int
	}{{"Newton's saddle", 1}} {
		h, err := zoo.ComputeHonest(context.Background(), sc.View.Model, theta(sc, at.run), zoo.HonestParams{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, q := h.Random, h.Hessian
		low := (h.Loss - r.Min) / (r.Max - r.Min)
		drop := (h.Loss - q.Min) / (q.Max - q.Min)
		t.Logf("%s: tr(H)/n %.4g (%s), λ ∈ [%.4g, %.4g]; random curvature %.3g; point at %.2f of the random plane's range, %.2f above the Hessian plane's lowest",
			at.name, h.Expected, h.TraceMethod, h.LambdaMin, h.LambdaMax, r.Curvature, low, drop)
		if !(h.LambdaMin < 0 && h.LambdaMax > 0) || !h.Converged {
			t.Errorf("%s: λ ∈ [%v, %v] (converged %v): not a saddle", at.name, h.LambdaMin, h.LambdaMax, h.Converged)
		}
		if !(h.Expected > 0) || h.TraceMethod != zoo.TraceExact {
			t.Errorf("%s: tr(H)/n = %v (%s); the cue says it is positive (and exact for 123 parameters)", at.name, h.Expected, h.TraceMethod)
		}
		for i, c := range r.Curvature {
			if !(c >= 0) || c > 4*h.Expected {
				t.Errorf("%s: the random plane's curvature along d%d is %v; want ≥ 0 and of the order of tr(H)/n = %v", at.name, i+1, c, h.Expected)
			}
		}
		if low > 0.1 {
			t.Errorf("%s: the point is at %.2f of the random plane's loss range; want in its lowest tenth (a minimum)", at.name, low)
		}
		if drop < 0.2 {
			t.Errorf("%s: the Hessian plane's lowest loss is only %.2f of its range below the point; want a clear way down", at.name, drop)
		}
		if h.Expected < 0.02 || h.Expected > 0.03 || h.LambdaMin > -0.05 || h.LambdaMin < -0.07 || h.LambdaMax < 0.9 || h.LambdaMax > 1.1 {
			t.Errorf("the cue says tr(H)/n ≈ 0.025, λmin ≈ −0.06, λmax ≈ 1; got %.4g, %.4g, %.4g", h.Expected, h.LambdaMin, h.LambdaMax)
		}
	}
}
