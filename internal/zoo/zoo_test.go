package zoo

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/optim"
)

// mlpParams counts an MLP's parameters from its layer widths.
func mlpParams(sizes ...int) int {
	n := 0
	for i := 0; i+1 < len(sizes); i++ {
		n += sizes[i]*sizes[i+1] + sizes[i+1]
	}
	return n
}

func TestCatalogueListsEveryObjectiveWithItsTrueDim(t *testing.T) {
	want := map[string]int{
		"rosenbrock":   2,
		"quadratic":    2,
		"mlp":          mlpParams(2, 32, 32, 2),  // spirals: 2 classes
		"deep_linear":  mlpParams(2, 8, 8, 8, 3), // blobs: 3 classes
		"hd_quadratic": 1000,
	}
	got := map[string]landscape.Info{}
	for _, in := range Catalogue() {
		if _, dup := got[in.ID]; dup {
			t.Errorf("%s listed twice", in.ID)
		}
		got[in.ID] = in
	}
	for id, dim := range want {
		in, ok := got[id]
		if !ok {
			t.Errorf("%s missing from the catalogue", id)
			continue
		}
		if in.Dim != dim {
			t.Errorf("%s: dim %d, want %d", id, in.Dim, dim)
		}
		if projected := dim > 2; in.Projected != projected {
			t.Errorf("%s: projected %v, want %v", id, in.Projected, projected)
		}
	}
	if c := got["mlp"].Choices; len(c) != 4 || c[0].Name != "data" || c[0].Default != "spirals" {
		t.Errorf("mlp choices = %+v, want data (spirals), activation, loss, init", c)
	}
	if _, ok := Lookup("hd_quadratic"); !ok {
		t.Error("Lookup(hd_quadratic) failed")
	}
}

func TestNewBuildsWithParamsAndOptions(t *testing.T) {
	obj, info, m, err := New(landscape.Spec{ID: "mlp",
		Params:  map[string]float64{"width": 5, "depth": 1, "points": 50},
		Options: map[string]string{"data": "blobs", "activation": "relu"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := mlpParams(2, 5, 3); obj.Dim() != want || info.Dim != want {
		t.Errorf("dim %d (info %d), want %d", obj.Dim(), info.Dim, want)
	}
	if m == nil || m.Obj != obj {
		t.Fatal("a projected objective needs its model")
	}
	if _, ok := obj.(landscape.Stochastic); !ok {
		t.Error("the network lost its minibatch gradients")
	}
	if _, _, m2, err := New(landscape.Spec{ID: "rosenbrock"}); err != nil || m2 != nil {
		t.Errorf("rosenbrock: model %v, err %v; want a plain 2-D objective", m2, err)
	}
}

func TestNewFieldErrors(t *testing.T) {
	tests := []struct {
		name  string
		spec  landscape.Spec
		field string
		says  string
	}{
		{"unknown id", landscape.Spec{ID: "resnet"}, "id", "mlp"},
		{"unknown option value", landscape.Spec{ID: "mlp", Options: map[string]string{"data": "mnist"}}, "options.data", "spirals"},
		{"unknown option", landscape.Spec{ID: "mlp", Options: map[string]string{"optimizer": "adam"}}, "options.optimizer", "activation"},
		{"option of an objective without options", landscape.Spec{ID: "hd_quadratic", Options: map[string]string{"data": "xor"}}, "options.data", "no options"},
		{"options on a 2-D objective", landscape.Spec{ID: "rosenbrock", Options: map[string]string{"data": "xor"}}, "options.data", "no options"},
		{"fractional width", landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 3.5}}, "params.width", "whole"},
		{"width out of range", landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 1000}}, "params.width", "between"},
		{"too many parameters", landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 256, "depth": 4}}, "params.width", "parameters"},
		{"unknown parameter", landscape.Spec{ID: "deep_linear", Params: map[string]float64{"noise": 0.1}}, "params.noise", "width"},
		{"blurred network", landscape.Spec{ID: "mlp", Blur: 0.1}, "blur", "high-dimensional"},
		{"linear activation is deep_linear's", landscape.Spec{ID: "mlp", Options: map[string]string{"activation": "linear"}}, "options.activation", "tanh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := New(tt.spec)
			var fe *fielderr.Error
			if !errors.As(err, &fe) {
				t.Fatalf("New = %v, want a field error", err)
			}
			if fe.Field != tt.field || !strings.Contains(fe.Msg, tt.says) {
				t.Errorf("error %q on %q, want one on %q saying %q", fe.Msg, fe.Field, tt.field, tt.says)
			}
		})
	}
}

