package zoo

import (
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
)

// The low-rank matrix factorisation: an objective whose parameters are two
// matrices, for the optimizers that act on whole matrices (Muon, Shampoo).
func init() {
	entries = append(entries, entry{
		info: projectedInfo("matrix_factorization", "Low-rank matrix factorisation", "8.2.3 (draft 8.2.4), after the chapter",
			"Two factors W₁ (rows×k) and W₂ (k×cols) fit a target M of rank rank whose singular values fall geometrically from 1 to 1/spread (random singular vectors from target_seed): a two-layer linear network. θ = 0 is a saddle, every local minimum is global (loss ½Σ_{i>k}σᵢ²), and from a small start (entries of std init_std) gradient methods learn the singular values one at a time, largest first, each after a plateau. Its parameters are matrices, so Muon and Shampoo apply.",
			"J(W₁, W₂) = ½‖W₁W₂ − M‖²_F",
			[]landscape.Param{
				{Name: "rows", Default: 10, Min: 1, Max: hd.MaxFactorSide},
				{Name: "cols", Default: 10, Min: 1, Max: hd.MaxFactorSide},
				{Name: "rank", Default: 3, Min: 1, Max: hd.MaxFactorSide},
				{Name: "k", Default: 3, Min: 1, Max: hd.MaxFactorSide},
				{Name: "spread", Default: 100, Min: 1, Max: 1e6},
				{Name: "init_std", Default: 0.01, Min: 1e-4, Max: 10},
				{Name: "target_seed", Default: 1, Min: 0, Max: seedMax},
			}, nil),
		ints: []string{"rows", "cols", "rank", "k", "target_seed"},
		build: func(p map[string]float64, _ map[string]string) (*Model, error) {
			rank := int(p["rank"])
			f, err := hd.NewFactorization(int(p["rows"]), int(p["cols"]), int(p["k"]),
				hd.GeometricSpectrum(rank, 1, p["spread"]), uint64(p["target_seed"]))
			if err != nil {
				return nil, fielderr.Prefix("params", err)
			}
			std := p["init_std"]
			m := &Model{Obj: f, Blocks: f.Blocks(), init: func(dst []float64, seed uint64) error {
				rng := nn.NewRNG(seed)
				for i := range dst {
					dst[i] = std * rng.NormFloat64()
				}
				return nil
			}}
			if f.Dim() <= MaxHessianDim {
				m.Obj = hessianFactor{f}
			}
			return m, nil
		},
	})
}

// hessianFactor is a small factorisation that also gives its full Hessian.
type hessianFactor struct{ *hd.Factorization }

func (h hessianFactor) Hess(dst *mat.SymDense, x []float64) {
	landscape.FormHessian(dst, h.Factorization, x)
}

var (
	_ landscape.Hessianer = hessianFactor{}
	_ landscape.HessVecer = hessianFactor{}
	_ landscape.Matrixed  = hessianFactor{}
)
