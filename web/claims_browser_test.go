package web_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/web/templates"
)

// Claims tested in the real page (issue 10): every lesson and ready scene
// is loaded as a user loads it (/lessons/{id}, /?scene=id), stepped to each
// cue's step with the page's own step control (saddle.stepBy, the `step`
// message with n), and what the cue says is asserted from what the page
// holds and shows: window.saddle's tracks, status, state, geometry and the
// DOM (the cue lit, the legend). The surface relied on is documented at
// `window.saddle = this` in web/static/app.mjs.
//
// A claim that waits for a fix on another branch names it in `awaits`; it
// runs as a subtest "AWAITING <branch>/…" so it can be told apart (and
// skipped with -run) until that branch lands.

// pagePoint is one step of a run as the page holds it (track.mjs).
type pagePoint struct {
	K                  int
	X, Y, Loss, Gn, Gh float64
}

// claimPage is the page under test, at the step it was driven to.
type claimPage struct {
	*browser
}

const finalJS = `((r) => ['converged', 'diverged', 'max_steps'].includes(saddle.status[r]?.status))`

// reach steps the paused page until every run is at step k or has ended,
// in chunks the server sends whole (at most 200 steps a frame per run),
// waiting on the page's state after each.
func (c claimPage) reach(k int) {
	c.t.Helper()
	for guard := 0; guard < 1000; guard++ {
		// The slowest run still going; ended runs do not hold the others back.
		cur := eval[int](c.browser, fmt.Sprintf(`Math.min(...saddle.tracks.map((t, r) => %s(r) ? Infinity : t.lastK).concat([1e9]))`, finalJS))
		if cur >= k {
			return
		}
		n := min(k-cur, 100)
		c.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`saddle.stepBy(%d)`, n)))
		c.wait(fmt.Sprintf("step %d", cur+n), fmt.Sprintf(`saddle.tracks.every((t, r) => t.lastK >= %d || %s(r))`, cur+n, finalJS))
	}
	c.t.Fatalf("could not reach step %d", k)
}

// pt is run r's point at step k (or its last before k, if it ended).
func (c claimPage) pt(r, k int) pagePoint {
	c.t.Helper()
	return eval[pagePoint](c.browser, fmt.Sprintf(`(() => { const t = saddle.tracks[%d], i = t.indexOf(%d);
		return { k: t.k[i], x: t.x[i], y: t.y[i], loss: t.loss[i], gn: t.gn[i], gh: t.gthg[i] }; })()`, r, k))
}

