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
