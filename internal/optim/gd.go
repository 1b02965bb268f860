package optim

func init() {
	register(Info{
		ID: "gd", Name: "Gradient descent", Section: "8.3.1, eq. 4.8",
		Description: "θ ← θ − ε·g on the exact gradient.",
		Hyper:       []HyperSpec{lrSpec(0.01)},
	}, func(n int) Method { return &gd{g: make([]float64, n)} })
}

// lrSpec is the learning rate ε, shared by every first-order method.
func lrSpec(def float64) HyperSpec {
	return HyperSpec{Name: "lr", Symbol: "ε", Default: def, Min: 1e-8, Max: 100, Log: true,
		Description: "learning rate (step size)"}
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
