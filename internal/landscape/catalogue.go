package landscape

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape/expr"
)

// entry is one objective of the catalogue: its description and a builder
// that receives every parameter (defaults filled in, ranges checked).
type entry struct {
	info  Info
	build func(p map[string]float64) Objective
	// minima, when set, gives the minima for parameters other than the
	// defaults (Info.Minima holds those of the defaults).
	minima func(p map[string]float64) [][]float64
	// check, when set, validates parameters beyond their ranges.
	check func(p map[string]float64) error
}

// catalogue lists the built-in objectives in the order the page shows them.
var catalogue = []entry{
	{
		info: Info{
			ID: "quadratic", Name: "Quadratic valley", Dim: 2,
			Params: []Param{
				{Name: "a", Default: 1, Min: -100, Max: 1000},
				{Name: "b", Default: 25, Min: -100, Max: 1000},
				{Name: "angle", Default: 0, Min: -180, Max: 180},
			},
			Domain:  Domain{X: [2]float64{-3, 3}, Y: [2]float64{-3, 3}},
			Minima:  [][]float64{{0, 0}},
			Start:   []float64{-2.5, 1.5},
			Section: "8.2.1",
			Description: "½(a·u² + b·v²) in axes rotated by angle (degrees): the ill-conditioned valley of §8.2.1, condition number b/a. " +
				"The geometry read-out's condition number is |λ|max/|λ|min, capped at 10¹⁶ and marked singular when the smaller curvature is 0 (a = 0 or b = 0).",
			Formula: "½(a u² + b v²), (u, v) = R(angle)·(x, y)",
		},
		build: func(p map[string]float64) Objective { return NewQuadratic(p["a"], p["b"], p["angle"]) },
		minima: func(p map[string]float64) [][]float64 {
			if p["a"] > 0 && p["b"] > 0 {
				return [][]float64{{0, 0}}
			}
			return [][]float64{} // a saddle or a trough: no strict minimum
		},
	},
	{
		info: Info{
			ID: "rosenbrock", Name: "Rosenbrock", Dim: 2,
			Domain:      Domain{X: [2]float64{-2, 2}, Y: [2]float64{-1, 3}},
			Minima:      [][]float64{{1, 1}},
			Start:       []float64{-1.2, 1},
			Section:     "8.6 (draft 8.5)",
			Description: "A curved, narrow valley: first-order methods crawl along its floor, second-order methods follow it.",
			Formula:     "(1−x)² + 100(y−x²)²",
		},
		build: func(map[string]float64) Objective { return Rosenbrock{} },
	},
	{
		info: Info{
			ID: "himmelblau", Name: "Himmelblau", Dim: 2,
			Domain:      Domain{X: [2]float64{-5, 5}, Y: [2]float64{-5, 5}},
			Minima:      polish(Himmelblau{}, []float64{3, 2}, []float64{-2.805, 3.131}, []float64{-3.779, -3.283}, []float64{3.584, -1.848}),
			Start:       []float64{0, 0},
			Section:     "8.2.2",
			Description: "Four minima of equal height (8.2.2): where gradient descent ends depends only on which basin it starts in.",
			Formula:     "(x² + y − 11)² + (x + y² − 7)²",
		},
		build: func(map[string]float64) Objective { return Himmelblau{} },
	},
	{
		info: Info{
			ID: "beale", Name: "Beale", Dim: 2,
			Domain:      Domain{X: [2]float64{-4.5, 4.5}, Y: [2]float64{-4.5, 4.5}},
			Minima:      [][]float64{{3, 0.5}},
			Start:       []float64{1, 1.5},
			Section:     "8.5 (draft 8.4)",
			Description: "A flat basin between steep ridges (§8.5, draft 8.4): gradient scales differ by orders of magnitude, where per-coordinate adaptive rates help.",
			Formula:     "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
		},
		build: func(map[string]float64) Objective { return Beale{} },
	},
	{
		info: Info{
			ID: "saddle", Name: "Saddle", Dim: 2,
			Domain:      Domain{X: [2]float64{-2, 2}, Y: [2]float64{-2, 2}},
			Minima:      [][]float64{},
			Start:       []float64{-1.5, 0.05},
			Section:     "8.2.3 (draft 8.2.4)",
			Description: "A saddle point at the origin (§8.2.3, draft 8.2.4): gradient descent slides off it, Newton's method is drawn into it.",
			Formula:     "x² − y²",
		},
		build: func(map[string]float64) Objective { return Saddle{} },
	},
	{
		info: Info{
			ID: "monkey_saddle", Name: "Monkey saddle", Dim: 2,
			Domain:      Domain{X: [2]float64{-2, 2}, Y: [2]float64{-2, 2}},
			Minima:      [][]float64{},
			Start:       []float64{1.5, 0.1},
			Section:     "8.2.3 (draft 8.2.4)",
			Description: "A degenerate saddle with three downhill valleys (§8.2.3, draft 8.2.4): its Hessian vanishes at the origin, so curvature says nothing there (the read-out's condition number is then marked singular).",
			Formula:     "x³ − 3xy²",
		},
		build: func(map[string]float64) Objective { return MonkeySaddle{} },
	},
	{
		info: Info{
			ID: "six_hump_camel", Name: "Six-hump camel", Dim: 2,
			Domain: Domain{X: [2]float64{-2, 2}, Y: [2]float64{-1.2, 1.2}},
			Minima: polish(SixHumpCamel{},
				[]float64{0.0898, -0.7126}, []float64{-0.0898, 0.7126},
				[]float64{-1.7036, 0.7961}, []float64{1.7036, -0.7961},
				[]float64{-1.6071, -0.5687}, []float64{1.6071, 0.5687}),
			Start:       []float64{-1.2, -0.2},
			Section:     "8.2.2",
			Description: "Two global and four local minima (8.2.2): local minima of higher cost are where a descent method may be caught.",
			Formula:     "(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²",
		},
		build: func(map[string]float64) Objective { return SixHumpCamel{} },
	},
	{
		info: Info{
			ID: "rastrigin", Name: "Rastrigin", Dim: 2,
			Params:      []Param{{Name: "a", Default: 10, Min: 0, Max: 50}},
			Domain:      Domain{X: [2]float64{-5.12, 5.12}, Y: [2]float64{-5.12, 5.12}},
			Minima:      rastriginMinima(10),
			Start:       []float64{3.2, -2.3},
			Section:     "8.7.6 (draft 8.7.5)",
			Description: "A bowl covered in local minima (§8.2.2; §8.7.6, draft 8.7.5): blurring it (continuation) leaves one convex basin whose minimum is tracked as σ falls. Minima listed near the origin.",
			Formula:     "2a + x² − a·cos 2πx + y² − a·cos 2πy",
		},
		build:  func(p map[string]float64) Objective { return Rastrigin{A: p["a"]} },
		minima: func(p map[string]float64) [][]float64 { return rastriginMinima(p["a"]) },
	},
	{
		info: Info{
			ID: "plateau", Name: "Plateau", Dim: 2,
			Params: []Param{
				{Name: "width", Default: 1, Min: 0.2, Max: 5},
				{Name: "tilt", Default: 0.01, Min: 0, Max: 1},
			},
			Domain:      Domain{X: [2]float64{-3, 3}, Y: [2]float64{-3, 3}},
			Minima:      [][]float64{{0, 0}},
			Start:       []float64{2.5, 2},
			Section:     "8.2.3 (draft 8.2.4)",
			Description: "A bowl squashed flat by tanh (§8.2.3, draft 8.2.4): on the shelf the gradient all but vanishes and gradient descent crawls, then drops into the well.",
			Formula:     "tanh((x² + 2y²)/width²) + ½·tilt·(x² + y²)",
		},
		build: func(p map[string]float64) Objective { return Plateau{Width: p["width"], Tilt: p["tilt"]} },
	},
	{
		info: Info{
			ID: "cliff", Name: "Cliff", Dim: 2,
			Domain:      Domain{X: [2]float64{-2.5, 1.5}, Y: [2]float64{-2, 2}},
			Minima:      [][]float64{cliffMinimum},
			Start:       []float64{-2, 1.5},
			Section:     "8.2.4 (draft 8.2.5)",
			Description: "A gentle slope ending at a near-vertical wall (§8.2.4, draft 8.2.5, and its cliff figure): the step that lands on the wall is catapulted far away unless the gradient is clipped.",
			Formula:     "−x + ½y² + (10⁴/5000)·softplus(5000·(x − 1 − y²/4))",
		},
		build: func(map[string]float64) Objective { return Cliff{} },
	},
	{
		info: Info{
			ID: "coordinate", Name: "Coordinate descent trap", Dim: 2,
			Params:      []Param{{Name: "alpha", Default: 0.1, Min: 0, Max: 10}},
			Domain:      Domain{X: [2]float64{-3, 3}, Y: [2]float64{-3, 3}},
			Minima:      [][]float64{{0, 0}},
			Start:       []float64{2.5, -2},
			Section:     "8.7.2 (draft 8.7.1)",
			Description: "(x₁ − x₂)² + α(x₁² + x₂²) (§8.7.2, draft 8.7.1): the coordinates are strongly coupled, so coordinate descent stalls as α → 0.",
			Formula:     "(x − y)² + α(x² + y²)",
		},
		build: func(p map[string]float64) Objective { return Coordinate{Alpha: p["alpha"]} },
	},
	{
		info: Info{
			ID: "linear_regression", Name: "Linear regression", Dim: 2,
			Domain:      domainAround(linearRegression.min, 3, 3),
			Minima:      [][]float64{linearRegression.Minimum()},
			Start:       []float64{linearRegression.min[0] - 2.5, linearRegression.min[1] + 2.5},
			Section:     "8.1.3",
			Description: "Mean squared error of a line y = w·x + b on 256 built-in points (§8.1.3, §8.3.1): an empirical risk, so SGD samples real minibatches.",
			Formula:     "(1/n)Σᵢ(w·xᵢ + b − yᵢ)², (x, y) = (w, b)",
		},
		build: func(map[string]float64) Objective { return linearRegression },
	},
	{
		info: Info{
			ID: "logistic_regression", Name: "Logistic regression", Dim: 2,
			Domain:      domainAround(logisticRegression.min, 3, 3),
			Minima:      [][]float64{logisticRegression.Minimum()},
			Start:       []float64{logisticRegression.min[0] - 2.5, logisticRegression.min[1] + 2.5},
			Section:     "Amari 1998 (draft 8.6)",
			Description: "Negative log-likelihood of p(y=1|x) = σ(w·x + b) on 300 built-in points (natural gradient, Amari 1998; draft 8.6): a probabilistic model, with its Fisher information for the natural gradient.",
			Formula:     "(1/n)Σᵢ[log(1 + e^(w·xᵢ+b)) − yᵢ(w·xᵢ + b)], (x, y) = (w, b)",
		},
		build: func(map[string]float64) Objective { return logisticRegression },
	},
	{
		info: Info{
			ID: "recurrent", Name: "Recurrent network", Dim: 2,
			Params:      []Param{{Name: "steps", Default: 30, Min: 2, Max: MaxRecurrentSteps}},
			Domain:      Domain{X: [2]float64{-1.2, 1.2}, Y: [2]float64{-1, 3}},
			Minima:      [][]float64{{1, 1}},
			Start:       []float64{0.5, 0.5},
			Section:     "8.2.5 (draft 8.2.6)",
			Description: "A linear recurrent net h_t = w·h_{t−1} + u·x_t that must sum its inputs (§8.2.5, draft 8.2.6): products of Jacobians w^t vanish for |w| < 1 and explode for |w| > 1.",
			Formula:     "(1/M)Σ ½(h_T − Σₜxₜ)², h_t = w·h_{t−1} + u·x_t, (x, y) = (w, u)",
		},
		build: func(p map[string]float64) Objective { return NewRecurrent(int(p["steps"])) },
		check: func(p map[string]float64) error {
			if s := p["steps"]; s != math.Trunc(s) {
				return fielderr.New("params.steps", "must be a whole number of steps, got %g", s)
			}
			return nil
		},
	},
}

