package optim

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

// withBias is a matrix factorisation plus two vector coordinates b with
// ½(b₁² + 3b₂²) added: a matrix objective with "biases", as a network has.
type withBias struct{ f *hd.Factorization }

func (w withBias) Dim() int { return w.f.Dim() + 2 }
func (w withBias) Value(x []float64) float64 {
	n := w.f.Dim()
	return w.f.Value(x[:n]) + 0.5*(x[n]*x[n]+3*x[n+1]*x[n+1])
}
func (w withBias) Grad(g, x []float64) float64 {
	n := w.f.Dim()
	v := w.f.Grad(g[:n], x[:n])
	g[n], g[n+1] = x[n], 3*x[n+1]
	return v + 0.5*(x[n]*x[n]+3*x[n+1]*x[n+1])
}
func (w withBias) Matrices() []landscape.Matrix { return w.f.Matrices() }

// matrixTestObjective is W₁ (5×3, tall) · W₂ (3×4, wide) fitting a rank-3
// target, plus two bias coordinates, and a start away from every
// critical point.
func matrixTestObjective(t testing.TB) (withBias, []float64) {
	t.Helper()
	f, err := hd.NewFactorization(5, 4, 3, []float64{2, 0.7, 0.05}, 11)
	if err != nil {
		t.Fatal(err)
	}
	obj := withBias{f}
	start := make([]float64, obj.Dim())
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range start {
		start[i] = 0.3 * rng.NormFloat64()
	}
	return obj, start
}

// blocksOf cuts the reference's matrices out of θ as gonum matrices.
func blocksOf(x []float64, mats []landscape.Matrix) []*mat.Dense {
	var out []*mat.Dense
	for _, m := range mats {
		out = append(out, mat.NewDense(m.Rows, m.Cols, slices.Clone(x[m.Offset:m.Offset+m.Len()])))
	}
	return out
}

// refNewtonSchulz is Jordan et al.'s zeropower_via_newtonschulz5 written
// with gonum: a tall X is transposed first, then X ← aX + (bA + cA²)X with
// A = XXᵀ, steps times, from X/(‖X‖_F + 1e-7).
func refNewtonSchulz(g *mat.Dense, steps int, a, b, c float64) *mat.Dense {
	r, cols := g.Dims()
	x := mat.DenseCopyOf(g)
	tall := r > cols
	if tall {
		x = mat.DenseCopyOf(g.T())
	}
	x.Scale(1/(mat.Norm(x, 2)+1e-7), x)
	for range steps {
		var A, A2, B, BX mat.Dense
		A.Mul(x, x.T())
		A2.Mul(&A, &A)
		B.Scale(b, &A)
		A2.Scale(c, &A2)
		B.Add(&B, &A2)
		BX.Mul(&B, x)
		x.Scale(a, x)
		x.Add(x, &BX)
	}
	if tall {
		x = mat.DenseCopyOf(x.T())
	}
	return x
}

