package optim

import "math"

// Beyond chapter 8: the adaptive methods students meet after the chapter,
// each a small change to Adam (Algorithm 8.7) that the plane can show.
//
//   - AdamW (Loshchilov & Hutter 2019) takes the weight decay out of the
//     gradient: θ shrinks by ε·λ·θ beside the adaptive step, so every
//     coordinate decays at the same rate, where Adam with L2 (λθ added to g)
//     divides the decay by √r̂ and barely regularises the steep coordinates.
//     Its "decay" choice runs either, as the paper's Algorithm 2 does.
//   - NAdam (Dozat 2016) puts Nesterov's look-ahead into Adam's first moment.
//   - RAdam (Liu et al. 2020) switches the adaptive rate off while the
//     second moment r has seen too few gradients to be trusted, and then
//     scales it by the rectification r_t → 1.
//   - Lion (Chen et al. 2023) steps by the sign of a momentum: every
//     coordinate moves by exactly ε (plus decay).
//
// Defaults are Adam's (ε = 0.001, β₁ = 0.9, β₂ = 0.999) so a race against
// adam starts fair; Lion's β₂ = 0.99 is the paper's. Lion's steps have size
// ε per coordinate whatever the gradient, as Adam's first steps do, so the
// same ε is the same distance on the plot.

