package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

// Activation is a hidden unit's nonlinearity.
type Activation int

const (
	Tanh Activation = iota
	ReLU
	Sigmoid
	// Identity makes a deep linear network (Saxe et al. 2013).
	Identity
)

var activationNames = []string{"tanh", "relu", "sigmoid", "linear"}

func (a Activation) String() string { return activationNames[a] }

// ParseActivation reads "tanh", "relu", "sigmoid" or "linear".
func ParseActivation(field, s string) (Activation, error) {
	for i, n := range activationNames {
		if n == s {
			return Activation(i), nil
		}
	}
	return 0, fielderr.New(field, "unknown activation %q; choose one of %s", s, strings.Join(activationNames, ", "))
}

// Loss is the output loss of a network.
type Loss int

const (
	// CrossEntropy is the mean negative log-likelihood of a softmax output.
	CrossEntropy Loss = iota
	// Squared is the mean of ½‖output − onehot(label)‖² on a linear output.
	Squared
)

var lossNames = []string{"cross_entropy", "squared"}

func (l Loss) String() string { return lossNames[l] }

// ParseLoss reads "cross_entropy" or "squared".
func ParseLoss(field, s string) (Loss, error) {
	for i, n := range lossNames {
		if n == s {
			return Loss(i), nil
		}
	}
	return 0, fielderr.New(field, "unknown loss %q; choose one of %s", s, strings.Join(lossNames, ", "))
}

// MaxParams bounds the size of a network, so a request cannot exhaust memory.
const MaxParams = 200_000

// Arch is a multilayer perceptron's shape: the input width is the data's (2)
// and the output width its number of classes.
type Arch struct {
	Hidden []int // widths of the hidden layers, outermost first; may be empty
	Act    Activation
	Loss   Loss
}

// MLP is the empirical risk of a multilayer perceptron on a data set,
// J(θ) = (1/N) Σᵢ L(f(xᵢ; θ), yᵢ).
//
// Parameter layout: θ is one flat vector holding, for each layer l in order
// from input to output, the weight matrix W_l (row-major, out×in: row j
// holds the incoming weights of unit j) followed by the bias b_l (out). A
// layer computes z = W_l·a + b_l; hidden layers apply the activation, the
// last one is linear and feeds the loss. Blocks describes the same layout.
//
// Concurrency: every method may be called from many goroutines at once.
// Scratch buffers come from a sync.Pool, so a call never shares scratch with
// another; the model itself is read-only after construction.
type MLP struct {
	sizes  []int // layer widths, input first
	act    Activation
	loss   Loss
	blocks []hd.Block // W_0, b_0, W_1, b_1, ...
	dim    int
	data   *Dataset
	xT     blas64.General // the inputs transposed: features × N
	pool   sync.Pool
}

var (
	_ landscape.Objective  = (*MLP)(nil)
	_ landscape.HessVecer  = (*MLP)(nil)
	_ landscape.Stochastic = (*MLP)(nil)
)

// NewMLP returns the risk of the network arch on data.
func NewMLP(arch Arch, data *Dataset) (*MLP, error) {
	if data == nil || data.N() == 0 {
		return nil, fielderr.New("data", "the data set is empty")
	}
	if len(arch.Hidden) > 8 {
		return nil, fielderr.New("model.hidden", "at most 8 hidden layers, got %d", len(arch.Hidden))
	}
	if arch.Act < Tanh || arch.Act > Identity {
		return nil, fielderr.New("model.activation", "unknown activation %d", int(arch.Act))
	}
	if arch.Loss < CrossEntropy || arch.Loss > Squared {
		return nil, fielderr.New("model.loss", "unknown loss %d", int(arch.Loss))
	}
	_, in := data.X.Dims()
	sizes := append(append([]int{in}, arch.Hidden...), data.Classes)
	m := &MLP{sizes: sizes, act: arch.Act, loss: arch.Loss, data: data}
	resize(&m.xT, in, data.N())
	transposeTo(m.xT, data.X.RawMatrix())
	off := 0
	for l := 0; l+1 < len(sizes); l++ {
		if sizes[l] < 1 || sizes[l] > 1024 {
			return nil, fielderr.New("model.hidden", "layer widths must be between 1 and 1024, got %d", sizes[l])
		}
		out := sizes[l+1]
		m.blocks = append(m.blocks,
			hd.Block{Offset: off, Rows: out, Cols: sizes[l]},
			hd.Block{Offset: off + out*sizes[l], Rows: out, Cols: 1, Bias: true})
		off += out*sizes[l] + out
	}
	if off > MaxParams {
		return nil, fielderr.New("model.hidden", "the network has %d parameters; at most %d are allowed", off, MaxParams)
	}
	m.dim = off
	return m, nil
}