func TestMuonAgainstReference(t *testing.T) {
	obj, start := matrixTestObjective(t)
	const steps, mu, ns = 8, 0.9, 5
	lrs := []float64{0.05, 0.05, 0.05, 0.05, 0.02, 0.02, 0.02, 0.02}
	r := newTestRun(t, obj, start, Config{Optimizer: "muon", Hyper: map[string]float64{"lr": lrs[0], "momentum": mu, "ns_steps": ns}}, 1)
	mats := obj.Matrices()
	n := obj.f.Dim()
	th := slices.Clone(start)
	buf := make([]float64, len(th))
	g := make([]float64, len(th))
	for k := range steps {
		if k == 4 {
			if err := r.Set(map[string]float64{"lr": lrs[k]}, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		obj.Grad(g, th)
		look := make([]float64, len(th))
		for i := range th {
			buf[i] = mu*buf[i] + g[i]
			look[i] = g[i] + mu*buf[i]
		}
		for j, L := range blocksOf(look, mats) {
			m := mats[j]
			X := refNewtonSchulz(L, ns, 3.4445, -4.7750, 2.0315)
			s := lrs[k] * math.Sqrt(math.Max(1, float64(m.Rows)/float64(m.Cols)))
			for a := range m.Rows {
				for b := range m.Cols {
					th[m.Offset+a*m.Cols+b] -= s * X.At(a, b)
				}
			}
		}
		th[n] -= lrs[k] * look[n]
		th[n+1] -= lrs[k] * look[n+1]
		st := r.Step()
		if st.Status != Running {
			t.Fatalf("step %d: %s (%s)", k+1, st.Status, st.Reason)
		}
		for i := range th {
			if !near(st.Theta[i], th[i], 1e-10) {
				t.Fatalf("step %d: θ[%d] = %g, reference %g", k+1, i, st.Theta[i], th[i])
			}
		}
		if m := stateVec(st, "m"); !slices.EqualFunc(m, buf, func(a, b float64) bool { return near(a, b, 1e-12) }) {
			t.Fatalf("step %d: m = %v, reference %v", k+1, m, buf)
		}
	}
}

// polar is the orthogonal polar factor UVᵀ of g, by SVD.
func polar(t *testing.T, g *mat.Dense) *mat.Dense {
	var svd mat.SVD
	if !svd.Factorize(g, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	var u, v, p mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	p.Mul(&u, v.T())
	return &p
}

// TestFirstStepIsThePolarFactor: Muon's first step on a matrix is
// −ε·√max(1, rows/cols)·UVᵀ of its gradient G = UΣVᵀ once Newton–Schulz has
// converged (the cubic, 30 iterations), every singular value of the step
// equal; and Shampoo's first step, with δ → 0, is −ε·UVᵀ too:
// (GGᵀ)^(−1/4)·G·(GᵀG)^(−1/4) = UΣ^(−½)Uᵀ·UΣVᵀ·VΣ^(−½)Vᵀ.
func TestFirstStepIsThePolarFactor(t *testing.T) {
	obj, start := matrixTestObjective(t)
	g := make([]float64, obj.Dim())
	obj.Grad(g, start)
	mats := obj.Matrices()
	const lr = 0.01
	for _, c := range []struct {
		opt    string
		hyper  map[string]float64
		choice map[string]string
		scaled bool
	}{
		{"muon", map[string]float64{"lr": lr, "ns_steps": 30}, map[string]string{"ns": "cubic"}, true},
		{"shampoo", map[string]float64{"lr": lr, "eps": 1e-12}, nil, false},
	} {
		r := newTestRun(t, obj, start, Config{Optimizer: c.opt, Hyper: c.hyper, Choice: c.choice}, 1)
		st := r.Step()
		for j, G := range blocksOf(g, mats) {
			m := mats[j]
			P := polar(t, G)
			s := lr
			if c.scaled {
				s *= math.Sqrt(math.Max(1, float64(m.Rows)/float64(m.Cols)))
			}
			for a := range m.Rows {
				for b := range m.Cols {
					if got, want := st.Update[m.Offset+a*m.Cols+b], -s*P.At(a, b); math.Abs(got-want) > 1e-6*lr {
						t.Fatalf("%s, matrix %d: step[%d,%d] = %g, −ε·UVᵀ gives %g", c.opt, j, a, b, got, want)
					}
				}
			}
		}
	}
}

// refShampoo is Gupta et al. (2018), Algorithm 1, with gonum's EigenSym for
// the inverse fourth roots; the vector coordinates take diagonal AdaGrad.
func TestShampooAgainstReference(t *testing.T) {
	obj, start := matrixTestObjective(t)
	const eps = 1e-3
	lrs := []float64{0.05, 0.05, 0.05, 0.02, 0.02, 0.02}
	r := newTestRun(t, obj, start, Config{Optimizer: "shampoo", Hyper: map[string]float64{"lr": lrs[0], "eps": eps}}, 1)
	mats := obj.Matrices()
	n := obj.f.Dim()
	var Ls, Rs []*mat.SymDense
	for _, m := range mats {
		l, rr := mat.NewSymDense(m.Rows, nil), mat.NewSymDense(m.Cols, nil)
		for i := range m.Rows {
			l.SetSym(i, i, eps)
		}
		for i := range m.Cols {
			rr.SetSym(i, i, eps)
		}
		Ls, Rs = append(Ls, l), append(Rs, rr)
	}
	root := func(s *mat.SymDense) *mat.Dense {
		var e mat.EigenSym
		if !e.Factorize(s, true) {
			t.Fatal("EigenSym failed")
		}
		var q mat.Dense
		e.VectorsTo(&q)
		d := mat.NewDiagDense(len(e.Values(nil)), nil)
		for i, l := range e.Values(nil) {
			d.SetDiag(i, math.Pow(l, -0.25))
		}
		var p mat.Dense
		p.Product(&q, d, q.T())
		return &p
	}
	th := slices.Clone(start)
	g := make([]float64, len(th))
	h := [2]float64{}
	for k := range lrs {
		if k == 3 {
			if err := r.Set(map[string]float64{"lr": lrs[k]}, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		obj.Grad(g, th)
		for j, G := range blocksOf(g, mats) {
			var ggt, gtg mat.SymDense
			ggt.SymOuterK(1, G)
			gtg.SymOuterK(1, G.T())
			Ls[j].AddSym(Ls[j], &ggt)
			Rs[j].AddSym(Rs[j], &gtg)
			var step mat.Dense
			step.Product(root(Ls[j]), G, root(Rs[j]))
			m := mats[j]
			for a := range m.Rows {
				for b := range m.Cols {
					th[m.Offset+a*m.Cols+b] -= lrs[k] * step.At(a, b)
				}
			}
		}
		for i := range 2 {
			h[i] += g[n+i] * g[n+i]
			th[n+i] -= lrs[k] * g[n+i] / math.Sqrt(eps+h[i])
		}
		st := r.Step()
		if st.Status != Running {
			t.Fatalf("step %d: %s (%s)", k+1, st.Status, st.Reason)
		}
		for i := range th {
			if !near(st.Theta[i], th[i], 1e-9) {
				t.Fatalf("step %d: θ[%d] = %g, reference %g", k+1, i, st.Theta[i], th[i])
			}
		}
		if l1 := stateVec(st, "L1"); len(l1) != 25 || !near(l1[0], Ls[0].At(0, 0), 1e-12) {
			t.Fatalf("step %d: state L1 = %v, reference L[0,0] = %g (state %v)", k+1, l1, Ls[0].At(0, 0), stateNames(st))
		}
	}
}

// TestMatrixMethodsRefuseVectors: on a 2-D function, Muon and Shampoo are
// refused on "optimizer" with the reason; on a factorisation they run.
func TestMatrixMethodsRefuseVectors(t *testing.T) {
	for _, id := range []string{"muon", "shampoo"} {
		_, err := NewRun(landscape.Rosenbrock{}, []float64{-1.2, 1}, Config{Optimizer: id}, 1)
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != "optimizer" || !strings.Contains(fe.Msg, "matrix") || !strings.Contains(fe.Msg, "matrix_factorization") {
			t.Errorf("%s on rosenbrock: %v, want a refusal on optimizer that says why and where it applies", id, err)
		}
		obj, start := matrixTestObjective(t)
		if _, err := NewRun(obj, start, Config{Optimizer: id}, 1); err != nil {
			t.Errorf("%s on a factorisation: %v", id, err)
		}
	}
}

// TestMatrixMethodsNoAllocs: a step of Muon or Shampoo allocates nothing.
func TestMatrixMethodsNoAllocs(t *testing.T) {
	obj, start := matrixTestObjective(t)
	for _, id := range []string{"muon", "shampoo"} {
		r := newTestRun(t, obj, start, Config{Optimizer: id, Hyper: map[string]float64{"lr": 1e-3}}, 1)
		if a := testing.AllocsPerRun(100, func() { r.Step() }); a != 0 {
			t.Errorf("%s: %g allocations per step", id, a)
		}
	}
}
