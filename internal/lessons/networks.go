package lessons

import (
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// The lessons on projected, high-dimensional objectives: small networks
// stepped in full dimension and drawn on a plane through their parameters.
// Their models are small (a few hundred parameters, 200–300 points) so a
// lesson plays smoothly in a browser and its claims are checked in seconds.

func plane(kind string) *zoo.PlaneSpec { return &zoo.PlaneSpec{Kind: kind} }

// OverlayHonest is the honest saddle under the landscape: the selected
// run's current point on a random plane and on the plane of the Hessian's
// extreme eigenvectors, with tr(H)/n beside λmin and λmax (zoo.ComputeHonest).
const OverlayHonest = "honest"

// HonestCueStep is the step of the saddle lesson's cue on the honest
// saddle (its claim is tested there).
const HonestCueStep = 120

// realNetwork: a tanh network on the two circles, Adam's path drawn on the
// PCA plane of its own trajectory (Li et al. 2018), with the random and
// Hessian planes as variants. The view is the PCA plane's default domain
// for this model and seed (the box around the pilot run, padded).
func realNetwork() Lesson {
	square := view(-1, 1, -1, 1)
	return Lesson{
		ID: "real-network", Title: "A real network's landscape", Section: "8.2",
		Summary: "A small network's loss drawn on planes through its parameters: the training path, the straight line from start to solution, and the Hessian's spectrum.",
		Caption: "A network with hundreds of parameters cannot be drawn, but its loss can be drawn on a plane through them: here the plane of the two directions in which Adam's path moved most, which hold nearly all of that path. " +
			"On the straight line from the start to the solution the loss falls without a bump, so this path met no barrier. " +
			"The Hessian has a few large eigenvalues above a bulk crowded near zero: sharp in a handful of directions, almost flat in all the others.",
		Scene: scene.Request{
			Objective: landscape.Spec{ID: "mlp",
				Params:  map[string]float64{"width": 16, "depth": 2, "points": 300, "noise": 0.05},
				Options: map[string]string{"data": "circles"}},
			Plane: plane(zoo.PlanePCA),
			Runs: []scene.RunSpec{
				run("adam", "Adam, ε = 0.01 (the plane is fitted to its path)", map[string]float64{"lr": 0.01}),
				run("gd", "gradient descent, ε = 0.3", map[string]float64{"lr": 0.3}),
			},
			Seed: 1,
		},
		View: view(-11, 2, -1.2, 2), Steps: 200, Speed: 20,
		Overlays: []string{OverlayLossCurve, OverlayInterpolation, OverlaySpectrum},
		Script: []Cue{
			{At: 0, Text: "Each point of this picture is the whole network with its 354 parameters set to θ₀ + a·d₁ + b·d₂, d₁ and d₂ the principal directions of Adam's path (Li et al., 2018)."},
			{At: 50, Text: "Adam has moved further along the first axis than the second: d₁ is the direction in which its whole path varies most."},
			{At: 200, Text: "The plot 'Loss from θ₀ to θk' shows the loss on the straight line from θ₀ to Adam's solution: it only falls, as Goodfellow et al. (2015) found for real networks. Now try the random plane: the same path shrinks to a dot, because almost all of it lies outside that plane."},
		},
		Variants: []Variant{
			{Label: "random plane (filter-normalised)", Plane: plane(zoo.PlaneRandom), View: &square},
			{Label: "Hessian plane (top two eigenvectors at θ₀)", Plane: plane(zoo.PlaneHessian), View: &square},
		},
	}
}

// saddlesHighDim: a two-layer linear network from a small initialisation.
// θ = 0 and its neighbours are saddles; gradient descent lingers on the
// plateau around one and escapes, Newton's method jumps onto one, and
// saddle-free Newton escapes at once. The view is the PCA plane's domain.
func saddlesHighDim() Lesson {
	return Lesson{
		ID: "saddle-points-high-dim", Title: "Saddle points in high dimension", Section: "8.2.3 (draft 8.2.4)",
		Summary: "In a deep linear network gradient descent lingers near a saddle and escapes, Newton's method is drawn onto it, saddle-free Newton goes on down.",
		Caption: "A linear network with 123 parameters has no bad local minima, but it has saddle points, and a small initialisation starts near one: gradient descent slows to a crawl on the plateau around it, then escapes along a direction of negative curvature. " +
			"Newton's method solves for a point where the gradient vanishes and lands on the saddle, where several directions still curve downwards. " +
			"Saddle-free Newton divides by |H| instead and goes on down to a minimum, which the legend rightly calls flat (degenerate): rescaling one layer by c and the next by 1/c leaves the network's function unchanged, so its minima are not isolated points but a valley of equal loss, flat along it.",
		Scene: scene.Request{
			Objective: landscape.Spec{ID: "deep_linear",
				Params: map[string]float64{"width": 8, "depth": 2, "points": 200, "scale": 0.1}},
			Plane: plane(zoo.PlanePCA),
			Runs: []scene.RunSpec{
				run("gd", "gradient descent, ε = 0.1", map[string]float64{"lr": 0.1}),
				// A touch of damping steadies the directions in which the
				// network is flat (rescaling one layer against the next).
				run("newton", "Newton", map[string]float64{"damping": 1e-6}),
				run("saddle_free_newton", "saddle-free Newton", map[string]float64{"damping": 0.01}),
			},
			Seed: 1,
		},
		View: view(-2.8, 0.8, -0.8, 0.85), Steps: 400, Speed: 25,
		Overlays: []string{OverlayLossCurve, OverlaySpectrum, OverlayHonest},
		Script: []Cue{
			{At: 1, Text: "Newton's method has jumped to a point where the gradient is almost zero: the saddle, with loss 1/3, where it stays."},
			{At: 12, Text: "Saddle-free Newton has already reached a minimum, a degenerate one: the legend says 'flat', since the network's minima form a valley of equal loss."},
			{At: 100, Text: "Gradient descent crawls on the plateau: the gradient is tiny near the saddle."},
			{At: HonestCueStep, Text: "Select Newton's run: below the landscape its saddle is seen two ways. On a random plane it sits low in a shallow valley that curves up along both axes, as if it were a minimum: a random direction sees about the average curvature tr(H)/n ≈ 0.025, which is positive. On the plane of the Hessian's extreme eigenvectors it is a saddle: λmin ≈ −0.06 < 0 < λmax ≈ 1."},
			{At: 300, Text: "Gradient descent has escaped along a downward direction."},
			{At: 400, Text: "Gradient descent has come down to saddle-free Newton's loss, in the same flat valley of equal minima (hence the legend's 'flat (degenerate) point'): this network has no worse minimum."},
		},
	}
}

// initialization: a tanh network on the two circles from five
// initialisations; the variants change the scheme and the scale.
func initialization() Lesson {
	mlp := func(init string, scale float64) landscape.Spec {
		return landscape.Spec{ID: "mlp",
			Params:  map[string]float64{"width": 16, "depth": 2, "points": 300, "noise": 0.05, "scale": scale},
			Options: map[string]string{"data": "circles", "activation": "tanh", "init": init}}
	}
	var variants []Variant
	for _, v := range []struct {
		label string
		init  string
		scale float64
	}{
		{"Glorot ×1", "glorot", 1},
		{"uniform ±1/√m ×1", "uniform", 1},
		{"orthogonal ×1", "orthogonal", 1},
		{"Glorot ×0.1 (too small)", "glorot", 0.1},
		{"Glorot ×5 (saturated)", "glorot", 5},
	} {
		s := mlp(v.init, v.scale)
		variants = append(variants, Variant{Label: v.label, Objective: &s})
	}
	return Lesson{
		ID: "initialization", Title: "Initialization", Section: "8.4 (draft 8.7.2)",
		Summary: "The scale of a network's initial weights decides whether its signal vanishes, flows or saturates.",
		Caption: "Too small a scale (×0.1) and the signal shrinks through every layer: the gradient is a hundred times smaller and gradient descent sits on the flat plateau around θ = 0, where the gradient vanishes. " +
			"At scale 1 the three schemes (uniform, Glorot, orthogonal) train alike: the scale matters more than the distribution. " +
			"Too large (×5) and many tanh units saturate, the net starts confidently wrong on a sharper landscape; on this small problem gradient descent still recovers, which is why the best scale is a balance.",
		Scene: scene.Request{
			Objective: mlp("glorot", 1),
			Runs:      []scene.RunSpec{run("gd", "gradient descent, ε = 0.5", map[string]float64{"lr": 0.5})},
			Seed:      1,
		},
		View: view(-1, 1, -1, 1), Steps: 300, Speed: 30,
		Overlays: []string{OverlayLossCurve, OverlaySpectrum},
		Script: []Cue{
			{At: 0, Text: "The plane's directions are scaled to the initial weights, so every variant is drawn at its own scale."},
			{At: 100, Text: "Glorot's start has trained: the loss curve has dropped far below log 2."},
			{At: 300, Text: "Try ×0.1: the landscape is flat and the loss stays at log 2. Then ×5: the start is confidently wrong, with many units saturated."},
		},
		Variants: variants,
	}
}
