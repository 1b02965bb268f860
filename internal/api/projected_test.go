package api

import (
	"bytes"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// mlpParams counts an MLP's parameters from its layer widths.
func mlpParams(sizes ...int) int {
	n := 0
	for i := 0; i+1 < len(sizes); i++ {
		n += sizes[i]*sizes[i+1] + sizes[i+1]
	}
	return n
}

func TestObjectivesListProjectedWithTrueDim(t *testing.T) {
	rec := do(t, testHandler(t), http.MethodGet, "/api/objectives", "")
	var got []struct {
		ID        string           `json:"id"`
		Dim       int              `json:"dim"`
		Domain    landscape.Domain `json:"domain"`
		Projected bool             `json:"projected"`
		Params    []landscape.Param
		Choices   []landscape.Choice `json:"choices"`
	}
	decodeBody(t, rec, &got)
	want := map[string]int{"mlp": mlpParams(2, 32, 32, 2), "deep_linear": mlpParams(2, 8, 8, 8, 3), "hd_quadratic": 1000, "rosenbrock": 2}
	for _, o := range got {
		d, ok := want[o.ID]
		if !ok {
			continue
		}
		delete(want, o.ID)
		if o.Dim != d {
			t.Errorf("%s: dim %d, want %d", o.ID, o.Dim, d)
		}
		if o.Projected != (d > 2) {
			t.Errorf("%s: projected %v", o.ID, o.Projected)
		}
		if o.ID == "mlp" {
			if o.Domain.X != [2]float64{-1, 1} || len(o.Choices) == 0 || len(o.Params) == 0 {
				t.Errorf("mlp: domain %+v, %d choices, %d params", o.Domain, len(o.Choices), len(o.Params))
			}
		}
	}
	for id := range want {
		t.Errorf("%s is not listed", id)
	}
}

const mlpRun = `{"objective": {"id": "mlp", "params": {"width": 8, "points": 100}, "options": {"data": "moons"}},
	"seed": 5, "steps": 50, "runs": [{"optimizer": "adam", "hyper": {"lr": 0.02}}]}`

func TestRunOnANetwork(t *testing.T) {
	h := testHandler(t)
	rec := do(t, h, http.MethodPost, "/api/run", mlpRun)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Runs []scene.RunResult `json:"runs"`
	}
	decodeBody(t, rec, &got)
	pts := got.Runs[0].Points
	if len(pts) != 51 {
		t.Fatalf("%d points, want 51", len(pts))
	}
	for _, p := range pts {
		if len(p.XY) != 2 || p.Grad != nil || p.Update != nil {
			t.Fatalf("point %d: xy of %d coordinates, grad of %d: a projected point carries (a, b) only", p.K, len(p.XY), len(p.Grad))
		}
	}
	if first, last := pts[0].Loss, pts[50].Loss; !(last < 0.8*first) {
		t.Errorf("Adam: loss %g → %g in 50 steps, want it well down", first, last)
	}
	if pts[0].XY[0] != 0 || pts[0].XY[1] != 0 {
		t.Errorf("the initialisation is drawn at %v, want the plane's origin", pts[0].XY)
	}
	if f := got.Runs[0].InPlane; f == nil || *f < 0 || *f > 1 {
		t.Errorf("in_plane = %v", f)
	}
	if again := do(t, h, http.MethodPost, "/api/run", mlpRun); !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) {
		t.Error("the same request gave a different answer")
	}
}

func TestRunOnANetworkFromAPointOnThePlane(t *testing.T) {
	body := `{"objective": {"id": "mlp", "params": {"width": 8, "points": 100}}, "plane": {"kind": "random", "seed": 2},
		"start": [0.5, -0.5], "seed": 5, "steps": 3, "runs": [{"optimizer": "lbfgs"}, {"optimizer": "sgd", "hyper": {"lr": 0.1, "batch": 10}}]}`
	rec := do(t, testHandler(t), http.MethodPost, "/api/run", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Runs []scene.RunResult `json:"runs"`
	}
	decodeBody(t, rec, &got)
	for _, r := range got.Runs {
		if xy := r.Points[0].XY; math.Abs(xy[0]-0.5) > 1e-9 || math.Abs(xy[1]+0.5) > 1e-9 {
			t.Errorf("%s starts at %v, want [0.5, -0.5]", r.Optimizer, xy)
		}
	}
}

