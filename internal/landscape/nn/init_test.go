package nn

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

func TestInitialize(t *testing.T) {
	// One 30×50 and one 50×30 weight matrix, each followed by its bias.
	blocks := []hd.Block{
		{Offset: 0, Rows: 30, Cols: 50}, {Offset: 1500, Rows: 30, Cols: 1, Bias: true},
		{Offset: 1530, Rows: 50, Cols: 30}, {Offset: 3030, Rows: 50, Cols: 1, Bias: true},
	}
	dim := 3080
	for _, tc := range []struct {
		name  string
		init  Init
		check func(t *testing.T, w *mat.Dense, b hd.Block, scale float64)
	}{
		{"uniform", Init{Scheme: Uniform, Scale: 2}, func(t *testing.T, w *mat.Dense, b hd.Block, s float64) {
			checkUniform(t, w, s/math.Sqrt(float64(b.Cols)))
		}},
		{"glorot", Init{Scheme: Glorot, Scale: 0.5}, func(t *testing.T, w *mat.Dense, b hd.Block, s float64) {
			checkUniform(t, w, s*math.Sqrt(6/float64(b.Rows+b.Cols)))
		}},
		{"orthogonal", Init{Scheme: Orthogonal, Scale: 1.7}, func(t *testing.T, w *mat.Dense, b hd.Block, s float64) {
			// The shorter side is orthonormal up to the gain: WWᵀ or WᵀW = s²I.
			var g mat.Dense
			if b.Rows <= b.Cols {
				g.Mul(w, w.T())
			} else {
				g.Mul(w.T(), w)
			}
			r, _ := g.Dims()
			want := mat.NewDiagDense(r, nil)
			for i := range r {
				want.SetDiag(i, s*s)
			}
			if !mat.EqualApprox(&g, want, 1e-10) {
				t.Errorf("%d×%d block is not gain·orthogonal", b.Rows, b.Cols)
			}
		}},
		{"sparse", Init{Scheme: Sparse, Scale: 1, K: 7}, func(t *testing.T, w *mat.Dense, b hd.Block, s float64) {
			for i := range b.Rows {
				nz := 0
				for _, v := range w.RawRowView(i) {
					if v != 0 {
						nz++
					}
				}
				if nz != 7 {
					t.Errorf("unit %d has %d non-zero incoming weights, want 7", i, nz)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			theta := make([]float64, dim)
			for i := range theta {
				theta[i] = math.NaN() // every entry must be written
			}
			tc.init.Seed = 4
			if err := Initialize(theta, blocks, tc.init); err != nil {
				t.Fatal(err)
			}
			for _, b := range blocks {
				part := theta[b.Offset : b.Offset+b.Len()]
				if b.Bias {
					if floats.Norm(part, math.Inf(1)) != 0 {
						t.Errorf("biases must start at 0")
					}
					continue
				}
				tc.check(t, mat.NewDense(b.Rows, b.Cols, part), b, tc.init.Scale)
			}
			again := make([]float64, dim)
			Initialize(again, blocks, tc.init)
			if !floats.Equal(theta, again) {
				t.Errorf("same seed gave a different initialisation")
			}
		})
	}
}

// checkUniform checks that the entries lie in [-bound, bound] and fill it:
// the largest magnitude is close to bound and the variance is bound²/3.
func checkUniform(t *testing.T, w *mat.Dense, bound float64) {
	t.Helper()
	raw := w.RawMatrix().Data
	var maxAbs, sq float64
	for _, v := range raw {
		maxAbs = max(maxAbs, math.Abs(v))
		sq += v * v
	}
	if maxAbs > bound || maxAbs < 0.95*bound {
		t.Errorf("largest weight %v, want just under the bound %v", maxAbs, bound)
	}
	if v, want := sq/float64(len(raw)), bound*bound/3; math.Abs(v-want) > 0.1*want {
		t.Errorf("variance %v, want bound²/3 = %v", v, want)
	}
}

func TestInitializeRejectsBadScale(t *testing.T) {
	theta := make([]float64, 4)
	b := []hd.Block{{Rows: 2, Cols: 2}}
	for _, s := range []float64{-1, math.Inf(1), math.NaN(), 1e9} {
		if err := Initialize(theta, b, Init{Scale: s}); err == nil {
			t.Errorf("scale %v accepted", s)
		}
	}
}
