package maps

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// The eigen-component decay (issue 11 §2, Goh 2017): a run's error θₖ − θ*
// split along the Hessian's eigenvectors qᵢ, cᵢ(k) = ⟨θₖ − θ*, qᵢ⟩, beside
// the closed-form rate of each component for the run's method
// (optim.EigenRates). On the quadratic objective H is constant and θ* = 0
// exactly ("quadratic"). On any other 2-D objective the decomposition is
// local: H = ∇²J(θ_at) at the point the run has reached, and θ* the
// stationary point of the quadratic model there, θ_at − H⁺∇J(θ_at) (H⁺ the
// pseudo-inverse: along a flat direction the model has no stationary point
// and the component is measured from θ_at). Near a minimum the model is
// good and the rates hold; far from it they describe only the model.
//
// The run is replayed from the scene's start with its current settings (the
// trajectory the page draws unless settings changed mid-run): the largest,
// 10 000 steps of momentum on the valley, replays and splits in about
// 0.8 ms (BenchmarkDecay; the replay alone is 0.5 ms), so the job is cheap.

// Limits of a decay.
const (
	DefaultDecaySteps = 100
	MaxDecaySteps     = 10_000
	// MaxDecayPoints bounds the points an answer carries; longer runs are
	// thinned to every s-th step (the last kept).
	MaxDecayPoints = 1000
	// MaxDecayWork bounds one decay in weighted optimizer steps (stepWeight):
	// the size below which a map is cheap enough to skip the heavy-work
	// pool, since a decay is answered at once, on the session's goroutine
	// over /ws and in the handler over HTTP.
	MaxDecayWork = 2e5
)

// Decay modes.
const (
	DecayQuadratic = "quadratic" // exact: a quadratic's constant Hessian and its stationary point
	DecayLocal     = "local"     // the local quadratic model at step At
)

// DecayParams are what a decay asks beyond the scene: the same fields in
// POST /api/decay's body and in the decay message.
type DecayParams struct {
	Steps *int `json:"steps,omitempty"`
	At    *int `json:"at,omitempty"` // the step whose Hessian is used (local mode); default: the last
}

// DecayDirection is one eigen-direction: its curvature, vector, the signed
// component at every K and the theory line |c(0)|·rateᵏ at every K (shorter
// than K when the line leaves the finite numbers; absent without a rate).
type DecayDirection struct {
	optim.EigenRate
	Q    [2]float64 `json:"q"`
	C    []float64  `json:"c"`
	Line []float64  `json:"line,omitempty"`
	// Measured is the measured per-step rate over the last half of the
	// run's nonzero components (geometric mean of |c(k+1)/c(k)|); 0 when
	// fewer than 2 such steps exist.
	Measured float64 `json:"measured"`
}

// Decay is the answer of a decay.
type Decay struct {
	Optimizer string `json:"optimizer"`
	Mode      string `json:"mode"`
	// At is the step whose Hessian and model were used (local mode; the
	// quadratic's is the same at every step).
	At    int              `json:"at"`
	Steps int              `json:"steps"` // the steps the run took (it may end early)
	Every int              `json:"every"` // K holds every Every-th step (and the last)
	Star  [2]float64       `json:"star"`  // θ*
	K     []int            `json:"k"`
	Dirs  []DecayDirection `json:"directions"`
	// Note explains the mode in a sentence, for the page's caption.
	Note string `json:"note"`
}

// DecayJob is a validated decay, ready to compute.
type DecayJob struct {
	sc    *scene.Scene
	run   int
	cfg   optim.Config
	steps int
	at    int // -1: the last step
	// Canonical is the request with every default filled in (for ETags).
	Canonical DecayParams
}

