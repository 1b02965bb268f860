package optim

import "math"

// Adaptive learning rates (8.4): delta-bar-delta, AdaGrad, RMSprop (plain and
// with Nesterov momentum), Adam and AdaDelta.
//
// Each reports "eff_lr", the per-coordinate rate its last step multiplied
// the gradient by (the first moment ŝ for Adam), so the page can show how
// the rates of the steep and the gentle directions part ways. Before the
// first step there is no such rate, and State leaves it out.
//
// Default rates (API.md fixes only Adam's), chosen on the catalogue's
// quadratic valley and Rosenbrock function from their default starts: these
// methods take steps of about ε per coordinate whatever the gradient's scale,
// so ε is a distance on the plot.
//   - AdaGrad ε = 0.3: its rate only shrinks (as 1/√k on a steady slope), so
//     it needs a bold start; it converges on the valley in ~400 steps and
//     reaches loss 0.03 on Rosenbrock in 2000 (0.1 leaves it at 1.5).
//   - RMSprop ε = 0.005: with a constant rate it ends in a cycle of size ~ε
//     around the minimum; 0.005 keeps that cycle under a pixel and reaches
//     loss < 0.01 on both in 2000 steps.
//   - RMSprop with Nesterov ε = 0.001: momentum α = 0.9 multiplies the step by
//     up to 1/(1−α) = 10, so this matches plain RMSprop's scale.
//   - Delta-bar-delta ε = 0.005: the largest initial rate that survives
//     Rosenbrock's start (0.01 diverges in 4 steps), with κ = 0.001 (+20% per
//     agreeing step at first), φ = 0.3 and θ = 0.7 in Jacobs' ranges.

func init() {
	register(Info{
		ID: "delta_bar_delta", Name: "Delta-bar-delta", Section: "§8.5 (draft 8.4), Jacobs 1988",
		Description: "One rate per parameter: it grows by κ while the gradient keeps the sign of its " +
			"running average δ̄ and shrinks by the factor 1−φ when the sign flips. Convention: each step updates " +
			"the rate first (comparing g with δ̄ of the steps before) and then steps with the updated rate, as Jacobs does. Full batch only.",
		Hyper: []HyperSpec{
			lrSpec(0.005),
			{Name: "kappa", Symbol: "κ", Default: 0.001, Min: 0, Max: 1, Description: "additive increase of a rate while signs agree (the step uses the rate already increased)"},
			{Name: "phi", Symbol: "φ", Default: 0.3, Min: 0, Max: 1, Description: "fraction of a rate removed when signs disagree (the step uses the rate already cut)"},
			{Name: "theta", Symbol: "θ", Default: 0.7, Min: 0, Max: 0.999, Description: "weight of the past in the average δ̄ of gradients"},
		},
	}, func(n int) Method {
		m := &deltaBarDelta{g: make([]float64, n), rate: make([]float64, n), bar: make([]float64, n)}
		m.state = []Vec{{"delta_bar", m.bar}, {"eff_lr", m.rate}}
		return m
	})

	register(Info{
		ID: "adagrad", Name: "AdaGrad", Section: "§8.5.1 (draft 8.4.1), Algorithm 8.4",
		Description: "r ← r + g²; θ ← θ − ε·g/(δ + √r): each coordinate's rate falls with the sum of " +
			"its squared gradients, so steep directions slow down and gentle ones keep going.",
		Hyper: []HyperSpec{lrSpec(0.3), epsSpec(1e-7)},
	}, func(n int) Method {
		m := &adagrad{g: make([]float64, n), r: make([]float64, n), eff: make([]float64, n)}
		m.state = []Vec{{"r", m.r}, {"eff_lr", m.eff}}
		return m
	})

	register(Info{
		ID: "rmsprop", Name: "RMSprop", Section: "§8.5.2 (draft 8.4.2), Algorithm 8.5",
		Description: "r ← ρ·r + (1−ρ)·g²; θ ← θ − ε·g/√(δ + r): AdaGrad with a moving average, " +
			"so the rates recover once a steep region is left behind.",
		Hyper: []HyperSpec{lrSpec(0.005), rhoSpec(0.9), epsInRoot(1e-6)},
	}, func(n int) Method {
		m := &rmsprop{g: make([]float64, n), r: make([]float64, n), eff: make([]float64, n)}
		m.state = []Vec{{"r", m.r}, {"eff_lr", m.eff}}
		return m
	})

	register(Info{
		ID: "rmsprop_nesterov", Name: "RMSprop with Nesterov momentum", Section: "§8.5.2 (draft 8.4.2), Algorithm 8.6",
		Description: "g at θ + α·v; r ← ρ·r + (1−ρ)·g²; v ← α·v − ε·g/√(δ + r); θ ← θ + v. " +
			"Convention: δ is inside the square root, √(δ + r), as in Algorithms 8.5 and 8.6 (AdaGrad and Adam add it outside, δ + √r).",
		Hyper: []HyperSpec{lrSpec(0.001), rhoSpec(0.9), momentumSpec(), epsInRoot(1e-6)},
	}, func(n int) Method {
		m := &rmspropNesterov{g: make([]float64, n), r: make([]float64, n), eff: make([]float64, n),
			v: make([]float64, n), look: make([]float64, n)}
		m.state = []Vec{{"velocity", m.v}, {"r", m.r}, {"lookahead", m.look}, {"eff_lr", m.eff}}
		return m
	})

	register(Info{
		ID: "adam", Name: "Adam", Section: "§8.5.3 (draft 8.4.3), Algorithm 8.7",
		Description: "Moving averages s of g and r of g², corrected for their start at 0 " +
			"(ŝ = s/(1−β₁ᵗ), r̂ = r/(1−β₂ᵗ)); θ ← θ − ε·ŝ/(√r̂ + δ).",
		Hyper: []HyperSpec{lrSpec(0.001),
			decaySpec("beta1", "β₁", 0.9, 0.9999, "decay rate of the first moment s"),
			decaySpec("beta2", "β₂", 0.999, 0.99999, "decay rate of the second moment r"),
			epsSpec(1e-8)},
	}, func(n int) Method {
		m := &adam{g: make([]float64, n), s: make([]float64, n), r: make([]float64, n), eff: make([]float64, n)}
		m.state = []Vec{{"s", m.s}, {"r", m.r}, {"eff_lr", m.eff}}
		return m
	})

	register(Info{
		ID: "adadelta", Name: "AdaDelta", Section: "Zeiler 2012 (draft Algorithm 8.8)",
		Description: "No learning rate: Δθ = −√(s + δ)/√(r + δ)·g, the ratio of moving RMS of past " +
			"steps s and of gradients r, which has the units of θ.",
		Hyper: []HyperSpec{rhoSpec(0.95), epsSpec(1e-6)},
	}, func(n int) Method {
		m := &adadelta{g: make([]float64, n), r: make([]float64, n), s: make([]float64, n), eff: make([]float64, n)}
		m.state = []Vec{{"r", m.r}, {"s", m.s}, {"eff_lr", m.eff}}
		return m
	})
}

