package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The 3-D view (issue 13, web/static/surface3d.mjs) in headless Chromium,
// which draws WebGL with SwiftShader (browser_test.go's flag).

// pixels3D returns [hash, share of pixels not the background] of the 3-D
// view's WebGL canvas (its drawing buffer is preserved, so it reads back).
const pixels3D = `(() => { const p = saddle.panels[0], c = document.createElement('canvas');
	c.width = p.canvas.width; c.height = p.canvas.height;
	const x = c.getContext('2d'); x.drawImage(p.canvas, 0, 0);
	const d = x.getImageData(0, 0, c.width, c.height).data, bg = [d[0], d[1], d[2]];
	let h = 0, n = 0;
	for (let i = 0; i < d.length; i += 4) {
		if (d[i] !== bg[0] || d[i + 1] !== bg[1] || d[i + 2] !== bg[2]) n++;
		h = (h * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
	}
	return [h, n / (d.length / 4)]; })()`

// drawn3D waits for the 3-D view to have drawn everything the page holds.
// (the still frame, with the full mesh, that follows a move).
const drawn3D = `saddle.panels[0] && saddle.panels[0].is3d && saddle.panels[0].frames > 0 && !saddle.panels[0].drawnMoving && ` + pageDrawn

// monkeyQuery is the monkey saddle with Newton and gradient descent, the
// eigen-directions and the quadratic model on.
const monkeyQuery = "?obj=monkey_saddle&start=1.5,0.35&run=newton&run=gd|lr=0.02&eigen=1&quad=1"

