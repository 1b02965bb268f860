package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/api"
)

// Layout (issue 10, defects 5-7): the figure is the first thing on every
// screen. Presentation mode puts the landscape, play/step, the step counter
// and the current cue on one projector screen; a phone shows the figure and
// play first with nothing wider than the screen; an embed keeps its panels
// usable down to 560×400, can show a lesson's caption and cues, and can
// expose chosen controls only. Each check measures the page as laid out
// (getBoundingClientRect), not the CSS that is meant to do it.

// setViewport sets the page's viewport to w × h CSS pixels.
func (b *browser) setViewport(w, h int) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(int64(w), int64(h)))
}

// clearViewport drops the override, for whoever uses the tab next.
func clearViewport(b *browser) {
	_, _ = chromedp.Call(b.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
}

// openAt loads path (with its query) and waits for the landscape and step 0.
func (b *browser) openAt(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.srv.URL + path))
	b.wait("the landscape and the first points of "+path,
		`window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
}

// settleOn evaluates js, which returns "" when the layout is as wanted and
// otherwise what is wrong, until it returns "" (the page lays itself out
// again after a resize) or a generous deadline passes; it returns the last
// answer.
func (b *browser) settleOn(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	// Polled on every animation frame; at the deadline, the last answer.
	chromedp.Run(ctx, chromedp.Poll[chromedp.Void]("("+js+") === ''", chromedp.WithPollingTimeout(10*time.Second)))
	return eval[string](b, js)
}

// measureJS defines, in the page, shown(el) and box(el): whether el is
// rendered, and its rectangle as text.
const measureJS = `
	const vw = innerWidth, vh = innerHeight;
	const shown = (el) => { if (!el) return false; const r = el.getBoundingClientRect(), s = getComputedStyle(el); return s.display !== 'none' && s.visibility !== 'hidden' && el.checkVisibility() && r.width > 0 && r.height > 0; };
	const box = (el) => { const r = el.getBoundingClientRect(); return '[' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(', ') + ']'; };
	const inside = (el) => { const r = el.getBoundingClientRect(); return r.left >= -0.5 && r.top >= -0.5 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5; };
	const laidOut = () => saddle.panels.every(p => p.w === Math.max(200, Math.round(p.el.clientWidth)));
`

// onScreen checks, at the top of the page, that every landscape canvas,
// play, step, the step counter and (with cue) the current cue are rendered
// inside the viewport.
func onScreen(cue bool) string {
	return `(() => {` + measureJS + `
	if (scrollY !== 0) scrollTo(0, 0);
	if (!laidOut()) return 'the panels are not laid out yet';
	const want = [...document.querySelectorAll('canvas.landscape')].map((c, i) => ['landscape ' + i, c]);
	want.push(['play', document.getElementById('play')], ['step', document.getElementById('step')], ['step counter', document.querySelector('[data-testid=counter]')]);
	if (` + fmt.Sprint(cue) + `) want.push(['current cue', document.querySelector('[data-testid=cue].current')]);
	const bad = [];
	for (const [name, el] of want) {
		if (!shown(el)) bad.push(name + ' not shown');
		else if (!inside(el)) bad.push(name + ' at ' + box(el) + ' outside ' + vw + '×' + vh);
	}
	// The figure is the figure: together the panels are at least half the screen's height.
	const canv = [...document.querySelectorAll('canvas.landscape')];
	const h = Math.max(...canv.map(c => c.getBoundingClientRect().height));
	if (h < 0.5 * vh) bad.push('the landscape is ' + Math.round(h) + ' px tall of ' + vh);
	return bad.join('; ');
})()`
}

// textSizes returns the smallest computed font size, in px, of the body
// text a class reads in presentation mode: the cue, the step counter, the
// play button and the legend.
const textSizes = `(() => {
	const els = [document.body, document.querySelector('[data-testid=cue].current'), document.querySelector('[data-testid=counter]'),
		document.getElementById('play'), ...document.querySelectorAll('#legend .legend-item')].filter(Boolean);
	return Math.min(...els.map(e => parseFloat(getComputedStyle(e).fontSize)));
})()`

// titlesClearOfBars lists the panels whose run title (side by side) lies
// over the colour bar the panel draws right of its plot (panel.mjs
// drawColourBar: from plot.x + plot.w + 10, 12 px wide).
const titlesClearOfBars = `(() => {
	const bad = [];
	saddle.panels.forEach((p, i) => {
		const t = p.el.querySelector('.panel-title');
		if (!t || !t.checkVisibility()) return;
		const c = p.canvas.getBoundingClientRect(), r = t.getBoundingClientRect();
		const bar = c.left + p.plot.x + p.plot.w + 10;
		if (r.right > bar - 1) bad.push('panel ' + i + "'s title ends at x = " + Math.round(r.right) + ', over its colour bar from x = ' + Math.round(bar));
	});
	return bad.join('; ');
})()`

func TestPresentationModeFitsOneScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	pages := []struct {
		name, path string
		cue        bool
	}{
		{"lesson with side-by-side panels", "/lessons/cliffs", true},
		{"lesson with one panel", "/lessons/ill-conditioning", true},
		{"lesson with a long section note", "/lessons/momentum", true},
		{"explorer", "/", false},
	}
	for _, size := range [][2]int{{1280, 720}, {1366, 768}, {1920, 1080}} {
		t.Run(fmt.Sprintf("%d×%d", size[0], size[1]), func(t *testing.T) {
			b := newBrowser(t, size[0], size[1])
			t.Cleanup(func() { clearViewport(b) })
			for _, pg := range pages {
				t.Run(pg.name, func(t *testing.T) {
					b := b.on(t)
					b.setViewport(size[0], size[1])
					b.openAt(pg.path)
					b.do(chromedp.KeyEvent("p"))
					b.wait("presentation mode", `document.documentElement.classList.contains('presenting')`)
					if bad := b.settleOn(onScreen(pg.cue)); bad != "" {
						t.Errorf("in presentation mode: %s", bad)
					}
					// The lesson's title is read whole; the section's note may give way.
					if cut := eval[string](b, `(() => { const h = document.querySelector('[data-testid=lesson-title]'); return h && h.scrollWidth > h.clientWidth ? h.textContent + ' shown in ' + h.clientWidth + ' of ' + h.scrollWidth + ' px' : ''; })()`); cut != "" {
						t.Errorf("in presentation mode the lesson title is cut: %s", cut)
					}
					if bad := eval[string](b, titlesClearOfBars); bad != "" {
						t.Errorf("in presentation mode: %s", bad)
					}
					if size[0] == 1280 {
						if px := eval[float64](b, textSizes); px < 20 {
							t.Errorf("body text of %.1f px in presentation mode at 1280×720, want at least 20", px)
						}
					}
					if size == [2]int{1280, 720} && pg.path == "/lessons/cliffs" {
						b.screenshot("60-presentation-lesson-1280x720")
					}
					if size == [2]int{1920, 1080} && pg.path == "/lessons/ill-conditioning" {
						b.screenshot("61-presentation-lesson-1920x1080")
					}
					if size == [2]int{1366, 768} && pg.path == "/" {
						b.screenshot("61-presentation-explorer-1366x768")
					}
				})
			}
		})
	}
}

// overflow lists the rendered elements that reach outside the viewport
// horizontally (those inside a scrolling or clipping box excepted: they
// scroll within it), the page's own horizontal overflow, and elements of
// the side plots' card that stick out of it.
const overflow = `(() => {` + measureJS + `
	const bad = [];
	if (document.documentElement.scrollWidth > vw) bad.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + vw + ' px viewport');
	const clipped = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
	for (const el of document.body.querySelectorAll('*')) {
		if (!shown(el) || el.closest('dialog:not([open])')) continue;
		const r = el.getBoundingClientRect();
		if ((r.right > vw + 0.5 || r.left < -0.5 || r.width > vw + 0.5) && !clipped(el)) bad.push((el.dataset.testid || el.id || el.tagName.toLowerCase() + '.' + el.className) + ' at ' + box(el));
	}
	const side = document.querySelector('[data-testid=side]');
	if (shown(side)) {
		const s = side.getBoundingClientRect();
		for (const el of side.querySelectorAll('*')) {
			if (!shown(el)) continue;
			const r = el.getBoundingClientRect();
			if (r.right > s.right + 0.5 || r.left < s.left - 0.5) bad.push('in the side card: ' + (el.dataset.testid || el.id || el.tagName.toLowerCase()) + ' at ' + box(el) + ', the card ' + box(side));
		}
	}
	return bad.slice(0, 8).join('; ');
})()`

// firstScreen checks that the landscape's top and the play button are on
// the first screen of the page (as loaded, at scroll 0).
const firstScreen = `(() => {` + measureJS + `
	if (!laidOut()) return 'the panels are not laid out yet';
	const bad = [];
	const land = document.querySelector('canvas.landscape'), play = document.getElementById('play');
	const top = (el) => el.getBoundingClientRect().top + scrollY;
	if (top(land) >= vh) bad.push('the landscape starts at y = ' + Math.round(top(land)) + ' of ' + vh);
	if (!shown(play) || top(play) >= vh) bad.push('play is at y = ' + Math.round(top(play)) + ' of ' + vh);
	return bad.join('; ');
})()`

func TestPhoneShowsTheFigureFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	for _, pg := range []struct {
		name, path string
		at         int // the step to play to first (its cue is the one shown)
	}{
		{"explorer", "/", 0},
		{"lesson", "/lessons/ill-conditioning", 0},
		{"lesson with side-by-side panels", "/lessons/cliffs", 0},
		{"projected lesson", "/lessons/real-network", 0},
		// Two stacked panels under a ten-line cue, and variants named at length.
		{"lesson with two panels at its longest cue", "/lessons/basins", 100},
	} {
		t.Run(pg.name, func(t *testing.T) {
			b := newBrowser(t, 390, 844)
			t.Cleanup(func() { clearViewport(b) })
			b.setViewport(390, 844)
			b.openAt(pg.path)
			if pg.at > 0 {
				claimPage{b}.reach(pg.at)
				b.wait("the last cue", fmt.Sprintf(`document.querySelector('[data-testid=cue].current')?.dataset.at == %d`, pg.at))
			}
			if bad := b.settleOn(firstScreen); bad != "" {
				t.Errorf("at 390×844: %s", bad)
			}
			if bad := b.settleOn(overflow); bad != "" {
				t.Errorf("at 390×844, wider than the screen: %s", bad)
			}
			if pg.path == "/lessons/ill-conditioning" {
				b.screenshot("62-lesson-390x844")
			}
			if pg.path == "/lessons/basins" {
				b.screenshot("62-lesson-two-panels-390x844")
			}
			// The controls fold below the figure and open on a tap.
			if !eval[bool](b, `(() => { const d = document.querySelector('[data-testid=more-controls]'); return !!d && !d.open && !document.querySelector('[data-testid=objective-picker]').checkVisibility(); })()`) {
				t.Error("the controls are not folded on a phone")
			}
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=more-controls] > summary`)))
			b.wait("the controls to open", `document.querySelector('[data-testid=objective-picker]').checkVisibility()`)
			if bad := b.settleOn(overflow); bad != "" {
				t.Errorf("at 390×844 with the controls open, wider than the screen: %s", bad)
			}
			if pg.path == "/" {
				b.screenshot("63-explorer-390x844-controls")
			}
		})
	}
}

