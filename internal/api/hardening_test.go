package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// TestOverflowIsNeverA500 (issue 14, defect 1): scenes whose gradients,
// norms, gᵀHg or losses overflow float64 somewhere answer 200 with a run
// that ends as diverged (and a reason), or 400 naming the cause; never a
// 5xx (a non-finite number cannot be encoded: it is the 500 of the issue),
// on the POST and the GET form alike, for every optimizer.
// answer is one form's answer to a request.
type answer struct {
	form string
	code int
	body string
}

// bothForms sends body to path by POST and by its GET ?scene= form.
func bothForms(t *testing.T, h http.Handler, path, body string) []answer {
	t.Helper()
	p := do(t, h, "POST", path, body)
	g := get(t, h, sceneURL(path, body), "")
	return []answer{{"POST", p.Code, p.Body.String()}, {"GET", g.Code, g.Body.String()}}
}

func TestOverflowIsNeverA500(t *testing.T) {
	h := testHandler(t)
	// The request: ‖(1e200, 0)‖ is 1e200, which float64 holds.
	body := `{"objective":{"expr":"1e200*x"},"start":[0,0],"steps":0,"runs":[{"optimizer":"gd"}]}`
	for _, a := range bothForms(t, h, "/api/run", body) {
		if a.code != 200 {
			t.Fatalf("%s: status %d: %s", a.form, a.code, a.body)
		}
		var ans runAnswer
		if err := json.Unmarshal([]byte(a.body), &ans); err != nil {
			t.Fatal(err)
		}
		if p := ans.Runs[0].Points[0]; p.GradNorm != 1e200 || p.Grad[0] != 1e200 {
			t.Errorf("%s: grad %v, grad_norm %g; want [1e200 0] and 1e200", a.form, p.Grad, p.GradNorm)
		}
	}

	scenes := []struct {
		name, objective, start string
		clip                   string
		status                 int    // 0: 200 or 400
		field                  string // of a 400
	}{
		{"gradient norm beyond float64", `{"expr":"1e308*x + 1.7e308*y"}`, `[0, 0]`, ``, 400, "start"},
		{"infinite gradient at a kink", `{"expr":"abs(x)^0.5 + y"}`, `[0, 0]`, ``, 400, "start"},
		{"huge linear slope", `{"expr":"1e200*x + 1e200*y"}`, `[0, 0]`, ``, 0, ""},
		{"huge slope, clipped by norm", `{"expr":"1e300*x + 1e300*y"}`, `[0, 0]`, `{"norm": 1}`, 0, ""},
		{"huge slope, clipped by value", `{"expr":"1e300*x + 1e300*y"}`, `[0, 0]`, `{"value": 1}`, 0, ""},
		{"huge curvature", `{"expr":"1e300*(x^2 + y^2)"}`, `[1, 1]`, ``, 0, ""},
		{"huge cubic", `{"expr":"1e150*x^3 + 1e150*y^4"}`, `[1, 1]`, ``, 0, ""},
		{"gradient overflows one step away", `{"expr":"exp(x^2) + y^2"}`, `[5, 1]`, ``, 0, ""},
		{"loss over the divergence bound at the start", `{"expr":"1e200*(x^2 + y^2)"}`, `[1, 1]`, ``, 0, ""},
	}
	for _, sc := range scenes {
		for _, opt := range optim.Catalogue() {
			if opt.Needs == "fisher" || opt.Needs == "matrices" {
				continue
			}
			run := fmt.Sprintf(`{"optimizer": %q}`, opt.ID)
			if sc.clip != "" {
				run = fmt.Sprintf(`{"optimizer": %q, "clip": %s}`, opt.ID, sc.clip)
			}
			body := fmt.Sprintf(`{"objective": %s, "start": %s, "steps": 30, "runs": [%s]}`, sc.objective, sc.start, run)
			t.Run(sc.name+"/"+opt.ID, func(t *testing.T) {
				for _, a := range bothForms(t, h, "/api/run", body) {
					switch {
					case a.code >= 500:
						t.Fatalf("%s: %d: %s", a.form, a.code, a.body)
					case sc.status != 0 && a.code != sc.status:
						t.Fatalf("%s: %d, want %d: %s", a.form, a.code, sc.status, a.body)
					case a.code == 400:
						var e errAnswer
						_ = json.Unmarshal([]byte(a.body), &e)
						if e.Error == "" || (sc.field != "" && e.Field != sc.field) {
							t.Fatalf("%s: 400 %s, want an error on %q", a.form, a.body, sc.field)
						}
					case a.code != 200:
						t.Fatalf("%s: %d: %s", a.form, a.code, a.body)
					default:
						var ans struct {
							Runs []scene.RunResult `json:"runs"`
						}
						if err := json.Unmarshal([]byte(a.body), &ans); err != nil {
							t.Fatal(err)
						}
						r := ans.Runs[0]
						if r.Status == "diverged" && r.Reason == "" {
							t.Errorf("%s: diverged without a reason", a.form)
						}
					}
				}
			})
		}
	}
	// The same scenes' landscapes and Hessians: 200 or a 400 naming the cause.
	for _, sc := range scenes {
		for _, req := range []struct{ path, body string }{
			{"/api/landscape", fmt.Sprintf(`{"objective": %s, "nx": 8, "ny": 8}`, sc.objective)},
			{"/api/hessian", fmt.Sprintf(`{"objective": %s, "at": %s}`, sc.objective, sc.start)},
		} {
			rec := do(t, h, "POST", req.path, req.body)
			if rec.Code != 200 && rec.Code != 400 {
				t.Errorf("%s %s: %d: %s", req.path, req.body, rec.Code, rec.Body)
			}
		}
	}
}

