package optim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// Clip is gradient clipping (8.2.5): by norm (rescale g to norm Norm when
// ‖g‖ > Norm) or by value (clamp each component to [−Value, Value]). Zero
// values mean off; at most one may be set.
type Clip struct {
	Norm  float64 `json:"norm,omitempty"`
	Value float64 `json:"value,omitempty"`
}

// Validate checks the clip settings.
func (c Clip) Validate() error {
	if err := fielderr.Range("norm", c.Norm, 0, math.MaxFloat64); err != nil {
		return err
	}
	if err := fielderr.Range("value", c.Value, 0, math.MaxFloat64); err != nil {
		return err
	}
	if c.Norm > 0 && c.Value > 0 {
		return fielderr.New("", `clip by "norm" or by "value", not both`)
	}
	return nil
}

// Config chooses a run's optimizer and settings: a run object of the API.
type Config struct {
	Optimizer string             `json:"optimizer"`
	Hyper     map[string]float64 `json:"hyper,omitempty"`
	Choice    map[string]string  `json:"choice,omitempty"` // string-valued hyperparameters (cg's variant)
	Clip      Clip               `json:"clip,omitzero"`
	Schedule  Schedule           `json:"schedule,omitzero"`
}

// Status of a run.
type Status string

const (
	Running   Status = "running"
	Converged Status = "converged"
	Diverged  Status = "diverged"
	MaxSteps  Status = "max_steps"
	Paused    Status = "paused"
)

// Tolerances for the end of a run.
const (
	GradTol   = 1e-8  // ‖∇J‖ below this: converged
	StepTol   = 1e-12 // ‖Δθ‖ below StepTol·(1+‖θ‖) for a curvature method (Newton and kin): converged
	DivergeAt = 1e15  // |J| or |θᵢ| above this: diverged
)

// Step is the state after step K: θ_K, J(θ_K) and ∇J(θ_K) (exact, full
// batch), and how the step from θ_{K−1} was taken.
type Step struct {
	K        int
	Theta    []float64
	Loss     float64
	Grad     []float64 // exact ∇J(θ_K)
	GradNorm float64
	Update   []float64 // θ_K − θ_{K−1}
	LR       float64   // learning rate the schedule gave this step
	// The gradient this step used, before and after clipping (the last one
	// the method asked for; for Nesterov, the one at the look-ahead point).
	RawGrad, UsedGrad []float64
	Clipped           bool
	Evals, GradEvals  int // evaluations this step took (line searches take several)
	HessEvals         int
	State             []Vec
	Status            Status
	// Reason says once why a run ended, naming the step when it diverged:
	// "the loss reached 3.2e+16 at step 12", "θ left every bound at step 7",
	// "step 4 could not be taken: ...", "‖g‖ = 3e-09 < 1e-08".
	Reason string
}

// Run is one optimizer stepping on one objective from one start.
type Run struct {
	obj    landscape.Objective
	info   Info
	cfg    Config
	values Values
	start  []float64
	seed   uint64

	method Method
	oracle *Oracle
	theta  []float64
	prev   []float64
	cur    Step
	status Status
	clips  int
}

// SeedFor derives the seed of run i of a scene, so scenes on the API and
// over the WebSocket give the same trajectories.
func SeedFor(sceneSeed uint64, run int) uint64 {
	return sceneSeed*0x9E3779B97F4A7C15 + uint64(run)*0xBF58476D1CE4E5B9 + 1
}

// NewRun checks cfg and start against obj and returns a run at step 0.
// Errors are *fielderr.Error with fields relative to the run object
// ("optimizer", "hyper.lr", "clip.norm") or "start".
func NewRun(obj landscape.Objective, start []float64, cfg Config, seed uint64) (*Run, error) {
	d, ok := lookup(cfg.Optimizer)
	if !ok {
		if cfg.Optimizer == "" {
			return nil, fielderr.New("optimizer", "missing; known: %s", knownOptimizers())
		}
		return nil, fielderr.New("optimizer", "unknown optimizer %q; known: %s", cfg.Optimizer, knownOptimizers())
	}
	n := obj.Dim()
	if len(start) != n {
		return nil, fielderr.New("start", "has %d coordinates, the objective has %d", len(start), n)
	}
	if err := fielderr.Finite("start", start); err != nil {
		return nil, err
	}
	if err := checkNeeds(d.info, obj); err != nil {
		return nil, err
	}
	values, err := resolve(d.info, cfg.Hyper, cfg.Choice)
	if err != nil {
		return nil, err
	}
	if err := fielderr.Prefix("clip", cfg.Clip.Validate()); err != nil {
		return nil, err
	}
	if err := fielderr.Prefix("schedule", cfg.Schedule.Validate()); err != nil {
		return nil, err
	}
	r := &Run{obj: obj, info: d.info, cfg: cfg, values: values,
		start: append([]float64(nil), start...), seed: seed}
	r.Reset()
	return r, nil
}

