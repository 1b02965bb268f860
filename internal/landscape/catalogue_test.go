package landscape

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
)

// catalogueObjectives builds every catalogue entry with its defaults, plus
// a few non-default parameter settings.
func catalogueObjectives(t *testing.T) []struct {
	name string
	obj  Objective
	info Info
} {
	t.Helper()
	specs := []Spec{{ID: "rastrigin", Params: map[string]float64{"a": 3}},
		{ID: "plateau", Params: map[string]float64{"width": 0.5, "tilt": 0.2}},
		{ID: "recurrent", Params: map[string]float64{"steps": 7}},
		{ID: "quadratic", Params: map[string]float64{"a": -2, "b": 5, "angle": 30}},
	}
	for _, info := range Catalogue() {
		specs = append(specs, Spec{ID: info.ID})
	}
	var out []struct {
		name string
		obj  Objective
		info Info
	}
	for _, s := range specs {
		obj, info, err := New(s)
		if err != nil {
			t.Fatalf("New(%v): %v", s, err)
		}
		name := s.ID
		if len(s.Params) > 0 {
			name += fmt.Sprint(s.Params)
		}
		out = append(out, struct {
			name string
			obj  Objective
			info Info
		}{name, obj, info})
	}
	return out
}

// samplePoints returns the start, the minima and n random points of the domain.
func samplePoints(info Info, n int, rng *rand.Rand) [][]float64 {
	pts := [][]float64{info.Start}
	pts = append(pts, info.Minima...)
	for range n {
		pts = append(pts, []float64{
			info.Domain.X[0] + rng.Float64()*(info.Domain.X[1]-info.Domain.X[0]),
			info.Domain.Y[0] + rng.Float64()*(info.Domain.Y[1]-info.Domain.Y[0]),
		})
	}
	return pts
}

// close reports whether a ≈ b relative to scale (the size of the whole
// vector or matrix being compared, so a tiny component of a huge gradient
// is judged against the gradient, as the finite difference can only be).
func closeTo(a, b, scale, tol float64) bool {
	return math.Abs(a-b) <= tol*(1+scale)
}

func TestDerivativesAgainstFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range catalogueObjectives(t) {
		t.Run(c.name, func(t *testing.T) {
			h, ok := c.obj.(Hessianer)
			if !ok {
				t.Fatal("catalogue objective without a Hessian")
			}
			n := c.obj.Dim()
			g := make([]float64, n)
			hs := mat.NewSymDense(n, nil)
			jac := mat.NewDense(n, n, nil)
			for _, x := range samplePoints(c.info, 20, rng) {
				f := c.obj.Grad(g, x)
				if v := c.obj.Value(x); v != f {
					t.Errorf("at %v: Grad returns %v, Value %v", x, f, v)
				}
				// Central differences with a short step: the cliff's wall
				// is only 1/500 wide.
				want := fd.Gradient(nil, c.obj.Value, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
				gscale := math.Max(math.Abs(g[0]), math.Abs(g[1]))
				for i := range g {
					if !closeTo(g[i], want[i], gscale, 1e-5) {
						t.Errorf("at %v: grad[%d] = %v, finite differences %v", x, i, g[i], want[i])
					}
				}
				// The Hessian against the Jacobian of the exact gradient,
				// and against second differences of the value where the
				// function is gentle enough for them.
				h.Hess(hs, x)
				fd.Jacobian(jac, func(y, x []float64) { c.obj.Grad(y, x) }, x,
					&fd.JacobianSettings{Formula: fd.Central, Step: 1e-6})
				hscale := 0.0
				for i := range n {
					for j := range n {
						hscale = math.Max(hscale, math.Abs(hs.At(i, j)))
					}
				}
				for i := range n {
					for j := range n {
						if !closeTo(hs.At(i, j), jac.At(i, j), hscale, 1e-5) {
							t.Errorf("at %v: hess[%d][%d] = %v, finite differences of grad %v", x, i, j, hs.At(i, j), jac.At(i, j))
						}
					}
				}
				if c.info.ID != "cliff" && c.info.ID != "recurrent" {
					fdh := mat.NewSymDense(n, nil)
					fd.Hessian(fdh, c.obj.Value, x, &fd.Settings{Formula: fd.Central, Step: 1e-4})
					for i := range n {
						for j := range n {
							if !closeTo(hs.At(i, j), fdh.At(i, j), hscale+math.Abs(f), 1e-4) {
								t.Errorf("at %v: hess[%d][%d] = %v, fd.Hessian %v", x, i, j, hs.At(i, j), fdh.At(i, j))
							}
						}
					}
				}
			}
		})
	}
}