func TestProjectedBadRequests(t *testing.T) {
	tests := []struct {
		name, path, body string
		field, says      string
	}{
		{"bad plane kind", "/api/run", `{"objective": {"id": "mlp"}, "plane": {"kind": "tsne"}, "runs": [{"optimizer": "gd"}]}`, "plane.kind", "random"},
		{"bad plane kind as a string", "/api/landscape", `{"objective": {"id": "mlp"}, "plane": "tsne"}`, "plane.kind", "random"},
		{"unknown plane field", "/api/landscape", `{"objective": {"id": "mlp"}, "plane": {"kind": "pca", "origin": 3}}`, "plane.origin", "unknown"},
		{"a step on the PCA plane", "/api/landscape", `{"objective": {"id": "mlp"}, "plane": {"kind": "pca", "k": 3}}`, "plane.k", "three_points"},
		{"a run's point without runs", "/api/landscape", `{"objective": {"id": "mlp"}, "plane": {"kind": "three_points", "run": 0, "k": 3}}`, "plane.run", "takes no runs"},
		{"a three-point plane through a missing run", "/api/run", `{"objective": {"id": "mlp"}, "plane": {"kind": "three_points", "run": 1, "k": 3}, "runs": [{"optimizer": "gd"}]}`, "plane.run", "no run 1"},
		{"newton on a big model", "/api/run", `{"objective": {"id": "mlp"}, "runs": [{"optimizer": "newton"}]}`, "runs[0].optimizer", "300"},
		{"bfgs on a very big quadratic", "/api/run", `{"objective": {"id": "hd_quadratic", "params": {"n": 4000}}, "runs": [{"optimizer": "bfgs"}]}`, "runs[0].optimizer", "2000"},
		{"natural gradient without a Fisher", "/api/run", `{"objective": {"id": "mlp", "params": {"width": 4, "depth": 1}}, "runs": [{"optimizer": "natural_gradient"}]}`, "runs[0].optimizer", "Fisher"},
		{"full-dimensional start", "/api/run", `{"objective": {"id": "hd_quadratic", "params": {"n": 3}}, "start": [1, 2, 3], "runs": [{"optimizer": "gd"}]}`, "start", "[a, b]"},
		{"plane on a 2-D objective", "/api/landscape", `{"objective": {"id": "rosenbrock"}, "plane": "random"}`, "plane", "own axes"},
		{"grid over the cap", "/api/landscape", `{"objective": {"id": "mlp"}, "nx": 256}`, "nx", "101"},
		{"unknown option", "/api/landscape", `{"objective": {"id": "mlp", "options": {"data": "mnist"}}}`, "objective.options.data", "spirals"},
		{"hessian of a network", "/api/hessian", `{"objective": {"id": "mlp"}, "at": [0, 0]}`, "objective", "parameters"},
	}
	h := testHandler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, http.MethodPost, tt.path, tt.body)
			var e errorBody
			decodeBody(t, rec, &e)
			if rec.Code != http.StatusBadRequest || e.Field != tt.field || !strings.Contains(e.Error, tt.says) {
				t.Errorf("%d %q on %q; want 400 on %q saying %q", rec.Code, e.Error, e.Field, tt.field, tt.says)
			}
		})
	}
}

