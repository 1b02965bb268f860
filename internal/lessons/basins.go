package lessons

import (
	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/scene"
)

// BasinsSide and BasinsSteps are the basins lesson's map: 128×128 starts of
// 200 steps each (the page's basins messages and the claims' test).
const (
	BasinsSide  = 128
	BasinsSteps = 200
)

// basinsLesson: gradient descent against Newton's method on Himmelblau's
// four equal minima, with the basins of attraction of both side by side.
// Gradient descent only goes downhill, so its basins are four smooth
// regions of about a quarter each; Newton jumps to wherever the local
// quadratic model's gradient vanishes, a saddle or the maximum as well as a
// minimum, and its basins' borders are ragged. From the lesson's start
// (0, 0) Newton climbs onto the maximum. The numbers are checked by
// TestClaimBasins.
func basinsLesson() Lesson {
	return Lesson{
		ID: "basins", Title: "Basins of attraction: Newton vs gradient descent", Section: "8.2.2",
		Summary: "Every start coloured by where its run ends: gradient descent's basins have smooth borders, Newton's are ragged and hold saddles and a maximum.",
		Caption: "Himmelblau's function has four minima of equal height, four saddles and one maximum. " +
			"Gradient descent only goes downhill, so each start ends in the minimum whose basin it lies in, and the basins are four smooth regions. " +
			"Newton's method jumps to where the local quadratic model is flat, which may be a saddle or the maximum, so its map is a patchwork with ragged borders.",
		Scene: scene.Request{
			Objective: spec("himmelblau", nil),
			Start:     []float64{0, 0},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent, ε = 0.01", map[string]float64{"lr": 0.01}),
				run("newton", "Newton", nil),
			},
			Seed: 1,
		},
		View: view(-5, 5, -5, 5), Steps: 100, Speed: 20,
		Overlays: []string{OverlaySideBySide, OverlayLossCurve},
		Map:      &MapView{Kind: MapBasins, Run: 0, Basins: &maps.BasinParams{N: ptr(BasinsSide), Steps: ptr(BasinsSteps)}},
		Script: []Cue{
			{At: 0, Text: "Below the landscapes, every start of the view is coloured by the minimum its run reaches (☆): one map for each run, gradient descent's first and Newton's beside it."},
			{At: 5, Text: "From (0, 0) Newton has climbed onto the maximum at (−0.27, −0.92), where the gradient vanishes too; gradient descent is still rolling down to the minimum at (3, 2)."},
			{At: 100, Text: "Gradient descent sends every start to a minimum, about a quarter of them to each, and its basins have smooth borders. " +
				"Newton sends more than a third of the starts to a saddle or the maximum, and its borders are ragged: over four times as many cells lie on one. " +
				"Pick the start (1, 1): Newton jumps across the view to the far minimum (−3.78, −3.28), gradient descent rolls to the near one, (3, 2)."},
		},
		Variants: []Variant{
			{Label: "start at (1, 1)", Start: []float64{1, 1}},
		},
	}
}