func checkNeeds(info Info, obj landscape.Objective) error {
	if info.MaxDim > 0 && obj.Dim() > info.MaxDim {
		return fielderr.New("optimizer", "%s forms a %d×%d matrix; it is limited to dimension %d (use lbfgs or cg)",
			info.ID, obj.Dim(), obj.Dim(), info.MaxDim)
	}
	switch info.Needs {
	case "hessian":
		if _, ok := obj.(landscape.Hessianer); !ok {
			return fielderr.New("optimizer", "%s needs the Hessian, which this objective does not give", info.ID)
		}
	case "fisher":
		if _, ok := obj.(landscape.Fisherer); !ok {
			return fielderr.New("optimizer", "%s needs a probabilistic model (Fisher information); try the logistic regression objective", info.ID)
		}
	case "matrices":
		return checkMatrices(info, obj)
	}
	return nil
}

// resolve fills defaults and checks every given hyperparameter.
func resolve(info Info, num map[string]float64, choice map[string]string) (Values, error) {
	v := Values{Num: map[string]float64{}, Choice: map[string]string{}}
	for _, h := range info.Hyper {
		if h.Choices != nil {
			v.Choice[h.Name] = h.DefaultStr
		} else {
			v.Num[h.Name] = h.Default
		}
	}
	if err := merge(info, &v, num, choice); err != nil {
		return Values{}, err
	}
	return v, nil
}

