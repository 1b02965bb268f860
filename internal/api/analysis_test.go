package api

import (
	"math"
	"net/http"
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
)

type spectrumAnswer struct {
	At          string    `json:"at"`
	K           int       `json:"k"`
	Eigenvalues []float64 `json:"eigenvalues"`
	Density     struct {
		X []float64 `json:"x"`
		Y []float64 `json:"y"`
	} `json:"density"`
	Min, Max float64
}

// TestSpectrumOfQuadratic: the top eigenvalues of the quadratic with a
// geometric spectrum are λᵢ = λmax·cond^(−i/(n−1)); its extremes are λmax
// and λmax/cond.
func TestSpectrumOfQuadratic(t *testing.T) {
	const n, cond, lmax = 40, 20.0, 3.0
	body := `{"objective": {"id": "hd_quadratic", "params": {"n": 40, "cond": 20, "lambda_max": 3}}, "seed": 2, "at": "start", "k": 3}`
	rec := do(t, testHandler(t), http.MethodPost, "/api/spectrum", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var s spectrumAnswer
	decodeBody(t, rec, &s)
	if s.At != "start" || s.K != 0 || len(s.Eigenvalues) != 3 {
		t.Fatalf("at %q k %d, %d eigenvalues", s.At, s.K, len(s.Eigenvalues))
	}
	for i, got := range s.Eigenvalues {
		if want := lmax * math.Pow(cond, -float64(i)/(n-1)); math.Abs(got-want) > 1e-6*lmax {
			t.Errorf("λ%d = %.9g, want %.9g", i+1, got, want)
		}
	}
	if math.Abs(s.Max-lmax) > 1e-6 || math.Abs(s.Min-lmax/cond) > 0.05*lmax/cond {
		t.Errorf("range [%g, %g], want [%g, %g]", s.Min, s.Max, lmax/cond, lmax)
	}
	if len(s.Density.X) == 0 || len(s.Density.X) != len(s.Density.Y) {
		t.Errorf("density of %d × %d points", len(s.Density.X), len(s.Density.Y))
	}
}

// TestSpectrumOfANetwork: a network's spectrum at θ₀ is finite, descending
// and inside the density's range.
func TestSpectrumOfANetwork(t *testing.T) {
	body := `{"objective": {"id": "mlp", "params": {"width": 6, "points": 60}}, "seed": 1, "k": 4}`
	rec := do(t, testHandler(t), http.MethodPost, "/api/spectrum", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var s spectrumAnswer
	decodeBody(t, rec, &s)
	if len(s.Eigenvalues) != 4 {
		t.Fatalf("%d eigenvalues", len(s.Eigenvalues))
	}
	for i, v := range s.Eigenvalues {
		if i > 0 && v > s.Eigenvalues[i-1] {
			t.Errorf("eigenvalues not descending: %v", s.Eigenvalues)
		}
		if v > s.Max+1e-9 || v < s.Min-1e-9 {
			t.Errorf("λ = %g outside [%g, %g]", v, s.Min, s.Max)
		}
	}
}

// TestInterpolate: the curve passes through the start's loss at t = 0 and
// the run's last loss at t = 1, as /api/run reports them.
func TestInterpolate(t *testing.T) {
	h := testHandler(t)
	const steps = 40
	req := `{"objective": {"id": "mlp", "params": {"width": 8, "points": 100}}, "seed": 3, "steps": 40, "n": 31,
		"runs": [{"optimizer": "adam", "hyper": {"lr": 0.02}}]}`
	rec := do(t, h, http.MethodPost, "/api/interpolate", req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var in struct {
		K    int       `json:"k"`
		T    []float64 `json:"t"`
		Loss []float64 `json:"loss"`
		Eig  *struct {
			Lambda float64 `json:"lambda"`
		} `json:"eig"`
	}
	decodeBody(t, rec, &in)
	run := do(t, h, http.MethodPost, "/api/run", req[:len(req)-len(`"n": 31,
		"runs": [{"optimizer": "adam", "hyper": {"lr": 0.02}}]}`)]+`"runs": [{"optimizer": "adam", "hyper": {"lr": 0.02}}]}`)
	if run.Code != http.StatusOK {
		t.Fatalf("/api/run: status %d: %s", run.Code, run.Body)
	}
	var got struct {
		Runs []scene.RunResult `json:"runs"`
	}
	decodeBody(t, run, &got)
	pts := got.Runs[0].Points
	if in.K != steps || len(in.T) != 31 || len(in.Loss) != 31 || in.Eig == nil {
		t.Fatalf("k %d, %d t, %d losses, eig %v", in.K, len(in.T), len(in.Loss), in.Eig)
	}
	want := map[float64]float64{0: pts[0].Loss, 1: pts[steps].Loss}
	for i, tt := range in.T {
		if w, ok := want[tt]; ok {
			delete(want, tt)
			if math.Abs(in.Loss[i]-w) > 1e-12*w {
				t.Errorf("loss at t = %g is %.15g, /api/run's %.15g", tt, in.Loss[i], w)
			}
		}
	}
	if len(want) != 0 {
		t.Errorf("t misses %v: %v", want, in.T)
	}
	if !(in.Loss[0] > pts[steps].Loss) {
		t.Errorf("loss at t = −0.25 is %g, below the trained %g", in.Loss[0], pts[steps].Loss)
	}
}

func TestAnalysisBadRequests(t *testing.T) {
	h := testHandler(t)
	cases := []struct {
		name, path, body, field string
	}{
		{"spectrum without objective", "/api/spectrum", `{}`, "objective.id"},
		{"spectrum unknown objective", "/api/spectrum", `{"objective": {"id": "nope"}}`, "objective.id"},
		{"spectrum at current", "/api/spectrum", `{"objective": {"id": "hd_quadratic"}, "at": "current"}`, "at"},
		{"spectrum k 0", "/api/spectrum", `{"objective": {"id": "hd_quadratic"}, "k": 0}`, "k"},
		{"spectrum k 21", "/api/spectrum", `{"objective": {"id": "hd_quadratic"}, "k": 21}`, "k"},
		{"spectrum k above dim", "/api/spectrum", `{"objective": {"id": "rosenbrock"}, "k": 3}`, "k"},
		{"spectrum k a string", "/api/spectrum", `{"objective": {"id": "hd_quadratic"}, "k": "3"}`, "k"},
		{"spectrum bad param", "/api/spectrum", `{"objective": {"id": "mlp", "params": {"width": 0}}}`, "objective.params.width"},
		{"spectrum unknown field", "/api/spectrum", `{"objective": {"id": "hd_quadratic"}, "top": 3}`, "top"},
		{"interpolate no runs", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": []}`, "runs"},
		{"interpolate two runs", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd"}, {"optimizer": "gd"}]}`, "runs"},
		{"interpolate steps -1", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd"}], "steps": -1}`, "steps"},
		{"interpolate eigs 6", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd"}], "eigs": 6}`, "eigs"},
		{"interpolate n 1", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd"}], "n": 1}`, "n"},
		{"interpolate n 202", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd"}], "n": 202}`, "n"},
		{"interpolate bad optimizer", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "nope"}]}`, "runs[0].optimizer"},
		{"interpolate bad lr", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd", "hyper": {"lr": -1}}]}`, "runs[0].hyper.lr"},
		{"interpolate unknown field", "/api/interpolate", `{"objective": {"id": "hd_quadratic"}, "runs": [{"optimizer": "gd"}], "points": 3}`, "points"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodPost, tc.path, tc.body)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var e struct {
				Error string `json:"error"`
				Field string `json:"field"`
			}
			decodeBody(t, rec, &e)
			if e.Field != tc.field || e.Error == "" {
				t.Errorf("error %q on %q, want field %q", e.Error, e.Field, tc.field)
			}
		})
	}
	if rec := do(t, h, http.MethodGet, "/api/spectrum", ""); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET /api/spectrum: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}
