package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// sceneURL is the GET form of a POST body.
func sceneURL(path, body string) string {
	return path + "?scene=" + base64.RawURLEncoding.EncodeToString([]byte(body))
}

// get sends a GET with optional If-None-Match.
func get(t testing.TB, h http.Handler, url, ifNoneMatch string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var cachedCases = []struct{ name, path, body string }{
	{"run", "/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 40, "seed": 7,
		"runs": [{"optimizer": "adam", "hyper": {"lr": 0.05}, "clip": {"norm": 1}}, {"optimizer": "newton"}]}`},
	{"run with defaults", "/api/run", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}]}`},
	{"landscape", "/api/landscape", `{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [-1, 3], "nx": 16, "ny": 12}`},
	{"landscape of an expression, domain by default", "/api/landscape", `{"objective": {"expr": "x^2 + 3*y^2"}, "nx": 8, "ny": 8}`},
}

func TestGETAnswersAsPOSTWithValidators(t *testing.T) {
	h := testHandler(t)
	for _, tc := range cachedCases {
		t.Run(tc.name, func(t *testing.T) {
			post := do(t, h, "POST", tc.path, tc.body)
			if post.Code != 200 {
				t.Fatalf("POST %s: %d %s", tc.path, post.Code, post.Body)
			}
			rec := get(t, h, sceneURL(tc.path, tc.body), "")
			if rec.Code != 200 {
				t.Fatalf("GET: %d %s", rec.Code, rec.Body)
			}
			if !bytes.Equal(rec.Body.Bytes(), post.Body.Bytes()) {
				t.Fatalf("GET and POST answer differently:\nGET  %.200s\nPOST %.200s", rec.Body, post.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", cc)
			}
			etag := rec.Header().Get("ETag")
			if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 20 {
				t.Fatalf("ETag %q is not a strong entity tag", etag)
			}
			// The same scene written differently (spaces, key order) is the same answer.
			var v any
			if err := json.Unmarshal([]byte(tc.body), &v); err != nil {
				t.Fatal(err)
			}
			compact, _ := json.Marshal(v)
			if again := get(t, h, sceneURL(tc.path, string(compact)), ""); again.Header().Get("ETag") != etag || !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) {
				t.Errorf("the compacted scene got ETag %s, want %s", again.Header().Get("ETag"), etag)
			}
			// Revalidation: 304, no body, the validators again.
			for _, inm := range []string{etag, `"other", ` + etag, "W/" + etag, "*"} {
				nm := get(t, h, sceneURL(tc.path, tc.body), inm)
				if nm.Code != http.StatusNotModified {
					t.Errorf("If-None-Match %s: status %d, want 304", inm, nm.Code)
				}
				if nm.Body.Len() != 0 {
					t.Errorf("If-None-Match %s: 304 with a body of %d bytes", inm, nm.Body.Len())
				}
				if nm.Header().Get("ETag") != etag || nm.Header().Get("Cache-Control") == "" {
					t.Errorf("If-None-Match %s: 304 without the validators", inm)
				}
			}
			if stale := get(t, h, sceneURL(tc.path, tc.body), `"run-00000000000000000000000000000000"`); stale.Code != 200 {
				t.Errorf("a stale ETag got %d, want 200", stale.Code)
			}
			// HEAD answers like GET, without the body.
			head := httptest.NewRequest("HEAD", sceneURL(tc.path, tc.body), nil)
			hr := httptest.NewRecorder()
			h.ServeHTTP(hr, head)
			if hr.Code != 200 || hr.Header().Get("ETag") != etag {
				t.Errorf("HEAD: %d, ETag %q", hr.Code, hr.Header().Get("ETag"))
			}
		})
	}
}

