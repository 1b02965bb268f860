package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/saddle-viz/saddle/internal/api"
)

// Browser tests drive the real page in headless Chromium against the real
// handler (pages, API and live sessions) on httptest. They skip when no
// Chromium is installed, unless SADDLE_REQUIRE_BROWSER=1.

func chromiumPath(t testing.TB) string {
	for _, p := range []string{os.Getenv("SADDLE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("SADDLE_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and SADDLE_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium not installed; set SADDLE_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// browser is one tab of the shared headless Chromium, a server, and the
// console of the tab.
type browser struct {
	t     testing.TB
	ctx   context.Context
	srv   *httptest.Server
	shots string
	log   *consoleLog
}

type consoleLog struct {
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
	grew     chan struct{} // closed (and replaced) when a message comes
}

// add records a console message and wakes waitLog.
func (l *consoleLog) add(m chromedp.ConsoleMessage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.messages = append(l.messages, m)
	if l.grew != nil {
		close(l.grew)
	}
	l.grew = make(chan struct{})
}

// waitLog waits until ok holds for the browser's console errors (checked
// as each console message comes) or within passes; it reports whether ok
// held.
func (b *browser) waitLog(within time.Duration, ok func(errs []string) bool) bool {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		b.log.mu.Lock()
		if b.log.grew == nil {
			b.log.grew = make(chan struct{})
		}
		grew := b.log.grew
		b.log.mu.Unlock()
		if ok(b.errors()) {
			return true
		}
		select {
		case <-grew:
		case <-deadline.C:
			return ok(b.errors())
		}
	}
}

// on returns the browser reporting failures to t (a subtest).
func (b *browser) on(t testing.TB) *browser {
	c := *b
	c.t = t
	return &c
}

// hangGuard is how long one action or wait on the page may take before the
// test gives up. Tests wait on the page's state, never on the clock; the
// guard only turns a hang into a failure that says what it waited for, and
// is far beyond what the slowest step takes on a loaded 2-core machine.
const hangGuard = 3 * time.Minute

// chromium is the one browser process every browser test opens its tabs in
// (starting Chromium costs about a second of CPU, and the tests are many). It
// starts with the first test that needs it and stops in TestMain; if it dies,
// the next test starts another.
var chromium struct {
	mu   sync.Mutex
	ctx  context.Context // the browser's first tab; tabs are its children
	stop func()
}

func sharedChromium(t testing.TB) context.Context {
	path := chromiumPath(t)
	chromium.mu.Lock()
	defer chromium.mu.Unlock()
	if chromium.ctx != nil && chromium.ctx.Err() == nil {
		return chromium.ctx
	}
	if chromium.stop != nil {
		chromium.stop()
	}
	dir, err := os.MkdirTemp("", "saddle-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("force-device-scale-factor", "1"),
		// WebGL for the 3-D view (surface3d.mjs): with the GPU off Chromium draws
		// it with SwiftShader, a fallback it deprecates unless this opts in.
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1500, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	stop := func() { cancelC(); cancelA(); os.RemoveAll(dir) }
	// The browser's life is bound to the context of this first Run: one
	// without a deadline, so that no test's end or guard stops it.
	if err := chromedp.Do(ctx); err != nil {
		stop()
		t.Fatalf("starting chromium: %v", err)
	}
	chromium.ctx, chromium.stop = ctx, stop
	return ctx
}

func TestMain(m *testing.M) {
	code := m.Run()
	chromium.mu.Lock()
	if chromium.stop != nil {
		chromium.stop()
	}
	chromium.mu.Unlock()
	os.Exit(code)
}

// newBrowser opens a tab of width × height CSS pixels (window.innerWidth and
// innerHeight, and the screenshots' size) in the shared Chromium, on a new
// server; the tab closes when t ends.
func newBrowser(t testing.TB, width, height int) *browser {
	root := sharedChromium(t)
	srv := httptest.NewServer(api.NewHandler(api.Options{}))
	t.Cleanup(srv.Close)
	ctx, cancel := chromedp.NewContext(root) // a new tab, in a window of its own
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx, srv: srv, log: &consoleLog{}}
	dir := os.Getenv("SADDLE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "saddle-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b.shots = dir
	messages := chromedp.Console(ctx) // creates the tab; its life is ctx's
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.log.add(m)
		}
	}()
	// The viewport is emulated: a window's size is not its viewport's
	// (headless Chromium keeps 143 px of it for a tool bar it does not draw,
	// and no window is narrower than 500 px).
	b.do(chromedp.EmulateViewport(int64(width), int64(height)))
	return b
}

func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, hangGuard)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, hangGuard)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// wait polls a JavaScript predicate until it is true (on every animation
// frame; hangGuard only stops a wait that would never end).
func (b *browser) wait(what, js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, hangGuard)
	defer cancel()
	var err error
	for try := 0; try < 5; try++ {
		// An element not there yet is "not yet", not an error.
		guarded := "(() => { try { return !!(" + js + ") } catch (e) { return false } })()"
		_, err = chromedp.Run(ctx, chromedp.Poll[chromedp.Void](guarded, chromedp.WithPollingTimeout(hangGuard)))
		// Right after a navigation the old document's context may be gone
		// (a join link that sends the page on to its lesson, say): wait
		// for the new document's body, then poll again.
		if err == nil || !navigated(err) {
			break
		}
		chromedp.Run(ctx, chromedp.WaitReady(chromedp.CSS("body")))
	}
	if err != nil {
		b.t.Fatalf("waiting for %s (%s): %v", what, js, err)
	}
}

