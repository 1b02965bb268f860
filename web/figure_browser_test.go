package web_test

import (
	"encoding/base64"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/saddle-viz/saddle/internal/api"
)

// TestFigurePlaysFromDisk: the file GET /api/figure gives, saved to disk
// and opened as file:// with the network off, loads without errors and
// without a single request, and plays: the step counter advances and the
// canvas changes; scrubbing and stepping show the step asked for.
func TestFigurePlaysFromDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	h := api.NewHandler(api.Options{})
	scene := base64.RawURLEncoding.EncodeToString([]byte(`{"lesson": "cliffs", "steps": 500, "k": 0, "steps_per_second": 60}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/figure?scene="+scene, nil))
	if rec.Code != 200 {
		t.Fatalf("GET /api/figure: %d %s", rec.Code, rec.Body)
	}
	t.Logf("cliffs, 500 steps: %d bytes", rec.Body.Len())
	path := filepath.Join(t.TempDir(), "cliffs.html")
	if err := os.WriteFile(path, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fileURL := "file://" + path

	b := newBrowser(t, 1280, 720)
	// The network off, and every request the tab makes written down.
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Navigate(fileURL))
	b.wait("the figure at step 0", `window.figure && figure.k === 0 && document.querySelector('canvas.landscape')`)
	if errs := b.errors(); len(errs) > 0 {
		t.Fatalf("console errors: %q", errs)
	}
	before := eval[int](b, canvasHash)
	if got := eval[string](b, `document.getElementById('k').textContent`); got != "k = 0" {
		t.Errorf("step counter %q at the start", got)
	}

	b.do(chromedp.Click(chromedp.CSS("#play")))
	b.wait("the replay to reach step 120", `figure.k >= 120`)
	b.do(chromedp.Click(chromedp.CSS("#play")))
	b.wait("the pause", `!figure.playing`)
	k := eval[int](b, `figure.k`)
	if got := eval[string](b, `document.getElementById('k').textContent`); got != "k = "+strconv.Itoa(k) {
		t.Errorf("step counter %q, the figure is at %d", got, k)
	}
	if eval[int](b, canvasHash) == before {
		t.Error("the canvas did not change while the figure played")
	}
	if eval[string](b, `document.getElementById('cue').textContent`) == "" {
		t.Error("no cue shown past step 0 of a lesson with a script")
	}
	b.screenshot("figure-cliffs-1280x720")

	// Scrub back to 10, then one step: the runs' paths are 11 and 12 points.
	b.do(chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('scrub'); s.value = '10'; s.dispatchEvent(new Event('input')); })()`))
	b.wait("the scrub to step 10", `figure.k === 10`)
	scrubbed := eval[int](b, canvasHash)
	b.do(chromedp.Click(chromedp.CSS("#step")))
	b.wait("one step", `figure.k === 11`)
	if eval[int](b, canvasHash) == scrubbed {
		t.Error("a step did not change the canvas")
	}
	b.do(chromedp.Click(chromedp.CSS("#reset")))
	b.wait("reset to 0", `figure.k === 0`)
	if eval[int](b, canvasHash) != before {
		t.Error("back at step 0 the canvas is not what it was at step 0")
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if u != fileURL && !strings.HasPrefix(u, "data:") {
			t.Errorf("the figure made a request: %s", u)
		}
	}
}
