package api

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/optim"
)

// formBytesScenes are run answers pinned to the byte in every form (rows,
// columns, .npy): every optimizer of the catalogue on a 2-D objective (so
// every kind of state, a clipped step's raw and used gradients, gᵀHg from
// the Hessian), and a projected objective (gᵀHg from Hessian-vector
// products). They hold the hand-written encoders and scene.PointOf to the
// answers they gave before they were made faster.
func formBytesScenes() []struct{ name, body string } {
	var runs []string
	for i, o := range optim.Catalogue() {
		if o.ID == "natural_gradient" || o.ID == "muon" || o.ID == "shampoo" {
			continue // need a probabilistic model, matrix parameters: the scenes below
		}
		clip := ""
		if i%3 == 0 {
			clip = `, "clip": {"norm": 2}`
		}
		runs = append(runs, fmt.Sprintf(`{"optimizer": %q%s}`, o.ID, clip))
	}
	half := len(runs) / 2
	scene2 := func(rs []string) string {
		return `{"objective": {"id": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 8, "seed": 3, "runs": [` +
			strings.Join(rs, ",") + `]}`
	}
	return []struct{ name, body string }{
		{"catalogue_a", scene2(runs[:half])},
		{"catalogue_b", scene2(runs[half:])},
		{"logistic", `{"objective": {"id": "logistic_regression"}, "steps": 8, "seed": 1,
			"runs": [{"optimizer": "natural_gradient", "hyper": {"lr": 0.5}, "clip": {"norm": 0.5}}, {"optimizer": "adam"}]}`},
		{"matrix", `{"objective": {"id": "matrix_factorization"}, "steps": 8, "seed": 1,
			"runs": [{"optimizer": "muon"}, {"optimizer": "shampoo", "clip": {"norm": 0.1}}]}`},
		{"projected", `{"objective": {"id": "hd_quadratic", "params": {"n": 12, "cond": 20, "lambda_max": 3}}, "steps": 8, "seed": 2,
			"runs": [{"optimizer": "adam", "hyper": {"lr": 0.05}}, {"optimizer": "momentum"}, {"optimizer": "lbfgs"}]}`},
	}
}

// TestRunFormBytes: each form of each scene is the bytes in
// testdata/forms (written with -update from the answers as they were).
func TestRunFormBytes(t *testing.T) {
	h := testHandler(t)
	for _, sc := range formBytesScenes() {
		for _, form := range []string{"json", "columns", "npy"} {
			t.Run(sc.name+"/"+form, func(t *testing.T) {
				rec := do(t, h, "POST", "/api/run?format="+form, sc.body)
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				file := filepath.Join("testdata", "forms", sc.name+"."+form)
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, rec.Body.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (go test ./internal/api -run TestRunFormBytes -update writes it)", err)
				}
				if got := rec.Body.Bytes(); !bytes.Equal(got, want) {
					i := 0
					for i < len(got) && i < len(want) && got[i] == want[i] {
						i++
					}
					t.Errorf("answer differs from %s at byte %d of %d (want %d): got %q, want %q", file, i, len(got), len(want),
						got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
				}
			})
		}
	}
}