// epsInRoot is δ of RMSprop (Algorithms 8.5 and 8.6), which adds it inside
// the square root, √(δ + r), where AdaGrad and Adam add it outside.
func epsInRoot(def float64) HyperSpec {
	h := epsSpec(def)
	h.Description = "small constant for numerical stability, added inside the square root: √(δ + r)"
	return h
}

// rhoSpec is the decay rate ρ of RMSprop's and AdaDelta's moving averages.
func rhoSpec(def float64) HyperSpec {
	return decaySpec("rho", "ρ", def, 0.9999, "decay rate of the moving average of g²")
}

// withoutLast returns state without its last entry (eff_lr) before a step.
func withoutLast(state []Vec, stepped bool) []Vec {
	if stepped {
		return state
	}
	return state[:len(state)-1]
}

// deltaBarDelta keeps absolute per-parameter rates. The run's lr is their
// initial value; when the schedule or the user changes lr later, every
// rate is scaled by the same factor, so schedules apply here too.
type deltaBarDelta struct {
	kappa, phi, theta float64
	g, rate, bar      []float64
	lastLR            float64
	stepped           bool
	state             []Vec
}

func (m *deltaBarDelta) Configure(h Values) {
	m.kappa, m.phi, m.theta = h.Num["kappa"], h.Num["phi"], h.Num["theta"]
}

func (m *deltaBarDelta) State() []Vec { return withoutLast(m.state, m.stepped) }

func (m *deltaBarDelta) Step(o *Oracle, theta []float64, lr float64) error {
	switch {
	case !m.stepped || m.lastLR == 0: // a schedule may decay lr to 0: start over
		for i := range m.rate {
			m.rate[i] = lr
		}
	case lr != m.lastLR:
		f := lr / m.lastLR
		for i := range m.rate {
			m.rate[i] *= f
		}
	}
	m.lastLR, m.stepped = lr, true
	o.Grad(m.g, theta)
	for i, g := range m.g {
		// Jacobs' rule: the rate of this step already reacts to whether g
		// agrees with the average of the gradients before it.
		switch p := m.bar[i] * g; {
		case p > 0:
			m.rate[i] += m.kappa
		case p < 0:
			m.rate[i] *= 1 - m.phi
		}
		theta[i] -= m.rate[i] * g
		m.bar[i] = (1-m.theta)*g + m.theta*m.bar[i]
	}
	return nil
}