func TestSurface3DInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.open(monkeyQuery)
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=mode-3d]').click()`))
	b.wait("the 3-D view, drawn with the geometry", drawn3D+` && saddle.geometry && saddle.panels[0].arrows.length === 2 && saddle.panels[0].modelCount > 0`)
	t.Logf("WebGL renderer: %s", eval[string](b, `saddle.panels[0].renderer()`))

	px := eval[[]float64](b, pixels3D)
	t.Run("switching to 3-D draws the surface", func(t *testing.T) {
		// The surface, its floor's contours and the box cover a good part of the canvas (~19% here).
		if px[1] < 0.1 {
			t.Errorf("only %.1f%% of the canvas differs from the background", 100*px[1])
		}
		if m := eval[string](b, `new URLSearchParams(location.search).get('mode')`); m != "3d" {
			t.Errorf("mode in the URL: %q", m)
		}
		if at := files(b.loaded()); !at["surface3d.mjs"] || !at["mat4.mjs"] {
			t.Errorf("the 3-D view's modules were not fetched when it was chosen: %v", at)
		}
		if n := eval[int](b, `document.querySelectorAll('canvas.landscape:not(.landscape-3d)').length`); n != 0 {
			t.Errorf("%d 2-D panels left beside the 3-D view", n)
		}
	})

	t.Run("a drag orbits the camera, redraws and goes into the URL", func(t *testing.T) {
		b := b.on(t)
		cam := eval[[]float64](b, `saddle.panels[0].cam`)
		r := eval[[]float64](b, `(() => { const r = saddle.panels[0].canvas.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
		b.drag(r[0], r[1], r[0]+120, r[1]+40)
		b.wait("the camera in the URL", `(new URLSearchParams(location.search).get('cam') || '') !== ''`)
		b.wait("the orbit drawn", drawn3D)
		after := eval[[]float64](b, `saddle.panels[0].cam`)
		// Right turns the surface's front to the right (the eye goes left), down lifts the eye.
		if !(after[0] < cam[0]-20) || !(after[1] > cam[1]+5) || after[2] != cam[2] {
			t.Errorf("camera %v after the drag from %v", after, cam)
		}
		if now := eval[[]float64](b, pixels3D); now[0] == px[0] {
			t.Errorf("the pixels are the same after the orbit")
		}
	})

	t.Run("keys turn and zoom the view, not step the runs", func(t *testing.T) {
		b := b.on(t)
		k := eval[int](b, `saddle.currentK()`)
		cam := eval[[]float64](b, `saddle.panels[0].cam`)
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.panels[0].canvas.focus()`))
		b.do(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent("+"))
		b.wait("the keys' camera", fmt.Sprintf(`saddle.panels[0].cam[0] !== %g && saddle.panels[0].cam[2] > %g`, cam[0], cam[2]))
		if got := eval[[]float64](b, `saddle.panels[0].cam`); !near(got[0], cam[0]+10, 1e-9) && !near(math.Abs(got[0]-cam[0]), 350, 1e-9) {
			t.Errorf("→ turned the yaw from %g to %g, want +10°", cam[0], got[0])
		}
		if got := eval[int](b, `saddle.currentK()`); got != k {
			t.Errorf("→ on the 3-D view stepped the runs from k = %d to %d", k, got)
		}
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=reset-3d]').click()`))
		b.wait("the default camera", `saddle.state.cam === null && saddle.panels[0].cam.join() === '-35,30,1'`)
	})

	t.Run("the wheel and a pinch zoom", func(t *testing.T) {
		b := b.on(t)
		r := eval[[]float64](b, `(() => { const r = saddle.panels[0].canvas.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
		b.do(chromedp.MouseEvent(chromedp.MouseWheel, r[0], r[1], wheel(-200)))
		b.wait("the wheel's zoom", `saddle.panels[0].cam[2] > 1.2`)
		z := eval[float64](b, `saddle.panels[0].cam[2]`)
		// Two fingers moving apart to twice their distance: twice the zoom; the yaw and pitch stay.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => { const c = saddle.panels[0].canvas, r = c.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
			const ev = (type, id, dx) => c.dispatchEvent(new PointerEvent(type, { pointerId: id, clientX: x + dx, clientY: y, bubbles: true, pointerType: 'touch' }));
			ev('pointerdown', 11, -40); ev('pointerdown', 12, 40);
			ev('pointermove', 11, -80); ev('pointermove', 12, 80);
			ev('pointerup', 11, -80); ev('pointerup', 12, 80); })()`))
		got := eval[[]float64](b, `saddle.panels[0].cam`)
		if !near(got[2], 2*z, 0.01) || got[0] != -35 || got[1] != 30 {
			t.Errorf("camera %v after the pinch from zoom %g: want the zoom doubled, the angles kept", got, z)
		}
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=reset-3d]').click()`))
	})

	t.Run("a step moves the path's current point", func(t *testing.T) {
		b := b.on(t)
		b.wait("drawn", drawn3D)
		before := eval[[]float64](b, `saddle.panels[0].markedPx()`)
		pix := eval[[]float64](b, pixels3D)
		k := eval[int](b, `saddle.tracks[1].lastK`)
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('step').click()`))
		b.wait("the step drawn", fmt.Sprintf(`saddle.tracks[1].lastK === %d && saddle.panels[0].runs[1].drawn === saddle.tracks[1].n && `, k+1)+drawn3D)
		after := eval[[]float64](b, `saddle.panels[0].markedPx()`)
		if len(after) != 4 || len(before) != 4 {
			t.Fatalf("current points %v → %v", before, after)
		}
		// Run 1 (gradient descent) moved on screen.
		if d := math.Hypot(after[2]-before[2], after[3]-before[3]); d < 1 {
			t.Errorf("gradient descent's current point moved %.2f px on screen after a step", d)
		}
		if now := eval[[]float64](b, pixels3D); now[0] == pix[0] {
			t.Errorf("the pixels are the same after a step")
		}
	})

	// The figure to look at: Newton halving its way into the monkey saddle, gradient descent sliding off down a valley.
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(7)`))
	b.wait("step 8 drawn", `saddle.tracks.every(t => t.lastK === 8) && saddle.panels[0].runs.every((r, i) => r.drawn === saddle.tracks[i].n) && saddle.geometry && saddle.geometry.xy[0] === saddle.tracks[0].x[8] && `+drawn3D)
	b.screenshot("60-surface3d-monkey-1280")
	t.Run("the model's label covers no eigenvalue nor current point", func(t *testing.T) {
		b := b.on(t)
		over := eval[[]float64](b, `(() => { const p = saddle.panels[0], r = p.modelLabel; if (!r) return [-1];
			return p.labelTaken.map((q) => Math.max(0, Math.min(r[0] + r[2], q[0] + q[2]) - Math.max(r[0], q[0])) * Math.max(0, Math.min(r[1] + r[3], q[1] + q[3]) - Math.max(r[1], q[1]))); })()`)
		for i, a := range over {
			if a != 0 {
				t.Errorf("the label of the model's stationary point overlaps mark %d by %.0f px² (-1: no label)", i, a)
			}
		}
	})

	t.Run("a hover on the loss plot rings the runs' points at that step", func(t *testing.T) {
		b := b.on(t)
		pix := eval[[]float64](b, pixels3D)
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.hoverK = 3; saddle.dirty = true`))
		b.wait("the hover drawn", drawn3D)
		if now := eval[[]float64](b, pixels3D); now[0] == pix[0] {
			t.Errorf("a hover at k = 3 changed no pixel of the 3-D view")
		}
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.hoverK = null; saddle.dirty = true`))
		b.wait("the hover gone", drawn3D)
		if now := eval[[]float64](b, pixels3D); now[0] != pix[0] {
			t.Errorf("the view is not as it was once the hover ended")
		}
	})

	t.Run("the camera survives a reload", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.panels[0].setCamera([60, 50, 1.4])`))
		b.wait("the camera in the URL", `new URLSearchParams(location.search).get('cam') === '60,50,1.4'`)
		b.do(chromedp.Reload())
		b.wait("the 3-D view after the reload", `window.saddle && saddle.land && saddle.tracks.length && `+drawn3D)
		if got := eval[[]float64](b, `saddle.panels[0].cam`); fmt.Sprint(got) != "[60 50 1.4]" {
			t.Errorf("camera after the reload %v", got)
		}
		if !eval[bool](b, `document.querySelector('[data-testid=mode-3d]').checked`) {
			t.Errorf("the 3-D choice is not checked after the reload")
		}
	})

	t.Run("PNG exports the 3-D view; SVG says it is a 2-D view", func(t *testing.T) {
		b := b.on(t)
		b.useExporter()
		size := eval[[]int](b, `[saddle.panels[0].w, saddle.panels[0].h]`)
		raw, err := base64.StdEncoding.DecodeString(evalAsync[string](b, `saddle.exporter.png()`+blobBase64))
		if err != nil {
			t.Fatal(err)
		}
		b.save("61-surface3d-export.png", raw)
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if got := img.Bounds().Size(); got.X != 2*size[0] || got.Y != 2*size[1] {
			t.Fatalf("PNG is %v, want 2 × %v", got, size)
		}
		// The surface is in it: many colours, not one background.
		colours := map[uint32]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 7 {
			for x := 0; x < img.Bounds().Dx(); x += 7 {
				r, g, bl, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|bl>>8] = true
			}
		}
		if len(colours) < 200 {
			t.Errorf("the PNG has %d colours: no surface drawn into it", len(colours))
		}
		svg := eval[string](b, `saddle.exporter.svg()`)
		if !strings.Contains(svg, "2-D view") {
			t.Errorf("the SVG of the 3-D layout does not say it is a 2-D view")
		}
		if !eval[bool](b, `saddle.panels[0].is3d && saddle.panels.length === 1`) {
			t.Errorf("exporting changed the panels")
		}
	})

	b.do(chromedp.Evaluate[chromedp.Void](`saddle.panels[0].setCamera([-35, 30, 1])`))
	b.do(chromedp.EmulateViewport(1440, 900))
	b.do(chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('resize'))`))
	b.wait("the 1440-wide view", `saddle.panels[0].w > 600 && `+drawn3D)
	b.screenshot("62-surface3d-monkey-1440")
	b.do(chromedp.EmulateViewport(390, 844))
	b.do(chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('resize'))`))
	b.wait("the phone-sized view", `saddle.panels[0].w < 400 && `+drawn3D)
	b.screenshot("62-surface3d-monkey-390")

	t.Run("an embed opens at the link's angle", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.EmulateViewport(640, 420))
		b.do(chromedp.Navigate(b.srv.URL + "/embed" + monkeyQuery + "&mode=3d&cam=10,60,2"))
		b.wait("the embed's 3-D view", `window.saddle && saddle.land && saddle.tracks.length && `+drawn3D)
		if got := eval[[]float64](b, `saddle.panels[0].cam`); fmt.Sprint(got) != "[10 60 2]" {
			t.Errorf("the embed's camera %v", got)
		}
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// The saddle-points lesson opens on the 3-D surface; a projected objective
// (a small network on a plane) draws there too, its floor's edges α and β.
func TestSurface3DLessonAndPlane(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.do(chromedp.Navigate(b.srv.URL + "/lessons/saddle-points"))
	b.wait("the lesson in 3-D", `window.saddle && saddle.land && saddle.tracks.length && `+drawn3D)
	if !eval[bool](b, `document.querySelector('[data-testid=mode-3d]').checked && saddle.state.mode === '3d'`) {
		t.Errorf("the saddle-points lesson did not open in 3-D")
	}
	if got := eval[string](b, `saddle.panels[0].labels.dataset.axes`); got != "θ₁,θ₂" {
		t.Errorf("the lesson's axes %q", got)
	}

	b.open("?obj=quadratic&run=adam|lr=0.01&mode=3d")
	b.do(chromedp.SetValue(chromedp.CSS(`#objective`), "mlp"))
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('objective').dispatchEvent(new Event('change'))`))
	b.wait("the model's form", `document.querySelector('[data-testid=model-form-mlp]') && !document.querySelector('[data-testid=model-form-mlp]').hidden`)
	for name, v := range map[string]string{"width": "16", "points": "200"} {
		b.do(chromedp.SetValue(chromedp.CSS(`[data-testid=model-form-mlp] [data-testid=model-`+name+`]`), v))
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=model-form-mlp] [data-testid=model-` + name + `]').dispatchEvent(new Event('change', {bubbles: true}))`))
	}
	b.wait("the network's plane in 3-D", `saddle.state.objective.params?.width === 16 && saddle.land && !saddle.land.partial && !saddle.model.landTask && saddle.tracks.every(t => t.n > 0) && `+drawn3D+` && saddle.panels[0].meshLand === saddle.land`)
	if got := eval[string](b, `saddle.panels[0].labels.dataset.axes`); got != "α,β" {
		t.Errorf("the plane's floor is labelled %q, want α,β", got)
	}
	if px := eval[[]float64](b, pixels3D); px[1] < 0.1 {
		t.Errorf("the plane's surface covers %.1f%% of the canvas", 100*px[1])
	}
	b.screenshot("64-surface3d-plane")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// Without WebGL the 3-D choice is disabled with a line saying why, and the
