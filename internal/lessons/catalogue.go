package lessons

import (
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/maps"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// Helpers that keep the data below short.

func spec(id string, params map[string]float64) landscape.Spec {
	return landscape.Spec{ID: id, Params: params}
}

func run(optimizer, label string, hyper map[string]float64) scene.RunSpec {
	return scene.RunSpec{Optimizer: optimizer, Label: label, Hyper: scene.Hyper{Num: hyper}}
}

func view(x0, x1, y0, y1 float64) View {
	return View{X: [2]float64{x0, x1}, Y: [2]float64{y0, y1}}
}

// domainView is the catalogue's default rectangle for an objective, for
// lessons whose data sets put the minimum at no round numbers.
func domainView(id string) View {
	info, ok := landscape.Lookup(id)
	if !ok {
		panic("lessons: no objective " + id)
	}
	return View{X: info.Domain.X, Y: info.Domain.Y}
}

// catalogue builds the lessons in chapter order. The numbers in them (starts,
// rates, step counts) were chosen so that each lesson's claim holds on the
// engine; lessons_test.go checks every one, so change them together.
func catalogue() []Lesson {
	return []Lesson{
		realNetwork(),
		illConditioning(),
		edgeOfStability(),
		localMinima(),
		basinsLesson(),
		saddlePoints(),
		plateaus(),
		saddlesHighDim(),
		cliffs(),
		longTermDependencies(),
		sgdDecay(),
		momentum(),
		initialization(),
		adaptiveRates(),
		beyondTheChapter(),
		newtonVsGD(),
		conjugateGradients(),
		bfgs(),
		naturalGradient(),
		coordinateDescent(),
		continuation(),
	}
}

// illConditioning: the quadratic valley of condition number 25, with ε just
// under 2/λmax. The start has as much gradient along the valley as across
// it, so the class sees gᵀHg/gᵀg climb from the middle of the spectrum to
// λmax as the shallow direction is used up and the steep one, which GD
// damps only by |1 − 25ε| per step, is left zig-zagging.
func illConditioning() Lesson {
	return Lesson{
		ID: "ill-conditioning", Title: "Ill-conditioning and curvature", Section: "8.2.1",
		Summary: "Gradient descent zig-zags across a narrow valley while gᵀHg outgrows gᵀg.",
		Caption: "The valley is 25 times steeper across than along (condition number 25), so a rate small enough " +
			"not to blow up across it (ε < 2/25) creeps along it. Every step across overshoots and the path zig-zags. " +
			"The plot of gᵀg and gᵀHg shows why: the second-order term ½ε²gᵀHg eats almost all of the first-order gain εgᵀg.",
		Scene: scene.Request{
			Objective: spec("quadratic", map[string]float64{"a": 1, "b": 25, "angle": 30}),
			Start:     []float64{-2.45, -1.3},
			Runs:      []scene.RunSpec{run("gd", "gradient descent, ε = 0.078", map[string]float64{"lr": 0.078})},
			Seed:      1,
		},
		View: view(-3, 3, -3, 3), Steps: 80, Speed: 10,
		Overlays: []string{OverlayEigen, OverlayGtgGtHg, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "The arrows are the Hessian's eigen-directions: curvature 1 along the valley, 25 across it, so the read-out's condition number is κ = 25 (it is capped at 10¹⁶ and marked singular when a curvature is 0)."},
			{At: 10, Text: "Each step across the valley overshoots to the other side: the zig-zag."},
			{At: 40, Text: "gᵀHg/gᵀg has climbed towards 25: the gradient now points mostly across the valley."},
			{At: 80, Text: "Now raise ε above 2/25 = 0.08 and press play again: the zig-zag grows and GD diverges."},
		},
	}
}

