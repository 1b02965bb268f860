// Package zoo builds every objective Saddle offers from a landscape.Spec:
// the 2-D catalogue and typed expressions of package landscape, and the
// projected high-dimensional objectives (small neural networks from package
// nn, the quadratic with a chosen spectrum from package hd) that are drawn
// on a plane through their parameter space while the optimizers step them in
// full dimension.
//
// It sits above landscape, nn and hd (which cannot import one another the
// other way) so that one function, New, builds any objective for the scene.
// A projected objective comes with a *Model: its initialisation from a seed
// and its parameter layout, from which View makes planes.
package zoo

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
	"github.com/saddle-viz/saddle/internal/optim"
)

// MaxHessianDim is the largest model whose full Hessian is formed (column by
// column from Hessian-vector products) for Newton's method and its kin;
// larger models offer Hessian-vector products only, so newton and
// saddle_free_newton are refused on them.
const MaxHessianDim = 300

// MaxWork bounds a network's parameters × data points, the cost of one
// gradient or one grid point in multiply-adds (about), so that a step stays
// interactive and a 51×51 plane takes seconds.
const MaxWork = 10_000_000

// Model is what a scene needs of a projected objective beyond the objective
// itself: where its parameters start and how they are laid out. It is
// read-only and safe for concurrent use.
type Model struct {
	// Obj is the objective in full dimension, as the optimizers see it.
	Obj landscape.Objective
	// Blocks lay out the parameter vector for filter-normalised planes;
	// nil means one filter (the whole vector).
	Blocks []hd.Block
	// key names the objective uniquely (landscape.SpecKey of its spec).
	key  string
	init func(dst []float64, seed uint64) error
}

// Init returns the model's initial parameters θ₀, drawn from seed.
func (m *Model) Init(seed uint64) ([]float64, error) {
	theta := make([]float64, m.Obj.Dim())
	if err := m.init(theta, seed); err != nil {
		return nil, err
	}
	return theta, nil
}

// CheckOptimizer refuses, with a *fielderr.Error on "optimizer", the
// methods that need a full Hessian the model does not form. Other
// requirements (MaxDim, Fisher information) are optim's to check.
func (m *Model) CheckOptimizer(id string) error {
	info, ok := optim.Lookup(id)
	if !ok || info.Needs != "hessian" {
		return nil
	}
	if _, ok := m.Obj.(landscape.Hessianer); ok {
		return nil
	}
	return fielderr.New("optimizer", "%s needs the full Hessian, which a high-dimensional objective forms only up to dimension %d (the size limit for newton and saddle_free_newton); this one has %d parameters: use lbfgs or cg, or a smaller model",
		id, MaxHessianDim, m.Obj.Dim())
}

// entry is one projected objective: its description, which parameters must
// be whole numbers, and a builder that receives every parameter and option
// (defaults filled in, ranges and choices checked).
type entry struct {
	info  landscape.Info
	ints  []string
	build func(p map[string]float64, o map[string]string) (*Model, error)
}

// Defaults of the projected objectives' planes: a plane coordinate of 1
// moves as far as the initialisation's own norm (per unit, for networks).
var planeDomain = landscape.Domain{X: [2]float64{-1, 1}, Y: [2]float64{-1, 1}}

func projectedInfo(id, name, section, description, formula string, params []landscape.Param, choices []landscape.Choice) landscape.Info {
	return landscape.Info{ID: id, Name: name, Params: params, Choices: choices, Domain: planeDomain,
		Minima: [][]float64{}, Start: []float64{0, 0}, Section: section, Description: description,
		Formula: formula, Projected: true}
}

// seedMax bounds seed parameters: they travel as JSON numbers, exact up to 2⁵³.
const seedMax = 1 << 32

