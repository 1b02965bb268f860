package expr_test

import (
	"fmt"

	"github.com/saddle-viz/saddle/internal/landscape/expr"
)

func Example() {
	f, err := expr.Parse("(1-x)^2 + 100*(y-x^2)^2")
	if err != nil {
		fmt.Println(err)
		return
	}
	g := make([]float64, 2)
	v := f.Grad(g, []float64{-1, 1})
	fmt.Println(f)
	fmt.Printf("f(-1, 1) = %g, ∇f = %g\n", v, g)

	_, err = expr.Parse("1 + sni(x)")
	fmt.Println(err)
	// Output:
	// (1 - x)^2 + 100*(y - x^2)^2
	// f(-1, 1) = 4, ∇f = [-4 0]
	// unknown function 'sni' at 4; did you mean 'sin'?
}
