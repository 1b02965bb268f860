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
			Domain:      Domain{X: [2]float64{-3, 3}, Y: [2]float64{-3, 3}},
			Minima:      [][]float64{{0, 0}},
			Start:       []float64{-2.5, 1.5},
			Section:     "8.2.1",
			Description: "½(a·u² + b·v²) in axes rotated by angle (degrees): the ill-conditioned valley of Fig 8.1, condition number b/a.",
			Formula:     "½(a u² + b v²), (u, v) = R(angle)·(x, y)",
		},
		build: func(p map[string]float64) Objective { return NewQuadratic(p["a"], p["b"], p["angle"]) },
	},
	{
		info: Info{
			ID: "rosenbrock", Name: "Rosenbrock", Dim: 2,
			Domain:      Domain{X: [2]float64{-2, 2}, Y: [2]float64{-1, 3}},
			Minima:      [][]float64{{1, 1}},
			Start:       []float64{-1.2, 1},
			Section:     "8.5",
			Description: "A curved, narrow valley: first-order methods crawl along its floor, second-order methods follow it.",
			Formula:     "(1−x)² + 100(y−x²)²",
		},
		build: func(map[string]float64) Objective { return Rosenbrock{} },
	},
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
	if spec.Expr != "" {
		if spec.ID != "" && spec.ID != "expr" {
			return nil, Info{}, fielderr.New("", `give either "id" or "expr", not both`)
		}
		if len(spec.Params) > 0 {
			return nil, Info{}, fielderr.New("params", "an expression takes no parameters")
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
	return e.build(p), e.info, nil
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
