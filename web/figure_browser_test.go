package web_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
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

// TestShareDialogDownloadsTheFigure: the share dialog's "download a
// figure" link is GET /api/figure of the scene as the page shows it: the
// lesson's text over the page's runs, up to the step shown, linking back
// to the page.
func TestShareDialogDownloadsTheFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1280, 720)
	b.do(chromedp.Navigate(b.srv.URL + "/lessons/cliffs"))
	b.wait("the lesson", `window.saddle && saddle.land && saddle.tracks.length === 2 && saddle.tracks.every(t => t.n > 0)`)
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(30)`))
	b.wait("step 30", `saddle.currentK() === 30`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid=share]`)))
	b.wait("the dialog's figure link", `document.getElementById('share-dialog').open && document.getElementById('share-figure').getAttribute('href').includes('/api/figure?scene=')`)
	href := eval[string](b, `document.getElementById('share-figure').getAttribute('href')`)
	link := eval[string](b, `document.getElementById('share-link').value`)
	resp, err := http.Get(b.srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="saddle-cliffs.html"`) {
		t.Fatalf("%s: %d %q: %.300s", href, resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	m := regexp.MustCompile(`<script type="application/json" id="figure-data">(.*?)</script>`).FindSubmatch(body)
	if m == nil {
		t.Fatal("the download is not a figure")
	}
	var d struct {
		Steps, K int
		Link     string
		Mode     string
		Lesson   struct{ ID string }
		Runs     []struct{ N int }
	}
	if err := json.Unmarshal(m[1], &d); err != nil {
		t.Fatal(err)
	}
	if d.Steps != 30 || d.K != 30 || d.Lesson.ID != "cliffs" || d.Link != link || len(d.Runs) != 2 || d.Mode != "side" {
		t.Errorf("figure of steps %d opening at %d, lesson %q, link %q (the page's %q), %d runs, mode %q; want 30, 30, cliffs, the page's, 2, side (as the page)",
			d.Steps, d.K, d.Lesson.ID, d.Link, link, len(d.Runs), d.Mode)
	}
	for i, r := range d.Runs {
		if r.N != 31 && eval[string](b, `saddle.status[`+strconv.Itoa(i)+`]?.status || ''`) == "" {
			t.Errorf("run %d has %d points in the figure, the page shows 31", i, r.N)
		}
	}
	b.screenshot("figure-share-dialog-1280x720")
}
