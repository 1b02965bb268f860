package optim

// Momentum (8.3.2, Algorithm 8.2) and Nesterov momentum (8.3.3, Algorithm 8.3).
//
// Default rate ε = 0.001 with α = 0.9: on a long slope the velocity settles
// at ε/(1−α) = 0.01 times the gradient, gradient descent's default rate, so
// a race against gd starts fair. It is also what the catalogue allows: from
// Rosenbrock's start (λmax ≈ 1500) ε = 0.005 already diverges, while
// ε = 0.001 reaches the minimum (loss < 1e-8) in 2000 steps and the default
// valley (b = 25) in under 2000.

func init() {
	register(Info{
		ID: "momentum", Name: "Momentum", Section: "§8.3.2 (draft 8.3.3), Algorithm 8.2",
		Description: "v ← α·v − ε·g; θ ← θ + v: the velocity accumulates past gradients, damping " +
			"oscillations across a valley and speeding up along it.",
		Hyper: []HyperSpec{lrSpec(0.001), momentumSpec()},
	}, func(n int) Method {
		m := &momentum{g: make([]float64, n), v: make([]float64, n)}
		m.state = []Vec{{"velocity", m.v}}
		return m
	})

	register(Info{
		ID: "nesterov", Name: "Nesterov momentum", Section: "§8.3.3 (draft 8.3.4), Algorithm 8.3",
		Description: "Like momentum, but the gradient is taken at the look-ahead point θ + α·v, " +
			"where the velocity is about to carry θ.",
		Hyper: []HyperSpec{lrSpec(0.001), momentumSpec()},
	}, func(n int) Method {
		m := &nesterov{g: make([]float64, n), v: make([]float64, n), look: make([]float64, n)}
		m.state = []Vec{{"velocity", m.v}, {"lookahead", m.look}}
		return m
	})
}

type momentum struct {
	alpha float64
	g, v  []float64
	state []Vec
}

func (m *momentum) Configure(h Values) { m.alpha = h.Num["momentum"] }
func (m *momentum) State() []Vec       { return m.state }

func (m *momentum) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	for i, g := range m.g {
		m.v[i] = m.alpha*m.v[i] - lr*g
		theta[i] += m.v[i]
	}
	return nil
}

type nesterov struct {
	alpha      float64
	g, v, look []float64
	stepped    bool
	state      []Vec
}

func (m *nesterov) Configure(h Values) { m.alpha = h.Num["momentum"] }

// State reports the velocity and, once a step was taken, the look-ahead
// point θ + α·v where that step's gradient was evaluated (Fig 8.6).
func (m *nesterov) State() []Vec {
	if !m.stepped {
		return m.state[:1]
	}
	return m.state
}

func (m *nesterov) Step(o *Oracle, theta []float64, lr float64) error {
	for i, t := range theta {
		m.look[i] = t + m.alpha*m.v[i]
	}
	o.Grad(m.g, m.look)
	for i, g := range m.g {
		m.v[i] = m.alpha*m.v[i] - lr*g
		theta[i] += m.v[i]
	}
	m.stepped = true
	return nil
}

var (
	_ Method = (*momentum)(nil)
	_ Method = (*nesterov)(nil)
)