// Dim is the number of parameters.
func (m *MLP) Dim() int { return m.dim }

// NumExamples is the number of training points.
func (m *MLP) NumExamples() int { return m.data.N() }

// Sizes returns the layer widths, input first, output last.
func (m *MLP) Sizes() []int { return append([]int(nil), m.sizes...) }

// Blocks describes the parameter layout: W_0, b_0, W_1, b_1, ...
func (m *MLP) Blocks() []hd.Block { return append([]hd.Block(nil), m.blocks...) }

// Data is the training set.
func (m *MLP) Data() *Dataset { return m.data }

// Value is the full-batch loss.
func (m *MLP) Value(theta []float64) float64 {
	m.checkLen(theta)
	ws := m.get()
	defer m.pool.Put(ws)
	// Panel by panel of valuePanel points, so a panel's activations stay
	// in the core's cache from one layer to the next instead of going out
	// to memory and back at every layer. The losses are summed in the
	// same order as a whole-batch pass, and panels start at multiples of
	// 8, so Value equals the loss Grad returns to the last bit.
	n := m.data.N()
	var sum float64
	for j0 := 0; j0 < n; j0 += valuePanel {
		x := m.xT
		x.Cols, x.Data = min(valuePanel, n-j0), x.Data[j0:]
		sum = m.forward(ws, theta, x, m.data.Labels[j0:j0+x.Cols], false, sum)
	}
	return sum * (1 / float64(n))
}

// valuePanel is the number of points Value runs through the network at a
// time: a multiple of 8 (the gemm kernel's strip), small enough that a
// panel's activations of a few layers of width ~100 fit in L2.
const valuePanel = 256

// Grad writes the full-batch gradient into grad and returns the loss.
func (m *MLP) Grad(grad, theta []float64) float64 {
	m.checkLen(theta)
	m.checkLen(grad)
	ws := m.get()
	defer m.pool.Put(ws)
	f := m.forward(ws, theta, m.xT, m.data.Labels, true, 0) * (1 / float64(m.data.N()))
	m.backward(ws, grad, nil, theta, nil)
	return f
}

// BatchGrad writes the mean gradient over batch points drawn without
// replacement from rng into grad and returns the minibatch loss. batch is
// clamped to [1, N]; a batch of N or more is the full batch and draws
// nothing from rng.
func (m *MLP) BatchGrad(grad, theta []float64, batch int, rng *rand.Rand) float64 {
	n := m.data.N()
	if batch >= n {
		return m.Grad(grad, theta)
	}
	m.checkLen(theta)
	m.checkLen(grad)
	batch = max(batch, 1)
	ws := m.get()
	defer m.pool.Put(ws)
	// A partial Fisher–Yates shuffle of a fresh identity permutation, so
	// the draw depends on rng only, not on the pooled buffer's history.
	ws.idx = resizeInts(ws.idx, n)
	for i := range ws.idx {
		ws.idx[i] = i
	}
	for i := range batch {
		j := i + rng.IntN(n-i)
		ws.idx[i], ws.idx[j] = ws.idx[j], ws.idx[i]
	}
	in := m.sizes[0]
	resize(&ws.in, in, batch)
	ws.labels = resizeInts(ws.labels, batch)
	for r, i := range ws.idx[:batch] {
		for c := range in {
			ws.in.Data[c*batch+r] = m.xT.Data[c*m.xT.Stride+i]
		}
		ws.labels[r] = m.data.Labels[i]
	}
	f := m.forward(ws, theta, ws.in, ws.labels, true, 0) * (1 / float64(batch))
	m.backward(ws, grad, nil, theta, nil)
	return f
}

