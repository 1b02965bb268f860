package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Browser tests of the lessons' overlays (overlays.mjs, lessontools.mjs,
// lessonextras.mjs): each overlay draws something a reader can see, the
// toggles live in the URL, the continuation slider blurs the landscape the
// server sends. A lesson page imports lessonextras.mjs as it opens, so the
// waits include saddle.overlayTools, which it sets.

// shapesJS counts the shapes of class cls the first panel draws now.
func shapesJS(cls string) string {
	return fmt.Sprintf(`import('/static/overlays.mjs').then(m => m.panelShapes(saddle.panels[0]).filter(s => s.cls === %q).length)`, cls)
}

// drawnHash redraws every panel and fingerprints the first canvas.
const drawnHash = `(() => { for (const p of saddle.panels) p.draw(); return ` + canvasHash + `; })()`

// settle waits until the page has drawn what it has, before a screenshot.
func (b *browser) settle() { b.wait("the page to draw", pageDrawn) }

// toggle sets overlay id on or off through its checkbox, as a reader does.
func (b *browser) toggle(id string, on bool) {
	b.t.Helper()
	if eval[bool](b, fmt.Sprintf(`document.querySelector('[data-testid=overlay-%s]').checked`, id)) != on {
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=overlay-` + id + `]`)))
	}
}

// stepTo steps the paused scene to step k and waits for the runs' state.
func (b *browser) stepTo(k int) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`saddle.stepBy(%d)`, k)))
	b.wait(fmt.Sprintf("step %d", k), fmt.Sprintf(`saddle.currentK() >= %d && saddle.full.length === saddle.state.runs.length && saddle.full.every(p => p && p.k === saddle.tracks[p.run].lastK)`, k))
}

func TestOverlaysInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1400, 950)

	t.Run("momentum: velocity arrows and the look-ahead point", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/momentum"))
		b.wait("the lesson and its tools", `window.saddle && saddle.overlayTools && saddle.land && saddle.tracks.length === 3 && saddle.tracks.every(t => t.n > 0)`)
		if v := eval[string](b, `document.getElementById('scene').selectedOptions[0].textContent`); !strings.Contains(v, "Momentum") {
			t.Errorf("the scene picker shows %q on the momentum lesson, want the lesson", v)
		}
		b.stepTo(12)
		for _, id := range []string{"velocity", "lookahead"} {
			if !eval[bool](b, `document.querySelector('[data-testid=overlay-`+id+`]').checked`) {
				t.Errorf("the lesson did not switch on %s", id)
			}
		}
		// Momentum and Nesterov carry a velocity; only Nesterov a look-ahead.
		if n := evalAsync[int](b, shapesJS("velocity")); n != 2 {
			t.Errorf("%d velocity arrows, want 2 (momentum and Nesterov)", n)
		}
		if n := evalAsync[int](b, shapesJS("lookahead")); n != 1 {
			t.Errorf("%d look-ahead points, want 1 (Nesterov)", n)
		}
		b.settle()
		b.screenshot("40-overlay-momentum")
		on := eval[int](b, drawnHash)
		b.toggle("velocity", false)
		b.toggle("lookahead", false)
		off := eval[int](b, drawnHash)
		if on == off {
			t.Error("the canvas is the same with the velocity and look-ahead overlays on and off")
		}
		if q := eval[string](b, `location.search`); strings.Contains(q, "velocity") {
			t.Errorf("the URL %s still has the velocity overlay after it was switched off", q)
		}
		b.toggle("velocity", true)
		q := eval[string](b, `location.search`)
		if !strings.Contains(q, "ov=velocity") || strings.Contains(q, "lookahead") {
			t.Errorf("the URL %s does not say velocity on, look-ahead off", q)
		}
		if strings.Contains(q, "%2520") {
			t.Errorf("run labels are encoded twice in %s", q)
		}
		// The link restores the toggles (and the labels, readable).
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/momentum" + q))
		b.wait("the permalink", `window.saddle && saddle.overlayTools && saddle.land && saddle.tracks.length === 3 && saddle.tracks.every(t => t.n > 0)`)
		if !eval[bool](b, `document.querySelector('[data-testid=overlay-velocity]').checked && !document.querySelector('[data-testid=overlay-lookahead]').checked`) {
			t.Error("the permalink lost the overlay toggles")
		}
		if got := eval[string](b, `saddle.runName(1)`); got != "momentum, α = 0.8" {
			t.Errorf("run label after the permalink %q, want %q", got, "momentum, α = 0.8")
		}
	})

	t.Run("BFGS: the estimate's ellipse against the true one", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/bfgs"))
		b.wait("the lesson and its tools", `window.saddle && saddle.overlayTools && saddle.land && saddle.tracks.length === 2 && saddle.tracks.every(t => t.n > 0)`)
		b.stepTo(6)
		b.wait("the true Hessian at BFGS's point", `saddle.geometry && saddle.geometry !== saddle.startGeometry`)
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.dirty = true`))
		if n := evalAsync[int](b, shapesJS("inv-hessian")); n != 1 {
			t.Errorf("%d estimate ellipses, want 1 (BFGS; L-BFGS keeps no matrix)", n)
		}
		if n := evalAsync[int](b, shapesJS("true-inv-hessian")); n != 1 {
			t.Errorf("%d true ellipses, want 1", n)
		}
		if n := evalAsync[int](b, shapesJS("ls-points")); n != 2 {
			t.Errorf("%d sets of line-search ticks, want 2", n)
		}
		b.settle()
		b.screenshot("41-overlay-bfgs")
		on := eval[int](b, drawnHash)
		b.toggle("inv_hessian", false)
		if on == eval[int](b, drawnHash) {
			t.Error("the canvas is the same with the H⁻¹ overlay on and off")
		}
		b.toggle("inv_hessian", true)
		// The eigen-directions and the quadratic model go into the SVG as vectors too.
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=show-eigen]`)), chromedp.Click(chromedp.CSS(`#show-quad`)))
		b.wait("the eigen-directions at BFGS's point", `saddle.geometry && saddle.geometry.eigenvalues && saddle.state.eigen && saddle.state.quad`)
		b.useExporter()
		svg := eval[string](b, `saddle.exporter.svg()`)
		b.save("41-overlay-bfgs.svg", []byte(svg))
		for _, cls := range []string{`class="inv-hessian"`, `class="true-inv-hessian"`, `class="ls-points"`, `class="eigen"`, `class="quad-model"`} {
			if !strings.Contains(svg, cls) {
				t.Errorf("the SVG export has no %s", cls)
			}
		}
	})

	t.Run("adaptive rates: one rate ellipse per method", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/adaptive-rates"))
		b.wait("the lesson and its tools", `window.saddle && saddle.overlayTools && saddle.land && saddle.tracks.length === 4 && saddle.tracks.every(t => t.n > 0)`)
		b.stepTo(30)
		if n := evalAsync[int](b, shapesJS("eff-lr")); n != 4 {
			t.Errorf("%d rate ellipses, want 4", n)
		}
		b.wait("the legend of the rates", `document.querySelector('[data-testid=overlay-legend]').textContent.includes('ε₁ =')`)
		b.settle()
		b.screenshot("42-overlay-adaptive")
	})

	t.Run("local minima: basins from the variants' starts", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/local-minima"))
		b.wait("the basins", `window.saddle && saddle.land && saddle.basins && saddle.basins.paths.length === 6`)
		if n := evalAsync[int](b, shapesJS("basin-end")); n != 6 {
			t.Errorf("%d basin ends drawn, want 6 (the lesson's start and five variants)", n)
		}
		// The variant picker moves the start.
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=variant-picker]`), "1"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=variant-picker]').dispatchEvent(new Event('change'))`))
		b.wait("the variant's start", `saddle.state.start[0] === -1.9 && saddle.tracks[0].n > 0`)
		if q := eval[string](b, `location.search`); !strings.Contains(q, "variant=1") {
			t.Errorf("the URL %s does not name the variant", q)
		}
		b.settle()
		b.screenshot("43-overlay-basins")
	})

	t.Run("continuation: opens at the largest σ, lowering σ sharpens the landscape and the stages are tracked", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(b.srv.URL + "/lessons/continuation"))
		b.wait("the lesson and its tools", `window.saddle && saddle.overlayTools && saddle.land && saddle.tracks.length === 1 && saddle.tracks.every(t => t.n > 0)`)
		// It opens blurred at σ = 2, the slider on its first stop, the cue saying so.
		if got := eval[[]string](b, `[String(saddle.state.objective.blur), document.querySelector('[data-testid=sigma]').value, document.querySelector('[data-testid=sigma-out]').textContent, saddle.sceneInfo?.name ?? '']`); got[0] != "2" || got[1] != "0" || got[2] != "σ = 2" || !strings.Contains(got[3], "σ = 2") {
			t.Errorf("opening: blur %s, slider stop %s showing %q, objective %q; want σ = 2 on the first stop", got[0], got[1], got[2], got[3])
		}
		if cue := eval[string](b, `document.querySelector('[data-testid=cue].current')?.textContent ?? ''`); !strings.Contains(cue, "σ = 2") {
			t.Errorf("first cue %q does not speak of σ = 2", cue)
		}
		b.stepTo(300)
		if cue := eval[string](b, `document.querySelector('[data-testid=cue].current')?.textContent ?? ''`); !strings.Contains(cue, "lower σ") {
			t.Errorf("the cue at step 300 %q does not say to lower σ", cue)
		}
		blurred := eval[int](b, drawnHash)
		before := eval[float64](b, `saddle.land.max`)
		// Lower σ with the slider: stop 2 is σ = 0.6.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => { const r = document.querySelector('[data-testid=sigma]'); r.value = '2'; r.dispatchEvent(new Event('input')); })()`))
		b.wait("σ = 0.6", `saddle.state.objective.blur === 0.6 && saddle.sceneInfo && /σ = 0.6/.test(saddle.sceneInfo.name) && saddle.land.max !== `+fmt.Sprint(before)+` && saddle.tracks.every(t => t.n > 0)`)
		if eval[int](b, drawnHash) == blurred {
			t.Error("the landscape looks the same at σ = 0.6 as at σ = 2")
		}
		if q := eval[string](b, `location.search`); !strings.Contains(q, "blur=0.6") {
			t.Errorf("the URL %s does not keep σ", q)
		}
		b.stepTo(300)
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.setSigma(0)`))
		b.wait("σ = 0", `saddle.state.objective.blur === undefined && saddle.sceneInfo && !/σ =/.test(saddle.sceneInfo.name) && saddle.tracks.every(t => t.n > 0)`)
		if got := eval[string](b, `document.querySelector('[data-testid=sigma-out]').textContent`); got != "σ = 0" {
			t.Errorf("the slider shows %q at σ = 0", got)
		}
		// At σ = 0 the run starts in the central basin and may converge
		// before step 300.
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(300)`))
		b.wait("step 300 or convergence", `(saddle.currentK() >= 300 || ['converged', 'max_steps'].includes(saddle.status[0]?.status)) && saddle.full.every(p => p && p.k === saddle.tracks[p.run].lastK)`)
		if n := eval[int](b, `saddle.stages.length`); n != 2 {
			t.Errorf("%d stages tracked, want 2 (σ = 2, 0.6 ended)", n)
		}
		if n := evalAsync[int](b, shapesJS("stage-end")); n != 2 {
			t.Errorf("%d stage ends drawn, want 2", n)
		}
		// Each stage starts where the last ended; tracked from the bowl's
		// minimum, the run ends near the global minimum (0, 0).
		if !eval[bool](b, `(() => { const s = saddle.stages.at(-1).xy; return s[0] === saddle.tracks[0].x[0] && s[1] === saddle.tracks[0].y[0]; })()`) {
			t.Error("the last stage did not start where the one before ended")
		}
		if d := eval[float64](b, `(() => { const t = saddle.tracks[0]; return Math.hypot(t.x[t.n - 1], t.y[t.n - 1]); })()`); d > 0.1 {
			t.Errorf("the tracked run ends %g from the global minimum", d)
		}
		b.settle()
		b.screenshot("44-overlay-continuation")
		// The variant without blur puts the slider on σ = 0.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => { const v = document.querySelector('[data-testid=variant-picker]'); v.value = '0'; v.dispatchEvent(new Event('change')); })()`))
		b.wait("the raw function", `saddle.state.variant === 0 && saddle.state.objective.blur === undefined && saddle.tracks.length === 2 && saddle.tracks.every(t => t.n > 0)`)
		if got := eval[string](b, `document.querySelector('[data-testid=sigma-out]').textContent`); got != "σ = 0" {
			t.Errorf("the slider shows %q on the variant without blur", got)
		}
	})

	t.Run("dark theme on the lessons index and the explorer", func(t *testing.T) {
		b := b.on(t)
		for _, page := range []string{"/lessons?theme=dark", "/?theme=dark"} {
			b.do(chromedp.Navigate(b.srv.URL + page))
			b.wait("the theme", `document.documentElement.dataset.theme === 'dark'`)
			bg := eval[string](b, `getComputedStyle(document.body).backgroundColor`)
			if bg != "rgb(21, 21, 27)" {
				t.Errorf("%s: background %s, want the dark rgb(21, 21, 27)", page, bg)
			}
		}
		b.wait("the explorer", `window.saddle && saddle.land && saddle.tracks.every(t => t.n > 0)`)
		b.settle()
		b.screenshot("45-dark-explorer")
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
