package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// benchScene is the benchmark scene: 8 runs on a 512×512 landscape.
const benchScene = "?obj=rosenbrock&start=-1.2,1&grid=512&speed=10000" +
	"&run=gd|lr=0.001&run=momentum|lr=0.0005&run=adam|lr=0.01&run=rmsprop|lr=0.005" +
	"&run=gd|lr=0.001&run=momentum|lr=0.0005&run=adam|lr=0.01&run=rmsprop|lr=0.005"

// benchJS installs saddle.benchFeed (append steps to every run as the
// server's frames would) and saddle.benchFrames (time n redraws).
// Points are made up: a spiral on the landscape, noisy falling curves (the
// noise makes the side plots draw their min/max bars), a gᵀHg of both
// signs for the symlog plot.
const benchJS = `(() => {
	const point = (r, k) => {
		const a = k / 300 + r, rad = 1.5 * Math.exp(-k / 4000);
		return { run: r, k, xy: [rad * Math.cos(a), 1 + rad * Math.sin(a)],
			loss: (1 + 0.3 * Math.sin(1.7 * k + r)) / k, grad_norm: (10 + 4 * Math.sin(0.37 * k * (r + 1))) / k,
			clipped: k % 50 === 0, gthg: 5 * Math.cos(k / 500) / k };
	};
	saddle.benchFeed = (steps) => {
		const from = saddle.tracks[0].lastK + 1;
		for (let k = from; k < from + steps; k++) saddle.onFrame({ type: 'frame', points: saddle.tracks.map((_, r) => point(r, k)) });
	};
	// benchFrames times n redraws of the page's own redraw (panels, side
	// plots, read-out) after each frame's change: "panel" (the landscape
	// only, as when the view's overlays move), "hover" (a hovered step comes
	// and goes: panel and plots), "data" (100 new steps per run arrive),
	// "regrid" (the plots rebuild their columns and redraw everything, as
	// when the step axis grows), "refold" (the plots fold every point in
	// again, as when a scale is toggled). Chrome records 2-D canvas calls and rasterises later: reading
	// a pixel back from every canvas makes the time include the drawing.
	// Returns [median, max] in ms.
	saddle.benchFrames = (mode, n) => {
		const canvases = [...document.querySelectorAll('canvas.landscape, canvas.plot')];
		const times = [];
		for (let i = 0; i < n; i++) {
			if (mode === 'panel') saddle.dirty = true;
			else if (mode === 'hover') { saddle.hoverK = i % 2 ? null : 2000 + 97 * i; saddle.dirty = saddle.plotsDirty = true; }
			else if (mode === 'data') saddle.benchFeed(100);
			else if (mode === 'regrid') { for (const pl of saddle.plots) pl.regrid(); saddle.dirty = saddle.plotsDirty = true; }
			else if (mode === 'refold') { for (const pl of saddle.plots) pl.reset(); saddle.dirty = saddle.plotsDirty = true; }
			const t0 = performance.now();
			saddle.redraw();
			for (const c of canvases) c.getContext('2d').getImageData(0, 0, 1, 1);
			times.push(performance.now() - t0);
		}
		saddle.hoverK = null;
		times.sort((a, b) => a - b);
		return [times[times.length >> 1], times[times.length - 1]];
	};
})()`

