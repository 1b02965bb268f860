package web_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The theory views in embeds and their SVG exports (issue 11): an /embed
// whose URL opens the maps view, the sharpness panel or the decay panel
// draws it inside the iframe beside the landscape (wide frame) or below it
// (tall frame), the landscape keeping most of the room; each view's SVG is
// well-formed XML with its cells, curves and labels; the share dialog's
// embed URL reopens the views that are open.

// embedShots is where the screenshots of these tests go (SADDLE_SCREENSHOTS, else the browser's).
func embedShots(b *browser) {
	if d := os.Getenv("SADDLE_EMBED_SHOTS"); d != "" {
		if os.MkdirAll(d, 0o755) == nil {
			b.shots = d
		}
	}
}

// viewPlacedJS checks the view box sel inside the embed: shown inside the
// frame, in #embed-views laid out as layout, its canvases drawn (not one
// colour), and the landscape keeping the larger part of the frame. It
// returns "" or what is wrong.
func viewPlacedJS(sel, layout string) string {
	return `(() => {` + measureJS + `
	const view = document.querySelector('` + sel + `'), place = document.getElementById('embed-views');
	const land = document.querySelector('canvas.landscape');
	const bad = [];
	if (!view || !place || view.parentElement !== place) return 'the view ` + sel + ` is not in the embed\'s place for views';
	if (!shown(view)) return 'the view is not shown';
	if (place.dataset.layout !== '` + layout + `') bad.push('the views are laid out ' + place.dataset.layout + ', want ` + layout + `');
	for (const c of view.querySelectorAll('canvas')) {
		if (!shown(c) || !inside(c)) bad.push('a canvas of the view at ' + box(c) + ' is not inside ' + vw + '×' + vh);
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
		for (let i = 0; i < d.length && seen.size < 3; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
		if (seen.size < 3) bad.push('a canvas of the view is blank');
	}
	if (!shown(land) || !inside(land)) bad.push('the landscape at ' + box(land) + ' is not inside the frame');
	const area = (el) => { const r = el.getBoundingClientRect(); return r.width * r.height; };
	const views = [...view.querySelectorAll('canvas')].reduce((a, c) => a + area(c), 0);
	if (area(land) < views) bad.push('the landscape (' + Math.round(area(land)) + ' px²) is smaller than the view (' + Math.round(views) + ' px²)');
	if ('` + layout + `' === 'beside') {
		if (view.getBoundingClientRect().left < land.getBoundingClientRect().right - 1) bad.push('the view at ' + box(view) + ' is not beside the landscape at ' + box(land));
	} else if (view.getBoundingClientRect().top < land.getBoundingClientRect().bottom - 1) bad.push('the view at ' + box(view) + ' is not below the landscape at ' + box(land));
	return bad.join('; ');
})()`
}

// valley is the quadratic valley with a momentum run, stepped to 60.
const valley = "obj=quadratic&p=a:1,b:25,angle:0&start=-2.5,1.5&run=momentum|lr=0.01|momentum=0.9&k=60"