var entries = []entry{
	{
		info: projectedInfo("mlp", "Neural network (MLP)", "8.2",
			"A multilayer perceptron on a built-in 2-D data set, trained in full dimension and drawn on a plane through its parameters (Li et al. 2018). The start is its initialisation from the scene's seed.",
			"J(θ) = (1/N) Σᵢ L(f(xᵢ; θ), yᵢ)",
			[]landscape.Param{
				{Name: "width", Default: 32, Min: 1, Max: 256},
				{Name: "depth", Default: 2, Min: 1, Max: 4},
				{Name: "points", Default: 400, Min: 16, Max: 2000},
				{Name: "noise", Default: 0.05, Min: 0, Max: 1},
				{Name: "scale", Default: 1, Min: 0.01, Max: 10},
				{Name: "data_seed", Default: 1, Min: 0, Max: seedMax},
			},
			[]landscape.Choice{
				{Name: "data", Default: "spirals", Values: nn.DataNames},
				{Name: "activation", Default: "tanh", Values: []string{"tanh", "relu", "sigmoid"}},
				{Name: "loss", Default: "cross_entropy", Values: []string{"cross_entropy", "squared"}},
				{Name: "init", Default: "glorot", Values: []string{"glorot", "uniform", "orthogonal", "sparse"}},
			}),
		ints: []string{"width", "depth", "points", "data_seed"},
		build: func(p map[string]float64, o map[string]string) (*Model, error) {
			act, err := nn.ParseActivation("options.activation", o["activation"])
			if err != nil {
				return nil, err
			}
			loss, err := nn.ParseLoss("options.loss", o["loss"])
			if err != nil {
				return nil, err
			}
			return network(p, o["data"], act, loss, o["init"])
		},
	},
	{
		info: projectedInfo("deep_linear", "Deep linear network", "8.2.3 (draft 8.2.4)",
			"A deep linear network (Saxe et al. 2013) fitting three Gaussian blobs by least squares: its loss has saddle points (θ = 0 among them) but no bad local minima (§8.2.3, draft 8.2.4); small initial scales start near the saddle and sit on a plateau.",
			"J(θ) = (1/2N) Σᵢ ‖W_L⋯W₁xᵢ + … − yᵢ‖²",
			[]landscape.Param{
				{Name: "width", Default: 8, Min: 1, Max: 256},
				{Name: "depth", Default: 3, Min: 1, Max: 6},
				{Name: "points", Default: 200, Min: 16, Max: 2000},
				{Name: "scale", Default: 0.5, Min: 0.01, Max: 10},
				{Name: "data_seed", Default: 1, Min: 0, Max: seedMax},
			},
			[]landscape.Choice{
				{Name: "init", Default: "orthogonal", Values: []string{"orthogonal", "glorot", "uniform", "sparse"}},
			}),
		ints: []string{"width", "depth", "points", "data_seed"},
		build: func(p map[string]float64, o map[string]string) (*Model, error) {
			p["noise"] = 0 // blobs are noisy already
			return network(p, "blobs", nn.Identity, nn.Squared, o["init"])
		},
	},
	{
		info: projectedInfo("hd_quadratic", "High-dimensional quadratic", "8.2.1",
			"½(θ − θ*)ᵀA(θ − θ*) in n dimensions with eigenvalues spaced geometrically from lambda_max down to lambda_max/cond, in a random basis (§8.2.1): the ill-conditioned valley in many dimensions. A fraction negative of the smallest eigenvalues is flipped below zero, making a saddle (§8.2.3, draft 8.2.4).",
			"½(θ − θ*)ᵀQΛQᵀ(θ − θ*)",
			[]landscape.Param{
				{Name: "n", Default: 1000, Min: 2, Max: hd.MaxQuadraticDim},
				{Name: "cond", Default: 100, Min: 1, Max: 1e8},
				{Name: "lambda_max", Default: 1, Min: 1e-3, Max: 1e3},
				{Name: "negative", Default: 0, Min: 0, Max: 0.5},
				{Name: "basis_seed", Default: 1, Min: 0, Max: seedMax},
			}, nil),
		ints: []string{"n", "basis_seed"},
		build: func(p map[string]float64, _ map[string]string) (*Model, error) {
			n := int(p["n"])
			eigs := hd.GeometricSpectrum(n, p["lambda_max"], p["cond"])
			for i := n - int(math.Round(p["negative"]*float64(n))); i < n; i++ {
				eigs[i] = -eigs[i]
			}
			q, err := hd.NewQuadratic(eigs, quadraticReflections, uint64(p["basis_seed"]))
			if err != nil {
				return nil, err
			}
			m := &Model{Obj: q, init: func(dst []float64, seed uint64) error {
				rng := nn.NewRNG(seed)
				for i := range dst {
					dst[i] = rng.NormFloat64()
				}
				return nil
			}}
			if n <= MaxHessianDim {
				m.Obj = hessianQuadratic{q}
			}
			return m, nil
		},
	},
}