// The data-set objectives hold no mutable state, so one of each is shared.
var (
	linearRegression   = NewLinearRegression()
	logisticRegression = NewLogisticRegression()
)

// domainAround is the rectangle of half-widths hx, hy centred on c, with
// ends rounded to a tenth so the axes read cleanly.
func domainAround(c []float64, hx, hy float64) Domain {
	r := func(v float64) float64 { return math.Round(v*10) / 10 }
	return Domain{X: [2]float64{r(c[0] - hx), r(c[0] + hx)}, Y: [2]float64{r(c[1] - hy), r(c[1] + hy)}}
}

// Catalogue returns the descriptions of every built-in objective.
func Catalogue() []Info {
	out := make([]Info, len(catalogue))
	for i, e := range catalogue {
		out[i] = e.info
	}
	return out
}

// Lookup returns the description of a built-in objective.
func Lookup(id string) (Info, bool) {
	for _, e := range catalogue {
		if e.info.ID == id {
			return e.info, true
		}
	}
	return Info{}, false
}

// ExprInfo describes a typed expression objective.
func ExprInfo(src string) Info {
	return Info{
		ID: "expr", Name: "f(x, y) = " + src, Dim: 2,
		Domain:      Domain{X: [2]float64{-3, 3}, Y: [2]float64{-3, 3}},
		Minima:      [][]float64{},
		Start:       []float64{-2, 2},
		Description: "A typed expression with exact derivatives.",
		Formula:     src,
	}
}

