package optim

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

func init() {
	register(Info{
		ID: "cg", Name: "Conjugate gradients", Section: "§8.6.2 (draft 8.5.2), Algorithm 8.9 (draft 8.10)",
		Description: "Nonlinear conjugate gradients: each search direction is conjugate to the last, " +
			"with a near-exact line search; a 2-D quadratic is solved in two line searches.",
		Hyper: []HyperSpec{
			{Name: "variant", Symbol: "β", Choices: []string{"polak_ribiere", "fletcher_reeves"},
				DefaultStr:  "polak_ribiere",
				Description: "formula for β: Polak–Ribière (g−g₋₁)ᵀg/‖g₋₁‖² (kept ≥ 0) or Fletcher–Reeves ‖g‖²/‖g₋₁‖²"},
			{Name: "restart", Symbol: "n", Default: 0, Min: 0, Max: 10000, Integer: true,
				Description: "restart along −g every n line searches; 0 means every Dim (changing it restarts)"},
		},
	}, func(n int) Method { return newCG(n) })
	register(Info{
		ID: "bfgs", Name: "BFGS", Section: "§8.6.3 (draft 8.5.3; draft Algorithm 8.11)",
		Description: "Quasi-Newton: a line search along −M·g, where M, refined by a rank-two update " +
			"after every step (the BFGS update of §8.6.3), approximates the inverse Hessian.",
		MaxDim: maxDimBFGS,
	}, func(n int) Method { return newBFGS(n) })
	register(Info{
		ID: "lbfgs", Name: "L-BFGS", Section: "§8.6.3 (draft 8.5.3)",
		Description: "Limited-memory BFGS: the inverse-Hessian product is rebuilt from the last few " +
			"steps and gradient changes by the two-loop recursion, in O(memory·n).",
		Hyper: []HyperSpec{{Name: "memory", Symbol: "m", Default: 10, Min: 1, Max: 100, Integer: true,
			Description: "number of past (Δθ, Δg) pairs kept (changing it clears them)"}},
	}, func(n int) Method { return newLBFGS(n) })
}

// maxDimBFGS bounds BFGS's dense n×n inverse-Hessian estimate (32 MB at
// n = 2000, and an O(n²) update per step).
const maxDimBFGS = 2000

// Line-search settings (Moré–Thuente, strong Wolfe conditions). CG and BFGS
// search nearly exactly: CG needs it to stay conjugate (two line searches on a
// 2-D quadratic), and BFGS's estimate then reaches the true inverse Hessian of
// a quadratic after Dim steps, which the page draws. L-BFGS uses the usual
// loose search.
const (
	decreaseFactor = 1e-4 // sufficient decrease (Armijo)
	cgCurvature    = 1e-9 // |φ'(η)| ≤ this·|φ'(0)|: exact up to rounding
	bfgsCurvature  = 1e-4
	looseCurvature = 0.9
	maxLineEvals   = 60 // evaluations one line search may take
)

// lineSearch runs a gonum LinesearchMethod one major iteration per Step,
// satisfying its evaluation requests through the Oracle.
//
// Clipping: the direction rule (CG's β, BFGS's M, L-BFGS's history) sees
// the clipped gradient, as every optimizer does; the 1-D search along the
// direction sees the raw slope φ'(η) = ∇J·ρ, which must agree with the values
// J it also sees or the search cannot find the minimum along the line. The
// step length comes from the line search, so clipping can change a
// line-search method's direction but not make it overshoot.
type lineSearch struct {
	name   string
	method optimize.LinesearchMethod
	search forgivingSearch
	dirs   recordDirection
	loc    optimize.Location // Gradient holds the raw gradient at X
	used   []float64         // the clipped gradient at loc.X

	started bool
	points  []float64 // trial points of the last line search, flattened
	state   []Vec
}

func (l *lineSearch) init(name string, n int, next optimize.NextDirectioner, curvature float64) {
	l.name = name
	l.used = make([]float64, n)
	l.dirs = recordDirection{next: next, dir: make([]float64, n), used: l.used}
	l.search.mt = optimize.MoreThuente{DecreaseFactor: decreaseFactor, CurvatureFactor: curvature}
	l.method = optimize.LinesearchMethod{NextDirectioner: &l.dirs, Linesearcher: &l.search}
	l.loc = optimize.Location{X: make([]float64, n), Gradient: make([]float64, n)}
	l.points = make([]float64, 0, 8*n)
	l.state = []Vec{{Name: "direction", V: l.dirs.dir}, {Name: "ls_points"}}
}

