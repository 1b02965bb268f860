package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestMatrixOptimizers: GET /api/optimizers says muon and shampoo need
// matrices, GET /api/objectives says which objectives have them, a 2-D
// objective refuses them with the reason on runs[i].optimizer, and on the
// matrix factorisation they run (every one of the new optimizers does).
func TestMatrixOptimizers(t *testing.T) {
	h := testHandler(t)
	var opts []struct{ ID, Needs string }
	decodeBody(t, do(t, h, http.MethodGet, "/api/optimizers", ""), &opts)
	needs := map[string]string{}
	for _, o := range opts {
		needs[o.ID] = o.Needs
	}
	if needs["muon"] != "matrices" || needs["shampoo"] != "matrices" || needs["adamw"] != "" {
		t.Errorf("needs: muon %q, shampoo %q, adamw %q", needs["muon"], needs["shampoo"], needs["adamw"])
	}
	var objs []struct {
		ID       string
		Matrices bool
	}
	decodeBody(t, do(t, h, http.MethodGet, "/api/objectives", ""), &objs)
	has := map[string]bool{}
	for _, o := range objs {
		has[o.ID] = o.Matrices
	}
	for id, want := range map[string]bool{"matrix_factorization": true, "deep_linear": true, "mlp": true, "rnn": true,
		"rosenbrock": false, "hd_quadratic": false} {
		if has[id] != want {
			t.Errorf("%s: matrices %v, want %v", id, has[id], want)
		}
	}

	rec := do(t, h, http.MethodPost, "/api/run", `{"objective": {"id": "rosenbrock"}, "steps": 5, "runs": [{"optimizer": "adam"}, {"optimizer": "muon"}]}`)
	var e errAnswer
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	if rec.Code != 400 || e.Field != "runs[1].optimizer" || !strings.Contains(e.Error, "matrix") {
		t.Errorf("muon on rosenbrock: %d %s, want 400 on runs[1].optimizer saying why", rec.Code, rec.Body)
	}

	// SAM at its defaults (ρ = 0.05) hovers at the saddle θ = 0 that the small
	// start sits by: its ascent point climbs out of it; a small ρ and a bold
	// rate leave.
	body := `{"objective": {"id": "matrix_factorization"}, "steps": 20, "runs": [` +
		`{"optimizer": "adam"}, {"optimizer": "adamw"}, {"optimizer": "nadam"}, {"optimizer": "radam"}, {"optimizer": "lion"}, ` +
		`{"optimizer": "sam", "hyper": {"lr": 0.3, "rho": 0.01}}, {"optimizer": "muon"}, {"optimizer": "shampoo"}]}`
	rec = do(t, h, http.MethodPost, "/api/run", body)
	if rec.Code != 200 {
		t.Fatalf("the new optimizers on matrix_factorization: %d %s", rec.Code, rec.Body)
	}
	var ans struct {
		Runs []struct {
			Optimizer string
			Points    []struct{ Loss float64 }
		}
	}
	decodeBody(t, rec, &ans)
	for _, r := range ans.Runs {
		if len(r.Points) != 21 || !(r.Points[20].Loss < r.Points[0].Loss) {
			t.Errorf("%s: %d points, loss %v → %v; want 20 steps that lower it", r.Optimizer, len(r.Points), r.Points[0].Loss, r.Points[len(r.Points)-1].Loss)
		}
	}

	// A network's weight matrices, with biases beside them (vector
	// coordinates, which take Muon's momentum step or Shampoo's diagonal one).
	for _, obj := range []string{"deep_linear", "mlp"} {
		rec = do(t, h, http.MethodPost, "/api/run", `{"objective": {"id": "`+obj+`"}, "steps": 20, "runs": [{"optimizer": "muon"}, {"optimizer": "shampoo", "hyper": {"lr": 0.01}}]}`)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", obj, rec.Code, rec.Body)
		}
		decodeBody(t, rec, &ans)
		for _, r := range ans.Runs {
			if len(r.Points) != 21 || !(r.Points[20].Loss < r.Points[0].Loss) {
				t.Errorf("%s on %s: loss %v → %v in %d points; want 20 steps that lower it", r.Optimizer, obj, r.Points[0].Loss, r.Points[len(r.Points)-1].Loss, len(r.Points))
			}
		}
	}
}