// TestSmallModelsGiveTheirHessian checks the Hessian formed from
// Hessian-vector products against central differences of the gradient.
func TestSmallModelsGiveTheirHessian(t *testing.T) {
	for _, spec := range []landscape.Spec{
		{ID: "mlp", Params: map[string]float64{"width": 4, "depth": 1, "points": 40}},
		{ID: "hd_quadratic", Params: map[string]float64{"n": 12, "cond": 30, "negative": 0.25}},
	} {
		t.Run(spec.ID, func(t *testing.T) {
			obj, _, m, err := New(spec)
			if err != nil {
				t.Fatal(err)
			}
			h, ok := obj.(landscape.Hessianer)
			if !ok {
				t.Fatalf("a %d-parameter model gives no Hessian", obj.Dim())
			}
			if err := m.CheckOptimizer("newton"); err != nil {
				t.Errorf("newton refused on a small model: %v", err)
			}
			x, _ := m.Init(3)
			n := obj.Dim()
			got := mat.NewSymDense(n, nil)
			h.Hess(got, x)
			want := mat.NewDense(n, n, nil)
			fd.Jacobian(want, func(dst, x []float64) { obj.Grad(dst, x) }, x, &fd.JacobianSettings{Formula: fd.Central})
			for i := range n {
				for j := range n {
					if d := math.Abs(got.At(i, j) - want.At(i, j)); d > 1e-5*(1+math.Abs(want.At(i, j))) {
						t.Fatalf("H[%d,%d] = %g, finite differences give %g", i, j, got.At(i, j), want.At(i, j))
					}
				}
			}
		})
	}
}

