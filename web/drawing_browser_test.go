package web_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/api"
)

// What the landscape's drawing shows a user: the colour scale of the heat
// map (issue 10: Rosenbrock was one flat purple), the colour bar's ticks,
// the loss plot's log box for negative losses, labels clear of markers.

// heatShare measures the first panel's plot area as drawn on the screen:
// the share of its pixels in the darkest eighth of the colour map
// (viridis's green channel grows with the value: below 36 is t < 1/8) and
// the number of distinct colours.
const heatShare = `(() => {
  const p = saddle.panels[0], d = p.dpr, c = p.canvas.getContext('2d');
  const x = Math.ceil(p.plot.x * d) + 2, y = Math.ceil(p.plot.y * d) + 2;
  const w = Math.floor(p.plot.w * d) - 4, h = Math.floor(p.plot.h * d) - 4;
  const px = c.getImageData(x, y, w, h).data, seen = new Set();
  let dark = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 1] < 36 && px[i + 2] > px[i]) dark++;
    seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  }
  return [dark / (px.length / 4), seen.size];
})()`

// colourBarLabels returns the colour bar's tick labels in the SVG export
// (the same ticks the panel draws) in the order drawn.
func colourBarLabels(b *browser) []string {
	b.t.Helper()
	b.useExporter()
	svg := eval[string](b, `saddle.exporter.svg()`)
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []string
	depth, in := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.t.Fatalf("the SVG export does not parse: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			if e.Name.Local == "g" {
				for _, a := range e.Attr {
					if a.Name.Local == "class" && a.Value == "colour-bar" {
						in = true
					}
				}
			}
			if in && e.Name.Local == "text" {
				var s string
				if err := dec.DecodeElement(&s, &e); err != nil {
					b.t.Fatal(err)
				}
				depth--
				out = append(out, s)
			}
		case xml.EndElement:
			depth--
			if e.Name.Local == "g" && in {
				in = false
			}
		}
	}
	if len(out) == 0 {
		b.t.Fatal("no colour bar in the SVG export")
	}
	// The last text is the bar's name ("J (log)").
	return out[:len(out)-1]
}

