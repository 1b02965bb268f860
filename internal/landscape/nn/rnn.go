package nn

import (
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

// Limits of an RNN.
const (
	MaxRNNHidden    = 128
	MaxRNNSteps     = 200
	MaxRNNSequences = 5000
)

// RNN is a vanilla recurrent network on the long-dependency task of 8.2.6:
// it reads a sequence x₁ … x_T of random signs and must output the first,
// after T steps of
//
//	h_t = tanh(w_x·x_t + W_h·h_{t−1} + b),  h₀ = 0,
//	y   = w_yᵀh_T + b_y,
//
// so the gradient reaching x₁ is multiplied by T Jacobians of the
// recurrence and vanishes or explodes with the spectrum of W_h. The loss is
// J(θ) = (1/N) Σₙ ½(yₙ − xₙ,₁)²; predicting 0 scores ½.
//
// Parameter layout: U = [w_x | W_h], H×(1+H) row-major (row j holds unit
// j's incoming weights: one filter), then b (H), then w_y (1×H), then b_y.
// Blocks describes it.
//
// Gradients are exact, by backpropagation through time; Hessian-vector
// products are a central difference of gradients. Every method is safe for
// concurrent use.
type RNN struct {
	hidden, steps int
	inputs        []float64 // N×T row-major: sequence n's x_t at n*T + t-1
	targets       []float64
	blocks        []hd.Block
	dim           int
	pool          sync.Pool
}

var (
	_ landscape.Objective  = (*RNN)(nil)
	_ landscape.HessVecer  = (*RNN)(nil)
	_ landscape.Stochastic = (*RNN)(nil)
)

// NewRNN returns the task of remembering the first of steps random signs,
// on sequences sequences drawn from seed, for a network of hidden units.
func NewRNN(hidden, steps, sequences int, seed uint64) (*RNN, error) {
	if hidden < 1 || hidden > MaxRNNHidden {
		return nil, fielderr.New("hidden", "must be from 1 to %d, got %d", MaxRNNHidden, hidden)
	}
	if steps < 1 || steps > MaxRNNSteps {
		return nil, fielderr.New("T", "must be from 1 to %d, got %d", MaxRNNSteps, steps)
	}
	if sequences < 1 || sequences > MaxRNNSequences {
		return nil, fielderr.New("sequences", "must be from 1 to %d, got %d", MaxRNNSequences, sequences)
	}
	r := &RNN{hidden: hidden, steps: steps, inputs: make([]float64, sequences*steps), targets: make([]float64, sequences)}
	rng := NewRNG(seed)
	for i := range r.inputs {
		r.inputs[i] = 1
		if rng.Uint64()&1 == 0 {
			r.inputs[i] = -1
		}
	}
	for n := range sequences {
		r.targets[n] = r.inputs[n*steps]
	}
	h := hidden
	r.blocks = []hd.Block{
		{Offset: 0, Rows: h, Cols: 1 + h},
		{Offset: h * (1 + h), Rows: h, Cols: 1, Bias: true},
		{Offset: h*(1+h) + h, Rows: 1, Cols: h},
		{Offset: h*(1+h) + 2*h, Rows: 1, Cols: 1, Bias: true},
	}
	r.dim = h*(1+h) + 2*h + 1
	return r, nil
}

// Dim is the number of parameters, H² + 3H + 1.
func (r *RNN) Dim() int { return r.dim }

// NumExamples is the number of sequences.
func (r *RNN) NumExamples() int { return len(r.targets) }

// Steps is the sequence length T.
func (r *RNN) Steps() int { return r.steps }

// Blocks describes the parameter layout: U = [w_x | W_h], b, w_y, b_y.
func (r *RNN) Blocks() []hd.Block { return append([]hd.Block(nil), r.blocks...) }

// Init writes initial parameters into dst (the recurrent and input weights
// of a unit form one filter, so the schemes see fan-in 1 + H).
func (r *RNN) Init(dst []float64, in Init) error {
	r.checkLen(dst)
	return Initialize(dst, r.blocks, in)
}

func (r *RNN) checkLen(x []float64) {
	if len(x) != r.dim {
		panic("nn: RNN parameter vector has the wrong length")
	}
}

// rnnWork is one call's scratch: the hidden states of every step of a
// batch (hs[t] is batch×H, hs[0] = 0), adjoints, the batch's inputs.
type rnnWork struct {
	hs         [][]float64
	dh, dz     []float64
	y          []float64
	x, targets []float64 // batch×T, batch
	idx        []int
	gplus      []float64
	theta      []float64
}

func (r *RNN) work(batch int) *rnnWork {
	w, _ := r.pool.Get().(*rnnWork)
	if w == nil {
		w = &rnnWork{}
	}
	h := r.hidden
	if len(w.hs) != r.steps+1 {
		w.hs = make([][]float64, r.steps+1)
	}
	for t := range w.hs {
		w.hs[t] = rnnGrow(w.hs[t], batch*h)
	}
	w.dh, w.dz, w.y = rnnGrow(w.dh, batch*h), rnnGrow(w.dz, batch*h), rnnGrow(w.y, batch)
	return w
}

func rnnGrow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// views returns the parts of theta: w_x (stride 1+H), W_h (H×H with
// stride 1+H), b, w_y, b_y.
func (r *RNN) views(theta []float64) (wx []float64, wh blas64.General, b, wy []float64, by float64) {
	h := r.hidden
	u := theta[:h*(1+h)]
	wh = blas64.General{Rows: h, Cols: h, Stride: 1 + h, Data: u[1:]}
	b = theta[h*(1+h) : h*(1+h)+h]
	wy = theta[h*(1+h)+h : h*(1+h)+2*h]
	return u, wh, b, wy, theta[r.dim-1]
}

// forward runs the batch (x: batch×T, targets) and returns the mean loss;
// the hidden states stay in w.hs and the outputs in w.y.
func (r *RNN) forward(w *rnnWork, theta, x, targets []float64) float64 {
	h, T, batch := r.hidden, r.steps, len(targets)
	u, wh, b, wy, by := r.views(theta)
	clear(w.hs[0])
	for t := 1; t <= T; t++ {
		prev, cur := w.hs[t-1], w.hs[t]
		for n := range batch {
			xt := x[n*T+t-1]
			row := cur[n*h : n*h+h]
			for j := range row {
				row[j] = u[j*(1+h)]*xt + b[j]
			}
		}
		if t > 1 {
			// cur += prev·W_hᵀ: the batch's recurrent inputs in one product.
			blas64.Gemm(blas.NoTrans, blas.Trans, 1,
				blas64.General{Rows: batch, Cols: h, Stride: h, Data: prev},
				wh, 1, blas64.General{Rows: batch, Cols: h, Stride: h, Data: cur})
		}
		for i, z := range cur {
			cur[i] = math.Tanh(z)
		}
	}
	var loss float64
	last := w.hs[T]
	for n := range batch {
		y := by
		for j, v := range last[n*h : n*h+h] {
			y += wy[j] * v
		}
		w.y[n] = y
		d := y - targets[n]
		loss += d * d / 2
	}
	return loss / float64(batch)
}

// backward writes the gradient of the last forward's loss into grad, by
// backpropagation through time.
func (r *RNN) backward(w *rnnWork, grad, theta, x, targets []float64) {
	h, T, batch := r.hidden, r.steps, len(targets)
	_, wh, _, wy, _ := r.views(theta)
	clear(grad)
	gu := grad[:h*(1+h)]
	gwh := blas64.General{Rows: h, Cols: h, Stride: 1 + h, Data: gu[1:]}
	gb := grad[h*(1+h) : h*(1+h)+h]
	gwy := grad[h*(1+h)+h : h*(1+h)+2*h]
	inv := 1 / float64(batch)
	last := w.hs[T]
	var gby float64
	for n := range batch {
		dy := (w.y[n] - targets[n]) * inv
		gby += dy
		for j := range h {
			gwy[j] += dy * last[n*h+j]
			w.dh[n*h+j] = dy * wy[j]
		}
	}
	grad[r.dim-1] = gby
	for t := T; t >= 1; t-- {
		cur := w.hs[t]
		for i, a := range cur {
			w.dz[i] = w.dh[i] * (1 - a*a)
		}
		for n := range batch {
			xt := x[n*T+t-1]
			for j, d := range w.dz[n*h : n*h+h] {
				gu[j*(1+h)] += d * xt
				gb[j] += d
			}
		}
		if t == 1 {
			break // h₀ = 0: no recurrent weight gradient, no earlier state
		}
		dz := blas64.General{Rows: batch, Cols: h, Stride: h, Data: w.dz}
		// ∂J/∂W_h += dzᵀ·h_{t−1}; ∂J/∂h_{t−1} = dz·W_h.
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, dz,
			blas64.General{Rows: batch, Cols: h, Stride: h, Data: w.hs[t-1]}, 1, gwh)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, dz, wh, 0,
			blas64.General{Rows: batch, Cols: h, Stride: h, Data: w.dh})
	}
}

