package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/saddle-viz/saddle/internal/landscape/expr"
)

// testHandler is the real router, as the server wires it; every exchange
// through it is checked against openapi.json (openapi_test.go).
func testHandler(t testing.TB) http.Handler {
	t.Helper()
	return openapiChecked(t, NewHandler(Options{}))
}

// do sends one request through h. A body sent with POST gets a JSON content type.
func do(t testing.TB, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decodeBody decodes a JSON answer into v, failing on a wrong content type.
func decodeBody(t testing.TB, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json (body %s)", ct, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, rec.Body)
	}
}

func TestHealthz(t *testing.T) {
	h := testHandler(t)
	rec := do(t, h, "GET", "/healthz", "")
	if rec.Code != 200 || rec.Body.String() != "ok" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\"", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	if rec := do(t, h, "HEAD", "/healthz", ""); rec.Code != 200 {
		t.Errorf("HEAD /healthz = %d, want 200", rec.Code)
	}
}

type objectiveJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Dim    int    `json:"dim"`
	Params []struct {
		Name              string  `json:"name"`
		Default, Min, Max float64 `json:"-"`
	} `json:"params"`
	Domain struct{ X, Y []float64 } `json:"domain"`
	Minima [][]float64              `json:"minima"`
}

func TestObjectives(t *testing.T) {
	rec := do(t, testHandler(t), "GET", "/api/objectives", "")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	// Lists must be lists, never null, for every entry.
	var raw []map[string]json.RawMessage
	decodeBody(t, rec, &raw)
	for _, o := range raw {
		for _, key := range []string{"id", "name", "dim", "params", "domain", "minima"} {
			v, ok := o[key]
			if !ok {
				t.Errorf("objective %s lacks %q", o["id"], key)
			}
			if string(v) == "null" {
				t.Errorf("objective %s: %q is null, want a list", o["id"], key)
			}
		}
	}
	var objs []objectiveJSON
	decodeBody(t, rec, &objs)
	byID := map[string]objectiveJSON{}
	for _, o := range objs {
		byID[o.ID] = o
		if len(o.Domain.X) != 2 || len(o.Domain.Y) != 2 || o.Domain.X[0] >= o.Domain.X[1] || o.Domain.Y[0] >= o.Domain.Y[1] {
			t.Errorf("%s: domain %v × %v is not two ordered ranges", o.ID, o.Domain.X, o.Domain.Y)
		}
	}
	// The ids API.md promises.
	for _, id := range []string{"quadratic", "rosenbrock", "himmelblau", "beale", "saddle"} {
		if _, ok := byID[id]; !ok {
			t.Errorf("GET /api/objectives lacks %q", id)
		}
	}
	q := byID["quadratic"]
	if len(q.Minima) != 1 || q.Minima[0][0] != 0 || q.Minima[0][1] != 0 {
		t.Errorf("quadratic minima = %v, want [[0 0]]", q.Minima)
	}
	if r := byID["rosenbrock"]; len(r.Minima) != 1 || r.Minima[0][0] != 1 || r.Minima[0][1] != 1 {
		t.Errorf("rosenbrock minima = %v, want [[1 1]]", r.Minima)
	}
	if q.Dim != 2 || len(q.Params) == 0 {
		t.Errorf("quadratic: dim %d with %d params, want 2-D with parameters", q.Dim, len(q.Params))
	}
}

func TestOptimizers(t *testing.T) {
	rec := do(t, testHandler(t), "GET", "/api/optimizers", "")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var raw []map[string]json.RawMessage
	decodeBody(t, rec, &raw)
	for _, o := range raw {
		if string(o["hyper"]) == "null" || o["hyper"] == nil {
			t.Errorf("optimizer %s: hyper is %s, want a list", o["id"], o["hyper"])
		}
	}
	var opts []struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Hyper []struct {
			Name, Symbol      string
			Default, Min, Max float64
		} `json:"hyper"`
	}
	decodeBody(t, rec, &opts)
	if len(opts) == 0 || opts[0].ID != "gd" {
		t.Fatalf("first optimizer = %+v, want gd first (the chapter's order)", opts)
	}
	have := map[string]bool{}
	for _, o := range opts {
		have[o.ID] = true
	}
	// The ids API.md promises.
	for _, id := range []string{"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop_nesterov", "adam",
		"adadelta", "newton", "saddle_free_newton", "cg", "bfgs", "lbfgs", "coordinate", "natural_gradient",
		"adamw", "nadam", "radam", "lion", "sam", "muon", "shampoo"} {
		if !have[id] {
			t.Errorf("GET /api/optimizers lacks %q", id)
		}
	}
	gd := opts[0]
	if len(gd.Hyper) != 1 || gd.Hyper[0].Name != "lr" || gd.Hyper[0].Symbol != "ε" ||
		!(gd.Hyper[0].Min < gd.Hyper[0].Default && gd.Hyper[0].Default < gd.Hyper[0].Max) {
		t.Errorf("gd hyper = %+v, want lr (ε) with min < default < max", gd.Hyper)
	}
}

