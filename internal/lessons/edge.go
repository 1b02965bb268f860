package lessons

import (
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// OverlaySharpness is the sharpness λmax(H(θₖ)) of the selected run every
// few steps against its method's stability threshold (2/ε for gradient
// descent): the edge of stability. It needs Hessian-vector products.
const OverlaySharpness = "sharpness"

// EdgeEvery is how often the edge-of-stability lesson measures the
// sharpness (the page's sharpness subscription and the claim's test).
const EdgeEvery = 5

// edgeOfStability: full-batch gradient descent on a small tanh network with
// a squared loss (Cohen et al. 2021). With ε = 0.2 the sharpness climbs
// from its start (about 4.6) to 2/ε = 10, overshoots a little, and then
// hovers at 2/ε while the loss goes on falling, though not monotonically;
// with ε = 0.05 it climbs slowly and stays far below 2/ε = 40. The numbers
// are checked by TestClaimEdgeOfStability.
func edgeOfStability() Lesson {
	return Lesson{
		ID: "edge-of-stability", Title: "The edge of stability", Section: "8.2.1",
		Summary: "Full-batch gradient descent drives the sharpness λmax(H) up to 2/ε and then trains there, at the edge of stability.",
		Caption: "On a quadratic, gradient descent diverges once the largest curvature λmax exceeds 2/ε. " +
			"Training a network the curvature is not fixed: it grows as the network fits (progressive sharpening) until λmax reaches 2/ε, and then it hovers there " +
			"while the loss keeps falling, with small rises, instead of blowing up (Cohen et al. 2021); with a small ε the sharpness stays far below its 2/ε.",
		Scene: scene.Request{
			Objective: landscape.Spec{ID: "mlp",
				Params:  map[string]float64{"width": 16, "depth": 2, "points": 200},
				Options: map[string]string{"data": "moons", "loss": "squared", "activation": "tanh"}},
			Plane: plane(zoo.PlanePCA),
			Runs: []scene.RunSpec{
				run("gd", "gradient descent, ε = 0.2 (2/ε = 10)", map[string]float64{"lr": 0.2}),
				run("gd", "gradient descent, ε = 0.05 (2/ε = 40)", map[string]float64{"lr": 0.05}),
			},
			Seed: 1,
		},
		View: view(-2.8, -0.3, -0.6, 1.0), Steps: 1500, Speed: 100,
		Overlays: []string{OverlayLossCurve, OverlaySharpness},
		Script: []Cue{
			{At: 0, Text: "The sharpness plot follows λmax(H), the largest eigenvalue of the Hessian, every 5 steps, against the line 2/ε of the selected run."},
			{At: 300, Text: "The sharpness has been rising as the network fits the moons: progressive sharpening."},
			{At: 700, Text: "It has reached 2/ε = 10. On a quadratic, gradient descent would now diverge."},
			{At: 1500, Text: "Instead the sharpness hovers at 2/ε while the loss keeps falling, with small rises. Select the run with ε = 0.05: its sharpness stays far below its 2/ε = 40."},
		},
	}
}
