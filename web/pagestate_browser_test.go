package web_test

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/lessons"
)

// The page's own state against what a lesson or a permalink says it draws
// (issue 10, defects 2 and 3).

// pathSpanPx is the largest extent, in canvas pixels of the first panel,
// of any run's path so far.
const pathSpanPx = `(() => {
	const p = saddle.panels[0];
	let best = 0;
	for (const t of saddle.tracks) {
		let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
		for (let i = 0; i < t.n; i++) {
			const [px, py] = p.toPx(t.x[i], t.y[i]);
			x0 = Math.min(x0, px); x1 = Math.max(x1, px); y0 = Math.min(y0, py); y1 = Math.max(y1, py);
		}
		if (t.n) best = Math.max(best, Math.hypot(x1 - x0, y1 - y0));
	}
	return best;
})()`

// TestLessonPlanes: the projected lessons declare the PCA plane; the page
// opens on it (its state, the landscape the server drew, the title the
// user reads) and on the lesson's view, and the paths cross the picture
// instead of sitting in a dot.
func TestLessonPlanes(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1400, 950)
	for _, id := range []string{"real-network", "saddle-points-high-dim"} {
		t.Run(id, func(t *testing.T) {
			b := b.on(t)
			l, ok := lessons.Get(id)
			if !ok || l.Scene.Plane == nil {
				t.Fatalf("lesson %s has no plane", id)
			}
			kind := l.Scene.Plane.Kind
			b.do(chromedp.Navigate(b.srv.URL + "/lessons/" + id))
			b.wait("the lesson's final landscape and first points",
				`window.saddle && saddle.model && saddle.model.plane && saddle.land && !saddle.model.landTask && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
			if got := eval[string](b, `saddle.state.plane`); got != kind {
				t.Errorf("the page's state.plane is %q, the lesson declares %q", got, kind)
			}
			if got := eval[string](b, `saddle.model.plane.kind`); got != kind {
				t.Errorf("the server drew the %q plane, the lesson declares %q", got, kind)
			}
			title := eval[string](b, `document.querySelector('[data-testid=plane-title]').textContent`)
			if want := map[string]string{"pca": "PCA plane", "hessian": "Hessian", "random": "random plane"}[kind]; !strings.Contains(title, want) {
				t.Errorf("the panel's title reads %q, want it to name the %s", title, want)
			}
			want := []float64{l.View.X[0], l.View.X[1], l.View.Y[0], l.View.Y[1]}
			view := eval[[]float64](b, `saddle.state.view`)
			land := eval[[]float64](b, `[saddle.land.x[0], saddle.land.x[1], saddle.land.y[0], saddle.land.y[1]]`)
			for i := range want {
				if view[i] != want[i] || land[i] != want[i] {
					t.Fatalf("the page's view %v, the landscape's %v; the lesson's view is %v", view, land, want)
				}
			}
			// Play to the lesson's second cue: by then the paths have moved.
			k := l.Script[1].At
			b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`saddle.stepBy(%d)`, k)))
			b.wait("the second cue's step", fmt.Sprintf(`saddle.tracks.every((t, r) => t.lastK >= %d || ['converged', 'diverged', 'max_steps'].includes(saddle.status[r]?.status))`, k))
			b.do(chromedp.Evaluate[chromedp.Void](`saddle.redraw()`))
			if span := eval[float64](b, pathSpanPx); span < 40 {
				t.Errorf("the longest path spans %.1f px at step %d; on the %s plane it should cross the picture", span, k, kind)
			}
			b.screenshot("40-lesson-plane-" + id)
			if len(l.Variants) == 0 || l.Variants[0].Plane == nil {
				return
			}
			// The first variant's plane and view (real-network's random
			// plane over [−1, 1]²), where the caption says the path is a dot.
			v := l.Variants[0]
			b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=variant-picker]`), "0"))
			b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=variant-picker]').dispatchEvent(new Event('change'))`))
			b.wait("the variant's plane", fmt.Sprintf(`saddle.model.plane?.kind === %q && saddle.land && !saddle.model.landTask && saddle.tracks.every(t => t.n > 0)`, v.Plane.Kind))
			if got := eval[[]float64](b, `saddle.state.view`); v.View != nil && (got[0] != v.View.X[0] || got[1] != v.View.X[1] || got[2] != v.View.Y[0] || got[3] != v.View.Y[1]) {
				t.Errorf("the variant draws the view %v, it declares %v", got, *v.View)
			}
			if title := eval[string](b, `document.querySelector('[data-testid=plane-title]').textContent`); !strings.Contains(title, v.Plane.Kind+" plane") {
				t.Errorf("the variant's panel title reads %q", title)
			}
		})
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// trackData is every run's kept points: k, x, y and loss per step.
type trackData struct {
	K    []int     `json:"k"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
	Loss []float64 `json:"loss"`
}

const readTracks = `saddle.tracks.map(t => ({k: [...t.k.subarray(0, t.n)], x: [...t.x.subarray(0, t.n)], y: [...t.y.subarray(0, t.n)], loss: [...t.loss.subarray(0, t.n)]}))`

// zigzags counts the sign changes of the steps' component along u (the
// steepest eigenvector: across the valley), over steps whose component is
// well above rounding.
func turnsAcross(d trackData, u []float64) int {
	n, prev := 0, 0.0
	for i := 1; i < len(d.X); i++ {
		c := (d.X[i]-d.X[i-1])*u[0] + (d.Y[i]-d.Y[i-1])*u[1]
		if math.Abs(c) < 1e-9 {
			break
		}
		if prev != 0 && (c > 0) != (prev > 0) {
			n++
		}
		prev = c
	}
	return n
}

// TestPermalinkPastManySteps: gradient descent zig-zags across the
// ill-conditioned quadratic's valley; played past 300 steps, paused, its
// link holds the step at once, and reloading the link draws exactly what
// the live page drew: every step, the same coordinates and losses, the
// same zig-zag (issue 10, defect 3: a replay past ~256 steps kept every
// other step, and the zig-zag aliased into a smooth curve).
func TestPermalinkPastManySteps(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1400, 950)
	// ε = 0.01 on λ = 1 and 190: ελmax = 1.9, so the step across the
	// valley changes sign every step and shrinks by 0.9 a step only, while
	// along the valley 0.99 a step does not converge in 300.
	b.open("?obj=quadratic&p=a:1,b:190,angle:30&start=-2.5,1.5&run=gd|lr=0.01&run=momentum|lr=0.01|momentum=0.9&speed=600")
	b.wait("the start's geometry", `saddle.startGeometry && saddle.startGeometry.eigenvectors`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("the server playing", `saddle.session === 'running'`)
	b.wait("step 300", `saddle.currentK() >= 300`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("the server's pause", `saddle.session === 'paused'`)
	got := eval[[]int](b, `[+new URLSearchParams(location.search).get('k'), saddle.currentK()]`)
	if got[0] != got[1] {
		t.Fatalf("right after the pause the URL says k=%d, the page is at k=%d", got[0], got[1])
	}
	k := got[1]
	if st := eval[string](b, `saddle.status[0].status`); k < 300 || st != "running" {
		t.Fatalf("paused at k=%d with gradient descent %s: the test wants it running past 300", k, st)
	}
	live := eval[[]trackData](b, readTracks)
	// The eigenvector of λmax, as the page was sent it (ascending order).
	u := eval[[]float64](b, `saddle.startGeometry.eigenvectors[1]`)
	for r, d := range live {
		for i, kk := range d.K {
			if kk != i {
				t.Fatalf("run %d: the live page holds k=%d at index %d: it kept not every step", r, kk, i)
			}
		}
	}
	liveZig := turnsAcross(live[0], u)
	if liveZig < 10 {
		t.Fatalf("gradient descent changed direction across the valley %d times; the scene should zig-zag", liveZig)
	}
	t.Logf("paused at k=%d: %d and %d points live, gradient descent turns across the valley %d times", k, len(live[0].K), len(live[1].K), liveZig)
	link := eval[string](b, `location.href`)
	b.do(chromedp.Navigate("about:blank"))
	b.do(chromedp.Navigate(link))
	b.wait("the replay", fmt.Sprintf(`window.saddle && saddle.tracks.length === 2 && saddle.currentK() === %d`, k))
	back := eval[[]trackData](b, readTracks)
	for r := range live {
		l, g := live[r], back[r]
		if len(g.K) != len(l.K) {
			t.Fatalf("run %d: %d points after the reload, %d live", r, len(g.K), len(l.K))
		}
		for i := range l.K {
			if g.K[i] != l.K[i] || g.X[i] != l.X[i] || g.Y[i] != l.Y[i] || g.Loss[i] != l.Loss[i] {
				t.Fatalf("run %d, index %d: reloaded k=%d (%v, %v) loss %v; live k=%d (%v, %v) loss %v",
					r, i, g.K[i], g.X[i], g.Y[i], g.Loss[i], l.K[i], l.X[i], l.Y[i], l.Loss[i])
			}
		}
	}
	if z := turnsAcross(back[0], u); z != liveZig {
		t.Errorf("the reloaded path changes direction across the valley %d times, the live one %d", z, liveZig)
	}
	if u, _ := url.Parse(eval[string](b, `location.href`)); u.Query().Get("k") != strconv.Itoa(k) {
		t.Errorf("after the replay the URL says k=%s, want %d", u.Query().Get("k"), k)
	}
	b.screenshot("41-permalink-300")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// A lesson link (or an embed of it) with k= replays to that step, as the
// explorer's permalinks do, and shows the cue of that step: the lesson's
// own start at k = 0 used to win, so a shared "step 61" opened at 0.
func TestLessonLinkReplaysToItsStep(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	for _, path := range []string{"/lessons/momentum?k=61", "/embed?lesson=momentum&k=61&cues=1"} {
		b.do(chromedp.Navigate(b.srv.URL + path))
		b.wait(path+" replayed to step 61", `window.saddle && saddle.tracks.length === 3 && saddle.tracks.every(t => t.n === 62) && saddle.state.k === 61`)
		cue := eval[string](b, `document.querySelector('[data-testid=cue].current')?.textContent || document.getElementById('cue')?.textContent || ''`)
		if !strings.Contains(cue, "velocity has built up") {
			t.Errorf("%s: the cue at step 61 is %q, want the one of step 60", path, cue)
		}
	}
}

// On a projected objective the dot sits on the plane's loss at its
// projection, which is not the run's J(θ) once θ leaves the plane (the
// high-dimensional saddle lesson: the colour under gradient descent's dot
// reads about 0.3 where its loss is 0.04): the read-out says so, and on a
// 2-D objective, where the colour is J(θ), it does not.
func TestReadOutSaysTheColourIsThePlanes(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	for _, c := range []struct {
		path string
		want bool
	}{{"/lessons/saddle-points-high-dim?k=5", true}, {"/lessons/momentum?k=5", false}} {
		b.do(chromedp.Navigate(b.srv.URL + c.path))
		b.wait(c.path+" at step 5", `window.saddle && saddle.tracks.length > 0 && saddle.state.k === 5 && /J\(θ\)/.test(document.querySelector('[data-testid=readout]').textContent)`)
		s := eval[string](b, `document.querySelector('[data-testid=readout]').textContent`)
		if got := strings.Contains(s, "the plane’s loss at (α, β), not J(θ)"); got != c.want {
			t.Errorf("%s: the read-out %q says the colour is the plane's: %v, want %v", c.path, s, got, c.want)
		}
	}
}
