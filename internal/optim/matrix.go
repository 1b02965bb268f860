package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// Optimizers for matrix parameters: Muon (Jordan et al. 2024) and Shampoo
// (Gupta et al. 2018) treat each weight matrix W as a matrix, not as a list
// of coordinates: Muon replaces its momentum by the nearest orthogonal
// matrix (every singular value set to about 1), Shampoo preconditions it
// from both sides, L^(−1/4)·G·R^(−1/4). They need to know which
// coordinates form which matrix: the objective says so by implementing
// landscape.Matrixed (Info.Needs = "matrices"). A 2-D function of (x, y) is
// one vector, where orthogonalising is only normalising and Shampoo's two
// preconditioners collapse into one, so they are refused there.
//
// Coordinates in no matrix (a network's biases) take a vector step: Muon's
// Nesterov momentum step −ε·(g + μ·m) unorthogonalised (the paper hands them
// to AdamW), Shampoo's diagonal AdaGrad step −ε·g/√(δ + Σg²) (the order-1
// case of its rule, diagonal).

// matrixMethod is a Method that acts on whole matrices: Run.Reset hands it
// the objective's layout before its first step, once, so its scratch is
// allocated outside Step.
type matrixMethod interface {
	Method
	layout(mats []landscape.Matrix)
}

func init() {
	register(Info{
		ID: "muon", Name: "Muon", Section: "Jordan et al. 2024 (after §8.3.3)",
		Needs: "matrices",
		Description: "Muon (Jordan et al. 2024, Muon: An optimizer for hidden layers in neural networks), for matrix parameters: " +
			"the momentum m ← μ·m + G of each weight matrix, with Nesterov's look-ahead G + μ·m, is orthogonalised by Newton–Schulz " +
			"iterations X ← aX + (b·XXᵀ + c·(XXᵀ)²)X from X = (G + μm)/‖G + μm‖_F, which push every singular value towards 1 " +
			"(state ortho); W ← W − ε·√max(1, rows/cols)·X. Every direction of the matrix moves at the same rate, however small its " +
			"gradient. Needs an objective whose parameters are matrices (matrix_factorization, deep_linear, mlp, rnn); coordinates " +
			"outside them (biases) take the Nesterov momentum step −ε(g + μm).",
		Hyper: []HyperSpec{lrSpec(0.02),
			{Name: "momentum", Symbol: "μ", Default: 0.95, Min: 0, Max: 0.999, Description: "momentum of the gradient sum m"},
			{Name: "ns_steps", Symbol: "", Default: 5, Min: 1, Max: 30, Integer: true,
				Description: "Newton–Schulz iterations per step"},
			{Name: "ns", Symbol: "", Choices: []string{"quintic", "cubic"}, DefaultStr: "quintic",
				Description: "quintic: Jordan's coefficients (a, b, c) = (3.4445, −4.7750, 2.0315), fast, singular values end in about [0.7, 1.2]; " +
					"cubic: (1.5, −0.5, 0), slower, converges to the polar factor UVᵀ exactly"},
		},
	}, func(n int) Method {
		m := &muon{g: make([]float64, n), m: make([]float64, n), o: make([]float64, n)}
		m.state = []Vec{{"m", m.m}, {"ortho", m.o}}
		return m
	})

	register(Info{
		ID: "shampoo", Name: "Shampoo", Section: "Gupta et al. 2018 (after §8.5)",
		Needs: "matrices",
		Description: "Shampoo (Gupta, Koren & Singer 2018, Shampoo: Preconditioned Stochastic Tensor Optimization), for matrix " +
			"parameters: each weight matrix keeps a left and a right statistic L ← L + GGᵀ and R ← R + GᵀG (from δI) and steps " +
			"W ← W − ε·L^(−1/4)·G·R^(−1/4), inverse fourth roots by eigendecomposition every step: a full-matrix AdaGrad whose " +
			"preconditioner is a Kronecker product, affordable for a matrix where AdaGrad's full matrix is not. Needs an objective " +
			"whose parameters are matrices; coordinates outside them (biases) take the diagonal AdaGrad step −ε·g/√(δ + Σg²).",
		Hyper: []HyperSpec{lrSpec(0.1),
			{Name: "eps", Symbol: "δ", Default: 1e-4, Min: 1e-12, Max: 1, Log: true,
				Description: "initial L = δI and R = δI, which keeps the inverse roots finite"},
		},
	}, func(n int) Method {
		return &shampoo{g: make([]float64, n), h: make([]float64, n)}
	})
}

