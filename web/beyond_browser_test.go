package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pickOptimizer chooses id in run 0's optimizer picker, as a reader does.
func (b *browser) pickOptimizer(id string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const p = document.querySelector('[data-testid=run] [data-testid=optimizer-picker]');
		p.value = %q; p.dispatchEvent(new Event('change', { bubbles: true }));
	})()`, id)))
	b.wait("the new scene", fmt.Sprintf(`saddle.state.runs[0].optimizer === %q && saddle.tracks.length === 1 && saddle.tracks[0].n > 0 && saddle.tracks[0].lastK === 0`, id))
}

// pickerOffers lists run 0's picker's optimizer ids.
const pickerOffers = `[...document.querySelector('[data-testid=run] [data-testid=optimizer-picker]').options].map(o => o.value)`

// TestBeyondTheChapterInBrowser picks each optimizer beyond the chapter in
// the explorer and sees it step, with its state in the read-out (SAM's
// ascent point drawn as the look-ahead, its two evaluations a step,
// RAdam's rectification once it starts); Muon and Shampoo are not offered
// on Rosenbrock but are on the matrix factorisation, where they run.
func TestBeyondTheChapterInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1440, 900)
	b.open("?obj=rosenbrock&start=-1.2,1&run=adam|lr=0.001")
	offers := eval[[]string](b, pickerOffers)
	for _, id := range []string{"adamw", "nadam", "radam", "lion", "sam"} {
		if !contains(offers, id) {
			t.Errorf("the picker on rosenbrock lacks %s: %v", id, offers)
		}
	}
	for _, id := range []string{"muon", "shampoo"} {
		if contains(offers, id) {
			t.Errorf("the picker offers %s on rosenbrock, whose parameters are one vector (the server refuses it)", id)
		}
	}
	for _, c := range []struct {
		id    string
		state []string // in saddle.full[0].state after the steps
		label string   // in the read-out
	}{
		{"adamw", []string{"s", "r", "eff_lr"}, "first moment s"},
		{"nadam", []string{"s", "r", "eff_lr"}, "effective rate"},
		{"radam", []string{"s", "r", "eff_lr", "rect"}, "rectification rₜ"},
		{"lion", []string{"m"}, "momentum m"},
		{"sam", []string{"velocity", "ascent"}, "ascent point"},
	} {
		t.Run(c.id, func(t *testing.T) {
			b := b.on(t)
			b.pickOptimizer(c.id)
			if c.id == "sam" {
				// SAM's default ε = 0.01 is gradient descent's, which leaves
				// Rosenbrock from this start (λmax ≈ 1500): a reader sets a smaller one.
				b.do(chromedp.Evaluate[chromedp.Void](`(() => { const n = document.querySelector('[data-testid=run] [data-testid=hyper-lr-num]'); n.value = '0.0005'; n.dispatchEvent(new Event('change')); })()`))
				b.wait("the new rate", `saddle.state.runs[0].hyper.lr === 0.0005`)
			}
			x0 := eval[[]float64](b, `[saddle.tracks[0].x[0], saddle.tracks[0].y[0]]`)
			b.stepTo(10)
			st := eval[[]string](b, `Object.keys(saddle.full[0].state || {})`)
			for _, name := range c.state {
				if !contains(st, name) {
					t.Errorf("state after 10 steps %v lacks %s", st, name)
				}
			}
			x := eval[[]float64](b, `(() => { const t = saddle.tracks[0]; return [t.x[t.n - 1], t.y[t.n - 1]]; })()`)
			if x[0] == x0[0] && x[1] == x0[1] {
				t.Errorf("after 10 steps θ is still the start %v", x0)
			}
			if e := eval[string](b, `document.getElementById('error').textContent`); e != "" {
				t.Errorf("the page shows an error: %s", e)
			}
			b.settle()
			ro := eval[string](b, `document.getElementById('readout').textContent`)
			if !strings.Contains(ro, c.label) {
				t.Errorf("the read-out lacks %q: %s", c.label, ro)
			}
			if c.id == "sam" {
				if !strings.Contains(ro, "evaluations (this step)2") {
					t.Errorf("the read-out does not say SAM took 2 evaluations: %s", ro)
				}
				b.toggle("lookahead", true)
				if n := evalAsync[int](b, shapesJS("lookahead")); n != 1 {
					t.Errorf("%d look-ahead circles with the overlay on, want SAM's ascent point drawn as one", n)
				}
				b.settle()
				b.screenshot("beyond-sam-ascent-1440x900")
			}
		})
	}

	t.Run("muon and shampoo on the matrix factorisation", func(t *testing.T) {
		b := b.on(t)
		b.open("?obj=matrix_factorization&run=adam|lr=0.01")
		offers := eval[[]string](b, pickerOffers)
		for _, id := range []string{"muon", "shampoo"} {
			if !contains(offers, id) {
				t.Fatalf("the picker on matrix_factorization lacks %s: %v", id, offers)
			}
		}
		for _, id := range []string{"muon", "shampoo"} {
			b.pickOptimizer(id)
			l0 := eval[float64](b, `saddle.tracks[0].loss[0]`)
			b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(40)`))
			b.wait("step 40", `saddle.tracks[0].lastK >= 40`)
			l := eval[float64](b, `(() => { const t = saddle.tracks[0]; return t.loss[t.n - 1]; })()`)
			if !(l < l0/2) {
				t.Errorf("%s: loss %g after 40 steps from %g, want it at least halved", id, l, l0)
			}
			if e := eval[string](b, `document.getElementById('error').textContent`); e != "" {
				t.Errorf("%s: the page shows an error: %s", id, e)
			}
		}
		b.settle()
		b.screenshot("beyond-shampoo-matrix-factorization-1440x900")
	})
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