// New builds the objective a Spec chooses. Errors are *fielderr.Error with
// fields relative to the objective object ("id", "params.a", "expr").
func New(spec Spec) (Objective, Info, error) {
	if err := fielderr.Range("blur", spec.Blur, 0, MaxBlurSigma); err != nil {
		return nil, Info{}, err
	}
	obj, info, err := newUnblurred(spec)
	if err != nil || spec.Blur == 0 {
		return obj, info, err
	}
	if obj.Dim() > maxBlurDim {
		return nil, Info{}, fielderr.New("blur", "blurring needs quadrature in every dimension; it is limited to dimension %d", maxBlurDim)
	}
	info.Name = fmt.Sprintf("%s, blurred (σ = %g)", info.Name, spec.Blur)
	info.Minima = [][]float64{} // the blurred function's minima move with σ
	return Blur(obj, spec.Blur), info, nil
}

// MaxBlurSigma is the largest σ a Spec may ask for: the quadrature is exact
// to 1e-8 up to about 1.5 on unit-sized ripples and degrades beyond 2.
const MaxBlurSigma = 2

func newUnblurred(spec Spec) (Objective, Info, error) {
	if spec.Expr != "" {
		if spec.ID != "" && spec.ID != "expr" {
			return nil, Info{}, fielderr.New("", `give either "id" or "expr", not both`)
		}
		if len(spec.Params) > 0 {
			return nil, Info{}, fielderr.New("params", "an expression takes no parameters")
		}
		if len(spec.Options) > 0 {
			return nil, Info{}, fielderr.New("options", "an expression takes no options")
		}
		f, err := expr.Parse(spec.Expr)
		if err != nil {
			var se *expr.Error
			if errors.As(err, &se) {
				return nil, Info{}, &fielderr.Error{Field: "expr", Msg: se.Error(), Offset: se.Offset}
			}
			return nil, Info{}, fielderr.New("expr", "%v", err)
		}
		return f, ExprInfo(spec.Expr), nil
	}
	if spec.ID == "" {
		return nil, Info{}, fielderr.New("id", `an objective needs an "id" or an "expr"`)
	}
	if len(spec.Options) > 0 {
		names := make([]string, 0, len(spec.Options))
		for name := range spec.Options {
			names = append(names, name)
		}
		sort.Strings(names)
		if _, ok := Lookup(spec.ID); ok {
			return nil, Info{}, fielderr.New("options."+names[0], "%s takes no options", spec.ID)
		}
	}
	var e *entry
	for i := range catalogue {
		if catalogue[i].info.ID == spec.ID {
			e = &catalogue[i]
			break
		}
	}
	if e == nil {
		return nil, Info{}, fielderr.New("id", "unknown objective %q; known: %s", spec.ID, knownIDs())
	}
	p := make(map[string]float64, len(e.info.Params))
	for _, d := range e.info.Params {
		p[d.Name] = d.Default
	}
	names := make([]string, 0, len(spec.Params))
	for name := range spec.Params {
		names = append(names, name)
	}
	sort.Strings(names) // report the same error for the same request
	for _, name := range names {
		v := spec.Params[name]
		d, ok := findParam(e.info.Params, name)
		if !ok {
			return nil, Info{}, fielderr.New("params."+name, "%s has no parameter %q%s", spec.ID, name, paramList(e.info.Params))
		}
		if err := fielderr.Range("params."+name, v, d.Min, d.Max); err != nil {
			return nil, Info{}, err
		}
		p[name] = v
	}
	if e.check != nil {
		if err := e.check(p); err != nil {
			return nil, Info{}, err
		}
	}
	info := e.info
	if e.minima != nil && len(spec.Params) > 0 {
		info.Minima = e.minima(p)
	}
	return e.build(p), info, nil
}

