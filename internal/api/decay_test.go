package api

import (
	"bytes"
	"math"
	"testing"

	"github.com/saddle-viz/saddle/internal/maps"
)

const decayBody = `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25, "angle": 30}}, "start": [-2.45, -1.3],
	"run": {"optimizer": "gd", "hyper": {"lr": 0.078}}, "steps": 80}`

// /api/decay on the ill-conditioning lesson's valley: gd's two components
// with their rates |1 − ελ|; the GET form answers the same bytes.
func TestDecayRoute(t *testing.T) {
	h := testHandler(t)
	rec := do(t, h, "POST", "/api/decay", decayBody)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var d maps.Decay
	decodeBody(t, rec, &d)
	if d.Mode != maps.DecayQuadratic || d.Steps != 80 || len(d.K) != 81 || len(d.Dirs) != 2 {
		t.Fatalf("mode %s steps %d points %d directions %d", d.Mode, d.Steps, len(d.K), len(d.Dirs))
	}
	for i, l := range []float64{1, 25} {
		if got, want := d.Dirs[i].Rate, math.Abs(1-0.078*l); math.Abs(got-want) > 1e-12 || len(d.Dirs[i].Line) != 81 {
			t.Errorf("direction %d: rate %v, want %v; %d line points", i, got, want, len(d.Dirs[i].Line))
		}
	}
	g := get(t, h, sceneURL("/api/decay", decayBody), "")
	if g.Code != 200 || !bytes.Equal(g.Body.Bytes(), rec.Body.Bytes()) || g.Header().Get("ETag") == "" {
		t.Fatalf("GET: %d, same bytes %v", g.Code, bytes.Equal(g.Body.Bytes(), rec.Body.Bytes()))
	}
}

func TestDecayRouteBadInput(t *testing.T) {
	h := testHandler(t)
	for _, c := range []struct{ name, body, field string }{
		{"projected", `{"objective": {"id": "mlp"}, "run": {"optimizer": "gd"}}`, "objective"},
		{"unknown optimizer", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gdd"}}`, "run.optimizer"},
		{"bad rate", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd", "hyper": {"lr": -1}}}`, "run.hyper.lr"},
		{"steps", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "steps": 10001}`, "steps"},
		{"at past steps", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "steps": 5, "at": 6}`, "at"},
		{"unknown field", `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "every": 3}`, "every"},
		{"no run", `{"objective": {"id": "quadratic"}}`, "run.optimizer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := do(t, h, "POST", "/api/decay", c.body)
			var e struct {
				Field string `json:"field"`
			}
			decodeBody(t, rec, &e)
			if rec.Code != 400 || e.Field != c.field {
				t.Errorf("%d field %q (%s), want 400 on %q", rec.Code, e.Field, rec.Body, c.field)
			}
		})
	}
}
