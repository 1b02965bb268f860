package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSharpnessPanel: the edge-of-stability lesson shows every run's
// sharpness against its 2/ε, from the server's traces; a permalink with
// sharp=m in the explorer brings the panel back, and it exports CSV rows.
func TestSharpnessPanel(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	for _, size := range [][2]int{{1280, 720}, {390, 844}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b := newBrowser(t, size[0], size[1])
			b.do(chromedp.Navigate(b.srv.URL + "/lessons/edge-of-stability"))
			b.wait("the lesson's runs", `window.saddle && saddle.tracks.length === 2 && saddle.tracks.every(t => t.n > 0)`)
			c := claimPage{b}
			c.reach(800)
			b.wait("both runs' traces to step 800", `saddle.sharpness && [0, 1].every(r => saddle.sharpness.traces[r]?.k.at(-1) === 800)`)
			got := eval[struct {
				Lambda, Edge []float64
				Legend       []string
				Text         string
			}](b, `(() => { const tr = saddle.sharpness.traces; return {
				lambda: tr.map(t => t.lambda.at(-1)), edge: tr.map(t => t.threshold.at(-1)),
				legend: saddle.sharpness.spec().legend.map(l => l.text),
				text: document.querySelector('[data-testid=sharpness-text]').textContent }; })()`)
			// ε = 0.2: at the edge 2/ε = 10 by step 800; ε = 0.05: far below 40.
			if got.Edge[0] != 10 || got.Edge[1] != 40 || !(got.Lambda[0] > 8.5 && got.Lambda[0] < 12) || !(got.Lambda[1] < 0.5*40) {
				t.Errorf("sharpness %v against %v at step 800; want about 10 against 10, and far below 40", got.Lambda, got.Edge)
			}
			if len(got.Legend) != 4 || got.Legend[1] != "2/ε" || got.Text == "" {
				t.Errorf("legend %q, text %q", got.Legend, got.Text)
			}
			b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=sharpness-box]").scrollIntoView()`))
			b.screenshot(fmt.Sprintf("sharpness-%dx%d", size[0], size[1]))
			if errs := b.errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
		})
	}
	t.Run("permalink", func(t *testing.T) {
		b := newBrowser(t, 1280, 720)
		b.open(`?obj=quadratic&run=gd|lr=0.05&sharp=4&k=12`)
		if s := eval[int](b, `saddle.state.sharp`); s != 4 {
			t.Fatalf("state.sharp = %d after the permalink, want 4", s)
		}
		b.wait("the trace to step 12", `saddle.sharpness?.traces[0]?.k.at(-1) === 12`)
		if ks := eval[[]int](b, `saddle.sharpness.traces[0].k`); fmt.Sprint(ks) != "[0 4 8 12]" {
			t.Errorf("measured at steps %v, want every 4 from 0 to 12", ks)
		}
		if rows := eval[int](b, `saddle.sharpness.csv().trim().split('\n').length`); rows != 5 {
			t.Errorf("CSV of %d lines, want a header and 4 rows", rows)
		}
	})
}