// matricesOf is the objective's matrix layout, nil for a vector objective.
func matricesOf(obj landscape.Objective) []landscape.Matrix {
	if mx, ok := obj.(landscape.Matrixed); ok {
		return mx.Matrices()
	}
	return nil
}

// checkMatrices refuses a matrix method on an objective without matrices.
func checkMatrices(info Info, obj landscape.Objective) error {
	mats := matricesOf(obj)
	if len(mats) == 0 {
		return fielderr.New("optimizer", "%s acts on matrix parameters (a weight matrix at a time), and this objective's "+
			"parameters are one vector of %d coordinates with no matrix in it: %s; use it on matrix_factorization, deep_linear, mlp or rnn",
			info.ID, obj.Dim(), matrixWhy[info.ID])
	}
	for i, m := range mats {
		if m.Offset < 0 || m.Rows < 1 || m.Cols < 1 || m.Offset+m.Len() > obj.Dim() {
			panic(fmt.Sprintf("optim: matrix %d (%+v) does not fit in %d parameters", i, m, obj.Dim()))
		}
	}
	return nil
}

var matrixWhy = map[string]string{
	"muon":    "orthogonalising a vector only normalises it, which makes Muon normalised gradient descent with momentum",
	"shampoo": "for a vector its two preconditioners collapse into full-matrix AdaGrad, (δI + Σggᵀ)^(−1/2)",
}

// vectorCoords lists the coordinates of [0, n) in no matrix.
func vectorCoords(n int, mats []landscape.Matrix) []int {
	in := make([]bool, n)
	for _, m := range mats {
		for i := m.Offset; i < m.Offset+m.Len(); i++ {
			in[i] = true
		}
	}
	var out []int
	for i, b := range in {
		if !b {
			out = append(out, i)
		}
	}
	return out
}

// general is θ[m.Offset:] viewed as an m.Rows×m.Cols row-major matrix.
func general(v []float64, m landscape.Matrix) blas64.General {
	return blas64.General{Rows: m.Rows, Cols: m.Cols, Stride: m.Cols, Data: v[m.Offset : m.Offset+m.Len()]}
}

func square(buf []float64, d int) blas64.General {
	return blas64.General{Rows: d, Cols: d, Stride: d, Data: buf[:d*d]}
}

type muon struct {
	mu      float64
	steps   int
	a, b, c float64
	g, m, o []float64
	mats    []landscape.Matrix
	vec     []int
	// scratch for the largest matrix: A = XXᵀ (or XᵀX), A², the new X
	sa, sa2, sx []float64
	stepped     bool
	state       []Vec
}

// Newton–Schulz coefficients: Jordan's quintic, tuned to raise small
// singular values fast, and the classic cubic, which converges to UVᵀ.
var (
	nsQuintic = [3]float64{3.4445, -4.7750, 2.0315}
	nsCubic   = [3]float64{1.5, -0.5, 0}
)

func (m *muon) Configure(h Values) {
	m.mu, m.steps = h.Num["momentum"], int(h.Num["ns_steps"])
	co := nsQuintic
	if h.Choice["ns"] == "cubic" {
		co = nsCubic
	}
	m.a, m.b, m.c = co[0], co[1], co[2]
}

