package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Browser tests of what a user does with the mouse: pan, zoom, hover the
// curves and the paths, alt-click for the geometry, drag the start, and
// the clipped step's raw arrow.

// probeJS installs window.T: small readers of the page for these tests.
const probeJS = `window.T = {
	// page returns the page coordinates of θ = (x, y) on panel i.
	page(i, x, y) { const p = saddle.panels[i], r = p.canvas.getBoundingClientRect(), q = p.toPx(x, y); return [r.left + q[0], r.top + q[1]]; },
	// theta returns θ under the page point (px, py) of panel i.
	theta(i, px, py) { const p = saddle.panels[i], r = p.canvas.getBoundingClientRect(); return p.fromPx(px - r.left, py - r.top); },
	// rgb returns the colours of the canvas at CSS px points [[x, y], ...].
	rgb(canvas, pts) {
		const ctx = canvas.getContext('2d'), dpr = canvas.width / canvas.getBoundingClientRect().width;
		return pts.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data.slice(0, 3)));
	},
	// hash fingerprints a rectangle of the canvas (CSS px).
	hash(canvas, x, y, w, h) {
		const dpr = canvas.width / canvas.getBoundingClientRect().width;
		const d = canvas.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), Math.max(1, Math.round(w * dpr)), Math.max(1, Math.round(h * dpr))).data;
		let h1 = 0;
		for (let i = 0; i < d.length; i++) h1 = (h1 * 31 + d[i]) | 0;
		return h1;
	},
	// axes fingerprints panel i's tick labels: the strips below and left of the plot.
	axes(i) { const p = saddle.panels[i], q = p.plot; return [T.hash(p.canvas, q.x, q.y + q.h + 5, q.w, 14), T.hash(p.canvas, 0, q.y, q.x - 5, q.h)]; },
	heat(i) { const p = saddle.panels[i], q = p.plot; return T.hash(p.canvas, q.x + 2, q.y + 2, q.w - 4, q.h - 4); },
	redraw() { saddle.dirty = saddle.plotsDirty = true; saddle.redraw(); },
};`

// landed is true once the landscape drawn is the one computed for the view.
const landed = `(() => { const L = saddle.land, v = saddle.state.view; return L && Math.abs(L.x[0] - v[0]) < 1e-9 && Math.abs(L.x[1] - v[1]) < 1e-9 && Math.abs(L.y[0] - v[2]) < 1e-9 && Math.abs(L.y[1] - v[3]) < 1e-9 && !saddle.dirty; })()`

func (b *browser) page(panel int, x, y float64) (float64, float64) {
	b.t.Helper()
	p := eval[[]float64](b, fmt.Sprintf(`T.page(%d, %g, %g)`, panel, x, y))
	return p[0], p[1]
}

// drag presses at (x0, y0), moves in steps to (x1, y1) and releases there.
func (b *browser) drag(x0, y0, x1, y1 float64, opts ...chromedp.MouseOption) {
	b.t.Helper()
	press := append([]chromedp.MouseOption{chromedp.ButtonLeft, chromedp.ClickCount(1)}, opts...)
	b.do(chromedp.MouseEvent(chromedp.MousePressed, x0, y0, press...))
	for i := 1; i <= 8; i++ {
		f := float64(i) / 8
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, x0+f*(x1-x0), y0+f*(y1-y0), append([]chromedp.MouseOption{chromedp.ButtonLeft}, opts...)...))
	}
	b.do(chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, press...))
}