type adagrad struct {
	eps       float64
	g, r, eff []float64
	stepped   bool
	state     []Vec
}

func (m *adagrad) Configure(h Values) { m.eps = h.Num["eps"] }
func (m *adagrad) State() []Vec       { return withoutLast(m.state, m.stepped) }

func (m *adagrad) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	for i, g := range m.g {
		m.r[i] += g * g
		m.eff[i] = lr / (m.eps + math.Sqrt(m.r[i]))
		theta[i] -= m.eff[i] * g
	}
	m.stepped = true
	return nil
}

type rmsprop struct {
	rho, eps  float64
	g, r, eff []float64
	stepped   bool
	state     []Vec
}

func (m *rmsprop) Configure(h Values) { m.rho, m.eps = h.Num["rho"], h.Num["eps"] }
func (m *rmsprop) State() []Vec       { return withoutLast(m.state, m.stepped) }

func (m *rmsprop) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	for i, g := range m.g {
		m.r[i] = m.rho*m.r[i] + (1-m.rho)*g*g
		m.eff[i] = lr / math.Sqrt(m.eps+m.r[i])
		theta[i] -= m.eff[i] * g
	}
	m.stepped = true
	return nil
}

// rmspropNesterov is Algorithm 8.6, with δ inside the root as in RMSprop so a
// zero gradient component never divides by zero.
type rmspropNesterov struct {
	rho, alpha, eps    float64
	g, r, eff, v, look []float64
	stepped            bool
	state              []Vec
}

func (m *rmspropNesterov) Configure(h Values) {
	m.rho, m.alpha, m.eps = h.Num["rho"], h.Num["momentum"], h.Num["eps"]
}

// State leaves out the look-ahead point and eff_lr before the first step.
func (m *rmspropNesterov) State() []Vec {
	if !m.stepped {
		return m.state[:2]
	}
	return m.state
}

func (m *rmspropNesterov) Step(o *Oracle, theta []float64, lr float64) error {
	for i, t := range theta {
		m.look[i] = t + m.alpha*m.v[i]
	}
	o.Grad(m.g, m.look)
	for i, g := range m.g {
		m.r[i] = m.rho*m.r[i] + (1-m.rho)*g*g
		m.eff[i] = lr / math.Sqrt(m.eps+m.r[i])
		m.v[i] = m.alpha*m.v[i] - m.eff[i]*g
		theta[i] += m.v[i]
	}
	m.stepped = true
	return nil
}

type adam struct {
	beta1, beta2, eps float64
	t                 int
	g, s, r, eff      []float64
	state             []Vec
}

func (m *adam) Configure(h Values) {
	m.beta1, m.beta2, m.eps = h.Num["beta1"], h.Num["beta2"], h.Num["eps"]
}

func (m *adam) State() []Vec { return withoutLast(m.state, m.t > 0) }

func (m *adam) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	m.t++
	// β < 1 (its spec's maximum), so both corrections are positive.
	c1 := 1 - math.Pow(m.beta1, float64(m.t))
	c2 := 1 - math.Pow(m.beta2, float64(m.t))
	for i, g := range m.g {
		m.s[i] = m.beta1*m.s[i] + (1-m.beta1)*g
		m.r[i] = m.beta2*m.r[i] + (1-m.beta2)*g*g
		m.eff[i] = lr / (math.Sqrt(m.r[i]/c2) + m.eps)
		theta[i] -= m.eff[i] * (m.s[i] / c1)
	}
	return nil
}

type adadelta struct {
	rho, eps     float64
	g, r, s, eff []float64
	stepped      bool
	state        []Vec
}

func (m *adadelta) Configure(h Values) { m.rho, m.eps = h.Num["rho"], h.Num["eps"] }
func (m *adadelta) State() []Vec       { return withoutLast(m.state, m.stepped) }

// Step ignores lr: AdaDelta has none, its rate is √(s+δ)/√(r+δ).
func (m *adadelta) Step(o *Oracle, theta []float64, _ float64) error {
	o.Grad(m.g, theta)
	for i, g := range m.g {
		m.r[i] = m.rho*m.r[i] + (1-m.rho)*g*g
		m.eff[i] = math.Sqrt(m.s[i]+m.eps) / math.Sqrt(m.r[i]+m.eps)
		d := -m.eff[i] * g
		m.s[i] = m.rho*m.s[i] + (1-m.rho)*d*d
		theta[i] += d
	}
	m.stepped = true
	return nil
}

var (
	_ Method = (*deltaBarDelta)(nil)
	_ Method = (*adagrad)(nil)
	_ Method = (*rmsprop)(nil)
	_ Method = (*rmspropNesterov)(nil)
	_ Method = (*adam)(nil)
	_ Method = (*adadelta)(nil)
)
