package zoo

import (
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/nn"
)

// The recurrent network of 8.2.6, registered beside the other projected
// objectives.
func init() {
	entries = append(entries, entry{
		info: projectedInfo("rnn", "Recurrent network (long dependency)", "8.2.5 (draft 8.2.6)",
			"A vanilla tanh recurrent network that must output the first of T random signs after reading all of them: the gradient reaching the first input passes through T Jacobians of the recurrence, so it vanishes (or explodes) as T grows (§8.2.4, draft 8.2.5; §8.2.5, draft 8.2.6). Predicting 0 scores ½; an orthogonal initialisation of gain near 1 keeps the signal longest.",
			"J(θ) = (1/N) Σₙ ½(w_yᵀh_T + b_y − xₙ,₁)², h_t = tanh(w_x x_t + W_h h_{t−1} + b)",
			[]landscape.Param{
				{Name: "hidden", Default: 16, Min: 1, Max: 64},
				{Name: "T", Default: 10, Min: 2, Max: 100},
				{Name: "sequences", Default: 64, Min: 8, Max: 1000},
				{Name: "scale", Default: 1, Min: 0.01, Max: 10},
				{Name: "data_seed", Default: 1, Min: 0, Max: seedMax},
			},
			[]landscape.Choice{
				{Name: "init", Default: "orthogonal", Values: []string{"orthogonal", "glorot", "uniform", "sparse"}},
			}),
		ints: []string{"hidden", "T", "sequences", "data_seed"},
		build: func(p map[string]float64, o map[string]string) (*Model, error) {
			scheme, err := nn.ParseInit("options.init", o["init"])
			if err != nil {
				return nil, err
			}
			r, err := nn.NewRNN(int(p["hidden"]), int(p["T"]), int(p["sequences"]), uint64(p["data_seed"]))
			if err != nil {
				return nil, fielderr.Prefix("params", err)
			}
			if work := r.Dim() * r.NumExamples() * r.Steps(); work > MaxWork {
				return nil, fielderr.New("params.hidden", "the network has %d parameters on %d sequences of %d steps; Saddle steps and draws recurrent networks of at most %d parameters × sequences × steps: make it narrower, or its sequences fewer or shorter",
					r.Dim(), r.NumExamples(), r.Steps(), MaxWork)
			}
			scale := p["scale"]
			m := &Model{Obj: r, Blocks: r.Blocks(), init: func(dst []float64, seed uint64) error {
				return r.Init(dst, nn.Init{Scheme: scheme, Scale: scale, Seed: seed})
			}}
			if r.Dim() <= MaxHessianDim {
				m.Obj = hessianRNN{r}
			}
			return m, nil
		},
	})
}

// hessianRNN is a small recurrent network that also gives its full
// Hessian, for Newton's method.
type hessianRNN struct{ *nn.RNN }

func (h hessianRNN) Hess(dst *mat.SymDense, x []float64) { landscape.FormHessian(dst, h.RNN, x) }

var (
	_ landscape.Hessianer  = hessianRNN{}
	_ landscape.HessVecer  = hessianRNN{}
	_ landscape.Stochastic = hessianRNN{}
)
