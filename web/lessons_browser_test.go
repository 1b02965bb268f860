package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/api"
	"github.com/saddle-viz/saddle/internal/lessons"
)

// lessonDone is true once the lesson has played to its scripted end: its
// last cue is shown (the step counter passed it, or every run ended), or,
// for a lesson without a script, every run ended.
const lessonDone = `(() => {
	const st = saddle.status, n = saddle.state.runs.length;
	let ended = n > 0;
	for (let r = 0; r < n; r++) ended = ended && ['converged', 'diverged', 'max_steps'].includes(st[r]?.status);
	const cues = document.querySelectorAll('[data-testid=cue]');
	return cues.length ? cues[cues.length - 1].classList.contains('current') && (ended || saddle.currentK() >= +cues[cues.length - 1].dataset.at) : ended;
})()`

// browserUnder is newBrowser with the server behind the base path /saddle.
func browserUnder(t *testing.T, opts api.Options) *browser {
	b := newBrowser(t, 1400, 950)
	srv := httptest.NewServer(api.NewHandler(opts))
	t.Cleanup(srv.Close)
	b.srv = srv
	return b
}

func TestLessonsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	all := lessons.All()
	// A browser per few lessons keeps each within the helper's time budget.
	const perBrowser = 5
	for start := 0; start < len(all); start += perBrowser {
		chunk := all[start:min(start+perBrowser, len(all))]
		t.Run(fmt.Sprintf("lessons %d-%d", start+1, start+len(chunk)), func(t *testing.T) {
			b := browserUnder(t, api.Options{BasePath: "/saddle"})
			if start == 0 {
				b.do(chromedp.Navigate(b.srv.URL + "/saddle/lessons"))
				b.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })`))
				b.wait("every thumbnail", `[...document.querySelectorAll('[data-testid=lesson-thumb]')].every(i => i.complete && i.naturalWidth === 240 && i.naturalHeight === 180)`)
				if n := eval[int](b, `document.querySelectorAll('[data-testid=lesson-card]').length`); n != len(all) {
					t.Errorf("%d lesson cards, want %d", n, len(all))
				}
				b.screenshot("30-lessons-index")
			}
			for _, l := range chunk {
				t.Run(l.ID, func(t *testing.T) {
					b := b.on(t)
					before := len(b.errors())
					// High speed keeps the suite short; the lesson's own scene and steps stay.
					b.do(chromedp.Navigate(b.srv.URL + "/saddle/lessons/" + l.ID + "?speed=3000"))
					b.wait("the lesson's landscape and first points",
						`window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
					if got := eval[int](b, `saddle.state.runs.length`); got != len(l.Scene.Runs) {
						t.Errorf("%d runs loaded, the lesson has %d", got, len(l.Scene.Runs))
					}
					if ws := eval[string](b, `saddle.ws.url`); !strings.HasSuffix(ws, "/saddle/ws") {
						t.Errorf("the WebSocket URL %s ignores the base path", ws)
					}
					b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
					b.wait("the lesson's scripted end", lessonDone)
					// An absence (no step past the lesson's end), so no event
					// to wait on: a bounded window for a wrong step to show.
					b.do(chromedp.Sleep(250 * time.Millisecond))
					if k := eval[int](b, `saddle.currentK()`); k > l.Steps {
						t.Errorf("played to step %d, past the lesson's %d steps", k, l.Steps)
					}
					if next, ok := lessons.Next(l.ID); ok {
						if href := eval[string](b, `document.querySelector('[data-testid=next-lesson]').getAttribute('href')`); href != "/saddle/lessons/"+next.ID {
							t.Errorf("next lesson link %q, want /saddle/lessons/%s", href, next.ID)
						}
					}
					b.screenshot("31-lesson-" + l.ID)
					if l.ID == all[0].ID {
						checkShareDialog(b, l.ID)
					}
					if errs := b.errors(); len(errs) > before {
						t.Errorf("console errors: %q", errs[before:])
					}
				})
			}
		})
	}
}