func TestLandscapeOfANetwork(t *testing.T) {
	h := testHandler(t)
	body := `{"objective": {"id": "mlp", "params": {"width": 8, "points": 100}}, "seed": 5, "plane": "random", "nx": 11, "ny": 7}`
	rec := do(t, h, http.MethodPost, "/api/landscape", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		landscape.Grid
		Plane zoo.PlaneInfo `json:"plane"`
	}
	decodeBody(t, rec, &got)
	if len(got.Values) != 77 || got.NX != 11 || got.X != [2]float64{-1, 1} {
		t.Fatalf("%d values over %v, want 11×7 over the plane's domain", len(got.Values), got.X)
	}
	for i, v := range got.Values {
		if math.IsNaN(v) || v < got.Min || v > got.Max {
			t.Fatalf("value %d = %g outside [%g, %g]", i, v, got.Min, got.Max)
		}
	}
	if got.Plane.Kind != "random" || got.Plane.Dim != len(got.Plane.Origin) || len(got.Plane.Axes) != 2 || len(got.Plane.Axes[0]) != got.Plane.Dim {
		t.Fatalf("plane %+v: want the random plane with its origin and axes", got.Plane.Kind)
	}
	// The centre is θ₀: the loss /api/run reports at its first point.
	run := do(t, h, http.MethodPost, "/api/run", `{"objective": {"id": "mlp", "params": {"width": 8, "points": 100}}, "seed": 5, "steps": 0, "runs": [{"optimizer": "gd"}]}`)
	var r struct {
		Runs []scene.RunResult `json:"runs"`
	}
	decodeBody(t, run, &r)
	// An MLP's landscape is drawn with nn.MLP.PlaneValue: the loss to
	// ~1e-15 relative, not to the bit.
	if c, want := got.Values[3*11+5], r.Runs[0].Points[0].Loss; math.Abs(c-want) > 1e-13*math.Abs(want) {
		t.Errorf("centre of the landscape %g, loss at the initialisation %g", c, want)
	}
	// Another seed is another initialisation, so another plane.
	other := do(t, h, http.MethodPost, "/api/landscape", strings.Replace(body, `"seed": 5`, `"seed": 6`, 1))
	if bytes.Equal(other.Body.Bytes(), rec.Body.Bytes()) {
		t.Error("seeds 5 and 6 gave the same landscape")
	}
}

func TestLandscapeOfTheHessianPlane(t *testing.T) {
	body := `{"objective": {"id": "hd_quadratic", "params": {"n": 200, "cond": 10}}, "plane": {"kind": "hessian"}, "nx": 5, "ny": 5}`
	rec := do(t, testHandler(t), http.MethodPost, "/api/landscape", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Plane zoo.PlaneInfo `json:"plane"`
	}
	decodeBody(t, rec, &got)
	if ev := got.Plane.Eigenvalues; len(ev) != 2 || math.Abs(ev[0]-1) > 1e-6 {
		t.Errorf("top eigenvalues %v, want λ₁ = lambda_max = 1 first", ev)
	}
}

// TestGETLandscapeOfANetworkNamesItsPlane: the GET form's ETag tells planes
// and seeds apart, and its answer is the POST's.
func TestGETLandscapeOfANetworkNamesItsPlane(t *testing.T) {
	h := testHandler(t)
	base := `{"objective": {"id": "mlp", "params": {"width": 4, "points": 50}}, "nx": 5, "ny": 5`
	etags := map[string]string{}
	for _, extra := range []string{``, `, "plane": "random"`, `, "seed": 1`, `, "plane": {"kind": "hessian"}`} {
		body := base + extra + `}`
		rec := get(t, h, sceneURL("/api/landscape", body), "")
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", body, rec.Code, rec.Body)
		}
		if post := do(t, h, http.MethodPost, "/api/landscape", body); !bytes.Equal(post.Body.Bytes(), rec.Body.Bytes()) {
			t.Errorf("%s: GET and POST answers differ", body)
		}
		etags[extra] = rec.Header().Get("ETag")
	}
	if etags[``] != etags[`, "plane": "random"`] {
		t.Error("the default plane and \"random\" got different ETags")
	}
	if etags[``] == etags[`, "seed": 1`] || etags[``] == etags[`, "plane": {"kind": "hessian"}`] {
		t.Errorf("another seed or plane shares the ETag: %v", etags)
	}
}
