package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/scene"
)

// TestHonestSaddleView: the saddle lesson opens the honest-saddle view;
// with Newton's run selected both panels draw (pixels that vary, the point
// marked at the centre) and the line of figures says the server's numbers,
// those POST /api/honest gives for the same run and step. A permalink with
// honest=1 reopens it in the explorer.
func TestHonestSaddleView(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	l, _ := lessons.Get("saddle-points-high-dim")
	for _, size := range [][2]int{{1280, 720}, {1440, 900}, {390, 844}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b := newBrowser(t, size[0], size[1])
			b.do(chromedp.Navigate(b.srv.URL + "/lessons/saddle-points-high-dim"))
			b.wait("the lesson's runs", `window.saddle && saddle.tracks.length === 3 && saddle.tracks.every(t => t.n > 0)`)
			b.wait("the honest view, opened by the lesson", `saddle.honest && !document.querySelector('[data-testid=honest-view]').hidden`)
			c := claimPage{b}
			c.reach(lessons.HonestCueStep)
			b.do(chromedp.Evaluate[chromedp.Void](`saddle.select(1)`))
			b.wait("Newton's point drawn", `saddle.honest.msg?.run === 1 && ['random', 'hessian'].every(p => document.querySelector('[data-testid=honest-' + p + ']').dataset.drawn === '1')`)
			got := eval[struct {
				K                              int
				Text                           string
				Expected, LambdaMin, LambdaMax float64
				Spread                         []float64
				Marker                         []string
				Size                           []int
			}](b, `(() => { const v = document.querySelector('[data-testid=honest-view]'), cs = ['random', 'hessian'].map(p => document.querySelector('[data-testid=honest-' + p + ']'));
				const spread = cs.map(c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let lo = 255, hi = 0;
					for (let i = 0; i < d.length; i += 4 * 97) { lo = Math.min(lo, d[i + 1]); hi = Math.max(hi, d[i + 1]); } return hi - lo; });
				return { k: +v.dataset.k, text: document.querySelector('[data-testid=honest-figures]').textContent,
					expected: +v.dataset.expected, lambdaMin: +v.dataset.lambdaMin, lambdaMax: +v.dataset.lambdaMax, spread,
					marker: cs.map(c => c.dataset.marker), size: cs.map(c => c.clientWidth) }; })()`)

			// The server's numbers for the same point, over the API.
			req := l.Scene
			req.Runs = []scene.RunSpec{l.Scene.Runs[1]}
			body, _ := json.Marshal(map[string]any{"objective": req.Objective, "plane": req.Plane, "seed": req.Seed, "runs": req.Runs, "steps": got.K})
			resp, err := http.Post(b.srv.URL+"/api/honest", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var api struct {
				K         int     `json:"k"`
				Expected  float64 `json:"expected_curvature"`
				LambdaMin float64 `json:"lambda_min"`
				LambdaMax float64 `json:"lambda_max"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&api); err != nil || resp.StatusCode != 200 {
				t.Fatalf("POST /api/honest: %d %v", resp.StatusCode, err)
			}
			t.Logf("figures %q; the API at step %d: tr(H)/n %.6g, λ ∈ [%.6g, %.6g]; panels %v px, marked at %v", got.Text, api.K, api.Expected, api.LambdaMin, api.LambdaMax, got.Size, got.Marker)
			close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
			if !close(got.Expected, api.Expected) || !close(got.LambdaMin, api.LambdaMin) || !close(got.LambdaMax, api.LambdaMax) {
				t.Errorf("the page holds tr(H)/n %v, λ [%v, %v]; the API %v, [%v, %v]", got.Expected, got.LambdaMin, got.LambdaMax, api.Expected, api.LambdaMin, api.LambdaMax)
			}
			// The line of figures, read back as numbers, is the API's to 4 digits.
			for name, want := range map[string]float64{"tr(H)/n": api.Expected, "λmin": api.LambdaMin, "λmax": api.LambdaMax} {
				m := regexp.MustCompile(regexp.QuoteMeta(name) + ` = ([−\-0-9.e]+)`).FindStringSubmatch(got.Text)
				if m == nil {
					t.Errorf("the figures %q do not give %s", got.Text, name)
					continue
				}
				v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], "−", "-"), 64)
				if err != nil || math.Abs(v-want) > 5e-4*math.Abs(want) {
					t.Errorf("%s = %s on screen, the server's %.6g", name, m[1], want)
				}
			}
			if !strings.HasPrefix(got.Text, "random plane: expected curvature tr(H)/n = ") || !strings.Contains(got.Text, "Hessian plane: λmin = ") {
				t.Errorf("figures %q", got.Text)
			}
			for i, s := range got.Spread {
				if s < 40 {
					t.Errorf("panel %d: green spread %v over its pixels; want a drawn heat map", i, s)
				}
			}
			b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=honest-view]").scrollIntoView()`))
			b.screenshot(fmt.Sprintf("honest-%dx%d", size[0], size[1]))
			if errs := b.errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
		})
	}
	t.Run("permalink", func(t *testing.T) {
		b := newBrowser(t, 1280, 720)
		b.open(`?obj=rosenbrock&run=gd`)
		if shown := eval[bool](b, `!document.querySelector('[data-testid=honest-open]').hidden`); shown {
			t.Errorf("the honest-saddle button is offered for a 2-D objective")
		}
		b.open(`?obj=deep_linear&p=width:3,depth:2,points:32,scale:0.1&run=gd|lr=0.1&honest=1&k=5`)
		b.wait("the honest view at step 5", `saddle.honest?.msg?.k === 5`)
		if shown := eval[bool](b, `!document.querySelector('[data-testid=honest-open]').hidden`); !shown {
			t.Errorf("the honest-saddle button is not offered for deep_linear")
		}
		if csv := eval[int](b, `saddle.honest.csv().trim().split('\n').length`); csv != 3+2*41*41 {
			t.Errorf("CSV of %d lines, want 3 + 2·41² rows", csv)
		}
		// The SVG export: both planes' cells as rects (41 × 41 each, as the
		// server sent them), the axes named, the figures line as on screen.
		svg := eval[struct {
			OK     bool
			Grids  []string
			Texts  string
			Figure string
		}](b, `(() => {
			const doc = new DOMParser().parseFromString(saddle.honest.svg(), 'image/svg+xml');
			return { ok: !doc.querySelector('parsererror') && doc.documentElement.nodeName === 'svg',
				grids: [...doc.querySelectorAll('g.cells')].map(g => g.dataset.nx + 'x' + g.dataset.ny),
				texts: [...doc.querySelectorAll('text')].map(t => t.textContent).join('|'),
				figure: document.querySelector('[data-testid=honest-figures]')?.textContent || '' };
		})()`)
		if !svg.OK || len(svg.Grids) != 2 || svg.Grids[0] != "41x41" || svg.Grids[1] != "41x41" {
			t.Errorf("SVG export: well-formed %v, cell grids %v; want two 41x41", svg.OK, svg.Grids)
		}
		for _, want := range []string{"d₁", "q_max", "q_min", "random (d₁, d₂), step 5"} {
			if !strings.Contains(svg.Texts, want) {
				t.Errorf("the SVG's text lacks %q: %s", want, svg.Texts)
			}
		}
		if svg.Figure == "" || !strings.Contains(svg.Texts, svg.Figure) {
			t.Errorf("the SVG does not carry the figures line %q shown on the page", svg.Figure)
		}
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=honest-close]').click()`))
		if q := eval[string](b, `location.search`); strings.Contains(q, "honest=") {
			t.Errorf("closed, the URL still says %s", q)
		}
	})
}