func TestEmbedTheoryViews(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	for _, size := range [][2]int{{640, 400}, {390, 844}} {
		layout := "beside"
		if size[0] < size[1] {
			layout = "below"
		}
		for _, tc := range []struct{ name, q, sel, ready string }{
			{"hypermap", "lesson=momentum&map=hypermap", "#maps-view", mapsWhole},
			{"decay", valley + "&decay=1", "#decay-box", `saddle.decay?.msg && +document.querySelector('[data-testid=decay-box]').dataset.curves >= 2`},
			{"sharpness", valley + "&sharp=5", "#sharpness-box", `saddle.sharpness?.traces[0]?.k.at(-1) === 60`},
		} {
			t.Run(fmt.Sprintf("%s %dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				b := newBrowser(t, size[0], size[1])
				embedShots(b)
				b.openAt("/embed?" + tc.q)
				b.wait("the view's data", tc.ready)
				b.wait("drawn", pageDrawn)
				if bad := b.settleOn(viewPlacedJS(tc.sel, layout)); bad != "" {
					t.Errorf("%s", bad)
				}
				if tc.name == "hypermap" {
					// The map is the lesson's: momentum's 64×64 rate map, its optimum starred.
					if n := eval[int](b, `saddle.maps.msg.map.x.n * saddle.maps.msg.map.y.n`); n != 64*64 {
						t.Errorf("the embed's map has %d cells, want the lesson's 64×64", n)
					}
					// The ☆ is drawn where the markers say: the pixel there is its white.
					px := eval[[]int](b, `(() => { const v = saddle.maps, o = v.markers.optimum, dpr = devicePixelRatio || 1; if (!o) return [];
						return [...v.canvas.getContext('2d').getImageData(Math.round(o[0] * dpr), Math.round(o[1] * dpr), 1, 1).data.slice(0, 3)]; })()`)
					if len(px) != 3 || px[0] < 230 || px[1] < 230 || px[2] < 230 {
						t.Errorf("the embed's map has no optimum ☆ drawn (the pixel there: %v)", px)
					}
				}
				b.screenshot(fmt.Sprintf("embed-%s-%dx%d", tc.name, size[0], size[1]))
				if errs := b.errors(); len(errs) > 0 {
					t.Errorf("console errors: %v", errs)
				}
			})
		}
	}
}

// svgInfo is what an SVG export holds: its cells (the rects of g.cells,
// equal neighbours in a row merged), the paths inside a clip
// (curves, theory lines, markers) and how many of them are dashed, and
// every text.
type svgInfo struct {
	NX, NY        int
	Rects         []float64 // width, height of each cell rect
	Clipped       int
	ClippedDash   int
	Texts         []string
	Title, Desc   string
	Width, Height float64
}

func parseSVG(t *testing.T, doc string) svgInfo {
	t.Helper()
	var s svgInfo
	d := xml.NewDecoder(strings.NewReader(doc))
	var stack []string   // "cells", "clip" or "" per open element
	var widths []float64 // the cell rects' widths and heights in the open g.cells
	var inText, inTitle, inDesc bool
	attr := func(e xml.StartElement, name string) string {
		for _, a := range e.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	num := func(v string) float64 { f, _ := strconv.ParseFloat(v, 64); return f }
	in := func(kind string) bool {
		for _, k := range stack {
			if k == kind {
				return true
			}
		}
		return false
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			kind := ""
			switch e.Name.Local {
			case "svg":
				s.Width, s.Height = num(attr(e, "width")), num(attr(e, "height"))
			case "g":
				if attr(e, "class") == "cells" {
					kind = "cells"
					s.NX, _ = strconv.Atoi(attr(e, "data-nx"))
					s.NY, _ = strconv.Atoi(attr(e, "data-ny"))
					widths = nil
				} else if attr(e, "clip-path") != "" {
					kind = "clip"
				}
			case "rect":
				if in("cells") {
					widths = append(widths, num(attr(e, "width")), num(attr(e, "height")))
				}
			case "path":
				if in("clip") {
					s.Clipped++
					if attr(e, "stroke-dasharray") != "" {
						s.ClippedDash++
					}
				}
			case "text":
				inText = true
				s.Texts = append(s.Texts, "")
			case "title":
				inTitle = true
			case "desc":
				inDesc = true
			}
			stack = append(stack, kind)
		case xml.EndElement:
			if stack[len(stack)-1] == "cells" {
				s.Rects = append(s.Rects, widths...)
			}
			stack = stack[:len(stack)-1]
			inText, inTitle, inDesc = false, false, false
		case xml.CharData:
			switch {
			case inText:
				s.Texts[len(s.Texts)-1] += string(e)
			case inTitle:
				s.Title += string(e)
			case inDesc:
				s.Desc += string(e)
			}
		}
	}
	return s
}

