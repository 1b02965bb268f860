package lessons

import (
	"context"
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// Helpers for the claims of the lessons on projected objectives.

// hessianAt is the Hessian of sc's objective at θ as an operator.
func hessianAt(t *testing.T, sc *scene.Scene, theta []float64) hd.Operator {
	t.Helper()
	hv, ok := sc.Obj.(landscape.HessVecer)
	if !ok {
		t.Fatalf("%s gives no Hessian-vector products", sc.Info.ID)
	}
	at := append([]float64(nil), theta...)
	return func(dst, v []float64) { hv.HessVec(dst, at, v) }
}

// eigs returns k eigenvalues of the Hessian at θ from the chosen end of the
// spectrum, converged to a relative residual of 1e-4.
func eigs(t *testing.T, sc *scene.Scene, theta []float64, k int, which hd.Which) []float64 {
	t.Helper()
	e, err := hd.TopEigen(hessianAt(t, sc, theta), sc.Obj.Dim(), hd.LanczosSettings{K: k, Which: which, Seed: 1, Tol: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	if !e.Converged {
		t.Fatalf("Lanczos did not converge: residuals %v", e.Residuals)
	}
	return e.Values
}

// bulk estimates the Hessian's spectrum at θ by stochastic Lanczos
// quadrature: its root mean square eigenvalue, and the fraction of the
// eigenvalues above cut.
func bulk(t *testing.T, sc *scene.Scene, theta []float64, cut float64) (rms, above float64) {
	t.Helper()
	q, err := hd.SpectralDensity(hessianAt(t, sc, theta), sc.Obj.Dim(), hd.SLQSettings{Steps: 60, Probes: 8, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for p, ns := range q.Nodes {
		for j, x := range ns {
			if x > cut {
				above += q.Weights[p][j]
			}
		}
	}
	return math.Sqrt(q.Moment(2)), above / float64(len(q.Nodes))
}

// interpolate is J((1−t)θ₀ + tθ₁) at n+1 evenly spaced t in [0, 1] (the
// 1-D view of Goodfellow et al. 2015).
func interpolate(t *testing.T, sc *scene.Scene, from, to []float64, n int) []float64 {
	t.Helper()
	ts := make([]float64, n+1)
	for i := range ts {
		ts[i] = float64(i) / float64(n)
	}
	vals := make([]float64, len(ts))
	if _, err := hd.EvalLine(context.Background(), vals, sc.Obj.Value, hd.Segment(from, to), ts); err != nil {
		t.Fatal(err)
	}
	return vals
}

// largestBump is the largest rise of vals above its running minimum: 0 for
// a curve that never goes up.
func largestBump(vals []float64) float64 {
	bump, low := 0.0, math.Inf(1)
	for _, v := range vals {
		low = math.Min(low, v)
		bump = math.Max(bump, v-low)
	}
	return bump
}

func TestLargestBump(t *testing.T) {
	for _, tc := range []struct {
		name string
		vals []float64
		want float64
	}{
		{"falling", []float64{3, 2, 1}, 0},
		{"flat", []float64{1, 1, 1}, 0},
		{"one bump", []float64{3, 1, 1.5, 0}, 0.5},
		{"the larger of two", []float64{3, 2, 2.2, 1, 1.7, 0}, 0.7},
		{"rise at the start", []float64{1, 2, 0}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := largestBump(tc.vals); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("largestBump(%v) = %v, want %v", tc.vals, got, tc.want)
			}
		})
	}
}

// saturation is, for each hidden layer of sc's tanh network at θ, the
// fraction of units and points with |tanh(z)| > 0.99: units that pass back
// less than 2% of the gradient they receive. It runs the forward pass itself
// from the parameter layout (hd.Block: W row-major out×in, then b).
func saturation(t *testing.T, sc *scene.Scene, theta []float64) []float64 {
	t.Helper()
	d, ok := sc.Obj.(interface{ Data() *nn.Dataset })
	if !ok {
		t.Fatalf("%s has no data set", sc.Info.ID)
	}
	ds, blocks := d.Data(), sc.View.Model.Blocks
	n := ds.N()
	acts := make([][]float64, n)
	for i := range acts {
		acts[i] = []float64{ds.X.At(i, 0), ds.X.At(i, 1)}
	}
	var out []float64
	// Every pair of blocks but the last (the linear output layer) is a
	// hidden layer.
	for l := 0; l+3 < len(blocks); l += 2 {
		w, b := blocks[l], blocks[l+1]
		if b.Offset != w.Offset+w.Len() || !b.Bias || b.Rows != w.Rows {
			t.Fatalf("blocks %d, %d are not a weight matrix and its bias: %+v %+v", l, l+1, w, b)
		}
		saturated := 0
		for i := range n {
			a := make([]float64, w.Rows)
			for r := range w.Rows {
				z := theta[b.Offset+r]
				for c := range w.Cols {
					z += theta[w.Offset+r*w.Cols+c] * acts[i][c]
				}
				a[r] = math.Tanh(z)
				if math.Abs(a[r]) > 0.99 {
					saturated++
				}
			}
			acts[i] = a
		}
		out = append(out, float64(saturated)/float64(n*w.Rows))
	}
	return out
}

// theta returns run i's current parameters in full dimension.
func theta(sc *scene.Scene, i int) []float64 {
	return append([]float64(nil), sc.Runs[i].Current().Theta...)
}

// A real network's landscape (8.2; Li et al. 2018; Goodfellow et al. 2015):
// two principal directions hold nearly all of Adam's path, which lies in
// the PCA plane far more than in a random one; the loss on the segment
// from θ₀ to Adam's solution falls without a bump; the Hessian has a few
// large eigenvalues over a bulk near zero, at the start and at the end.
func TestClaimRealNetwork(t *testing.T) {
	l := mustGet(t, "real-network")
	sc, rs := play(t, l, -1, l.Steps)
	adam := runOf(t, rs, 0, "adam")
	if sc.Obj.Dim() != 354 { // the first cue counts them
		t.Errorf("the network has %d parameters; the script says 354", sc.Obj.Dim())
	}
	info := sc.View.Info(false)
	if info.Kind != "pca" || len(info.Explained) != 2 {
		t.Fatalf("the lesson's plane is %q with explained %v, want the PCA plane", info.Kind, info.Explained)
	}
	if ex := info.Explained[0] + info.Explained[1]; ex < 0.9 || info.Explained[0] < 0.8 {
		t.Errorf("the principal directions explain %.3g of the path's variance; want at least 0.9 for two and 0.8 for the first (the script's second cue)", info.Explained)
	}
	for _, r := range rs {
		for _, p := range r.Points {
			if !inView(l.View, p.XY) {
				t.Fatalf("%s leaves the view %v at step %d: %v", r.Optimizer, l.View, p.K, p.XY)
			}
		}
	}

	vi := -1
	for i, v := range l.Variants {
		if v.Plane != nil && v.Plane.Kind == "random" {
			vi = i
		}
	}
	if vi < 0 {
		t.Fatal("no variant on the random plane")
	}
	_, rr := play(t, l, vi, l.Steps)
	inPCA, inRandom := *adam.InPlane, *runOf(t, rr, 0, "adam").InPlane
	t.Logf("Adam's path in the plane: %.3g (PCA, explained %.3g), %.3g (random)", inPCA, info.Explained, inRandom)
	if !(inPCA >= 0.5) || !(inPCA >= 20*inRandom) {
		t.Errorf("fraction of Adam's path in the plane: %.3g on the PCA plane, %.3g on a random one; want at least 0.5 and 20× more", inPCA, inRandom)
	}
	if !(last(adam).Loss < 0.05*adam.Points[0].Loss) {
		t.Errorf("Adam's loss %.3g → %.3g; the lesson wants a trained network", adam.Points[0].Loss, last(adam).Loss)
	}

	end := theta(sc, 0)
	line := interpolate(t, sc, sc.Start, end, 100)
	drop := line[0] - line[len(line)-1]
	bump := largestBump(line)
	t.Logf("J on the segment θ₀ → θ_end: %.3g → %.3g (midpoint %.3g), largest bump %.3g", line[0], line[len(line)-1], line[50], bump)
	if line[0] != adam.Points[0].Loss || math.Abs(line[len(line)-1]-last(adam).Loss) > 1e-9 {
		t.Errorf("the segment's ends %v, %v are not the run's first and last losses %v, %v", line[0], line[len(line)-1], adam.Points[0].Loss, last(adam).Loss)
	}
	if !(bump <= 0.01*drop) {
		t.Errorf("the loss on the segment rises by %.3g on the way (%.2g of its drop %.3g); want it nearly monotone", bump, bump/drop, drop)
	}

	for _, at := range []struct {
		name  string
		theta []float64
	}{{"θ₀", sc.Start}, {"θ_end", end}} {
		top := eigs(t, sc, at.theta, 4, hd.LargestAlgebraic)
		rms, above := bulk(t, sc, at.theta, top[0]/10)
		t.Logf("at %s: top eigenvalues %.3g, rms eigenvalue %.3g, %.3g of the spectrum above λ₁/10", at.name, top, rms, above)
		if !(top[0] >= 10*rms) {
			t.Errorf("at %s: λ₁ = %.3g is not an outlier: the rms eigenvalue is %.3g", at.name, top[0], rms)
		}
		if !(above <= 0.03) {
			t.Errorf("at %s: %.3g of the eigenvalues lie above λ₁/10; want a bulk near zero (≤ 3%%)", at.name, above)
		}
	}
}

// Saddle points in high dimension (8.2.4): Newton's method lands in one or
// two steps on a critical point with negative curvature in many directions
// and a loss far above the minimum; gradient descent lingers on the plateau
// around such a point, then escapes to the minimum; saddle-free Newton
// reaches the same minimum (no negative curvature there) in few steps.
func TestClaimSaddlePointsHighDim(t *testing.T) {
	l := mustGet(t, "saddle-points-high-dim")
	sc, rs := play(t, l, -1, l.Steps)
	gd, nt, sfn := runOf(t, rs, 0, "gd"), runOf(t, rs, 1, "newton"), runOf(t, rs, 2, "saddle_free_newton")
	if sc.Obj.Dim() != 123 { // the caption counts them
		t.Errorf("the network has %d parameters; the caption says 123", sc.Obj.Dim())
	}

	g0 := gd.Points[0].GradNorm
	saddle := last(nt)
	if nt.Status != optim.Converged || saddle.K > 5 || !(saddle.GradNorm < 1e-8*g0) {
		t.Fatalf("Newton: %s (%s) at step %d with ‖g‖ = %.3g (start %.3g); want a critical point within 5 steps", nt.Status, nt.Reason, saddle.K, saddle.GradNorm, g0)
	}
	lmax := eigs(t, sc, theta(sc, 0), 1, hd.LargestAlgebraic)[0]
	neg := eigs(t, sc, theta(sc, 1), 20, hd.SmallestAlgebraic)
	t.Logf("Newton's critical point: loss %.4g, smallest eigenvalues %.3g; Newton %s (%s)", saddle.Loss, neg, nt.Status, nt.Reason)
	down := 0
	for _, v := range neg {
		if v < -0.01 {
			down++
		}
	}
	if down < 5 {
		t.Errorf("Newton's critical point curves downwards in %d directions (eigenvalues below −0.01); want several (≥ 5): a saddle", down)
	}

	if sfn.Status != optim.Converged || last(sfn).K > 12 { // the script's second cue
		t.Errorf("saddle-free Newton: %s at step %d, want converged by step 12", sfn.Status, last(sfn).K)
	}
	minLoss := last(sfn).Loss
	if low := eigs(t, sc, theta(sc, 2), 1, hd.SmallestAlgebraic)[0]; low < -1e-6*lmax {
		t.Errorf("saddle-free Newton ended where the smallest eigenvalue is %.3g: not a minimum", low)
	}
	if !(saddle.Loss > 5*minLoss) {
		t.Errorf("Newton's saddle has loss %.4g, the minimum %.4g; want it far above", saddle.Loss, minLoss)
	}

	// The plateau: from step 50 to 150 gradient descent stays within 5% of
	// the saddle's loss with a gradient a tenth of its first; by the end it
	// has reached the minimum.
	for _, p := range gd.Points[50:151] {
		if math.Abs(p.Loss-saddle.Loss) > 0.05*saddle.Loss || !(p.GradNorm < 0.1*g0) {
			t.Fatalf("gradient descent at step %d: loss %.4g, ‖g‖ %.3g; want it on the plateau at the saddle's loss %.4g with ‖g‖ < %.3g", p.K, p.Loss, p.GradNorm, saddle.Loss, 0.1*g0)
		}
	}
	if !(last(gd).Loss < minLoss*1.01) {
		t.Errorf("gradient descent ended at loss %.4g, saddle-free Newton at %.4g; want it to escape to the minimum", last(gd).Loss, minLoss)
	}
	k := stepsTo(gd, 2*minLoss)
	t.Logf("gradient descent reaches twice the minimum's loss at step %d, saddle-free Newton converges at step %d", k, last(sfn).K)
	if k < 0 || k > 300 {
		t.Errorf("gradient descent reaches twice the minimum's loss at step %d; the script says it has escaped by step 300", k)
	}
}

// Initialization (8.7.2), on the engine: at scale 0.1 the gradient is a
// small fraction of Glorot's and gradient descent stays on the plateau at
// log 2; the three schemes at scale 1 train alike; at scale 5 many hidden
// units saturate, the start is confidently wrong (loss well above log 2)
// and sharper (larger λmax), and on this small problem it still trains.
//
// What does not hold here, and the lesson does not claim: that scale 5
// trains more slowly than scale 1. With 2-D inputs and a few hundred points
// large random weights make rich features and descent fits them fast.
func TestClaimInitialization(t *testing.T) {
	l := mustGet(t, "initialization")
	type outcome struct {
		label      string
		g0, l0     float64
		to01       int // steps to loss 0.1, −1 if never
		end        float64
		sat        []float64
		lmax       float64
		wasRunning bool
	}
	find := func(init string, scale float64) outcome {
		t.Helper()
		for vi, v := range l.Variants {
			o := v.Objective
			if o == nil || o.Options["init"] != init || o.Params["scale"] != scale {
				continue
			}
			sc, rs := play(t, l, vi, l.Steps)
			r := runOf(t, rs, 0, "gd")
			out := outcome{label: v.Label, g0: r.Points[0].GradNorm, l0: r.Points[0].Loss, to01: stepsTo(r, 0.1),
				end: last(r).Loss, sat: saturation(t, sc, sc.Start),
				lmax: eigs(t, sc, sc.Start, 1, hd.LargestAlgebraic)[0]}
			t.Logf("%s: J₀ %.3g, ‖g₀‖ %.3g, λmax(θ₀) %.3g, saturated %.2f; loss 0.1 at step %d, %.3g after %d", v.Label, out.l0, out.g0, out.lmax, out.sat, out.to01, out.end, l.Steps)
			return out
		}
		t.Fatalf("no variant with init %s ×%v", init, scale)
		return outcome{}
	}
	ln2 := math.Log(2)
	glorot, uniform, orthogonal := find("glorot", 1), find("uniform", 1), find("orthogonal", 1)
	small, large := find("glorot", 0.1), find("glorot", 5)

	fastest, slowest := math.MaxInt, 0
	for _, o := range []outcome{glorot, uniform, orthogonal} {
		if o.to01 < 0 {
			t.Errorf("%s never reached loss 0.1 in %d steps", o.label, l.Steps)
			continue
		}
		fastest, slowest = min(fastest, o.to01), max(slowest, o.to01)
		for i, s := range o.sat {
			if s > 0.01 {
				t.Errorf("%s: %.2g of hidden layer %d saturated at the start; want almost none", o.label, s, i+1)
			}
		}
	}
	if glorot.to01 > 100 { // the script's second cue
		t.Errorf("Glorot ×1 reaches loss 0.1 at step %d; the script says it has trained by step 100", glorot.to01)
	}
	if slowest > 2*fastest {
		t.Errorf("at scale 1 the schemes need %d to %d steps to loss 0.1; want them alike (within 2×)", fastest, slowest)
	}

	// Three weight layers: the gradient of each is a product through the
	// other two, so ×0.1 shrinks it about 0.1² (the caption's "a hundred").
	if q := glorot.g0 / small.g0; !(q > 50 && q < 200) {
		t.Errorf("‖g₀‖ at scale 0.1 is %.3g, at scale 1 %.3g: %.3g× smaller; the caption says about a hundred", small.g0, glorot.g0, q)
	}
	// The plateau is that of θ = 0: a critical point (balanced classes, no
	// weights to carry a gradient) where the loss is flat.
	sc0, err := scene.Build(l.Request(-1))
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]float64, sc0.Obj.Dim())
	g := make([]float64, len(zero))
	sc0.Obj.Grad(g, zero)
	if n := math.Sqrt(dot(g, g)); n > 1e-12 {
		t.Errorf("‖∇J(0)‖ = %.3g; θ = 0 should be a critical point", n)
	}
	// Flat: the Hessian at 0 is zero but along one direction (the output
	// biases' difference), so Lanczos finds one non-zero eigenvalue.
	top := eigs(t, sc0, zero, 2, hd.LargestAlgebraic)
	if len(top) < 2 || !(top[0] > 0) || math.Abs(top[1]) > 1e-9*top[0] {
		t.Errorf("Hessian eigenvalues at θ = 0: %v; want one non-zero, flat in every other direction", top)
	}
	if j0 := sc0.Obj.Value(zero); math.Abs(j0-ln2) > 1e-12 {
		t.Errorf("J(0) = %v, want log 2 (both classes at ½)", j0)
	}
	if !(small.end > 0.95*ln2) || small.to01 >= 0 {
		t.Errorf("scale 0.1 ended at loss %.3g (log 2 = %.3g) in %d steps; want it stuck on the plateau", small.end, ln2, l.Steps)
	}

	deepest := large.sat[len(large.sat)-1]
	if !(deepest >= 0.25) {
		t.Errorf("scale 5: %.2g of the last hidden layer saturated; want at least a quarter", deepest)
	}
	if !(large.l0 > 2*ln2) || !(large.g0 > glorot.g0) {
		t.Errorf("scale 5 starts at loss %.3g with ‖g₀‖ %.3g (scale 1: %.3g); want it confidently wrong (above 2 log 2) with a larger gradient", large.l0, large.g0, glorot.g0)
	}
	if !(large.lmax > 3*glorot.lmax) {
		t.Errorf("λmax at the start: %.3g at scale 5, %.3g at scale 1; want it 3× sharper", large.lmax, glorot.lmax)
	}
	if large.to01 < 0 {
		t.Errorf("scale 5 did not reach loss 0.1 in %d steps; the caption says descent recovers", l.Steps)
	}
}