// restart makes the next Step begin afresh from θ (steepest descent).
func (l *lineSearch) restart() { l.started = false }

// vecs returns the state: "direction" (the last search direction) and
// "ls_points" (the line search's trial points, flattened, Dim per point).
func (l *lineSearch) vecs() []Vec {
	l.state[1].V = l.points
	return l.state
}

// step runs one line search from θ and moves θ to the point it accepts.
func (l *lineSearch) step(o *Oracle, theta []float64) error {
	l.points = l.points[:0]
	var (
		op  optimize.Operation
		err error
	)
	if !l.started || !floats.Equal(theta, l.loc.X) {
		copy(l.loc.X, theta)
		l.loc.F = o.Grad(l.used, theta)
		copy(l.loc.Gradient, o.Raw)
		l.started = true
		op, err = l.method.Init(&l.loc)
	} else {
		op, err = l.method.Iterate(&l.loc) // begins the next line search
		if errors.Is(err, optimize.ErrNonDescentDirection) {
			// The estimate lost positive definiteness (say, under clipped
			// gradients): start again along −g.
			op, err = l.method.Init(&l.loc)
		}
	}
	f0, g0 := l.loc.F, floats.Norm(l.loc.Gradient, 2)
	for evals := 0; err == nil && op != optimize.MajorIteration; evals++ {
		if evals == maxLineEvals {
			err = fmt.Errorf("gave up after %d evaluations", maxLineEvals)
			break
		}
		switch {
		case op&optimize.GradEvaluation != 0:
			l.loc.F = o.Grad(l.used, l.loc.X)
			copy(l.loc.Gradient, o.Raw)
		case op&optimize.FuncEvaluation != 0:
			l.loc.F = o.Value(l.loc.X)
		default:
			panic("optim: line search asked for " + op.String())
		}
		l.points = append(l.points, l.loc.X...)
		op, err = l.method.Iterate(&l.loc)
	}
	if err != nil {
		l.started = false // θ stays; the next Step starts afresh from it
		return l.explain(err, f0, g0)
	}
	copy(theta, l.loc.X)
	return nil
}

// explain turns a failed line search into ErrConverged at a stationary point
// (or when no representable step changes θ), or into an error for the user.
func (l *lineSearch) explain(err error, f0, g0 float64) error {
	switch {
	case errors.Is(err, optimize.ErrNoProgress):
		return fmt.Errorf("%w: %s: the step is below rounding", ErrConverged, l.name)
	case errors.Is(err, optimize.ErrNonDescentDirection):
		return fmt.Errorf("%w: %s: no descent direction (‖g‖ = %.3g)", ErrConverged, l.name, g0)
	case g0 <= stationaryTol*math.Max(1, math.Abs(f0)):
		return fmt.Errorf("%w: %s: the line search found no decrease at ‖g‖ = %.3g", ErrConverged, l.name, g0)
	}
	return fmt.Errorf("%s: the line search found no decrease along the search direction (‖g‖ = %.3g): %v", l.name, g0, err)
}

// stationaryTol is the gradient norm, relative to max(1, |J|), below which a
// line search that finds no decrease means θ is as stationary as floating
// point can tell.
const stationaryTol = 1e-6

// recordDirection hands the direction rule the clipped gradient and keeps
// a copy of each search direction for drawing.
type recordDirection struct {
	next optimize.NextDirectioner
	dir  []float64
	used []float64 // the clipped gradient at loc.X
}

func (r *recordDirection) InitDirection(loc *optimize.Location, dir []float64) float64 {
	raw := loc.Gradient
	loc.Gradient = r.used
	step := r.next.InitDirection(loc, dir)
	loc.Gradient = raw
	copy(r.dir, dir)
	return step
}

func (r *recordDirection) NextDirection(loc *optimize.Location, dir []float64) float64 {
	raw := loc.Gradient
	loc.Gradient = r.used
	step := r.next.NextDirection(loc, dir)
	loc.Gradient = raw
	if !allFinite(dir) || !finite(step) || step <= 0 {
		// A degenerate update (Δθ·Δg = 0 in L-BFGS's history): a zero
		// direction is not a descent direction, so lineSearch.step starts
		// again along −g with a fresh history.
		for i := range dir {
			dir[i] = 0
		}
		step = 1
	}
	copy(r.dir, dir)
	return step
}