func TestBigModelsRefuseNewtonNamingTheLimit(t *testing.T) {
	obj, _, m, err := New(landscape.Spec{ID: "mlp"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := obj.(landscape.Hessianer); ok {
		t.Fatalf("a %d-parameter model forms its Hessian", obj.Dim())
	}
	for _, id := range []string{"newton", "saddle_free_newton"} {
		var fe *fielderr.Error
		if err := m.CheckOptimizer(id); !errors.As(err, &fe) || fe.Field != "optimizer" || !strings.Contains(fe.Msg, "300") {
			t.Errorf("%s: %v, want an error on optimizer naming the limit 300", id, err)
		}
	}
	for _, id := range []string{"adam", "lbfgs", "cg", "bfgs"} {
		if err := m.CheckOptimizer(id); err != nil {
			t.Errorf("%s refused: %v", id, err)
		}
	}
}

func viewOf(t *testing.T, spec landscape.Spec, ps PlaneSpec, seed uint64) *View {
	t.Helper()
	_, _, m, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.View(ps, seed)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var smallMLP = landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 8, "depth": 2, "points": 100}}

func TestViewsProjectTheirOwnPoints(t *testing.T) {
	for _, kind := range PlaneKinds {
		t.Run(kind, func(t *testing.T) {
			v := viewOf(t, smallMLP, PlaneSpec{Kind: kind}, 5)
			in := v.Info(true)
			if in.Kind != kind || in.Dim != len(v.Theta0) || len(in.Axes) != 2 || len(in.Origin) != in.Dim {
				t.Fatalf("info %+v does not describe a %s plane of dimension %d with its vectors", in, kind, len(v.Theta0))
			}
			if math.Abs(in.AxisCos) > 0.5 {
				t.Errorf("axes nearly parallel: cos %g", in.AxisCos)
			}
			for _, ab := range [][2]float64{{0, 0}, {0.3, -0.7}, {-1, 1}} {
				a, b := v.Coords(v.Point(ab[0], ab[1]))
				if math.Abs(a-ab[0]) > 1e-9 || math.Abs(b-ab[1]) > 1e-9 {
					t.Errorf("Coords(Point(%v)) = (%g, %g)", ab, a, b)
				}
			}
			// Off the plane, the least-squares coordinates agree with hd's.
			off := append([]float64(nil), v.Theta0...)
			for i := range off {
				off[i] += 0.01 * math.Sin(float64(i))
			}
			a, b := v.Coords(off)
			ha, hb, _ := v.Plane.Coords(off)
			if math.Abs(a-ha) > 1e-9*(1+math.Abs(ha)) || math.Abs(b-hb) > 1e-9*(1+math.Abs(hb)) {
				t.Errorf("Coords = (%g, %g), hd.Plane.Coords = (%g, %g)", a, b, ha, hb)
			}
			step := v.Point(0.2, -0.1)
			floats.Sub(step, v.Plane.Origin)
			if got, want := v.Norm2(0.2, -0.1), floats.Dot(step, step); math.Abs(got-want) > 1e-9*want {
				t.Errorf("Norm2 = %g, ‖step‖² = %g", got, want)
			}
			a, b = v.Coords(v.Theta0)
			if in.Init != [2]float64{a, b} {
				t.Errorf("init at %v, θ₀ projects to (%g, %g)", in.Init, a, b)
			}
			d := in.Domain
			if !(d.X[0] <= a && a <= d.X[1] && d.Y[0] <= b && b <= d.Y[1]) {
				t.Errorf("domain %+v leaves out the initialisation (%g, %g)", d, a, b)
			}
		})
	}
}

func TestViewsAreDeterministicAndSeeded(t *testing.T) {
	a := viewOf(t, smallMLP, PlaneSpec{}, 1)
	b := viewOf(t, landscape.Spec{ID: "mlp", Params: map[string]float64{"width": 8, "depth": 2, "points": 100, "scale": 1}}, PlaneSpec{Kind: "random"}, 1)
	if a != b {
		t.Error("a spec spelling out a default did not share the cached plane")
	}
	_, _, m, _ := New(smallMLP)
	t0, _ := m.Init(1)
	if !floats.Equal(t0, a.Theta0) {
		t.Error("the plane's origin is not the initialisation of the seed")
	}
	c := viewOf(t, smallMLP, PlaneSpec{}, 2)
	if floats.Equal(c.Theta0, a.Theta0) {
		t.Error("seeds 1 and 2 give the same initialisation")
	}
	seven := uint64(7)
	d := viewOf(t, smallMLP, PlaneSpec{Seed: &seven}, 1)
	if !floats.Equal(d.Theta0, a.Theta0) || floats.Equal(d.Plane.D1, a.Plane.D1) {
		t.Error("the plane's seed should move the directions, not the origin")
	}
	if _, err := m.View(PlaneSpec{Kind: "tsne"}, 1); err == nil || err.(*fielderr.Error).Field != "plane.kind" {
		t.Errorf("bad kind: %v, want an error on plane.kind", err)
	}
}

func TestRandomPlaneIsFilterNormalized(t *testing.T) {
	v := viewOf(t, smallMLP, PlaneSpec{}, 4)
	for _, blk := range v.Model.Blocks {
		for r := range blk.Rows {
			lo, hi := blk.Offset+r*blk.Cols, blk.Offset+(r+1)*blk.Cols
			for _, d := range [][]float64{v.Plane.D1, v.Plane.D2} {
				got, want := floats.Norm(d[lo:hi], 2), floats.Norm(v.Theta0[lo:hi], 2)
				if blk.Bias {
					want = 0
				}
				if math.Abs(got-want) > 1e-12*(1+want) {
					t.Fatalf("block at %d row %d: direction norm %g, weights' %g", blk.Offset, r, got, want)
				}
			}
		}
	}
}

func TestHessianPlaneOfTheQuadraticHasItsTopEigenvalues(t *testing.T) {
	n, cond := 60, 10.0
	v := viewOf(t, landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": float64(n), "cond": cond}}, PlaneSpec{Kind: "hessian"}, 1)
	want := hd.GeometricSpectrum(n, 1, cond)[:2]
	got := v.Info(false).Eigenvalues
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Errorf("λ%d = %g, want %g", i+1, got[i], want[i])
		}
	}
	// Along each axis the loss is a parabola of curvature λ·‖d‖².
	q := v.Model.Obj
	for i, d := range [][]float64{v.Plane.D1, v.Plane.D2} {
		h := 1e-3
		p, m := v.Point(h*float64(1-i), h*float64(i)), v.Point(-h*float64(1-i), -h*float64(i))
		curv := (q.Value(p) - 2*q.Value(v.Theta0) + q.Value(m)) / (h * h)
		if w := want[i] * floats.Dot(d, d); math.Abs(curv-w) > 1e-4*w {
			t.Errorf("curvature along axis %d: %g, want %g", i+1, curv, w)
		}
	}
}

