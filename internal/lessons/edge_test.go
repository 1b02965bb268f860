package lessons

import (
	"context"
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// sharpnessTrace runs run i of the lesson's scene for its steps, measuring
// the sharpness every EdgeEvery steps as the page's overlay does.
func sharpnessTrace(t *testing.T, l Lesson, i int) (*scene.Scene, *zoo.SharpnessTrace) {
	t.Helper()
	sc, err := scene.Build(l.Request(-1))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := zoo.Sharpness(context.Background(), sc.Obj, sc.Runs[i], l.Steps, EdgeEvery, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sc, tr
}

// The edge of stability (Cohen et al. 2021), on the engine: with the large
// ε the sharpness starts below 2/ε, rises to it (progressive sharpening),
// and from then on hovers at it: within 20% (it overshoots once and is
// thrown back), over the last third at or just under it (0.9 to 1.05 of
// 2/ε), its mean over the last half within 5%, while the loss keeps
// falling, with rises on the way. With the small ε the sharpness rises too
// but stays far below its 2/ε, and the loss falls at every measured step.
func TestClaimEdgeOfStability(t *testing.T) {
	l := mustGet(t, "edge-of-stability")
	if !contains(l.Overlays, OverlaySharpness) {
		t.Fatalf("the lesson does not draw the sharpness: overlays %v", l.Overlays)
	}
	type result struct {
		lr, edge     float64
		tr           *zoo.SharpnessTrace
		reach        int     // first step whose sharpness is 0.95·2/ε or more; −1: never
		lo, hi       float64 // sharpness / (2/ε) after reaching it
		loEnd, hiEnd float64 // the same over the last third
		meanLate     float64 // mean of sharpness / (2/ε) over the last half
		rises        int     // measured steps whose loss is above the previous one
		top          float64 // largest sharpness / (2/ε)
		first, last  float64 // loss
	}
	var res [2]result
	for i := range res {
		sc, tr := sharpnessTrace(t, l, i)
		lr := sc.Runs[i].Config().Hyper["lr"]
		r := result{lr: lr, edge: 2 / lr, tr: tr, reach: -1, lo: math.Inf(1), loEnd: math.Inf(1), first: tr.Loss[0], last: tr.Loss[len(tr.Loss)-1]}
		var late float64
		var nLate int
		for j, k := range tr.K {
			if math.Abs(tr.Threshold[j]-r.edge) > 1e-9*r.edge {
				t.Fatalf("run %d: threshold %g at step %d, want 2/ε = %g", i, tr.Threshold[j], k, r.edge)
			}
			f := tr.Lambda[j] / r.edge
			r.top = max(r.top, f)
			if r.reach < 0 && f >= 0.95 {
				r.reach = k
			}
			if r.reach >= 0 {
				r.lo, r.hi = min(r.lo, f), max(r.hi, f)
			}
			if 3*k >= 2*l.Steps {
				r.loEnd, r.hiEnd = min(r.loEnd, f), max(r.hiEnd, f)
			}
			if k >= l.Steps/2 {
				late += f
				nLate++
			}
			if j > 0 && tr.Loss[j] > tr.Loss[j-1] {
				r.rises++
			}
		}
		r.meanLate = late / float64(nLate)
		t.Logf("ε = %g: sharpness %.3g at k = 0 → reaches 0.95·2/ε at k = %d, then within [%.3f, %.3f]·2/ε ([%.3f, %.3f] over the last third), mean %.3f·2/ε over the last half, top %.3f·2/ε; loss %.4g → %.4g with %d rises; %d products for %d points",
			lr, tr.Lambda[0], r.reach, r.lo, r.hi, r.loEnd, r.hiEnd, r.meanLate, r.top, r.first, r.last, r.rises, tr.Products, len(tr.K))
		res[i] = r
	}
	big, small := res[0], res[1]
	if !(big.lr > small.lr) {
		t.Fatalf("run 0 has ε = %g, run 1 ε = %g; the lesson's large ε comes first", big.lr, small.lr)
	}
	// Progressive sharpening: the start is well below the edge.
	if f := big.tr.Lambda[0] / big.edge; !(f < 0.6) {
		t.Errorf("ε = %g: the sharpness starts at %.3g·2/ε; want it well below (< 0.6) so that it rises to the edge", big.lr, f)
	}
	// The script's cues: rising by step 300, at the edge by step 700.
	if big.reach < 300 || big.reach > 700 {
		t.Errorf("ε = %g: the sharpness reaches 2/ε at step %d; the script says after 300 and by 700", big.lr, big.reach)
	}
	if !(big.lo >= 0.8 && big.hi <= 1.2) || !(big.loEnd >= 0.9 && big.hiEnd <= 1.05) || math.Abs(big.meanLate-1) > 0.05 {
		t.Errorf("ε = %g: after reaching 2/ε the sharpness ranges over [%.3f, %.3f]·2/ε, over the last third [%.3f, %.3f], with mean %.3f over the last half; want it to hover at 2/ε (within 20%%, the last third from 0.9 to 1.05 of it, the mean within 5%%)",
			big.lr, big.lo, big.hi, big.loEnd, big.hiEnd, big.meanLate)
	}
	if !(big.last < 0.05*big.first) || big.rises == 0 {
		t.Errorf("ε = %g: loss %.4g → %.4g with %d rises; want it to keep falling (below 5%% of the start) non-monotonically", big.lr, big.first, big.last, big.rises)
	}
	if !(small.top <= 0.5) || !(small.tr.Lambda[len(small.tr.Lambda)-1] > small.tr.Lambda[0]) {
		t.Errorf("ε = %g: the sharpness rises from %.3g to %.3g, at most %.3f·2/ε; want it to rise but stay far below 2/ε (≤ 0.5)",
			small.lr, small.tr.Lambda[0], small.tr.Lambda[len(small.tr.Lambda)-1], small.top)
	}
	if small.rises != 0 {
		t.Errorf("ε = %g: the loss rises %d times; below the edge it should fall at every measured step", small.lr, small.rises)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
