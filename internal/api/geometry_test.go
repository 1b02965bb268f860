package api

import (
	"fmt"
	"math"
	"testing"
)

type gridAnswer struct {
	X, Y     []float64
	NX, NY   int
	Values   []float64
	Min, Max float64
}

func TestLandscapeValuesAreTheFunction(t *testing.T) {
	// A non-square grid, so a transposed answer cannot pass.
	const nx, ny = 5, 3
	body := fmt.Sprintf(`{"objective": {"id": "rosenbrock"}, "x": [-2, 2], "y": [-1, 3], "nx": %d, "ny": %d}`, nx, ny)
	rec := do(t, testHandler(t), "POST", "/api/landscape", body)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var g gridAnswer
	decodeBody(t, rec, &g)
	if g.NX != nx || g.NY != ny || len(g.Values) != nx*ny {
		t.Fatalf("grid %d×%d with %d values, want %d×%d", g.NX, g.NY, len(g.Values), nx, ny)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for j := range ny {
		y := -1 + 4*float64(j)/(ny-1)
		for i := range nx {
			x := -2 + 4*float64(i)/(nx-1)
			got, want := g.Values[j*nx+i], rosenbrock(x, y)
			if math.Abs(got-want) > 1e-12*(1+want) {
				t.Errorf("values[%d] (row %d, column %d) = %v, J(%v, %v) = %v", j*nx+i, j, i, got, x, y, want)
			}
			lo, hi = math.Min(lo, want), math.Max(hi, want)
		}
	}
	if g.Min != lo || g.Max != hi {
		t.Errorf("min, max = %v, %v; want %v, %v", g.Min, g.Max, lo, hi)
	}
}

func TestLandscapeDefaultsToTheDomain(t *testing.T) {
	h := testHandler(t)
	var objs []objectiveJSON
	decodeBody(t, do(t, h, "GET", "/api/objectives", ""), &objs)
	var q objectiveJSON
	for _, o := range objs {
		if o.ID == "quadratic" {
			q = o
		}
	}
	rec := do(t, h, "POST", "/api/landscape", `{"objective": {"id": "quadratic"}}`)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var g gridAnswer
	decodeBody(t, rec, &g)
	if g.NX != DefaultGridSide || g.NY != DefaultGridSide {
		t.Errorf("grid %d×%d, want the default %d×%d", g.NX, g.NY, DefaultGridSide, DefaultGridSide)
	}
	if fmt.Sprint(g.X, g.Y) != fmt.Sprint(q.Domain.X, q.Domain.Y) {
		t.Errorf("ranges %v × %v, want quadratic's domain %v × %v", g.X, g.Y, q.Domain.X, q.Domain.Y)
	}
}

func TestHessian(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		hessian   [2][2]float64
		condition float64
	}{
		// At its minimum (1, 1) Rosenbrock's Hessian is [[802, −400], [−400, 200]].
		{"rosenbrock minimum", `{"objective": {"id": "rosenbrock"}, "at": [1, 1]}`, [2][2]float64{{802, -400}, {-400, 200}}, 0},
		// The quadratic ½(x² + 25y²): H = diag(1, 25), condition 25 (Fig 8.1's valley).
		{"quadratic", `{"objective": {"id": "quadratic", "params": {"a": 1, "b": 25, "angle": 0}}, "at": [0.3, -2]}`, [2][2]float64{{1, 0}, {0, 25}}, 25},
	}
	h := testHandler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, "POST", "/api/hessian", tt.body)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var g struct {
				Loss         float64
				Grad         []float64
				Hessian      [][]float64
				Eigenvalues  []float64
				Eigenvectors [][]float64
				Condition    float64
			}
			decodeBody(t, rec, &g)
			for i := range 2 {
				for j := range 2 {
					if math.Abs(g.Hessian[i][j]-tt.hessian[i][j]) > 1e-9 {
						t.Fatalf("hessian = %v, want %v", g.Hessian, tt.hessian)
					}
				}
			}
			if len(g.Eigenvalues) != 2 || g.Eigenvalues[0] > g.Eigenvalues[1] {
				t.Fatalf("eigenvalues %v, want two, ascending", g.Eigenvalues)
			}
			for k, v := range g.Eigenvectors {
				lam := g.Eigenvalues[k]
				if math.Abs(math.Hypot(v[0], v[1])-1) > 1e-12 {
					t.Errorf("eigenvector %v is not unit", v)
				}
				for i := range 2 {
					hv := tt.hessian[i][0]*v[0] + tt.hessian[i][1]*v[1]
					if math.Abs(hv-lam*v[i]) > 1e-9*(1+math.Abs(lam)) {
						t.Errorf("H·v ≠ λ·v for λ = %v, v = %v", lam, v)
					}
				}
			}
			want := math.Abs(g.Eigenvalues[1]) / math.Abs(g.Eigenvalues[0])
			if tt.condition != 0 {
				want = tt.condition
			}
			if math.Abs(g.Condition-want) > 1e-9*want {
				t.Errorf("condition = %v, want %v", g.Condition, want)
			}
		})
	}
}
