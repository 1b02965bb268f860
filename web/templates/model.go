package templates

import (
	"strconv"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// The model picker (issue 5): a projected objective's numeric parameters and
// string choices, laid out in groups with words and units a reader of the
// chapter knows. Parameters missing from these tables still appear, under
// their own name, so a new one on the server is never hidden.

// fieldText is how one parameter or choice is shown.
type fieldText struct {
	Label string // what the control is called
	Unit  string // after the number, "" for none
	Title string // the tooltip: what it means
	Group string // the group it sits in
	Int   bool   // whole numbers only
}

var modelFieldTexts = map[string]fieldText{
	"width":      {Label: "width", Unit: "units / layer", Title: "hidden units in each hidden layer", Group: "Architecture", Int: true},
	"depth":      {Label: "depth", Unit: "hidden layers", Title: "number of hidden layers", Group: "Architecture", Int: true},
	"activation": {Label: "activation", Title: "the hidden units' nonlinearity", Group: "Architecture"},
	"loss":       {Label: "loss", Title: "the training loss J(θ)", Group: "Architecture"},
	"data":       {Label: "data set", Title: "the built-in 2-D data set, generated from the data seed", Group: "Data"},
	"points":     {Label: "points", Unit: "examples", Title: "training examples (the full batch the landscape is drawn on)", Group: "Data", Int: true},
	"noise":      {Label: "noise σ", Unit: "input units", Title: "standard deviation of the Gaussian jitter added to the inputs", Group: "Data"},
	"data_seed":  {Label: "data seed", Title: "the seed the data set is drawn from", Group: "Data", Int: true},
	"init":       {Label: "scheme", Title: "initialisation scheme (8.7.2)", Group: "Initialisation"},
	"scale":      {Label: "scale", Unit: "× the scheme's", Title: "multiplies every initial weight (8.7.2: the initial scale matters)", Group: "Initialisation"},
	"hidden":     {Label: "hidden", Unit: "units", Title: "hidden units of the recurrent network", Group: "Architecture", Int: true},
	"T":          {Label: "length T", Unit: "time steps", Title: "sequence length: the gradient crosses T Jacobians of the recurrence (8.2.5)", Group: "Data", Int: true},
	"sequences":  {Label: "sequences", Unit: "examples", Title: "training sequences", Group: "Data", Int: true},
	"n":          {Label: "dimension n", Unit: "parameters", Title: "number of parameters of the quadratic", Group: "Spectrum", Int: true},
	"cond":       {Label: "condition κ", Unit: "λmax / λmin", Title: "condition number: the eigenvalues are spaced geometrically from λmax down to λmax/κ", Group: "Spectrum"},
	"lambda_max": {Label: "λmax", Unit: "curvature", Title: "largest eigenvalue of the Hessian", Group: "Spectrum"},
	"negative":   {Label: "negative", Unit: "fraction of n", Title: "fraction of the smallest eigenvalues flipped below zero (a saddle, 8.2.4)", Group: "Spectrum"},
	"basis_seed": {Label: "basis seed", Title: "the seed of the random eigenbasis", Group: "Spectrum", Int: true},
	// the matrix factorisation ½‖W₁W₂ − M‖²
	"rows":        {Label: "rows", Unit: "of M and W₁", Title: "rows of the target M and of the factor W₁", Group: "Architecture", Int: true},
	"cols":        {Label: "columns", Unit: "of M and W₂", Title: "columns of the target M and of the factor W₂", Group: "Architecture", Int: true},
	"k":           {Label: "inner dimension k", Unit: "W₁ is rows × k", Title: "the factors' inner dimension: W₁ is rows × k, W₂ is k × cols, so W₁W₂ has rank at most k", Group: "Architecture", Int: true},
	"rank":        {Label: "rank of M", Unit: "singular values", Title: "the target's rank: its number of nonzero singular values", Group: "Spectrum", Int: true},
	"spread":      {Label: "spread", Unit: "σ₁ / σᵣ", Title: "the target's singular values fall geometrically from 1 down to 1/spread", Group: "Spectrum"},
	"target_seed": {Label: "target seed", Title: "the seed of the target's random singular vectors", Group: "Spectrum", Int: true},
	"init_std":    {Label: "scale", Unit: "std of an entry", Title: "standard deviation of each initial entry of W₁ and W₂: small starts near the saddle θ = 0", Group: "Initialisation"},
}

// choiceTexts name a choice's values in words; unknown values show as they are.
var choiceTexts = map[string]string{
	"spirals": "two spirals", "circles": "concentric circles", "moons": "two moons", "xor": "XOR", "blobs": "Gaussian blobs",
	"tanh": "tanh", "relu": "ReLU", "sigmoid": "logistic sigmoid",
	"cross_entropy": "softmax cross-entropy", "squared": "squared error",
	"glorot": "Glorot: U(±√6/√(m+n))", "uniform": "uniform: U(±1/√m)", "orthogonal": "random orthogonal (Saxe et al.)", "sparse": "sparse (Martens 2010)",
}

// modelGroupOrder is the order the groups appear in; "Other" holds the rest.
var modelGroupOrder = []string{"Architecture", "Data", "Initialisation", "Spectrum", "Other"}

// ModelField is one control of the model picker.
type ModelField struct {
	Name string
	fieldText
	// A number: its range and default; a choice: its values.
	Min, Max, Default float64
	Choice            bool
	DefaultChoice     string
	Values            []string
}

// Step is the number input's step: 1 for whole numbers, "any" otherwise.
func (f ModelField) Step() string {
	if f.Int {
		return "1"
	}
	return "any"
}

// Num prints a number for an attribute: the shortest text that reads back.
func Num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// ChoiceText is a choice value in words.
func ChoiceText(v string) string {
	if t, ok := choiceTexts[v]; ok {
		return t
	}
	return v
}

// ModelGroup is a titled group of fields.
type ModelGroup struct {
	Title  string
	Fields []ModelField
}

// ModelGroups lays out a projected objective's parameters and choices in
// groups, in the order the objective lists them within each group. The
// initialisation group always exists: it holds the seed of θ₀ too.
func ModelGroups(o landscape.Info) []ModelGroup {
	byGroup := map[string][]ModelField{}
	text := func(name string) fieldText {
		if t, ok := modelFieldTexts[name]; ok {
			return t
		}
		return fieldText{Label: name, Group: "Other"}
	}
	for _, c := range o.Choices {
		f := ModelField{Name: c.Name, fieldText: text(c.Name), Choice: true, DefaultChoice: c.Default, Values: c.Values}
		byGroup[f.Group] = append(byGroup[f.Group], f)
	}
	for _, p := range o.Params {
		f := ModelField{Name: p.Name, fieldText: text(p.Name), Min: p.Min, Max: p.Max, Default: p.Default}
		byGroup[f.Group] = append(byGroup[f.Group], f)
	}
	var out []ModelGroup
	for _, g := range modelGroupOrder {
		if len(byGroup[g]) > 0 || g == "Initialisation" {
			out = append(out, ModelGroup{Title: g, Fields: byGroup[g]})
		}
	}
	return out
}

// PlaneKind is one choice of the plane picker.
type PlaneKind struct{ ID, Label string }

// PlaneKinds are the planes a projected objective may be drawn on
// (zoo.PlaneKinds, in words).
var PlaneKinds = []PlaneKind{
	{"random", "random, filter-normalised (Li et al. 2018)"},
	{"pca", "PCA of a training trajectory"},
	{"hessian", "top-2 Hessian eigenvectors at θ₀"},
	{"three_points", "through θ₀, the selected run's current point and the solution"},
}
