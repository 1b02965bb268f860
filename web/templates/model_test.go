package templates

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// modelFixture adds a projected network, with a parameter the page has no
// words for, to the small catalogue.
func modelFixture() PageData {
	d := fixture()
	d.Objectives = append(d.Objectives, landscape.Info{
		ID: "mlp", Name: "Neural network (MLP)", Dim: 1234, Projected: true,
		Params: []landscape.Param{
			{Name: "width", Default: 32, Min: 1, Max: 256},
			{Name: "scale", Default: 1, Min: 0.01, Max: 10},
			{Name: "wobble", Default: 0.5, Min: 0, Max: 2},
		},
		Choices: []landscape.Choice{
			{Name: "data", Default: "moons", Values: []string{"spirals", "moons"}},
			{Name: "init", Default: "glorot", Values: []string{"glorot", "orthogonal"}},
		},
	})
	return d
}

// within returns the elements with data-testid=id under n.
func within(n *html.Node, id string) []*html.Node { return byTestID(n, id) }

func TestModelControlsOnlyForProjectedObjectives(t *testing.T) {
	_, doc := renderModel(t, modelFixture())
	box := byTestID(doc, "model-controls")
	if len(box) != 1 {
		t.Fatalf("%d model-controls, want 1", len(box))
	}
	if _, hidden := attr(box[0], "hidden"); !hidden {
		t.Error("the model picker is shown before a projected objective is chosen")
	}
	if n := len(byTestID(doc, "model-form-mlp")); n != 1 {
		t.Errorf("%d forms for mlp, want 1", n)
	}
	for _, id := range []string{"quadratic", "rosenbrock"} {
		if n := len(byTestID(doc, "model-form-"+id)); n != 0 {
			t.Errorf("a 2-D objective %s has a model form", id)
		}
	}
	for _, id := range []string{"plane-picker", "plane-kind", "plane-seed", "model-side", "dataset-box", "plot-dataset", "accuracy",
		"spectrum-start", "spectrum-current", "spectrum-log", "spectrum-k", "interp-go", "fidelity-go", "plot-interp", "plot-fidelity"} {
		if n := len(byTestID(doc, id)); n != 1 {
			t.Errorf("data-testid=%q: %d elements, want 1", id, n)
		}
	}
}

func TestModelControlsCarryRangesUnitsAndDefaults(t *testing.T) {
	_, doc := renderModel(t, modelFixture())
	form := byTestID(doc, "model-form-mlp")[0]
	tests := []struct {
		name, testid                 string
		min, max, step, value, param string
		unit                         string
	}{
		{"a whole number with its unit", "model-width", "1", "256", "1", "32", "width", "units / layer"},
		{"a real number", "model-scale", "0.01", "10", "any", "1", "scale", "× the scheme's"},
		{"a parameter the page has no words for", "model-wobble", "0", "2", "any", "0.5", "wobble", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			els := within(form, tc.testid)
			if len(els) != 1 {
				t.Fatalf("%d %s, want 1", len(els), tc.testid)
			}
			in := els[0]
			for k, want := range map[string]string{"min": tc.min, "max": tc.max, "step": tc.step, "value": tc.value, "data-param": tc.param, "type": "number"} {
				if got, _ := attr(in, k); got != want {
					t.Errorf("%s=%q, want %q", k, got, want)
				}
			}
			label := text(in.Parent)
			if tc.unit != "" && !strings.Contains(label, tc.unit) {
				t.Errorf("label %q lacks the unit %q", label, tc.unit)
			}
		})
	}
}

func TestModelChoicesInWordsWithTheDefaultSelected(t *testing.T) {
	_, doc := renderModel(t, modelFixture())
	form := byTestID(doc, "model-form-mlp")[0]
	sel := within(form, "model-data")
	if len(sel) != 1 {
		t.Fatalf("%d data pickers, want 1", len(sel))
	}
	var words, selected []string
	for c := sel[0].FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		words = append(words, text(c))
		if _, ok := attr(c, "selected"); ok {
			v, _ := attr(c, "value")
			selected = append(selected, v)
		}
	}
	if strings.Join(words, "|") != "two spirals|two moons" {
		t.Errorf("data sets shown as %q", words)
	}
	if len(selected) != 1 || selected[0] != "moons" {
		t.Errorf("selected %q, want the default moons", selected)
	}
	// The initialisation group holds the scheme, the scale and the seed of θ₀.
	var groups []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "h3" {
			groups = append(groups, text(n))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	if strings.Join(groups, "|") != "Architecture|Data|Initialisation|Other" {
		t.Errorf("groups %q", groups)
	}
	if n := len(within(form, "model-seed")); n != 1 {
		t.Errorf("%d seed inputs in the form, want 1", n)
	}
}

// renderModel renders the explorer with the model controls where the page
// puts them once fetched.
func renderModel(t *testing.T, d PageData) (string, *html.Node) {
	t.Helper()
	page, _ := render(t, d)
	var buf bytes.Buffer
	full := page
	for _, part := range []struct {
		id string
		c  templ.Component
	}{{"model-controls", ModelControls(d)}, {"model-side", ModelSide()}} {
		buf.Reset()
		if err := part.c.Render(context.Background(), &buf); err != nil {
			t.Fatalf("render: %v", err)
		}
		slot := `<div id="` + part.id + `-slot" hidden></div>`
		if !strings.Contains(full, slot) {
			t.Fatalf("the explorer has no slot %s", slot)
		}
		full = strings.Replace(full, slot, buf.String(), 1)
	}
	doc, err := html.Parse(strings.NewReader(full))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return full, doc
}

// The explorer itself does not carry the projected objectives' forms.
func TestExplorerLeavesTheModelFormsOut(t *testing.T) {
	_, doc := render(t, modelFixture())
	if n := len(byTestID(doc, "model-form-mlp")); n != 0 {
		t.Errorf("the explorer carries %d model forms; they come with model.mjs", n)
	}
}