func TestColourScale(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)

	t.Run("Rosenbrock is drawn on a log scale, not one flat purple", func(t *testing.T) {
		b := b.on(t)
		b.open("?obj=rosenbrock&start=-1.2,1&run=gd|lr=0.001")
		b.screenshot("60-rosenbrock-auto")
		t.Logf("grid %s", eval[string](b, `JSON.stringify([saddle.land.min, saddle.land.max, saddle.land.scale.floor, saddle.land.nx])`))
		if k := eval[string](b, `saddle.land.scale.kind`); k != "log" {
			t.Errorf("the automatic colour scale on Rosenbrock is %q, want log", k)
		}
		if s := eval[string](b, `(() => { const s = document.querySelector('[data-testid=cscale]'); return s.value + '|' + s.selectedOptions[0].text; })()`); s != "auto|auto: log" {
			t.Errorf("the colour-scale select shows %q, want auto|auto: log", s)
		}
		m := eval[[]float64](b, heatShare)
		t.Logf("Rosenbrock, auto: %.0f%% of the map in the darkest eighth, %.0f colours", 100*m[0], m[1])
		if m[0] > 0.3 || m[1] < 500 {
			t.Errorf("%.0f%% of the map is in the darkest eighth of the colour map and it has %.0f colours: want ≤ 30%% and ≥ 500", 100*m[0], m[1])
		}
		labels := colourBarLabels(b)
		t.Logf("colour bar: %q", labels)
		if labels[0] != "0" {
			t.Errorf("the colour bar's lowest tick reads %q, want 0 (Rosenbrock's minimum)", labels[0])
		}
		distinct(t, labels)
	})

	t.Run("the select switches to linear, the URL keeps it, c cycles", func(t *testing.T) {
		b := b.on(t)
		if !eval[bool](b, `!!document.querySelector('[data-testid=cscale]')`) {
			t.Fatal("no colour-scale control on the page")
		}
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=cscale]`), "lin"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=cscale]').dispatchEvent(new Event('change'))`))
		b.wait("the linear scale", `saddle.land.scale.kind === 'lin'`)
		b.wait("the URL", `new URLSearchParams(location.search).get('cscale') === 'lin'`)
		b.screenshot("61-rosenbrock-linear")
		b.wait("the heat map redrawn", `saddle.panels.every(p => !p.heatDirty)`)
		lin := eval[[]float64](b, heatShare)
		t.Logf("Rosenbrock, linear: %.0f%% in the darkest eighth", 100*lin[0])
		if lin[0] < 0.5 {
			t.Errorf("forced linear, only %.0f%% of Rosenbrock is in the darkest eighth: the scale did not change", 100*lin[0])
		}
		link := eval[string](b, `location.href`)
		b.do(chromedp.Navigate("about:blank"))
		b.open(strings.TrimPrefix(link, b.srv.URL+"/"))
		if k := eval[string](b, `saddle.land.scale.kind + '|' + document.querySelector('[data-testid=cscale]').value`); k != "lin|lin" {
			t.Errorf("after reloading %s the scale is %q, want lin|lin", link, k)
		}
		// c: lin → auto → log.
		b.do(chromedp.KeyEvent("c"))
		b.wait("auto", `saddle.state.cscale === 'auto' && saddle.land.scale.kind === 'log' && !new URLSearchParams(location.search).has('cscale')`)
		b.do(chromedp.KeyEvent("c"))
		b.wait("log", `saddle.state.cscale === 'log' && new URLSearchParams(location.search).get('cscale') === 'log'`)
	})

	t.Run("a bad cscale means auto, as other bad parameters mean their default", func(t *testing.T) {
		b := b.on(t)
		b.open("?obj=rosenbrock&start=-1.2,1&run=gd|lr=0.001&cscale=bogus")
		if k := eval[string](b, `saddle.state.cscale + '|' + saddle.land.scale.kind`); k != "auto|log" {
			t.Errorf("cscale=bogus gives %q, want auto|log", k)
		}
	})

	t.Run("a quadratic bowl stays linear; ticks at round values", func(t *testing.T) {
		b := b.on(t)
		b.open("?scene=ill-conditioning")
		if k := eval[string](b, `saddle.land.scale.kind`); k != "lin" {
			t.Errorf("the automatic colour scale on the quadratic valley is %q, want lin", k)
		}
		labels := colourBarLabels(b)
		t.Logf("colour bar: %q", labels)
		if labels[0] != "0" {
			t.Errorf("the colour bar's lowest tick reads %q, want 0", labels[0])
		}
		distinct(t, labels)
	})

	t.Run("a saddle's negative losses: ticks read real values, 0 among them", func(t *testing.T) {
		b := b.on(t)
		b.open("?expr=" + url.QueryEscape("x^2-y^2") + "&start=0.5,0.01&run=gd|lr=0.05&cscale=log")
		labels := colourBarLabels(b)
		t.Logf("colour bar: %q", labels)
		if !strings.HasPrefix(labels[0], "−") {
			t.Errorf("the lowest tick %q is not negative: the ticks do not show the real losses", labels[0])
		}
		has0 := false
		for _, l := range labels {
			has0 = has0 || l == "0"
		}
		if !has0 {
			t.Errorf("no tick reads 0 on a range from negative to positive: %q", labels)
		}
		distinct(t, labels)
		b.screenshot("62-saddle-log")
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// distinct fails when two neighbouring labels are the same or one
// carries more than 4 significant digits (an unrounded value).
func distinct(t *testing.T, labels []string) {
	t.Helper()
	for i, l := range labels {
		if i > 0 && l == labels[i-1] {
			t.Errorf("neighbouring ticks both read %q: %q", l, labels)
		}
		digits := 0
		for _, r := range strings.Split(l, "e")[0] {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits > 4 {
			t.Errorf("tick %q is not a round value: %q", l, labels)
		}
	}
}

func TestLossPlotLogBoxWithNegativeLosses(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	// Gradient descent slides off the saddle of x² − y²: the loss goes negative.
	b.open("?expr=" + url.QueryEscape("x^2-y^2") + "&start=0.5,0.01&run=gd|lr=0.1")
	for i := 0; i < 30; i++ {
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=step]`)))
	}
	b.wait("negative losses", `saddle.tracks[0].minLoss < -0.5`)
	// The plot has drawn the negative losses (the log scale cannot hold them).
	b.wait("the plot's scale", `saddle.plots[0].st && saddle.plots[0].st.kind !== 'log'`)
	if k := eval[string](b, `saddle.plots[0].st.kind`); k != "symlog" {
		t.Errorf("the checked log box draws %q with negative losses, want symlog", k)
	}
	label := eval[string](b, `document.getElementById('log-loss').parentElement.textContent`)
	if !strings.Contains(label, "symlog") {
		t.Errorf("the checked log box reads %q with negative losses: it does not say what the axis draws", label)
	}
	if !eval[bool](b, `document.getElementById('log-loss').checked`) {
		t.Error("the log box was unchecked")
	}
	b.screenshot("63-loss-symlog")
	// Unchecked: linear, and the note goes.
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=log-loss]`)))
	b.wait("linear", `saddle.plots[0].st.kind === 'lin' && !document.getElementById('log-loss').parentElement.textContent.includes('symlog')`)
}