// wheel scrolls by dy px. The protocol wants deltaX too, and a zero is
// left out of the message: a negligible one stands in for it.
func wheel(dy float64) chromedp.MouseOption {
	return func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 1e-9, dy }
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestPanZoomInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?obj=quadratic&p=a:1,b:25,angle:30&start=-2.5,1.5&run=gd|lr=0.07&k=5")
	b.do(chromedp.Evaluate[chromedp.Void](probeJS))
	b.wait("the first landscape drawn", landed)

	// moved checks the view, then that a landscape for the new view arrived
	// and was drawn: the tick labels and the heat map changed.
	moved := func(t *testing.T, b *browser, what string, axes []int, heat int) {
		t.Helper()
		b.wait("a landscape for the new view", landed)
		after := eval[[]int](b, `T.axes(0)`)
		if after[0] == axes[0] || after[1] == axes[1] {
			t.Errorf("%s: tick labels unchanged (x %v, y %v)", what, after[0] != axes[0], after[1] != axes[1])
		}
		if eval[int](b, `T.heat(0)`) == heat {
			t.Errorf("%s: the heat map was not redrawn", what)
		}
		if u := eval[string](b, `new URLSearchParams(location.search).get('view') || ''`); u == "" {
			t.Errorf("%s: the view is not in the URL", what)
		}
	}
	snapshot := func(b *browser) ([]float64, []int, int) {
		return eval[[]float64](b, `saddle.state.view`), eval[[]int](b, `T.axes(0)`), eval[int](b, `T.heat(0)`)
	}

	for _, c := range []struct {
		name  string
		setup string // JS run before the drag
		mods  []chromedp.MouseOption
	}{
		{name: "drag in pan mode", setup: `document.getElementById('pan-mode').click()`},
		{name: "shift-drag", setup: `saddle.panMode && document.getElementById('pan-mode').click()`, mods: []chromedp.MouseOption{chromedp.ButtonModifiers(chromedp.ModifierShift)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := b.on(t)
			b.do(chromedp.Evaluate[chromedp.Void](c.setup))
			view, axes, heat := snapshot(b)
			start := eval[[]float64](b, `saddle.state.start`)
			plot := eval[[]float64](b, `(() => { const p = saddle.panels[0].plot; return [p.w, p.h]; })()`)
			x0, y0 := b.page(0, 0, 0)
			const dx, dy = 90, -60
			b.drag(x0, y0, x0+dx, y0+dy, c.mods...)
			// Dragging right by dx px moves the view left by dx/w of its width;
			// dragging up moves it down.
			got := eval[[]float64](b, `saddle.state.view`)
			wx, wy := (view[1]-view[0])*dx/plot[0], (view[3]-view[2])*dy/plot[1]
			want := []float64{view[0] - wx, view[1] - wx, view[2] + wy, view[3] + wy}
			for i := range want {
				if !near(got[i], want[i], 1e-3*(view[1]-view[0])) {
					t.Fatalf("view %v after the drag, want %v", got, want)
				}
			}
			// The point grabbed stays under the mouse.
			if th := eval[[]float64](b, fmt.Sprintf(`T.theta(0, %g, %g)`, x0+dx, y0+dy)); !near(th[0], 0, 0.01) || !near(th[1], 0, 0.01) {
				t.Errorf("θ under the mouse after the drag is %v, want (0, 0)", th)
			}
			if s := eval[[]float64](b, `saddle.state.start`); s[0] != start[0] || s[1] != start[1] {
				t.Errorf("panning moved the start from %v to %v", start, s)
			}
			moved(t, b, c.name, axes, heat)
		})
	}
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.panMode && document.getElementById('pan-mode').click()`))

	t.Run("wheel zooms about the mouse", func(t *testing.T) {
		b := b.on(t)
		view, axes, heat := snapshot(b)
		// Whole pixels: the page sees the mouse at whole pixels.
		px, py := b.page(0, 1, -1)
		px, py = math.Round(px), math.Round(py)
		anchor := eval[[]float64](b, fmt.Sprintf(`T.theta(0, %g, %g)`, px, py))
		b.do(chromedp.MouseEvent(chromedp.MouseWheel, px, py, wheel(-300)))
		b.wait("the zoom", fmt.Sprintf(`saddle.state.view[1] - saddle.state.view[0] < %g`, 0.9*(view[1]-view[0])))
		got := eval[[]float64](b, `saddle.state.view`)
		if r := (got[1] - got[0]) / (view[1] - view[0]); !near(r, math.Exp(-300*0.0015), 1e-3) {
			t.Errorf("width scaled by %.4f, want exp(−0.45) = %.4f", r, math.Exp(-0.45))
		}
		if r := (got[3] - got[2]) / (view[3] - view[2]); !near(r, math.Exp(-0.45), 1e-3) {
			t.Errorf("height scaled by %.4f, want %.4f", r, math.Exp(-0.45))
		}
		if th := eval[[]float64](b, fmt.Sprintf(`T.theta(0, %g, %g)`, px, py)); !near(th[0], anchor[0], 1e-6) || !near(th[1], anchor[1], 1e-6) {
			t.Errorf("θ under the mouse moved from %v to %v while zooming", anchor, th)
		}
		moved(t, b, "wheel", axes, heat)
		// Scrolling the other way zooms out.
		b.do(chromedp.MouseEvent(chromedp.MouseWheel, px, py, wheel(300)))
		b.wait("the zoom out", fmt.Sprintf(`saddle.state.view[1] - saddle.state.view[0] > %g`, 0.99*(view[1]-view[0])))
	})

	for _, c := range []struct {
		button string
		factor float64
	}{{"zoom-in", 1 / 1.5}, {"zoom-out", 1.5}} {
		t.Run("the "+c.button+" button", func(t *testing.T) {
			b := b.on(t)
			b.wait("the landscape", landed)
			view, axes, heat := snapshot(b)
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=` + c.button + `]`)))
			b.wait("the new view", fmt.Sprintf(`Math.abs(saddle.state.view[1] - saddle.state.view[0] - %g) < 1e-6`, c.factor*(view[1]-view[0])))
			got := eval[[]float64](b, `saddle.state.view`)
			if cx, cy := (got[0]+got[1])/2, (got[2]+got[3])/2; !near(cx, (view[0]+view[1])/2, 1e-6) || !near(cy, (view[2]+view[3])/2, 1e-6) {
				t.Errorf("the centre moved from %v to %v", view, got)
			}
			moved(t, b, c.button, axes, heat)
			b.screenshot("30-" + c.button)
		})
	}

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestLinkedHoverInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	// Big steps, so the path's points stand apart on the landscape.
	b.open("?obj=quadratic&p=a:1,b:4&start=-2.5,1.5&run=gd|lr=0.2&run=momentum|lr=0.05|momentum=0.8&k=30")
	// Every run at step 30 and the landscape in, so nothing but the hover
	// changes the pixels compared below (currentK is the furthest run's k:
	// the other run's path could still grow through the ring).
	b.wait("the replay", `saddle.tracks.length === 2 && saddle.tracks.every(t => t.lastK === 30)`)
	b.wait("the landscape", landed)
	b.do(chromedp.Evaluate[chromedp.Void](probeJS))
	b.wait("drawn", `!saddle.dirty && !saddle.plotsDirty`)

	// ring lists 24 points on a circle of radius r around the path point of
	// run 0 at step k, in the landscape canvas's CSS px.
	ring := func(k int, r float64) string {
		return fmt.Sprintf(`(() => { const p = saddle.panels[0], t = saddle.tracks[0], i = t.indexOf(%d); const [cx, cy] = p.toPx(t.x[i], t.y[i]); return Array.from({ length: 24 }, (_, j) => [cx + %g * Math.cos(j * Math.PI / 12), cy + %g * Math.sin(j * Math.PI / 12)]); })()`, k, r, r)
	}
	changed := func(a, b [][]int) int {
		n := 0
		for i := range a {
			if a[i][0] != b[i][0] || a[i][1] != b[i][1] || a[i][2] != b[i][2] {
				n++
			}
		}
		return n
	}

	t.Run("hovering a step on the loss curve marks the path point", func(t *testing.T) {
		b := b.on(t)
		const k = 10
		pts := ring(k, 10)
		before := eval[[][]int](b, `T.rgb(saddle.panels[0].canvas, `+pts+`)`)
		xy := eval[[]float64](b, fmt.Sprintf(`(() => { const pl = saddle.plots[0], r = pl.canvas.getBoundingClientRect(); return [r.left + pl.xOf(%d), r.top + r.height / 2]; })()`, k))
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
		b.wait("the hovered step", fmt.Sprintf(`saddle.hoverK === %d && saddle.plots[0].hovered === %d && !saddle.dirty`, k, k))
		after := eval[[][]int](b, `T.rgb(saddle.panels[0].canvas, `+pts+`)`)
		if n := changed(before, after); n < 12 {
			t.Errorf("%d of 24 pixels around step %d's point changed: no ring drawn", n, k)
		}
		b.screenshot("31-hover-curve")
		// Leaving the plot takes the mark away.
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, 5, 5))
		b.wait("no hover", `saddle.hoverK === null && !saddle.dirty`)
		if n := changed(before, eval[[][]int](b, `T.rgb(saddle.panels[0].canvas, `+pts+`)`)); n != 0 {
			t.Errorf("%d pixels still differ after the hover ended", n)
		}
	})

	t.Run("hovering a path point marks its step on the curves", func(t *testing.T) {
		b := b.on(t)
		const k = 3
		plots := `[...document.querySelectorAll('canvas.plot')].slice(0, 2)`
		// The cursor column on the loss and gradient-norm plots.
		column := fmt.Sprintf(`%s.map((c, j) => T.hash(c, saddle.plots[j].xOf(%d) - 1, 8, 3, 80))`, plots, k)
		before := eval[[]int](b, column)
		px, py := b.page(0, eval[float64](b, fmt.Sprintf(`saddle.tracks[0].x[%d]`, k)), eval[float64](b, fmt.Sprintf(`saddle.tracks[0].y[%d]`, k)))
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, px, py))
		b.wait("the hovered step", fmt.Sprintf(`saddle.hoverK === %d && saddle.plots.every(p => p.hovered === %d) && !saddle.plotsDirty`, k, k))
		after := eval[[]int](b, column)
		for j := range before {
			if before[j] == after[j] {
				t.Errorf("plot %d: no cursor drawn at step %d", j, k)
			}
		}
		b.screenshot("32-hover-path")
		// Leaving the landscape ends the hover.
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, 5, 5))
		b.wait("no hover", `saddle.hoverK === null && !saddle.plotsDirty`)
		if got := eval[[]int](b, column); got[0] != before[0] || got[1] != before[1] {
			t.Error("the cursor stayed on the plots after the mouse left the landscape")
		}
	})

	t.Run("a resize redraws the same curves", func(t *testing.T) {
		b := b.on(t)
		b.wait("no hover", `saddle.hoverK === null && !saddle.plotsDirty`)
		const plots = `[...document.querySelectorAll('canvas.plot')].slice(0, 3).map(c => T.hash(c, 0, 0, c.width, c.height))`
		before := eval[[]int](b, plots)
		// Setting a canvas's size clears it, even to the same size.
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.resize(); T.redraw()`))
		after := eval[[]int](b, plots)
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("plot %d differs after a resize to the same size", i)
			}
		}
	})

	t.Run("the side plots' labels follow the colour theme", func(t *testing.T) {
		b := b.on(t)
		if !eval[bool](b, `!!document.querySelector('[data-testid=theme-toggle]')`) {
			t.Skip("no theme button on this page")
		}
		b.wait("no hover", `saddle.hoverK === null && !saddle.plotsDirty`)
		// The tick labels left of the loss plot's frame.
		const labels = `T.hash(saddle.plots[0].canvas, 0, 0, saddle.plots[0].xOf(0) - 4, saddle.plots[0].h)`
		light := eval[int](b, labels)
		theme := func(want string) {
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=theme-toggle]`)))
			b.wait("the "+want+" theme", fmt.Sprintf(`document.documentElement.dataset.theme === '%s'`, want))
			b.do(chromedp.Evaluate[chromedp.Void](`T.redraw()`))
		}
		theme("dark")
		if eval[int](b, labels) == light {
			t.Error("the loss plot's labels kept their light-theme colour in the dark theme")
		}
		b.screenshot("35-dark-theme")
		theme("light")
		if eval[int](b, labels) != light {
			t.Error("back in the light theme, the loss plot's labels differ from before")
		}
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestStartDragAndGeometryInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?obj=quadratic&p=a:1,b:25,angle:30&start=-2.5,1.5&run=gd|lr=0.07&run=momentum|lr=0.01|momentum=0.9&k=20")
	b.wait("the replay", `saddle.currentK() === 20`)
	b.do(chromedp.Evaluate[chromedp.Void](probeJS))

	t.Run("alt-click shows the geometry at that point", func(t *testing.T) {
		b := b.on(t)
		b.wait("the geometry at the start", `document.querySelector('[data-testid=geometry]').textContent.includes('at the start')`)
		px, py := b.page(0, 1, -1)
		b.do(chromedp.MouseClickXY(px, py, chromedp.ButtonModifiers(chromedp.ModifierAlt)))
		b.wait("the geometry at the click", `document.querySelector('[data-testid=geometry]').textContent.includes('at (')`)
		text := eval[string](b, `document.querySelector('[data-testid=geometry]').textContent`)
		m := regexp.MustCompile(`at \(([−\-\d.e]+), ([−\-\d.e]+)\): λ₁ = ([\d.]+), λ₂ = ([\d.]+)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("geometry read-out %q", text)
		}
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(strings.ReplaceAll(s, "−", "-"), 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if x, y := num(m[1]), num(m[2]); !near(x, 1, 0.05) || !near(y, -1, 0.05) {
			t.Errorf("geometry at (%g, %g), clicked (1, −1)", x, y)
		}
		// ½(a u² + b v²) has the Hessian's eigenvalues a = 1 and b = 25 everywhere.
		if l1, l2 := num(m[3]), num(m[4]); !near(l1, 1, 1e-6) || !near(l2, 25, 1e-6) {
			t.Errorf("λ = %g, %g, want 1 and 25", l1, l2)
		}
		if s := eval[[]float64](b, `saddle.state.start`); s[0] != -2.5 || s[1] != 1.5 {
			t.Errorf("alt-click moved the start to %v", s)
		}
	})

	t.Run("dragging the start previews it and restarts on release", func(t *testing.T) {
		b := b.on(t)
		canvas := `saddle.panels[0].canvas`
		at := func(x, y float64) string {
			return fmt.Sprintf(`(() => { const q = saddle.panels[0].toPx(%g, %g); return T.rgb(%s, [q])[0]; })()`, x, y, canvas)
		}
		white := func(c []int) bool { return c[0] > 235 && c[1] > 235 && c[2] > 235 }
		if white(eval[[]int](b, at(1.5, -1))) {
			t.Fatal("the landscape is white at (1.5, −1) before the drag: the test cannot see the marker")
		}
		x0, y0 := b.page(0, 0.5, 0.5)
		x1, y1 := b.page(0, 1.5, -1)
		b.do(chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		for i := 1; i <= 6; i++ {
			f := float64(i) / 6
			b.do(chromedp.MouseEvent(chromedp.MouseMoved, x0+f*(x1-x0), y0+f*(y1-y0), chromedp.ButtonLeft))
		}
		// Still pressed: the start follows the mouse and is drawn there; the
		// old paths are gone and nothing restarted yet.
		b.wait("the preview", `Math.abs(saddle.state.start[0] - 1.5) < 0.02 && Math.abs(saddle.state.start[1] + 1) < 0.02 && !saddle.dirty`)
		if c := eval[[]int](b, at(1.5, -1)); !white(c) {
			t.Errorf("no start marker under the mouse while dragging: colour %v", c)
		}
		if n := eval[int](b, `saddle.tracks.reduce((a, t) => a + t.n, 0)`); n != 0 {
			t.Errorf("%d path points shown while dragging, want none until the release", n)
		}
		b.screenshot("33-drag-start")
		b.do(chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		b.wait("runs restarted from the new start", `saddle.tracks.every(t => t.n >= 1 && Math.abs(t.x[0] - saddle.state.start[0]) < 1e-9 && Math.abs(t.y[0] - saddle.state.start[1]) < 1e-9)`)
		if k := eval[int](b, `saddle.currentK()`); k != 0 {
			t.Errorf("after the release the runs are at step %d, want 0", k)
		}
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestClippedStepArrowInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?scene=cliffs&speed=400")
	b.do(chromedp.Evaluate[chromedp.Void](probeJS))
	// rawLen is the length in px of the clipped run's last raw step on its
	// panel (0 when that step was not clipped).
	const rawLen = `(() => { const p = saddle.full[1], P = saddle.panels[1]; if (!p || !p.clipped || !p.raw_grad) return 0; const a = [p.xy[0] - p.update[0], p.xy[1] - p.update[1]]; const q = P.toPx(a[0], a[1]), r = P.toPx(a[0] - p.lr * p.raw_grad[0], a[1] - p.lr * p.raw_grad[1]); return Math.hypot(r[0] - q[0], r[1] - q[1]); })()`
	// Play until the clipped run reaches the cliff, where the raw step is long.
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("the cliff", rawLen+` > 60`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("paused", `!saddle.playing`)
	for i := 0; i < 100 && eval[float64](b, rawLen) <= 60; i++ {
		k := eval[int](b, `saddle.tracks[1].lastK`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=step]`)))
		b.wait("a step", fmt.Sprintf(`saddle.tracks[1].lastK > %d`, k))
	}
	if eval[float64](b, rawLen) <= 60 {
		t.Fatal("no clipped step with a long raw step in 100 steps at the cliff")
	}
	b.wait("drawn", `!saddle.dirty`)
	// Points along the raw step, from 20 px past its start to 60 px: past
	// the clipped (solid) step, which is a few px long here.
	const along = `(() => { const p = saddle.full[1], P = saddle.panels[1]; const a = [p.xy[0] - p.update[0], p.xy[1] - p.update[1]]; const q = P.toPx(a[0], a[1]), r = P.toPx(a[0] - p.lr * p.raw_grad[0], a[1] - p.lr * p.raw_grad[1]); const n = Math.hypot(r[0] - q[0], r[1] - q[1]), u = [(r[0] - q[0]) / n, (r[1] - q[1]) / n]; return Array.from({ length: 41 }, (_, i) => [q[0] + (20 + i) * u[0], q[1] + (20 + i) * u[1]]).filter(([x, y]) => P.inPlot(x, y)); })()`
	pts := eval[[][]float64](b, along)
	if len(pts) < 20 {
		t.Fatalf("only %d points of the raw step inside the plot", len(pts))
	}
	js, err := json.Marshal(pts)
	if err != nil {
		t.Fatal(err)
	}
	ptsJS := string(js)
	with := eval[[][]int](b, `T.rgb(saddle.panels[1].canvas, `+ptsJS+`)`)
	b.screenshot("34-clipped-step")
	// The same step drawn as if it had not been clipped: no raw arrow.
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.full[1] = { ...saddle.full[1], clipped: false }; T.redraw()`))
	without := eval[[][]int](b, `T.rgb(saddle.panels[1].canvas, `+ptsJS+`)`)
	differ := 0
	for i := range with {
		if with[i][0] != without[i][0] || with[i][1] != without[i][1] || with[i][2] != without[i][2] {
			differ++
		}
	}
	// The faint arrow is dashed (5 on, 4 off): about half its points are ink.
	if differ < len(pts)/4 {
		t.Errorf("%d of %d pixels along the raw step differ with the clip drawn: no faint arrow", differ, len(pts))
	}
	// The unclipped run has no raw arrow to draw; the counter says how many
	// steps were clipped.
	if eval[bool](b, `!!saddle.full[0]?.clipped`) {
		t.Error("the run without clipping reports a clipped step")
	}
	clips := eval[int](b, `saddle.tracks.reduce((a, t) => a + t.clips, 0)`)
	if got, want := eval[string](b, `document.querySelector('[data-testid=clip-count]').textContent`), fmt.Sprintf("· %d clipped", clips); clips == 0 || got != want {
		t.Errorf("clip counter %q, want %q", got, want)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
