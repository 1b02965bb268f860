// Package optim holds the optimizers of chapter 8, each advancing exactly one
// iteration per call so a caller can pause, change a hyperparameter live and
// resume. A Run ties an objective, a start, a method, clipping and a
// learning-rate schedule together and reports every step.
//
// The optimizer knows nothing of HTTP or the page; it sees the objective
// only through an Oracle, which clips gradients before the method sees them
// and counts evaluations.
package optim

import (
	"errors"
	"sort"
	"strings"
)

// HyperSpec describes one hyperparameter, as GET /api/optimizers lists it.
type HyperSpec struct {
	Name        string   `json:"name"`
	Symbol      string   `json:"symbol"` // the chapter's symbol: ε, α, ρ, β₁, δ ...
	Default     float64  `json:"default"`
	Min         float64  `json:"min"`
	Max         float64  `json:"max"`
	Log         bool     `json:"log,omitempty"`     // a slider on a log scale
	Integer     bool     `json:"integer,omitempty"` // batch sizes, memory, restart periods
	Choices     []string `json:"choices,omitempty"` // a string-valued choice (cg's variant); Default is then unused
	DefaultStr  string   `json:"default_choice,omitempty"`
	Description string   `json:"description"`
}

// Info describes an optimizer.
type Info struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Hyper       []HyperSpec `json:"hyper"`
	Section     string      `json:"section"` // e.g. "Algorithm 8.7"
	Description string      `json:"description"`
	// Needs names what the objective must offer beyond a gradient:
	// "hessian" (Newton and kin), "fisher" (natural gradient), "matrices"
	// (Muon, Shampoo: parameters that are matrices, landscape.Matrixed),
	// or "".
	Needs string `json:"needs,omitempty"`
	// MaxDim is the largest dimension the method accepts (0: any), for
	// methods that form or factor a Dim×Dim matrix.
	MaxDim int `json:"max_dim,omitempty"`
	// GradsPerStep is the number of gradients every step evaluates when it
	// is more than one (SAM: at θ and at its ascent point); 0 means one,
	// or a number that varies (line searches).
	GradsPerStep int `json:"grads_per_step,omitempty"`
}

// Values are a method's resolved hyperparameters: every name of its specs,
// defaults filled in and ranges checked.
type Values struct {
	Num    map[string]float64
	Choice map[string]string
}

// Vec is a named vector of optimizer state worth drawing: "velocity",
// "lookahead", "s", "r", "eff_lr", "inv_hessian" (row-major), ...
type Vec struct {
	Name string
	V    []float64
}

// Method is one optimizer's rule. Implementations keep their state between
// calls and must not allocate in Step on hot paths.
type Method interface {
	// Configure sets hyperparameters, at creation and on every live change,
	// keeping the accumulated state (velocity, moments, Hessian estimate).
	Configure(h Values)
	// Step moves theta in place by one iteration. lr is the learning rate
	// of this step after the schedule (0 for methods without "lr").
	Step(o *Oracle, theta []float64, lr float64) error
	// State returns views of the state worth drawing; the slices are owned
	// by the method and valid until the next Step.
	State() []Vec
}

// ErrConverged is returned by a Step that cannot make progress because it is
// at a stationary point (a line search that finds no decrease at ‖g‖≈0).
var ErrConverged = errors.New("optim: no further progress possible")

type def struct {
	info Info
	new  func(dim int) Method
}

var registry []def

// register adds an optimizer; called from init functions of this package.
func register(info Info, newMethod func(dim int) Method) {
	for _, d := range registry {
		if d.info.ID == info.ID {
			panic("optim: duplicate optimizer " + info.ID)
		}
	}
	registry = append(registry, def{info, newMethod})
}

// order is the order the API lists optimizers in (the chapter's order);
// ids not in it come after, alphabetically.
var order = []string{"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
	"rmsprop_nesterov", "adam", "adadelta", "delta_bar_delta", "newton",
	"saddle_free_newton", "cg", "bfgs", "lbfgs", "coordinate", "natural_gradient",
	// beyond the chapter
	"adamw", "nadam", "radam", "lion", "sam", "muon", "shampoo"}

// Catalogue lists every optimizer.
func Catalogue() []Info {
	rank := func(id string) int {
		for i, o := range order {
			if o == id {
				return i
			}
		}
		return len(order)
	}
	out := make([]Info, len(registry))
	for i, d := range registry {
		out[i] = d.info
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i].ID), rank(out[j].ID)
		if ri != rj {
			return ri < rj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Lookup returns an optimizer's description.
func Lookup(id string) (Info, bool) {
	d, ok := lookup(id)
	return d.info, ok
}

func lookup(id string) (def, bool) {
	for _, d := range registry {
		if d.info.ID == id {
			return d, true
		}
	}
	return def{}, false
}

func knownOptimizers() string {
	ids := make([]string, len(registry))
	for i, in := range Catalogue() {
		ids[i] = in.ID
	}
	return strings.Join(ids, ", ")
}