// localMinima: the six-hump camel (two global, four local minima); each
// variant starts in another basin.
func localMinima() Lesson {
	starts := []struct {
		label string
		at    []float64
	}{
		{"start in the middle", []float64{-0.3, 0.3}},
		{"start on the left", []float64{-1.9, 0.3}},
		{"start on the right", []float64{1.9, -0.3}},
		{"start bottom left", []float64{-1.5, -1}},
		{"start top right", []float64{1.5, 1}},
	}
	var variants []Variant
	for _, s := range starts {
		variants = append(variants, Variant{Label: s.label, Start: s.at})
	}
	return Lesson{
		ID: "local-minima", Title: "Local minima", Section: "8.2.2",
		Summary: "Descent from different starts ends in different minima, some worse than others.",
		Caption: "The six-hump camel has two global minima and four local ones of higher cost. " +
			"Gradient descent only ever goes downhill, so where it ends depends on the basin it starts in. " +
			"Try the other starts: some end in a minimum that is not the best.",
		Scene: scene.Request{
			Objective: spec("six_hump_camel", nil),
			Start:     []float64{-1.2, -0.2},
			Runs:      []scene.RunSpec{run("gd", "gradient descent", map[string]float64{"lr": 0.02})},
			Seed:      1,
		},
		View: view(-2, 2, -1.2, 1.2), Steps: 300, Speed: 30,
		Overlays: []string{OverlayBasins, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "Press play: gradient descent rolls into the nearest basin."},
			{At: 300, Text: "Pick another start: the same method ends in another minimum, with another loss."},
		},
		Variants: variants,
	}
}

// saddlePoints: x² − y² from just off the x axis.
func saddlePoints() Lesson {
	return Lesson{
		ID: "saddle-points", Title: "Saddle points", Section: "8.2.3 (draft 8.2.4)",
		Summary: "Gradient descent slides off a saddle, Newton's method jumps into it, saddle-free Newton escapes.",
		Caption: "At a saddle the gradient vanishes but the point is no minimum: J = θ₁² − θ₂² curves up along θ₁ and down along θ₂. " +
			"Gradient descent is pushed away along θ₂, slowly at first. Newton's method solves for the point where " +
			"the gradient vanishes and lands on the saddle in one step; saddle-free Newton rescales by |H| and always goes downhill.",
		Scene: scene.Request{
			Objective: spec("saddle", nil),
			Start:     []float64{-1.5, 0.05},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.1}),
				run("newton", "Newton", nil),
				run("saddle_free_newton", "saddle-free Newton", nil),
			},
			Seed: 1,
		},
		View: view(-2, 2, -2, 2), Steps: 25, Speed: 4,
		// It opens on the 3-D surface: "up one way, down the other" is seen, not read off contours.
		Overlays: []string{OverlaySurface3D, OverlayEigen, OverlayQuadraticModel, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "Drag the surface to turn it: it curves up along θ₁ and down along θ₂. The translucent pink surface is the quadratic model at the current point; Newton's method jumps to its stationary point."},
			{At: 1, Text: "Newton's step lands exactly on the saddle: the gradient is zero there, and it stops."},
			{At: 10, Text: "Gradient descent has nearly reached the saddle along θ₁, but its small θ₂ grows every step."},
			{At: 25, Text: "Both escapes go downhill forever along θ₂: this saddle has no minimum below it."},
		},
	}
}

// plateaus: the tanh-squashed bowl; from the shelf the gradient is only the
// slight tilt, so gradient descent crawls while Adam, which divides by the
// gradient's own scale, walks.
func plateaus() Lesson {
	return Lesson{
		ID: "plateaus", Title: "Plateaus", Section: "8.2.3 (draft 8.2.4)",
		Summary: "On a flat shelf the gradient all but vanishes and gradient descent crawls.",
		Caption: "Far from the well the loss is almost flat: the gradient is dozens of times smaller than on the well's walls, " +
			"so gradient descent takes tiny steps and seems stuck, though it is at no minimum. " +
			"Adam divides each step by the gradient's recent size, so it crosses the shelf at a steady pace.",
		Scene: scene.Request{
			Objective: spec("plateau", nil),
			Start:     []float64{2.5, 2},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.2}),
				run("adam", "Adam", map[string]float64{"lr": 0.05}),
			},
			Seed: 1,
		},
		View: view(-3, 3, -3, 3), Steps: 400, Speed: 40,
		Overlays: []string{OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "Watch the plot of the gradient norm ‖g‖: on the shelf it is about 0.03."},
			{At: 100, Text: "Gradient descent has barely moved; Adam is already in the well."},
			{At: 360, Text: "Gradient descent finally reaches the edge of the shelf and drops into the well."},
		},
	}
}