// TestEmbedInAnotherSite puts /embed in an iframe of a page served by a
// second server, on another site (localhost vs 127.0.0.1), and checks that
// it loads and plays there, resizes with its iframe, and that its CSP is
// the configured one; a server that allows only itself is refused.
func TestEmbedInAnotherSite(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	var embedURL string
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>a course page</title><body style="margin:0;background:#fff">
<h1 style="font:16px sans-serif;margin:8px">A course page on another site</h1>
<iframe id="f" src="%s" width="640" height="420" style="border:1px solid #999"></iframe></body>`, embedURL)
	}))
	t.Cleanup(host.Close)
	hostOrigin := strings.Replace(host.URL, "127.0.0.1", "localhost", 1)

	t.Run("allowed site: loads, plays, resizes", func(t *testing.T) {
		b := browserUnder(t, api.Options{BasePath: "/saddle", FrameAncestors: hostOrigin})
		embedURL = b.srv.URL + "/saddle/embed?lesson=cliffs&autoplay=1&controls=play&theme=dark&speed=300"
		res, err := http.Get(embedURL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors "+hostOrigin) || res.Header.Get("X-Frame-Options") != "" {
			t.Errorf("/embed CSP %q, X-Frame-Options %q; want frame-ancestors %s and no X-Frame-Options", csp, res.Header.Get("X-Frame-Options"), hostOrigin)
		}
		b.do(chromedp.Navigate(hostOrigin + "/"))
		frame := b.iframe(t, b.srv.URL+"/saddle/embed")
		frame.wait("the embed to autoplay", `window.saddle && saddle.land && saddle.currentK() > 20`)
		if v := eval[bool](frame, `getComputedStyle(document.querySelector('[data-testid=header]')).display === 'none' && getComputedStyle(document.querySelector('[data-testid=objective]')).display === 'none'`); !v {
			t.Error("the embed shows the site's header or the objective controls with controls=play")
		}
		if v := eval[bool](frame, `getComputedStyle(document.querySelector('[data-testid=play]')).display !== 'none'`); !v {
			t.Error("the play button is hidden with controls=play")
		}
		h0 := eval[float64](frame, `saddle.panels[0].h`)
		if h0 < 250 {
			t.Errorf("the figure is %v px tall in a 420 px iframe: it does not fill it", h0)
		}
		b.screenshot("40-embed-in-iframe")
		// The author's page resizes the iframe; the figure follows.
		b.do(chromedp.Evaluate[chromedp.Void](`Object.assign(document.getElementById('f'), {width: 900, height: 600})`))
		frame.wait("the figure to grow", fmt.Sprintf(`saddle.panels[0].h > %v + 120 && saddle.panels.reduce((a, p) => a + p.w, 0) > 800`, h0))
		b.screenshot("41-embed-resized")
		// The figure fits: the plot's bottom axis is inside the iframe.
		if v := eval[bool](frame, `saddle.panels.every(p => p.canvas.getBoundingClientRect().bottom <= innerHeight + 0.5)`); !v {
			t.Error("the figure is cut off at the bottom of the iframe")
		}
		if errs := frame.errors(); len(errs) > 0 {
			t.Errorf("console errors in the embed: %q", errs)
		}
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("console errors on the course page: %q", errs)
		}
	})

	t.Run("a site not listed is refused", func(t *testing.T) {
		b := browserUnder(t, api.Options{FrameAncestors: "'self'"})
		embedURL = b.srv.URL + "/embed?lesson=cliffs&autoplay=1"
		b.do(chromedp.Navigate(hostOrigin + "/"))
		// Waits on console messages as they come, up to 5 s.
		refused := b.waitLog(5*time.Second, func(errs []string) bool {
			return slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, "frame-ancestors 'self'") })
		})
		if !refused {
			t.Errorf("the browser did not refuse to frame /embed under frame-ancestors 'self' (console: %q)", b.errors())
		}
		b.screenshot("42-embed-refused")
	})
}

// iframe attaches to the iframe target whose URL starts with prefix (Chrome
// runs a cross-site iframe as a target of its own) and returns a browser
// that evaluates in it and records its console.
func (b *browser) iframe(t *testing.T, prefix string) *browser {
	t.Helper()
	// Look again whenever the browser reports a target created or changed
	// (an iframe's target appears, then gets its URL), for up to 20 s.
	changed := make(chan struct{}, 1)
	lctx, stop := context.WithCancel(b.ctx)
	defer stop()
	chromedp.ListenBrowser(lctx, func(ev any) {
		switch ev.(type) {
		case *target.EventTargetCreated, *target.EventTargetInfoChanged:
			select {
			case changed <- struct{}{}:
			default:
			}
		}
	})
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
				fctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				f := &browser{t: t, ctx: fctx, srv: b.srv, shots: b.shots, log: &consoleLog{}}
				messages := chromedp.Console(fctx)
				go func() {
					for m, err := range messages {
						if err != nil {
							return
						}
						f.log.add(m)
					}
				}()
				return f
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("no iframe target at %s", prefix)
		}
	}
}

// checkShareDialog opens the share / embed dialog on a lesson page and
// checks its permalink and <iframe> snippet, then opens the snippet's
// address and checks that it plays there.
func checkShareDialog(b *browser, id string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=share]`)))
	b.wait("the dialog", `document.getElementById('share-dialog').open`)
	link := eval[string](b, `document.getElementById('share-link').value`)
	if !strings.HasPrefix(link, b.srv.URL+"/saddle/lessons/"+id+"?") || !strings.Contains(link, "run=") {
		b.t.Errorf("permalink %q, want this lesson's page with the scene in its query", link)
	}
	b.do(chromedp.SetValue(chromedp.CSS(`#share-controls`), "none"))
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('share-controls').dispatchEvent(new Event('change'))`))
	snippet := eval[string](b, `document.getElementById('share-snippet').value`)
	prefix := `<iframe src="` + b.srv.URL + "/saddle/embed?"
	if !strings.HasPrefix(snippet, prefix) || !strings.Contains(snippet, "lesson="+id) || !strings.Contains(snippet, "controls=none") {
		b.t.Fatalf("snippet %q, want an iframe of /saddle/embed with lesson=%s and controls=none", snippet, id)
	}
	b.screenshot("32-share-dialog")
	src := eval[string](b, `new DOMParser().parseFromString(document.getElementById('share-snippet').value, 'text/html').querySelector('iframe').src`)
	b.do(chromedp.Navigate(src + "&autoplay=1"))
	b.wait("the embed to play", `window.saddle && saddle.land && saddle.currentK() > 5`)
	if v := eval[bool](b, `getComputedStyle(document.querySelector('[data-testid=controls]')).display === 'none'`); !v {
		b.t.Error("controls=none shows the controls")
	}
}