func TestMinimaAreMinima(t *testing.T) {
	for _, c := range catalogueObjectives(t) {
		t.Run(c.name, func(t *testing.T) {
			h := c.obj.(Hessianer)
			g := make([]float64, 2)
			hs := mat.NewSymDense(2, nil)
			for i, m := range c.info.Minima {
				for _, o := range c.info.Minima[:i] {
					if math.Hypot(m[0]-o[0], m[1]-o[1]) < 1e-6 {
						t.Errorf("minimum %v listed twice", m)
					}
				}
				c.obj.Grad(g, m)
				// The gradient vanishes to rounding: judge it against the
				// curvature times the point's size.
				h.Hess(hs, m)
				tol := 1e-9 * (1 + mat.Norm(hs, math.Inf(1))*(1+math.Abs(m[0])+math.Abs(m[1])))
				if math.Hypot(g[0], g[1]) > tol {
					t.Errorf("at minimum %v: gradient %v", m, g)
				}
				var eig mat.EigenSym
				if !eig.Factorize(hs, false) {
					t.Fatalf("at %v: eigen-decomposition failed", m)
				}
				if l := eig.Values(nil); l[0] <= 0 {
					t.Errorf("at minimum %v: Hessian eigenvalues %v, not positive definite", m, l)
				}
				// And nothing nearby is lower.
				f := c.obj.Value(m)
				for _, d := range [][]float64{{1e-3, 0}, {-1e-3, 0}, {0, 1e-3}, {0, -1e-3}, {7e-4, 7e-4}} {
					if v := c.obj.Value([]float64{m[0] + d[0], m[1] + d[1]}); v < f {
						t.Errorf("at minimum %v (J = %v): J(%v away) = %v is lower", m, f, d, v)
					}
				}
			}
		})
	}
}

func TestCatalogueInfo(t *testing.T) {
	required := []string{"quadratic", "rosenbrock", "himmelblau", "beale", "saddle", "monkey_saddle",
		"six_hump_camel", "rastrigin", "plateau", "cliff", "coordinate", "linear_regression",
		"logistic_regression", "recurrent"}
	for _, id := range required {
		info, ok := Lookup(id)
		if !ok {
			t.Errorf("catalogue has no %q", id)
			continue
		}
		d := info.Domain
		if !(d.X[0] < d.X[1] && d.Y[0] < d.Y[1]) {
			t.Errorf("%s: empty domain %v", id, d)
		}
		if len(info.Start) != 2 || info.Start[0] < d.X[0] || info.Start[0] > d.X[1] || info.Start[1] < d.Y[0] || info.Start[1] > d.Y[1] {
			t.Errorf("%s: start %v outside the domain %v", id, info.Start, d)
		}
		for _, m := range info.Minima {
			if m[0] < d.X[0] || m[0] > d.X[1] || m[1] < d.Y[0] || m[1] > d.Y[1] {
				t.Errorf("%s: minimum %v outside the domain %v", id, m, d)
			}
		}
		if info.Minima == nil {
			t.Errorf("%s: Minima is nil; JSON wants [] when there are none", id)
		}
		if info.Section == "" || info.Description == "" || info.Formula == "" || info.Name == "" {
			t.Errorf("%s: incomplete info %+v", id, info)
		}
		for _, p := range info.Params {
			if !(p.Min <= p.Default && p.Default <= p.Max) {
				t.Errorf("%s: param %s default %v outside [%v, %v]", id, p.Name, p.Default, p.Min, p.Max)
			}
		}
	}
}