// cliffs: the cliff of §8.2.4 (draft 8.2.5), plain gradient descent with and
// without clipping, side by side.
func cliffs() Lesson {
	clipped := run("gd", "gradient descent, clipped to ‖g‖ ≤ 1", map[string]float64{"lr": 0.05})
	clipped.Clip = optim.Clip{Norm: 1}
	return Lesson{
		ID: "cliffs", Title: "Cliffs and clipping", Section: "8.2.4 (draft 8.2.5)", Figure: "the figure of a cliff in the cost",
		Summary: "An unclipped step on a cliff is catapulted away; the clipped step survives.",
		Caption: "A gentle slope ends at a wall ten thousand times steeper. The step that lands on the wall is " +
			"ten thousand times longer than the steps before it and throws the parameters far away. " +
			"Clipping the gradient's norm keeps the direction but caps the length, so the run stays at the foot of the wall.",
		Scene: scene.Request{
			Objective: spec("cliff", nil),
			Start:     []float64{-2, 1.5},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.05}),
				clipped,
			},
			Seed: 1,
		},
		View: view(-2.5, 1.5, -2, 2), Steps: 150, Speed: 15,
		Overlays: []string{OverlaySideBySide, OverlayClipArrows, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "Both runs walk down the same gentle slope towards the wall."},
			{At: 90, Text: "The unclipped run hit the wall and was thrown out of the picture."},
			{At: 150, Text: "The clipped run's raw gradient (faint arrow) was huge too, but its step (solid arrow) was capped."},
		},
	}
}

// longTermDependencies: the linear recurrent net; descent from w < 1 meets
// the exploding gradient as w passes 1, and clipping tames it.
func longTermDependencies() Lesson {
	clipped := run("gd", "gradient descent, clipped to ‖g‖ ≤ 1", map[string]float64{"lr": 0.01})
	clipped.Clip = optim.Clip{Norm: 1}
	return Lesson{
		ID: "long-term-dependencies", Title: "Long-term dependencies", Section: "8.2.5 (draft 8.2.6)",
		Summary: "A recurrent weight's gradient is a product of Jacobians: it vanishes for |w| < 1 and explodes for |w| > 1.",
		Caption: "A recurrent net multiplies its state by w at each of 30 steps, so an input's effect on the output is " +
			"scaled by a power of w. For w below 1 the early inputs are forgotten and the loss is flat in w; " +
			"above 1 their effect grows like w³⁰ and the loss rises into a cliff. Clipping keeps the descent from being thrown off it.",
		Scene: scene.Request{
			Objective: spec("recurrent", nil),
			Start:     []float64{0.5, 0.5},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.01}),
				clipped,
			},
			Seed: 1,
		},
		View: view(-1.2, 1.2, -1, 3), Steps: 300, Speed: 30,
		Overlays: []string{OverlayClipArrows, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "θ₁ is w, θ₂ is u. Between w = −1 and w = 1 the colour hardly changes: the loss stays between 16 and 35 there, where at w = 1.2 it reaches 4 × 10⁵. The early inputs are forgotten and the loss barely depends on w."},
			{At: 12, Text: "The unclipped run passed w = 1, where the gradient explodes, and one step threw it off the picture."},
			{At: 100, Text: "The clipped run sits at the edge of the cliff near w = 1, where the contours crowd together."},
		},
	}
}

// sgdDecay: linear regression, SGD on minibatches with a constant rate and
// with the linear decay of §8.3.1.
func sgdDecay() Lesson {
	decayed := run("sgd", "SGD, ε decays linearly to ε/100", map[string]float64{"lr": 0.1, "batch": 4})
	decayed.Schedule = optim.Schedule{Kind: "linear", Tau: 300}
	return Lesson{
		ID: "sgd", Title: "Inexact gradients and learning-rate decay", Section: "8.3.1 (draft 8.3.2)",
		Summary: "Minibatch noise keeps SGD with a constant rate jittering above the minimum; a decaying rate settles it.",
		Caption: "Each SGD step uses the gradient of four examples, a noisy estimate of the true gradient (§8.1.3, §8.2.6 (draft 8.2.7)). " +
			"With a constant rate the noise never dies down, so the run keeps jittering around the minimum. " +
			"Decaying the rate linearly, as §8.3.1 (draft 8.3.2) suggests, shrinks the steps and the jitter with them.",
		Scene: scene.Request{
			Objective: spec("linear_regression", nil),
			Runs: []scene.RunSpec{
				run("sgd", "SGD, constant ε", map[string]float64{"lr": 0.1, "batch": 4}),
				decayed,
			},
			Seed: 7,
		},
		View: domainView("linear_regression"), Steps: 400, Speed: 40,
		Overlays: []string{OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "Both runs take the same noisy steps at first."},
			{At: 300, Text: "The decayed rate has reached ε/100: that run has settled, the other still jitters."},
			{At: 400, Text: "Try a larger batch: the jitter of the constant rate shrinks too."},
		},
		Variants: []Variant{
			{Label: "batch 32", Runs: []scene.RunSpec{
				run("sgd", "SGD, constant ε, batch 32", map[string]float64{"lr": 0.1, "batch": 32}),
				{Optimizer: "sgd", Label: "SGD, decaying ε, batch 32", Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.1, "batch": 32}},
					Schedule: optim.Schedule{Kind: "linear", Tau: 300}},
			}},
		},
	}
}

