package web_test

import (
	"fmt"
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
