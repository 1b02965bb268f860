package web_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The page of the projected objectives (issue 5). Small models keep it
// fast: width 16 on 200 points.

// hasBackend reports whether the server answers a message type of issue 5:
// the page hides a panel until its first message arrives, so a server
// without it leaves the panel hidden and the test skips with a reason.
func hasBackend(b *browser, what, js string) bool {
	b.t.Helper()
	// The answer, or the server naming the type it does not know ("type:
	// unknown message type"); another error shown meanwhile may be stale.
	unknown := `!document.querySelector('[data-testid=error]').hidden && /unknown message type/.test(document.querySelector('[data-testid=error]').textContent)`
	b.wait(what+" (or its type refused)", "("+js+") || "+unknown)
	if !eval[bool](b, js) {
		b.t.Skipf("the server does not know %q yet (issue 5 backend): %s", what, eval[string](b, `document.querySelector('[data-testid=error]').textContent`))
	}
	return true
}

// elementShot saves a screenshot of the element css selects (below the fold too).
func elementShot(b *browser, name, css string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// pixelsOf fingerprints a canvas by id.
func pixelsOf(id string) string {
	return fmt.Sprintf(`(() => { const c = document.getElementById(%q); if (!c || !c.width) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let h = 0, ink = 0; for (let i = 0; i < d.length; i += 4) { h = (h * 31 + d[i] + 7 * d[i + 1]) | 0; if (d[i + 3] > 0) ink++; } return String(ink ? h : 0); })()`, id)
}

func TestModelPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1100)
	b.open("?obj=quadratic&run=adam|lr=0.01")

	t.Run("choosing mlp on spirals draws its landscape on a plane", func(t *testing.T) {
		b := b.on(t)
		before := eval[int](b, canvasHash)
		b.do(chromedp.SetValue(chromedp.CSS(`#objective`), "mlp"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('objective').dispatchEvent(new Event('change'))`))
		b.wait("the model picker", `[...document.querySelectorAll('[data-testid=model-controls], [data-testid=model-form-mlp]')].filter((e) => !e.hidden).length === 2`)
		// Width 16 on 200 points, set through the form as a user would.
		for name, v := range map[string]string{"width": "16", "points": "200"} {
			b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=model-form-mlp] [data-testid=model-`+name+`]`), v))
			b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=model-form-mlp] [data-testid=model-` + name + `]').dispatchEvent(new Event('change', {bubbles: true}))`))
		}
		b.wait("the small model's landscape", `saddle.state.objective.params?.width === 16 && saddle.state.objective.params?.points === 200 && saddle.land && saddle.land.nx <= 101 && !saddle.model.landTask && saddle.tracks.every(t => t.n > 0)`)
		if got := eval[string](b, `saddle.state.objective.options?.data ?? document.querySelector('[data-testid=model-form-mlp] [data-testid=model-data]').value`); got != "spirals" {
			t.Errorf("data set %q, want the default spirals", got)
		}
		b.wait("the network's landscape drawn", pageDrawn)
		if after := eval[int](b, canvasHash); after == before {
			t.Error("the landscape canvas did not change for the network")
		}
		title := eval[string](b, `document.querySelector('[data-testid=plane-title]')?.textContent ?? ''`)
		if title == "" || !containsAll(title, "α", "β", "random plane") {
			t.Errorf("panel title %q does not name the plane and its coordinates", title)
		}
		if axes := eval[[]string](b, `saddle.model.axisNames()`); len(axes) != 2 || axes[0] != "α" || axes[1] != "β" {
			t.Errorf("axes %q, want α and β", axes)
		}
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
		if !eval[bool](b, `document.querySelector('[data-testid=error]').hidden`) {
			t.Errorf("an error is shown: %s", eval[string](b, `document.querySelector('[data-testid=error]').textContent`))
		}
		b.screenshot("30-model-mlp")
	})

	t.Run("a big model's landscape shows progress, sharpens, and cancels", func(t *testing.T) {
		b := b.on(t)
		// Width 64 × depth 2 on 2000 points: about 4 500 parameters (within
		// zoo.MaxWork), a landscape of seconds, so its progress and
		// partial passes show.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => {
			window.seen = { partial: 0, progress: 0, finalBeforeCancel: false };
			const on = saddle.onMessage.bind(saddle);
			saddle.onMessage = (m) => {
				if (m.type === 'landscape' && m.partial) seen.partial++;
				if (m.type === 'progress' && m.task === 'landscape') seen.progress++;
				on(m);
			};
			const s = saddle.state;
			s.objective.params = { ...s.objective.params, width: 64, depth: 2, points: 2000 };
			saddle.syncControls();
			saddle.restart();
		})()`))
		b.wait("the progress bar over the panel", `(() => { const bar = document.querySelector('[data-testid=landscape-progress]'); return bar && !bar.hidden && seen.progress > 0; })()`)
		b.wait("a coarse picture", `seen.partial > 0 && saddle.land`)
		elementShot(b, "34-model-progress", "[data-testid=panels]")
		note := eval[string](b, `document.querySelector('[data-testid=landscape-progress] .task-note').textContent`)
		if !strings.Contains(note, "/") {
			t.Errorf("progress note %q has no done/total", note)
		}
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=landscape-cancel]`)))
		b.wait("the bar to go", `document.querySelector('[data-testid=landscape-progress]').hidden`)
		// An absence (the bar does not come back), so no event to wait on:
		// a bounded window for a late progress message to show.
		b.do(chromedp.Sleep(500 * time.Millisecond))
		if !eval[bool](b, `document.querySelector('[data-testid=landscape-progress]').hidden`) {
			t.Error("the progress bar came back after cancel")
		}
		if !eval[bool](b, `document.querySelector('[data-testid=error]').hidden`) {
			t.Errorf("cancel showed an error: %s", eval[string](b, `document.querySelector('[data-testid=error]').textContent`))
		}
		// Back to the small model.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => {
			saddle.onMessage = Object.getPrototypeOf(saddle).onMessage.bind(saddle);
			const s = saddle.state;
			s.objective.params = { ...s.objective.params, width: 16, depth: 2, points: 200 };
			saddle.syncControls();
			saddle.restart();
		})()`))
		b.wait("the small model again", `saddle.land && !saddle.model.landTask && saddle.tracks.every(t => t.n > 0) && document.querySelector('[data-testid=model-form-mlp] [data-testid=model-width]').value === '16'`)
	})

	t.Run("play makes frames arrive on the plane", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("frames", `saddle.currentK() > 30`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		// The loss falls: Adam trains the network.
		first, last := eval[float64](b, `saddle.tracks[0].loss[0]`), eval[float64](b, `saddle.tracks[0].loss[saddle.tracks[0].n - 1]`)
		if !(last < first) {
			t.Errorf("loss %g → %g after %d steps, want it to fall", first, last, eval[int](b, `saddle.currentK()`))
		}
		// The read-out names plane coordinates, not θ: θ has hundreds of entries.
		if labels := eval[[]string](b, `[...document.querySelectorAll('#readout dt')].map(d => d.textContent)`); !slices.Contains(labels, "(α, β) on the plane") || slices.Contains(labels, "θ") {
			t.Errorf("read-out rows %q, want (α, β) on the plane instead of θ", labels)
		}
	})

	t.Run("the URL round-trips the model choice", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=model-form-mlp] [data-testid=model-activation]`), "relu"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=model-form-mlp] [data-testid=model-activation]').dispatchEvent(new Event('change', {bubbles: true}))`))
		b.do(chromedp.SetValue(chromedp.CSS(`#plane-seed`), "7"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('plane-seed').dispatchEvent(new Event('change', {bubbles: true}))`))
		b.wait("the new scene", `saddle.state.objective.options?.activation === 'relu' && saddle.state.planeSeed === 7 && saddle.model.plane?.seed === 7 && saddle.land && !saddle.model.landTask`)
		b.wait("the URL to hold the model", `(() => { const q = new URL(location.href).searchParams; return q.get('pseed') === '7' && (q.get('o') ?? '').includes('activation:relu'); })()`)
		link := eval[string](b, `location.href`)
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get("obj") != "mlp" || q.Get("pseed") != "7" || !containsAll(q.Get("o"), "activation:relu") || !containsAll(q.Get("p"), "width:16", "points:200") {
			t.Fatalf("the URL lost the model: %s", u.RawQuery)
		}
		b.do(chromedp.Navigate("about:blank"))
		b.do(chromedp.Navigate(link))
		b.wait("the reloaded model", `window.saddle && saddle.land && saddle.model && saddle.model.plane`)
		got := eval[[]string](b, `[document.getElementById('objective').value,
			document.querySelector('[data-testid=model-form-mlp] [data-testid=model-activation]').value,
			document.querySelector('[data-testid=model-form-mlp] [data-testid=model-width]').value,
			document.getElementById('plane-seed').value, String(saddle.model.plane.seed)]`)
		want := []string{"mlp", "relu", "16", "7", "7"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after reload the controls show %q, want %q", got, want)
		}
	})

	t.Run("the plane picker draws the PCA and Hessian planes", func(t *testing.T) {
		b := b.on(t)
		for _, tc := range []struct{ kind, title, note string }{
			{"pca", "PCA plane", "of the pilot's variance"},
			{"hessian", "top-2 Hessian eigenvectors", "λ₁ = "},
			{"random", "random plane", "cos(d₁, d₂)"},
		} {
			b.do(chromedp.SetValue(chromedp.CSS(`#plane-kind`), tc.kind))
			b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('plane-kind').dispatchEvent(new Event('change', {bubbles: true}))`))
			b.wait("the "+tc.kind+" plane", fmt.Sprintf(`saddle.model.plane?.kind === %q && saddle.land && !saddle.model.landTask && saddle.tracks.every(t => t.n > 0)`, tc.kind))
			if title := eval[string](b, `document.querySelector('[data-testid=plane-title]').textContent`); !strings.Contains(title, tc.title) {
				t.Errorf("%s: title %q, want %q in it", tc.kind, title, tc.title)
			}
			if note := eval[string](b, `document.querySelector('[data-testid=plane-note]').textContent`); !strings.Contains(note, tc.note) {
				t.Errorf("%s: plane note %q, want %q in it", tc.kind, note, tc.note)
			}
			// The run starts at θ₀ wherever the plane puts it.
			if d := eval[float64](b, `Math.hypot(saddle.tracks[0].x[0] - saddle.start[0], saddle.tracks[0].y[0] - saddle.start[1])`); d > 1e-9 {
				t.Errorf("%s: the start marker is %g from the run's first point", tc.kind, d)
			}
			if got := eval[string](b, `new URLSearchParams(location.search).get('plane') ?? ''`); tc.kind != "random" && got != tc.kind {
				t.Errorf("%s: the URL says plane=%q", tc.kind, got)
			}
		}
	})

	t.Run("the three-point plane passes through the selected run's current point", func(t *testing.T) {
		b := b.on(t)
		// Paused at step 30 on the random plane, then the three-point plane.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => { saddle.send({ type: 'pause' }); saddle.state.sel = 0; saddle.send({ type: 'step', n: 30 }); })()`))
		b.wait("step 30", `saddle.tracks[0].lastK === 30`)
		b.do(chromedp.SetValue(chromedp.CSS(`#plane-kind`), "three_points"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('plane-kind').dispatchEvent(new Event('change', {bubbles: true}))`))
		b.wait("the three-point plane, replayed to step 30", `saddle.model.plane?.kind === 'three_points' && saddle.model.plane.k === 30 && saddle.land && !saddle.model.landTask && saddle.tracks[0].lastK === 30`)
		p := eval[map[string]any](b, `saddle.model.plane`)
		if p["run"] != float64(0) || p["current"] == nil || p["solution"] == nil {
			t.Fatalf("plane %v: want run 0's point and the solution", p)
		}
		// Run 1's path ends on the plane's current point; it started at θ₀, the origin.
		if d := eval[float64](b, `(() => { const t = saddle.tracks[0], c = saddle.model.plane.current; return Math.hypot(t.x[t.n - 1] - c[0], t.y[t.n - 1] - c[1]); })()`); d > 1e-9 {
			t.Errorf("the run's step 30 is %g from the plane's current point", d)
		}
		if d := eval[float64](b, `Math.hypot(saddle.tracks[0].x[0], saddle.tracks[0].y[0])`); d > 1e-12 {
			t.Errorf("the run starts %g from θ₀", d)
		}
		if title := eval[string](b, `document.querySelector('[data-testid=plane-title]').textContent`); !strings.Contains(title, "the current point and the solution") {
			t.Errorf("title %q", title)
		}
		if note := eval[string](b, `document.querySelector('[data-testid=plane-note]').textContent`); !containsAll(note, "run 1's step 30", "solution: 200 Adam steps") {
			t.Errorf("plane note %q", note)
		}
		q := eval[string](b, `location.search`)
		if !containsAll(q, "plane=three_points", "prun=0", "pk=30", "k=30") {
			t.Errorf("the URL %q does not keep the plane's run and step", q)
		}
		if !eval[bool](b, `document.querySelector('[data-testid=error]').hidden`) {
			t.Errorf("an error is shown: %s", eval[string](b, `document.querySelector('[data-testid=error]').textContent`))
		}
		elementShot(b, "37-model-three-points", "[data-testid=panels]")
		// Alt-click asks for the local geometry: on a plane through a
		// network it is a note pointing at the spectrum, not an error.
		at := eval[[]float64](b, `(() => { const p = saddle.panels[0], r = p.canvas.getBoundingClientRect(), c = saddle.model.plane.current, q = p.toPx(c[0] / 2, c[1] / 2 + 1); return [r.left + q[0], r.top + q[1]]; })()`)
		b.do(chromedp.MouseClickXY(at[0], at[1], chromedp.ButtonModifiers(chromedp.ModifierAlt)))
		b.wait("the geometry note", `document.querySelector('[data-testid=geometry]').textContent.includes('full Hessian')`)
		if note := eval[string](b, `document.querySelector('[data-testid=geometry]').textContent`); !containsAll(note, "354 × 354", "spectrum panel") {
			t.Errorf("alt-click note %q", note)
		}
		// An absence (no error), so no event to wait on: a bounded window
		// for a late error to show.
		b.do(chromedp.Sleep(300 * time.Millisecond))
		if !eval[bool](b, `document.querySelector('[data-testid=error]').hidden`) {
			t.Errorf("alt-click showed an error: %s", eval[string](b, `document.querySelector('[data-testid=error]').textContent`))
		}
		if eval[bool](b, `saddle.state.start != null || saddle.tracks[0].lastK !== 30`) {
			t.Error("alt-click moved the start or restarted the runs")
		}
		// The SVG export names the axes α and β and the plane, not θ₁, θ₂.
		b.useExporter()
		svg := eval[string](b, `saddle.exporter.svg()`)
		if !containsAll(svg, "α (along d₁ of the θ₀–current–solution plane)", "β (along d₂ of the θ₀–current–solution plane)", "the current point and the solution") || strings.Contains(svg, ">θ₁<") {
			t.Errorf("the SVG's axes and title do not name α, β and the plane: %.300s…", svg[strings.Index(svg, `class="axes"`):])
		}
		// Back to the random plane for the tests that follow.
		b.do(chromedp.SetValue(chromedp.CSS(`#plane-kind`), "random"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('plane-kind').dispatchEvent(new Event('change', {bubbles: true}))`))
		b.wait("the random plane", `saddle.model.plane?.kind === 'random' && saddle.land && !saddle.model.landTask && saddle.tracks.every(t => t.n > 0)`)
		if q := eval[string](b, `location.search`); strings.Contains(q, "prun=") {
			t.Errorf("the URL %q keeps the three-point plane's run", q)
		}
	})

	t.Run("the data-set panel shows regions and accuracy rising", func(t *testing.T) {
		b := b.on(t)
		hasBackend(b, "dataset", `!document.querySelector('[data-testid=dataset-box]').hidden`)
		b.wait("the first regions", `saddle.model.regions != null`)
		before := eval[string](b, pixelsOf("plot-dataset"))
		acc0 := eval[float64](b, `saddle.model.regions.accuracy`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("training", `saddle.currentK() > 150 && saddle.model.regions.k > 100`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("paused and drawn", `!saddle.playing && `+pageDrawn)
		acc := eval[float64](b, `saddle.model.regions.accuracy`)
		classes := eval[float64](b, `saddle.model.dataset.classes`)
		if !(acc > 1/classes+0.1) {
			t.Errorf("accuracy %.3f after %d steps (%.3f at first), want above chance %.3f", acc, eval[int](b, `saddle.model.regions.k`), acc0, 1/classes)
		}
		if text := eval[string](b, `document.querySelector('[data-testid=accuracy]').textContent`); !containsAll(text, "training accuracy", "%", "chance") {
			t.Errorf("accuracy text %q", text)
		}
		if after := eval[string](b, pixelsOf("plot-dataset")); after == before {
			t.Error("the decision regions did not change as the network trained")
		}
		b.screenshot("31-model-regions")
		elementShot(b, "31b-model-dataset", "[data-testid=dataset-box]")
	})

	t.Run("the spectrum draws at init and at the current point", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=spectrum-start]`)))
		hasBackend(b, "spectrum", `!!saddle.model.spectra.start`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=spectrum-current]`)))
		b.wait("the current spectrum", `!!saddle.model.spectra.current`)
		b.wait("the spectrum drawn", `!saddle.model.dirty.spectrum`)
		if eval[string](b, pixelsOf("plot-spectrum")) == "0" {
			t.Error("the spectrum plot is blank")
		}
		lin := eval[string](b, pixelsOf("plot-spectrum"))
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=spectrum-log]`)))
		b.wait("the log density drawn", `!saddle.model.dirty.spectrum`)
		if eval[string](b, pixelsOf("plot-spectrum")) == lin {
			t.Error("the log density option did not change the plot")
		}
		if text := eval[string](b, `document.querySelector('[data-testid=spectrum-text]').textContent`); !containsAll(text, "At θ₀", "top λ") {
			t.Errorf("spectrum text %q", text)
		}
		elementShot(b, "32-model-spectrum", "[data-testid=spectrum-box]")
	})

	t.Run("interpolation and fidelity draw after their buttons", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=interp-go]`)))
		hasBackend(b, "interpolation", `!!saddle.model.interp`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=fidelity-go]`)))
		b.wait("fidelity", `!!saddle.model.fidelity`)
		b.wait("interpolation and fidelity drawn", `!saddle.model.dirty.interp && !saddle.model.dirty.fidelity`)
		for _, id := range []string{"plot-interp", "plot-fidelity"} {
			if eval[string](b, pixelsOf(id)) == "0" {
				t.Errorf("%s is blank", id)
			}
		}
		if text := eval[string](b, `document.querySelector('[data-testid=fidelity-text]').textContent`); !containsAll(text, "In plane:", "%") {
			t.Errorf("fidelity text %q", text)
		}
		// One dashed curve per top eigenvector, each named with its λ.
		if n := eval[int](b, `(saddle.model.interp.eigs || []).length`); n != 3 {
			t.Errorf("%d eigen-lines, want the default 3", n)
		}
		legend := eval[[]string](b, `saddle.model.interpPlot.last.legend.map((l) => l.text)`)
		if len(legend) != 4 || !containsAll(strings.Join(legend, " | "), "v₁: λ₁ = ", "v₂: λ₂ = ", "v₃: λ₃ = ") {
			t.Errorf("legend %q, want the segment and v₁..v₃ with their λ", legend)
		}
		if text := eval[string](b, `document.querySelector('[data-testid=interp-text]').textContent`); !containsAll(text, "top 3 Hessian eigenvectors", "λ = ") {
			t.Errorf("interpolation text %q", text)
		}
		elementShot(b, "33-model-interp", "[data-testid=interp-box]")
	})

	t.Run("the high-dimensional quadratic has no data-set panel", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.SetValue(chromedp.CSS(`#objective`), "hd_quadratic"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('objective').dispatchEvent(new Event('change'))`))
		b.wait("its form", `!document.querySelector('[data-testid=model-form-hd_quadratic]').hidden && document.querySelector('[data-testid=model-form-mlp]').hidden`)
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=model-form-hd_quadratic] [data-testid=model-n]`), "200"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=model-form-hd_quadratic] [data-testid=model-n]').dispatchEvent(new Event('change', {bubbles: true}))`))
		b.wait("its landscape", `saddle.state.objective.params?.n === 200 && saddle.model.plane?.dim === 200 && saddle.land && !saddle.model.landTask`)
		// A data set is sent with the scene, before any landscape (the
		// landscape is a task started after it), so once the landscape is
		// in, a wrong data-set panel would be too.
		b.wait("its landscape drawn", pageDrawn)
		if !eval[bool](b, `document.querySelector('[data-testid=dataset-box]').hidden`) {
			t.Error("a quadratic shows a data-set panel")
		}
		// A bad size is refused in the form, not sent.
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=model-form-hd_quadratic] [data-testid=model-n]`), "2.5"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=model-form-hd_quadratic] [data-testid=model-n]').dispatchEvent(new Event('change', {bubbles: true}))`))
		if !eval[bool](b, `document.querySelector('[data-testid=model-form-hd_quadratic] [data-testid=model-n]').classList.contains('bad') && saddle.state.objective.params.n === 200`) {
			t.Error("n = 2.5 was not marked bad, or reached the state")
		}
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