func init() {
	register(Info{
		ID: "adamw", Name: "AdamW", Section: "Loshchilov & Hutter 2019 (after §8.5.3)",
		Description: "Adam with decoupled weight decay (Loshchilov & Hutter 2019, Decoupled Weight Decay Regularization): " +
			"θ ← θ − ε·(ŝ/(√r̂ + δ) + λθ), with s, r the moments of g alone, so every coordinate decays at the same rate. " +
			"With decay \"l2\" it is Adam with L2 regularisation instead (λθ added to g before the moments), " +
			"whose decay is divided by √r̂ like the gradient. With λ = 0 both are Adam. " +
			"Convention: the decay is scaled by the learning rate (and so by the schedule), as PyTorch does.",
		Hyper: []HyperSpec{lrSpec(0.001),
			decaySpec("beta1", "β₁", 0.9, 0.9999, "decay rate of the first moment s"),
			decaySpec("beta2", "β₂", 0.999, 0.99999, "decay rate of the second moment r"),
			epsSpec(1e-8),
			weightDecaySpec(0.01),
			{Name: "decay", Symbol: "", Choices: []string{"decoupled", "l2"}, DefaultStr: "decoupled",
				Description: "decoupled: AdamW, θ shrinks by ε·λ·θ beside the adaptive step; l2: Adam on J + ½λ‖θ‖², λθ added to g"},
		},
	}, func(n int) Method {
		m := &adamw{adam: adam{g: make([]float64, n), s: make([]float64, n), r: make([]float64, n), eff: make([]float64, n)}}
		m.state = []Vec{{"s", m.s}, {"r", m.r}, {"eff_lr", m.eff}}
		return m
	})

	register(Info{
		ID: "nadam", Name: "NAdam", Section: "Dozat 2016 (after §8.5.3)",
		Description: "Adam with Nesterov momentum (Dozat 2016, Incorporating Nesterov Momentum into Adam): the first moment " +
			"looks one step ahead, s̄ = β₁·s/(1−β₁ᵗ⁺¹) + (1−β₁)·g/(1−β₁ᵗ); θ ← θ − ε·s̄/(√r̂ + δ). " +
			"Convention: β₁ is constant (Dozat's momentum schedule μₜ = β₁), so the first step is (1 + β₁/(1+β₁))·ε per coordinate.",
		Hyper: []HyperSpec{lrSpec(0.001),
			decaySpec("beta1", "β₁", 0.9, 0.9999, "decay rate of the first moment s"),
			decaySpec("beta2", "β₂", 0.999, 0.99999, "decay rate of the second moment r"),
			epsSpec(1e-8)},
	}, func(n int) Method {
		m := &nadam{g: make([]float64, n), s: make([]float64, n), r: make([]float64, n), eff: make([]float64, n)}
		m.state = []Vec{{"s", m.s}, {"r", m.r}, {"eff_lr", m.eff}}
		return m
	})

	register(Info{
		ID: "radam", Name: "RAdam", Section: "Liu et al. 2020 (after §8.5.3)",
		Description: "Rectified Adam (Liu et al. 2020, On the Variance of the Adaptive Learning Rate and Beyond): while the " +
			"second moment has averaged too few gradients (ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ) ≤ 4, ρ∞ = 2/(1−β₂) − 1) the step is momentum " +
			"without adaptation, θ ← θ − ε·ŝ; after, θ ← θ − ε·rₜ·ŝ/(√r̂ + δ) with the rectification " +
			"rₜ = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)), which rises towards 1 (state rect). " +
			"Convention: δ is added outside the root, as in Adam.",
		Hyper: []HyperSpec{lrSpec(0.001),
			decaySpec("beta1", "β₁", 0.9, 0.9999, "decay rate of the first moment s"),
			// ρ∞ > 4 needs β₂ > 0.6: below, the rectified phase never starts.
			{Name: "beta2", Symbol: "β₂", Default: 0.999, Min: 0.6, Max: 0.99999,
				Description: "decay rate of the second moment r (above 0.6, so that ρ∞ = 2/(1−β₂) − 1 > 4)"},
			epsSpec(1e-8)},
	}, func(n int) Method {
		m := &radam{g: make([]float64, n), s: make([]float64, n), r: make([]float64, n), eff: make([]float64, n),
			rect: make([]float64, 1)}
		m.state = []Vec{{"s", m.s}, {"r", m.r}, {"eff_lr", m.eff}, {"rect", m.rect}}
		return m
	})

	register(Info{
		ID: "lion", Name: "Lion", Section: "Chen et al. 2023 (after §8.5.3)",
		Description: "Lion (Chen et al. 2023, Symbolic Discovery of Optimization Algorithms): c = β₁·m + (1−β₁)·g; " +
			"θ ← θ − ε·(sign(c) + λθ); m ← β₂·m + (1−β₂)·g. Every coordinate moves by exactly ε (without decay), " +
			"whatever the gradient's size; the paper advises an ε 3–10× smaller than AdamW's and a λ as many times larger.",
		Hyper: []HyperSpec{lrSpec(0.001),
			decaySpec("beta1", "β₁", 0.9, 0.9999, "weight of the momentum m in the direction c whose sign is the step"),
			decaySpec("beta2", "β₂", 0.99, 0.99999, "decay rate of the momentum m"),
			weightDecaySpec(0)},
	}, func(n int) Method {
		m := &lion{g: make([]float64, n), m: make([]float64, n)}
		m.state = []Vec{{"m", m.m}}
		return m
	})
}

// weightDecaySpec is the decay λ of AdamW and Lion.
func weightDecaySpec(def float64) HyperSpec {
	return HyperSpec{Name: "weight_decay", Symbol: "λ", Default: def, Min: 0, Max: 10,
		Description: "weight decay: θ shrinks by ε·λ·θ each step"}
}

type adamw struct {
	adam
	lambda float64
	l2     bool
}

func (m *adamw) Configure(h Values) {
	m.adam.Configure(h)
	m.lambda, m.l2 = h.Num["weight_decay"], h.Choice["decay"] == "l2"
}

func (m *adamw) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	m.t++
	c1 := 1 - math.Pow(m.beta1, float64(m.t))
	c2 := 1 - math.Pow(m.beta2, float64(m.t))
	for i, g := range m.g {
		if m.l2 {
			g += m.lambda * theta[i]
		}
		m.s[i] = m.beta1*m.s[i] + (1-m.beta1)*g
		m.r[i] = m.beta2*m.r[i] + (1-m.beta2)*g*g
		m.eff[i] = lr / (math.Sqrt(m.r[i]/c2) + m.eps)
		d := m.eff[i] * (m.s[i] / c1)
		if !m.l2 {
			d += lr * m.lambda * theta[i]
		}
		theta[i] -= d
	}
	return nil
}