// merge checks and applies changes onto v (which holds a full set).
func merge(info Info, v *Values, num map[string]float64, choice map[string]string) error {
	for _, name := range sortedKeys(num) {
		h, ok := findHyper(info, name)
		if !ok || h.Choices != nil {
			return fielderr.New("hyper."+name, "%s has no numeric hyperparameter %q%s", info.ID, name, hyperList(info))
		}
		x := num[name]
		if err := fielderr.Range("hyper."+name, x, h.Min, h.Max); err != nil {
			return err
		}
		if h.Integer && x != math.Trunc(x) {
			return fielderr.New("hyper."+name, "must be a whole number, got %g", x)
		}
		v.Num[name] = x
	}
	for _, name := range sortedKeys(choice) {
		h, ok := findHyper(info, name)
		if !ok || h.Choices == nil {
			return fielderr.New("hyper."+name, "%s has no choice %q%s", info.ID, name, hyperList(info))
		}
		c := choice[name]
		valid := false
		for _, o := range h.Choices {
			valid = valid || o == c
		}
		if !valid {
			return fielderr.New("hyper."+name, "must be one of %v, got %q", h.Choices, c)
		}
		v.Choice[name] = c
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func findHyper(info Info, name string) (HyperSpec, bool) {
	for _, h := range info.Hyper {
		if h.Name == name {
			return h, true
		}
	}
	return HyperSpec{}, false
}

func hyperList(info Info) string {
	if len(info.Hyper) == 0 {
		return " (it takes none)"
	}
	s := " (it takes"
	for i, h := range info.Hyper {
		if i > 0 {
			s += ","
		}
		s += " " + h.Name
	}
	return s + ")"
}

// Reset returns the run to step 0 with fresh optimizer state and random
// source, keeping its current hyperparameters.
func (r *Run) Reset() {
	d, _ := lookup(r.info.ID)
	n := r.obj.Dim()
	r.method = d.new(n)
	r.method.Configure(r.values)
	if mm, ok := r.method.(matrixMethod); ok {
		mm.layout(matricesOf(r.obj))
	}
	rng := rand.New(rand.NewPCG(r.seed, r.seed^0x5DEECE66D))
	r.oracle = newOracle(r.obj, r.cfg.Clip, rng)
	r.theta = append(r.theta[:0], r.start...)
	r.prev = make([]float64, n)
	r.cur = Step{Theta: r.theta, Grad: make([]float64, n), Update: make([]float64, n),
		RawGrad: r.oracle.Raw, UsedGrad: r.oracle.Used}
	r.clips = 0
	r.status = Running
	r.measure()
	if r.status == Running && r.cur.GradNorm < GradTol {
		r.status, r.cur.Reason = Converged, fmt.Sprintf("the start is a stationary point: ‖g‖ = %.3g < %g", r.cur.GradNorm, GradTol)
	}
	r.cur.Status = r.status
	r.cur.State = r.method.State()
}

// measure fills loss and exact gradient at θ.
func (r *Run) measure() {
	r.cur.Loss = r.obj.Grad(r.cur.Grad, r.theta)
	r.cur.GradNorm = Norm(r.cur.Grad) // scaled: no overflow of a finite norm
	if !finite(r.cur.Loss) || !finite(r.cur.GradNorm) || math.Abs(r.cur.Loss) > DivergeAt {
		r.status = Diverged
		r.cur.Reason = fmt.Sprintf("the loss reached %.3g at step %d", r.cur.Loss, r.cur.K)
	}
}

// Set changes hyperparameters, clipping or schedule from the next step on,
// keeping the run's state. nil arguments leave that part unchanged.
func (r *Run) Set(num map[string]float64, choice map[string]string, clip *Clip, sched *Schedule) error {
	v := Values{Num: map[string]float64{}, Choice: map[string]string{}}
	for k, x := range r.values.Num {
		v.Num[k] = x
	}
	for k, x := range r.values.Choice {
		v.Choice[k] = x
	}
	if err := merge(r.info, &v, num, choice); err != nil {
		return err
	}
	if clip != nil {
		if err := fielderr.Prefix("clip", clip.Validate()); err != nil {
			return err
		}
	}
	if sched != nil {
		if err := fielderr.Prefix("schedule", sched.Validate()); err != nil {
			return err
		}
	}
	r.values = v
	for k, x := range num {
		if r.cfg.Hyper == nil {
			r.cfg.Hyper = map[string]float64{}
		}
		r.cfg.Hyper[k] = x
	}
	for k, x := range choice {
		if r.cfg.Choice == nil {
			r.cfg.Choice = map[string]string{}
		}
		r.cfg.Choice[k] = x
	}
	r.method.Configure(v)
	if clip != nil {
		r.cfg.Clip = *clip
		r.oracle.clip = *clip
	}
	if sched != nil {
		r.cfg.Schedule = *sched
	}
	return nil
}

// Config returns the run's current settings (after any Set).
func (r *Run) Config() Config { return r.cfg }

// Info describes the run's optimizer.
func (r *Run) Info() Info { return r.info }

// Current returns the state at the current step. The Step and its slices
// are reused by the next call to Step; copy what must be kept.
func (r *Run) Current() *Step { return &r.cur }

// Done reports whether the run has ended (converged or diverged).
func (r *Run) Done() bool { return r.status == Converged || r.status == Diverged }

// Clips counts the steps so far whose gradient was clipped.
func (r *Run) Clips() int { return r.clips }

// Step advances one iteration (a no-op once the run has ended) and returns
// the new current state.
func (r *Run) Step() *Step {
	if r.Done() {
		return &r.cur
	}
	copy(r.prev, r.theta)
	lr := r.cfg.Schedule.Rate(r.cur.K, r.values.Num["lr"])
	r.oracle.beginStep()
	err := r.method.Step(r.oracle, r.theta, lr)
	r.cur.K++
	r.cur.LR = lr
	r.cur.Clipped = r.oracle.Clipped
	if r.oracle.Clipped {
		r.clips++
	}
	r.cur.Evals, r.cur.GradEvals, r.cur.HessEvals = r.oracle.Evals, r.oracle.GradEvals, r.oracle.HessEvals
	var step, norm float64
	for i := range r.theta {
		r.cur.Update[i] = r.theta[i] - r.prev[i]
		step += r.cur.Update[i] * r.cur.Update[i]
		norm += r.theta[i] * r.theta[i]
	}
	switch {
	case !allFinite(r.theta) || maxAbs(r.theta) > DivergeAt:
		r.status = Diverged
		r.cur.Reason = fmt.Sprintf("θ left every bound at step %d", r.cur.K)
		copy(r.theta, r.prev) // keep the last finite point
		r.cur.K--
		for i := range r.cur.Update {
			r.cur.Update[i] = 0
		}
	case err != nil && !errors.Is(err, ErrConverged):
		// The method could not take this step (a singular Hessian, a failed
		// line search): no step happened, so the run ends where it stood.
		r.status = Diverged
		r.cur.Reason = fmt.Sprintf("step %d could not be taken: %v", r.cur.K, err)
		copy(r.theta, r.prev)
		r.cur.K--
		for i := range r.cur.Update {
			r.cur.Update[i] = 0
		}
	default:
		r.measure()
		if r.status == Diverged {
			// The new point is finite but explodes: keep it on the wire only if
			// its loss is finite; otherwise fall back to the previous point.
			if !finite(r.cur.Loss) || !finite(r.cur.GradNorm) {
				copy(r.theta, r.prev)
				r.cur.K--
				r.measure()
				r.status = Diverged
			}
		} else if name := overflowed(r.method.State()); name != "" {
			// An accumulator of squared gradients (Adam's s, AdaGrad's r ...)
			// past the largest float64 would stall the run silently.
			r.status = Diverged
			r.cur.Reason = fmt.Sprintf("the optimizer's %s overflowed at step %d (the gradient is too large for it)", name, r.cur.K)
		} else if r.cur.GradNorm < GradTol {
			r.status, r.cur.Reason = Converged, fmt.Sprintf("‖g‖ = %.3g < %g", r.cur.GradNorm, GradTol)
		} else if errors.Is(err, ErrConverged) || (step <= StepTol*StepTol*(1+norm) && r.info.Needs != "" && r.info.Needs != "matrices") {
			r.status, r.cur.Reason = Converged, "the step became negligible"
		}
	}
	r.cur.Status = r.status
	r.cur.State = r.method.State()
	return &r.cur
}

// overflowed names the first state vector with a non-finite component.
func overflowed(state []Vec) string {
	for _, v := range state {
		if !allFinite(v.V) {
			return v.Name
		}
	}
	return ""
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if !finite(x) {
			return false
		}
	}
	return true
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