// BenchmarkBrowserRedraw measures the page's redraw time per display frame
// with 8 runs of 10 000 steps on a 512×512 landscape (ms, median over the
// frames of each kind; performance.now() has 0.1 ms resolution here).
// Each iteration loads the page afresh, feeds 5 000 steps per run, times
// 50 frames that each bring 100 more (ending at 10 000), then times
// landscape-only, hover and the rarer costlier frames at 10 000 steps.
func BenchmarkBrowserRedraw(b *testing.B) {
	br := newBrowser(b, 1500, 1000)
	var data, dataMax, panel, hover, regrid, refold []float64
	for range b.N {
		br.open(benchScene)
		br.do(chromedp.Evaluate[chromedp.Void](benchJS))
		br.do(chromedp.Evaluate[chromedp.Void](`saddle.benchFeed(5000)`))
		br.wait("5 000 steps drawn", `saddle.tracks.every(t => t.lastK === 5000) && !saddle.dirty && !saddle.plotsDirty`)
		d := eval[[]float64](br, `saddle.benchFrames('data', 50)`)
		if k := eval[int](br, `Math.min(...saddle.tracks.map(t => t.lastK))`); k != 10000 {
			b.Fatalf("runs at step %d after the data frames, want 10 000", k)
		}
		data, dataMax = append(data, d[0]), append(dataMax, d[1])
		panel = append(panel, eval[[]float64](br, `saddle.benchFrames('panel', 100)`)[0])
		hover = append(hover, eval[[]float64](br, `saddle.benchFrames('hover', 100)`)[0])
		regrid = append(regrid, eval[[]float64](br, `saddle.benchFrames('regrid', 30)`)[0])
		refold = append(refold, eval[[]float64](br, `saddle.benchFrames('refold', 30)`)[0])
	}
	b.StopTimer()
	br.do(chromedp.Evaluate[chromedp.Void](`saddle.hoverK = 7000; saddle.dirty = saddle.plotsDirty = true; saddle.redraw()`))
	br.screenshot("20-bench")
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	b.ReportMetric(mean(data), "ms/frame+newdata")
	b.ReportMetric(mean(dataMax), "ms/frame+newdata-max")
	b.ReportMetric(mean(panel), "ms/frame-panel")
	b.ReportMetric(mean(hover), "ms/frame+hover")
	b.ReportMetric(mean(regrid), "ms/frame+regrid")
	b.ReportMetric(mean(refold), "ms/frame+refold")
	b.ReportMetric(float64(eval[int](br, `saddle.tracks.reduce((a, t) => a + t.n, 0)`)), "points")
}

// TestSidePlotsIncrementalInBrowser checks that the side plots drawn a few
// new steps at a time, as frames arrive, show what one drawing of all the
// steps shows: no column missed or misplaced when the axes grow.
func TestSidePlotsIncrementalInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open(benchScene)
	b.do(chromedp.Evaluate[chromedp.Void](benchJS))
	// Steps one at a time, then in uneven batches, each followed by a
	// redraw: the step axis grows from 1 to 3 000 on the way, and the y
	// range with it. At each checkpoint the plots drawn so far are compared
	// with the plots drawn afresh from all the steps: with fewer steps than
	// pixels (lines bridge the columns) and with more.
	const pixels = `[...document.querySelectorAll('canvas.plot')].slice(0, 3).map(c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data))`
	for _, k := range []int{12, 37, 450, 3000} {
		b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { let i = 0; while (saddle.tracks[0].lastK < %d) { const k = saddle.tracks[0].lastK; saddle.benchFeed(Math.min(k < 40 ? 1 : 1 + (i++ * 7) %% 53, %d - k)); saddle.redraw(); } })()`, k, k)))
		incremental := eval[[][]int](b, pixels)
		b.do(chromedp.Evaluate[chromedp.Void](`for (const pl of saddle.plots) pl.reset(); saddle.plotsDirty = true; saddle.redraw()`))
		whole := eval[[][]int](b, pixels)
		// Up to 4 096 steps the buckets hold single steps, so both drawings
		// fold the same values into the same columns and draw them in the
		// same order: the pixels agree but for the anti-aliasing of thick
		// lines cut by the strip redrawn (a few levels, rarely more, at a
		// handful of pixels); a piece of curve missing or misplaced changes
		// dozens of pixels entirely.
		for p := range whole {
			differ, ink := 0, 0
			for i := 0; i < len(whole[p]); i += 4 {
				for c := 0; c < 4; c++ {
					if d := whole[p][i+c] - incremental[p][i+c]; d > 40 || d < -40 {
						differ++
						break
					}
				}
				if whole[p][i+3] > 0 {
					ink++
				}
			}
			if ink == 0 || differ > ink/400 {
				t.Errorf("step %d, plot %d: %d pixels differ between drawing as steps arrived and drawing them all at once (%d inked)", k, p, differ, ink)
			}
		}
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
