package lessons

import (
	"context"
	"testing"

	"github.com/saddle-viz/saddle/internal/zoo"
)

func TestHonestExplore(t *testing.T) {
	l := mustGet(t, "saddle-points-high-dim")
	for _, steps := range []int{5, 50, 100, 150, 200} {
		sc, _ := play(t, l, -1, steps)
		for i := 0; i < 2; i++ {
			h, err := zoo.ComputeHonest(context.Background(), sc.View.Model, theta(sc, i), zoo.HonestParams{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("steps %d run %d: loss %.4g tr %.4g tr/n %.4g λ [%.4g, %.4g] conv %v r %.3g random curv %.4g rand range [%.4g %.4g] hess range [%.4g %.4g] products %d",
				steps, i, h.Loss, h.Trace, h.Expected, h.LambdaMin, h.LambdaMax, h.Converged, h.Radius, h.Random.Curvature, h.Random.Min, h.Random.Max, h.Hessian.Min, h.Hessian.Max, h.Products)
		}
	}
}
