package web_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// mapsReady is true once the maps view has drawn a whole map.
const mapsReady = `saddle.maps && saddle.maps.msg && !saddle.maps.msg.partial && saddle.maps.msg.map.stride === 1`

// TestHypermapView: a link with map=hypermap opens the rate map of the
// selected momentum run on the quadratic valley; the optimum (ε*, α*) is
// drawn where the closed form puts it on the map's axes; clicking a cell
// runs with its ε and α (the run's hyperparameters change and its
// trajectory is another); the link restores the view; the PNG export
// works.
func TestHypermapView(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.open("?obj=quadratic&p=a:1,b:25,angle:0&start=-2.5,1.5&run=momentum|lr=0.01|momentum=0.9&map=hypermap")
	b.wait("the whole map", mapsReady)
	if errs := b.errors(); len(errs) > 0 {
		t.Fatalf("console errors: %v", errs)
	}

	// The theory's optimum, from its eigenvalues, and where it must be drawn:
	// cells are evenly spaced in log ε and in α, values at cell centres.
	type geo struct {
		Lmin, Lmax, Ex, Ey  float64
		Px, Py              []float64
		Lo, Hi, Ylo, Yhi    float64
		NX, NY              int
		X0, X1, Y0, Y1, Dpr float64
		Pixel               []float64
	}
	g := eval[geo](b, `(() => {
		const v = saddle.maps, mp = v.msg.map, th = mp.theory, P = v.plot();
		const [px, py] = v.markers.optimum, dpr = window.devicePixelRatio || 1;
		const d = v.canvas.getContext('2d').getImageData(Math.round(px * dpr), Math.round(py * dpr), 1, 1).data;
		return { Lmin: th.lambda_min, Lmax: th.lambda_max, Ex: th.optimum.x, Ey: th.optimum.y, Px: [px], Py: [py],
			Lo: mp.x.range[0], Hi: mp.x.range[1], Ylo: mp.y.range[0], Yhi: mp.y.range[1], NX: mp.x.n, NY: mp.y.n,
			X0: P.x0, X1: P.x1, Y0: P.y0, Y1: P.y1, Dpr: dpr, Pixel: [d[0], d[1], d[2]] };
	})()`)
	if math.Abs(g.Lmin-1) > 1e-9 || math.Abs(g.Lmax-25) > 1e-9 {
		t.Fatalf("eigenvalues %g, %g; the valley a=1, b=25 has 1 and 25", g.Lmin, g.Lmax)
	}
	eps := 4 / math.Pow(math.Sqrt(g.Lmax)+math.Sqrt(g.Lmin), 2)
	sk := math.Sqrt(g.Lmax / g.Lmin)
	alpha := math.Pow((sk-1)/(sk+1), 2)
	if math.Abs(g.Ex-eps) > 1e-12 || math.Abs(g.Ey-alpha) > 1e-12 {
		t.Fatalf("optimum (%g, %g), closed form (%g, %g)", g.Ex, g.Ey, eps, alpha)
	}
	wantX := g.X0 + (math.Log(eps/g.Lo)/math.Log(g.Hi/g.Lo)*float64(g.NX-1)+0.5)/float64(g.NX)*(g.X1-g.X0)
	wantY := g.Y1 - ((alpha-g.Ylo)/(g.Yhi-g.Ylo)*float64(g.NY-1)+0.5)/float64(g.NY)*(g.Y1-g.Y0)
	if math.Abs(g.Px[0]-wantX) > 0.5 || math.Abs(g.Py[0]-wantY) > 0.5 {
		t.Errorf("the optimum is drawn at (%.1f, %.1f), the closed form is at (%.1f, %.1f)", g.Px[0], g.Py[0], wantX, wantY)
	}
	if g.Pixel[0] < 230 || g.Pixel[1] < 230 || g.Pixel[2] < 230 {
		t.Errorf("the pixel at the optimum is %v, not the star's white", g.Pixel)
	}
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('maps-view').scrollIntoView()`))
	b.wait("drawn", pageDrawn)
	b.screenshot("maps-hypermap-1280x720")

	// The trajectory at step 40 before the click.
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.send({type: 'step', n: 40})`))
	b.wait("40 steps", `saddle.tracks[0].lastK >= 40 || saddle.status[0]?.status === 'converged'`)
	before := eval[[]float64](b, `(() => { const t = saddle.tracks[0], i = t.n - 1; return [t.k[i], t.x[i], t.y[i]]; })()`)

	// Click the cell two to the left of the optimum's.
	at := eval[[]float64](b, `(() => { const v = saddle.maps, r = v.canvas.getBoundingClientRect(), [px, py] = v.markers.optimum;
		const cw = (v.plot().x1 - v.plot().x0) / v.msg.map.x.n; return [r.left + px - 2 * cw, r.top + py]; })()`)
	cell := eval[[]float64](b, `(() => { const v = saddle.maps, r = v.canvas.getBoundingClientRect();
		const c = v.cellAt(`+ftoa(at[0])+` - r.left, `+ftoa(at[1])+` - r.top), mp = v.msg.map; return [mp.x.values[c.i], mp.y.values[c.j]]; })()`)
	b.do(chromedp.MouseClickXY(at[0], at[1]))
	b.wait("the run's ε and α from the cell", `Math.abs(saddle.state.runs[0].hyper.lr - `+ftoa(cell[0])+`) < 1e-6 * `+ftoa(cell[0])+
		` && Math.abs(saddle.state.runs[0].hyper.momentum - `+ftoa(cell[1])+`) < 1e-6`)
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.send({type: 'step', n: 40})`))
	b.wait("the new trajectory", `saddle.tracks[0].lastK >= `+ftoa(before[0])+` || saddle.status[0]?.status === 'converged'`)
	after := eval[[]float64](b, `(() => { const t = saddle.tracks[0], i = t.indexOf(`+ftoa(before[0])+`); return i < 0 ? [] : [t.k[i], t.x[i], t.y[i]]; })()`)
	if len(after) == 3 && math.Hypot(after[1]-before[1], after[2]-before[2]) < 1e-9 {
		t.Errorf("the trajectory at k = %v did not change with ε, α: %v", before[0], after)
	}
	if u := eval[string](b, `location.search`); !strings.Contains(u, "map=hypermap") || !strings.Contains(u, "momentum=") {
		t.Errorf("the link %q lost the map or the run's α", u)
	}

	// A reload of the link draws the map again.
	b.do(chromedp.Reload())
	b.wait("the map after a reload", `window.saddle && `+mapsReady)

	// The PNG export.
	if got := evalAsync[string](b, `saddle.maps.png().then((e) => e.type + ' ' + (e.size > 1000))`); got != "image/png true" {
		t.Errorf("PNG export: %q", got)
	}

	phone := newBrowser(t, 390, 844)
	phone.open("?obj=quadratic&p=a:1,b:25,angle:0&start=-2.5,1.5&run=momentum|lr=0.01|momentum=0.9&map=hypermap")
	phone.wait("the whole map", mapsReady)
	phone.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('maps-view').scrollIntoView()`))
	phone.wait("drawn", pageDrawn)
	phone.screenshot("maps-hypermap-390x844")
}