// navigated reports an error that only says the page moved to a new
// document while it was being polled.
func navigated(err error) bool {
	m := err.Error()
	return strings.Contains(m, "context with specified id") || strings.Contains(m, "Inspected target navigated or closed") ||
		strings.Contains(m, "Execution context was destroyed")
}

// open loads the page with query q and waits for the landscape and step 0.
func (b *browser) open(q string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.srv.URL + "/" + q))
	b.wait("the landscape and the first points",
		`window.saddle && saddle.land && saddle.tracks.length > 0 && saddle.tracks.every(t => t.n > 0)`)
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// errors returns console errors and uncaught exceptions so far.
func (b *browser) errors() []string {
	b.log.mu.Lock()
	defer b.log.mu.Unlock()
	var out []string
	for _, m := range b.log.messages {
		if m.IsException() || m.Type == chromedp.ConsoleError {
			out = append(out, m.String())
		}
	}
	return out
}

// pageDrawn is true when the page has drawn everything it has received: no
// panel or side plot waits for its next animation frame, no geometry
// request is unanswered. Wait on it, not on a sleep, before a screenshot or
// a look at the pixels.
const pageDrawn = `window.saddle && !saddle.dirty && !saddle.plotsDirty && !saddle.pendingGeometry.length`

// canvasHash fingerprints the first landscape canvas's pixels.
const canvasHash = `(() => { const c = document.querySelector('canvas.landscape'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0; return h; })()`

func TestExplorerInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?obj=quadratic&p=a:1,b:25,angle:30&start=-2.5,1.5&run=gd|lr=0.07&run=momentum|lr=0.01|momentum=0.9&eigen=1")

	t.Run("loads without console errors", func(t *testing.T) {
		b := b.on(t)
		b.screenshot("01-loaded")
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("console errors: %q", errs)
		}
		if n := eval[int](b, `document.querySelectorAll('[data-testid=run]').length`); n != 2 {
			t.Errorf("%d run rows, want 2", n)
		}
	})

	t.Run("step advances exactly one step", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=step]`)))
		b.wait("step 1", `saddle.currentK() >= 1`)
		// An absence (no second step), so no event to wait on: a bounded
		// window for a wrong second step to show. A slow machine can hide
		// such a bug here, never fail a right page.
		b.do(chromedp.Sleep(400 * time.Millisecond))
		if k := eval[int](b, `saddle.currentK()`); k != 1 {
			t.Fatalf("after one step k = %d, want 1", k)
		}
		if got := eval[string](b, `document.querySelector('[data-testid=step-count]').textContent`); got != "1" {
			t.Errorf("step counter shows %q, want 1", got)
		}
		// The keyboard's → steps too.
		b.do(chromedp.KeyEvent(kb.ArrowRight))
		b.wait("step 2", `saddle.currentK() >= 2`)
		// An absence again (no third step): a bounded window, as above.
		b.do(chromedp.Sleep(300 * time.Millisecond))
		if k := eval[int](b, `saddle.currentK()`); k != 2 {
			t.Errorf("after → k = %d, want 2", k)
		}
	})

	t.Run("play makes frames arrive and pixels change", func(t *testing.T) {
		b := b.on(t)
		before := eval[int](b, canvasHash)
		k0 := eval[int](b, `saddle.currentK()`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("frames", fmt.Sprintf(`saddle.currentK() > %d + 20`, k0))
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("the page to draw", pageDrawn)
		after := eval[int](b, canvasHash)
		if before == after {
			t.Error("the landscape canvas did not change while playing")
		}
		b.screenshot("02-played")
	})

	t.Run("clicking the landscape moves the start", func(t *testing.T) {
		b := b.on(t)
		// Click where θ = (1, -1) is drawn.
		px := eval[[]float64](b, `(() => { const p = saddle.panels[0], r = p.canvas.getBoundingClientRect(); const q = p.toPx(1, -1); return [r.left + q[0], r.top + q[1]]; })()`)
		b.do(chromedp.MouseClickXY(px[0], px[1]))
		b.wait("the new start", `Math.abs(saddle.state.start[0] - 1) < 0.05 && Math.abs(saddle.state.start[1] + 1) < 0.05`)
		b.wait("runs restarted from it", `saddle.tracks.every(t => t.n === 1 && Math.abs(t.x[0] - saddle.state.start[0]) < 1e-9)`)
		if u, _ := url.Parse(eval[string](b, `location.href`)); !strings.HasPrefix(u.Query().Get("start"), "0.99") && !strings.HasPrefix(u.Query().Get("start"), "1") {
			t.Errorf("the URL does not hold the new start: %s", eval[string](b, `location.search`))
		}
	})

	t.Run("a bad expression shows its error at the offending character", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.SetValue(chromedp.CSS(`#objective`), "expr"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('objective').dispatchEvent(new Event('change'))`))
		b.do(chromedp.SetValue(chromedp.CSS(`#expr`), "x^2 + * y"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('expr').dispatchEvent(new Event('input'))`))
		b.wait("the error", `!document.querySelector('[data-testid=expr-error]').hidden`)
		bad := eval[string](b, `document.querySelector('.bad-char')?.textContent ?? ''`)
		if bad != "*" {
			t.Errorf("underlined %q, want the '*' at offset 6", bad)
		}
		b.screenshot("03-bad-expression")
		// Fixing it clears the error and draws the new landscape.
		b.do(chromedp.SetValue(chromedp.CSS(`#expr`), "x^2 + 3*y^2"))
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('expr').dispatchEvent(new Event('input'))`))
		b.wait("the error to clear", `document.querySelector('[data-testid=expr-error]').hidden`)
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors during the session: %q", errs)
	}
}

func TestSideBySideAndPermalink(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?obj=rosenbrock&start=-1.2,1&run=gd|lr=0.001&run=newton&mode=side&pair=0,1&eigen=1")

	t.Run("two panels step together", func(t *testing.T) {
		b := b.on(t)
		if n := eval[int](b, `document.querySelectorAll('#panels canvas.landscape').length`); n != 2 {
			t.Fatalf("%d panels, want 2", n)
		}
		for i := 0; i < 5; i++ {
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=step]`)))
			// Wait on gradient descent (it cannot converge in 5 steps) and on
			// the counter: Newton may end early, and its status must not
			// let the next click race the last one's frame.
			b.wait("the step", fmt.Sprintf(`saddle.tracks[0].lastK >= %d && document.querySelector('[data-testid=step-count]').textContent === '%d'`, i+1, i+1))
		}
		ks := eval[[]int](b, `saddle.tracks.map(t => t.lastK)`)
		if ks[0] != 5 || ks[1] > 5 {
			t.Errorf("runs at steps %v, want 5 and at most 5 (Newton may converge early)", ks)
		}
		if got := eval[string](b, `document.querySelector('[data-testid=step-count]').textContent`); got != "5" {
			t.Errorf("shared counter %q, want 5", got)
		}
		b.screenshot("04-side-by-side")
	})

	t.Run("a permalink reloads to the same step", func(t *testing.T) {
		b := b.on(t)
		for i := 0; i < 7; i++ {
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=step]`)))
		}
		b.wait("step 12", `saddle.currentK() === 12`)
		link := eval[string](b, `location.href`) // paused: the URL holds the step at once
		want := eval[[]float64](b, `[saddle.tracks[0].x[saddle.tracks[0].n-1], saddle.tracks[0].y[saddle.tracks[0].n-1]]`)
		u, err := url.Parse(link)
		if err != nil || u.Query().Get("k") != "12" {
			t.Fatalf("permalink %s does not hold k=12", link)
		}
		b.do(chromedp.Navigate("about:blank"))
		b.do(chromedp.Navigate(link))
		b.wait("the replay", `window.saddle && saddle.tracks.length && saddle.currentK() === 12`)
		got := eval[[]float64](b, `[saddle.tracks[0].x[saddle.tracks[0].n-1], saddle.tracks[0].y[saddle.tracks[0].n-1]]`)
		if got[0] != want[0] || got[1] != want[1] {
			t.Errorf("replayed to %v, the link was made at %v", got, want)
		}
		if m := eval[string](b, `saddle.state.mode`); m != "side" {
			t.Errorf("mode %q after reload, want side", m)
		}
		b.screenshot("05-permalink")
	})

	t.Run("phi-space panel", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=mode-phi]`)))
		b.wait("the φ panel", `document.querySelector('[data-testid=panel-phi]') && saddle.panels[1].T`)
		b.wait("the page to draw", pageDrawn)
		b.screenshot("06-phi")
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func TestReadyScenes(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	for i, id := range []string{"ill-conditioning", "cliffs", "newton-vs-gd"} {
		b.open("?scene=" + id)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("steps", `saddle.currentK() > 40 || saddle.status.filter(Boolean).every(s => s.status !== 'running')`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=play]`)))
		b.wait("the page to draw", pageDrawn)
		b.screenshot(fmt.Sprintf("1%d-scene-%s", i, id))
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
