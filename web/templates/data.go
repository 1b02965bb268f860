// Package templates holds the templ components of Saddle's pages: the layout
// shell, the explorer and its controls. Generate with
// `go tool templ generate -path web/templates` and commit the *_templ.go.
package templates

import (
	"fmt"
	"math"
	"strconv"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
)

// PageData is everything the explorer page needs to render and to hand to
// its scripts (through templ.JSONScript, never spliced into inline JS).
type PageData struct {
	Base       string           `json:"base"` // path prefix behind a reverse proxy, "" or "/saddle"
	Objectives []landscape.Info `json:"objectives"`
	Optimizers []optim.Info     `json:"optimizers"`
	Scenes     []Scene          `json:"scenes"`
	// Lesson, when set, is the lesson the page opens with (GET /lessons/{id},
	// or /embed?lesson=id); the URL's own state, when it has runs, wins.
	Lesson *LessonData `json:"lesson,omitempty"`
	// Embed, when set, renders the page for an iframe: no site chrome.
	Embed *EmbedOptions `json:"embed,omitempty"`
	// OEmbed, when set, is the page's oEmbed discovery link (an absolute
	// URL of /oembed?url=<this page>), in the head.
	OEmbed string `json:"-"`
}

// SceneRun is one run of a ready scene.
type SceneRun struct {
	Optimizer string             `json:"optimizer"`
	Hyper     map[string]float64 `json:"hyper,omitempty"`
	Clip      map[string]float64 `json:"clip,omitempty"` // {"norm": c} or {"value": c}
	Label     string             `json:"label,omitempty"`
}

// Scene is a ready-made lesson the header's picker loads.
type Scene struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Section   string         `json:"section"`
	Caption   string         `json:"caption"`
	Objective landscape.Spec `json:"objective"`
	Start     []float64      `json:"start"`
	Runs      []SceneRun     `json:"runs"`
	Mode      string         `json:"mode"`           // "single", "side" or "phi"
	Pair      [2]int         `json:"pair"`           // runs shown in the two panels of "side"
	Eigen     bool           `json:"eigen"`          // draw the Hessian's eigen-directions
	View      []float64      `json:"view,omitempty"` // [x0, x1, y0, y1]; nil: the objective's domain
}