func TestPCAPlaneHoldsThePilot(t *testing.T) {
	v := viewOf(t, smallMLP, PlaneSpec{Kind: "pca"}, 3)
	in := v.Info(false)
	if in.PilotSteps != PilotSteps || len(in.Explained) != 2 || in.Explained[0] < 0.5 {
		t.Errorf("pilot %d steps, explained %v; want %d steps, most of the variance on the first axis", in.PilotSteps, in.Explained, PilotSteps)
	}
	if in.Origin != nil {
		t.Error("Info(false) sent the vectors")
	}
	if in.Domain == planeDomain {
		t.Error("the PCA plane kept the default domain instead of framing the pilot")
	}
}

func TestGrid(t *testing.T) {
	v := viewOf(t, smallMLP, PlaneSpec{}, 1)
	cache := landscape.NewGridCache(4)
	x, y := [2]float64{-1, 1}, [2]float64{-0.5, 0.5}
	g, err := v.Grid(context.Background(), cache, x, y, 7, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Values) != 35 {
		t.Fatalf("%d values, want 35", len(g.Values))
	}
	for i, val := range g.Values {
		if math.IsNaN(val) || math.IsInf(val, 0) || val < g.Min || val > g.Max {
			t.Fatalf("value %d = %g outside [%g, %g]", i, val, g.Min, g.Max)
		}
	}
	// An MLP's plane is drawn with PlaneValue, Value to ~1e-15 relative
	// (not to the bit), as at the corner below.
	if c, want := g.Values[2*7+3], v.Model.Obj.Value(v.Theta0); math.Abs(c-want) > 1e-13*math.Abs(want) {
		t.Errorf("centre %g, J(θ₀) = %g", c, want)
	}
	if corner, want := g.Values[4*7+6], v.Model.Obj.Value(v.Point(1, 0.5)); math.Abs(corner-want) > 1e-12*math.Abs(want) {
		t.Errorf("corner (1, 0.5): %g, want %g", corner, want)
	}
	again, _ := v.Grid(context.Background(), cache, x, y, 7, 5)
	if again != g {
		t.Error("the same grid was computed twice")
	}
	other := viewOf(t, smallMLP, PlaneSpec{Kind: "hessian"}, 1)
	if g2, _ := other.Grid(context.Background(), cache, x, y, 7, 5); g2 == g {
		t.Error("two planes shared one cached grid")
	}
	var fe *fielderr.Error
	if _, err := v.Grid(context.Background(), cache, x, y, MaxGridSide+1, 5); !errors.As(err, &fe) || fe.Field != "nx" || !strings.Contains(fe.Msg, "101") {
		t.Errorf("an oversized grid: %v, want an error on nx naming the cap", err)
	}
}