func TestHomePageScreenshots(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	t.Cleanup(func() { clearViewport(b) })
	for _, size := range [][2]int{{1280, 720}, {1440, 900}} {
		b.setViewport(size[0], size[1])
		b.openAt("/")
		// The figure starts on the first screen and nothing sticks out.
		if bad := b.settleOn(firstScreen); bad != "" {
			t.Errorf("at %d×%d: %s", size[0], size[1], bad)
		}
		if bad := b.settleOn(overflow); bad != "" {
			t.Errorf("at %d×%d, wider than the screen: %s", size[0], size[1], bad)
		}
		// The whole figure, not only its top: a long scene caption stays
		// three lines high until it is tapped.
		if bottom := eval[float64](b, `document.querySelector('canvas.landscape').getBoundingClientRect().bottom`); bottom > float64(size[1]) {
			t.Errorf("at %d×%d the landscape ends at y = %.0f, below the screen", size[0], size[1], bottom)
		}
		b.screenshot(fmt.Sprintf("64-home-%dx%d", size[0], size[1]))
	}
}

// panelsUsable checks that every landscape panel of an embed is at least
// 40% of the frame wide and 30% of it tall, and inside the frame.
const panelsUsable = `(() => {` + measureJS + `
	if (!laidOut()) return 'the panels are not laid out yet';
	const bad = [];
	const canv = [...document.querySelectorAll('canvas.landscape')];
	if (canv.length < 2) bad.push(canv.length + ' panels, want 2 side by side');
	for (const [i, c] of canv.entries()) {
		const r = c.getBoundingClientRect();
		if (r.width < 0.4 * vw || r.height < 0.3 * vh) bad.push('panel ' + i + ' is ' + Math.round(r.width) + '×' + Math.round(r.height) + ' in a ' + vw + '×' + vh + ' frame');
		if (!inside(c)) bad.push('panel ' + i + ' at ' + box(c) + ' outside the frame');
	}
	const play = document.getElementById('play');
	if (!shown(play) || !inside(play)) bad.push('play not shown inside the frame');
	if (document.documentElement.scrollWidth > vw) bad.push('the frame scrolls sideways');
	return bad.join('; ');
})()`