// Scenes are the three ready scenes of the explorer (issue 4).
func Scenes() []Scene {
	valley := landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 25, "angle": 30}}
	tuned := TunedRates(valley)
	return []Scene{
		{
			ID: "ill-conditioning", Title: "Ill-conditioning and curvature", Section: "§8.2.1, §8.3.2",
			Caption: fmt.Sprintf("A narrow valley: the Hessian's eigenvalues are μ = %s and L = %s (condition number κ = %s). "+
				"Both first-order runs take the best constant step theory gives for a quadratic. "+
				"Gradient descent, ε = 2/(L+μ) = %s, shrinks the error by (κ−1)/(κ+1) = %s a step and zig-zags: "+
				"the part of its step across the valley changes sign every step. "+
				"Momentum (heavy ball), ε = 4/(√L+√μ)² = %s and α = ((√κ−1)/(√κ+1))² = %s, shrinks it by (√κ−1)/(√κ+1) = %s a step: "+
				"its first steps overshoot further across the valley than gradient descent's, but then it is ahead from step 10, its loss hundreds of times lower by step 20. Newton jumps to the minimum in one step. Watch gᵀg and gᵀHg.",
				num(tuned.Mu), num(tuned.L), num(tuned.Kappa), num(tuned.GDRate), num(tuned.GDFactor),
				num(tuned.HBRate), num(tuned.HBMomentum), num(tuned.HBFactor)),
			Objective: valley,
			Start:     []float64{-2.5, 1.5},
			Runs: []SceneRun{
				{Optimizer: "gd", Hyper: map[string]float64{"lr": tuned.GDRate},
					Label: "gradient descent, ε = 2/(L+μ) = " + num(tuned.GDRate)},
				{Optimizer: "momentum", Hyper: map[string]float64{"lr": tuned.HBRate, "momentum": tuned.HBMomentum},
					Label: "heavy ball, ε = " + num(tuned.HBRate) + ", α = " + num(tuned.HBMomentum)},
				{Optimizer: "newton", Label: "Newton"},
			},
			// Wide enough for momentum's first overshoots (|y| up to 4.6).
			Mode: "single", Pair: [2]int{0, 2}, Eigen: true, View: []float64{-5, 5, -5, 5},
		},
		{
			ID: "cliffs", Title: "Cliffs and clipping", Section: "§8.2.4 (draft 8.2.5)",
			Caption:   "A steep cliff: the unclipped step that lands on it is catapulted hundreds of units away, off the picture; the clipped step (‖g‖ ≤ 1) keeps its direction, is capped in length and stays by the wall. The faint arrow is the raw step, the solid one the step taken.",
			Objective: landscape.Spec{ID: "cliff"},
			Runs: []SceneRun{
				{Optimizer: "sgd", Hyper: map[string]float64{"lr": 0.05}, Label: "SGD"},
				{Optimizer: "sgd", Hyper: map[string]float64{"lr": 0.05}, Clip: map[string]float64{"norm": 1}, Label: "SGD, clipped"},
			},
			Mode: "side", Pair: [2]int{0, 1},
		},
		{
			ID: "newton-vs-gd", Title: "Newton vs gradient descent", Section: "§8.6.1 (draft 8.5.1)",
			Caption: "On Rosenbrock's curved valley gradient descent (ε = 0.001, small enough not to blow up on the steep walls) crawls: " +
				"after 100 steps its loss is still above 3. Newton jumps to the minimum of the local quadratic model each step and reaches (1, 1) in six steps; " +
				"saddle-free Newton, which divides by |H| plus a damping of 0.1, takes a few more.",
			Objective: landscape.Spec{ID: "rosenbrock"},
			Start:     []float64{-1.2, 1},
			Runs: []SceneRun{
				{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.001}},
				{Optimizer: "newton"},
				{Optimizer: "saddle_free_newton", Hyper: map[string]float64{"damping": 0.1}},
			},
			Mode: "side", Pair: [2]int{0, 1}, Eigen: true,
		},
	}
}

// Tuned is the theory's best constant step for gradient descent and for
// the heavy ball on a quadratic whose Hessian has eigenvalues in [μ, L]
// (Polyak 1964; e.g. Nocedal & Wright): the error of gradient descent at
// ε = 2/(L+μ) shrinks by (κ−1)/(κ+1) a step, that of the heavy ball at
// ε = 4/(√L+√μ)², α = ((√κ−1)/(√κ+1))² by (√κ−1)/(√κ+1), κ = L/μ.
type Tuned struct {
	Mu, L, Kappa       float64
	GDRate, GDFactor   float64
	HBRate, HBMomentum float64
	HBFactor           float64
}

// TunedRates derives Tuned from the Hessian of a quadratic objective
// (constant, so taken at its minimum). It panics on a spec that is not a
// convex quadratic: the scenes are fixed data, and a bad one is a bug.
func TunedRates(spec landscape.Spec) Tuned {
	obj, _, err := landscape.New(spec)
	if err != nil {
		panic("templates: " + err.Error())
	}
	g, err := landscape.Curvature(obj, make([]float64, obj.Dim()))
	if err != nil {
		panic("templates: " + err.Error())
	}
	mu, l := g.Eigenvalues[0], g.Eigenvalues[len(g.Eigenvalues)-1]
	if !(mu > 0) {
		panic("templates: the tuned rates need a positive definite Hessian")
	}
	k := l / mu
	sq := (math.Sqrt(k) - 1) / (math.Sqrt(k) + 1)
	return Tuned{
		Mu: mu, L: l, Kappa: k,
		GDRate: 2 / (l + mu), GDFactor: (k - 1) / (k + 1),
		HBRate: 4 / math.Pow(math.Sqrt(l)+math.Sqrt(mu), 2), HBMomentum: sq * sq, HBFactor: sq,
	}
}

// num prints a derived number as the page shows it: three significant digits,
// with the eigenvalues' rounding noise gone (25 rather than 25.000000000004).
func num(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