func TestPlaneSpecJSON(t *testing.T) {
	three := uint64(3)
	tests := []struct {
		name  string
		in    string
		want  PlaneSpec
		field string // "" when valid
	}{
		{"kind alone", `"pca"`, PlaneSpec{Kind: "pca"}, ""},
		{"object", `{"kind": "hessian", "seed": 3}`, PlaneSpec{Kind: "hessian", Seed: &three}, ""},
		{"seed alone", `{"seed": 3}`, PlaneSpec{Seed: &three}, ""},
		{"bad kind", `"tsne"`, PlaneSpec{}, "kind"},
		{"bad kind in an object", `{"kind": "tsne"}`, PlaneSpec{}, "kind"},
		{"unknown field", `{"kind": "random", "origin": 1}`, PlaneSpec{}, "origin"},
		{"negative seed", `{"seed": -1}`, PlaneSpec{}, "seed"},
		{"three points at a run's step", `{"kind": "three_points", "run": 1, "k": 40}`, PlaneSpec{Kind: "three_points"}, ""},
		{"three points alone", `"three_points"`, PlaneSpec{Kind: "three_points"}, ""},
		{"a run on another plane", `{"kind": "pca", "run": 0}`, PlaneSpec{}, "run"},
		{"a step on another plane", `{"kind": "hessian", "k": 3}`, PlaneSpec{}, "k"},
		{"a step without a run", `{"kind": "three_points", "k": 3}`, PlaneSpec{}, "run"},
		{"a negative step", `{"kind": "three_points", "run": 0, "k": -1}`, PlaneSpec{}, "k"},
		{"a negative run", `{"kind": "three_points", "run": -2}`, PlaneSpec{}, "run"},
		{"a fractional step", `{"kind": "three_points", "run": 0, "k": 1.5}`, PlaneSpec{}, "k"},
		{"a number", `4`, PlaneSpec{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p PlaneSpec
			err := json.Unmarshal([]byte(tt.in), &p)
			if tt.field == "" && tt.name != "a number" {
				if err != nil || p.Kind != tt.want.Kind || (p.Seed == nil) != (tt.want.Seed == nil) || (p.Seed != nil && *p.Seed != *tt.want.Seed) {
					t.Errorf("got %+v, %v; want %+v", p, err, tt.want)
				}
				return
			}
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("error %v, want a field error on %q", err, tt.field)
			}
		})
	}
}