// quadraticReflections is the number of Householder reflections of the
// quadratic's basis: enough to mix every coordinate, cheap at n = 10 000.
const quadraticReflections = 8

// network builds an MLP model from checked parameters.
func network(p map[string]float64, data string, act nn.Activation, loss nn.Loss, initName string) (*Model, error) {
	scheme, err := nn.ParseInit("options.init", initName)
	if err != nil {
		return nil, err
	}
	ds, err := nn.Generate(nn.DataSpec{Name: data, N: int(p["points"]), Noise: p["noise"], Seed: uint64(p["data_seed"])})
	if err != nil {
		return nil, fielderr.New("params", "the data set cannot be made: %v", err)
	}
	hidden := make([]int, int(p["depth"]))
	for i := range hidden {
		hidden[i] = int(p["width"])
	}
	mlp, err := nn.NewMLP(nn.Arch{Hidden: hidden, Act: act, Loss: loss}, ds)
	if err != nil {
		var fe *fielderr.Error
		if errors.As(err, &fe) {
			return nil, fielderr.New("params.width", "%s", fe.Msg)
		}
		return nil, err
	}
	if work := mlp.Dim() * mlp.NumExamples(); work > MaxWork {
		return nil, fielderr.New("params.width", "the network has %d parameters on %d points; Saddle steps and draws networks of at most %d parameters × points (such as %d parameters on %d points): make it narrower, shallower or its data smaller",
			mlp.Dim(), mlp.NumExamples(), MaxWork, MaxWork/2000, 2000)
	}
	scale := p["scale"]
	m := &Model{Obj: mlp, Blocks: mlp.Blocks(), init: func(dst []float64, seed uint64) error {
		return mlp.Init(dst, nn.Init{Scheme: scheme, Scale: scale, Seed: seed})
	}}
	if mlp.Dim() <= MaxHessianDim {
		m.Obj = hessianMLP{mlp}
	}
	return m, nil
}

// hessianMLP is a small network that also gives its full Hessian, for
// Newton's method; it keeps every method of *nn.MLP (HessVec, BatchGrad).
type hessianMLP struct{ *nn.MLP }

func (h hessianMLP) Hess(dst *mat.SymDense, x []float64) { landscape.FormHessian(dst, h.MLP, x) }

// hessianQuadratic is a small quadratic that also gives its full Hessian.
type hessianQuadratic struct{ *hd.Quadratic }

func (h hessianQuadratic) Hess(dst *mat.SymDense, x []float64) {
	landscape.FormHessian(dst, h.Quadratic, x)
}

var (
	_ landscape.Hessianer  = hessianMLP{}
	_ landscape.HessVecer  = hessianMLP{}
	_ landscape.Stochastic = hessianMLP{}
	_ landscape.Hessianer  = hessianQuadratic{}
	_ landscape.HessVecer  = hessianQuadratic{}
)

func lookup(id string) *entry {
	for i := range entries {
		if entries[i].info.ID == id {
			return &entries[i]
		}
	}
	return nil
}

// New builds the objective spec chooses, 2-D or projected. For a projected
// objective it also returns its Model (nil otherwise), and Info.Dim is the
// true number of parameters. Errors are *fielderr.Error with fields
// relative to the objective object ("id", "params.width", "options.data").
func New(spec landscape.Spec) (landscape.Objective, landscape.Info, *Model, error) {
	e := lookup(spec.ID)
	if e == nil || spec.Expr != "" {
		if _, ok := landscape.Lookup(spec.ID); !ok && spec.ID != "" && spec.Expr == "" {
			return nil, landscape.Info{}, nil, fielderr.New("id", "unknown objective %q; known: %s", spec.ID, knownIDs())
		}
		obj, info, err := landscape.New(spec)
		return obj, info, nil, err
	}
	if spec.Blur != 0 {
		return nil, landscape.Info{}, nil, fielderr.New("blur", "blurring needs quadrature in every dimension; %s is high-dimensional and cannot be blurred", spec.ID)
	}
	p, o, err := resolve(e, spec)
	if err != nil {
		return nil, landscape.Info{}, nil, err
	}
	m, err := e.build(p, o)
	if err != nil {
		return nil, landscape.Info{}, nil, err
	}
	m.key = landscape.SpecKey(canonical(e, p, o))
	info := e.info
	info.Dim = m.Obj.Dim()
	if mx, ok := m.Obj.(landscape.Matrixed); ok && len(mx.Matrices()) > 0 {
		info.Matrices = true
	}
	return m.Obj, info, m, nil
}