func (m *muon) layout(mats []landscape.Matrix) {
	m.mats = mats
	m.vec = vectorCoords(len(m.g), mats)
	d, n := 0, 0
	for _, x := range mats {
		d = max(d, min(x.Rows, x.Cols))
		n = max(n, x.Len())
	}
	m.sa, m.sa2, m.sx = make([]float64, d*d), make([]float64, d*d), make([]float64, n)
}

// State reports the momentum m and, once a step was taken, the
// orthogonalised direction X of the matrices (the look-ahead g + μm on the
// vector coordinates): the step was −ε·√max(1, rows/cols)·X.
func (m *muon) State() []Vec {
	if !m.stepped {
		return m.state[:1]
	}
	return m.state
}

func (m *muon) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	for i, g := range m.g {
		m.m[i] = m.mu*m.m[i] + g
		m.o[i] = g + m.mu*m.m[i] // Nesterov's look-ahead, orthogonalised below
	}
	for _, x := range m.mats {
		m.orthogonalise(general(m.o, x))
		s := lr * math.Sqrt(max(1, float64(x.Rows)/float64(x.Cols)))
		w, d := theta[x.Offset:x.Offset+x.Len()], m.o[x.Offset:x.Offset+x.Len()]
		for i := range w {
			w[i] -= s * d[i]
		}
	}
	for _, i := range m.vec {
		theta[i] -= lr * m.o[i]
	}
	m.stepped = true
	return nil
}

// orthogonalise replaces X by the Newton–Schulz iterate from X/‖X‖_F
// (in place): X ← aX + (bA + cA²)X with A = XXᵀ, or X ← aX + X(bA + cA²)
// with A = XᵀX for a tall X, so A is the smaller Gram matrix.
func (m *muon) orthogonalise(x blas64.General) {
	var nrm float64
	for _, v := range x.Data {
		nrm += v * v
	}
	nrm = math.Sqrt(nrm) + 1e-7
	for i := range x.Data {
		x.Data[i] /= nrm
	}
	wide := x.Rows <= x.Cols
	d := min(x.Rows, x.Cols)
	a, a2 := square(m.sa, d), square(m.sa2, d)
	nx := blas64.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: m.sx[:len(x.Data)]}
	for range m.steps {
		if wide {
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, x, x, 0, a)
		} else {
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, x, x, 0, a)
		}
		// a2 ← b·A + c·A²
		copy(a2.Data, a.Data)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, m.c, a, a, m.b, a2)
		copy(nx.Data, x.Data)
		if wide {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, a2, x, m.a, nx)
		} else {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, x, a2, m.a, nx)
		}
		copy(x.Data, nx.Data)
	}
}

type shampoo struct {
	eps  float64
	g, h []float64 // gradient; Σg² of the vector coordinates
	mats []landscape.Matrix
	vec  []int
	l, r [][]float64 // per matrix: L (rows²), R (cols²)
	// scratch for the largest matrix: an eigendecomposition (vectors,
	// values, LAPACK work), the root, and G·R^(−1/4)
	se, sw, swork, sp, sgr []float64
	lwork                  int
	state                  []Vec
}

func (m *shampoo) Configure(h Values) {
	eps := h.Num["eps"]
	if m.l != nil && eps != m.eps {
		// L and R started at δI: move them to the new δ, keeping Σ GGᵀ.
		for k, x := range m.mats {
			for i := range x.Rows {
				m.l[k][i*x.Rows+i] += eps - m.eps
			}
			for i := range x.Cols {
				m.r[k][i*x.Cols+i] += eps - m.eps
			}
		}
	}
	m.eps = eps
}

