package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The lecture hall: presentation mode, keyboard focus, labels, reduced motion.

// runInk counts the first panel's pixels in run 0's colour, per pixel of its size.
const runInk = `(() => {
	const c = saddle.panels[0].canvas, d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	const hex = getComputedStyle(document.querySelector('#legend .swatch')).backgroundColor.match(/\d+/g).map(Number);
	let n = 0;
	for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - hex[0]) + Math.abs(d[i + 1] - hex[1]) + Math.abs(d[i + 2] - hex[2]) < 30) n++;
	return n / (c.width + c.height); // lines: ink grows with the figure's size times the line width
})()`

func TestPresentationAndAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?obj=rosenbrock&start=-1.2,1&run=gd|lr=0.001&run=momentum|lr=0.0005")
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(60)`))
	b.wait("step 60", `saddle.currentK() === 60`)
	b.wait("step 60 drawn", pageDrawn)

	t.Run("presentation mode enlarges type and lines, p toggles it", func(t *testing.T) {
		b := b.on(t)
		font0 := eval[float64](b, `parseFloat(getComputedStyle(document.querySelector('.counter')).fontSize)`)
		ink0 := eval[float64](b, runInk)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=present]`)))
		b.wait("the presenting class", `document.documentElement.classList.contains('presenting')`)
		b.wait("the page redrawn at presentation size", pageDrawn) // present() marks it dirty with the class
		font1 := eval[float64](b, `parseFloat(getComputedStyle(document.querySelector('.counter')).fontSize)`)
		if font1 < 1.4*font0 {
			t.Errorf("counter font %.1fpx in presentation mode, %.1fpx before: want at least 1.4×", font1, font0)
		}
		if p := eval[string](b, `document.getElementById('present').getAttribute('aria-pressed')`); p != "true" {
			t.Errorf("aria-pressed = %q", p)
		}
		ink1 := eval[float64](b, runInk)
		if ink1 < 1.3*ink0 {
			t.Errorf("run 0 covers %.4f of the panel in presentation mode, %.4f before: lines not thicker", ink1, ink0)
		}
		b.screenshot("40-presentation")
		b.do(chromedp.KeyEvent("p"))
		b.wait("presentation off", `!document.documentElement.classList.contains('presenting')`)
		b.wait("the page redrawn at its size", pageDrawn)
		if f := eval[float64](b, `parseFloat(getComputedStyle(document.querySelector('.counter')).fontSize)`); f != font0 {
			t.Errorf("counter font %.1fpx after leaving, want %.1fpx", f, font0)
		}
		b.do(chromedp.KeyEvent("p"))
		b.wait("presentation on by key", `document.documentElement.classList.contains('presenting')`)
		b.do(chromedp.KeyEvent("p"))
		b.wait("presentation off by key", `!document.documentElement.classList.contains('presenting')`)
	})

	t.Run("every button has a name in words and canvases describe the scene", func(t *testing.T) {
		b := b.on(t)
		unnamed := eval[[]string](b, `[...document.querySelectorAll('button, summary, input, select')].filter(e => e.offsetParent !== null).filter(e => {
			const name = (e.getAttribute('aria-label') || (e.labels && [...e.labels].map(l => l.textContent).join(' ')) || e.textContent || '').trim();
			return !/\p{L}{2}/u.test(name);
		}).map(e => e.outerHTML.slice(0, 80))`)
		if len(unnamed) > 0 {
			t.Errorf("controls without a name in words: %q", unnamed)
		}
		b.wait("the summary", `document.getElementById('scene-summary').textContent.includes('Step 60')`)
		label := eval[string](b, `saddle.panels[0].canvas.getAttribute('aria-label')`)
		role := eval[string](b, `saddle.panels[0].canvas.getAttribute('role')`)
		summary := eval[string](b, `document.getElementById('scene-summary').textContent`)
		want := fmt.Sprintf("Gradient descent ε=0.001: at (%s", eval[string](b, `(() => { const t = saddle.tracks[0]; return String(+t.x[t.n - 1].toPrecision(4)).replace('-', '−'); })()`))
		if role != "img" || !strings.Contains(label, "loss landscape") || !strings.Contains(summary, "Rosenbrock") || !strings.Contains(summary, want) {
			t.Errorf("canvas role %q label %q; summary %q (want it to hold %q)", role, label, summary, want)
		}
	})

	t.Run("keyboard focus is visible", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
		for i := 0; i < 8; i++ {
			b.do(chromedp.KeyEvent(kb.Tab))
			got := eval[[]string](b, `(() => { const e = document.activeElement, s = getComputedStyle(e); return [e.tagName + '#' + e.id, s.outlineStyle, s.outlineWidth]; })()`)
			if got[1] == "none" || got[2] == "0px" {
				t.Errorf("focus on %s shows no outline (%s %s)", got[0], got[1], got[2])
			}
		}
		b.screenshot("41-focus")
	})

	t.Run("reduced motion draws in steps while playing", func(t *testing.T) {
		b := b.on(t)
		// count plays for about 1.5 s and returns the draws and the seconds
		// the page itself saw pass: on a loaded machine the clicks land late,
		// so the rates, not the raw counts, are compared.
		count := func() (int, float64) {
			b.do(chromedp.Evaluate[chromedp.Void](`(() => { const p = saddle.panels[0]; if (!p._counted) { const d = p.draw.bind(p); p.draw = () => { p.draws++; d(); }; p._counted = true; } p.draws = 0; })()`))
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
			b.do(chromedp.Evaluate[chromedp.Void](`window.__t0 = performance.now()`))
			// A measurement window, not a wait for a state: the page's own
			// clock says when 1.5 s of play have passed.
			b.wait("1.5 s of play", `performance.now() - window.__t0 >= 1500`)
			secs := eval[float64](b, `(performance.now() - window.__t0) / 1000`)
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
			return eval[int](b, `saddle.panels[0].draws`), secs
		}
		smooth, smoothSecs := count()
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=reduce-motion]`)))
		if !eval[bool](b, `saddle.reducedMotion && document.documentElement.classList.contains('reduce-motion')`) {
			t.Fatal("the checkbox did not turn reduced motion on")
		}
		stepped, steppedSecs := count()
		// Reduced motion draws about twice a second, plus a draw or two as
		// play starts and stops; smooth play draws at the display's rate.
		if float64(smooth)/smoothSecs < 10 || stepped < 1 || float64(stepped) > 3*steppedSecs+3 {
			t.Errorf("the landscape was drawn %d times in %.1f s normally and %d times in %.1f s with reduced motion; want ≥ 10/s and about 2/s",
				smooth, smoothSecs, stepped, steppedSecs)
		}
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestReducedMotionFollowsTheSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1200, 900)
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	b.open("?obj=quadratic&run=gd")
	if !eval[bool](b, `saddle.reducedMotion && document.getElementById('reduce-motion').checked`) {
		t.Error("prefers-reduced-motion: reduce did not turn the setting on")
	}
}