// momentum: the valley of the ill-conditioning lesson, gradient descent
// against momentum and Nesterov momentum at the same rate.
func momentum() Lesson {
	return Lesson{
		ID: "momentum", Title: "Momentum and Nesterov momentum", Section: "8.3.2–8.3.3 (draft 8.3.3–8.3.4)", Figure: "the figure of momentum's path across a valley",
		Summary: "Momentum accumulates velocity along the valley and reaches the minimum in fewer steps than gradient descent.",
		Caption: "Momentum adds up past gradients into a velocity: along the valley, where they agree, it builds up speed " +
			"and soon leaves gradient descent, which creeps, behind. Across the valley the velocity carries it past the floor, " +
			"so its path swings from side to side, a little less each step. Nesterov's variant takes the gradient at the " +
			"look-ahead point where the velocity is about to carry it, so it corrects sooner and swings far less.",
		Scene: scene.Request{
			Objective: spec("quadratic", map[string]float64{"a": 1, "b": 25, "angle": 30}),
			Start:     []float64{-2.5, 1.5},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.03}),
				run("momentum", "momentum, α = 0.8", map[string]float64{"lr": 0.03, "momentum": 0.8}),
				run("nesterov", "Nesterov, α = 0.8", map[string]float64{"lr": 0.03, "momentum": 0.8}),
			},
			Seed: 1,
		},
		View: view(-3, 3, -3, 3), Steps: 200, Speed: 20,
		Overlays: []string{OverlayVelocity, OverlayLookahead, OverlayLossCurve},
		// The rate map of the momentum run over (ε, α), the heavy ball's
		// theory drawn over it (TestClaimMomentumMap).
		Map: &MapView{Kind: MapHypermap, Run: 1, Hyper: &maps.HyperParams{
			X:       &maps.Axis{Name: "lr", Range: &[2]float64{0.001, 0.32}, N: ptr(64), Log: ptr(true)},
			Y:       &maps.Axis{Name: "momentum", Range: &[2]float64{0, 0.99}, N: ptr(64)},
			Measure: ptr(maps.MeasureRate),
		}},
		Script: []Cue{
			{At: 0, Text: "Press play: all three use the same rate ε = 0.03."},
			{At: 3, Text: "Momentum overshoots across the valley: the velocity carries it past the floor."},
			{At: 60, Text: "Along the valley the velocity has built up: momentum is far ahead of gradient descent."},
			{At: 120, Text: "Below, the rate map of momentum: one 200-step run for each (ε, α), brighter where ‖θ − θ*‖ shrinks faster per step. " +
				"The star marks theory's optimum for curvatures μ = 1 and L = 25: ε* = 4/(√L + √μ)² = 1/9 ≈ 0.111 and α* = ((√κ − 1)/(√κ + 1))² = 4/9 ≈ 0.444, rate 2/3 per step; " +
				"the best measured cell (□) lies next to it, and the lesson's ε = 0.03, α = 0.8 (○) is slower."},
			{At: 200, Text: "Now raise α towards 0.99: the overshoot grows and the path spirals."},
		},
	}
}