// The standard forms API.md promises, at points where they are easy to
// work out by hand.
func TestStandardForms(t *testing.T) {
	cases := []struct {
		id   string
		x    []float64
		want float64
	}{
		{"rosenbrock", []float64{0, 0}, 1},
		{"rosenbrock", []float64{-1.2, 1}, 24.2},
		{"himmelblau", []float64{0, 0}, 121 + 49},
		{"beale", []float64{0, 0}, 1.5*1.5 + 2.25*2.25 + 2.625*2.625},
		{"beale", []float64{3, 0.5}, 0},
		{"saddle", []float64{2, 3}, 4 - 9},
		{"monkey_saddle", []float64{2, 1}, 8 - 6},
		{"six_hump_camel", []float64{1, 1}, 4 - 2.1 + 1.0/3 + 1 - 4 + 4},
		{"rastrigin", []float64{0, 0}, 0},
		{"rastrigin", []float64{0.5, 0}, 0.25 + 20},
		{"coordinate", []float64{1, -1}, 4 + 0.1*2},
		{"plateau", []float64{0, 0}, 0},
	}
	for _, c := range cases {
		obj, _, err := New(Spec{ID: c.id})
		if err != nil {
			t.Fatal(err)
		}
		if got := obj.Value(c.x); math.Abs(got-c.want) > 1e-12*(1+math.Abs(c.want)) {
			t.Errorf("%s%v = %v, want %v", c.id, c.x, got, c.want)
		}
	}
}

func TestNewRejectsBadSpecs(t *testing.T) {
	cases := []struct {
		name  string
		spec  Spec
		field string
	}{
		{"unknown id", Spec{ID: "rosenbruck"}, "id"},
		{"no id", Spec{}, "id"},
		{"unknown param", Spec{ID: "rastrigin", Params: map[string]float64{"b": 1}}, "params.b"},
		{"param of a paramless objective", Spec{ID: "cliff", Params: map[string]float64{"x": 1}}, "params.x"},
		{"param too large", Spec{ID: "coordinate", Params: map[string]float64{"alpha": 1e6}}, "params.alpha"},
		{"param negative", Spec{ID: "plateau", Params: map[string]float64{"width": -1}}, "params.width"},
		{"param NaN", Spec{ID: "rastrigin", Params: map[string]float64{"a": math.NaN()}}, "params.a"},
		{"param infinite", Spec{ID: "rastrigin", Params: map[string]float64{"a": math.Inf(1)}}, "params.a"},
		{"steps not whole", Spec{ID: "recurrent", Params: map[string]float64{"steps": 10.5}}, "params.steps"},
		{"steps too many", Spec{ID: "recurrent", Params: map[string]float64{"steps": MaxRecurrentSteps + 1}}, "params.steps"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj, _, err := New(c.spec)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("New(%+v) = %v, %v; want a *fielderr.Error", c.spec, obj, err)
			}
			if fe.Field != c.field {
				t.Errorf("field %q, want %q (%v)", fe.Field, c.field, err)
			}
		})
	}
}

// Minima follow the parameters.
func TestMinimaFollowParams(t *testing.T) {
	_, info, err := New(Spec{ID: "quadratic", Params: map[string]float64{"a": -1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Minima) != 0 {
		t.Errorf("quadratic with a = -1 is a saddle, yet lists minima %v", info.Minima)
	}
	// A weak Rastrigin (a < 1/2π²) is convex: one minimum.
	_, info, err = New(Spec{ID: "rastrigin", Params: map[string]float64{"a": 0.04}})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Minima) != 1 {
		t.Errorf("convex rastrigin lists minima %v, want only the origin", info.Minima)
	}
	if def, _ := Lookup("rastrigin"); len(def.Minima) != 9 {
		t.Errorf("default rastrigin lists %d minima, want the 9 around the origin", len(def.Minima))
	}
}