func TestThreePointPlaneHoldsInitCurrentAndSolution(t *testing.T) {
	_, _, m, err := New(smallMLP)
	if err != nil {
		t.Fatal(err)
	}
	cfg := optim.Config{Optimizer: "momentum", Hyper: map[string]float64{"lr": 0.05}}
	run := 0
	tests := []struct {
		name    string
		cur     *Replay
		wantK   int
		wantRun bool
		note    string
	}{
		{"a run's step 40", &Replay{Run: 1, Config: cfg, Seed: optim.SeedFor(3, 1), K: 40}, 40, true, ""},
		{"no run: the pilot's halfway point", nil, PilotSteps / 2, false, "pilot's step 100"},
		{"k = 0: the pilot's halfway point", &Replay{Config: cfg, Seed: 9}, PilotSteps / 2, false, "pilot's step 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := PlaneSpec{Kind: PlaneThreePoints}
			if tt.cur != nil {
				ps.Run, ps.K = &run, tt.cur.K
			}
			v, err := m.ViewAt(ps, 3, tt.cur)
			if err != nil {
				t.Fatal(err)
			}
			in := v.Info(false)
			if in.Kind != PlaneThreePoints || in.K != tt.wantK || (in.Run != nil) != tt.wantRun || !strings.Contains(in.Note, tt.note) {
				t.Fatalf("kind %q, k %d, run %v, note %q; want three_points at k = %d (a run's: %v), note with %q",
					in.Kind, in.K, in.Run, in.Note, tt.wantK, tt.wantRun, tt.note)
			}
			// The points the plane goes through, found independently.
			current := replayTo(t, m, v.Theta0, tt.cur, tt.wantK)
			solution := replayTo(t, m, v.Theta0, &Replay{Config: optim.Config{Optimizer: "adam", Hyper: map[string]float64{"lr": PilotLR}}, Seed: 3}, PilotSteps)
			for _, p := range []struct {
				name string
				x    []float64
				at   *[2]float64
			}{{"θ₀", v.Theta0, &in.Init}, {"current", current, in.Current}, {"solution", solution, in.Solution}} {
				a, b, dist := v.Plane.Coords(p.x)
				if dist > 1e-9*(1+floats.Norm(p.x, 2)) {
					t.Errorf("%s lies %g off the plane", p.name, dist)
				}
				if p.at == nil || math.Abs(p.at[0]-a) > 1e-9 || math.Abs(p.at[1]-b) > 1e-9 {
					t.Errorf("%s at %v in the info, projects to (%g, %g)", p.name, p.at, a, b)
				}
				d := in.Domain
				if !(d.X[0] < a && a < d.X[1] && d.Y[0] < b && b < d.Y[1]) {
					t.Errorf("domain %+v leaves out %s (%g, %g)", d, p.name, a, b)
				}
			}
			// Gram–Schmidt: unit axes at right angles, d1 along current − θ₀.
			if n1, n2 := floats.Norm(v.Plane.D1, 2), floats.Norm(v.Plane.D2, 2); math.Abs(n1-1) > 1e-12 || math.Abs(n2-1) > 1e-12 || math.Abs(in.AxisCos) > 1e-12 {
				t.Errorf("‖d1‖ = %g, ‖d2‖ = %g, cos = %g; want orthonormal axes", n1, n2, in.AxisCos)
			}
			if want := floats.Distance(current, v.Theta0, 2); math.Abs(in.Current[0]-want) > 1e-9*want || math.Abs(in.Current[1]) > 1e-9*want {
				t.Errorf("current at %v, want (‖current − θ₀‖, 0) = (%g, 0)", *in.Current, want)
			}
		})
	}
}

// replayTo runs cur (nil: the PCA pilot) from theta0 for k steps.
func replayTo(t *testing.T, m *Model, theta0 []float64, cur *Replay, k int) []float64 {
	t.Helper()
	if cur == nil || cur.K == 0 {
		cur = &Replay{Config: optim.Config{Optimizer: "adam", Hyper: map[string]float64{"lr": PilotLR}}, Seed: 3}
	}
	r, err := optim.NewRun(m.Obj, theta0, cur.Config, cur.Seed)
	if err != nil {
		t.Fatal(err)
	}
	for range k {
		r.Step()
	}
	return r.Current().Theta
}

func TestThreePointPlanesAreCachedByTheirCurrentPoint(t *testing.T) {
	_, _, m, _ := New(smallMLP)
	cfg := optim.Config{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.1}}
	ps := PlaneSpec{Kind: PlaneThreePoints}
	at := func(k int) *View {
		v, err := m.ViewAt(ps, 2, &Replay{Config: cfg, Seed: 5, K: k})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if at(10) != at(10) {
		t.Error("the same current point made two planes")
	}
	if at(10) == at(20) || floats.Equal(at(10).Plane.D1, at(20).Plane.D1) {
		t.Error("steps 10 and 20 share a plane")
	}
	if v, _ := m.View(ps, 2); v != at(0) {
		t.Error("k = 0 is not the plane without a run")
	}
	// Other kinds ignore the replay.
	if a, _ := m.ViewAt(PlaneSpec{Kind: PlanePCA}, 2, &Replay{Config: cfg, K: 10}); a != viewOf(t, smallMLP, PlaneSpec{Kind: PlanePCA}, 2) {
		t.Error("a replay changed the PCA plane")
	}
}