// point and runAnswer mirror the wire shape of /api/run (API.md).
type point struct {
	K        int       `json:"k"`
	XY       []float64 `json:"xy"`
	Loss     float64   `json:"loss"`
	Grad     []float64 `json:"grad"`
	GradNorm float64   `json:"grad_norm"`
	Clipped  *bool     `json:"clipped"`
}

type runAnswer struct {
	Runs []struct {
		Optimizer string  `json:"optimizer"`
		Status    string  `json:"status"`
		Points    []point `json:"points"`
	} `json:"runs"`
}

func rosenbrock(x, y float64) float64 { return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x) }

func TestRunGradientDescent(t *testing.T) {
	const lr = 0.001
	body := `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 50, "seed": 7,
		"runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}]}`
	rec := do(t, testHandler(t), "POST", "/api/run", body)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var ans runAnswer
	decodeBody(t, rec, &ans)
	if len(ans.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(ans.Runs))
	}
	run := ans.Runs[0]
	if run.Optimizer != "gd" || run.Status != "max_steps" || len(run.Points) != 51 {
		t.Fatalf("run = %s %s with %d points, want gd max_steps with 51 (start + 50 steps)", run.Optimizer, run.Status, len(run.Points))
	}
	if p := run.Points[0]; p.XY[0] != -1.2 || p.XY[1] != 1 {
		t.Errorf("points[0].xy = %v, want the start [-1.2 1]", p.XY)
	}
	for k, p := range run.Points {
		if p.K != k || p.Clipped == nil || len(p.Grad) != 2 {
			t.Fatalf("points[%d] = %+v: want k=%d, clipped present, a 2-D grad", k, p, k)
		}
		if want := rosenbrock(p.XY[0], p.XY[1]); math.Abs(p.Loss-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("points[%d].loss = %v, rosenbrock(%v) = %v", k, p.Loss, p.XY, want)
		}
		if want := math.Hypot(p.Grad[0], p.Grad[1]); math.Abs(p.GradNorm-want) > 1e-12*want {
			t.Errorf("points[%d].grad_norm = %v, |grad| = %v", k, p.GradNorm, want)
		}
		if k == 0 {
			continue
		}
		// Gradient descent: θ_k = θ_{k−1} − lr·g_{k−1}.
		q := run.Points[k-1]
		for i := range 2 {
			if want := q.XY[i] - lr*q.Grad[i]; math.Abs(p.XY[i]-want) > 1e-12 {
				t.Fatalf("points[%d].xy[%d] = %v, want %v (one gd step from points[%d])", k, i, p.XY[i], want, k-1)
			}
		}
	}
	if last := run.Points[50]; last.Loss >= run.Points[0].Loss {
		t.Errorf("loss went from %v to %v in 50 gd steps; it should fall", run.Points[0].Loss, last.Loss)
	}
}

func TestRunDefaults(t *testing.T) {
	// No start: the objective's suggested one; no steps: DefaultSteps.
	rec := do(t, testHandler(t), "POST", "/api/run", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}]}`)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var ans runAnswer
	decodeBody(t, rec, &ans)
	pts := ans.Runs[0].Points
	if len(pts) != DefaultSteps+1 {
		t.Errorf("%d points, want %d (the default steps + the start)", len(pts), DefaultSteps+1)
	}
	if len(pts[0].XY) != 2 {
		t.Fatalf("start %v is not 2-D", pts[0].XY)
	}
	// steps 0 answers the start alone.
	rec = do(t, testHandler(t), "POST", "/api/run", `{"objective": {"id": "quadratic"}, "steps": 0, "start": [1, 2], "runs": [{"optimizer": "gd"}]}`)
	decodeBody(t, rec, &ans)
	if pts := ans.Runs[0].Points; len(pts) != 1 || pts[0].XY[0] != 1 || pts[0].XY[1] != 2 {
		t.Errorf("steps 0: points %+v, want only the start [1 2]", pts)
	}
}

func TestRunNewtonOnQuadratic(t *testing.T) {
	// Newton's method minimises a quadratic in one step (8.5.1).
	body := `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25, "angle": 30}}, "start": [-2.5, 1.5], "steps": 10,
		"runs": [{"optimizer": "newton"}]}`
	rec := do(t, testHandler(t), "POST", "/api/run", body)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var ans runAnswer
	decodeBody(t, rec, &ans)
	run := ans.Runs[0]
	if run.Status != "converged" || len(run.Points) != 2 {
		t.Fatalf("newton: %s after %d points, want converged after 1 step (2 points)", run.Status, len(run.Points))
	}
	if p := run.Points[1]; math.Hypot(p.XY[0], p.XY[1]) > 1e-12 {
		t.Errorf("newton's first step lands at %v, want the minimum [0 0]", p.XY)
	}
}

func TestRunDeterministic(t *testing.T) {
	body := `{"objective": {"id": "rosenbrock"}, "steps": 200, "seed": 3,
		"runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}, "clip": {"norm": 1}}, {"optimizer": "sgd"}]}`
	h := testHandler(t)
	a, b := do(t, h, "POST", "/api/run", body), do(t, h, "POST", "/api/run", body)
	if a.Code != 200 {
		t.Fatalf("status %d: %s", a.Code, a.Body)
	}
	if !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
		t.Error("the same request answered twice differs")
	}
}