// cells counts the cells the rects cover, each a whole number of cw × ch cells.
func (s svgInfo) cells(cw, ch float64) (n int, ok bool) {
	ok = true
	for i := 0; i+1 < len(s.Rects); i += 2 {
		a, b := s.Rects[i]/cw, s.Rects[i+1]/ch
		if math.Abs(a-math.Round(a)) > 0.01 || math.Abs(b-1) > 0.01 {
			ok = false
		}
		n += int(math.Round(a))
	}
	return n, ok
}

func (s svgInfo) has(text string) bool {
	for _, x := range s.Texts {
		if strings.Contains(x, text) {
			return true
		}
	}
	return false
}

func saveSVG(t *testing.T, b *browser, name, doc string) {
	p := filepath.Join(b.shots, name)
	if err := os.WriteFile(p, []byte(doc), 0o644); err == nil {
		t.Logf("svg: %s", p)
	}
}

func TestTheoryViewsExportSVG(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	embedShots(b)

	t.Run("rate map", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/momentum"))
		b.wait("the lesson's map", `window.saddle && `+mapsWhole)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=maps-svg]`)))
		if got := eval[string](b, `saddle.maps.lastExport.name + ' ' + saddle.maps.lastExport.type`); got != "saddle-hypermap-momentum.svg image/svg+xml" {
			t.Errorf("the SVG button saved %q", got)
		}
		doc := eval[string](b, `saddle.maps.svg()`)
		saveSVG(t, b, "maps-hypermap.svg", doc)
		s := parseSVG(t, doc)
		cell := eval[[]float64](b, `(() => { const P = saddle.maps.plot(), mp = saddle.maps.msg.map; return [(P.x1 - P.x0) / mp.x.n, (P.y1 - P.y0) / mp.y.n]; })()`)
		if n, ok := s.cells(cell[0], cell[1]); s.NX != 64 || s.NY != 64 || n != 64*64 || !ok {
			t.Errorf("the SVG's cells: %d × %d, its rects covering %d cells of %.2f × %.2f px (whole cells: %v); want 64 × 64", s.NX, s.NY, n, cell[0], cell[1], ok)
		}
		for _, want := range []string{"α (momentum)", "ε (lr, log scale)", "rate", "diverged", "0.001"} {
			if !s.has(want) {
				t.Errorf("the SVG has no text %q: %q", want, s.Texts)
			}
		}
		if s.ClippedDash != 1 {
			t.Errorf("%d dashed lines over the map, want 1: the stability boundary", s.ClippedDash)
		}
		if !strings.Contains(s.Desc, "α* = ((√κ−1)/(√κ+1))² = 0.444") || !strings.Contains(s.Title, "rate map") {
			t.Errorf("the SVG's title %q and description %q do not say what the note says", s.Title, s.Desc)
		}
		rows := eval[int](b, `saddle.maps.csv().trim().split('\n').length`)
		head := eval[string](b, `saddle.maps.csv().split('\n')[0]`)
		if rows != 64*64+1 || head != "run,i,j,lr,momentum,rate,status" {
			t.Errorf("the CSV: %d lines headed %q; want a header run,i,j,lr,momentum,rate,status and 4096 rows", rows, head)
		}
	})

	t.Run("basins side by side", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/basins"))
		b.wait("both maps", `window.saddle && `+mapsWhole)
		doc := eval[string](b, `saddle.maps.svg()`)
		saveSVG(t, b, "maps-basins.svg", doc)
		n := eval[int](b, `saddle.maps.msg.map.n`)
		if strings.Count(doc, `class="cells"`) != 2 {
			t.Errorf("%d cell grids, want one per run of the pair", strings.Count(doc, `class="cells"`))
		}
		s := parseSVG(t, doc)
		cell := eval[[]float64](b, `(() => { const P = saddle.maps.plot(); return [(P.x1 - P.x0) / saddle.maps.msg.map.n, (P.y1 - P.y0) / saddle.maps.msg.map.n]; })()`)
		if got, ok := s.cells(cell[0], cell[1]); s.NX != n || s.NY != n || got != 2*n*n || !ok {
			t.Errorf("the SVG's grids are %d × %d covering %d cells (whole cells: %v); want two of the map's %d × %d", s.NX, s.NY, got, ok, n, n)
		}
		for _, want := range []string{"gradient descent", "Newton", "θ₁ of the start", "θ₂"} {
			if !s.has(want) {
				t.Errorf("the SVG has no text %q", want)
			}
		}
	})

	t.Run("decay", func(t *testing.T) {
		b := b.on(t)
		b.open("?" + valley + "&decay=1")
		b.wait("the decay", `saddle.decay?.msg && +document.querySelector('[data-testid=decay-box]').dataset.curves >= 2`)
		doc := eval[string](b, `saddle.decay.svg()`)
		saveSVG(t, b, "decay.svg", doc)
		s := parseSVG(t, doc)
		want := eval[[]int](b, `(() => { const sp = saddle.decay.spec(); return [sp.series.length, sp.series.filter(x => x.dash).length]; })()`)
		if s.Clipped != want[0] || s.ClippedDash != want[1] || want[1] < 1 {
			t.Errorf("the SVG has %d curves (%d dashed), the panel draws %d (%d dashed: the closed-form rates)", s.Clipped, s.ClippedDash, want[0], want[1])
		}
		for _, l := range eval[[]string](b, `saddle.decay.spec().legend.map(l => l.text)`) {
			if !s.has(l) {
				t.Errorf("the SVG's legend has no %q", l)
			}
		}
		if !s.has("step k") || !s.has("|⟨θₖ − θ*, qᵢ⟩|") {
			t.Errorf("the SVG has no axis labels: %q", s.Texts)
		}
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=decay-svg]`)))
		if got := eval[string](b, `saddle.decay.lastExport?.name`); got != "saddle-decay.svg" {
			t.Errorf("the SVG button saved %q", got)
		}
	})

	t.Run("sharpness", func(t *testing.T) {
		b := b.on(t)
		b.open("?obj=quadratic&run=gd|lr=0.05&run=momentum|lr=0.01|momentum=0.9&sharp=4&k=12")
		b.wait("both traces to step 12", `saddle.sharpness && [0, 1].every(r => saddle.sharpness.traces[r]?.k.at(-1) === 12)`)
		doc := eval[string](b, `saddle.sharpness.svg()`)
		saveSVG(t, b, "sharpness.svg", doc)
		s := parseSVG(t, doc)
		if s.Clipped != 4 || s.ClippedDash != 2 {
			t.Errorf("the SVG has %d curves (%d dashed), want each run's λmax and its dashed threshold: 4 (2)", s.Clipped, s.ClippedDash)
		}
		for _, want := range []string{"2/ε", "step k", "sharpness λmax(H)"} {
			if !s.has(want) {
				t.Errorf("the SVG has no text %q: %q", want, s.Texts)
			}
		}
	})
}

