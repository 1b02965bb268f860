package optim

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

func init() {
	register(Info{
		ID: "natural_gradient", Name: "Natural gradient", Section: "Amari 1998 (draft §8.6)",
		Description: "θ ← θ − ε·(F + λI)⁻¹g: steepest descent measured by how much the model's " +
			"distribution changes (the Fisher information F), not by how far θ moves.",
		Hyper:  []HyperSpec{naturalLRSpec(), dampingSpec(1e-4, "the Fisher information")},
		Needs:  "fisher",
		MaxDim: maxDimEigen,
	}, func(n int) Method { return newNatural(n) })
}

// naturalLRSpec is ε for the natural gradient, whose step is already in the
// model's own units, so 1 is a sensible rate (the default is gentler).
func naturalLRSpec() HyperSpec {
	return HyperSpec{Name: "lr", Symbol: "ε", Default: 0.1, Min: 1e-8, Max: 100, Log: true,
		Description: "learning rate (step size)"}
}

// natural is the natural gradient (8.6) with the exact Fisher information of
// a probabilistic objective (landscape.Fisherer). F is positive semidefinite,
// so it is solved like Newton's H (eigenSolver): the damping λ regularises
// directions in which the model's distribution does not change, and a
// singular F + λI is handled the same way (pseudo-inverse, or an error when
// the gradient points along a direction F cannot see).
type natural struct {
	damping float64
	f       *mat.SymDense
	g       []float64
	dir     []float64 // −(F + λI)⁻¹g, before the learning rate
	solve   eigenSolver
	state   []Vec
}

var _ Method = (*natural)(nil)

func newNatural(n int) *natural {
	m := &natural{f: mat.NewSymDense(n, nil), g: make([]float64, n), dir: make([]float64, n),
		solve: newEigenSolver(n)}
	m.state = []Vec{{Name: "direction", V: m.dir}, {Name: "eigenvalues", V: m.solve.w}}
	return m
}

func (m *natural) Configure(h Values) { m.damping = h.Num["damping"] }

// State: "direction" is the natural-gradient direction −(F + λI)⁻¹g (the
// step is lr times it), "eigenvalues" those of F, ascending.
func (m *natural) State() []Vec { return m.state }

func (m *natural) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	if err := o.Fisher(m.f, theta); err != nil {
		return err
	}
	if err := m.solve.solve(m.dir, m.f, m.g, m.damping, false); err != nil {
		return fmt.Errorf("natural gradient: %w", err)
	}
	for i, d := range m.dir {
		m.dir[i] = -d
		theta[i] -= lr * d
	}
	return nil
}
