package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/go-chi/chi/v5"

	"github.com/saddle-viz/saddle/internal/budget"
)

// openapiSpec is openapi.json loaded and validated once, with a router
// over its paths (any host: the document's server is relative).
var openapiSpec = sync.OnceValues(func() (*spec, error) {
	// The figure is HTML: its body is checked as text (the pattern of its start).
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiJSON)
	if err != nil {
		return nil, fmt.Errorf("openapi.json does not load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	routed := *doc
	routed.Servers = nil
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, err
	}
	return &spec{doc: doc, router: router}, nil
})

type spec struct {
	doc    *openapi3.T
	router routers.Router
}

// openapiSeen records, for TestOpenAPIExamples, which documented answers
// the package's tests produced and checked ("POST /api/run 413").
var openapiSeen sync.Map

// openapiChecked wraps h so that every request sent through it under
// /api/ and /healthz is checked against openapi.json: the answer must be
// one the document lists for the operation (status, headers, body), and a
// request the document refuses must not be answered 2xx. An unknown
// /api/ path must be a JSON 404 and a wrong method a JSON 405, which the
// document states in its description.
func openapiChecked(t testing.TB, h http.Handler) http.Handler {
	s, err := openapiSpec()
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if msg := s.check(r, body, rec); msg != "" {
			t.Errorf("openapi.json: %s %s (%d): %s", r.Method, r.URL.Path, rec.Code, msg)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// check returns what is wrong with the exchange, or "".
func (s *spec) check(r *http.Request, body []byte, rec *httptest.ResponseRecorder) string {
	path := r.URL.Path
	if notInOpenAPI(path) {
		return "" // the pages, /ws and /static are not in the document
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet // a GET route answers HEAD, without a body
	}
	req := httptest.NewRequest(method, r.URL.String(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		// Not an operation: the router's own 404 and 405, with the error body.
		want := http.StatusNotFound
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			want = http.StatusMethodNotAllowed
		}
		if rec.Code != want {
			return fmt.Sprintf("not an operation of the document (%v), yet answered %d, want %d", err, rec.Code, want)
		}
		if want == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
			return "405 without Allow"
		}
		if e := s.doc.Components.Schemas["Error"].Value.VisitJSON(decoded(rec.Body.Bytes()), openapi3.EnableJSONSchema2020()); e != nil {
			return "the error body is not an Error: " + e.Error()
		}
		openapiSeen.Store(fmt.Sprintf("%s %s %d", r.Method, "(none)", rec.Code), true)
		return ""
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	if reqErr != nil && rec.Code < 300 {
		return fmt.Sprintf("the server accepted a request the document refuses: %v", reqErr)
	}
	if r.Method == http.MethodHead {
		return ""
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return "the answer does not match the document: " + err.Error()
	}
	openapiSeen.Store(fmt.Sprintf("%s %s %d", r.Method, route.Path, rec.Code), true)
	return ""
}

func decoded(b []byte) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	return v
}

// TestOpenAPIDocument: openapi.json loads as OpenAPI 3.1 and validates,
// and GET /api/openapi.json serves it with its media type and validators,
// under a base path with that path as its server.
func TestOpenAPIDocument(t *testing.T) {
	s, err := openapiSpec()
	if err != nil {
		t.Fatal(err)
	}
	if !s.doc.IsOpenAPI31OrLater() || s.doc.IsOpenAPI32OrLater() {
		t.Errorf("openapi = %q, want 3.1.x", s.doc.OpenAPI)
	}
	for _, base := range []string{"", "/saddle"} {
		h := openapiChecked(t, NewHandler(Options{BasePath: base}))
		rec := do(t, h, "GET", base+"/api/openapi.json", "")
		if rec.Code != 200 || rec.Header().Get("Content-Type") != OpenAPIContentType {
			t.Fatalf("GET %s/api/openapi.json: %d %q", base, rec.Code, rec.Header().Get("Content-Type"))
		}
		served, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		want := base
		if want == "" {
			want = "/"
		}
		if len(served.Servers) != 1 || served.Servers[0].URL != want {
			t.Errorf("base %q: servers %v, want one at %q", base, served.Servers, want)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" || rec.Header().Get("Cache-Control") == "" {
			t.Errorf("no validators: %v", rec.Header())
		}
		req := httptest.NewRequest("GET", base+"/api/openapi.json", nil)
		req.Header.Set("If-None-Match", etag)
		again := httptest.NewRecorder()
		h.ServeHTTP(again, req)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes, want 304 without a body", etag, again.Code, again.Body.Len())
		}
	}
}