func TestEigenLabelsClearOfMarkers(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?scene=ill-conditioning")
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("steps", `saddle.currentK() > 40 || saddle.status.filter(Boolean).every(s => s.status !== 'running')`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
	b.wait("the eigen labels", `saddle.state.eigen && saddle.panels[0].labelBoxes && saddle.panels[0].labelBoxes.length === 2`)
	b.screenshot("64-eigen-labels")
	hits := eval[[]string](b, `(() => {
	  const p = saddle.panels[0], out = [];
	  const meet = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
	  // The markers as drawn: the minima's stars (radius 7), the start and the current points.
	  const sq = ([x, y], r, kind) => ({ x: x - r, y: y - r, w: 2 * r, h: 2 * r, kind });
	  const marks = saddle.minima().map(mn => sq(p.toPx(mn[0], mn[1]), 7, 'minimum'));
	  marks.push(sq(p.toPx(saddle.start[0], saddle.start[1]), 5, 'start'));
	  saddle.tracks.forEach(t => t.n && marks.push(sq(p.toPx(t.x[t.n - 1], t.y[t.n - 1]), 5, 'current point')));
	  if (!marks.some(m => m.kind === 'minimum')) out.push('no minimum marker');
	  for (const l of p.labelBoxes) for (const m of marks) if (meet(l, m)) out.push(l.text + ' on the ' + m.kind + ' marker');
	  const [a, c] = p.labelBoxes;
	  if (meet(a, c)) out.push('the two labels overlap');
	  return out;
	})()`)
	if len(hits) > 0 {
		t.Errorf("labels collide: %q", hits)
	}
}

// TestFavicon needs no browser: the icon is served and linked.
func TestFavicon(t *testing.T) {
	srv := httptest.NewServer(api.NewHandler(api.Options{}))
	defer srv.Close()
	b := srv.URL
	for _, path := range []string{"/favicon.ico", "/static/favicon.svg"} {
		res, err := http.Get(b + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ct := res.Header.Get("Content-Type")
		if res.StatusCode != 200 || len(body) == 0 || !(strings.HasPrefix(ct, "image/")) {
			t.Errorf("GET %s: %d, %q, %d bytes; want 200 and an image", path, res.StatusCode, ct, len(body))
		}
		if len(body) > 4096 {
			t.Errorf("GET %s: %d bytes, want a tiny icon", path, len(body))
		}
	}
	res, err := http.Get(b + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), `rel="icon" href="/static/favicon.svg"`) {
		t.Error("the page does not link its SVG favicon")
	}
}