// TestBasinsView: Newton's basins on Himmelblau name its four minima and
// a saddle or maximum; clicking a cell starts the runs there.
func TestBasinsView(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.open("?obj=himmelblau&start=0,0&run=newton&map=basins")
	b.wait("the whole basins map", mapsReady)
	got := eval[[]int](b, `(() => { const mp = saddle.maps.msg.map; return [mp.minima.length, mp.basin.filter((q) => q === -3 || q === -4).length]; })()`)
	if got[0] < 4 || got[1] == 0 {
		t.Errorf("%d minima, %d cells at a saddle or maximum: want Himmelblau's four, and Newton drawn to its saddles", got[0], got[1])
	}
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('maps-view').scrollIntoView()`))
	at := eval[[]float64](b, `(() => { const v = saddle.maps, r = v.canvas.getBoundingClientRect(), P = v.plot();
		return [r.left + P.x0 + 0.75 * (P.x1 - P.x0), r.top + P.y0 + 0.25 * (P.y1 - P.y0)]; })()`)
	b.do(chromedp.MouseClickXY(at[0], at[1]))
	b.wait("the start moved to the cell", `saddle.state.start && saddle.state.start[0] > 2 && saddle.state.start[1] > 2`)
	b.wait("the new run", `saddle.tracks[0].n > 0 && Math.abs(saddle.tracks[0].x[0] - saddle.state.start[0]) < 1e-9`)
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('maps-view').scrollIntoView()`))
	b.wait("drawn", pageDrawn)
	b.screenshot("maps-basins-1280x720")
	if errs := b.errors(); len(errs) > 0 {
		t.Fatalf("console errors: %v", errs)
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// mapsWhole is true once every pane of the maps view has drawn a whole map.
const mapsWhole = `saddle.maps && saddle.maps.panes.every((p) => p.msg && !p.msg.partial && p.msg.map.stride === 1)`

// lessonShot opens lesson id at w×h, waits for its maps view, scrolls it
// into sight and saves a screenshot (for looking at: COMMON.md).
func lessonShot(t *testing.T, id string, w, h int) *browser {
	b := newBrowser(t, w, h)
	b.do(chromedp.Navigate(b.srv.URL + "/lessons/" + id))
	b.wait("the lesson's runs", `window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
	b.wait("the lesson's maps", mapsWhole)
	b.wait("drawn", pageDrawn)
	b.screenshot("lesson-" + id + "-top-" + strconv.Itoa(w) + "x" + strconv.Itoa(h))
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('maps-view').scrollIntoView()`))
	b.wait("drawn", pageDrawn)
	b.screenshot("lesson-" + id + "-maps-" + strconv.Itoa(w) + "x" + strconv.Itoa(h))
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("%s at %d×%d: console errors: %v", id, w, h, errs)
	}
	return b
}

