package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/saddle-viz/saddle/internal/figure"
)

// Fuzz tests of the request decoder (issue 14): for every endpoint's body,
// and the GET ?scene= form, decoding never panics, a refusal is a 4xx
// with a message, and what is accepted is valid UTF-8 JSON. Their seed
// corpus runs in plain `go test`; to fuzz one for a bounded time:
//
//	go test -run '^$' -fuzz '^FuzzDecodeRun$' -fuzztime 20s ./internal/api
//
// (make fuzz runs each for FUZZTIME inputs, 100000x by default).

var fuzzSeeds = []string{
	`{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 200, "seed": 7, "runs": [{"optimizer": "adam", "hyper": {"lr": 0.05}, "clip": {"norm": 1}}, {"optimizer": "newton"}]}`,
	`{"objective": {"expr": "1e200*x"}, "start": [0, 0], "steps": 0, "runs": [{"optimizer": "gd"}]}`,
	`{"objective": {"id": "mlp", "params": {"width": 8}}, "plane": {"kind": "three_points", "run": 0, "k": 3}, "runs": [{"optimizer": "gd", "schedule": {"kind": "step"}}]}`,
	`{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [-1, 3], "nx": 16, "ny": 12}`,
	`{"objective": {"id": "rosenbrock"}, "at": [1, 1]}`,
	`{"objective": {"id": "hd_quadratic"}, "seed": 3, "at": "start", "k": 4}`,
	`{"objective": {"id": "rosenbrock"}, "runs": [{"optimizer": "gd"}], "steps": 5, "n": 9, "eigs": 1}`,
	`{"RUNS": [], "runs": [], "steps": 1, "steps": 2}`,
	`{"runs": [{"optimizer": "gd", "clip": {"value": 0}, "hyper": {"lr": 1, "lr": 2}}]}`,
	"{\"objective\": {\"id\": \"\xff\"}}",
	`{"objective": {"id": "rosenbrock"},, "runs": []}`,
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	`{"start": [1e999, "2", null, true], "plane": "pca", "seed": -1}`,
	``, ` `, `null`, `{} {}`,
}

// fuzzDecode checks one body against one request type.
func fuzzDecode[T any](f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst T
		e := decodeBytes(body, &dst)
		if e == nil {
			if !json.Valid(body) || !utf8.Valid(body) {
				t.Fatalf("accepted %q, which is not valid UTF-8 JSON", body)
			}
			return
		}
		if e.Status < 400 || e.Status >= 500 || e.Msg == "" {
			t.Fatalf("refused %q with %d %q, want a 4xx with a message", body, e.Status, e.Msg)
		}
	})
}

func FuzzDecodeRun(f *testing.F)         { fuzzDecode[runRequest](f) }
func FuzzDecodeLandscape(f *testing.F)   { fuzzDecode[landscapeRequest](f) }
func FuzzDecodeHessian(f *testing.F)     { fuzzDecode[hessianRequest](f) }
func FuzzDecodeSpectrum(f *testing.F)    { fuzzDecode[spectrumRequest](f) }
func FuzzDecodeInterpolate(f *testing.F) { fuzzDecode[interpolateRequest](f) }
func FuzzDecodeSuggest(f *testing.F)     { fuzzDecode[suggestRequest](f) }
func FuzzDecodeSharpness(f *testing.F)   { fuzzDecode[sharpnessRequest](f) }
func FuzzDecodeHypermap(f *testing.F)    { fuzzDecode[hypermapRequest](f) }
func FuzzDecodeBasins(f *testing.F)      { fuzzDecode[basinsRequest](f) }
func FuzzDecodeFigure(f *testing.F)      { fuzzDecode[figure.Request](f) }

// FuzzSceneQuery: the GET form's query, any bytes: reading ?scene= and
// decoding it never panics, and a refusal is a 4xx naming a field or the
// body's mistake.
func FuzzSceneQuery(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("scene=" + base64.RawURLEncoding.EncodeToString([]byte(s)))
	}
	for _, q := range []string{"", "scene=", "scene=%%", "scene=a&scene=b", "v=1", "x=1", "scene=eyJ9&v=2", "scene=e30="} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/api/run", nil)
		r.URL.RawQuery = query
		body, e := sceneBody(r)
		if e == nil {
			var req runRequest
			e = decodeBytes(body, &req)
			if e == nil {
				return
			}
		}
		if e.Status < 400 || e.Status >= 500 || e.Msg == "" {
			t.Fatalf("query %q refused with %d %q, want a 4xx with a message", query, e.Status, e.Msg)
		}
	})
}