// variant picks variant i of the lesson in its picker, as a user does, and
// waits for the runs to restart from its start.
func (c claimPage) variant(i int) {
	c.t.Helper()
	c.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector('.variant-pick select'); s.value = '%d'; s.dispatchEvent(new Event('change')); })()`, i)))
	c.wait("the variant's runs", fmt.Sprintf(`saddle.state.variant === %d && saddle.tracks.length && saddle.tracks.every(t => t.n >= 1 && t.k[0] === 0)`, i))
}

// path is run r's points from step 0 to k.
func (c claimPage) path(r, k int) []pagePoint {
	c.t.Helper()
	return eval[[]pagePoint](c.browser, fmt.Sprintf(`(() => { const t = saddle.tracks[%d], out = [];
		for (let i = 0; i < t.n && t.k[i] <= %d; i++) out.push({ k: t.k[i], x: t.x[i], y: t.y[i], loss: t.loss[i], gn: t.gn[i], gh: t.gthg[i] });
		return out; })()`, r, k))
}

// jitter is run r's mean step length over steps (k0, k1].
func (c claimPage) jitter(r, k0, k1 int) float64 {
	c.t.Helper()
	ps := c.path(r, k1)
	var s float64
	n := 0
	for i := 1; i < len(ps); i++ {
		if ps[i].K > k0 {
			s += math.Hypot(ps[i].X-ps[i-1].X, ps[i].Y-ps[i-1].Y)
			n++
		}
	}
	return s / float64(max(n, 1))
}

func (c claimPage) js(expr string) string {
	c.t.Helper()
	return eval[string](c.browser, `String(`+expr+`)`)
}

// stiff is the unit eigenvector of the start's largest Hessian eigenvalue,
// as the page received it (the eigen-directions it draws).
func (c claimPage) stiff() [2]float64 {
	c.t.Helper()
	c.wait("the start's geometry", `saddle.startGeometry && saddle.startGeometry.eigenvectors`)
	v := eval[[]float64](c.browser, `(() => { const g = saddle.startGeometry; return g.eigenvectors[g.eigenvectors.length - 1]; })()`)
	return [2]float64{v[0], v[1]}
}

// zigzags reports the steps at which run r's step across the valley (along
// across) kept the sign of the step before: none means a zig-zag at every step.
func zigzags(path []pagePoint, across [2]float64) []int {
	var bad []int
	prev := 0.0
	for i := 1; i < len(path); i++ {
		d := (path[i].X-path[i-1].X)*across[0] + (path[i].Y-path[i-1].Y)*across[1]
		if i > 1 && d*prev >= 0 {
			bad = append(bad, path[i].K)
		}
		prev = d
	}
	return bad
}

func (c claimPage) inView(p pagePoint) bool {
	v := eval[[]float64](c.browser, `saddle.state.view`)
	return p.X >= v[0] && p.X <= v[1] && p.Y >= v[2] && p.Y <= v[3]
}

// claim is one thing a cue (or a scene's caption) says at step At.
type claim struct {
	At     int
	What   string
	Awaits string // the branch whose fix this claim needs; "" when none
	Check  func(c claimPage) error
}

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

func nearly(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// lessonClaims are the cues of every lesson, as checks.
var lessonClaims = map[string][]claim{
	"beyond-the-chapter": {
		// Runs: 0 Adam, 1 AdamW, 2 Lion, 3 Muon. The page shows losses, not
		// singular values: each cue's claim is checked by what it does to
		// the loss (the lesson's Go test checks the singular values).
		{30, "Muon has the largest singular value still to fit, Adam only the small ones: Adam's loss is below Muon's", "", func(c claimPage) error {
			if a, m := c.pt(0, 30).Loss, c.pt(3, 30).Loss; !(a < m) {
				return errorf("Adam's loss %.3g, Muon's %.3g at step 30", a, m)
			}
			return nil
		}},
		{300, "Adam has settled lowest; Muon, Lion and AdamW hover above it", "", func(c claimPage) error {
			a := c.pt(0, 300).Loss
			for r, name := range map[int]string{1: "AdamW", 2: "Lion", 3: "Muon"} {
				if l := c.pt(r, 300).Loss; !(l > a) {
					return errorf("%s's loss %.3g is not above Adam's %.3g", name, l, a)
				}
			}
			return nil
		}},
	},
	"real-network": {
		{0, "the page draws the PCA plane of Adam's path", "pagestate (defect 2)", func(c claimPage) error {
			c.wait("the plane", `saddle.model && saddle.model.plane`)
			if k := c.js(`saddle.model.plane.kind`); k != "pca" {
				return errorf("the plane drawn is %q", k)
			}
			return nil
		}},
		{50, "Adam moves further along the first axis than the second", "", func(c claimPage) error {
			// d₁ is the direction Adam's whole path varies most in (PCA).
			a, b := c.pt(0, 0), c.pt(0, 50)
			if da, db := math.Abs(b.X-a.X), math.Abs(b.Y-a.Y); !(da > db) {
				return errorf("Adam moved %.3g along d₁ and %.3g along d₂", da, db)
			}
			return nil
		}},
		{200, "Adam's loss has fallen", "", func(c claimPage) error {
			if a, b := c.pt(0, 0).Loss, c.pt(0, 200).Loss; !(b < 0.5*a) {
				return errorf("Adam's loss %.3g → %.3g", a, b)
			}
			return nil
		}},
	},
	"ill-conditioning": {
		{0, "the read-out gives κ = 25", "", func(c claimPage) error {
			c.wait("the geometry read-out", `document.getElementById('geometry').textContent.includes('κ')`)
			if s := c.js(`document.getElementById('geometry').textContent`); !strings.Contains(s, "κ = 25") {
				return errorf("the read-out says %q", s)
			}
			return nil
		}},
		{10, "each step across the valley overshoots: the zig-zag", "", func(c claimPage) error {
			if bad := zigzags(c.path(0, 10), c.stiff()); len(bad) > 0 {
				return errorf("no sign change across the valley at steps %v", bad)
			}
			return nil
		}},
		{40, "gᵀHg/gᵀg has climbed towards 25", "", func(c claimPage) error {
			p0, p := c.pt(0, 0), c.pt(0, 40)
			r0, r := p0.Gh/(p0.Gn*p0.Gn), p.Gh/(p.Gn*p.Gn)
			if !(r > r0 && r > 20) {
				return errorf("gᵀHg/gᵀg went %.3g → %.3g", r0, r)
			}
			return nil
		}},
		{80, "ε is just below 2/25 and the run has not diverged", "", func(c claimPage) error {
			lr := eval[float64](c.browser, `saddle.state.runs[0].hyper.lr`)
			if s := c.js(`saddle.status[0]?.status`); !(lr < 0.08) || s == "diverged" {
				return errorf("ε = %v, status %s", lr, s)
			}
			return nil
		}},
	},
	"local-minima": {
		{300, "gradient descent rolled into a minimum; another start ends in another", "", func(c claimPage) error {
			end := c.pt(0, 300)
			if s := c.js(`saddle.status[0]?.status`); s != "converged" {
				return errorf("status %s", s)
			}
			c.variant(1)
			if x := c.pt(0, 0).X; x != -1.9 {
				return errorf("the variant starts at x = %v, want -1.9", x)
			}
			c.reach(300)
			other := c.pt(0, 300)
			if nearly(end.X, other.X, 0.1) && nearly(end.Y, other.Y, 0.1) || nearly(end.Loss, other.Loss, 1e-3) {
				return errorf("both starts ended at (%.3g, %.3g) loss %.4g and (%.3g, %.3g) loss %.4g", end.X, end.Y, end.Loss, other.X, other.Y, other.Loss)
			}
			return nil
		}},
	},
	"saddle-points": {
		{0, "the lesson opens on the 3-D surface, the quadratic model drawn on it", "", func(c claimPage) error {
			c.wait("the 3-D view with the model", `saddle.panels[0].is3d && saddle.panels[0].modelCount > 0 && saddle.panels[0].arrows.length === 2`)
			// x² − y²: the curvature along x is positive, along y negative (the arrows' eigenvalues).
			if l := c.js(`saddle.panels[0].arrows.map(a => Math.sign(a.lam)).sort().join()`); l != "-1,1" {
				return errorf("the eigen-arrows' curvatures have signs %s", l)
			}
			return nil
		}},
		{1, "Newton's step lands exactly on the saddle and stops", "", func(c claimPage) error {
			p := c.pt(1, 1)
			if math.Abs(p.X) > 1e-9 || math.Abs(p.Y) > 1e-9 || c.js(`saddle.tracks[1].lastK`) != "1" {
				return errorf("Newton at (%g, %g), last step %s", p.X, p.Y, c.js(`saddle.tracks[1].lastK`))
			}
			return nil
		}},
		{1, "the page says Newton stopped on a saddle, not converged", "stationary (defect 4)", func(c claimPage) error {
			c.wait("Newton's status", `saddle.status[1]`)
			st := c.js(`JSON.stringify(saddle.status[1])`)
			legend := c.js(`document.getElementById('legend').textContent`)
			if !strings.Contains(st, "saddle") || !strings.Contains(legend, "saddle") {
				return errorf("status %s, legend %q: no saddle", st, legend)
			}
			return nil
		}},
		{10, "gradient descent nears the saddle along x while y grows", "", func(c claimPage) error {
			p0, p := c.pt(0, 0), c.pt(0, 10)
			if !(math.Abs(p.X) < 0.3*math.Abs(p0.X) && math.Abs(p.Y) > math.Abs(p0.Y)) {
				return errorf("from (%.3g, %.3g) to (%.3g, %.3g)", p0.X, p0.Y, p.X, p.Y)
			}
			return nil
		}},
		{25, "both escapes go downhill along y", "", func(c claimPage) error {
			for _, r := range []int{0, 2} {
				a, b := c.pt(r, 10), c.pt(r, 25)
				if !(b.Loss < a.Loss && math.Abs(b.Y) > math.Abs(a.Y)) {
					return errorf("run %d: loss %.3g → %.3g, y %.3g → %.3g", r, a.Loss, b.Loss, a.Y, b.Y)
				}
			}
			return nil
		}},
	},
	"plateaus": {
		{0, "on the shelf the gradient norm is about 0.03", "", func(c claimPage) error {
			if g := c.pt(0, 0).Gn; !(g > 0.01 && g < 0.1) {
				return errorf("‖g‖ = %.3g", g)
			}
			return nil
		}},
		{100, "gradient descent has barely moved; Adam is in the well", "", func(c claimPage) error {
			p0, p, a := c.pt(0, 0), c.pt(0, 100), c.pt(1, 100)
			// "Barely": under a quarter of the way to the well at the origin.
			if d := math.Hypot(p.X-p0.X, p.Y-p0.Y); !(d < 0.25*math.Hypot(p0.X, p0.Y)) || !(a.Loss < 0.1) || !(a.Loss < 0.01*p.Loss) {
				return errorf("GD moved %.3g (loss %.3g), Adam's loss %.3g", d, p.Loss, a.Loss)
			}
			return nil
		}},
		{360, "gradient descent has dropped off the shelf", "", func(c claimPage) error {
			a, b := c.pt(0, 100), c.pt(0, 360)
			if !(b.Loss < 0.5*a.Loss) {
				return errorf("GD's loss %.3g at 100, %.3g at 360", a.Loss, b.Loss)
			}
			return nil
		}},
	},
	"saddle-points-high-dim": {
		{0, "the page draws the PCA plane", "pagestate (defect 2)", func(c claimPage) error {
			c.wait("the plane", `saddle.model && saddle.model.plane`)
			if k := c.js(`saddle.model.plane.kind`); k != "pca" {
				return errorf("the plane drawn is %q", k)
			}
			return nil
		}},
		{1, "Newton has jumped to a point of loss 1/3 where the gradient is zero", "", func(c claimPage) error {
			if p := c.pt(1, 1); !nearly(p.Loss, 1.0/3, 0.01) || !(p.Gn < 1e-4) {
				return errorf("Newton's loss %.4g, ‖g‖ %.3g", p.Loss, p.Gn)
			}
			return nil
		}},
		{1, "Newton has jumped to a point of nearly zero gradient with loss 1/3, and stays", "", func(c claimPage) error {
			// Its damping (1e-6) keeps ‖g‖ above the stopping tolerance, so
			// the run goes on: the page must not call it converged.
			for _, k := range []int{1} {
				p := c.pt(1, k)
				if math.Abs(p.Loss-1.0/3) > 1e-3 || p.Gn > 1e-3 {
					return errorf("Newton at step %d: loss %.4g, ‖g‖ %.3g", k, p.Loss, p.Gn)
				}
			}
			if st := c.js(`JSON.stringify(saddle.status[1] ?? null)`); strings.Contains(st, "converged") {
				return errorf("status %s calls the saddle converged", st)
			}
			return nil
		}},
		{12, "saddle-free Newton has reached a minimum, a degenerate one (the legend says flat)", "", func(c claimPage) error {
			s, g := c.pt(2, 12), c.pt(0, 12)
			if !(s.Loss < 0.2*g.Loss) {
				return errorf("saddle-free Newton %.3g, gradient descent %.3g", s.Loss, g.Loss)
			}
			return nil
		}},
		{100, "gradient descent crawls on the plateau", "", func(c claimPage) error {
			if a, b := c.pt(0, 12), c.pt(0, 100); !(b.Loss > 0.5*a.Loss) {
				return errorf("GD's loss %.3g → %.3g", a.Loss, b.Loss)
			}
			return nil
		}},
		{lessons.HonestCueStep, "Newton's saddle: low in a valley on a random plane (tr(H)/n > 0), a saddle on the Hessian's (λmin < 0 < λmax)", "", func(c claimPage) error {
			c.do(chromedp.Evaluate[chromedp.Void](`saddle.select(1)`))
			c.wait("the honest view of Newton's point", `saddle.honest?.msg?.run === 1 && document.querySelector('[data-testid=honest-hessian]')?.dataset.drawn === '1'`)
			h := eval[struct{ Expected, LambdaMin, LambdaMax, Low float64 }](c.browser, `(() => { const m = saddle.honest.msg, r = m.random;
				return { expected: m.expected_curvature, lambdaMin: m.lambda_min, lambdaMax: m.lambda_max, low: (m.loss - r.min) / (r.max - r.min) }; })()`)
			if !(h.Expected > 0 && h.LambdaMin < 0 && h.LambdaMax > 0) || h.Low > 0.1 {
				return errorf("tr(H)/n %.4g, λ ∈ [%.4g, %.4g], the point at %.2f of the random plane's range", h.Expected, h.LambdaMin, h.LambdaMax, h.Low)
			}
			if text := c.js(`document.querySelector('[data-testid=honest-figures]').textContent`); !strings.Contains(text, "λmin = −0.06") {
				return errorf("figures %q", text)
			}
			return nil
		}},
		{400, "gradient descent has escaped and reached saddle-free Newton's minimum", "", func(c claimPage) error {
			g, s := c.pt(0, 400), c.pt(2, 400)
			if !nearly(g.Loss, s.Loss, 0.01) || !(g.Loss < 0.5*c.pt(0, 100).Loss) {
				return errorf("GD %.4g, saddle-free Newton %.4g", g.Loss, s.Loss)
			}
			// Saddle-free Newton was already there at step 12.
			if s12 := c.pt(2, 12).Loss; !nearly(s12, s.Loss, 0.01) {
				return errorf("saddle-free Newton's loss %.4g at 12, %.4g at 400", s12, s.Loss)
			}
			// The cues call that minimum degenerate (flat) as the legend does:
			// the server classed saddle-free Newton's end so, at a low loss.
			if k := c.js(`saddle.status[2]?.stationary?.kind`); k != "degenerate" {
				return errorf("saddle-free Newton's end is %q, not degenerate", k)
			}
			if legend := c.js(`document.getElementById('legend').textContent`); !strings.Contains(legend, "saddle-free Newton — stopped at a flat (degenerate) point") {
				return errorf("legend %q", legend)
			}
			if !(s.Loss < 0.05) {
				return errorf("saddle-free Newton's flat point has loss %.4g: not a minimum's", s.Loss)
			}
			return nil
		}},
	},
	"cliffs": {
		{0, "both runs start side by side on the same slope", "", func(c claimPage) error {
			if m := c.js(`saddle.state.mode`); m != "side" {
				return errorf("mode %s", m)
			}
			if a, b := c.pt(0, 0), c.pt(1, 0); a != b {
				return errorf("starts %v and %v", a, b)
			}
			return nil
		}},
		{0, "the read-out marks the start's Hessian singular (λ₁ = 0), as ill-conditioning's first cue says it does", "", func(c claimPage) error {
			c.wait("the geometry read-out", `document.getElementById('geometry').textContent.includes('κ')`)
			if s := c.js(`document.getElementById('geometry').textContent`); !strings.Contains(s, "λ₁ = 0,") || !strings.Contains(s, "singular") {
				return errorf("the read-out says %q", s)
			}
			return nil
		}},
		{90, "the unclipped run was thrown out of the picture", "", func(c claimPage) error {
			if p := c.pt(0, 90); c.inView(p) {
				return errorf("it is at (%.3g, %.3g)", p.X, p.Y)
			}
			return nil
		}},
		{150, "the clipped run's steps were capped and it stayed", "", func(c claimPage) error {
			p := c.pt(1, 150)
			if n := eval[int](c.browser, `saddle.tracks[1].clips`); n == 0 || !c.inView(p) {
				return errorf("%d clips, at (%.3g, %.3g)", n, p.X, p.Y)
			}
			return nil
		}},
	},
	"long-term-dependencies": {
		{12, "the unclipped run passed w = 1 and was thrown off the picture", "", func(c claimPage) error {
			if p := c.pt(0, 12); c.inView(p) {
				return errorf("it is at (%.3g, %.3g)", p.X, p.Y)
			}
			return nil
		}},
		{100, "the clipped run sits at the cliff's edge near w = 1", "", func(c claimPage) error {
			if p := c.pt(1, 100); !nearly(p.X, 1, 0.2) || !c.inView(p) {
				return errorf("it is at (%.3g, %.3g)", p.X, p.Y)
			}
			return nil
		}},
	},
	"sgd": {
		{300, "the decayed rate has settled, the constant one still jitters", "", func(c claimPage) error {
			if c0, d := c.jitter(0, 200, 300), c.jitter(1, 200, 300); !(d < 0.5*c0) {
				return errorf("mean step over 200–300: constant %.3g, decayed %.3g", c0, d)
			}
			return nil
		}},
		{400, "with a larger batch the constant rate's jitter shrinks too", "", func(c claimPage) error {
			small := c.jitter(0, 300, 400)
			c.variant(0) // batch 32
			c.reach(400)
			if big := c.jitter(0, 300, 400); !(big < 0.7*small) {
				return errorf("mean step over 300–400 at constant ε: batch 4 %.3g, batch 32 %.3g", small, big)
			}
			return nil
		}},
	},
	"momentum": {
		{0, "all three use the same rate ε = 0.03", "", func(c claimPage) error {
			if s := c.js(`saddle.state.runs.map(r => r.hyper.lr).join(',')`); s != "0.03,0.03,0.03" {
				return errorf("rates %s", s)
			}
			return nil
		}},
		{3, "momentum overshoots across the valley", "", func(c claimPage) error {
			v := c.stiff()
			ps := c.path(1, 3)
			signs := 0
			for i := 1; i < len(ps); i++ {
				if (ps[i].X*v[0]+ps[i].Y*v[1])*(ps[0].X*v[0]+ps[0].Y*v[1]) < 0 {
					signs++
				}
			}
			if signs == 0 {
				return errorf("momentum stayed on its side of the valley floor")
			}
			return nil
		}},
		{60, "momentum is far ahead of gradient descent", "", func(c claimPage) error {
			g, m := c.pt(0, 60), c.pt(1, 60)
			if !(m.Loss < 0.1*g.Loss) {
				return errorf("GD %.3g, momentum %.3g", g.Loss, m.Loss)
			}
			return nil
		}},
		{60, "(caption) momentum's path swings across the valley; Nesterov's swings far less", "", func(c claimPage) error {
			v := c.stiff()
			swing := func(r int) (crossings int, widest float64) {
				ps := c.path(r, 60)
				for i := 1; i < len(ps); i++ {
					a, b := ps[i-1].X*v[0]+ps[i-1].Y*v[1], ps[i].X*v[0]+ps[i].Y*v[1]
					if a*b < 0 {
						crossings++
					}
					if ps[i].K >= 5 {
						widest = math.Max(widest, math.Abs(b))
					}
				}
				return
			}
			nm, wm := swing(1)
			nn, wn := swing(2)
			if nm < 4 || !(wn < 0.5*wm) {
				return errorf("momentum crosses the floor %d times (widest %.3g after step 5), Nesterov %d times (widest %.3g)", nm, wm, nn, wn)
			}
			return nil
		}},
		{120, "the rate map's star is theory's optimum ε* = 1/9, α* = 4/9, rate 2/3; the best measured cell lies next to it; the lesson's (0.03, 0.8) is slower", "", func(c claimPage) error {
			c.wait("the rate map", mapsWhole)
			type hm struct {
				Ex, Ey, Rate, Best, Cur float64
				Bi, Bj, Oi, Oj          int
				Note                    string
			}
			h := eval[hm](c.browser, `(() => { const v = saddle.maps, mp = v.msg.map, th = mp.theory, P = v.plot();
				const o = v.cellAt(...v.markers.optimum), cur = v.cellAt(...v.markers.current);
				return { ex: th.optimum.x, ey: th.optimum.y, rate: th.optimum.rate, best: mp.best.value, cur: mp.values[cur.j * mp.x.n + cur.i],
					bi: mp.best.i, bj: mp.best.j, oi: o.i, oj: o.j, note: document.getElementById('maps-note').textContent }; })()`)
			if !nearly(h.Ex, 1.0/9, 1e-9) || !nearly(h.Ey, 4.0/9, 1e-9) || !nearly(h.Rate, 2.0/3, 1e-9) {
				return errorf("the optimum drawn is ε = %g, α = %g, rate %g", h.Ex, h.Ey, h.Rate)
			}
			for _, want := range []string{"ε* = 4/(√λmax+√λmin)² = 0.111", "α* = ((√κ−1)/(√κ+1))² = 0.444", "rate 0.667"} {
				if !strings.Contains(h.Note, want) {
					return errorf("the map's note %q does not say %q", h.Note, want)
				}
			}
			if h.Bi-h.Oi < -1 || h.Bi-h.Oi > 1 || h.Bj-h.Oj < -1 || h.Bj-h.Oj > 1 {
				return errorf("the best cell (%d, %d) is not next to the star's (%d, %d)", h.Bi, h.Bj, h.Oi, h.Oj)
			}
			if !(h.Cur > h.Best+0.1) {
				return errorf("the lesson's run's cell has rate %.3f, the best %.3f", h.Cur, h.Best)
			}
			return nil
		}},
	},
	"basins": {
		// Runs: 0 gradient descent, 1 Newton; the maps view shows both
		// runs' basins (the basins messages' data, as drawn).
		{0, "one basins map for each run, gradient descent's first and Newton's beside it", "", func(c claimPage) error {
			c.wait("both maps", mapsWhole)
			got := c.js(`saddle.maps.panes.map((p) => p.msg.map.optimizer + ':' + p.fig.querySelector('figcaption').textContent).join('|')`)
			if got != "gd:gradient descent, ε = 0.01|newton:Newton" {
				return errorf("the maps view shows %q", got)
			}
			return nil
		}},
		{5, "Newton is on the maximum (−0.27, −0.92); gradient descent still rolls to (3, 2)", "", func(c claimPage) error {
			n, g := c.pt(1, 5), c.pt(0, 5)
			if !nearly(n.X, -0.2708, 1e-3) || !nearly(n.Y, -0.9230, 1e-3) || !(n.Loss > c.pt(1, 0).Loss) {
				return errorf("Newton at (%g, %g), loss %g from %g", n.X, n.Y, n.Loss, c.pt(1, 0).Loss)
			}
			if math.Hypot(g.X-3, g.Y-2) < 0.01 {
				return errorf("gradient descent has already arrived at (%g, %g)", g.X, g.Y)
			}
			return nil
		}},
		{100, "gradient descent sends every start to a minimum, about a quarter each; Newton over a third to a saddle or the maximum, with over four times the boundary cells", "", func(c claimPage) error {
			c.wait("both maps", mapsWhole)
			type st struct {
				AtMin, Stuck, Boundary, All int
				Counts                      []int
				Note                        string
			}
			ps := eval[[]st](c.browser, `saddle.maps.panes.map((p) => ({ ...p.stats, counts: p.msg.map.counts, note: p.fig.querySelector('.maps-note').textContent }))`)
			if len(ps) != 2 {
				return errorf("%d maps", len(ps))
			}
			g, n := ps[0], ps[1]
			if g.AtMin != g.All || !strings.Contains(g.Note, "100% of the starts reach a minimum") {
				return errorf("gradient descent: %d of %d starts reach a minimum; its note says %q", g.AtMin, g.All, g.Note)
			}
			for _, k := range g.Counts {
				if f := float64(k) / float64(g.All); f < 0.2 || f > 0.3 {
					return errorf("gradient descent's basins hold %v of %d starts", g.Counts, g.All)
				}
			}
			if !(3*n.Stuck > n.All) || !(3*n.AtMin < 2*n.All) || !(n.Boundary > 4*g.Boundary) {
				return errorf("Newton: %d of %d at a saddle or the maximum, %d at a minimum, %d boundary cells against %d", n.Stuck, n.All, n.AtMin, n.Boundary, g.Boundary)
			}
			if want := fmt.Sprintf("%d%% a saddle or maximum", int(math.Round(100*float64(n.Stuck)/float64(n.All)))); !strings.Contains(n.Note, want) {
				return errorf("Newton's note %q does not say %q", n.Note, want)
			}
			return nil
		}},
		{100, "from (1, 1) Newton jumps to the far minimum (−3.78, −3.28), gradient descent rolls to (3, 2)", "", func(c claimPage) error {
			c.variant(0)
			c.reach(100)
			n, g := c.pt(1, 100), c.pt(0, 100)
			if !nearly(n.X, -3.7793, 1e-3) || !nearly(n.Y, -3.2832, 1e-3) || !nearly(g.X, 3, 1e-6) || !nearly(g.Y, 2, 1e-6) {
				return errorf("from (1, 1): Newton at (%g, %g), gradient descent at (%g, %g)", n.X, n.Y, g.X, g.Y)
			}
			return nil
		}},
	},
	"edge-of-stability": {
		// Runs: 0 GD ε = 0.2, 1 GD ε = 0.05. The sharpness itself is
		// checked on the engine (TestClaimEdgeOfStability); the page shows
		// what it does to the loss.
		{1500, "at the edge the loss keeps falling, with rises on the way, and ends below the small rate's", "", func(c claimPage) error {
			path := c.path(0, 1500)
			rises := 0
			for i := 1; i < len(path); i++ {
				if path[i].Loss > path[i-1].Loss {
					rises++
				}
			}
			big, small := c.pt(0, 1500).Loss, c.pt(1, 1500).Loss
			if !(big < 0.05*path[0].Loss) || rises == 0 || !(big < small) {
				return errorf("ε = 0.2: loss %.4g → %.4g with %d rises; ε = 0.05 ends at %.4g", path[0].Loss, big, rises, small)
			}
			return nil
		}},
	},
	"initialization": {
		{100, "Glorot's start has trained far below log 2", "", func(c claimPage) error {
			if l := c.pt(0, 100).Loss; !(l < 0.5*math.Ln2) {
				return errorf("loss %.3g", l)
			}
			return nil
		}},
		{300, "×0.1 stays at log 2; ×5 starts confidently wrong", "", func(c claimPage) error {
			c.variant(3) // Glorot ×0.1
			c.reach(300)
			if l := c.pt(0, 300).Loss; !nearly(l, math.Ln2, 0.01) {
				return errorf("×0.1: loss %.4g after 300 steps, want log 2 = %.4g", l, math.Ln2)
			}
			c.variant(4) // Glorot ×5
			if l := c.pt(0, 0).Loss; !(l > math.Ln2) {
				return errorf("×5: the starting loss %.4g is not above log 2", l)
			}
			return nil
		}},
	},
	"adaptive-rates": {
		{50, "each coordinate's effective rate differs", "", func(c claimPage) error {
			q := eval[float64](c.browser, `(() => { const e = saddle.full[0]?.state?.eff_lr; return e ? Math.max(...e) / Math.min(...e) : 0; })()`)
			if !(q > 1.5) {
				return errorf("AdaGrad's rates differ by %.3g", q)
			}
			return nil
		}},
		{500, "every method has brought the loss down", "", func(c claimPage) error {
			for r := 0; r < 4; r++ {
				if a, b := c.pt(r, 0).Loss, c.pt(r, 500).Loss; !(b < 0.1*a) {
					return errorf("run %d: loss %.3g → %.3g", r, a, b)
				}
			}
			return nil
		}},
	},
	"newton-vs-gd": {
		{1, "Newton has arrived in one step", "", func(c claimPage) error {
			if p := c.pt(1, 1); !(p.Loss < 1e-12) || c.js(`saddle.state.mode`) != "side" {
				return errorf("Newton's loss %.3g, mode %s", p.Loss, c.js(`saddle.state.mode`))
			}
			return nil
		}},
		{2, "gradient descent zig-zags", "", func(c claimPage) error {
			if bad := zigzags(c.path(0, 2), c.stiff()); len(bad) > 0 {
				return errorf("no sign change across the valley at steps %v", bad)
			}
			return nil
		}},
		{100, "on the Rosenbrock variant Newton follows the curved valley to (1, 1), gradient descent crawls", "", func(c claimPage) error {
			c.variant(0)
			c.reach(100)
			n, g := c.pt(1, 100), c.pt(0, 100)
			if kn := eval[int](c.browser, `saddle.tracks[1].lastK`); !nearly(n.X, 1, 1e-6) || !nearly(n.Y, 1, 1e-6) || kn > 10 {
				return errorf("Newton at (%g, %g) after %d steps", n.X, n.Y, kn)
			}
			if !(g.Loss > 1) {
				return errorf("gradient descent's loss %.3g after 100 steps", g.Loss)
			}
			return nil
		}},
	},
	"conjugate-gradients": {
		{1, "both take the same first step", "", func(c claimPage) error {
			a, b := c.pt(0, 1), c.pt(1, 1)
			if !nearly(a.X, b.X, 1e-9) || !nearly(a.Y, b.Y, 1e-9) {
				return errorf("(%g, %g) and (%g, %g)", a.X, a.Y, b.X, b.Y)
			}
			return nil
		}},
		{2, "conjugate gradients has arrived; steepest descent turned 90°", "", func(c claimPage) error {
			ps := c.path(0, 2)
			if len(ps) < 3 {
				return errorf("steepest descent has %d points", len(ps))
			}
			d1 := [2]float64{ps[1].X - ps[0].X, ps[1].Y - ps[0].Y}
			d2 := [2]float64{ps[2].X - ps[1].X, ps[2].Y - ps[1].Y}
			cos := (d1[0]*d2[0] + d1[1]*d2[1]) / math.Hypot(d1[0], d1[1]) / math.Hypot(d2[0], d2[1])
			if p := c.pt(1, 2); !(p.Gn < 1e-6) || math.Abs(cos) > 0.01 {
				return errorf("CG's ‖g‖ %.3g, cos between steepest descent's steps %.3g", p.Gn, cos)
			}
			return nil
		}},
	},
	"bfgs": {
		{20, "BFGS has converged", "", func(c claimPage) error {
			if s := c.js(`saddle.status[0]?.status`); s != "converged" {
				return errorf("BFGS: %s", s)
			}
			return nil
		}},
		{45, "L-BFGS took more steps", "", func(c claimPage) error {
			kb, kl := eval[int](c.browser, `saddle.tracks[0].lastK`), eval[int](c.browser, `saddle.tracks[1].lastK`)
			if s := c.js(`saddle.status[1]?.status`); s != "converged" || !(float64(kl) >= 1.3*float64(kb)) {
				return errorf("BFGS %d steps, L-BFGS %d (%s)", kb, kl, s)
			}
			return nil
		}},
	},
	"natural-gradient": {
		{5, "the natural gradient is nearly there, gradient descent is not", "", func(c claimPage) error {
			g, n := c.pt(0, 5), c.pt(1, 5)
			if !(n.Loss < g.Loss) {
				return errorf("GD %.4g, natural gradient %.4g", g.Loss, n.Loss)
			}
			return nil
		}},
	},
	"coordinate-descent": {
		{2, "one sweep: x moves, then y", "", func(c claimPage) error {
			ps := c.path(0, 2)
			if len(ps) < 3 || ps[1].Y != ps[0].Y || ps[2].X != ps[1].X || ps[1].X == ps[0].X {
				return errorf("path %v", ps)
			}
			return nil
		}},
		{40, "the staircase hugs the diagonal x = y", "", func(c claimPage) error {
			p0, p := c.pt(0, 0), c.pt(0, 40)
			if !(math.Abs(p.X-p.Y) < 0.2*math.Abs(p0.X-p0.Y)) {
				return errorf("|x − y| %.3g at 40, %.3g at the start", math.Abs(p.X-p.Y), math.Abs(p0.X-p0.Y))
			}
			return nil
		}},
	},
	"continuation": {
		{0, "the page opens at σ = 2", "", func(c claimPage) error {
			if s := c.js(`saddle.state.objective.blur`); s != "2" {
				return errorf("σ = %s", s)
			}
			return nil
		}},
		{300, "gradient descent slid to the blurred bowl's minimum", "", func(c claimPage) error {
			if p := c.pt(0, 300); !(math.Hypot(p.X, p.Y) < 0.5) {
				return errorf("at (%.3g, %.3g)", p.X, p.Y)
			}
			return nil
		}},
		{1000, "without blur gradient descent is stuck in the first dip", "", func(c claimPage) error {
			c.variant(0)
			if s := c.js(`saddle.state.objective.blur || 0`); s != "0" {
				return errorf("the variant's σ is %s", s)
			}
			c.reach(1000)
			p := c.pt(0, 1000)
			if !(p.Loss > 1) || !(math.Hypot(p.X, p.Y) > 1) {
				return errorf("gradient descent at (%.3g, %.3g), loss %.3g: not stuck away from the global minimum", p.X, p.Y, p.Loss)
			}
			return nil
		}},
	},
}

// sceneClaims are the ready scenes' captions, as checks.
var sceneClaims = map[string][]claim{
	"ill-conditioning": {
		{1, "Newton jumps to the minimum in one step", "", func(c claimPage) error {
			if p := c.pt(2, 1); !(p.Loss < 1e-12) {
				return errorf("Newton's loss %.3g", p.Loss)
			}
			return nil
		}},
		{20, "gradient descent zig-zags: its step across the valley changes sign every step", "", func(c claimPage) error {
			if bad := zigzags(c.path(0, 20), c.stiff()); len(bad) > 0 {
				return errorf("no sign change at steps %v", bad)
			}
			return nil
		}},
		{3, "momentum's first steps overshoot further across the valley than gradient descent's", "", func(c claimPage) error {
			v := c.stiff()
			across := func(r int) float64 {
				m := 0.0
				for _, p := range c.path(r, 3)[1:] {
					m = math.Max(m, math.Abs(p.X*v[0]+p.Y*v[1]))
				}
				return m
			}
			if g, m := across(0), across(1); !(m > g) {
				return errorf("farthest across the valley in steps 1–3: GD %.3g, momentum %.3g", g, m)
			}
			return nil
		}},
		{40, "momentum is ahead from step 10, hundreds of times lower by step 20", "", func(c claimPage) error {
			for k := 10; k <= 40; k++ {
				if g, m := c.pt(0, k), c.pt(1, k); !(m.Loss < g.Loss) {
					return errorf("step %d: GD %.3g, momentum %.3g", k, g.Loss, m.Loss)
				}
			}
			if g, m := c.pt(0, 20), c.pt(1, 20); !(m.Loss < 0.01*g.Loss) {
				return errorf("step 20: GD %.3g, momentum %.3g", g.Loss, m.Loss)
			}
			return nil
		}},
		{40, "the caption on screen quotes the theory's rates", "", func(c claimPage) error {
			s := c.js(`document.getElementById('caption').textContent`)
			for _, w := range []string{"2/(L+μ) = 0.0769", "(κ−1)/(κ+1) = 0.923", "(√κ−1)/(√κ+1) = 0.667", "α = ((√κ−1)/(√κ+1))² = 0.444"} {
				if !strings.Contains(s, w) {
					return errorf("the caption %q lacks %q", s, w)
				}
			}
			return nil
		}},
	},
	"cliffs": {
		{150, "the unclipped run is catapulted off the picture, the clipped one stays", "", func(c claimPage) error {
			far := eval[float64](c.browser, `(() => { const t = saddle.tracks[0]; let m = 0; for (let i = 0; i < t.n; i++) m = Math.max(m, Math.abs(t.x[i]), Math.abs(t.y[i])); return m; })()`)
			if !(far > 100) {
				return errorf("the unclipped run went at most %.3g from the origin", far)
			}
			if p := c.pt(1, 150); !c.inView(p) {
				return errorf("the clipped run is at (%.3g, %.3g)", p.X, p.Y)
			}
			return nil
		}},
	},
	"newton-vs-gd": {
		{100, "gradient descent crawls: loss above 3 after 100 steps", "", func(c claimPage) error {
			if l := c.pt(0, 100).Loss; !(l > 3) {
				return errorf("GD's loss %.3g", l)
			}
			return nil
		}},
		{100, "Newton reaches (1, 1) in six steps, saddle-free Newton in a few more", "", func(c claimPage) error {
			n, s := c.pt(1, 100), c.pt(2, 100)
			kn, ks := eval[int](c.browser, `saddle.tracks[1].lastK`), eval[int](c.browser, `saddle.tracks[2].lastK`)
			if !nearly(n.X, 1, 1e-6) || !nearly(n.Y, 1, 1e-6) || kn > 6 || !nearly(s.X, 1, 1e-6) || ks <= kn || ks > 30 {
				return errorf("Newton at (%g, %g) after %d steps, saddle-free Newton at (%g, %g) after %d", n.X, n.Y, kn, s.X, s.Y, ks)
			}
			return nil
		}},
	},
}

// runClaims opens the page at q, waits for it, and checks the claims in
// order of their steps, stepping the page forward between them.
func runClaims(t *testing.T, b *browser, q string, claims []claim) {
	defer func() {
		b.on(t).screenshot("50-claims-" + strings.NewReplacer("/", "-", "?", "", "=", "-").Replace(strings.TrimPrefix(q, "/")))
	}()
	b = b.on(t)
	b.do(chromedp.Navigate(b.srv.URL + q))
	b.wait("the landscape and the first points",
		`window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
	for _, cl := range claims {
		name := fmt.Sprintf("k=%d %s", cl.At, cl.What)
		if cl.Awaits != "" {
			name = "AWAITING " + cl.Awaits + "/" + name
		}
		t.Run(name, func(t *testing.T) {
			c := claimPage{b.on(t)}
			c.reach(cl.At)
			if strings.HasPrefix(q, "/lessons/") {
				// The cue for this step is the one lit on screen.
				// The cue for this step is the one lit on screen (none before the first).
				c.wait(fmt.Sprintf("the cue at %d", cl.At), fmt.Sprintf(`(() => { const k = %d, cues = [...document.querySelectorAll('[data-testid=cue]')];
					if (!cues.some(c => +c.dataset.at <= k)) return true;
					const cur = document.querySelector('[data-testid=cue].current'); return !!cur && +cur.dataset.at <= k; })()`, cl.At))
			}
			if err := cl.Check(c); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestClaimsInThePage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	// A browser per page: newBrowser's context bounds a browser's whole life
	// (90 s), and a page is well within it.
	var all []string
	t.Run("lessons", func(t *testing.T) {
		for _, l := range lessons.All() {
			claims, ok := lessonClaims[l.ID]
			t.Run(l.ID, func(t *testing.T) {
				if !ok || len(claims) == 0 {
					t.Fatalf("lesson %s has no claims checked in the page; add them to lessonClaims", l.ID)
				}
				for _, cl := range claims {
					if cl.At > l.Steps {
						t.Errorf("claim %q at step %d, past the lesson's %d steps", cl.What, cl.At, l.Steps)
					}
				}
				b := newBrowser(t, 1400, 950)
				runClaims(t, b, "/lessons/"+l.ID, claims)
				all = append(all, b.errors()...)
			})
		}
	})
	t.Run("scenes", func(t *testing.T) {
		for _, s := range templates.Scenes() {
			claims, ok := sceneClaims[s.ID]
			t.Run(s.ID, func(t *testing.T) {
				if !ok || len(claims) == 0 {
					t.Fatalf("scene %s has no claims checked in the page; add them to sceneClaims", s.ID)
				}
				b := newBrowser(t, 1400, 950)
				runClaims(t, b, "/?scene="+s.ID, claims)
				all = append(all, b.errors()...)
			})
		}
	})
	if len(all) > 0 {
		t.Errorf("console errors: %q", all)
	}
}

// The book's section and the update rule's conventions are on screen for
// every run, as a reader of the published book needs them: RMSprop with
// Nesterov's δ inside the root, coordinate descent's nearest minimum.
func TestOptimizerConventionsOnScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1440, 900)
	b.open("?obj=quadratic&run=rmsprop_nesterov&run=coordinate&run=newton")
	b.wait("the runs' notes", `document.querySelectorAll('[data-testid=optimizer-about]').length === 3`)
	texts := eval[[]string](b, `[...document.querySelectorAll('[data-testid=optimizer-about]')].map((d) => d.textContent)`)
	for i, want := range [][]string{{"8.5.2", "√(δ"}, {"8.7.2", "nearest"}, {"§8.6.1", "Algorithm 8.8"}} {
		for _, w := range want {
			if !strings.Contains(texts[i], w) {
				t.Errorf("run %d's note %q does not say %q", i, texts[i], w)
			}
		}
	}
}