// Value is the loss over every sequence.
func (r *RNN) Value(theta []float64) float64 {
	r.checkLen(theta)
	w := r.work(len(r.targets))
	defer r.pool.Put(w)
	return r.forward(w, theta, r.inputs, r.targets)
}

// Grad writes the gradient over every sequence into grad and returns the
// loss.
func (r *RNN) Grad(grad, theta []float64) float64 {
	r.checkLen(theta)
	r.checkLen(grad)
	w := r.work(len(r.targets))
	defer r.pool.Put(w)
	f := r.forward(w, theta, r.inputs, r.targets)
	r.backward(w, grad, theta, r.inputs, r.targets)
	return f
}

// BatchGrad writes the mean gradient over batch sequences drawn without
// replacement from rng into grad and returns their loss; a batch of N or
// more is the full batch.
func (r *RNN) BatchGrad(grad, theta []float64, batch int, rng *rand.Rand) float64 {
	n := len(r.targets)
	if batch >= n {
		return r.Grad(grad, theta)
	}
	r.checkLen(theta)
	r.checkLen(grad)
	batch = max(batch, 1)
	w := r.work(batch)
	defer r.pool.Put(w)
	if cap(w.idx) < n {
		w.idx = make([]int, n)
	}
	w.idx = w.idx[:n]
	for i := range w.idx {
		w.idx[i] = i
	}
	for i := range batch {
		j := i + rng.IntN(n-i)
		w.idx[i], w.idx[j] = w.idx[j], w.idx[i]
	}
	T := r.steps
	w.x, w.targets = rnnGrow(w.x, batch*T), rnnGrow(w.targets, batch)
	for k, i := range w.idx[:batch] {
		copy(w.x[k*T:k*T+T], r.inputs[i*T:i*T+T])
		w.targets[k] = r.targets[i]
	}
	f := r.forward(w, theta, w.x, w.targets)
	r.backward(w, grad, theta, w.x, w.targets)
	return f
}