// errAnswer is every error body.
type errAnswer struct {
	Error  string `json:"error"`
	Field  string `json:"field"`
	Offset *int   `json:"offset"`
}

func TestBadRequests(t *testing.T) {
	const scene = `"objective": {"id": "rosenbrock"}, "start": [-1.2, 1]`
	run := func(rest string) string { return `{` + scene + `, ` + rest + `}` }
	huge := `{"objective": {"expr": "` + strings.Repeat("x+", MaxBodyBytes/2) + `x"}, "runs": [{"optimizer": "gd"}]}`
	badExpr := "x^2 + * y"
	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		contentType string // "" means application/json for a body
		status      int
		field       string
		msg         string // a part of the message, if it matters
	}{
		{name: "unknown top-level field", path: "/api/run", body: run(`"runs": [{"optimizer": "gd"}], "stepz": 3`), status: 400, field: "stepz", msg: "unknown field"},
		{name: "unknown nested field", path: "/api/run", body: run(`"runs": [{"optimizer": "gd", "hyperr": {"lr": 1}}]`), status: 400, field: "runs[0].hyperr"},
		{name: "unknown objective field", path: "/api/run", body: `{"objective": {"id": "rosenbrock", "parms": {}}, "runs": [{"optimizer": "gd"}]}`, status: 400, field: "objective.parms"},
		{name: "body over 1 MiB", path: "/api/run", body: huge, status: 413},
		{name: "steps over the cap", path: "/api/run", body: run(`"steps": 100001, "runs": [{"optimizer": "gd"}]`), status: 400, field: "steps", msg: "100000"},
		{name: "negative steps", path: "/api/run", body: run(`"steps": -1, "runs": [{"optimizer": "gd"}]`), status: 400, field: "steps"},
		{name: "steps not a number", path: "/api/run", body: run(`"steps": "ten", "runs": [{"optimizer": "gd"}]`), status: 400, field: "steps", msg: "whole number"},
		{name: "fractional steps", path: "/api/run", body: run(`"steps": 2.5, "runs": [{"optimizer": "gd"}]`), status: 400, field: "steps"},
		{name: "too much work in total", path: "/api/run", body: run(`"steps": 100000, "runs": [{"optimizer": "gd"}, {"optimizer": "gd"}, {"optimizer": "gd"}]`), status: 400, field: "steps", msg: "at most"},
		{name: "unknown objective", path: "/api/run", body: `{"objective": {"id": "rosenbruck"}, "runs": [{"optimizer": "gd"}]}`, status: 400, field: "objective.id", msg: "rosenbruck"},
		{name: "bad expression", path: "/api/run", body: `{"objective": {"expr": "` + badExpr + `"}, "runs": [{"optimizer": "gd"}]}`, status: 400, field: "objective.expr"},
		{name: "parameter out of range", path: "/api/run", body: `{"objective": {"id": "quadratic", "params": {"a": 1e9}}, "runs": [{"optimizer": "gd"}]}`, status: 400, field: "objective.params.a"},
		{name: "unknown optimizer", path: "/api/run", body: run(`"runs": [{"optimizer": "gd"}, {"optimizer": "adamax"}]`), status: 400, field: "runs[1].optimizer", msg: "adamax"},
		{name: "negative lr", path: "/api/run", body: run(`"runs": [{"optimizer": "gd", "hyper": {"lr": -0.1}}]`), status: 400, field: "runs[0].hyper.lr"},
		{name: "lr not a number", path: "/api/run", body: run(`"runs": [{"optimizer": "gd", "hyper": {"lr": true}}]`), status: 400, field: "runs[0].hyper.lr"},
		{name: "hyper not an object", path: "/api/run", body: run(`"runs": [{"optimizer": "gd", "hyper": [1]}]`), status: 400, field: "runs[0].hyper"},
		{name: "clip by norm and value", path: "/api/run", body: run(`"runs": [{"optimizer": "gd", "clip": {"norm": 1, "value": 1}}]`), status: 400, field: "runs[0].clip"},
		{name: "wrong-dimension start", path: "/api/run", body: `{"objective": {"id": "rosenbrock"}, "start": [1, 2, 3], "runs": [{"optimizer": "gd"}]}`, status: 400, field: "start"},
		{name: "start not numbers", path: "/api/run", body: `{"objective": {"id": "rosenbrock"}, "start": [1, "2"], "runs": [{"optimizer": "gd"}]}`, status: 400, field: "start[1]"},
		{name: "number out of float range", path: "/api/run", body: `{"objective": {"id": "rosenbrock"}, "start": [1e999, 1], "runs": [{"optimizer": "gd"}]}`, status: 400, field: "start[0]"},
		{name: "no runs", path: "/api/run", body: run(`"runs": []`), status: 400, field: "runs"},
		{name: "malformed JSON", path: "/api/run", body: `{"objective": {"id": "rosenbrock"},, "runs": []}`, status: 400, msg: "byte 35"}, // the second comma
		{name: "truncated JSON", path: "/api/run", body: `{"objective": {"id": "rosenbrock"}`, status: 400, msg: "ends"},
		{name: "trailing data", path: "/api/run", body: run(`"runs": [{"optimizer": "gd"}]`) + ` {}`, status: 400, msg: "after the JSON object"},
		{name: "not an object", path: "/api/run", body: `[1, 2]`, status: 400, msg: "must be an object"},
		{name: "empty body", path: "/api/run", body: ` `, status: 400, msg: "empty"},
		{name: "form content type", path: "/api/run", body: run(`"runs": [{"optimizer": "gd"}]`), contentType: "application/x-www-form-urlencoded", status: 415, msg: "application/json"},
		{name: "wrong method on run", method: "PUT", path: "/api/run", status: 405},
		{name: "wrong method on objectives", method: "POST", path: "/api/objectives", body: `{}`, status: 405},
		{name: "unknown endpoint", method: "GET", path: "/api/nope", status: 404},
		{name: "hessian at wrong dimension", path: "/api/hessian", body: `{"objective": {"id": "rosenbrock"}, "at": [1]}`, status: 400, field: "at"},
		{name: "hessian without a point", path: "/api/hessian", body: `{"objective": {"id": "rosenbrock"}}`, status: 400, field: "at"},
		{name: "grid too big", path: "/api/landscape", body: `{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [-1, 3], "nx": 2000, "ny": 10}`, status: 400, field: "nx", msg: "1024"},
		{name: "grid too small", path: "/api/landscape", body: `{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [-1, 3], "nx": 10, "ny": 1}`, status: 400, field: "ny"},
		{name: "x range reversed", path: "/api/landscape", body: `{"objective": {"id": "rosenbrock"}, "x": [2, -2], "y": [-1, 3], "nx": 8, "ny": 8}`, status: 400, field: "x"},
		{name: "y range empty", path: "/api/landscape", body: `{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [1, 1], "nx": 8, "ny": 8}`, status: 400, field: "y"},
		{name: "range of three numbers", path: "/api/landscape", body: `{"objective": {"id": "rosenbrock"}, "x": [-2, 0, 2], "y": [-1, 3], "nx": 8, "ny": 8}`, status: 400, field: "x"},
		{name: "landscape of unknown objective", path: "/api/landscape", body: `{"objective": {"id": "nope"}, "x": [-2, 2], "y": [-1, 3], "nx": 8, "ny": 8}`, status: 400, field: "objective.id"},
	}
	h := testHandler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "POST"
			}
			req := httptest.NewRequest(method, tt.path, strings.NewReader(tt.body))
			if tt.body != "" {
				ct := tt.contentType
				if ct == "" {
					ct = "application/json"
				}
				req.Header.Set("Content-Type", ct)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			var raw map[string]json.RawMessage
			decodeBody(t, rec, &raw)
			if _, ok := raw["field"]; !ok {
				t.Errorf("error body %s lacks \"field\"", rec.Body)
			}
			var e errAnswer
			decodeBody(t, rec, &e)
			if e.Error == "" || e.Field != tt.field {
				t.Errorf("error %q on field %q, want field %q", e.Error, e.Field, tt.field)
			}
			if !strings.Contains(e.Error, tt.msg) {
				t.Errorf("error %q does not mention %q", e.Error, tt.msg)
			}
			if strings.Contains(rec.Body.String(), "goroutine") || strings.Contains(rec.Body.String(), ".go:") {
				t.Errorf("error body leaks a stack: %s", rec.Body)
			}
			if tt.status == 405 && rec.Header().Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			if tt.name == "bad expression" {
				_, err := expr.Parse(badExpr)
				var pe *expr.Error
				if !errors.As(err, &pe) {
					t.Fatalf("expr.Parse(%q) = %v, want an *expr.Error", badExpr, err)
				}
				if e.Offset == nil || *e.Offset != pe.Offset {
					t.Errorf("offset = %v, want the parser's %d", e.Offset, pe.Offset)
				}
			}
		})
	}
}