type nadam struct {
	beta1, beta2, eps float64
	t                 int
	p1, p2            betaPow
	g, s, r, eff      []float64
	state             []Vec
}

func (m *nadam) Configure(h Values) {
	m.beta1, m.beta2, m.eps = h.Num["beta1"], h.Num["beta2"], h.Num["eps"]
}

func (m *nadam) State() []Vec { return withoutLast(m.state, m.t > 0) }

func (m *nadam) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	m.t++
	b1t := m.p1.at(m.beta1, m.t)
	c1, c1next := 1-b1t, 1-b1t*m.beta1
	c2 := 1 - m.p2.at(m.beta2, m.t)
	for i, g := range m.g {
		m.s[i] = m.beta1*m.s[i] + (1-m.beta1)*g
		m.r[i] = m.beta2*m.r[i] + (1-m.beta2)*g*g
		m.eff[i] = lr / (math.Sqrt(m.r[i]/c2) + m.eps)
		bar := m.beta1*m.s[i]/c1next + (1-m.beta1)*g/c1
		theta[i] -= m.eff[i] * bar
	}
	return nil
}

type radam struct {
	beta1, beta2, eps float64
	t                 int
	p1, p2            betaPow
	rectified         bool
	g, s, r, eff      []float64
	rect              []float64 // [rₜ], while rectified
	state             []Vec
}

func (m *radam) Configure(h Values) {
	m.beta1, m.beta2, m.eps = h.Num["beta1"], h.Num["beta2"], h.Num["eps"]
}

// State reports s and r, then eff_lr once a step was taken (ε itself in the
// unadapted phase), and rect while the step is rectified.
func (m *radam) State() []Vec {
	switch {
	case m.t == 0:
		return m.state[:2]
	case !m.rectified:
		return m.state[:3]
	}
	return m.state
}

// radamRho is ρₜ of Liu et al. (2020), the length of the simple moving
// average that the exponential one of β₂ approximates after t steps.
func radamRho(beta2 float64, t int) float64 {
	return radamRhoOf(beta2, math.Pow(beta2, float64(t)), t)
}

// radamRhoOf is ρₜ given bt = β₂ᵗ.
func radamRhoOf(beta2, bt float64, t int) float64 {
	return 2/(1-beta2) - 1 - 2*float64(t)*bt/(1-bt)
}

func (m *radam) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	m.t++
	c1 := 1 - m.p1.at(m.beta1, m.t)
	bt2 := m.p2.at(m.beta2, m.t)
	c2 := 1 - bt2
	inf := 2/(1-m.beta2) - 1
	rho := radamRhoOf(m.beta2, bt2, m.t)
	m.rectified = rho > 4
	var rt float64
	if m.rectified {
		rt = math.Sqrt((rho - 4) * (rho - 2) * inf / ((inf - 4) * (inf - 2) * rho))
		m.rect[0] = rt
	}
	for i, g := range m.g {
		m.s[i] = m.beta1*m.s[i] + (1-m.beta1)*g
		m.r[i] = m.beta2*m.r[i] + (1-m.beta2)*g*g
		if m.rectified {
			m.eff[i] = lr * rt / (math.Sqrt(m.r[i]/c2) + m.eps)
		} else {
			m.eff[i] = lr
		}
		theta[i] -= m.eff[i] * (m.s[i] / c1)
	}
	return nil
}

type lion struct {
	beta1, beta2, lambda float64
	g, m                 []float64
	state                []Vec
}

func (l *lion) Configure(h Values) {
	l.beta1, l.beta2, l.lambda = h.Num["beta1"], h.Num["beta2"], h.Num["weight_decay"]
}

func (l *lion) State() []Vec { return l.state }

