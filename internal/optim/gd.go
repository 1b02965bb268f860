package optim

// Plain gradient descent and SGD (8.3.1, Algorithm 8.1).

func init() {
	register(Info{
		ID: "gd", Name: "Gradient descent", Section: "§4.3 and §8.3.1",
		Description: "θ ← θ − ε·g on the exact gradient.",
		Hyper:       []HyperSpec{lrSpec(0.01)},
	}, func(n int) Method { return &gd{g: make([]float64, n)} })

	register(Info{
		ID: "sgd", Name: "Stochastic gradient descent", Section: "§8.3.1 (draft 8.3.2), Algorithm 8.1",
		Description: "θ ← θ − ε·ĝ with ĝ the gradient of a minibatch of m examples; on a 2-D analytic " +
			"objective, ĝ is the exact gradient plus seeded Gaussian noise of std σ.",
		Hyper: []HyperSpec{
			lrSpec(0.01),
			{Name: "batch", Symbol: "m", Default: 16, Min: 1, Max: 4096, Log: true, Integer: true,
				Description: "minibatch size (empirical-risk objectives; at least the data set means the full batch)"},
			// σ = 1 is a gradient one unit from the minimum of the unit-curvature
			// quadratic: far from the minimum the descent dominates, near it the
			// iterate jitters visibly (stationary spread √(εσ²/(λ(2−ελ))) ≈ 0.07
			// for ε = 0.01, λ = 1, a few pixels on the default plot), which is the
			// point of the lesson on decaying the rate (8.3.1).
			{Name: "noise", Symbol: "σ", Default: 1, Min: 0, Max: 100,
				Description: "std of the Gaussian noise added to each gradient component (analytic objectives)"},
		},
	}, func(n int) Method { return &sgd{g: make([]float64, n)} })
}

// lrSpec is the learning rate ε, shared by every first-order method.
func lrSpec(def float64) HyperSpec {
	return HyperSpec{Name: "lr", Symbol: "ε", Default: def, Min: 1e-8, Max: 100, Log: true,
		Description: "learning rate (step size)"}
}

// momentumSpec is the momentum coefficient α of Algorithms 8.2, 8.3 and 8.6.
// α ≥ 1 never forgets a gradient and diverges, so the range stops short of it.
func momentumSpec() HyperSpec {
	return HyperSpec{Name: "momentum", Symbol: "α", Default: 0.9, Min: 0, Max: 0.999,
		Description: "fraction of the velocity kept from one step to the next"}
}

// decaySpec is a decay rate of an exponential moving average (ρ, β₁, β₂).
func decaySpec(name, symbol string, def, max float64, what string) HyperSpec {
	return HyperSpec{Name: name, Symbol: symbol, Default: def, Min: 0, Max: max, Description: what}
}

// epsSpec is the small constant δ that keeps a division by a root away from 0.
func epsSpec(def float64) HyperSpec {
	return HyperSpec{Name: "eps", Symbol: "δ", Default: def, Min: 1e-12, Max: 1, Log: true,
		Description: "small constant for numerical stability"}
}

type gd struct{ g []float64 }

func (m *gd) Configure(Values) {}
func (m *gd) State() []Vec     { return nil }

func (m *gd) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	for i, g := range m.g {
		theta[i] -= lr * g
	}
	return nil
}

type sgd struct {
	g     []float64
	batch int
	noise float64
}

func (m *sgd) Configure(h Values) {
	m.batch = int(h.Num["batch"])
	m.noise = h.Num["noise"]
}

func (m *sgd) State() []Vec { return nil }

func (m *sgd) Step(o *Oracle, theta []float64, lr float64) error {
	o.MinibatchGrad(m.g, theta, m.batch, m.noise)
	for i, g := range m.g {
		theta[i] -= lr * g
	}
	return nil
}

var (
	_ Method = (*gd)(nil)
	_ Method = (*sgd)(nil)
)