// HessVec writes ∇²J(θ)·v into dst, exactly, by Pearlmutter's R-operator:
// a forward pass of directional derivatives followed by the backward pass
// of their adjoints. For ReLU the second derivative of the unit is taken as
// zero (the Hessian where it exists).
func (m *MLP) HessVec(dst, theta, v []float64) {
	m.checkLen(dst)
	m.checkLen(theta)
	m.checkLen(v)
	n := m.data.N()
	parts := hessVecParts(n)
	if parts == 1 {
		m.hessVecWhole(dst, theta, v)
		return
	}
	// Lanczos asks for one product at a time, so the cores share each
	// product: the batch is cut into parts (at multiples of 8, the gemm
	// kernel's strip) by its size alone, the parts run the three passes
	// on as many goroutines as there are cores, and their products are
	// summed in the parts' order. The cut and the order do not depend on
	// the number of cores, so neither does the product, to the bit.
	wss := make([]*workspace, parts)
	for p := range wss {
		wss[p] = m.get()
	}
	workers := min(parts, runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				p := int(next.Add(1)) - 1
				if p >= parts {
					return
				}
				ws := wss[p]
				lo, hi := (n*p/parts)&^7, n
				if p+1 < parts {
					hi = (n * (p + 1) / parts) &^ 7
				}
				x := m.xT
				x.Cols, x.Data = hi-lo, x.Data[lo:]
				labels := m.data.Labels[lo:hi]
				ws.norm = n
				ws.hv = resizeFloats(ws.hv, m.dim)
				m.forward(ws, theta, x, labels, true, 0)
				m.forwardR(ws, theta, v, labels)
				m.backward(ws, nil, ws.hv, theta, v)
				ws.norm = 0
			}
		})
	}
	wg.Wait()
	copy(dst, wss[0].hv)
	for _, ws := range wss[1:] {
		floats.Add(dst, ws.hv)
	}
	for _, ws := range wss {
		m.pool.Put(ws)
	}
}

// hessVecWhole is HessVec in one part: the whole batch on one goroutine.
func (m *MLP) hessVecWhole(dst, theta, v []float64) {
	ws := m.get()
	defer m.pool.Put(ws)
	m.forward(ws, theta, m.xT, m.data.Labels, true, 0)
	m.forwardR(ws, theta, v, m.data.Labels)
	m.backward(ws, nil, dst, theta, v)
}

// hessVecParts is how many parts HessVec cuts n points into: about
// hessVecPart points each, at most hessVecMaxParts (enough to keep a few
// cores busy, and to balance two), whatever the number of cores.
func hessVecParts(n int) int {
	return max(1, min(hessVecMaxParts, (n+hessVecPart-1)/hessVecPart))
}

const hessVecMaxParts = 8

// hessVecPart is about the number of points of one part of HessVec.
const hessVecPart = 256