// TestStrictDecoding (issue 14, defect 2): keys that differ from a field
// only in case, keys given twice, invalid UTF-8 and a clipping threshold
// of 0 are refused with the field named, on every endpoint's body and the
// GET ?scene= form, instead of being taken silently.
func TestStrictDecoding(t *testing.T) {
	h := testHandler(t)
	const rb = `{"objective": {"id": "rosenbrock"}, "steps": 3, `
	tests := []struct {
		name, path, body, field, words string
		get                            bool // the path has a GET form
	}{
		{"runs in capitals beside runs", "/api/run", rb + `"RUNS": [{"optimizer": "gd"}], "runs": [{"optimizer": "adam"}]}`, "RUNS", `did you mean "runs"`, true},
		{"objective and id in capitals", "/api/run", `{"OBJECTIVE": {"ID": "quadratic"}, "runs": [{"optimizer": "gd"}]}`, "OBJECTIVE", "case-sensitive", true},
		{"id in capitals", "/api/run", `{"objective": {"ID": "quadratic"}, "runs": [{"optimizer": "gd"}]}`, "objective.ID", `did you mean "id"`, true},
		{"clip's key in capitals", "/api/run", rb + `"runs": [{"optimizer": "gd", "clip": {"Norm": 1}}]}`, "runs[0].clip.Norm", `did you mean "norm"`, true},
		{"duplicate steps", "/api/run", rb + `"steps": 5, "runs": [{"optimizer": "gd"}]}`, "steps", "duplicate", true},
		{"duplicate objective id", "/api/run", `{"objective": {"id": "rosenbrock", "id": "quadratic"}, "runs": [{"optimizer": "gd"}]}`, "objective.id", "duplicate", true},
		{"duplicate hyperparameter", "/api/run", rb + `"runs": [{"optimizer": "gd", "hyper": {"lr": 0.1, "lr": 9}}]}`, "runs[0].hyper.lr", "duplicate", true},
		{"clip norm 0", "/api/run", rb + `"runs": [{"optimizer": "gd", "clip": {"norm": 0}}]}`, "runs[0].clip.norm", "above 0", true},
		{"clip value 0", "/api/run", rb + `"runs": [{"optimizer": "gd", "clip": {"value": 0}}]}`, "runs[0].clip.value", "above 0", true},
		{"clip norm negative", "/api/run", rb + `"runs": [{"optimizer": "gd", "clip": {"norm": -2}}]}`, "runs[0].clip.norm", "above 0", true},
		{"invalid UTF-8", "/api/run", rb + "\"runs\": [{\"optimizer\": \"gd\", \"label\": \"\xc3\x28\"}]}", "", "UTF-8", true},
		{"landscape nx in capitals", "/api/landscape", `{"objective": {"id": "rosenbrock"}, "NX": 8}`, "NX", `did you mean "nx"`, true},
		{"landscape duplicate nx", "/api/landscape", `{"objective": {"id": "rosenbrock"}, "nx": 8, "nx": 1024}`, "nx", "duplicate", true},
		{"plane's seed in capitals", "/api/landscape", `{"objective": {"id": "mlp"}, "plane": {"kind": "random", "Seed": 2}}`, "plane.Seed", `did you mean "seed"`, true},
		{"hessian at in capitals", "/api/hessian", `{"objective": {"id": "rosenbrock"}, "at": [0, 0], "At": [1, 1]}`, "At", `did you mean "at"`, false},
		{"hessian duplicate at", "/api/hessian", `{"objective": {"id": "rosenbrock"}, "at": [0, 0], "at": [1, 1]}`, "at", "duplicate", false},
		{"spectrum k in capitals", "/api/spectrum", `{"objective": {"id": "rosenbrock"}, "K": 1}`, "K", `did you mean "k"`, false},
		{"interpolate steps in capitals", "/api/interpolate", `{"objective": {"id": "rosenbrock"}, "runs": [{"optimizer": "gd"}], "Steps": 3}`, "Steps", `did you mean "steps"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forms := []answer{}
			if tt.get {
				forms = bothForms(t, h, tt.path, tt.body)
			} else {
				rec := do(t, h, "POST", tt.path, tt.body)
				forms = append(forms, answer{"POST", rec.Code, rec.Body.String()})
			}
			for _, a := range forms {
				var e errAnswer
				if err := json.Unmarshal([]byte(a.body), &e); err != nil || a.code != 400 {
					t.Fatalf("%s: %d %s, want 400", a.form, a.code, a.body)
				}
				if e.Field != tt.field || !strings.Contains(e.Error, tt.words) {
					t.Errorf("%s: error %q on %q, want %q on %q", a.form, e.Error, e.Field, tt.words, tt.field)
				}
			}
		})
	}
}

// TestHessianAtAKink (issue 14, defect 3): abs(x)^0.5 and abs(x)^1.5 at the
// kink are refused as x^1.5 is (the second derivative is infinite there);
// abs(x)^2 is x², with its Hessian.
func TestHessianAtAKink(t *testing.T) {
	h := testHandler(t)
	for _, tc := range []struct {
		expr string
		code int
	}{
		{"x^1.5 + y", 400}, {"abs(x)^1.5 + y", 400}, {"abs(x)^0.5 + y", 400}, {"abs(x)^2 + y", 200},
	} {
		rec := do(t, h, "POST", "/api/hessian", `{"objective": {"expr": "`+tc.expr+`"}, "at": [0, 0]}`)
		if rec.Code != tc.code {
			t.Errorf("%s: %d %s, want %d", tc.expr, rec.Code, rec.Body, tc.code)
		}
		if tc.code == 400 && !strings.Contains(rec.Body.String(), "not finite") {
			t.Errorf("%s: %s, want \"not finite\"", tc.expr, rec.Body)
		}
	}
}