// NewDecayJob validates p for run of sc. defSteps is the number of steps
// when p leaves them out. Errors are *fielderr.Error naming the field.
func NewDecayJob(sc *scene.Scene, run int, p DecayParams, defSteps int) (*DecayJob, error) {
	if err := checkScene(sc); err != nil {
		return nil, fielderr.New("objective", "the eigen-component decay is computed for 2-D objectives; %s has %d parameters (projected on a plane)", sc.Info.ID, sc.Obj.Dim())
	}
	if !hasCurvature(sc.Obj) {
		return nil, fielderr.New("objective", "%s gives no Hessian: no eigen-directions to split the error along", sc.Info.ID)
	}
	r := sc.Runs[run]
	j := &DecayJob{sc: sc, run: run, cfg: r.Config(), steps: defSteps, at: -1}
	if p.Steps != nil {
		j.steps = *p.Steps
	}
	if j.steps < 0 || j.steps > MaxDecaySteps {
		return nil, fielderr.New("steps", "must be a whole number from 0 to %d, got %d", MaxDecaySteps, j.steps)
	}
	if p.At != nil {
		if *p.At < 0 || *p.At > j.steps {
			return nil, fielderr.New("at", "must be a step from 0 to steps (%d), got %d", j.steps, *p.At)
		}
		j.at = *p.At
	}
	if w := float64(j.steps) * stepWeight(sc, r.Info()); w > MaxDecayWork {
		return nil, fielderr.New("steps", "this decay would take about %.3g optimizer steps; the limit is %.3g: ask for fewer steps", w, float64(MaxDecayWork))
	}
	at := j.at
	j.Canonical = DecayParams{Steps: &j.steps}
	if at >= 0 {
		j.Canonical.At = &at
	}
	return j, nil
}

// Key names the job's answer in a Cache.
func (j *DecayJob) Key() string {
	return cacheKey("decay", j.sc, j.cfg, j.sc.Start, j.Canonical)
}

func hasCurvature(obj landscape.Objective) bool {
	switch obj.(type) {
	case landscape.Hessianer, landscape.HessVecer:
		return true
	}
	return false
}

// Compute replays the run and decomposes its points.
func (j *DecayJob) Compute() (*Decay, error) {
	cfg := j.cfg
	cfg.Hyper = map[string]float64{}
	for k, v := range j.cfg.Hyper {
		cfg.Hyper[k] = v
	}
	r, err := optim.NewRun(j.sc.Obj, j.sc.Start, cfg, optim.SeedFor(j.sc.Request.Seed, j.run))
	if err != nil {
		return nil, err
	}
	path := make([]float64, 0, 2*(j.steps+1))
	st := r.Current()
	path = append(path, st.Theta[0], st.Theta[1])
	for k := 0; k < j.steps && !r.Done(); {
		st = r.Step()
		if st.K == k { // a step that could not be taken
			break
		}
		k = st.K
		path = append(path, st.Theta[0], st.Theta[1])
	}
	n := len(path)/2 - 1 // steps taken
	at := j.at
	if at < 0 || at > n {
		at = n
	}
	d := &Decay{Optimizer: r.Info().ID, Steps: n, At: at}
	h := mat.NewSymDense(2, nil)
	x := path[2*at : 2*at+2]
	if !hessianAt(h, j.sc.Obj, x) {
		return nil, fielderr.New("at", "the Hessian is not finite at step %d", at)
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, true) {
		return nil, fielderr.New("at", "the Hessian at step %d has no eigendecomposition", at)
	}
	lam := eig.Values(nil)
	var vec mat.Dense
	eig.VectorsTo(&vec)
	q := [2][2]float64{{vec.At(0, 0), vec.At(1, 0)}, {vec.At(0, 1), vec.At(1, 1)}}
	for i := range q { // a sign fixed by the larger coordinate, so the picture does not flip
		if math.Abs(q[i][0]) >= math.Abs(q[i][1]) && q[i][0] < 0 || math.Abs(q[i][0]) < math.Abs(q[i][1]) && q[i][1] < 0 {
			q[i][0], q[i][1] = -q[i][0], -q[i][1]
		}
	}
	if isQuadratic(j.sc) {
		d.Mode, d.Star = DecayQuadratic, [2]float64{0, 0}
		d.Note = "a quadratic: H is the same everywhere and θ* = 0 is its stationary point, so the split is exact"
	} else {
		d.Mode = DecayLocal
		g := make([]float64, 2)
		j.sc.Obj.Grad(g, x)
		scale := math.Max(math.Abs(lam[0]), math.Abs(lam[1]))
		d.Star = [2]float64{x[0], x[1]}
		flat := false
		for i := range 2 {
			if math.Abs(lam[i]) <= 1e-9*scale || lam[i] == 0 {
				flat = true
				continue // no stationary point along a flat direction
			}
			s := (q[i][0]*g[0] + q[i][1]*g[1]) / lam[i]
			d.Star[0] -= s * q[i][0]
			d.Star[1] -= s * q[i][1]
		}
		d.Note = fmt.Sprintf("local: H = ∇²J(θ_%d) and θ* = θ_%d − H⁻¹∇J(θ_%d), the stationary point of the quadratic model at step %d; the rates hold where the model does", at, at, at, at)
		if flat {
			d.Note += " (along a flat direction the model has no stationary point: that component is measured from θ_" + fmt.Sprint(at) + ")"
		}
		if !finite(d.Star[0]) || !finite(d.Star[1]) {
			return nil, fielderr.New("at", "the local model at step %d has no finite stationary point", at)
		}
	}
	every := 1
	if n+1 > MaxDecayPoints {
		every = (n + MaxDecayPoints - 1) / (MaxDecayPoints - 1)
	}
	d.Every = every
	for k := 0; k <= n; k += every {
		d.K = append(d.K, k)
	}
	if d.K[len(d.K)-1] != n {
		d.K = append(d.K, n)
	}
	rates := r.EigenRates(lam)
	for i := range 2 {
		dir := DecayDirection{EigenRate: rates[i], Q: q[i], C: make([]float64, len(d.K))}
		comp := func(k int) float64 {
			return (path[2*k]-d.Star[0])*q[i][0] + (path[2*k+1]-d.Star[1])*q[i][1]
		}
		for p, k := range d.K {
			dir.C[p] = comp(k)
		}
		if dir.OK {
			c0, lr := math.Abs(dir.C[0]), math.Log(dir.Rate)
			for _, k := range d.K {
				v := c0 * math.Exp(float64(k)*lr)
				if dir.Rate == 0 {
					v = 0
					if k == 0 {
						v = c0
					}
				}
				if !finite(v) || v > 1e300 {
					break
				}
				dir.Line = append(dir.Line, v)
			}
		}
		dir.Measured = measuredRate(n, comp)
		d.Dirs = append(d.Dirs, dir)
	}
	return d, nil
}

