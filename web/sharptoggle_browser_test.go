package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSharpnessToggle: the explorer offers the sharpness panel beside the
// maps button for a projected objective: ticking it shows the panel with
// the server's traces and puts sharp=5 in the link, which a reload keeps;
// unticking hides it and takes sharp= out. For a 2-D objective the toggle
// is off and a line on screen says why.
func TestSharpnessToggle(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.open("?obj=himmelblau&run=gd")
	type toggle struct {
		Checked, Disabled, WhyShown bool
		Why                         string
	}
	state := func() toggle {
		return eval[toggle](b, `(() => { const cb = document.querySelector('[data-testid=sharpness-toggle]'), w = document.querySelector('[data-testid=sharpness-why]');
			return { checked: cb.checked, disabled: cb.disabled, whyShown: !w.hidden && w.getClientRects().length > 0, why: w.textContent }; })()`)
	}
	if g := state(); g.Checked || !g.Disabled || !g.WhyShown || !strings.Contains(g.Why, "networks only") {
		t.Errorf("on Himmelblau the toggle is %+v; want it off, disabled, and a line saying it is for the networks", g)
	}
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('.view-buttons').scrollIntoView()`))
	b.screenshot("sharpness-toggle-2d-1280x720")
	phone := newBrowser(t, 390, 844)
	phone.open("?obj=himmelblau&run=gd")
	phone.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('.view-buttons').scrollIntoView()`))
	phone.screenshot("sharpness-toggle-2d-390x844")
	if w := eval[float64](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the phone's page is %.0f px wide with the toggle's line", w)
	}

	b.open("?obj=mlp&run=gd|lr=0.2")
	if g := state(); g.Checked || g.Disabled || g.WhyShown {
		t.Fatalf("on the network the toggle is %+v; want it offered (enabled, no excuse)", g)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=sharpness-toggle]`)))
	b.wait("the panel", `saddle.sharpness && !document.querySelector('[data-testid=sharpness-box]').hidden`)
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(10)`))
	b.wait("the trace to step 10", `saddle.sharpness.traces[0]?.k.at(-1) >= 10 && document.querySelector('[data-testid=sharpness-text]').textContent.includes('λmax')`)
	if u := eval[string](b, `location.search`); !strings.Contains(u, "sharp=5") {
		t.Errorf("the link %q does not keep the panel", u)
	}
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=sharpness-box]").scrollIntoView()`))
	b.screenshot("sharpness-toggle-1280x720")

	b.do(chromedp.Reload())
	b.wait("the panel after a reload", `window.saddle && saddle.sharpness && document.querySelector('[data-testid=sharpness-toggle]').checked`)

	b.do(chromedp.Click(chromedp.CSS(`[data-testid=sharpness-toggle]`)))
	b.wait("the panel hidden", `document.querySelector('[data-testid=sharpness-box]').hidden && saddle.state.sharp === 0`)
	if u := eval[string](b, `location.search`); strings.Contains(u, "sharp=") {
		t.Errorf("the link %q still asks for the panel", u)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