func TestBasePath(t *testing.T) {
	h := NewHandler(Options{BasePath: "/saddle/"})
	if rec := do(t, h, "GET", "/saddle/api/optimizers", ""); rec.Code != 200 {
		t.Errorf("GET /saddle/api/optimizers = %d, want 200", rec.Code)
	}
	if rec := do(t, h, "GET", "/api/optimizers", ""); rec.Code != 404 {
		t.Errorf("GET /api/optimizers outside the base path = %d, want 404", rec.Code)
	}
	for _, p := range []string{"/saddle/healthz", "/healthz"} {
		if rec := do(t, h, "GET", p, ""); rec.Code != 200 || rec.Body.String() != "ok" {
			t.Errorf("GET %s = %d %q, want 200 ok", p, rec.Code, rec.Body)
		}
	}
	if rec := do(t, h, "GET", "/saddle/", ""); rec.Code != 200 {
		t.Errorf("GET /saddle/ (the explorer) = %d, want 200", rec.Code)
	}
}

func TestNormalizeBasePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "saddle": "/saddle", "/saddle/": "/saddle", "/a/b": "/a/b"} {
		if got, err := NormalizeBasePath(in); err != nil || got != want {
			t.Errorf("NormalizeBasePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"/a?b", "/a//b", "/{id}"} {
		if _, err := NormalizeBasePath(bad); err == nil {
			t.Errorf("NormalizeBasePath(%q) accepted", bad)
		}
	}
}

func TestPanicIsAJSON500(t *testing.T) {
	var logs bytes.Buffer
	log := slogTo(&logs)
	h := logRequests(log)(recoverJSON(log)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	rec := do(t, h, "GET", "/api/x", "")
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	var e errAnswer
	decodeBody(t, rec, &e)
	if strings.Contains(rec.Body.String(), "boom") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("the answer leaks the panic: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("the log lacks the panic or the request line:\n%s", logs.String())
	}
}

func TestRequestLog(t *testing.T) {
	var logs bytes.Buffer
	h := NewHandler(Options{Logger: slogTo(&logs)})
	do(t, h, "GET", "/healthz", "")
	do(t, h, "POST", "/api/run", `{`)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines for 2 requests:\n%s", len(lines), logs.String())
	}
	for i, want := range []string{"path=/healthz status=200", "path=/api/run status=400"} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "request_id=") {
			t.Errorf("log line %q lacks %q and a request id", lines[i], want)
		}
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestComputationOverItsTimeIs503(t *testing.T) {
	h := NewHandler(Options{WriteTimeout: time.Nanosecond})
	rec := do(t, h, "POST", "/api/run", `{"objective": {"id": "rosenbrock"}, "steps": 5000, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.0001}}]}`)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", rec.Code, rec.Body)
	}
	var e errAnswer
	decodeBody(t, rec, &e)
	if !strings.Contains(e.Error, "fewer steps") {
		t.Errorf("error %q does not say what to do", e.Error)
	}
}

func TestWebSocketRoute(t *testing.T) {
	// /ws goes to the stream server, outside the API's deadlines: its
	// context carries no deadline.
	var hasDeadline, called bool
	ws := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		_, hasDeadline = r.Context().Deadline()
		w.WriteHeader(http.StatusTeapot)
	})
	for _, base := range []string{"", "/saddle"} {
		called = false
		h := NewHandler(Options{Stream: ws, BasePath: base})
		rec := do(t, h, "GET", base+"/ws", "")
		if !called || rec.Code != http.StatusTeapot {
			t.Errorf("GET %s/ws did not reach the stream server (status %d)", base, rec.Code)
		}
		if hasDeadline {
			t.Errorf("GET %s/ws runs under a deadline; sessions are long-lived", base)
		}
	}
}