func findParam(ps []Param, name string) (Param, bool) {
	for _, d := range ps {
		if d.Name == name {
			return d, true
		}
	}
	return Param{}, false
}

func paramList(ps []Param) string {
	if len(ps) == 0 {
		return " (it takes none)"
	}
	s := " (it takes"
	for i, d := range ps {
		if i > 0 {
			s += ","
		}
		s += " " + d.Name
	}
	return s + ")"
}

func knownIDs() string {
	s := ""
	for i, e := range catalogue {
		if i > 0 {
			s += ", "
		}
		s += e.info.ID
	}
	return s
}

// Quadratic is ½(a·u² + b·v²) with (u, v) the point rotated by angle.
type Quadratic struct {
	A, B          float64
	cos, sin      float64
	h00, h01, h11 float64 // the constant Hessian RᵀΛR
}

// NewQuadratic returns the quadratic with curvatures a, b along axes rotated
// by angle degrees.
func NewQuadratic(a, b, angle float64) *Quadratic {
	c, s := math.Cos(angle*math.Pi/180), math.Sin(angle*math.Pi/180)
	// u = c·x + s·y, v = −s·x + c·y.
	return &Quadratic{A: a, B: b, cos: c, sin: s,
		h00: a*c*c + b*s*s, h01: (a - b) * c * s, h11: a*s*s + b*c*c}
}

