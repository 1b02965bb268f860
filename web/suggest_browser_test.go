package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Beside Adam's ε the page shows the rate the server fits to the objective
// at the start, and the chapter's default; one click applies either and the
// race starts again with it.
func TestSuggestedRateIsShownAndApplies(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1400, 950)
	b.open("?obj=himmelblau&start=0,0&run=adam&run=gd|lr=0.001")
	// What the server suggests here, asked directly.
	want := evalAsync[float64](b, `fetch('/api/suggest', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({objective: {id: 'himmelblau'}, start: [0, 0]})}).then(r => r.json()).then(a => a.optimizers.adam.hyper.lr)`)
	def := evalAsync[float64](b, `fetch('/api/optimizers').then(r => r.json()).then(os => os.find(o => o.id === 'adam').hyper.find(h => h.name === 'lr').default)`)
	defs := strconv.FormatFloat(def, 'g', -1, 64)
	b.wait("the suggestion beside Adam's ε", `(() => { const el = document.querySelectorAll('[data-testid=run]')[0].querySelector('[data-testid=lr-suggestion]'); return el && !el.hidden && /suggested ε = /.test(el.textContent); })()`)
	text := eval[string](b, `document.querySelectorAll('[data-testid=run]')[0].querySelector('[data-testid=lr-suggestion]').textContent`)
	if want == def {
		t.Fatalf("the suggestion %g is the default: the test shows nothing", want)
	}
	b.screenshot("41-suggested-rate")
	for _, s := range []string{"suggested ε = ", "chapter default " + defs} {
		if !strings.Contains(text, s) {
			t.Errorf("hint %q lacks %q", text, s)
		}
	}
	shown, err := strconv.ParseFloat(between(text, "suggested ε = ", " "), 64)
	if err != nil || shown != want {
		t.Errorf("the hint shows %q, the server suggests %g", text, want)
	}

	b.do(chromedp.Click(chromedp.CSS(`[data-testid=run]:nth-child(1) [data-testid=apply-suggested]`)))
	b.wait("the suggested rate applied", `saddle.state.runs[0].hyper.lr === `+strconv.FormatFloat(want, 'g', -1, 64)+
		` && +document.querySelectorAll('[data-testid=run]')[0].querySelector('[data-testid=hyper-lr-num]').value === `+strconv.FormatFloat(want, 'g', -1, 64)+
		` && saddle.tracks[0].n === 1`)
	if u := eval[string](b, `location.search`); !strings.Contains(u, "lr="+strconv.FormatFloat(want, 'g', -1, 64)) {
		t.Errorf("the URL %s does not hold the applied rate", u)
	}
	// The other run keeps its own rate.
	if lr := eval[float64](b, `saddle.state.runs[1].hyper.lr`); lr != 0.001 {
		t.Errorf("run 1's ε changed to %g", lr)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=run]:nth-child(1) [data-testid=apply-default]`)))
	b.wait("the default back", `saddle.state.runs[0].hyper.lr === `+defs)
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// between is the text of s after from, up to the next sep (or the end).
func between(s, from, sep string) string {
	_, after, _ := strings.Cut(s, from)
	before, _, _ := strings.Cut(after, sep)
	return before
}