func TestEmbedLayoutAndOptions(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	browser := func(t *testing.T) *browser {
		b := newBrowser(t, 720, 480)
		t.Cleanup(func() { clearViewport(b) })
		return b
	}
	for _, tc := range []struct {
		w, h     int
		controls string
	}{{560, 400, "play"}, {560, 400, "sliders"}, {720, 480, "play"}, {720, 480, "sliders"}} {
		t.Run(fmt.Sprintf("side by side at %d×%d with controls=%s", tc.w, tc.h, tc.controls), func(t *testing.T) {
			b := browser(t)
			b.setViewport(tc.w, tc.h)
			b.openAt("/embed?lesson=cliffs&controls=" + tc.controls)
			if bad := b.settleOn(panelsUsable); bad != "" {
				t.Errorf("%s", bad)
			}
			if tc.w == 560 && tc.controls == "sliders" {
				b.screenshot("65-embed-560x400-sliders")
			}
		})
	}

	t.Run("a lesson's caption and cues", func(t *testing.T) {
		b := browser(t)
		b.setViewport(560, 400)
		b.openAt("/embed?lesson=cliffs&caption=1&cues=1")
		want := eval[string](b, `JSON.parse(document.getElementById('saddle-data').textContent).lesson.caption`)
		check := `(() => {` + measureJS + `
			const cap = document.querySelector('[data-testid=lesson-caption]'), cue = document.querySelector('[data-testid=cue].current');
			const bad = [];
			if (!shown(cap) || !inside(cap)) bad.push('the caption is not shown inside the frame');
			if (!shown(cue) || !inside(cue)) bad.push('the current cue is not shown inside the frame');
			const others = [...document.querySelectorAll('[data-testid=cue]:not(.current)')].filter(shown).length;
			if (others) bad.push(others + ' other cues shown: one line of cue');
			const c = document.querySelector('canvas.landscape');
			if (c.getBoundingClientRect().height < 0.3 * vh || !inside(c)) bad.push('the figure at ' + box(c) + ' is squeezed out');
			return bad.join('; ');
		})()`
		if bad := b.settleOn(check); bad != "" {
			t.Errorf("caption=1&cues=1: %s", bad)
		}
		if got := eval[string](b, `document.querySelector('[data-testid=lesson-caption]').textContent`); got != want {
			t.Errorf("the caption reads %q, want the lesson's %q", got, want)
		}
		b.screenshot("66-embed-560x400-caption-cues")
		// The cue follows the step.
		b.stepTo(90)
		// The cue list follows in the draw loop's next frame after the step
		// lands: let two animation frames pass, then read the current cue.
		evalAsync[bool](b, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
		if got := eval[string](b, `document.querySelector('[data-testid=cue].current')?.dataset.at || ''`); got != "90" {
			t.Errorf("at step 90 the embed shows the cue at k = %s, want 90", got)
		}
		// Without them, neither shows: the figure alone.
		b.openAt("/embed?lesson=cliffs")
		if v := eval[bool](b, `(() => {`+measureJS+` return shown(document.querySelector('[data-testid=lesson-caption]')) || shown(document.querySelector('[data-testid=cue]')); })()`); v {
			t.Error("an embed without caption=1 or cues=1 shows the lesson's text")
		}
	})

	t.Run("chosen controls only", func(t *testing.T) {
		b := browser(t)
		b.setViewport(560, 400)
		b.openAt("/embed?lesson=cliffs&controls=play,run1.lr")
		got := b.settleOn(`(() => {` + measureJS + `
			const runs = document.querySelectorAll('[data-testid=run]');
			const lr = (r) => runs[r]?.querySelector('[data-testid=hyper-lr]');
			const want = { play: document.getElementById('play'), step: document.getElementById('step'), counter: document.querySelector('[data-testid=counter]'), "run 1's ε": lr(1) };
			const not = { "run 0's ε": lr(0), speed: document.getElementById('speed'), objective: document.querySelector('[data-testid=objective-picker]'),
				'add run': document.getElementById('add-run'), "run 1's optimizer": runs[1]?.querySelector('[data-testid=optimizer-picker]'), 'clipping': runs[1]?.querySelector('[data-testid=clip-mode]'),
				presentation: document.getElementById('present') };
			const bad = [];
			for (const [n, el] of Object.entries(want)) if (!shown(el) || !inside(el)) bad.push(n + ' not shown in the frame');
			for (const [n, el] of Object.entries(not)) if (shown(el)) bad.push(n + ' shown');
			return bad.join('; ');
		})()`)
		if got != "" {
			t.Errorf("controls=play,run1.lr: %s", got)
		}
		b.screenshot("67-embed-560x400-chosen-controls")
		// The slider drives run 1.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => { const n = document.querySelectorAll('[data-testid=run]')[1].querySelector('[data-testid=hyper-lr-num]'); n.value = '0.02'; n.dispatchEvent(new Event('change')); })()`))
		b.wait("run 1's rate", `saddle.state.runs[1].hyper.lr === 0.02 && saddle.state.runs[0].hyper.lr === 0.05`)
	})

	t.Run("the share dialog writes them", func(t *testing.T) {
		b := browser(t)
		b.setViewport(1280, 800)
		b.openAt("/lessons/cliffs")
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=share]`)))
		b.wait("the dialog", `document.getElementById('share-dialog').open`)
		b.do(chromedp.Evaluate[chromedp.Void](`(() => {
			const set = (el, v) => { if (typeof v === 'boolean') el.checked = v; else el.value = v; el.dispatchEvent(new Event('change', { bubbles: true })); };
			set(document.querySelector('[data-testid=share-caption]'), true);
			set(document.querySelector('[data-testid=share-cues]'), true);
			set(document.querySelector('[data-testid=share-controls]'), 'pick');
		})()`))
		b.wait("the list of controls", `document.querySelector('[data-testid=share-pick] input[value="run1.lr"]')`)
		b.do(chromedp.Evaluate[chromedp.Void](`(() => {
			for (const v of ['play', 'run1.lr']) { const c = document.querySelector('[data-testid=share-pick] input[value="' + v + '"]'); c.checked = true; c.dispatchEvent(new Event('change', { bubbles: true })); }
		})()`))
		snippet := eval[string](b, `document.getElementById('share-snippet').value`)
		for _, want := range []string{"lesson=cliffs", "caption=1", "cues=1", "controls=play,run1.lr"} {
			if !strings.Contains(snippet, want) {
				t.Errorf("snippet %q lacks %s", snippet, want)
			}
		}
		b.screenshot("68-share-dialog-chosen-controls")
		src := eval[string](b, `new DOMParser().parseFromString(document.getElementById('share-snippet').value, 'text/html').querySelector('iframe').src`)
		b.setViewport(560, 400)
		b.do(chromedp.Navigate(src))
		b.wait("the embed", `window.saddle && saddle.land && saddle.tracks.every(t => t.n > 0)`)
		if v := eval[bool](b, `(() => {`+measureJS+` const runs = document.querySelectorAll('[data-testid=run]'); return shown(document.querySelector('[data-testid=lesson-caption]')) && shown(runs[1].querySelector('[data-testid=hyper-lr]')) && !shown(runs[0].querySelector('[data-testid=hyper-lr]')); })()`); !v {
			t.Error("the snippet's embed does not show the caption and only run 1's ε")
		}
	})
}

// TestEmbedRejectsBadOptions: /embed answers 400 naming the parameter for
// a value it does not know, instead of silently showing something else.
func TestEmbedRejectsBadOptions(t *testing.T) {
	srv := embedServer(t)
	for _, tc := range []struct {
		query, param string
		code         int
	}{
		{"controls=play", "", 200},
		{"controls=sliders", "", 200},
		{"controls=none", "", 200},
		{"lesson=cliffs&controls=play,run1.lr", "", 200},
		{"lesson=cliffs&controls=speed,run0.lr,run1.lr", "", 200},
		{"obj=quadratic&run=momentum|lr=0.01&controls=play,run0.momentum,p.b", "", 200},
		{"lesson=cliffs&caption=1&cues=1", "", 200},
		{"scene=cliffs&caption=1", "", 200},
		{"lesson=cliffs&caption=0&cues=0&autoplay=0&theme=dark", "", 200},
		{"controls=all", "controls", 400},
		{"controls=play,sliders", "controls", 400},
		{"controls=play,,speed", "controls", 400},
		{"lesson=cliffs&controls=play,run2.lr", "controls", 400},
		{"lesson=cliffs&controls=run1.momentum", "controls", 400},
		{"lesson=cliffs&controls=p.nope", "controls", 400},
		{"lesson=cliffs&controls=play,play", "controls", 400},
		{"lesson=cliffs&caption=yes", "caption", 400},
		{"lesson=cliffs&cues=2", "cues", 400},
		{"cues=1", "cues", 400},
		{"caption=1", "caption", 400},
		{"theme=pink", "theme", 400},
		{"autoplay=yes", "autoplay", 400},
	} {
		res, err := http.Get(srv + "/embed?" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.code {
			t.Errorf("/embed?%s = %d, want %d (%s)", tc.query, res.StatusCode, tc.code, strings.TrimSpace(string(body)))
			continue
		}
		if tc.code == 400 && !strings.HasPrefix(string(body), tc.param+":") {
			t.Errorf("/embed?%s: %q does not name the parameter %s first", tc.query, body, tc.param)
		}
	}
}

func embedServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(api.NewHandler(api.Options{}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The edge-of-stability lesson is about its sharpness plot: it is in the
// side column's first screen, beside the landscape, on the page and in
// presentation mode (not under the read-out and the model's panels).
func TestSharpnessBesideTheLandscape(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	t.Cleanup(func() { clearViewport(b) })
	b.openAt("/lessons/edge-of-stability")
	b.wait("the sharpness plot", `document.querySelector('[data-testid=plot-sharpness]')`)
	beside := `(() => {` + measureJS + `
	if (scrollY !== 0) scrollTo(0, 0);
	const s = document.querySelector('[data-testid=plot-sharpness]'), land = document.querySelector('canvas.landscape');
	const r = s.getBoundingClientRect(), l = land.getBoundingClientRect();
	if (!shown(s)) return 'the sharpness plot is not shown';
	if (r.left < l.right) return 'the sharpness plot at ' + box(s) + ' is not beside the landscape at ' + box(land);
	if (r.top >= vh || r.bottom > Math.max(vh, l.bottom) + 0.5) return 'the sharpness plot at ' + box(s) + ' is below the screen (' + vw + '×' + vh + ') and the landscape ' + box(land);
	return '';
})()`
	if bad := b.settleOn(beside); bad != "" {
		t.Errorf("on the page: %s", bad)
	}
	b.do(chromedp.KeyEvent("p"))
	b.wait("presentation mode", `document.documentElement.classList.contains('presenting')`)
	if bad := b.settleOn(beside); bad != "" {
		t.Errorf("in presentation mode: %s", bad)
	}
	c := claimPage{b}
	c.reach(700)
	b.wait("drawn", pageDrawn)
	b.screenshot("64-sharpness-presentation-1280x720")
}