// notInOpenAPI are the routes the document does not describe, and why:
// everything outside /api/ but /healthz and /oembed (the pages, the static
// files, the WebSocket session, whose messages docs/API.md lists).
func notInOpenAPI(route string) bool {
	return !strings.HasPrefix(route, "/api/") && route != "/healthz" && route != "/oembed"
}

// TestOpenAPICoversTheRoutes: the operations of openapi.json are the
// routes chi serves under /api/ (and /healthz), no more, no fewer.
func TestOpenAPICoversTheRoutes(t *testing.T) {
	s, err := openapiSpec()
	if err != nil {
		t.Fatal(err)
	}
	r := NewHandler(Options{}).(chi.Routes)
	var code []string
	err = chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		route = strings.ReplaceAll(route, "/*/", "/")
		if method == http.MethodHead || notInOpenAPI(route) {
			return nil
		}
		code = append(code, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc []string
	for path, item := range s.doc.Paths.Map() {
		for method := range item.Operations() {
			doc = append(doc, method+" "+path)
		}
	}
	for _, route := range code {
		if !slices.Contains(doc, route) {
			t.Errorf("%s is served but internal/api/openapi.json does not describe it: add a path object for it "+
				"(one per route: copy a neighbour's, with its request schema, its 200 answer and its error answers), "+
				"and give TestOpenAPIExamples a request for each answer", route)
		}
	}
	for _, op := range doc {
		if !slices.Contains(code, op) {
			t.Errorf("internal/api/openapi.json describes %s, which the router does not serve", op)
		}
	}
}

// TestOpenAPIExamples sends, for every operation of openapi.json, a
// request for each answer the document lists, through openapiChecked:
// each is checked against the document, and every documented answer must
// have been produced once.
func TestOpenAPIExamples(t *testing.T) {
	s, err := openapiSpec()
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(body string) string { return base64.RawURLEncoding.EncodeToString([]byte(body)) }
	const runBody = `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 20, "seed": 7,
		"runs": [{"optimizer": "adam", "hyper": {"lr": 0.05}, "clip": {"norm": 1}, "label": "Adam, clipped"}, {"optimizer": "newton"},
		{"optimizer": "cg", "hyper": {"variant": "fletcher_reeves"}, "schedule": {"kind": "step", "gamma": 0.5, "every": 5}}]}`
	const landBody = `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25, "angle": 0}}, "x": [-2, 2], "y": [-1, 3], "nx": 8, "ny": 4}`
	const netLand = `{"objective": {"id": "mlp", "options": {"data": "moons"}}, "plane": {"kind": "random", "seed": 3}, "nx": 3, "ny": 3}`
	const sharpBody = `{"objective": {"id": "hd_quadratic", "params": {"n": 20}}, "seed": 1, "steps": 10, "every": 5, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.1}}]}`
	const honestBody = `{"objective": {"id": "deep_linear", "params": {"width": 2, "depth": 1, "points": 16}}, "steps": 3, "n": 5, "runs": [{"optimizer": "gd"}]}`
	const spectrumBody = `{"objective": {"id": "hd_quadratic", "params": {"n": 50}}, "seed": 1, "k": 2}`
	const interpBody = `{"objective": {"id": "mlp"}, "steps": 3, "n": 3, "eigs": 1, "runs": [{"optimizer": "gd"}]}`
	const figureBody = `{"lesson": "cliffs", "steps": 30, "view": {"nx": 16, "ny": 16}}`
	const hypermapBody = `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"}, "x": {"name": "lr", "n": 8}, "y": {"name": "momentum", "n": 6}, "steps": 40}`
	const basinsBody = `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "newton"}, "n": 8, "steps": 30}`
	const decayBody = `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25, "angle": 30}}, "run": {"optimizer": "momentum", "hyper": {"lr": 0.03, "momentum": 0.8}}, "steps": 50}`
	// Over the pool's threshold (2·10⁵ steps), and not answered before (maps.Shared).
	const heavyHypermap = `{"objective": {"id": "quadratic"}, "run": {"optimizer": "momentum"}, "x": {"name": "lr", "n": 32}, "y": {"name": "momentum", "n": 32}, "steps": 201}`
	const heavyBasins = `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "gd"}, "n": 32, "steps": 201}`
	huge := `{"objective": {"expr": "` + strings.Repeat("x+", MaxBodyBytes/2) + `x"}, "runs": [{"optimizer": "gd"}]}`

	type ex struct {
		method, path, body, ifNoneMatch string
		contentType                     string
		status                          int
	}
	examples := []ex{
		{method: "GET", path: "/healthz", status: 200},
		{method: "GET", path: "/api/openapi.json", status: 200},
		{method: "GET", path: "/api/objectives", status: 200},
		{method: "GET", path: "/api/optimizers", status: 200},
		{method: "GET", path: "/api/lessons", status: 200},
		{method: "HEAD", path: "/api/lessons", status: 200},
		{method: "GET", path: "/api/lessons/momentum", status: 200},
		{method: "GET", path: "/api/lessons/basins", status: 200},
		{method: "GET", path: "/api/lessons/no-such-lesson", status: 404},

		{method: "POST", path: "/api/run", body: runBody, status: 200},
		{method: "POST", path: "/api/run", body: `{"objective": {"expr": "x^2 + 3*y^2", "blur": 0.5}, "runs": [{"optimizer": "momentum"}]}`, status: 200},
		{method: "POST", path: "/api/run", body: `{"objective": {"id": "mlp"}, "plane": "pca", "steps": 2, "runs": [{"optimizer": "adam"}]}`, status: 200},
		{method: "POST", path: "/api/run", body: `{"objective": {"id": "rosenbrock"}, "runs": [{"optimizer": "gd", "hyperr": {}}]}`, status: 400},
		{method: "POST", path: "/api/run", body: huge, status: 413},
		{method: "POST", path: "/api/run", body: runBody, contentType: "text/plain", status: 415},
		{method: "GET", path: "/api/run?scene=" + b64(runBody), status: 200},
		{method: "GET", path: "/api/run?scene=" + b64(runBody) + "&v=2", status: 200},
		{method: "GET", path: "/api/run?scene=" + b64(runBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/run?scene=***", status: 400},
		{method: "POST", path: "/api/run?format=columns&fields=k,xy,loss", body: runBody, status: 200},
		{method: "POST", path: "/api/run?format=npy&fields=loss", body: runBody, status: 200},
		{method: "POST", path: "/api/run?format=columns&fields=k,k", body: runBody, status: 400},
		{method: "GET", path: "/api/run?scene=" + b64(runBody) + "&format=columns&fields=xy,state", status: 200},
		{method: "GET", path: "/api/run?scene=" + b64(runBody) + "&fields=xy", status: 400},
		{method: "GET", path: "/api/run?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},

		{method: "POST", path: "/api/hessian", body: `{"objective": {"id": "rosenbrock"}, "at": [1, 2]}`, status: 200},
		{method: "POST", path: "/api/hessian", body: `{"objective": {"id": "rosenbrock"}, "at": [1]}`, status: 400},
		{method: "POST", path: "/api/hessian", body: huge, status: 413},
		{method: "POST", path: "/api/hessian", body: `{}`, contentType: "text/plain", status: 415},

		{method: "POST", path: "/api/landscape", body: landBody, status: 200},
		{method: "POST", path: "/api/landscape", body: netLand, status: 200},
		{method: "POST", path: "/api/landscape", body: `{"objective": {"id": "rosenbrock"}, "nx": 2000}`, status: 400},
		{method: "POST", path: "/api/landscape", body: huge, status: 413},
		{method: "POST", path: "/api/landscape", body: landBody, contentType: "application/xml", status: 415},
		{method: "GET", path: "/api/landscape?scene=" + b64(landBody), status: 200},
		{method: "GET", path: "/api/landscape?scene=" + b64(landBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/landscape?scene=" + b64(landBody) + "&zoom=2", status: 400},
		{method: "GET", path: "/api/landscape?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},

		{method: "POST", path: "/api/spectrum", body: spectrumBody, status: 200},
		{method: "POST", path: "/api/spectrum", body: `{"objective": {"id": "hd_quadratic"}, "k": 99}`, status: 400},
		{method: "POST", path: "/api/spectrum", body: huge, status: 413},
		{method: "POST", path: "/api/spectrum", body: spectrumBody, contentType: "text/csv", status: 415},

		{method: "POST", path: "/api/interpolate", body: interpBody, status: 200},
		{method: "POST", path: "/api/interpolate", body: `{"objective": {"id": "mlp"}, "n": 1, "runs": [{"optimizer": "gd"}]}`, status: 400},
		{method: "POST", path: "/api/interpolate", body: huge, status: 413},
		{method: "POST", path: "/api/interpolate", body: interpBody, contentType: "text/csv", status: 415},

		{method: "POST", path: "/api/suggest", body: `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1]}`, status: 200},
		{method: "POST", path: "/api/suggest", body: `{"objective": {"id": "rosenbrock"}, "start": [1]}`, status: 400},
		{method: "POST", path: "/api/suggest", body: huge, status: 413},
		{method: "POST", path: "/api/suggest", body: `{}`, contentType: "text/csv", status: 415},

		{method: "GET", path: "/oembed?url=" + url.QueryEscape("http://example.com/lessons/cliffs") + "&maxwidth=400", status: 200},
		{method: "GET", path: "/oembed?url=" + url.QueryEscape("http://example.com/?scene=cliffs"), status: 200},
		{method: "GET", path: "/oembed?url=" + url.QueryEscape("http://example.com/lessons/cliffs") + "&maxwidth=wide", status: 400},
		{method: "GET", path: "/oembed?url=" + url.QueryEscape("http://other.example.org/lessons/cliffs"), status: 404},
		{method: "GET", path: "/oembed?url=" + url.QueryEscape("http://example.com/lessons/cliffs") + "&format=xml", status: 501},

		{method: "GET", path: "/api/figure?scene=" + b64(figureBody), status: 200},
		{method: "GET", path: "/api/figure?scene=" + b64(figureBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/figure?scene=" + b64(`{"lesson": "nope"}`), status: 400},
		{method: "GET", path: "/api/figure?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},

		{method: "POST", path: "/api/sharpness", body: sharpBody, status: 200},
		{method: "POST", path: "/api/sharpness", body: `{"objective": {"id": "hd_quadratic"}, "every": 0, "runs": [{"optimizer": "gd"}]}`, status: 400},
		{method: "POST", path: "/api/sharpness", body: huge, status: 413},
		{method: "POST", path: "/api/sharpness", body: sharpBody, contentType: "text/csv", status: 415},
		{method: "GET", path: "/api/sharpness?scene=" + b64(sharpBody), status: 200},
		{method: "GET", path: "/api/sharpness?scene=" + b64(sharpBody), ifNoneMatch: "*", status: 304},

		{method: "POST", path: "/api/honest", body: honestBody, status: 200},
		{method: "POST", path: "/api/honest", body: `{"objective": {"id": "rosenbrock"}, "runs": [{"optimizer": "gd"}]}`, status: 400},
		{method: "POST", path: "/api/honest", body: huge, status: 413},
		{method: "POST", path: "/api/honest", body: honestBody, contentType: "text/csv", status: 415},
		{method: "GET", path: "/api/honest?scene=" + b64(honestBody), status: 200},
		{method: "GET", path: "/api/honest?scene=" + b64(honestBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/honest?scene=" + b64(honestBody) + "&zoom=2", status: 400},
		{method: "GET", path: "/api/honest?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},
		{method: "GET", path: "/api/sharpness?scene=" + b64(sharpBody) + "&zoom=2", status: 400},
		{method: "GET", path: "/api/sharpness?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},

		{method: "POST", path: "/api/hypermap", body: hypermapBody, status: 200},
		{method: "POST", path: "/api/hypermap", body: `{"objective": {"id": "quadratic"}, "run": {"optimizer": "gd"}, "measure": "speed"}`, status: 400},
		{method: "POST", path: "/api/hypermap", body: huge, status: 413},
		{method: "POST", path: "/api/hypermap", body: hypermapBody, contentType: "text/csv", status: 415},
		{method: "GET", path: "/api/hypermap?scene=" + b64(hypermapBody), status: 200},
		{method: "GET", path: "/api/hypermap?scene=" + b64(hypermapBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/hypermap?scene=" + b64(hypermapBody) + "&zoom=2", status: 400},
		{method: "GET", path: "/api/hypermap?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},
		{method: "POST", path: "/api/basins", body: basinsBody, status: 200},
		{method: "POST", path: "/api/basins", body: `{"objective": {"id": "himmelblau"}, "run": {"optimizer": "gd"}, "n": 4}`, status: 400},
		{method: "POST", path: "/api/basins", body: huge, status: 413},
		{method: "POST", path: "/api/basins", body: basinsBody, contentType: "text/csv", status: 415},
		{method: "GET", path: "/api/basins?scene=" + b64(basinsBody), status: 200},
		{method: "GET", path: "/api/basins?scene=" + b64(basinsBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/basins?scene=" + b64(basinsBody) + "&zoom=2", status: 400},
		{method: "GET", path: "/api/basins?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},

		{method: "POST", path: "/api/decay", body: decayBody, status: 200},
		{method: "POST", path: "/api/decay", body: `{"objective": {"id": "mlp"}, "run": {"optimizer": "gd"}}`, status: 400},
		{method: "POST", path: "/api/decay", body: huge, status: 413},
		{method: "POST", path: "/api/decay", body: decayBody, contentType: "text/csv", status: 415},
		{method: "GET", path: "/api/decay?scene=" + b64(decayBody), status: 200},
		{method: "GET", path: "/api/decay?scene=" + b64(decayBody), ifNoneMatch: "*", status: 304},
		{method: "GET", path: "/api/decay?scene=" + b64(decayBody) + "&zoom=2", status: 400},
		{method: "GET", path: "/api/decay?scene=" + strings.Repeat("A", MaxSceneQuery+1), status: 414},

		{method: "PUT", path: "/api/run", body: runBody, status: 405},
		{method: "GET", path: "/api/nope", status: 404},
	}
	send := func(h http.Handler, e ex, remote string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(e.method, e.path, strings.NewReader(e.body))
		if e.body != "" {
			ct := e.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		if e.ifNoneMatch != "" {
			req.Header.Set("If-None-Match", e.ifNoneMatch)
		}
		if remote != "" {
			req.RemoteAddr = remote
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != e.status {
			t.Errorf("%s %.80s: %d, want %d: %.300s", e.method, e.path, rec.Code, e.status, rec.Body)
		}
		return rec
	}
	h := openapiChecked(t, NewHandler(Options{}))
	for _, e := range examples {
		send(h, e, "")
	}

	// 429 and 503 with Retry-After: heavy work while the pool is full.
	pool := budget.New(1, 0, 1)
	release, err := pool.Acquire(context.Background(), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	busy := openapiChecked(t, NewHandler(Options{Heavy: pool}))
	heavy := map[string]string{
		"POST /api/run": `{"objective": {"id": "mlp"}, "steps": 2, "runs": [{"optimizer": "gd"}]}`, "POST /api/landscape": netLand,
		"POST /api/spectrum": spectrumBody, "POST /api/interpolate": interpBody, "GET /api/figure": figureBody,
		"POST /api/sharpness": sharpBody, "POST /api/honest": honestBody,
		"POST /api/hypermap": heavyHypermap, "POST /api/basins": heavyBasins,
	}
	for op, body := range heavy {
		method, path, _ := strings.Cut(op, " ")
		if method == "GET" {
			path, body = path+"?scene="+b64(body), ""
		}
		send(busy, ex{method: method, path: path, body: body, status: 429}, "192.0.2.1:5000")
		send(busy, ex{method: method, path: path, body: body, status: 503}, "192.0.2.2:5000")
		if method == "POST" && (path == "/api/run" || path == "/api/landscape" || path == "/api/sharpness" || path == "/api/honest" || path == "/api/hypermap" || path == "/api/basins") {
			send(busy, ex{method: "GET", path: path + "?scene=" + b64(body), status: 429}, "192.0.2.1:5000")
			send(busy, ex{method: "GET", path: path + "?scene=" + b64(body), status: 503}, "192.0.2.2:5000")
		}
	}
	release()
	// Every answer the document lists was produced and checked.
	var missing []string
	for path, item := range s.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				key := method + " " + path + " " + status
				if _, ok := openapiSeen.Load(key); !ok {
					missing = append(missing, key)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("documented answers no request of TestOpenAPIExamples produced (add one):\n%s", strings.Join(missing, "\n"))
	}
}