// forgivingSearch is gonum's Moré–Thuente line search made to fail less:
// a trial point where J or its derivative is not finite restarts the search
// with a quarter of the step, and when Moré–Thuente gives up (its interval
// shrank to rounding) after a decrease was found, the search ends at the
// best trial point instead of failing.
type forgivingSearch struct {
	mt optimize.MoreThuente

	f0, g0    float64
	step      float64 // the trial being evaluated
	bestStep  float64
	bestF     float64
	finishing bool
	shrinks   int
}

var _ optimize.Linesearcher = (*forgivingSearch)(nil)

func (s *forgivingSearch) Init(f, g, step float64) optimize.Operation {
	s.f0, s.g0, s.step = f, g, step
	s.bestStep, s.bestF = 0, f
	s.finishing = false
	s.shrinks = 0
	return s.mt.Init(f, g, step)
}

func (s *forgivingSearch) Iterate(f, g float64) (optimize.Operation, float64, error) {
	if s.finishing {
		return optimize.MajorIteration, s.step, nil
	}
	if !finite(f) || !finite(g) {
		s.shrinks++
		if s.shrinks > 40 {
			return optimize.NoOperation, s.step, errors.New("the objective is not finite along the search direction")
		}
		s.step /= 4
		return s.mt.Init(s.f0, s.g0, s.step), s.step, nil
	}
	if f < s.bestF {
		s.bestStep, s.bestF = s.step, f
	}
	op, step, err := s.mt.Iterate(f, g)
	if err != nil {
		if s.bestStep == 0 {
			return op, step, err
		}
		s.finishing = true
		if s.bestStep == s.step {
			return optimize.MajorIteration, s.step, nil
		}
		s.step = s.bestStep // evaluate the best point again, then stop there
		return optimize.FuncEvaluation | optimize.GradEvaluation, s.step, nil
	}
	s.step = step
	return op, step, nil
}

// cg is nonlinear conjugate gradients (Algorithm 8.10), gonum's CG as the
// direction rule.
type cg struct {
	ls      lineSearch
	dirs    optimize.CG
	n       int
	variant string
	restart int
}

var _ Method = (*cg)(nil)

func newCG(n int) *cg {
	m := &cg{n: n, restart: -1}
	m.dirs = optimize.CG{
		InitialStep: &optimize.FirstOrderStepSize{},
		// Restart when successive gradients point nearly opposite ways
		// (gonum's default; a zero here would restart at every orthogonal pair,
		// which is every step of an exact line search).
		AngleRestartThreshold: -0.9,
	}
	m.ls.init("conjugate gradients", n, &m.dirs, cgCurvature)
	return m
}

func (m *cg) Configure(h Values) {
	if v := h.Choice["variant"]; v != m.variant {
		m.variant = v
		if v == "fletcher_reeves" {
			m.dirs.Variant = &optimize.FletcherReeves{}
		} else {
			m.dirs.Variant = &optimize.PolakRibierePolyak{}
		}
		if m.ls.started {
			// β's denominator is the last gradient's norm, which the new
			// variant must learn.
			m.dirs.Variant.Init(&optimize.Location{X: m.ls.loc.X, Gradient: m.ls.used})
		}
	}
	if r := int(h.Num["restart"]); r != m.restart {
		m.restart = r
		if r == 0 {
			r = m.n
		}
		// gonum restarts every ceil(factor·n) iterations; the half keeps the
		// ceiling exact under rounding.
		m.dirs.IterationRestartFactor = (float64(r) - 0.5) / float64(m.n)
		m.ls.restart() // the period is read when a run of directions begins
	}
}

func (m *cg) Step(o *Oracle, theta []float64, _ float64) error { return m.ls.step(o, theta) }

func (m *cg) State() []Vec { return m.ls.vecs() }

// lbfgs is limited-memory BFGS, gonum's two-loop recursion as the direction
// rule.
type lbfgs struct {
	ls   lineSearch
	dirs optimize.LBFGS
}

var _ Method = (*lbfgs)(nil)

func newLBFGS(n int) *lbfgs {
	m := &lbfgs{}
	m.ls.init("L-BFGS", n, &m.dirs, looseCurvature)
	return m
}

func (m *lbfgs) Configure(h Values) {
	if s := int(h.Num["memory"]); s != m.dirs.Store {
		m.dirs.Store = s
		m.ls.restart() // the history's size is fixed when it begins
	}
}

func (m *lbfgs) Step(o *Oracle, theta []float64, _ float64) error { return m.ls.step(o, theta) }

func (m *lbfgs) State() []Vec { return m.ls.vecs() }

// bfgs is Algorithm 8.11 with its inverse-Hessian estimate M in the open so
// the page can draw it.
type bfgs struct {
	ls    lineSearch
	dirs  bfgsDirections
	state []Vec
}