func (q *Quadratic) Dim() int { return 2 }

func (q *Quadratic) Value(x []float64) float64 {
	return 0.5 * (q.h00*x[0]*x[0] + 2*q.h01*x[0]*x[1] + q.h11*x[1]*x[1])
}

func (q *Quadratic) Grad(g, x []float64) float64 {
	g[0] = q.h00*x[0] + q.h01*x[1]
	g[1] = q.h01*x[0] + q.h11*x[1]
	return q.Value(x)
}

func (q *Quadratic) Hess(dst *mat.SymDense, _ []float64) {
	dst.SetSym(0, 0, q.h00)
	dst.SetSym(0, 1, q.h01)
	dst.SetSym(1, 1, q.h11)
}

// Rosenbrock is (1−x)² + 100(y−x²)².
type Rosenbrock struct{}

func (Rosenbrock) Dim() int { return 2 }

func (Rosenbrock) Value(x []float64) float64 {
	a, b := 1-x[0], x[1]-x[0]*x[0]
	return a*a + 100*b*b
}

func (r Rosenbrock) Grad(g, x []float64) float64 {
	a, b := 1-x[0], x[1]-x[0]*x[0]
	g[0] = -2*a - 400*x[0]*b
	g[1] = 200 * b
	return a*a + 100*b*b
}

func (Rosenbrock) Hess(dst *mat.SymDense, x []float64) {
	dst.SetSym(0, 0, 2-400*(x[1]-3*x[0]*x[0]))
	dst.SetSym(0, 1, -400*x[0])
	dst.SetSym(1, 1, 200)
}

var (
	_ Hessianer = (*Quadratic)(nil)
	_ Hessianer = Rosenbrock{}
)

func init() {
	for _, e := range catalogue {
		if e.info.Dim != e.build(defaults(e.info.Params)).Dim() {
			panic(fmt.Sprintf("landscape: %s: Info.Dim disagrees with the objective", e.info.ID))
		}
	}
}

func defaults(ps []Param) map[string]float64 {
	p := make(map[string]float64, len(ps))
	for _, d := range ps {
		p[d.Name] = d.Default
	}
	return p
}
