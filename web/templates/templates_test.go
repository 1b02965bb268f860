package templates

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixture is a small, fixed catalogue so the golden page does not change
// every time an objective or optimizer is added.
func fixture() PageData {
	return PageData{
		Base: "/saddle",
		Objectives: []landscape.Info{
			{ID: "quadratic", Name: "Quadratic valley", Dim: 2, Params: []landscape.Param{{Name: "a", Default: 1, Min: -100, Max: 1000}},
				Domain: landscape.Domain{X: [2]float64{-3, 3}, Y: [2]float64{-3, 3}}, Minima: [][]float64{{0, 0}}, Start: []float64{-2.5, 1.5}},
			{ID: "rosenbrock", Name: "Rosenbrock <3", Dim: 2},
		},
		Optimizers: []optim.Info{{ID: "gd", Name: "Gradient descent", Hyper: []optim.HyperSpec{{Name: "lr", Symbol: "ε", Default: 0.01, Min: 1e-8, Max: 100, Log: true}}}},
		Scenes:     Scenes(),
	}
}

func render(t *testing.T, d PageData) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := Explorer(d).Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return buf.String(), doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// byTestID returns the elements with data-testid=id.
func byTestID(doc *html.Node, id string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if v, ok := attr(n, "data-testid"); ok && v == id {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestExplorerHasEveryControl(t *testing.T) {
	_, doc := render(t, fixture())
	for _, id := range []string{"header", "scene-picker", "explorer", "controls", "play", "step", "reset", "speed",
		"step-count", "clip-count", "objective-picker", "params", "expr", "expr-error", "run-list", "add-run",
		"stage", "panels", "legend", "divergence", "geometry", "zoom-in", "zoom-out", "zoom-fit", "pan-mode",
		"mode-side", "mode-phi", "show-eigen", "side", "plot-loss", "plot-grad", "plot-gthg", "log-loss", "readout"} {
		if got := len(byTestID(doc, id)); got != 1 {
			t.Errorf("data-testid=%q: %d elements, want 1", id, got)
		}
	}
}

func TestScenePickerListsTheThreeScenes(t *testing.T) {
	_, doc := render(t, fixture())
	pick := byTestID(doc, "scene-picker")[0]
	var titles []string
	for c := pick.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "option" {
			if v, _ := attr(c, "value"); v != "" {
				titles = append(titles, text(c))
			}
		}
	}
	want := []string{"Ill-conditioning and curvature", "Cliffs and clipping", "Newton vs gradient descent"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("scenes %q, want %q", titles, want)
	}
}

func TestObjectivePickerEscapesNamesAndOffersExpressions(t *testing.T) {
	page, doc := render(t, fixture())
	pick := byTestID(doc, "objective-picker")[0]
	var names []string
	for c := pick.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			names = append(names, text(c))
		}
	}
	if len(names) != 3 || names[1] != "Rosenbrock <3" || !strings.HasPrefix(names[2], "f(x, y)") {
		t.Errorf("objective options %q", names)
	}
	if strings.Contains(page, "Rosenbrock <3<") {
		t.Error("an objective's name reached the page unescaped")
	}
}

func TestDataReachesScriptsAsJSONNotCode(t *testing.T) {
	d := fixture()
	d.Objectives[1].Name = `</script><script>alert(1)</script>`
	page, doc := render(t, d)
	var scripts []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" {
			scripts = append(scripts, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(scripts) != 2 {
		t.Fatalf("%d scripts, want the JSON data and the module", len(scripts))
	}
	if id, _ := attr(scripts[0], "id"); id != "saddle-data" {
		t.Errorf("first script id %q", id)
	}
	if typ, _ := attr(scripts[0], "type"); typ != "application/json" {
		t.Errorf("data script type %q, want application/json", typ)
	}
	if src, _ := attr(scripts[1], "src"); src != "/saddle/static/app.mjs" {
		t.Errorf("module src %q does not follow the base path", src)
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Error("a name broke out of the JSON script")
	}
}

func TestPageShellGolden(t *testing.T) {
	page, _ := render(t, fixture())
	path := filepath.Join("testdata", "explorer.golden.html")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web/templates -update)", err)
	}
	if page != string(want) {
		t.Errorf("the page shell changed; review the diff and run go test ./web/templates -update\ngot:\n%s", page)
	}
}
