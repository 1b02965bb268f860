package api

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHonestAPI: POST and GET answer alike (GET cacheable, the defaults
// filled in keep the ETag); tr(H)/n is trace/dim and the Hessian plane's
// curvature is (λmax, λmin); bad input is refused naming the field.
func TestHonestAPI(t *testing.T) {
	h := testHandler(t)
	body := `{"objective": {"id": "deep_linear", "params": {"width": 3, "depth": 2, "points": 32, "scale": 0.1}}, "runs": [{"optimizer": "gd"}], "steps": 10, "n": 9}`
	post := do(t, h, http.MethodPost, "/api/honest", body)
	rec := get(t, h, sceneURL("/api/honest", body), "")
	if rec.Code != http.StatusOK || post.Code != http.StatusOK || rec.Body.String() != post.Body.String() {
		t.Fatalf("GET %d, POST %d; the answers differ: %.200s vs %.200s", rec.Code, post.Code, rec.Body, post.Body)
	}
	var a struct {
		K         int     `json:"k"`
		Dim       int     `json:"dim"`
		Trace     float64 `json:"trace"`
		Expected  float64 `json:"expected_curvature"`
		LambdaMin float64 `json:"lambda_min"`
		LambdaMax float64 `json:"lambda_max"`
		Hessian   struct {
			Curvature [2]float64 `json:"curvature"`
			Values    []float64  `json:"values"`
		} `json:"hessian"`
	}
	decodeBody(t, rec, &a)
	if a.K != 10 || len(a.Hessian.Values) != 81 || math.Abs(a.Expected-a.Trace/float64(a.Dim)) > 1e-12 || a.Hessian.Curvature != [2]float64{a.LambdaMax, a.LambdaMin} {
		t.Errorf("k %d, %d values, tr/n %v (trace %v, dim %d), curvature %v vs λ [%v, %v]", a.K, len(a.Hessian.Values), a.Expected, a.Trace, a.Dim, a.Hessian.Curvature, a.LambdaMin, a.LambdaMax)
	}
	etag := rec.Header().Get("ETag")
	if etag == "" || rec.Header().Get("Cache-Control") != CacheForever {
		t.Errorf("ETag %q Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
	}
	withDefault := strings.Replace(body, `"n": 9`, `"n": 9, "random_seed": 1`, 1)
	if got := get(t, h, sceneURL("/api/honest", withDefault), ""); got.Header().Get("ETag") != etag {
		t.Errorf("spelling out random_seed = 1 changes the ETag")
	}

	const dl = `{"id": "deep_linear", "params": {"width": 2, "depth": 1, "points": 16}}`
	for _, tc := range []struct{ name, body, field string }{
		{"not projected", `{"objective": {"id": "rosenbrock"}, "runs": [{"optimizer": "gd"}]}`, "objective"},
		{"an expression", `{"objective": {"expr": "x^2 - y^2"}, "runs": [{"optimizer": "gd"}]}`, "objective"},
		{"two runs", `{"objective": ` + dl + `, "runs": [{"optimizer": "gd"}, {"optimizer": "gd"}]}`, "runs"},
		{"grid too large", `{"objective": ` + dl + `, "runs": [{"optimizer": "gd"}], "n": 82}`, "n"},
		{"grid too small", `{"objective": ` + dl + `, "runs": [{"optimizer": "gd"}], "n": 4}`, "n"},
		{"radius 0", `{"objective": ` + dl + `, "runs": [{"optimizer": "gd"}], "radius": 0}`, "radius"},
		{"steps over", `{"objective": ` + dl + `, "runs": [{"optimizer": "gd"}], "steps": 100001}`, "steps"},
		{"unknown field", `{"objective": ` + dl + `, "runs": [{"optimizer": "gd"}], "every": 3}`, "every"},
		{"unknown model", `{"objective": {"id": "resnet"}, "runs": [{"optimizer": "gd"}]}`, "objective.id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, rec := range []*httptest.ResponseRecorder{
				do(t, h, http.MethodPost, "/api/honest", tc.body),
				get(t, h, sceneURL("/api/honest", tc.body), ""),
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
