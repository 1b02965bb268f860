package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// decayState is what the decay panel shows: its data-* attributes, the
// legend it drew, its text, and how many canvas pixels are in each
// direction's colour.
type decayState struct {
	Mode, Run, K, Curves, Points string
	Legend                       []string
	Text, Caption                string
	Pixels                       []int
}

const decayStateJS = `(() => { const box = document.querySelector('[data-testid=decay-box]'), c = box.querySelector('canvas');
	const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, px = [0, 0];
	const cols = [[31, 119, 180], [230, 85, 13]];
	for (let i = 0; i < d.length; i += 4) cols.forEach((q, j) => {
		if (Math.abs(d[i] - q[0]) < 30 && Math.abs(d[i + 1] - q[1]) < 30 && Math.abs(d[i + 2] - q[2]) < 30) px[j]++; });
	return { mode: box.dataset.mode, run: box.dataset.run, k: box.dataset.k, curves: box.dataset.curves, points: box.dataset.points,
		legend: saddle.decay.spec().legend.map(l => l.text), text: box.querySelector('[data-testid=decay-text]').textContent,
		caption: box.querySelector('[data-testid=decay-mode]').textContent, pixels: px }; })()`

// serverRates asks /api/decay for the theory of a lesson's run on its
// valley (as an independent client would) and returns each direction's rate.
func serverRates(t *testing.T, base string, start, run string, steps int) []float64 {
	t.Helper()
	body := fmt.Sprintf(`{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25, "angle": 30}}, "start": %s,
		"seed": 1, "run": %s, "steps": %d}`, start, run, steps)
	resp, err := http.Post(base+"/api/decay", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		Directions []struct {
			Rate float64 `json:"rate"`
			OK   bool    `json:"ok"`
		} `json:"directions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/api/decay: %d %v", resp.StatusCode, err)
	}
	var out []float64
	for _, dir := range d.Directions {
		out = append(out, dir.Rate)
	}
	return out
}

var legendRate = regexp.MustCompile(`ᵏ = ([0-9.]+)ᵏ$`)

// legendRates reads the rates off the legend's theory entries ("ρ₁ᵏ = 0.8944ᵏ").
func legendRates(legend []string) []float64 {
	var rates []float64
	for _, l := range legend {
		if m := legendRate.FindStringSubmatch(l); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			rates = append(rates, v)
		}
	}
	return rates
}

// sameRates: two curves and two rates in the legend, the rates the server's
// to the 4 figures shown.
func sameRates(t *testing.T, legend []string, rates, want []float64) {
	t.Helper()
	if len(rates) != 2 || len(legend) != 4 {
		t.Fatalf("legend %q: want two curves and two rates", legend)
	}
	for i := range rates {
		if math.Abs(rates[i]-want[i]) > 5e-4*want[i] {
			t.Errorf("legend rate %d = %v, the server's theory %v", i, rates[i], want[i])
		}
	}
}

// TestDecayPanel: on the momentum lesson the decay button opens the panel
// (decay.mjs, loaded then); at step 200 (momentum has converged just
// before) it draws the selected run's two
// components solid and their closed-form rates dashed, in the directions'
// colours, and the legend's rates are the server's theory (asked of
// /api/decay). The URL then has decay=1, and reloading it brings the panel
// back at the same step. Elsewhere (Rosenbrock) the panel says it is local.
func TestDecayPanel(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	for _, size := range [][2]int{{1280, 720}, {1440, 900}, {390, 844}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b := newBrowser(t, size[0], size[1])
			b.do(chromedp.Navigate(b.srv.URL + "/lessons/momentum"))
			b.wait("the lesson's runs", `window.saddle && saddle.tracks.length === 3 && saddle.tracks.every(t => t.n > 0)`)
			if loaded := eval[bool](b, `!!saddle.decay`); loaded {
				t.Fatal("decay.mjs loaded before the panel was opened")
			}
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=decay-open]`)))
			c := claimPage{b}
			c.reach(200)
			b.do(chromedp.Evaluate[chromedp.Void](`saddle.select(1)`))
			// Momentum converges (‖g‖ < 10⁻⁸) a little before step 200: the
			// panel ends where its run did.
			end := eval[int](b, `saddle.tracks[1].lastK`)
			if end < 150 {
				t.Fatalf("the momentum run ended at step %d", end)
			}
			b.wait("the momentum run's decay to its last step", fmt.Sprintf(`(() => { const d = document.querySelector('[data-testid=decay-box]')?.dataset;
				return d && d.run === '1' && d.k === '%d' && d.curves === '4'; })()`, end))
			got := eval[decayState](b, decayStateJS)
			if got.Mode != "quadratic" || !strings.Contains(got.Caption, "exact") {
				t.Errorf("mode %q, caption %q: want the exact quadratic split", got.Mode, got.Caption)
			}
			for j, n := range got.Pixels {
				if n < 200 {
					t.Errorf("direction %d: %d pixels in its colour; its curves are not drawn", j, n)
				}
			}
			want := serverRates(t, b.srv.URL, "[-2.5, 1.5]", `{"optimizer": "momentum", "hyper": {"lr": 0.03, "momentum": 0.8}}`, end)
			rates := legendRates(got.Legend)
			sameRates(t, got.Legend, rates, want)
			// √α = 0.894 for both: complex roots (the text says so in figures).
			if !strings.Contains(got.Legend[1], "ρ₁ᵏ = 0.8944ᵏ") || !strings.Contains(got.Text, "measured") {
				t.Errorf("legend %q, text %q", got.Legend, got.Text)
			}
			if rows := eval[int](b, `saddle.decay.csv().trim().split('\n').length`); rows != end+2 {
				t.Errorf("CSV of %d lines, want a header and %d rows", rows, end+1)
			}
			b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=decay-box]").scrollIntoView()`))
			b.screenshot(fmt.Sprintf("decay-%dx%d", size[0], size[1]))
			if bad := eval[string](b, overflow); bad != "" {
				t.Errorf("with the decay panel open: %s", bad)
			}
			if errs := b.errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
			// The permalink: decay=1 and the step in the URL bring it all back.
			q := eval[string](b, `location.search`)
			if !strings.Contains(q, "decay=1") {
				t.Fatalf("the URL %q has no decay=1", q)
			}
			b.do(chromedp.Navigate(b.srv.URL + "/lessons/momentum" + q))
			b.wait("the panel after the reload", fmt.Sprintf(`(() => { const d = document.querySelector('[data-testid=decay-box]')?.dataset;
				return d && d.run === '1' && d.k === '%d' && d.curves === '4'; })()`, end))
			if again := eval[decayState](b, decayStateJS); fmt.Sprint(again.Legend) != fmt.Sprint(got.Legend) {
				t.Errorf("after the reload the legend is %q, before %q", again.Legend, got.Legend)
			}
		})
	}
	// The ill-conditioning lesson: gradient descent at ε = 0.078 damps the
	// flat direction by |1 − 0.078| = 0.922 a step and the steep one only by
	// |1 − 25·0.078| = 0.95, the measured curves on their lines.
	t.Run("ill-conditioning", func(t *testing.T) {
		b := newBrowser(t, 1280, 720)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/ill-conditioning?decay=1"))
		b.wait("the lesson's run", `window.saddle && saddle.tracks.length === 1 && saddle.tracks[0].n > 0 && saddle.decay`)
		claimPage{b}.reach(80)
		b.wait("the decay at step 80", `(() => { const d = document.querySelector('[data-testid=decay-box]')?.dataset;
			return d && d.k === '80' && d.curves === '4'; })()`)
		got := eval[decayState](b, decayStateJS)
		want := serverRates(t, b.srv.URL, "[-2.45, -1.3]", `{"optimizer": "gd", "hyper": {"lr": 0.078}}`, 80)
		sameRates(t, got.Legend, legendRates(got.Legend), want)
		if got.Legend[1] != "|1 − ελ₁|ᵏ = 0.922ᵏ" || got.Legend[3] != "|1 − ελ₂|ᵏ = 0.95ᵏ" {
			t.Errorf("legend %q", got.Legend)
		}
		for j, n := range got.Pixels {
			if n < 200 {
				t.Errorf("direction %d: %d pixels in its colour", j, n)
			}
		}
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=decay-box]").scrollIntoView()`))
		b.screenshot("decay-ill-conditioning-1280x720")
	})
	t.Run("local", func(t *testing.T) {
		b := newBrowser(t, 1280, 720)
		b.open(`?obj=rosenbrock&run=momentum|lr=0.001|momentum=0.9&decay=1&k=300`)
		b.wait("the local decay at step 300", `document.querySelector('[data-testid=decay-box]')?.dataset.k === '300'`)
		got := eval[decayState](b, decayStateJS)
		if got.Mode != "local" || !strings.Contains(got.Caption, "local") || !strings.Contains(got.Text, "stationary point of the quadratic model at step 300") {
			t.Errorf("mode %q, caption %q, text %q: want it labelled local", got.Mode, got.Caption, got.Text)
		}
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=decay-box]").scrollIntoView()`))
		b.screenshot("decay-local-1280x720")
		// A new theme: the panel's axis labels take the page's ink at once,
		// not at its next answer (it kept dark labels on the dark page).
		if eval[bool](b, `!!document.querySelector('[data-testid=theme-toggle]')`) {
			// The mean grey of the opaque pixels left of the plot's frame (tick labels, axis name).
			const labels = `(() => { const c = saddle.decay.plot.canvas, d = c.getContext('2d').getImageData(0, 0, Math.round(40 * devicePixelRatio), c.height).data;
				let s = 0, n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200) { s += (d[i] + d[i + 1] + d[i + 2]) / 3; n++; } return n ? s / n : -1; })()`
			for _, want := range []string{"dark", "light"} {
				b.do(chromedp.Click(chromedp.CSS(`[data-testid=theme-toggle]`)))
				b.wait("the "+want+" theme", fmt.Sprintf(`document.documentElement.dataset.theme === '%s'`, want))
				b.wait("the decay plot in the page's ink", `saddle.decay.plot.ink === getComputedStyle(document.body).color`)
				grey := eval[float64](b, labels)
				b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=decay-box]").scrollIntoView()`))
				b.screenshot("decay-local-" + want + "-1280x720")
				if dark := want == "dark"; grey < 0 || dark && grey < 128 || !dark && grey > 128 {
					t.Errorf("in the %s theme the decay plot's labels are grey %.0f of 255", want, grey)
				}
			}
		}
		// Closing it drops decay=1 from the link.
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=decay-close]`)))
		if q := eval[string](b, `location.search`); strings.Contains(q, "decay=") {
			t.Errorf("closed, the URL still has decay: %q", q)
		}
	})
}