func (l *lion) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(l.g, theta)
	for i, g := range l.g {
		c := l.beta1*l.m[i] + (1-l.beta1)*g
		theta[i] -= lr * (sign(c) + l.lambda*theta[i])
		l.m[i] = l.beta2*l.m[i] + (1-l.beta2)*g
	}
	return nil
}

// betaPow is βᵗ kept by one multiplication a step, and recomputed when β
// changes (a live change) or a step is skipped: NAdam and RAdam need it at
// every step, and math.Pow was most of their step's cost.
type betaPow struct {
	beta, pow float64
	t         int
}

func (b *betaPow) at(beta float64, t int) float64 {
	if beta != b.beta || t != b.t+1 {
		b.beta, b.pow = beta, math.Pow(beta, float64(t))
	} else {
		b.pow *= beta
	}
	b.t = t
	return b.pow
}

// sign is −1, 0 or 1 (0 for a zero or NaN argument).
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

var (
	_ Method = (*adamw)(nil)
	_ Method = (*nadam)(nil)
	_ Method = (*radam)(nil)
	_ Method = (*lion)(nil)
)

// Sharpness-aware minimisation (Foret et al. 2021) takes the gradient where
// the loss is highest within a ball of radius ρ around θ, to first order:
// at the ascent point θ + ρ·g/‖g‖. It pays a second gradient evaluation per
// step for it (Step.GradEvals = 2), and prefers flat minima, whose ascent
// point is not much higher.
//
// Default ε = 0.01 (gd's) and ρ = 0.05 (the paper's for CIFAR), without
// momentum so the plane shows SAM's own correction; with α > 0 it is the
// paper's SGD-with-momentum base.

func init() {
	register(Info{
		ID: "sam", Name: "SAM", Section: "Foret et al. 2021 (after §8.3)",
		GradsPerStep: 2,
		Description: "Sharpness-aware minimisation (Foret et al. 2021, Sharpness-Aware Minimization for Efficiently Improving " +
			"Generalization): the gradient is taken at the ascent point θ + ρ·g/‖g‖ (state ascent), the worst point of a ball " +
			"of radius ρ to first order, and then v ← α·v − ε·g_asc; θ ← θ + v. Two gradient evaluations per step; " +
			"with ρ = 0 it is momentum (gd for α = 0).",
		Hyper: []HyperSpec{lrSpec(0.01),
			{Name: "rho", Symbol: "ρ", Default: 0.05, Min: 0, Max: 10,
				Description: "radius of the neighbourhood: the ascent point is ρ from θ along the gradient"},
			{Name: "momentum", Symbol: "α", Default: 0, Min: 0, Max: 0.999,
				Description: "momentum of the base optimizer (0: plain gradient descent on the sharpness-aware gradient)"},
		},
	}, func(n int) Method {
		m := &sam{g: make([]float64, n), v: make([]float64, n), asc: make([]float64, n)}
		m.state = []Vec{{"velocity", m.v}, {"ascent", m.asc}}
		return m
	})
}

type sam struct {
	rho, alpha float64
	g, v, asc  []float64
	stepped    bool
	state      []Vec
}

func (m *sam) Configure(h Values) { m.rho, m.alpha = h.Num["rho"], h.Num["momentum"] }

// State reports the velocity and, once a step was taken, the ascent point
// where that step's gradient was evaluated.
func (m *sam) State() []Vec {
	if !m.stepped {
		return m.state[:1]
	}
	return m.state
}

func (m *sam) Step(o *Oracle, theta []float64, lr float64) error {
	o.Grad(m.g, theta)
	s := 0.0
	if n := Norm(m.g); n > 0 {
		s = m.rho / n
	}
	if s == 0 { // a zero (or overflowed) gradient has no direction: stay at θ
		copy(m.asc, theta)
	} else {
		for i, t := range theta {
			m.asc[i] = t + s*m.g[i]
		}
	}
	o.Grad(m.g, m.asc)
	for i, g := range m.g {
		m.v[i] = m.alpha*m.v[i] - lr*g
		theta[i] += m.v[i]
	}
	m.stepped = true
	return nil
}

var _ Method = (*sam)(nil)