// measuredRate is exp of the least-squares slope of log ‖(c(k), c(k−1))‖
// over the last half of the steps whose components are not lost in
// rounding (above 1e-12 of the largest). The pair's norm, which a complex
// pair of roots turns round, never dips through the zeros |c(k)| does; the
// fit averages what is left of the turning over the tail.
func measuredRate(n int, comp func(int) float64) float64 {
	big := 0.0
	for k := 0; k <= n; k++ {
		big = math.Max(big, math.Abs(comp(k)))
	}
	last := -1
	for k := 0; k <= n; k++ {
		if math.Abs(comp(k)) <= 1e-12*big && math.Abs(comp(max(0, k-1))) <= 1e-12*big {
			break
		}
		last = k
	}
	first := max(1, last/2)
	if last-first < 2 {
		return 0
	}
	var sx, sy, sxx, sxy, cnt float64
	for k := first; k <= last; k++ {
		x, y := float64(k), math.Log(math.Hypot(comp(k), comp(k-1)))
		sx, sy, sxx, sxy, cnt = sx+x, sy+y, sxx+x*x, sxy+x*y, cnt+1
	}
	r := math.Exp((cnt*sxy - sx*sy) / (cnt*sxx - sx*sx))
	if !finite(r) {
		return 0
	}
	return r
}

// isQuadratic reports whether the scene's objective is the catalogue's
// quadratic, unblurred: a constant Hessian with its stationary point at 0.
func isQuadratic(sc *scene.Scene) bool {
	_, ok := sc.Obj.(*landscape.Quadratic)
	return ok && sc.Request.Objective.Blur == 0
}

// hessianAt writes ∇²J(x) into h and reports whether it is finite.
func hessianAt(h *mat.SymDense, obj landscape.Objective, x []float64) bool {
	switch o := obj.(type) {
	case landscape.Hessianer:
		o.Hess(h, x)
	case landscape.HessVecer:
		landscape.FormHessian(h, o, x)
	default:
		return false
	}
	for i := range 2 {
		for k := range 2 {
			if !finite(h.At(i, k)) {
				return false
			}
		}
	}
	return true
}