// TestShareDialogEmbedsTheViews: the share dialog's embed URL carries the
// views open on the page and reopens them in the embed; a view unticked is
// left out.
func TestShareDialogEmbedsTheViews(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	embedShots(b)
	b.open("?" + valley + "&decay=1&map=hypermap")
	b.wait("the map", mapsWhole)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=share]`)))
	b.wait("the dialog", `document.querySelector('[data-testid=share-dialog]')?.open && document.querySelectorAll('[data-testid=share-view]').length === 2`)
	src := func() url.Values {
		s := eval[string](b, `new DOMParser().parseFromString(document.querySelector('[data-testid=share-snippet]').value, 'text/html').querySelector('iframe').src`)
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u.Query()
	}
	q := src()
	if q.Get("map") != "hypermap" || q.Get("decay") != "1" {
		t.Fatalf("the embed URL %v does not carry map=hypermap and decay=1", q)
	}
	b.screenshot("share-dialog-views-1280x720")
	// Unticking the decay leaves it out.
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=share-view][value=decay]`)))
	if q := src(); q.Has("decay") || q.Get("map") != "hypermap" {
		t.Errorf("with the decay unticked the embed URL is %v", q)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=share-view][value=decay]`)))
	embed := eval[string](b, `new DOMParser().parseFromString(document.querySelector('[data-testid=share-snippet]').value, 'text/html').querySelector('iframe').src`)
	// The embed reopens both.
	e := newBrowser(t, 640, 400)
	embedShots(e)
	u, _ := url.Parse(embed)
	e.openAt(u.RequestURI())
	e.wait("both views in the embed", mapsWhole+` && saddle.decay?.msg && document.getElementById('embed-views')?.dataset.views === 'maps decay'`)
	e.wait("drawn", pageDrawn)
	e.screenshot("embed-from-dialog-640x400")
}

// TestTheoryViewModulesLoadOnDemand: the explorer without a theory view
// loads neither the embed's placement of the views nor the SVG helper.
func TestTheoryViewModulesLoadOnDemand(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.open("?obj=quadratic&run=gd|lr=0.05")
	at := files(b.loaded())
	for _, name := range []string{"embedviews.mjs", "svgcanvas.mjs", "maps.mjs", "decay.mjs", "sharpness.mjs"} {
		if at[name] {
			t.Errorf("%s is loaded at start", name)
		}
	}
}

// TestTheoryViewExportButtons: each view's bar has its PNG, SVG and CSV
// buttons on screen, in the explorer at 1280×720, 1440×900 and 390×844.
func TestTheoryViewExportButtons(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	for _, size := range [][2]int{{1280, 720}, {1440, 900}, {390, 844}} {
		b := newBrowser(t, size[0], size[1])
		embedShots(b)
		b.open("?" + valley + "&map=hypermap&decay=1&sharp=5")
		b.wait("the views", mapsWhole+` && saddle.decay?.msg && saddle.sharpness?.traces[0]?.k.at(-1) === 60`)
		for _, box := range []struct{ sel, buttons string }{
			{"#maps-view", "maps-png maps-svg maps-csv"},
			{"#decay-box", "decay-csv decay-png decay-svg"},
			{"#sharpness-box", "sharpness-csv sharpness-png sharpness-svg"},
		} {
			b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('` + box.sel + `').scrollIntoView({block: 'center'})`))
			b.wait("drawn", pageDrawn)
			for _, id := range strings.Fields(box.buttons) {
				if bad := eval[string](b, `(() => {`+measureJS+` const el = document.querySelector('[data-testid=`+id+`]'); return shown(el) && inside(el) ? '' : '`+id+` not on screen at ' + (el ? box(el) : 'nowhere'); })()`); bad != "" {
					t.Errorf("%v: %s", size, bad)
				}
			}
			b.screenshot(fmt.Sprintf("explorer-%s-%dx%d", strings.TrimPrefix(box.sel, "#"), size[0], size[1]))
		}
		if size[0] != 1280 {
			continue
		}
		// Each button saves a file of its kind, not empty (download.mjs).
		for _, view := range []string{"maps", "decay", "sharpness"} {
			for _, kind := range [][2]string{{"csv", "text/csv"}, {"png", "image/png"}, {"svg", "image/svg+xml"}} {
				b.do(chromedp.Evaluate[chromedp.Void](`saddle.`+view+`.lastExport = null`), chromedp.Click(chromedp.CSS(`[data-testid=`+view+`-`+kind[0]+`]`)))
				b.wait(view+"'s "+kind[0]+" file", `saddle.`+view+`.lastExport?.name.endsWith('.`+kind[0]+`')`)
				if got := eval[string](b, `(e => e.type + ' ' + (e.size > 200))(saddle.`+view+`.lastExport)`); got != kind[1]+" true" {
					t.Errorf("%s's %s button saved %q, want %q", view, kind[0], got, kind[1]+" true")
				}
			}
		}
	}
}