// TestEmbedWithSlidersKeepsTheLessonsOverlays: an embed with all controls
// keeps the lesson's overlay toggles (on as the lesson sets them) and their
// legend; one with play/step only shows the figure alone, the overlays
// still drawn on it.
func TestEmbedWithSlidersKeepsTheLessonsOverlays(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := browserUnder(t, api.Options{})
	for _, tc := range []struct {
		controls string
		visible  bool
	}{{"sliders", true}, {"play", false}} {
		b.do(chromedp.Navigate(b.srv.URL + "/embed?lesson=momentum&speed=300&controls=" + tc.controls))
		b.wait("the lesson and its tools", `window.saddle && saddle.overlayTools && saddle.land && saddle.tracks.every(t => t.n > 0)`)
		b.stepTo(30)
		got := eval[map[string]any](b, `(() => {
			const shown = (el) => !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
			const box = [...document.querySelectorAll('[data-testid=overlay-bar] input[type=checkbox]')].filter((c) => c.checked).map((c) => c.parentElement.textContent.trim());
			return { bar: shown(document.querySelector('[data-testid=overlay-bar]')), legend: shown(document.querySelector('[data-testid=overlay-legend]')),
				legendText: document.querySelector('[data-testid=overlay-legend]').textContent, checked: box.join(' | '), overlays: saddle.state.overlays.join(',') };
		})()`)
		if got["overlays"] != "velocity,lookahead" {
			t.Errorf("%s: overlays %v, want the lesson's velocity and look-ahead", tc.controls, got["overlays"])
		}
		if got["bar"] != tc.visible || got["legend"] != tc.visible {
			t.Errorf("controls=%s: overlay bar shown %v, legend shown %v; want %v", tc.controls, got["bar"], got["legend"], tc.visible)
		}
		if tc.visible && (!strings.Contains(got["checked"].(string), "velocity") || !strings.Contains(got["legendText"].(string), "velocity")) {
			t.Errorf("controls=sliders: checked %q, legend %q; want velocity on and explained", got["checked"], got["legendText"])
		}
		if tc.visible {
			b.screenshot("39-embed-sliders-overlays")
		}
	}
}