// adaptiveRates: Beale's flat basin between steep ridges, the four
// adaptive methods racing.
func adaptiveRates() Lesson {
	return Lesson{
		ID: "adaptive-rates", Title: "Adaptive learning rates", Section: "8.5 (draft 8.4)",
		Summary: "AdaGrad, RMSprop, Adam and AdaDelta (Zeiler 2012) race, each with its own rate for each coordinate.",
		Caption: "On Beale's function the gradient is huge on the ridges and tiny in the basin, and its two coordinates differ in scale. " +
			"Adaptive methods divide each coordinate's step by a running size of its own gradients, so each " +
			"coordinate gets its own effective rate, drawn as bars. They differ in how they keep that running size.",
		Scene: scene.Request{
			Objective: spec("beale", nil),
			Start:     []float64{1, 1.5},
			Runs: []scene.RunSpec{
				run("adagrad", "AdaGrad", map[string]float64{"lr": 0.3}),
				run("rmsprop", "RMSprop", map[string]float64{"lr": 0.01}),
				run("adam", "Adam", map[string]float64{"lr": 0.05}),
				run("adadelta", "AdaDelta", map[string]float64{"rho": 0.9, "eps": 1e-3}),
			},
			Seed: 1,
		},
		View: view(-4.5, 4.5, -4.5, 4.5), Steps: 500, Speed: 40,
		Overlays: []string{OverlayEffLR, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "Press play: four methods, four ways to keep a running size of the gradient."},
			{At: 50, Text: "The bars show each coordinate's effective rate: they are not equal."},
			{At: 300, Text: "AdaDelta has no rate to set and grew its own, 18 times by step 121, past 2/λmax: " +
				"since then it bounces across the valley and its loss climbs back up from 0.001."},
			{At: 500, Text: "AdaGrad's rates only ever shrink; RMSprop's and Adam's forget old gradients."},
		},
	}
}

// newtonVsGD: the rotated valley; Newton's step is a gradient step in the
// φ = H^½θ coordinates where the valley is round.
func newtonVsGD() Lesson {
	rosenbrock := spec("rosenbrock", nil)
	return Lesson{
		ID: "newton-vs-gd", Title: "Newton vs gradient descent", Section: "8.6.1 (draft 8.5.1)",
		Summary: "Newton's method is gradient descent in coordinates where the valley is round.",
		Caption: "Newton's method jumps to the minimum of the local quadratic model, so on a quadratic valley it " +
			"arrives in one step while gradient descent zig-zags. In the coordinates φ = H^½θ the valley becomes " +
			"round, and there Newton's step is a plain gradient step of rate 1.",
		Scene: scene.Request{
			Objective: spec("quadratic", map[string]float64{"a": 1, "b": 25, "angle": 30}),
			Start:     []float64{-2.5, 1.5},
			Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.07}),
				run("newton", "Newton", nil),
			},
			Seed: 1,
		},
		View: view(-3, 3, -3, 3), Steps: 100, Speed: 10,
		Overlays: []string{OverlaySideBySide, OverlayPhiSpace, OverlayQuadraticModel, OverlayEigen},
		Script: []Cue{
			{At: 1, Text: "Newton has arrived: the local model is the function itself."},
			{At: 2, Text: "Switch to the φ view: the valley is a round bowl, and Newton's step points straight at its centre."},
			{At: 100, Text: "Try the Rosenbrock variant: the model changes from step to step, Newton still follows the curved valley."},
		},
		Variants: []Variant{
			{Label: "Rosenbrock", Objective: &rosenbrock, Start: []float64{-1.2, 1}, Runs: []scene.RunSpec{
				run("gd", "gradient descent", map[string]float64{"lr": 0.001}),
				run("newton", "Newton", nil),
			}},
		},
	}
}

