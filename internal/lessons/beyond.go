package lessons

import (
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// beyondTheChapter: the optimizers students train with after the chapter,
// raced on a matrix factorisation whose target has singular values 1,
// 0.32 and 0.1, from a small start by the saddle θ = 0. Adam, AdamW and
// Lion step each coordinate by about ε and, like gradient descent, fit the
// largest singular value first; Muon steps each factor by an orthogonal
// matrix, the same length in every direction, and fits the smallest first.
// With a constant rate Muon and Lion, whose steps never shrink, hover above
// the minimum that Adam reaches. The variant puts the same weight decay
// into Adam as an L2 penalty and into AdamW decoupled: the first ends at
// the minimum of J + ½λ‖θ‖², which for a factorisation is the target with
// every singular value shrunk by λ (the nuclear-norm penalty; Srebro et al.
// 2005); the second barely moves. The view is the PCA plane's domain of the
// Adam run, padded.
func beyondTheChapter() Lesson {
	target := landscape.Spec{ID: "matrix_factorization", Params: map[string]float64{"spread": 10}}
	decay := func(coupling, label string) scene.RunSpec {
		return scene.RunSpec{Optimizer: "adamw", Label: label,
			Hyper: scene.Hyper{Num: map[string]float64{"lr": 0.01, "weight_decay": 0.1}, Choice: map[string]string{"decay": coupling}}}
	}
	return Lesson{
		ID: "beyond-the-chapter", Title: "After the chapter: AdamW, Lion and Muon", Section: "8.5 (draft 8.4)",
		Summary: "AdamW, Lion and Muon race Adam on a low-rank matrix factorisation, where Muon's orthogonalised steps fit the target's directions in the opposite order.",
		Caption: "Two matrices W₁ and W₂ fit a target M whose singular values are 1, 0.32 and 0.1: Adam, AdamW and Lion step each coordinate by about ε and fit the largest value first, where Muon replaces each factor's step by the nearest orthogonal matrix, the same length in every direction, and fits the smallest first. " +
			"With a constant rate Muon and Lion keep taking steps of the same size, so they hover above the minimum that Adam settles into. " +
			"The variant gives Adam the weight decay λ = 0.1 as an L2 penalty and AdamW the same λ decoupled: the first ends at the minimum of J + ½λ‖θ‖², which shrinks every singular value by λ, the second barely moves from the fit.",
		Scene: scene.Request{
			Objective: target,
			Plane:     plane(zoo.PlanePCA),
			Runs: []scene.RunSpec{
				run("adam", "Adam, ε = 0.01 (the plane is fitted to its path)", map[string]float64{"lr": 0.01}),
				run("adamw", "AdamW, ε = 0.01, λ = 0.1", map[string]float64{"lr": 0.01, "weight_decay": 0.1}),
				run("lion", "Lion, ε = 0.003", map[string]float64{"lr": 0.003}),
				run("muon", "Muon, ε = 0.02", map[string]float64{"lr": 0.02}),
			},
			Seed: 1,
		},
		View: view(-0.4, 2, -0.9, 0.8), Steps: 300, Speed: 20,
		Overlays: []string{OverlayLossCurve},
		Script: []Cue{
			{At: 0, Text: "AdamW is due to Loshchilov & Hutter (2019), Lion to Chen et al. (2023), Muon to Jordan et al. (2024). The start is tiny, near the saddle θ = 0. Adam, AdamW and Lion step each coordinate by about ε; Muon orthogonalises each factor's momentum (Newton–Schulz iterations), so its step has the same length in every direction of the matrix."},
			{At: 30, Text: "Muon has already fitted the two smallest singular values of M, 0.1 and 0.32, and not yet the largest; Adam has fitted only the largest, whose gradient is the largest."},
			{At: 200, Text: "Adam, AdamW and Lion have fitted 1, then 0.32, then 0.1, in that order, as gradient descent would: the opposite of Muon's order."},
			{At: 300, Text: "Adam has settled at the minimum. Muon and Lion hover a little above it: their steps do not shrink as the gradient does, so they need a decaying rate (a schedule) to settle. AdamW's decay holds it a little above Adam."},
		},
		Variants: []Variant{{
			Label: "Adam with L2 against AdamW, λ = 0.1",
			Runs: []scene.RunSpec{
				decay("l2", "Adam with L2, λ = 0.1 (the plane is fitted to its path)"),
				decay("decoupled", "AdamW, λ = 0.1"),
			},
		}},
	}
}