func (m *shampoo) layout(mats []landscape.Matrix) {
	m.mats = mats
	m.vec = vectorCoords(len(m.g), mats)
	d, n := 0, 0
	for _, x := range mats {
		d = max(d, x.Rows, x.Cols)
		n = max(n, x.Len())
		l, r := make([]float64, x.Rows*x.Rows), make([]float64, x.Cols*x.Cols)
		for i := range x.Rows {
			l[i*x.Rows+i] = m.eps
		}
		for i := range x.Cols {
			r[i*x.Cols+i] = m.eps
		}
		m.l, m.r = append(m.l, l), append(m.r, r)
		m.state = append(m.state, Vec{fmt.Sprintf("L%d", len(m.l)), l}, Vec{fmt.Sprintf("R%d", len(m.r)), r})
	}
	m.se, m.sw, m.sp, m.sgr = make([]float64, d*d), make([]float64, d), make([]float64, d*d), make([]float64, n)
	// LAPACK's workspace query for the largest size.
	q := make([]float64, 1)
	lapack64.Syev(lapack.EVCompute, blas64.Symmetric{N: d, Stride: d, Uplo: blas.Upper, Data: m.se}, m.sw, q, -1)
	m.lwork = max(1, int(q[0]))
	m.swork = make([]float64, m.lwork)
}

// State reports each matrix's statistics L1, R1, L2, R2, ... (row-major).
func (m *shampoo) State() []Vec { return m.state }

// invRoot4 writes S^(−1/4) of the symmetric positive definite d×d matrix s
// into m.sp, by eigendecomposition; eigenvalues are floored at δ (S ⪰ δI
// in exact arithmetic), so rounding cannot make a root infinite.
func (m *shampoo) invRoot4(s []float64, d int) (blas64.General, bool) {
	e := m.se[:d*d]
	copy(e, s)
	w := m.sw[:d]
	if !lapack64.Syev(lapack.EVCompute, blas64.Symmetric{N: d, Stride: d, Uplo: blas.Upper, Data: e}, w, m.swork, m.lwork) {
		return blas64.General{}, false
	}
	// P = Q·diag(λ^(−1/4))·Qᵀ, the eigenvectors in the columns of e.
	p := square(m.sp, d)
	for i := range p.Data {
		p.Data[i] = 0
	}
	for k, lam := range w {
		f := math.Pow(max(lam, m.eps), -0.25)
		for i := range d {
			qi := e[i*d+k] * f
			if qi == 0 {
				continue
			}
			row := p.Data[i*d : (i+1)*d]
			for j := range d {
				row[j] += qi * e[j*d+k]
			}
		}
	}
	return p, true
}

// errShampooEigen is a failed eigendecomposition (LAPACK did not converge,
// as for a non-finite statistic): the step is not taken.
var errShampooEigen = fmt.Errorf("optim: shampoo's eigendecomposition of a preconditioner did not converge")

func (m *shampoo) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	for k, x := range m.mats {
		g := general(m.g, x)
		l := blas64.General{Rows: x.Rows, Cols: x.Rows, Stride: x.Rows, Data: m.l[k]}
		r := blas64.General{Rows: x.Cols, Cols: x.Cols, Stride: x.Cols, Data: m.r[k]}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, g, g, 1, l) // L += GGᵀ
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, g, g, 1, r) // R += GᵀG
	}
	for k, x := range m.mats {
		if !allFinite(m.l[k]) || !allFinite(m.r[k]) {
			return errShampooEigen
		}
		g := general(m.g, x)
		gr := blas64.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: m.sgr[:x.Len()]}
		pr, ok := m.invRoot4(m.r[k], x.Cols)
		if !ok {
			return errShampooEigen
		}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, g, pr, 0, gr) // G·R^(−1/4)
		pl, ok := m.invRoot4(m.l[k], x.Rows)
		if !ok {
			return errShampooEigen
		}
		w := general(theta, x)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, -lr, pl, gr, 1, w) // W −= ε·L^(−1/4)·G·R^(−1/4)
	}
	for _, i := range m.vec {
		g := m.g[i]
		m.h[i] += g * g
		theta[i] -= lr * g / math.Sqrt(m.eps+m.h[i])
	}
	return nil
}

var (
	_ matrixMethod = (*muon)(nil)
	_ matrixMethod = (*shampoo)(nil)
)