func resizeFloats(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Accuracy is the fraction of training points classified correctly.
func (m *MLP) Accuracy(theta []float64) float64 {
	pred := make([]int, m.data.N())
	m.Predict(pred, theta, m.data.X)
	ok := 0
	for i, c := range pred {
		if c == m.data.Labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(pred))
}

// Predict writes the most probable class of each row of points (k×2) into
// dst (len k), e.g. for a grid of inputs to draw the decision regions.
func (m *MLP) Predict(dst []int, theta []float64, points *mat.Dense) {
	m.checkLen(theta)
	r, c := points.Dims()
	if c != m.sizes[0] || len(dst) != r {
		panic("nn: Predict: points must be k×input width and dst of length k")
	}
	ws := m.get()
	defer m.pool.Put(ws)
	resize(&ws.in, c, r)
	transposeTo(ws.in, points.RawMatrix())
	m.forward(ws, theta, ws.in, nil, false, 0)
	out := ws.a[len(m.sizes)-1]
	for i := range r {
		best := 0
		for k := range out.Rows {
			if out.Data[k*r+i] > out.Data[best*r+i] {
				best = k
			}
		}
		dst[i] = best
	}
}

func (m *MLP) checkLen(x []float64) {
	if len(x) != m.dim {
		panic("nn: parameter vector has the wrong length")
	}
}

// workspace is the scratch of one call: per layer l = 1..L the layer's
// outputs a[l] (pre-activation for the last), the adjoints d[l] = ∂J/∂z_l,
// and for the R-operator rz[l] = R{z_l}, ra[l] = R{a_l}, rd[l] = R{d_l}.
// a[0] is a view of the input. Every matrix is units × batch (one example
// per column), so the forward product W·A is a Dgemm without transposes
// whose inner loops run along the long batch dimension.
type workspace struct {
	a, d, rz, ra, rd []blas64.General
	tmp              blas64.General
	in               blas64.General
	gs               gemmScratch
	// norm is the number of points the loss is a mean over when this
	// workspace holds only a part of them (0: all of them).
	norm        int
	hv          []float64 // a part's Hessian-vector product
	labels, idx []int
}

func (m *MLP) get() *workspace {
	if ws, ok := m.pool.Get().(*workspace); ok {
		return ws
	}
	L := len(m.sizes)
	return &workspace{
		a: make([]blas64.General, L), d: make([]blas64.General, L),
		rz: make([]blas64.General, L), ra: make([]blas64.General, L), rd: make([]blas64.General, L),
	}
}

// resize makes g an r×c matrix, reusing its storage when large enough.
func resize(g *blas64.General, r, c int) {
	if cap(g.Data) < r*c {
		g.Data = make([]float64, r*c)
	}
	g.Rows, g.Cols, g.Stride, g.Data = r, c, c, g.Data[:r*c]
}

func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// weights returns views of layer l's W and b inside theta.
func (m *MLP) weights(theta []float64, l int) (blas64.General, []float64) {
	w, b := m.blocks[2*l], m.blocks[2*l+1]
	return blas64.General{Rows: w.Rows, Cols: w.Cols, Stride: w.Cols, Data: theta[w.Offset : w.Offset+w.Len()]},
		theta[b.Offset : b.Offset+b.Rows]
}

// affine sets z = W·a + b·1ᵀ: the whole batch in one product.
func affine(z, a, w blas64.General, b []float64) {
	for r, v := range b {
		row := z.Data[r*z.Stride : r*z.Stride+z.Cols]
		for i := range row {
			row[i] = v
		}
	}
	gemm(false, false, w, a, 1, z, nil)
}

// transposeTo sets dst = srcᵀ.
func transposeTo(dst, src blas64.General) {
	for i := range src.Rows {
		for j := range src.Cols {
			dst.Data[j*dst.Stride+i] = src.Data[i*src.Stride+j]
		}
	}
}

// forward runs the network on x and returns sum plus the losses against
// labels of x's points, summed in order (sum if labels is nil). With delta
// it also leaves ∂J/∂z_L of the mean loss over x's points in d[L].
func (m *MLP) forward(ws *workspace, theta []float64, x blas64.General, labels []int, delta bool, sum float64) float64 {
	L := len(m.sizes) - 1
	B := x.Cols
	ws.a[0] = x
	for l := range L {
		w, b := m.weights(theta, l)
		resize(&ws.a[l+1], w.Rows, B)
		affine(ws.a[l+1], ws.a[l], w, b)
		if l < L-1 {
			// Row by row: which entries take the kernel's path and
			// which the scalar tail's depends on the column only, the
			// same in a panel as in the whole batch.
			z := ws.a[l+1]
			for r := range z.Rows {
				activate(m.act, z.Data[r*z.Stride:r*z.Stride+z.Cols])
			}
		}
	}
	if labels == nil {
		return 0
	}
	z := ws.a[L].Data // k × B: logits of example i at z[j*B+i]
	k := ws.a[L].Rows
	if delta {
		resize(&ws.d[L], k, B)
	}
	d := ws.d[L].Data
	norm := B
	if ws.norm > 0 {
		norm = ws.norm // a part of a batch split over goroutines
	}
	inv := 1 / float64(norm)
	for i := range B {
		y := labels[i]
		switch m.loss {
		case CrossEntropy:
			mx := z[i]
			for j := 1; j < k; j++ {
				mx = max(mx, z[j*B+i])
			}
			var s float64
			for j := range k {
				s += math.Exp(z[j*B+i] - mx)
			}
			lse := mx + math.Log(s)
			sum += lse - z[y*B+i]
			if delta {
				for j := range k {
					d[j*B+i] = math.Exp(z[j*B+i]-lse) * inv
				}
				d[y*B+i] -= inv
			}
		case Squared:
			for j := range k {
				r := z[j*B+i]
				if j == y {
					r--
				}
				sum += 0.5 * r * r
				if delta {
					d[j*B+i] = r * inv
				}
			}
		}
	}
	return sum
}

// forwardR propagates the directional derivatives R{·} = d/dt(·)(θ + t·v)
// through the network after forward (with delta) has run, and leaves
// R{∂J/∂z_L} in rd[L].
func (m *MLP) forwardR(ws *workspace, theta, v []float64, labels []int) {
	L := len(m.sizes) - 1
	B := ws.a[0].Cols
	for l := range L {
		w, _ := m.weights(theta, l)
		vw, vb := m.weights(v, l)
		rz := &ws.rz[l+1]
		resize(rz, w.Rows, B)
		affine(*rz, ws.a[l], vw, vb)
		if l > 0 {
			gemm(false, false, w, ws.ra[l], 1, *rz, nil)
		}
		if l < L-1 {
			ra := &ws.ra[l+1]
			resize(ra, w.Rows, B)
			a := ws.a[l+1].Data
			for i, r := range rz.Data {
				ra.Data[i] = deriv(m.act, a[i]) * r
			}
		}
	}
	k := m.sizes[L]
	resize(&ws.rd[L], k, B)
	norm := B
	if ws.norm > 0 {
		norm = ws.norm // a part of a batch split over goroutines
	}
	inv := 1 / float64(norm)
	rz, rd := ws.rz[L].Data, ws.rd[L].Data
	switch m.loss {
	case CrossEntropy:
		// d = (p − y)/norm, so R{d} = R{p}/norm with R{p} = p ⊙ (R{z} − pᵀR{z}).
		d := ws.d[L].Data
		resize(&ws.tmp, 1, k)
		for i := range B {
			y := labels[i]
			p := ws.tmp.Data[:k] // p = norm·d + onehot(y)
			var dot float64
			for j := range k {
				p[j] = d[j*B+i] * float64(norm)
				if j == y {
					p[j]++
				}
				dot += p[j] * rz[j*B+i]
			}
			for j := range k {
				rd[j*B+i] = p[j] * (rz[j*B+i] - dot) * inv
			}
		}
	case Squared:
		for i, r := range rz {
			rd[i] = r * inv
		}
	}
}

// backward propagates the adjoints from d[L] down. It writes the gradient
// into grad (unless nil) and, when v is not nil (forwardR has run), the
// Hessian-vector product into hv.
func (m *MLP) backward(ws *workspace, grad, hv, theta, v []float64) {
	L := len(m.sizes) - 1
	B := ws.a[0].Cols
	for l := L - 1; l >= 0; l-- {
		w, _ := m.weights(theta, l)
		d := ws.d[l+1]
		if grad != nil {
			gw, gb := m.weights(grad, l)
			gemm(false, true, d, ws.a[l], 0, gw, &ws.gs)
			rowSum(gb, d)
		}
		if v != nil {
			hw, hb := m.weights(hv, l)
			rd := ws.rd[l+1]
			gemm(false, true, rd, ws.a[l], 0, hw, &ws.gs)
			if l > 0 {
				gemm(false, true, d, ws.ra[l], 1, hw, &ws.gs)
			}
			rowSum(hb, rd)
		}
		if l == 0 {
			break
		}
		// tmp = Wᵀ·d is ∂J/∂a_l; the adjoint of z_l masks it by f'(z_l).
		resize(&ws.tmp, w.Cols, B)
		gemm(true, false, w, d, 0, ws.tmp, nil)
		resize(&ws.d[l], w.Cols, B)
		a, t, dl := ws.a[l].Data, ws.tmp.Data, ws.d[l].Data
		if v != nil {
			// R{d_l} = (Wᵀ·R{d} + Vᵀ·d) ⊙ f' + (Wᵀ·d) ⊙ f'' ⊙ R{z_l}.
			vw, _ := m.weights(v, l)
			rdl := &ws.rd[l]
			resize(rdl, w.Cols, B)
			gemm(true, false, w, ws.rd[l+1], 0, *rdl, nil)
			gemm(true, false, vw, d, 1, *rdl, nil)
			rz := ws.rz[l].Data
			for i := range rdl.Data {
				rdl.Data[i] = rdl.Data[i]*deriv(m.act, a[i]) + t[i]*deriv2(m.act, a[i])*rz[i]
			}
		}
		for i := range dl {
			dl[i] = t[i] * deriv(m.act, a[i])
		}
	}
}

// rowSum sets dst[i] = Σⱼ g[i, j]: a bias gradient summed over the batch.
func rowSum(dst []float64, g blas64.General) {
	for i := range g.Rows {
		var s float64
		for _, v := range g.Data[i*g.Stride : i*g.Stride+g.Cols] {
			s += v
		}
		dst[i] = s
	}
}

func activate(act Activation, z []float64) {
	switch act {
	case Tanh:
		tanhSlice(z)
	case ReLU:
		for i, v := range z {
			z[i] = max(v, 0)
		}
	case Sigmoid:
		for i, v := range z {
			z[i] = fastSigmoid(v)
		}
	}
}

// deriv is f'(z) written through a = f(z), which is what the passes keep.
func deriv(act Activation, a float64) float64 {
	switch act {
	case Tanh:
		return 1 - a*a
	case ReLU:
		if a > 0 {
			return 1
		}
		return 0
	case Sigmoid:
		return a * (1 - a)
	}
	return 1
}

// deriv2 is f”(z) written through a = f(z).
func deriv2(act Activation, a float64) float64 {
	switch act {
	case Tanh:
		return -2 * a * (1 - a*a)
	case Sigmoid:
		return a * (1 - a) * (1 - 2*a)
	}
	return 0
}