// HessVec writes ∇²J(θ)·v into dst by a central difference of gradients,
// (∇J(θ + εv) − ∇J(θ − εv)) / 2ε, with ε scaled to θ and v so that the
// truncation and rounding errors balance (about 1e-7 relative).
func (r *RNN) HessVec(dst, theta, v []float64) {
	r.checkLen(dst)
	r.checkLen(theta)
	r.checkLen(v)
	var vv, tt float64
	for i, x := range v {
		vv += x * x
		tt += theta[i] * theta[i]
	}
	if vv == 0 {
		clear(dst)
		return
	}
	eps := 1e-5 * (1 + math.Sqrt(tt)) / math.Sqrt(vv)
	w := r.work(len(r.targets))
	defer r.pool.Put(w)
	w.theta, w.gplus = rnnGrow(w.theta, r.dim), rnnGrow(w.gplus, r.dim)
	for i, x := range theta {
		w.theta[i] = x + eps*v[i]
	}
	r.forward(w, w.theta, r.inputs, r.targets)
	r.backward(w, w.gplus, w.theta, r.inputs, r.targets)
	for i, x := range theta {
		w.theta[i] = x - eps*v[i]
	}
	r.forward(w, w.theta, r.inputs, r.targets)
	r.backward(w, dst, w.theta, r.inputs, r.targets)
	for i, g := range w.gplus {
		dst[i] = (g - dst[i]) / (2 * eps)
	}
}