// canonical is the spec with every default filled in, so a spec that
// spells out a default and one that leaves it out share cached grids and
// planes.
func canonical(e *entry, p map[string]float64, o map[string]string) landscape.Spec {
	return landscape.Spec{ID: e.info.ID, Params: p, Options: o}
}

// resolve fills defaults into the spec's parameters and options and checks
// every given one.
func resolve(e *entry, spec landscape.Spec) (map[string]float64, map[string]string, error) {
	p := make(map[string]float64, len(e.info.Params))
	for _, d := range e.info.Params {
		p[d.Name] = d.Default
	}
	for _, name := range sortedKeys(spec.Params) {
		v := spec.Params[name]
		var d *landscape.Param
		for i := range e.info.Params {
			if e.info.Params[i].Name == name {
				d = &e.info.Params[i]
			}
		}
		if d == nil {
			return nil, nil, fielderr.New("params."+name, "%s has no parameter %q (it takes %s)", e.info.ID, name, paramNames(e.info.Params))
		}
		if err := fielderr.Range("params."+name, v, d.Min, d.Max); err != nil {
			return nil, nil, err
		}
		for _, in := range e.ints {
			if in == name && v != math.Trunc(v) {
				return nil, nil, fielderr.New("params."+name, "must be a whole number, got %g", v)
			}
		}
		p[name] = v
	}
	o := make(map[string]string, len(e.info.Choices))
	for _, c := range e.info.Choices {
		o[c.Name] = c.Default
	}
	for _, name := range sortedKeys(spec.Options) {
		v := spec.Options[name]
		var c *landscape.Choice
		for i := range e.info.Choices {
			if e.info.Choices[i].Name == name {
				c = &e.info.Choices[i]
			}
		}
		if c == nil {
			if len(e.info.Choices) == 0 {
				return nil, nil, fielderr.New("options."+name, "%s takes no options", e.info.ID)
			}
			names := make([]string, len(e.info.Choices))
			for i, c := range e.info.Choices {
				names[i] = c.Name
			}
			return nil, nil, fielderr.New("options."+name, "%s has no option %q (it takes %s)", e.info.ID, name, strings.Join(names, ", "))
		}
		found := false
		for _, x := range c.Values {
			found = found || x == v
		}
		if !found {
			return nil, nil, fielderr.New("options."+name, "must be one of %s, got %q", strings.Join(c.Values, ", "), v)
		}
		o[name] = v
	}
	return p, o, nil
}

func paramNames(ps []landscape.Param) string {
	names := make([]string, len(ps))
	for i, d := range ps {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func knownIDs() string {
	var ids []string
	for _, in := range landscape.Catalogue() {
		ids = append(ids, in.ID)
	}
	for _, e := range entries {
		ids = append(ids, e.info.ID)
	}
	return strings.Join(ids, ", ")
}

// catalogue is computed once, on first use: a projected objective's Dim is
// that of its default model, which is built to count its parameters.
var catalogue = sync.OnceValue(func() []landscape.Info {
	out := landscape.Catalogue()
	for _, e := range entries {
		obj, info, _, err := New(landscape.Spec{ID: e.info.ID})
		if err != nil {
			panic(fmt.Sprintf("zoo: the defaults of %s do not build: %v", e.info.ID, err))
		}
		info.Dim = obj.Dim()
		out = append(out, info)
	}
	return out
})

// Catalogue describes every built-in objective, the 2-D ones first, then
// the projected ones with their true dimension (that of their defaults).
// The slices inside are shared: do not modify them.
func Catalogue() []landscape.Info {
	return append([]landscape.Info(nil), catalogue()...)
}

// Lookup describes one built-in objective, 2-D or projected.
func Lookup(id string) (landscape.Info, bool) {
	for _, in := range catalogue() {
		if in.ID == id {
			return in, true
		}
	}
	return landscape.Info{}, false
}