// page stays on one panel (even when the link asks for 3-D).
func TestSurface3DWithoutWebGL(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `(() => { const get = HTMLCanvasElement.prototype.getContext;
			HTMLCanvasElement.prototype.getContext = function (kind, ...rest) { return /webgl/.test(kind) ? null : get.call(this, kind, ...rest); }; })()`,
	}); err != nil {
		t.Fatal(err)
	}
	b.open(monkeyQuery + "&mode=3d")
	b.wait("the 3-D choice disabled", `document.querySelector('[data-testid=mode-3d]').disabled`)
	why := eval[string](b, `(() => { const e = document.querySelector('[data-testid=mode-3d-why]'); return e.hidden ? '' : e.textContent; })()`)
	if !strings.Contains(why, "WebGL") {
		t.Errorf("the line beside the choice says %q", why)
	}
	b.wait("one 2-D panel", `saddle.panels.length === 1 && !saddle.panels[0].is3d && saddle.state.mode === 'single' && `+pageDrawn)
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// BenchmarkSurface3DOrbit measures the 3-D view's frame time while the
// camera turns by a degree a frame over a 256 × 256 surface with 8 runs of
// 10 000 steps each, in headless Chromium (the renderer is logged:
// SwiftShader, software, here). Each frame is rendered and waited for (a
// one-pixel read back), so the time is the GPU's as well as the page's.
// Run with: SADDLE_REQUIRE_BROWSER=1 go test ./web -run '^$' -bench Surface3DOrbit -benchtime 1x
func BenchmarkSurface3DOrbit(b0 *testing.B) {
	b := newBrowser(b0, 1280, 720)
	runs := ""
	for i := 0; i < 8; i++ {
		// Slow enough on Rosenbrock's valley that no run ends before 10 000 steps.
		runs += fmt.Sprintf("&run=gd|lr=%g", 0.0001*float64(i+1))
	}
	b.open("?obj=rosenbrock&start=-1.5,2" + runs + "&grid=256&mode=3d&speed=10000")
	b.wait("the 3-D view", drawn3D)
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(10000)`))
	b.wait("10 000 steps of every run", `saddle.tracks.length === 8 && saddle.tracks.every(t => t.lastK >= 10000) && `+drawn3D)
	info := eval[[]any](b, `[saddle.panels[0].renderer(), saddle.land.nx, saddle.land.ny, saddle.tracks.reduce((a, t) => a + t.n, 0), saddle.panels[0].runs.reduce((a, r) => a + r.verts, 0), saddle.panels[0].canvas.width, saddle.panels[0].canvas.height, saddle.panels[0].gl.getContextAttributes().antialias, saddle.panels[0].floorLevels.reduce((a, f) => a + f[1], 0)]`)
	b0.Logf("renderer %v, grid %v×%v, %v points held, %v path vertices, canvas %v×%v, antialias %v, %v floor contour vertices", info...)
	b0.ResetTimer()
	for i := 0; i < b0.N; i++ {
		// Orbiting frames draw the coarser mesh (meshTolerance), a still one the finer; both are reported.
		for _, c := range []struct {
			name  string
			orbit bool
		}{{"orbit", true}, {"still", false}} {
			times := eval[[]float64](b, fmt.Sprintf(`(() => { const p = saddle.panels[0], out = []; for (let i = 0; i < 120; i++) out.push(p.benchFrame(%v)); return out; })()`, c.orbit))
			tris := eval[int](b, `saddle.panels[0].drawnTris`)
			sort.Float64s(times)
			med, p90 := times[len(times)/2], times[len(times)*9/10]
			b0.ReportMetric(med, "ms/"+c.name+"-frame(median)")
			b0.Logf("%s: median frame %.2f ms, p90 %.2f ms over %d frames (surface of %d triangles)", c.name, med, p90, len(times), tris)
		}
		// As a user orbits: a degree each display frame for 2 s, the page's own
		// loop drawing (and the compositor showing) what it can.
		fps := evalAsync[float64](b, `new Promise((done) => { const p = saddle.panels[0], f0 = p.frames, t0 = performance.now();
			const turn = () => { p.orbit(1, 0); if (performance.now() - t0 < 2000) requestAnimationFrame(turn); else done((p.frames - f0) / ((performance.now() - t0) / 1000)); };
			requestAnimationFrame(turn); })`)
		b0.ReportMetric(fps, "frames/s-orbiting")
		b0.Logf("orbiting by requestAnimationFrame: %.1f frames/s drawn", fps)
		// The reference, in the same run: the 2-D panel redrawing everything
		// (heat map, contours, the 8 paths, as a pan or zoom does), its canvas
		// read back to wait for it.
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=mode][value=single]').click()`))
		b.wait("the 2-D panel", `!saddle.panels[0].is3d && `+pageDrawn)
		times := eval[[]float64](b, `(() => { const p = saddle.panels[0], out = []; for (let i = 0; i < 60; i++) { const t0 = performance.now(); p.heatDirty = true; p.draw(); p.ctx.getImageData(0, 0, 1, 1); out.push(performance.now() - t0); } return out; })()`)
		sort.Float64s(times)
		b0.ReportMetric(times[len(times)/2], "ms/2d-redraw(median)")
		b0.Logf("reference: the 2-D panel's full redraw, median %.2f ms over %d", times[len(times)/2], len(times))
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name=mode][value="3d"]').click()`))
		b.wait("the 3-D view again", drawn3D)
	}
	if os.Getenv("SADDLE_SCREENSHOTS") != "" {
		b.screenshot("63-surface3d-bench")
	}
}
