package landscape_test

import (
	"fmt"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// Blurring ½(u² + 25v²) at scale σ adds σ²·(1 + 25)/2 everywhere.
func ExampleBlur() {
	q := landscape.NewQuadratic(1, 25, 0)
	b := landscape.Blur(q, 0.5)
	fmt.Printf("%.6g %.6g\n", q.Value([]float64{0, 0}), b.Value([]float64{0, 0}))
	// Output: 0 3.25
}

// The ill-conditioned valley of Fig 8.1: its condition number is b/a.
func ExampleCurvature() {
	obj, _, _ := landscape.New(landscape.Spec{ID: "quadratic"})
	g, _ := landscape.Curvature(obj, []float64{1, 1})
	fmt.Printf("eigenvalues %.4g, condition %.4g, gᵀg %.4g\n", g.Eigenvalues, g.Condition, g.GTG)
	// Output: eigenvalues [1 25], condition 25, gᵀg 626
}
