// Package landscape holds Saddle's objectives: functions J(θ) with exact
// gradients and curvature, the 2-D catalogue of chapter 8, typed expressions,
// and the analysis drawn on the page (grids, Hessian eigen-directions).
//
// Conventions follow gonum: destination buffers come first and are reused on
// hot paths; programmer errors panic with a "landscape:" prefix; a user's bad
// input is a *fielderr.Error naming the field.
package landscape

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Objective is a twice-differentiable function J: Rⁿ → R.
type Objective interface {
	Dim() int
	// Value returns J(x).
	Value(x []float64) float64
	// Grad writes ∇J(x) into grad (len Dim) and returns J(x).
	Grad(grad, x []float64) float64
}

// Hessianer is an objective whose full Hessian is cheap (small dimension).
type Hessianer interface {
	// Hess writes ∇²J(x) into dst, which has size Dim×Dim.
	Hess(dst *mat.SymDense, x []float64)
}

// HessVecer gives Hessian-vector products without forming the Hessian.
type HessVecer interface {
	// HessVec writes ∇²J(x)·v into dst.
	HessVec(dst, x, v []float64)
}

// Stochastic is an objective that is a mean over examples (an empirical
// risk), so SGD can sample real minibatches.
type Stochastic interface {
	Objective
	NumExamples() int
	// BatchGrad writes the mean gradient over a minibatch of batch examples
	// drawn (without replacement) from rng into grad and returns the
	// minibatch loss.
	BatchGrad(grad, x []float64, batch int, rng *rand.Rand) float64
}

// Fisherer is a probabilistic model that gives its Fisher information
// matrix, for the natural gradient (8.6).
type Fisherer interface {
	// Fisher writes F(x) = E[∇log p ∇log pᵀ] into dst (Dim×Dim).
	Fisher(dst *mat.SymDense, x []float64)
}

// Param is a numeric parameter of an objective in the catalogue.
type Param struct {
	Name    string  `json:"name"`
	Default float64 `json:"default"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
}

// Domain is the rectangle drawn by default: X = [lo, hi], Y = [lo, hi].
type Domain struct {
	X [2]float64 `json:"x"`
	Y [2]float64 `json:"y"`
}

// Info describes a catalogue entry, as GET /api/objectives lists it.
type Info struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Dim         int         `json:"dim"`
	Params      []Param     `json:"params"`
	Domain      Domain      `json:"domain"`
	Minima      [][]float64 `json:"minima"`
	Start       []float64   `json:"start"`       // a start that shows the function's character
	Section     string      `json:"section"`     // chapter section it serves, e.g. "8.2.1"
	Description string      `json:"description"` // one line, for the page
	Formula     string      `json:"formula,omitempty"`
	// Choices are the string options of a projected objective (its data
	// set, activation...), given in Spec.Options.
	Choices []Choice `json:"choices,omitempty"`
	// Projected marks a high-dimensional objective drawn on a plane through
	// its parameter space: Domain, Start and Minima are then plane
	// coordinates (a, b), and Dim is the true number of parameters.
	Projected bool `json:"projected,omitempty"`
	// Matrices marks an objective whose parameters are matrices (it
	// implements Matrixed), where Muon and Shampoo apply.
	Matrices bool `json:"matrices,omitempty"`
}

// Choice is a string option of an objective: its name, default and the
// values it may take.
type Choice struct {
	Name    string   `json:"name"`
	Default string   `json:"default"`
	Values  []string `json:"values"`
}

// Spec chooses an objective: a catalogue id with parameters, or an
// expression in x and y. It is the "objective" object of the API.
type Spec struct {
	ID     string             `json:"id,omitempty"`
	Params map[string]float64 `json:"params,omitempty"`
	Expr   string             `json:"expr,omitempty"`
	// Options are string choices of a projected objective, such as
	// {"data": "spirals", "activation": "relu"}; see Info.Choices.
	Options map[string]string `json:"options,omitempty"`
	// Blur is σ of the continuation E[J(θ+σε)] (8.7.5); 0 is J itself.
	Blur float64 `json:"blur,omitempty"`
}