// TestLessonMaps: the momentum lesson opens the rate map of its momentum
// run over (ε, α) with the lesson's axes, the optimum starred and the
// best cell next to it; the basins lesson opens both runs' basins side by
// side, gradient descent's and Newton's, each labelled, the two canvases
// beside each other on a wide screen and one above the other on a phone.
// Both survive a reload of the page's link.
func TestLessonMaps(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	for _, size := range [][2]int{{1280, 720}, {1440, 900}, {390, 844}} {
		b := lessonShot(t, "momentum", size[0], size[1])
		type hm struct {
			Sel, N, NY       int
			X, Y, Meas       string
			Lo, Hi           float64
			Opt, Best, Panes []float64
			Note             string
		}
		g := eval[hm](b, `(() => { const v = saddle.maps, mp = v.msg.map;
			return { sel: saddle.state.sel, n: mp.x.n, ny: mp.y.n, x: mp.x.name, y: mp.y.name, meas: mp.measure, lo: mp.x.range[0], hi: mp.x.range[1],
				opt: v.markers.optimum, best: v.markers.best, panes: [v.panes.length], note: document.getElementById('maps-note').textContent }; })()`)
		if g.Sel != 1 || g.X != "lr" || g.Y != "momentum" || g.Meas != "rate" || g.N != 64 || g.NY != 64 || g.Lo != 0.001 || g.Hi != 0.32 || g.Panes[0] != 1 {
			t.Errorf("%v: the map is %+v; want momentum's (run 1) rate map over the lesson's 64×64 (ε from 0.001 to 0.32, α)", size, g)
		}
		cw := eval[float64](b, `(() => { const P = saddle.maps.plot(); return (P.x1 - P.x0) / saddle.maps.msg.map.x.n; })()`)
		ch := eval[float64](b, `(() => { const P = saddle.maps.plot(); return (P.y1 - P.y0) / saddle.maps.msg.map.y.n; })()`)
		if len(g.Opt) != 2 || len(g.Best) != 2 || math.Abs(g.Opt[0]-g.Best[0]) > 1.5*cw || math.Abs(g.Opt[1]-g.Best[1]) > 1.5*ch {
			t.Errorf("%v: the optimum ☆ is drawn at %v, the best cell □ at %v (cells %.1f × %.1f px): the cue says next to each other", size, g.Opt, g.Best, cw, ch)
		}
		for _, want := range []string{"ε* = 4/(√λmax+√λmin)² = 0.111", "α* = ((√κ−1)/(√κ+1))² = 0.444", "rate 0.667"} {
			if !strings.Contains(g.Note, want) {
				t.Errorf("%v: the map's note %q does not say %q", size, g.Note, want)
			}
		}
		if size[0] == 1280 {
			b.do(chromedp.Reload())
			b.wait("the map after a reload", `window.saddle && `+mapsWhole+` && saddle.maps.msg.map.x.range[0] === 0.001 && saddle.state.sel === 1`)
		}
	}
	for _, size := range [][2]int{{1280, 720}, {1440, 900}, {390, 844}} {
		b := lessonShot(t, "basins", size[0], size[1])
		type pane struct {
			Run                      int
			Opt, Caption, Note       string
			Left, Top, Width, Height float64
		}
		ps := eval[[]pane](b, `saddle.maps.panes.map((p) => { const r = p.canvas.getBoundingClientRect();
			return { run: p.run, opt: p.msg.map.optimizer, caption: p.fig.querySelector('figcaption').textContent, note: p.fig.querySelector('.maps-note').textContent,
				left: r.left, top: r.top, width: r.width, height: r.height }; })`)
		if len(ps) != 2 || ps[0].Opt != "gd" || ps[1].Opt != "newton" || !strings.Contains(ps[0].Caption, "gradient descent") || !strings.Contains(ps[1].Caption, "Newton") {
			t.Fatalf("%v: panes %+v; want gradient descent's basins and Newton's, labelled", size, ps)
		}
		beside := ps[1].Left >= ps[0].Left+ps[0].Width-1 && math.Abs(ps[1].Top-ps[0].Top) < 1
		above := ps[1].Top >= ps[0].Top+ps[0].Height-1
		if (size[0] > 1000 && !beside) || (size[0] == 390 && !above) {
			t.Errorf("%v: the panes are at %+v; want them side by side on a wide screen, one above the other on a phone", size, ps)
		}
		if below := eval[bool](b, `document.getElementById('maps-view').getBoundingClientRect().top >= document.getElementById('panels').getBoundingClientRect().bottom`); !below {
			t.Errorf("%v: the maps view is not below the landscapes, as the cue says", size)
		}
		for _, p := range ps {
			if p.Left < 0 || p.Left+p.Width > float64(size[0])+0.5 {
				t.Errorf("%v: pane %d's canvas spans %.0f to %.0f px, off the screen", size, p.Run, p.Left, p.Left+p.Width)
			}
		}
		if size[0] == 1280 {
			// One PNG of both maps, side by side.
			if got := evalAsync[string](b, `saddle.maps.png().then((e) => e.name + ' ' + e.type + ' ' + (e.size > 1000))`); got != "saddle-basins-gd-newton.png image/png true" {
				t.Errorf("PNG export: %q", got)
			}
			// A click on Newton's map starts both runs there; the maps, which
			// do not depend on the start, stay as they are.
			asked := eval[int](b, `saddle.maps.asked`)
			at := eval[[]float64](b, `(() => { const v = saddle.maps, p = v.panes[1], r = p.canvas.getBoundingClientRect(), P = v.plot(p);
				return [r.left + P.x0 + 0.8 * (P.x1 - P.x0), r.top + P.y0 + 0.2 * (P.y1 - P.y0)]; })()`)
			b.do(chromedp.MouseClickXY(at[0], at[1]))
			b.wait("both runs from the clicked start", `saddle.state.start[0] > 2.5 && saddle.state.start[1] > 2.5 && saddle.tracks.length === 2 && saddle.tracks.every((t) => t.n > 0 && Math.abs(t.x[0] - saddle.state.start[0]) < 1e-9)`)
			b.wait("the start's marker moved", `saddle.maps.panes.every((p) => p.markers.current && p.markers.current[0] > saddle.maps.plot(p).x0 + 0.7 * (saddle.maps.plot(p).x1 - saddle.maps.plot(p).x0))`)
			if again := eval[int](b, `saddle.maps.asked`); again != asked || asked != 2 {
				t.Errorf("the maps were asked for %d times before the click, %d after; want 2 (one per run), and no more for a new start", asked, again)
			}
			// One panel: the selected run's map alone; select Newton: his.
			b.do(chromedp.Click(chromedp.CSS(`input[name=mode][value=single]`)))
			b.wait("gradient descent's map alone", `saddle.maps.panes.length === 1 && saddle.maps.panes[0].msg?.map.optimizer === 'gd' && !saddle.maps.panes[0].msg.partial`)
			b.do(chromedp.Evaluate[chromedp.Void](`[...document.getElementById('run-list').children[1].querySelectorAll('button')].find((x) => x.textContent.includes('select')).click()`))
			b.wait("Newton's map alone", `saddle.state.sel === 1 && saddle.maps.panes.length === 1 && saddle.maps.panes[0].msg?.map.optimizer === 'newton' && !saddle.maps.panes[0].msg.partial`)
		}
		if !strings.Contains(ps[0].Note, "100% of the starts reach a minimum") || !strings.Contains(ps[1].Note, "a saddle or maximum") {
			t.Errorf("%v: notes %q and %q", size, ps[0].Note, ps[1].Note)
		}
	}
}
