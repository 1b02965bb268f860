package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Exports from the page: the figure as PNG and SVG, the trajectories as CSV
// and JSON, the scene as a file that loads back.

// track is one run as the page holds it (what the server streamed).
type track struct {
	K, X, Y, Loss []float64
}

const tracksJS = `saddle.tracks.map(t => ({K: Array.from(t.k.subarray(0, t.n)), X: Array.from(t.x.subarray(0, t.n)), Y: Array.from(t.y.subarray(0, t.n)), Loss: Array.from(t.loss.subarray(0, t.n))}))`

// blobBase64 turns a promise of a Blob into base64 text.
const blobBase64 = `.then(b => b.arrayBuffer()).then(a => { const u = new Uint8Array(a); let s = ''; for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192)); return btoa(s); })`

func evalAsync[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%.120s: %v", js, err)
	}
	return v
}

// useExporter loads export.mjs as opening the Export menu does, and waits
// for saddle.exporter.
func (b *browser) useExporter() {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`void saddle.loadExporter()`))
	b.wait("the exporter (export.mjs)", `!!saddle.exporter`)
}

func (b *browser) save(name string, data []byte) string {
	b.t.Helper()
	p := filepath.Join(b.shots, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("saved %s", p)
	return p
}

func sameTracks(t *testing.T, what string, got, want []track) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d runs, the page has %d", what, len(got), len(want))
	}
	for r := range want {
		if len(got[r].K) != len(want[r].K) {
			t.Fatalf("%s: run %d has %d points, the page has %d", what, r, len(got[r].K), len(want[r].K))
		}
		for i := range want[r].K {
			if got[r].K[i] != want[r].K[i] || got[r].X[i] != want[r].X[i] || got[r].Y[i] != want[r].Y[i] || got[r].Loss[i] != want[r].Loss[i] {
				t.Fatalf("%s: run %d point %d is k=%v θ=(%v, %v) J=%v, the page streamed k=%v θ=(%v, %v) J=%v", what, r, i,
					got[r].K[i], got[r].X[i], got[r].Y[i], got[r].Loss[i], want[r].K[i], want[r].X[i], want[r].Y[i], want[r].Loss[i])
			}
		}
	}
}

func TestExportsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?obj=rosenbrock&start=-1.2,1&run=gd|lr=0.001&run=adam|lr=0.05|clip.norm=1&seed=3")
	b.useExporter()
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(40)`))
	b.wait("step 40", `saddle.tracks.every(t => t.lastK === 40)`)
	b.wait("step 40 drawn", pageDrawn)
	streamed := eval[[]track](b, tracksJS)

	t.Run("PNG is the figure at twice the panel's CSS size", func(t *testing.T) {
		b := b.on(t)
		size := eval[[]int](b, `[saddle.panels[0].w, saddle.panels[0].h]`)
		raw, err := base64.StdEncoding.DecodeString(evalAsync[string](b, `saddle.exporter.png()`+blobBase64))
		if err != nil {
			t.Fatal(err)
		}
		b.save("30-export.png", raw)
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if got := img.Bounds().Size(); got.X != 2*size[0] || got.Y != 2*size[1] {
			t.Fatalf("PNG is %v, want 2 × %v", got, size)
		}
		// The selected run's current point is drawn in its colour, at 2×.
		at := eval[[]float64](b, `(() => { const p = saddle.panels[0], t = saddle.tracks[0]; return p.toPx(t.x[t.n - 1], t.y[t.n - 1]); })()`)
		colour := eval[string](b, `getComputedStyle(document.querySelector('#legend .swatch')).backgroundColor`)
		want := parseRGB(t, colour)
		if got := rgbAt(img, int(2*at[0]), int(2*at[1])); dist(got, want) > 40 {
			t.Errorf("pixel at the current point is %v, want the run colour %v", got, want)
		}
		// The heat map is there: the plot's pixels are not all one colour.
		p := eval[[]float64](b, `(() => { const p = saddle.panels[0].plot; return [p.x, p.y, p.w, p.h]; })()`)
		distinct := map[[3]uint8]bool{}
		for i := 1; i < 10; i++ {
			distinct[rgbAt(img, int(2*(p[0]+p[2]*float64(i)/10)), int(2*(p[1]+p[3]*float64(i)/10)))] = true
		}
		if len(distinct) < 4 {
			t.Errorf("the plot area has %d colours along its diagonal: no heat map?", len(distinct))
		}
		// The legend is drawn in its corner of the plot: a light box, not the heat map.
		box := eval[[]float64](b, `(() => { const L = saddle.exporter.describePanel(saddle.panels[0], 0).legend; return [L.x, L.y]; })()`)
		if got := rgbAt(img, int(2*(box[0]+3)), int(2*(box[1]+3))); got[0] < 200 || got[1] < 200 || got[2] < 200 {
			t.Errorf("no light legend box at (%v, %v): %v", box[0], box[1], got)
		}
	})

	t.Run("SVG parses as XML with vector paths and renders", func(t *testing.T) {
		b := b.on(t)
		svg := eval[string](b, `saddle.exporter.svg()`)
		b.save("31-export.svg", []byte(svg))
		paths, trails, images := 0, 0, 0
		dec := xml.NewDecoder(strings.NewReader(svg))
		var root string
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not XML: %v", err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				if root == "" {
					root = se.Name.Local
				}
				switch se.Name.Local {
				case "path":
					paths++
					for _, a := range se.Attr {
						if a.Name.Local == "class" && a.Value == "trail" {
							trails++
						}
					}
				case "image":
					images++
				}
			}
		}
		if root != "svg" || paths < 3 || trails != 2 || images != 1 {
			t.Errorf("root <%s>, %d paths of which %d trails, %d images; want <svg>, ≥3 paths, 2 trails, 1 heat-map image", root, paths, trails, images)
		}
		// The browser renders it: draw it to a canvas and keep a PNG to look at.
		shot := evalAsync[string](b, `new Promise((ok, fail) => {
			const svg = saddle.exporter.last.data, img = new Image();
			img.onload = () => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height; c.getContext('2d').drawImage(img, 0, 0); c.toBlob(ok, 'image/png'); };
			img.onerror = () => fail(new Error('the SVG does not render'));
			img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg)));
		})`+blobBase64)
		raw, _ := base64.StdEncoding.DecodeString(shot)
		b.save("31-export-svg-rendered.png", raw)
	})

	t.Run("CSV round-trips to the streamed trajectories", func(t *testing.T) {
		b := b.on(t)
		text := evalAsync[string](b, `saddle.exporter.csv()`)
		b.save("32-export.csv", []byte(text))
		for _, want := range []string{"# run 0: gd lr=0.001\n", "# run 1: adam lr=0.05 beta1=0.9 beta2=0.999 eps=1e-8 clip.norm=1\n", "# seed: 3\n"} {
			if !strings.Contains(text, want) {
				t.Errorf("the CSV header lacks %q:\n%.600s", want, text)
			}
		}
		r := csv.NewReader(strings.NewReader(text))
		r.Comment = '#'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "run,k,x,y,loss,grad_norm,clipped" {
			t.Fatalf("columns %v", rows[0])
		}
		var got []track
		for _, row := range rows[1:] {
			v := make([]float64, len(row))
			for i, c := range row {
				if v[i], err = strconv.ParseFloat(c, 64); err != nil {
					t.Fatal(err)
				}
			}
			for int(v[0]) >= len(got) {
				got = append(got, track{})
			}
			g := &got[int(v[0])]
			g.K, g.X, g.Y, g.Loss = append(g.K, v[1]), append(g.X, v[2]), append(g.Y, v[3]), append(g.Loss, v[4])
		}
		sameTracks(t, "CSV", got, streamed)
	})

	t.Run("JSON round-trips to the streamed trajectories", func(t *testing.T) {
		b := b.on(t)
		text := evalAsync[string](b, `saddle.exporter.json()`)
		var doc struct {
			Saddle string
			Runs   []struct {
				Optimizer string
				Hyper     map[string]any
				Points    []struct {
					K    float64
					XY   []float64
					Loss float64
				}
			}
		}
		if err := json.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Saddle != "trajectories" || len(doc.Runs) != 2 || doc.Runs[1].Hyper["lr"] != 0.05 || doc.Runs[1].Hyper["beta2"] != 0.999 {
			t.Fatalf("header: %+v", doc)
		}
		got := make([]track, len(doc.Runs))
		for r, run := range doc.Runs {
			for _, p := range run.Points {
				got[r].K, got[r].X, got[r].Y, got[r].Loss = append(got[r].K, p.K), append(got[r].X, p.XY[0]), append(got[r].Y, p.XY[1]), append(got[r].Loss, p.Loss)
			}
		}
		sameTracks(t, "JSON", got, streamed)
	})

	t.Run("a saved scene loads back to the same state", func(t *testing.T) {
		b := b.on(t)
		// A view of our own, so the file must carry it.
		b.do(chromedp.Evaluate[chromedp.Void](`saddle.setView([-1.5, 1.25, -0.5, 1.75]); saddle.state.overlays = ['clip_arrows', 'velocity']`))
		b.wait("the new view drawn", `saddle.state.view[0] === -1.5 && saddle.state.view[3] === 1.75 && `+pageDrawn)
		text := eval[string](b, `saddle.exporter.scene()`)
		file := b.save("33-scene.json", []byte(text))
		wantView := eval[[]float64](b, `saddle.state.view`)
		// Somewhere else entirely, then load the file through the file input.
		b.open("?scene=cliffs")
		b.do(chromedp.Click(chromedp.CSS(`[data-testid=export-menu] summary`)))
		b.do(chromedp.SetUploadFiles(chromedp.CSS(`#load-scene`), []string{file}))
		b.wait("the loaded scene at step 40", `saddle.state.objective.id === 'rosenbrock' && saddle.tracks.length === 2 && saddle.tracks.every(t => t.lastK === 40)`)
		b.wait("the loaded scene drawn", pageDrawn)
		sameTracks(t, "loaded scene", eval[[]track](b, tracksJS), streamed)
		if v := eval[[]float64](b, `saddle.state.view`); fmt.Sprint(v) != fmt.Sprint(wantView) {
			t.Errorf("view %v, saved %v", v, wantView)
		}
		if ov := eval[[]string](b, `saddle.state.overlays`); fmt.Sprint(ov) != "[clip_arrows velocity]" {
			t.Errorf("overlays %v after loading, saved [clip_arrows velocity]", ov)
		}
		if st := eval[string](b, `document.getElementById('export-status').textContent`); !strings.Contains(st, "loaded") {
			t.Errorf("status %q", st)
		}
		if k := eval[string](b, `document.querySelector('[data-testid=step-count]').textContent`); k != "40" {
			t.Errorf("counter %q, want 40", k)
		}
		b.screenshot("34-scene-loaded")
		// A bad file says why and leaves the page as it was.
		bad := b.save("35-bad-scene.json", []byte(`{"saddle": "scene", "version": 1, "objective": {"id": "rosenbrock"}, "start": [0, 0], "runs": [{"optimizer": "nope"}]}`))
		b.do(chromedp.SetUploadFiles(chromedp.CSS(`#load-scene`), []string{bad}))
		b.wait("the error", `document.getElementById('export-status').classList.contains('bad')`)
		if st := eval[string](b, `document.getElementById('export-status').textContent`); !strings.Contains(st, "runs[0].optimizer") {
			t.Errorf("status %q does not name the field", st)
		}
		if k := eval[int](b, `saddle.currentK()`); k != 40 {
			t.Errorf("a bad file moved the page to step %d", k)
		}
	})

	t.Run("the menu's buttons save files without errors", func(t *testing.T) {
		b := b.on(t)
		for _, what := range []string{"png", "svg", "csv", "json", "scene"} {
			b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('export-status').textContent = ''`))
			b.do(chromedp.Click(chromedp.CSS(`[data-testid=export-` + what + `]`)))
			b.wait(what+" saved", `document.getElementById('export-status').textContent.startsWith('saved saddle-rosenbrock-k40')`)
		}
		b.screenshot("36-export-menu")
	})

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func rgbAt(img image.Image, x, y int) [3]uint8 {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

func parseRGB(t *testing.T, css string) [3]uint8 {
	var r, g, b int
	if _, err := fmt.Sscanf(css, "rgb(%d, %d, %d)", &r, &g, &b); err != nil {
		t.Fatalf("colour %q: %v", css, err)
	}
	return [3]uint8{uint8(r), uint8(g), uint8(b)}
}

func dist(a, b [3]uint8) float64 {
	d := 0.0
	for i := range a {
		d += math.Abs(float64(a[i]) - float64(b[i]))
	}
	return d
}

func TestExportSideBySide(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	b := newBrowser(t, 1500, 1000)
	b.open("?scene=cliffs")
	b.do(chromedp.Evaluate[chromedp.Void](`saddle.stepBy(30)`))
	b.wait("step 30", `saddle.currentK() >= 30 || saddle.status.filter(Boolean).every(s => s.status !== 'running' && s.status !== 'paused')`)
	b.wait("step 30 drawn", pageDrawn)
	size := eval[[]int](b, `[saddle.panels.reduce((a, p) => a + p.w, 0), Math.max(...saddle.panels.map(p => p.h)), saddle.panels.length]`)
	if size[2] != 2 {
		t.Fatalf("%d panels, want 2", size[2])
	}
	b.useExporter()
	raw, err := base64.StdEncoding.DecodeString(evalAsync[string](b, `saddle.exporter.png()`+blobBase64))
	if err != nil {
		t.Fatal(err)
	}
	b.save("37-export-side.png", raw)
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width != 2*size[0] || cfg.Height != 2*size[1] {
		t.Errorf("PNG %dx%d (%v), want 2 × %dx%d: both panels side by side", cfg.Width, cfg.Height, err, size[0], size[1])
	}
	svg := eval[string](b, `saddle.exporter.svg()`)
	b.save("37-export-side.svg", []byte(svg))
	if n := strings.Count(svg, `<image class="heat"`); n != 2 {
		t.Errorf("%d heat maps in the SVG, want one per panel", n)
	}
	// Each panel draws only its own run.
	for _, run := range []string{`data-run="0"`, `data-run="1"`} {
		if n := strings.Count(svg, run); n != 1 {
			t.Errorf("%s appears %d times, want once (one panel each)", run, n)
		}
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
