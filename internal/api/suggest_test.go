package api

import "testing"

func TestSuggest(t *testing.T) {
	h := testHandler(t)
	rec := do(t, h, "POST", "/api/suggest", `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25}}, "start": [-2.5, 1.5]}`)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var ans struct {
		Start      []float64 `json:"start"`
		LambdaMax  *float64  `json:"lambda_max"`
		GradNorm   float64   `json:"grad_norm"`
		Width      float64   `json:"width"`
		Optimizers map[string]struct {
			Hyper map[string]float64 `json:"hyper"`
			Rule  string             `json:"rule"`
		} `json:"optimizers"`
	}
	decodeBody(t, rec, &ans)
	// λmax as /api/hessian gives it at the start.
	var geo struct {
		Eigenvalues []float64 `json:"eigenvalues"`
	}
	decodeBody(t, do(t, h, "POST", "/api/hessian", `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25}}, "at": [-2.5, 1.5]}`), &geo)
	if ans.LambdaMax == nil || *ans.LambdaMax != geo.Eigenvalues[1] {
		t.Fatalf("lambda_max %v, /api/hessian says %v", ans.LambdaMax, geo.Eigenvalues)
	}
	gd, ok := ans.Optimizers["gd"]
	if !ok || gd.Rule == "" {
		t.Fatalf("no rule-bearing suggestion for gd: %s", rec.Body)
	}
	if lr := gd.Hyper["lr"]; !(lr > 0 && lr < 2 / *ans.LambdaMax) {
		t.Errorf("gd's ε = %g is not stable (2/λmax = %g)", lr, 2 / *ans.LambdaMax)
	}
	if _, ok := ans.Optimizers["adam"]; !ok {
		t.Errorf("no suggestion for adam")
	}
	for _, id := range []string{"newton", "bfgs", "adadelta"} {
		if _, ok := ans.Optimizers[id]; ok {
			t.Errorf("a suggestion for %s, which has no learning rate", id)
		}
	}
}

func TestSuggestBadRequests(t *testing.T) {
	h := testHandler(t)
	for _, tc := range []struct{ name, body, field string }{
		{"unknown field", `{"objective": {"id": "saddle"}, "runs": []}`, "runs"},
		{"unknown objective", `{"objective": {"id": "nope"}}`, "objective.id"},
		{"start of the wrong size", `{"objective": {"id": "saddle"}, "start": [1]}`, "start"},
		{"start not a list", `{"objective": {"id": "saddle"}, "start": "here"}`, "start"},
		{"a plane for a 2-D objective", `{"objective": {"id": "saddle"}, "plane": "pca"}`, "plane"},
		{"a plane's run", `{"objective": {"id": "mlp"}, "plane": {"kind": "three_points", "run": 0}}`, "plane.run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, "POST", "/api/suggest", tc.body)
			var e struct {
				Error string `json:"error"`
				Field string `json:"field"`
			}
			decodeBody(t, rec, &e)
			if rec.Code != 400 || e.Field != tc.field {
				t.Errorf("%d %q on %q, want 400 on %q", rec.Code, e.Error, e.Field, tc.field)
			}
		})
	}
	if rec := do(t, h, "GET", "/api/suggest", ""); rec.Code != 405 {
		t.Errorf("GET: %d, want 405", rec.Code)
	}
}