// conjugateGradients: steepest descent with an exact line search is cg
// restarted at every line search.
func conjugateGradients() Lesson {
	sd := scene.RunSpec{Optimizer: "cg", Label: "steepest descent (line search)",
		Hyper: scene.Hyper{Num: map[string]float64{"restart": 1}}}
	return Lesson{
		ID: "conjugate-gradients", Title: "Conjugate gradients", Section: "8.6.2 (draft 8.5.2)", Figure: "the figure of steepest descent's zig-zag",
		Summary: "Steepest descent with line searches zig-zags; conjugate gradients reach a 2-D quadratic's minimum in two line searches.",
		Caption: "Steepest descent minimises exactly along the gradient, and each new gradient is at right angles to " +
			"the last, so it zig-zags (here it is conjugate gradients restarted at every line search, which is the same method). " +
			"Conjugate gradients choose each direction so it does not undo the last one: two line searches solve a 2-D quadratic.",
		Scene: scene.Request{
			Objective: spec("quadratic", map[string]float64{"a": 1, "b": 25, "angle": 30}),
			Start:     []float64{-2.2, -1.15},
			Runs:      []scene.RunSpec{sd, run("cg", "conjugate gradients", nil)},
			Seed:      1,
		},
		View: view(-3, 3, -3, 3), Steps: 30, Speed: 2,
		Overlays: []string{OverlaySideBySide, OverlayEigen, OverlayLossCurve},
		Script: []Cue{
			{At: 1, Text: "Both take the same first step: a line search along −g."},
			{At: 2, Text: "Conjugate gradients has arrived; steepest descent turned 90° and will keep zig-zagging."},
		},
	}
}

// bfgs: BFGS and L-BFGS on Rosenbrock; the inverse-Hessian estimate is
// drawn against the true one.
func bfgs() Lesson {
	return Lesson{
		ID: "bfgs", Title: "BFGS and L-BFGS", Section: "8.6.3 (draft 8.5.3)",
		Summary: "BFGS learns the inverse Hessian from the gradients it sees; its estimate converges to the true one.",
		Caption: "BFGS never computes the Hessian: after each step it corrects an estimate M of the inverse Hessian so " +
			"it explains the change in the gradient. The ellipse of M, drawn against that of the true inverse Hessian, " +
			"comes to match it as the run converges. L-BFGS keeps only the last few steps instead of M.",
		Scene: scene.Request{
			Objective: spec("rosenbrock", nil),
			Start:     []float64{-1.2, 1},
			Runs: []scene.RunSpec{
				run("bfgs", "BFGS", nil),
				run("lbfgs", "L-BFGS, memory 5", map[string]float64{"memory": 5}),
			},
			Seed: 1,
		},
		View: view(-2, 2, -1, 3), Steps: 45, Speed: 3,
		Overlays: []string{OverlayInvHessian, OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "M starts as the identity: a circle, unlike the true inverse Hessian's thin ellipse."},
			{At: 5, Text: "Each step bends M towards the curvature it has seen along the way."},
			{At: 20, Text: "BFGS has converged, and there the two ellipses coincide: it steps like Newton."},
			{At: 45, Text: "L-BFGS, which keeps only five pairs of steps, took about twice as many steps."},
		},
	}
}

// naturalGradient: logistic regression, gradient descent against the
// natural gradient.
func naturalGradient() Lesson {
	return Lesson{
		ID: "natural-gradient", Title: "Natural gradient", Section: "Amari 1998 (draft 8.6)",
		Summary: "Measuring steps by how much the model's predictions change, the natural gradient beats gradient descent.",
		Caption: "A logistic regression's parameters do not all matter equally: a small change of one moves the " +
			"predictions more than a large change of another. The natural gradient divides by the Fisher information, " +
			"which measures that: at the same rate it reaches the minimum in about ten steps where gradient descent needs many more.",
		Scene: scene.Request{
			Objective: spec("logistic_regression", nil),
			Runs: []scene.RunSpec{
				run("gd", "gradient descent, ε = 0.5", map[string]float64{"lr": 0.5}),
				run("natural_gradient", "natural gradient, ε = 0.5", map[string]float64{"lr": 0.5}),
			},
			Seed: 1,
		},
		View: domainView("logistic_regression"), Steps: 50, Speed: 5,
		Overlays: []string{OverlaySideBySide, OverlayLossCurve},
		Script: []Cue{
			{At: 5, Text: "The natural gradient is nearly there, though its first step overshot the minimum and had to come back; gradient descent is still turning into the valley."},
			{At: 50, Text: "Raise ε to 1: the natural gradient here is Newton's step, and from this far start it is thrown out of the picture."},
		},
	}
}