func TestGETETagsTellScenesApart(t *testing.T) {
	h := testHandler(t)
	bodies := []struct{ path, body string }{
		{"/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1], "steps": 10, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}]}`},
		{"/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1], "steps": 10, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.002}}]}`},
		{"/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1], "steps": 11, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}]}`},
		{"/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1], "steps": 10, "seed": 2, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.001}}]}`},
		{"/api/landscape", `{"objective": {"id": "rosenbrock"}, "nx": 8, "ny": 8}`},
		{"/api/landscape", `{"objective": {"id": "rosenbrock"}, "nx": 8, "ny": 9}`},
		{"/api/landscape", `{"objective": {"id": "quadratic", "params": {"b": 10}}, "nx": 8, "ny": 8}`},
	}
	seen := map[string]int{}
	for i, b := range bodies {
		rec := get(t, h, sceneURL(b.path, b.body), "")
		if rec.Code != 200 {
			t.Fatalf("%d: %d %s", i, rec.Code, rec.Body)
		}
		etag := rec.Header().Get("ETag")
		if j, dup := seen[etag]; dup {
			t.Errorf("scenes %d and %d share the ETag %s", j, i, etag)
		}
		seen[etag] = i
	}
	// Defaults filled in: steps left out is steps 100; the domain left out is the domain.
	a := get(t, h, sceneURL("/api/run", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}]}`), "")
	b := get(t, h, sceneURL("/api/run", `{"objective": {"id": "quadratic"}, "steps": 100, "runs": [{"optimizer": "gd"}]}`), "")
	if a.Header().Get("ETag") != b.Header().Get("ETag") {
		t.Error("steps left out and steps = 100 (the default) got different ETags")
	}
}

func TestGETBadQuery(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, url string
		status    int
		field     string
	}{
		{"no scene", "/api/run", 400, "scene"},
		{"empty scene", "/api/landscape?scene=", 400, "scene"},
		{"scene twice", "/api/run?scene=e30&scene=e30", 400, "scene"},
		{"not base64url", "/api/run?scene=" + "%7B%22a%22%3A1%7D", 400, "scene"},
		{"standard base64 alphabet", "/api/run?scene=" + strings.ReplaceAll(base64.StdEncoding.EncodeToString([]byte(`{"objective":{"id":"quadratic"}}?>`)), "+", "%2B"), 400, "scene"},
		{"unknown parameter", "/api/run?scene=" + enc(`{}`) + "&steps=3", 400, "steps"},
		{"malformed JSON inside", "/api/run?scene=" + enc(`{"objective": `), 400, ""},
		{"unknown field inside", "/api/run?scene=" + enc(`{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "stpes": 3}`), 400, "stpes"},
		{"unknown optimizer", "/api/run?scene=" + enc(`{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "sgdd"}]}`), 400, "runs[0].optimizer"},
		{"too many steps", "/api/run?scene=" + enc(`{"objective": {"id": "quadratic"}, "steps": -1, "runs": [{"optimizer": "gd"}]}`), 400, "steps"},
		{"grid too big", "/api/landscape?scene=" + enc(`{"objective": {"id": "rosenbrock"}, "nx": 5000}`), 400, "nx"},
		{"reversed range", "/api/landscape?scene=" + enc(`{"objective": {"id": "rosenbrock"}, "x": [2, -2]}`), 400, "x"},
		{"unknown objective", "/api/landscape?scene=" + enc(`{"objective": {"id": "nope"}}`), 400, "objective.id"},
		{"too long", "/api/run?scene=" + strings.Repeat("A", MaxSceneQuery+1), 414, "scene"},
	}
	h := testHandler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.url, "")
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			var e errorBody
			decodeBody(t, rec, &e)
			if e.Field != tt.field || e.Error == "" {
				t.Errorf("field %q (%q), want %q", e.Field, e.Error, tt.field)
			}
			if cc := rec.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
				t.Errorf("an error is cacheable forever: %q", cc)
			}
			if rec.Header().Get("ETag") != "" {
				t.Error("an error has an ETag")
			}
		})
	}
}

// BenchmarkGETRevalidate is the cost of a 304: validating the scene and
// hashing it, no computation.
func BenchmarkGETRevalidate(b *testing.B) {
	h := testHandler(b)
	url := sceneURL("/api/run", `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 2000, "runs": [{"optimizer": "adam", "hyper": {"lr": 0.05}}]}`)
	etag := get(b, h, url, "").Header().Get("ETag")
	b.ResetTimer()
	for range b.N {
		if rec := get(b, h, url, etag); rec.Code != http.StatusNotModified {
			b.Fatal(rec.Code)
		}
	}
}