// TestInterpolateAlongTheTopEigenvectors: on the high-dimensional quadratic,
// the loss along eigenvector i at θ is a parabola of curvature λᵢ·L², L the
// segment's length, and the λᵢ are the top of the known spectrum.
func TestInterpolateAlongTheTopEigenvectors(t *testing.T) {
	n, cond := 80, 50.0
	obj, _, _, err := New(landscape.Spec{ID: "hd_quadratic", Params: map[string]float64{"n": float64(n), "cond": cond}})
	if err != nil {
		t.Fatal(err)
	}
	want := hd.GeometricSpectrum(n, 1, cond)
	from, to := make([]float64, n), make([]float64, n)
	for i := range from {
		from[i] = math.Sin(float64(i))
		to[i] = 0.5 * math.Cos(float64(3*i))
	}
	length := floats.Distance(from, to, 2)
	for _, tt := range []struct {
		name string
		eigs int
	}{{"none", 0}, {"the top one", 1}, {"the default", DefaultEigenLines}, {"the most", MaxEigenLines}} {
		t.Run(tt.name, func(t *testing.T) {
			in, err := InterpolateAlong(context.Background(), obj, from, to, 21, tt.eigs)
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Eigs) != tt.eigs || (tt.eigs > 0) != (in.Eig != nil) {
				t.Fatalf("%d eigen-lines, eig %v; want %d", len(in.Eigs), in.Eig != nil, tt.eigs)
			}
			if tt.eigs > 0 && (in.Eig.Lambda != in.Eigs[0].Lambda || &in.Eig.Loss[0] != &in.Eigs[0].Loss[0]) {
				t.Error("eig is not the first of eigs")
			}
			for i, el := range in.Eigs {
				if math.Abs(el.Lambda-want[i]) > 1e-3*want[0] {
					t.Errorf("λ%d = %g, want %g", i+1, el.Lambda, want[i])
				}
				// Second differences of the parabola: λ·L²·Δt².
				dt := el.T[1] - el.T[0]
				curv := (el.Loss[2] - 2*el.Loss[1] + el.Loss[0]) / (dt * dt)
				if w := el.Lambda * length * length; math.Abs(curv-w) > 1e-6*w {
					t.Errorf("line %d: curvature %g, want λ·L² = %g", i+1, curv, w)
				}
				// The span: where the parabola has risen by the segment's
				// range (or EigenSpan for a gentle direction).
				span, m := el.T[len(el.T)-1], len(el.T)-1
				rise := (el.Loss[0]+el.Loss[m])/2 - obj.Value(to)
				if segment := lossRange(in.T, in.Loss); span < EigenSpan {
					if math.Abs(rise-segment) > 1e-9*segment {
						t.Errorf("line %d over ±%g rises by %g, the segment's range is %g", i+1, span, rise, segment)
					}
				} else if rise > segment {
					t.Errorf("line %d over the full span rises by %g, beyond the segment's %g", i+1, rise, segment)
				}
				for j, x := range el.T {
					if x == 0 && el.Loss[j] != obj.Value(to) {
						t.Errorf("line %d at t = 0: %g, J(θ_k) = %g", i+1, el.Loss[j], obj.Value(to))
					}
				}
			}
		})
	}
	var fe *fielderr.Error
	if _, err := InterpolateAlong(context.Background(), obj, from, to, 21, MaxEigenLines+1); !errors.As(err, &fe) || fe.Field != "eigs" {
		t.Errorf("eigs = %d: %v, want an error on eigs", MaxEigenLines+1, err)
	}
}