// coordinateDescent: (x − y)² + α(x² + y²) with a small α; the variants
// sweep α.
func coordinateDescent() Lesson {
	var variants []Variant
	for _, a := range []struct {
		label string
		alpha float64
	}{{"α = 1", 1}, {"α = 0.1", 0.1}, {"α = 0.01", 0.01}} {
		s := spec("coordinate", map[string]float64{"alpha": a.alpha})
		variants = append(variants, Variant{Label: a.label, Objective: &s})
	}
	return Lesson{
		ID: "coordinate-descent", Title: "Coordinate descent", Section: "8.7.2 (draft 8.7.1)",
		Summary: "Minimising one coordinate at a time makes a staircase that stalls when the coordinates are coupled.",
		Caption: "Coordinate descent minimises exactly along one axis, then the other. On (x − y)² + α(x² + y²) each " +
			"coordinate wants to equal the other, so each step moves only a little. As α shrinks the staircase's steps " +
			"shrink with it and the method stalls.",
		Scene: scene.Request{
			Objective: spec("coordinate", map[string]float64{"alpha": 0.05}),
			Start:     []float64{2.5, -2},
			Runs:      []scene.RunSpec{run("coordinate", "coordinate descent", nil)},
			Seed:      1,
		},
		View: view(-3, 3, -3, 3), Steps: 200, Speed: 10,
		Overlays: []string{OverlayLossCurve},
		Script: []Cue{
			{At: 2, Text: "One sweep: x moves to the best x for this y, then y to the best y for this x. (Each step takes the nearest minimum along its axis, downhill from where it stands; here each axis has only one.)"},
			{At: 40, Text: "The staircase hugs the diagonal x = y, where the steps are tiny."},
			{At: 200, Text: "Try α = 1 and α = 0.01: the smaller α, the more sweeps it takes."},
		},
		Variants: variants,
	}
}

// continuation: Rastrigin blurred at falling σ (§8.7.6, draft 8.7.5). The lesson
// opens at the largest σ, where the blurred function is one bowl, with the
// tracked gradient descent; the script walks σ down stop by stop, each
// stage starting where the last ended. A variant shows the raw function:
// gradient descent stuck in a dip, and noisy SGD with a decaying rate as
// the annealing analogue.
func continuation() Lesson {
	sigmas := []float64{2, 1, 0.6, 0.45, 0.35, 0.25, 0.15, 0}
	tracked := run("gd", "gradient descent on J_σ (tracked)", map[string]float64{"lr": 0.004})
	anneal := run("sgd", "annealing: noisy SGD, decaying ε", map[string]float64{"lr": 0.01, "noise": 20})
	anneal.Schedule = optim.Schedule{Kind: "linear", Tau: 1500}
	blurred := spec("rastrigin", nil)
	blurred.Blur = sigmas[0]
	raw := spec("rastrigin", nil)
	return Lesson{
		ID: "continuation", Title: "Continuation and annealing", Section: "8.7.6 (draft 8.7.5)",
		Summary: "Blurring a bumpy function leaves one basin; tracking its minimum as the blur fades finds the global minimum.",
		Caption: "The bumpy Rastrigin function, blurred with σ = 2, is a single smooth bowl: gradient descent finds its " +
			"minimum. Lowering σ step by step brings the bumps back, but each stage starts where the last one ended, " +
			"so the tracked minimum stays in the central basin and ends at the global minimum as σ reaches 0.",
		Scene: scene.Request{
			Objective: blurred,
			Start:     []float64{3.2, -2.3},
			Runs:      []scene.RunSpec{tracked},
			Seed:      3,
		},
		View: view(-5.12, 5.12, -5.12, 5.12), Steps: 2000, Speed: 100,
		Overlays: []string{OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "σ = 2: blurred this much, the bumps average out to one bowl. Press play: gradient descent slides to its minimum."},
			{At: 300, Text: "Now lower σ one stop (σ slider, to the right): the run restarts from here on a sharper J_σ, and the dashed line tracks its minimum."},
			{At: 600, Text: "Keep lowering σ, 1 → 0.6 → … → 0: the bumps return, but each stage starts in the basin the last one found."},
			{At: 1000, Text: "At σ = 0 the tracked run ends at the global minimum (0, 0). The variant \"no blur\" shows gradient descent on the raw function stuck in the first dip, and annealing shaken out of dips by noise."},
		},
		Variants: []Variant{{
			Label:     "no blur (σ = 0): gradient descent against annealing",
			Objective: &raw,
			Runs:      []scene.RunSpec{run("gd", "gradient descent", map[string]float64{"lr": 0.004}), anneal},
		}},
		Sigmas: sigmas,
	}
}
