package api

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type sharpnessAnswer struct {
	Run            int       `json:"run"`
	Every          int       `json:"every"`
	Rule           string    `json:"rule"`
	Preconditioned bool      `json:"preconditioned"`
	K              []int     `json:"k"`
	Lambda         []float64 `json:"lambda"`
	Threshold      []float64 `json:"threshold"`
	Loss           []float64 `json:"loss"`
	Products       int       `json:"products"`
}

// TestSharpnessOfQuadratic: on a quadratic the trace is λmax at the start,
// every "every" steps and the last, against heavy ball's (2+2α)/ε.
func TestSharpnessOfQuadraticAPI(t *testing.T) {
	body := `{"objective": {"id": "hd_quadratic", "params": {"n": 30, "cond": 10, "lambda_max": 3}}, "seed": 2,
		"runs": [{"optimizer": "momentum", "hyper": {"lr": 0.1, "momentum": 0.5}}], "steps": 23, "every": 5}`
	rec := do(t, testHandler(t), http.MethodPost, "/api/sharpness", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var s sharpnessAnswer
	decodeBody(t, rec, &s)
	if want := []int{0, 5, 10, 15, 20, 23}; len(s.K) != len(want) {
		t.Fatalf("measured at %v, want %v", s.K, want)
	}
	if s.Rule != "(2+2α)/ε" || s.Every != 5 || s.Products == 0 {
		t.Errorf("rule %q every %d products %d", s.Rule, s.Every, s.Products)
	}
	for i := range s.K {
		if math.Abs(s.Lambda[i]-3) > 1e-6 || math.Abs(s.Threshold[i]-3/0.1) > 1e-9 {
			t.Errorf("step %d: λ = %g against %g, want 3 against (2+2·0.5)/0.1 = 30", s.K[i], s.Lambda[i], s.Threshold[i])
		}
	}
}

// TestSharpnessGETAndBadInput: the GET form answers as the POST with
// validators and 304; bad input is a 400 naming the field.
func TestSharpnessGETAndBadInput(t *testing.T) {
	h := testHandler(t)
	body := `{"objective": {"id": "mlp", "params": {"width": 4, "depth": 1, "points": 40}}, "runs": [{"optimizer": "gd", "hyper": {"lr": 0.5}}], "steps": 20}`
	post := do(t, h, http.MethodPost, "/api/sharpness", body)
	rec := get(t, h, sceneURL("/api/sharpness", body), "")
	if rec.Code != http.StatusOK || post.Code != http.StatusOK || rec.Body.String() != post.Body.String() {
		t.Fatalf("GET %d, POST %d; the answers differ: %.200s vs %.200s", rec.Code, post.Code, rec.Body, post.Body)
	}
	etag := rec.Header().Get("ETag")
	if etag == "" || rec.Header().Get("Cache-Control") != CacheForever {
		t.Errorf("ETag %q Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
	}
	if again := get(t, h, sceneURL("/api/sharpness", body), etag); again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", again.Code)
	}
	// The default "every" (5) filled in: the same answer, the same ETag.
	withDefault := strings.Replace(body, `"steps": 20`, `"steps": 20, "every": 5`, 1)
	if got := get(t, h, sceneURL("/api/sharpness", withDefault), ""); got.Header().Get("ETag") != etag {
		t.Errorf("spelling out every = 5 changes the ETag: %q vs %q", got.Header().Get("ETag"), etag)
	}

	for _, tc := range []struct{ name, body, field string }{
		{"two runs", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}, {"optimizer": "gd"}]}`, "runs"},
		{"no run", `{"objective": {"id": "quadratic"}, "runs": []}`, "runs"},
		{"every 0", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "every": 0}`, "every"},
		{"every fractional", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "every": 2.5}`, "every"},
		{"too many points", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "steps": 100000, "every": 10}`, "every"},
		{"steps over", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "steps": 100001}`, "steps"},
		{"unknown field", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "evry": 3}`, "evry"},
		{"hyper the optimizer lacks", `{"objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd", "hyper": {"momentum": 0.9}}]}`, "runs[0].hyper.momentum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, rec := range []*httptest.ResponseRecorder{
				do(t, h, http.MethodPost, "/api/sharpness", tc.body),
				get(t, h, sceneURL("/api/sharpness", tc.body), ""),
			} {
				var e errorBody
				if rec.Code != http.StatusBadRequest {
					t.Fatalf("%s: status %d, want 400: %s", []string{"POST", "GET"}[i], rec.Code, rec.Body)
				}
				decodeBody(t, rec, &e)
				if e.Field != tc.field {
					t.Errorf("error on %q (%s), want on %q", e.Field, e.Error, tc.field)
				}
			}
		})
	}
}
