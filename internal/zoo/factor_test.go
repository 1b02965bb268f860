package zoo

import (
	"errors"
	"testing"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

func TestMatrixFactorizationEntry(t *testing.T) {
	obj, info, m, err := New(landscape.Spec{ID: "matrix_factorization"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dim != 60 || !info.Projected || !info.Matrices || m == nil {
		t.Errorf("info %+v, want 60 projected parameters that are matrices", info)
	}
	mats := obj.(landscape.Matrixed).Matrices()
	if len(mats) != 2 || mats[0] != (landscape.Matrix{Offset: 0, Rows: 10, Cols: 3}) || mats[1] != (landscape.Matrix{Offset: 30, Rows: 3, Cols: 10}) {
		t.Errorf("matrices %+v, want W₁ 10×3 then W₂ 3×10", mats)
	}
	if _, ok := obj.(landscape.Hessianer); !ok {
		t.Error("60 parameters: the full Hessian should be offered (Newton)")
	}
	// The start is small: near the saddle θ = 0, whose loss is ½Σσ².
	th, err := m.Init(1)
	if err != nil {
		t.Fatal(err)
	}
	if j := obj.Value(th); j < 0.45 || j > 0.52 {
		t.Errorf("J(θ₀) = %g, want about ½(1 + 0.1² + 0.01²) ≈ 0.505", j)
	}
	if _, _, dl, _ := New(landscape.Spec{ID: "deep_linear"}); dl == nil {
		t.Fatal("deep_linear did not build")
	} else if _, info, _, _ := New(landscape.Spec{ID: "deep_linear"}); !info.Matrices {
		t.Error("deep_linear's weights are matrices")
	}
	if _, info, _, _ := New(landscape.Spec{ID: "hd_quadratic"}); info.Matrices {
		t.Error("hd_quadratic is a vector")
	}
	for _, c := range []struct {
		params map[string]float64
		field  string
	}{
		{map[string]float64{"rank": 11}, "params.rank"},
		{map[string]float64{"rows": 4, "k": 5}, "params.k"},
		{map[string]float64{"cols": 65}, "params.cols"},
		{map[string]float64{"k": 2.5}, "params.k"},
	} {
		_, _, _, err := New(landscape.Spec{ID: "matrix_factorization", Params: c.params})
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%v: %v, want an error on %s", c.params, err, c.field)
		}
	}
}