var _ Method = (*bfgs)(nil)

func newBFGS(n int) *bfgs {
	m := &bfgs{dirs: newBFGSDirections(n)}
	m.ls.init("BFGS", n, &m.dirs, bfgsCurvature)
	m.state = make([]Vec, 0, 3)
	return m
}

func (m *bfgs) Configure(Values) {}

func (m *bfgs) Step(o *Oracle, theta []float64, _ float64) error {
	if err := m.ls.step(o, theta); err != nil {
		return err
	}
	// Update M now rather than when the next search begins, so the state
	// after step k shows the estimate that has learnt from step k.
	m.dirs.update(m.ls.loc.X, m.ls.used)
	return nil
}

// State adds "inv_hessian", the estimate M (row-major Dim×Dim) after it
// learnt from the last step: the one the next search direction will use.
func (m *bfgs) State() []Vec {
	m.state = append(m.state[:0], m.ls.vecs()...)
	return append(m.state, Vec{Name: "inv_hessian", V: m.dirs.inv})
}

// bfgsDirections is the BFGS direction rule: ρ = −M·g with M updated by
//
//	M ← M + (1 + φᵀMφ/Δᵀφ)·ΔΔᵀ/Δᵀφ − (ΔφᵀM + MφΔᵀ)/Δᵀφ   (eq. 8.23)
//
// with Δ = θ_t − θ_{t−1}, φ = g_t − g_{t−1}. M starts as I (Algorithm 8.11)
// and, as Nocedal & Wright (6.20) advise, is rescaled to (Δᵀφ/φᵀφ)·I before
// the first update so the first quasi-Newton step has the right length. An
// update with Δᵀφ ≤ 0 (possible under clipped gradients) is skipped, which
// keeps M positive definite.
type bfgsDirections struct {
	n         int
	inv       []float64 // M, row-major
	x, g      []float64 // θ and g at the last major iteration
	s, y, my  []float64 // Δ, φ, M·φ
	firstStep bool
}

var _ optimize.NextDirectioner = (*bfgsDirections)(nil)

func newBFGSDirections(n int) bfgsDirections {
	d := bfgsDirections{n: n, inv: make([]float64, n*n), x: make([]float64, n), g: make([]float64, n),
		s: make([]float64, n), y: make([]float64, n), my: make([]float64, n)}
	d.setIdentity(1)
	return d
}

func (d *bfgsDirections) setIdentity(scale float64) {
	for i := range d.inv {
		d.inv[i] = 0
	}
	for i := 0; i < d.n; i++ {
		d.inv[i*d.n+i] = scale
	}
}

func (d *bfgsDirections) InitDirection(loc *optimize.Location, dir []float64) float64 {
	copy(d.x, loc.X)
	copy(d.g, loc.Gradient)
	d.setIdentity(1)
	d.firstStep = true
	for i, g := range loc.Gradient {
		dir[i] = -g
	}
	return 1 / floats.Norm(dir, 2) // a first trial of unit length
}

func (d *bfgsDirections) NextDirection(loc *optimize.Location, dir []float64) float64 {
	d.update(loc.X, loc.Gradient)
	n := d.n
	for i := 0; i < n; i++ {
		dir[i] = -floats.Dot(d.inv[i*n:(i+1)*n], loc.Gradient)
	}
	return 1
}

// update applies eq. 8.23 for the step from the last point to x, once.
func (d *bfgsDirections) update(x, g []float64) {
	if floats.Equal(x, d.x) {
		return // already learnt from this step
	}
	n := d.n
	floats.SubTo(d.s, x, d.x)
	floats.SubTo(d.y, g, d.g)
	copy(d.x, x)
	copy(d.g, g)
	sy := floats.Dot(d.s, d.y)
	if !(sy > 1e-12*floats.Norm(d.s, 2)*floats.Norm(d.y, 2)) || !finite(sy) {
		return // no positive curvature along the step: keep M positive definite
	}
	if d.firstStep {
		d.setIdentity(sy / floats.Dot(d.y, d.y))
		d.firstStep = false
	}
	for i := 0; i < n; i++ {
		d.my[i] = floats.Dot(d.inv[i*n:(i+1)*n], d.y)
	}
	a := (1 + floats.Dot(d.y, d.my)/sy) / sy
	for i := 0; i < n; i++ {
		row := d.inv[i*n : (i+1)*n]
		for j := range row {
			row[j] += a*d.s[i]*d.s[j] - (d.s[i]*d.my[j]+d.my[i]*d.s[j])/sy
		}
	}
}
