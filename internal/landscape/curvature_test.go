package landscape

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

func TestCurvature(t *testing.T) {
	cases := []struct {
		name      string
		obj       Objective
		at        []float64
		eig       []float64 // expected eigenvalues, ascending
		condition float64
		singular  bool
	}{
		{"axis-aligned valley", NewQuadratic(1, 25, 0), []float64{1, 1}, []float64{1, 25}, 25, false},
		{"rotated valley", NewQuadratic(2, 50, 40), []float64{-1, 0.5}, []float64{2, 50}, 25, false},
		{"saddle", Saddle{}, []float64{0.3, 0.2}, []float64{-2, 2}, 1, false},
		{"monkey saddle's flat centre", MonkeySaddle{}, []float64{0, 0}, []float64{0, 0}, MaxCondition, true},
		{"trough", NewQuadratic(0, 4, 0), []float64{1, 1}, []float64{0, 4}, MaxCondition, true},
		{"hessian from products", hvOnly{NewQuadratic(3, 12, 25)}, []float64{0.5, -1}, []float64{3, 12}, 4, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := Curvature(c.obj, c.at)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range c.eig {
				if math.Abs(g.Eigenvalues[i]-l) > 1e-12*(1+math.Abs(l)) {
					t.Errorf("eigenvalues %v, want %v", g.Eigenvalues, c.eig)
				}
			}
			if math.Abs(g.Condition-c.condition) > 1e-9*c.condition || g.Singular != c.singular {
				t.Errorf("condition %v singular %v, want %v %v", g.Condition, g.Singular, c.condition, c.singular)
			}
			// Each eigenvector is a unit vector with H·v = λ·v.
			h := mat.NewDense(2, 2, []float64{g.Hessian[0][0], g.Hessian[0][1], g.Hessian[1][0], g.Hessian[1][1]})
			for k, v := range g.Eigenvectors {
				if n := math.Hypot(v[0], v[1]); math.Abs(n-1) > 1e-12 {
					t.Errorf("eigenvector %d has norm %v", k, n)
				}
				var hv mat.VecDense
				hv.MulVec(h, mat.NewVecDense(2, v))
				for i := range 2 {
					if math.Abs(hv.AtVec(i)-g.Eigenvalues[k]*v[i]) > 1e-10*(1+math.Abs(g.Eigenvalues[k])) {
						t.Errorf("H·v%d = %v, λv = %v", k, hv.RawVector().Data, []float64{g.Eigenvalues[k] * v[0], g.Eigenvalues[k] * v[1]})
					}
				}
			}
			// gᵀg and gᵀHg from the gradient and Hessian.
			want := g.Grad[0]*g.Grad[0] + g.Grad[1]*g.Grad[1]
			wantH := g.Grad[0]*(g.Hessian[0][0]*g.Grad[0]+g.Hessian[0][1]*g.Grad[1]) +
				g.Grad[1]*(g.Hessian[1][0]*g.Grad[0]+g.Hessian[1][1]*g.Grad[1])
			if g.GTG != want || math.Abs(g.GTHG-wantH) > 1e-12*(1+math.Abs(wantH)) {
				t.Errorf("gtg %v gthg %v, want %v %v", g.GTG, g.GTHG, want, wantH)
			}
			if g.Loss != c.obj.Value(c.at) {
				t.Errorf("loss %v, want %v", g.Loss, c.obj.Value(c.at))
			}
			if _, err := json.Marshal(g); err != nil {
				t.Errorf("geometry does not encode: %v", err)
			}
		})
	}
}

// The rotated quadratic's first eigenvector points along its shallow axis.
func TestCurvatureEigenvectorDirection(t *testing.T) {
	g, err := Curvature(NewQuadratic(1, 25, 30), []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	c, s := math.Cos(math.Pi/6), math.Sin(math.Pi/6)
	// u = c·x + s·y has curvature a = 1: the direction (c, s).
	if v := g.Eigenvectors[0]; math.Abs(math.Abs(v[0]*c+v[1]*s)-1) > 1e-12 {
		t.Errorf("shallow eigenvector %v, want ±(%v, %v)", v, c, s)
	}
}

func TestCurvatureJSONShape(t *testing.T) {
	g, err := Curvature(Rosenbrock{}, []float64{-1.2, 1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(g)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"loss", "grad", "hessian", "eigenvalues", "eigenvectors", "condition", "gtg", "gthg"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON %s lacks %q", b, k)
		}
	}
	// API.md's example: rosenbrock at (−1.2, 1) has loss 24.2, grad (−215.6, −88).
	if math.Abs(g.Loss-24.2) > 1e-12 || math.Abs(g.Grad[0]+215.6) > 1e-9 || math.Abs(g.Grad[1]+88) > 1e-9 {
		t.Errorf("loss %v grad %v, want 24.2 (−215.6, −88)", g.Loss, g.Grad)
	}
}

func TestCurvatureErrors(t *testing.T) {
	if _, err := Curvature(noHess{Himmelblau{}}, []float64{1, 1}); !errors.Is(err, ErrNoHessian) {
		t.Errorf("no Hessian: err = %v, want ErrNoHessian", err)
	}
	for _, at := range [][]float64{{math.NaN(), 0}, {1}, {0, math.Inf(1)}} {
		_, err := Curvature(Himmelblau{}, at)
		var fe *fielderr.Error
		if !errors.As(err, &fe) || (fe.Field != "at" && fe.Field != "at[0]" && fe.Field != "at[1]") {
			t.Errorf("at %v: err = %v, want a field error on at", at, err)
		}
	}
	// A finite point where the loss overflows.
	_, err := Curvature(NewRecurrent(MaxRecurrentSteps), []float64{1e5, 1})
	var fe *fielderr.Error
	if !errors.As(err, &fe) {
		t.Errorf("overflowing loss: err = %v, want a field error", err)
	}
}

// hvOnly offers only Hessian-vector products.
type hvOnly struct{ q *Quadratic }

func (h hvOnly) Dim() int                    { return 2 }
func (h hvOnly) Value(x []float64) float64   { return h.q.Value(x) }
func (h hvOnly) Grad(g, x []float64) float64 { return h.q.Grad(g, x) }
func (h hvOnly) HessVec(dst, x, v []float64) {
	m := mat.NewSymDense(2, nil)
	h.q.Hess(m, x)
	dst[0] = m.At(0, 0)*v[0] + m.At(0, 1)*v[1]
	dst[1] = m.At(1, 0)*v[0] + m.At(1, 1)*v[1]
}

var _ HessVecer = hvOnly{}
