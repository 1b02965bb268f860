// Package templates holds the templ components of Saddle's pages: the layout
// shell, the explorer and its controls. Generate with
// `go tool templ generate -path web/templates` and commit the *_templ.go.
package templates

import (
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
	return []Scene{
		{
			ID: "ill-conditioning", Title: "Ill-conditioning and curvature", Section: "8.2.1, Fig 8.1",
			Caption:   "A narrow valley (condition number 25): gradient descent zig-zags across it, momentum rolls along it, Newton jumps to the minimum in one step. Watch gᵀg and gᵀHg.",
			Objective: landscape.Spec{ID: "quadratic", Params: map[string]float64{"a": 1, "b": 25, "angle": 30}},
			Start:     []float64{-2.5, 1.5},
			Runs: []SceneRun{
				{Optimizer: "gd", Hyper: map[string]float64{"lr": 0.07}},
				{Optimizer: "momentum", Hyper: map[string]float64{"lr": 0.01, "momentum": 0.9}},
				{Optimizer: "newton"},
			},
			Mode: "single", Pair: [2]int{0, 2}, Eigen: true,
		},
		{
			ID: "cliffs", Title: "Cliffs and clipping", Section: "8.2.5, Figs 8.2–8.3",
			Caption:   "A steep cliff: the unclipped step is catapulted far away, the clipped step (‖g‖ ≤ 1) survives. The faint arrow is the raw step, the solid one the step taken.",
			Objective: landscape.Spec{ID: "cliff"},
			Runs: []SceneRun{
				{Optimizer: "sgd", Hyper: map[string]float64{"lr": 0.05}, Label: "SGD"},
				{Optimizer: "sgd", Hyper: map[string]float64{"lr": 0.05}, Clip: map[string]float64{"norm": 1}, Label: "SGD, clipped"},
			},
			Mode: "side", Pair: [2]int{0, 1},
		},
		{
			ID: "newton-vs-gd", Title: "Newton vs gradient descent", Section: "8.5.1, Fig 8.7",
			Caption:   "On Rosenbrock's curved valley gradient descent crawls while Newton follows the curvature; on the saddle x²−y² Newton is drawn into the saddle and saddle-free Newton escapes.",
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
