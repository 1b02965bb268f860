package web_test

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pageBudget is issue 4's limit on what the explorer loads at start: its
// own files (the HTML, scripts and styles, as served: minified), decoded,
// under 200 KB.
const pageBudget = 200 * 1000

// fetched is one entry of the page's resource timing.
type fetched struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

// fetchedJS lists what the page has fetched: the document and every
// resource, with its decoded body size (same-origin, so it is exposed).
const fetchedJS = `(() => {
	const nav = performance.getEntriesByType('navigation')[0];
	const out = [{ name: nav.name, type: 'document', size: nav.decodedBodySize }];
	for (const e of performance.getEntriesByType('resource')) out.push({ name: e.name, type: e.initiatorType, size: e.decodedBodySize });
	return out;
})()`

// loaded returns what the page fetched so far, and fails the test on a
// request to another origin.
func (b *browser) loaded() []fetched {
	b.t.Helper()
	own, err := url.Parse(b.srv.URL)
	if err != nil {
		b.t.Fatal(err)
	}
	list := eval[[]fetched](b, fetchedJS)
	for _, f := range list {
		u, err := url.Parse(f.Name)
		if err != nil || u.Scheme+"://"+u.Host != own.Scheme+"://"+own.Host {
			b.t.Errorf("a request to another origin: %s (%s)", f.Name, f.Type)
		}
	}
	return list
}

// files returns the set of /static/ file names in list.
func files(list []fetched) map[string]bool {
	out := map[string]bool{}
	for _, f := range list {
		if u, err := url.Parse(f.Name); err == nil && strings.HasPrefix(u.Path, "/static/") {
			out[strings.TrimPrefix(u.Path, "/static/")] = true
		}
	}
	return out
}

// TestPageWeight measures what the explorer loads before anyone touches it
// (issue 4: under 200 KB of its own files, nothing from another origin),
// then that the modules it loads on demand arrive from its own origin
// under the CSP, without console errors.
func TestPageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("")
	// Anything the page imports once idle counts as loaded at start too:
	// b.open has waited for the landscape and the first points; wait for
	// the load event and two idle periods in a row (an idle callback the
	// boot queued runs in the first, before ours chains the second).
	b.do(chromedp.Evaluate[chromedp.Void](`window.__idleTwice = false;
		requestIdleCallback(() => requestIdleCallback(() => { window.__idleTwice = true }))`))
	b.wait("the page loaded and idle twice", `document.readyState === 'complete' && window.__idleTwice`)

	start := b.loaded()
	t.Run("the page's own files at start are under the budget", func(t *testing.T) {
		// Files, each counted once (Chromium asks for the icon twice);
		// answers of the API are data, not the page's files.
		var list []fetched
		seen := map[string]bool{}
		for _, f := range start {
			u, err := url.Parse(f.Name)
			if err != nil || seen[u.Path] || strings.HasPrefix(u.Path, "/api/") {
				continue
			}
			seen[u.Path] = true
			list = append(list, f)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Size > list[j].Size })
		total := 0
		var lines []string
		for _, f := range list {
			total += f.Size
			u, _ := url.Parse(f.Name)
			lines = append(lines, fmt.Sprintf("%7d  %-8s %s", f.Size, f.Type, u.Path))
		}
		t.Logf("loaded at start (%d files, decoded bytes):\n%s\n%7d  total", len(list), strings.Join(lines, "\n"), total)
		if len(list) < 3 {
			t.Fatalf("only %d entries: the measurement saw no scripts or styles", len(list))
		}
		for _, f := range list {
			if f.Size <= 0 {
				t.Errorf("%s: no decoded size reported, so the sum would be too low", f.Name)
			}
		}
		if total >= pageBudget {
			t.Errorf("the page loads %d bytes of its own files at start, want under %d", total, pageBudget)
		}
	})

	t.Run("modules only some sessions need load on demand", func(t *testing.T) {
		b := b.on(t)
		at := files(start)
		lazy := []string{"export.mjs", "share.mjs", "model.mjs", "spectrum.mjs", "regions.mjs", "interp.mjs", "xyplot.mjs", "overlays.mjs", "lessonextras.mjs", "surface3d.mjs", "mat4.mjs", "decay.mjs"}
		for _, name := range lazy {
			if at[name] {
				t.Errorf("%s is loaded at start", name)
			}
		}
		// The Export menu, an overlay and the share dialog bring theirs in.
		b.do(chromedp.Click(chromedp.CSS(`#export-menu > summary`)))
		b.wait("the exporter", `!!saddle.exporter`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=overlay-velocity]`)))
		b.wait("the overlays' shapes", `!!saddle.shapes`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=share]`)))
		b.wait("the share dialog's link", `document.getElementById('share-dialog').open && document.getElementById('share-link').value.includes('obj=')`)
		now := files(b.loaded())
		for _, name := range []string{"export.mjs", "share.mjs", "overlays.mjs", "lessonextras.mjs"} {
			if !now[name] {
				t.Errorf("%s was not loaded after its feature was used", name)
			}
		}
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("console errors (a CSP refusal would be one): %q", errs)
		}
	})
}
