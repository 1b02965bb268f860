package scene

import (
	"math"

	"github.com/saddle-viz/saddle/internal/optim"
)

// Suggestions are learning rates fitted to a scene's objective at its start
// (optim.Suggest has the rules), the answer of POST /api/suggest.
type Suggestions struct {
	// Start is the start the suggestion is for, on the plot's plane.
	Start []float64 `json:"start"`
	// LambdaMax is the Hessian's largest eigenvalue at the start (a Lanczos
	// estimate for a projected objective); left out without curvature.
	LambdaMax *float64 `json:"lambda_max,omitempty"`
	GradNorm  float64  `json:"grad_norm"`
	// Width is the width w of the region the run moves in: the shorter side
	// of a 2-D objective's domain, or the RMS parameter ‖θ₀‖/√n of a
	// projected one.
	Width float64 `json:"width"`
	// Optimizers maps every optimizer with a learning rate to its
	// suggestion: {"adam": {"hyper": {"lr": 0.04}, "rule": "ε = w/100, ..."}}.
	Optimizers map[string]optim.Suggestion `json:"optimizers"`
}

// Suggest computes the suggestions for s's objective at s's start.
func (s *Scene) Suggest() Suggestions {
	out := Suggestions{Start: s.StartXY(), Optimizers: map[string]optim.Suggestion{}}
	l := Local(s)
	if !math.IsNaN(l.LambdaMax) {
		v := l.LambdaMax
		out.LambdaMax = &v
	}
	out.GradNorm, out.Width = l.GradNorm, l.Width
	if s.View != nil || s.Obj.Dim() != 2 {
		out.GradNorm *= math.Sqrt(float64(s.Obj.Dim())) // the whole gradient's norm on the wire
	}
	for _, info := range optim.Catalogue() {
		if sg, ok := optim.Suggest(info.ID, l); ok {
			out.Optimizers[info.ID] = sg
		}
	}
	return out
}

// Local is what optim.Suggest needs of s's objective at its start.
func Local(s *Scene) optim.Local {
	n := s.Obj.Dim()
	g := make([]float64, n)
	s.Obj.Grad(g, s.Start)
	l := optim.Local{LambdaMax: math.NaN(), LambdaDomain: math.NaN(), GradNorm: optim.Norm(g)}
	if !finite(l.GradNorm) {
		l.GradNorm = 0
	}
	if _, hi, ok := s.extremes(s.Start); ok {
		l.LambdaMax = hi
	}
	if s.View == nil && n == 2 {
		d := s.Info.Domain
		l.Width = min(d.X[1]-d.X[0], d.Y[1]-d.Y[0])
		for _, x := range [][]float64{{(d.X[0] + d.X[1]) / 2, (d.Y[0] + d.Y[1]) / 2},
			{d.X[0], d.Y[0]}, {d.X[0], d.Y[1]}, {d.X[1], d.Y[0]}, {d.X[1], d.Y[1]}} {
			if _, hi, ok := s.extremes(x); ok && (math.IsNaN(l.LambdaDomain) || hi > l.LambdaDomain) {
				l.LambdaDomain = hi
			}
		}
	} else {
		rms := math.Sqrt(float64(n))
		l.Width = max(1e-3, optim.Norm(s.Start)/rms)
		l.GradNorm /= rms
	}
	return l
}
