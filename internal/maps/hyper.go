package maps

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// Limits of a hyperparameter map.
const (
	MinCells     = 2
	MaxCells     = 128
	DefaultCells = 64
	DefaultTol   = 1e-6
)

// Measures a cell may be coloured by.
const (
	MeasureLoss  = "loss"  // J(θ_N)
	MeasureSteps = "steps" // the first k with ‖∇J(θ_k)‖ ≤ tol
	MeasureRate  = "rate"  // the empirical rate of ‖θ_k − θ*‖ per step
)

// Measures lists the measures in the order the page offers them.
var Measures = []string{MeasureRate, MeasureLoss, MeasureSteps}

// Cell status on the wire.
const (
	CellOK         = 0
	CellDiverged   = 1 // the run diverged, or its loss ended above the start's
	CellNotReached = 2 // measure "steps": the tolerance was not reached in N steps
)

// Axis chooses one axis of a hyperparameter map: which hyperparameter, over
// which range, in how many cells, on a log scale or not. Left-out fields
// take defaults (DefaultAxes).
type Axis struct {
	Name  string      `json:"name"`
	Range *[2]float64 `json:"range,omitempty"`
	N     *int        `json:"n,omitempty"`
	Log   *bool       `json:"log,omitempty"`
}

// HyperParams are what a hyperparameter map asks beyond the scene: the same
// fields in POST /api/hypermap's body and in the hypermap message.
type HyperParams struct {
	X       *Axis    `json:"x,omitempty"`
	Y       *Axis    `json:"y,omitempty"` // nil: the default (none for a one-parameter method)
	NoY     bool     `json:"no_y,omitempty"`
	Steps   *int     `json:"steps,omitempty"`
	Measure *string  `json:"measure,omitempty"`
	Tol     *float64 `json:"tol,omitempty"`
}

// AxisOut is a resolved axis: the hyperparameter, its symbol in the
// chapter, and the value at every cell (lo and hi included).
type AxisOut struct {
	Name   string     `json:"name"`
	Symbol string     `json:"symbol"`
	Range  [2]float64 `json:"range"`
	N      int        `json:"n"`
	Log    bool       `json:"log"`
	Values []float64  `json:"values"`
}

// Cell is one cell of a map, named by its indices and values.
type Cell struct {
	I     int     `json:"i"`
	J     int     `json:"j"`
	X     float64 `json:"x"`
	Y     float64 `json:"y,omitempty"`
	Value float64 `json:"value"`
}

// HyperMap is a hyperparameter map: Values[j*nx+i] is the measure of the
// run with x = X.Values[i] and y = Y.Values[j]; Status says which cells
// diverged (or, for steps, never reached the tolerance), whose Values are 0.
type HyperMap struct {
	Optimizer string    `json:"optimizer"`
	X         AxisOut   `json:"x"`
	Y         *AxisOut  `json:"y,omitempty"` // nil: a curve over x alone
	Steps     int       `json:"steps"`
	Measure   string    `json:"measure"`
	Tol       float64   `json:"tol,omitempty"`
	Values    []float64 `json:"values"`
	Status    []int8    `json:"status"`
	// Stride is the pass this picture is from: cells off the stride-s
	// lattice show their block's corner; 1 is the finished map.
	Stride int `json:"stride"`
	// Best is the run cell with the lowest measure (nil: every cell diverged).
	Best *Cell `json:"best,omitempty"`
	// Theory is the closed form on a quadratic, for gd, momentum and
	// Nesterov without clipping or a schedule; nil otherwise.
	Theory *Theory `json:"theory,omitempty"`
}

// HyperJob is a validated hyperparameter map, ready to compute.
type HyperJob struct {
	sc    *scene.Scene
	cfg   optim.Config
	info  optim.Info
	x     AxisOut
	y     *AxisOut
	steps int
	meas  string
	tol   float64
	// Canonical is the request with every default filled in (for ETags).
	Canonical HyperParams
}

// Work is the job's cost in optimizer steps (see MaxWork).
func (j *HyperJob) Work() float64 {
	ny := 1
	if j.y != nil {
		ny = j.y.N
	}
	return float64(j.x.N*ny*j.steps) * stepWeight(j.sc, j.info)
}

// Cells is the number of runs.
func (j *HyperJob) Cells() int {
	if j.y == nil {
		return j.x.N
	}
	return j.x.N * j.y.N
}

// DefaultAxes names the hyperparameters a map of optimizer id spans by
// default: ε × α for momentum and Nesterov, ε × β₁ for Adam, ε × λ for
// AdamW, ε × ρ for
// RMSprop, ε alone (y "") for a method with one, and otherwise the first two
// numeric hyperparameters.
func DefaultAxes(info optim.Info) (x, y string) {
	switch info.ID {
	case "momentum", "nesterov":
		return "lr", "momentum"
	case "adam":
		return "lr", "beta1"
	case "adamw": // what its decay does, against the rate it is scaled by
		return "lr", "weight_decay"
	case "rmsprop", "rmsprop_nesterov":
		return "lr", "rho"
	}
	var names []string
	for _, h := range info.Hyper {
		if h.Choices == nil && !h.Integer {
			names = append(names, h.Name)
		}
	}
	if i := slices.Index(names, "lr"); i > 0 {
		names[0], names[i] = names[i], names[0]
	}
	switch len(names) {
	case 0:
		return "", ""
	case 1:
		return names[0], ""
	}
	return names[0], names[1]
}

// NewHyperJob validates p for run of sc (its optimizer and current
// settings; the mapped hyperparameters vary, the others stay). Errors are
// *fielderr.Error naming the field of p ("x.name", "y.range", "steps").
func NewHyperJob(sc *scene.Scene, run int, p HyperParams) (*HyperJob, error) {
	if err := checkScene(sc); err != nil {
		return nil, err
	}
	r := sc.Runs[run]
	info := r.Info()
	cfg := r.Config()
	j := &HyperJob{sc: sc, cfg: cfg, info: info, steps: DefaultSteps, meas: MeasureRate, tol: DefaultTol}
	if p.Steps != nil {
		j.steps = *p.Steps
	}
	if j.steps < 1 || j.steps > MaxSteps {
		return nil, fielderr.New("steps", "must be a whole number from 1 to %d, got %d", MaxSteps, j.steps)
	}
	if p.Measure != nil {
		j.meas = *p.Measure
	}
	if !slices.Contains(Measures, j.meas) {
		return nil, fielderr.New("measure", "unknown measure %q; known: %s", j.meas, strings.Join(Measures, ", "))
	}
	if p.Tol != nil {
		if j.meas != MeasureSteps {
			return nil, fielderr.New("tol", `is the tolerance of the measure "steps"; the measure is %q`, j.meas)
		}
		j.tol = *p.Tol
		if err := fielderr.Range("tol", j.tol, optim.GradTol, 1e6); err != nil {
			return nil, err
		}
	}
	dx, dy := DefaultAxes(info)
	if p.X != nil {
		dx = p.X.Name
	}
	if p.NoY {
		if p.Y != nil {
			return nil, fielderr.New("no_y", "asks for a curve over x alone; leave y out")
		}
		dy = ""
	} else if p.Y != nil {
		dy = p.Y.Name
	}
	if dx == "" {
		return nil, fielderr.New("x.name", "%s has no numeric hyperparameter to map%s", info.ID, hyperNames(info))
	}
	ax, err := j.resolveAxis("x", dx, p.X)
	if err != nil {
		return nil, err
	}
	j.x = ax
	if dy != "" {
		if dy == dx {
			return nil, fielderr.New("y.name", "is %q, as x is; map two different hyperparameters", dy)
		}
		ay, err := j.resolveAxis("y", dy, p.Y)
		if err != nil {
			return nil, err
		}
		j.y = &ay
	}
	if err := checkWork("steps", j.Work(), fmt.Sprintf("this map (%d runs of %d steps)", j.Cells(), j.steps)); err != nil {
		return nil, err
	}
	j.Canonical = j.canonical(p)
	return j, nil
}

func hyperNames(info optim.Info) string {
	var names []string
	for _, h := range info.Hyper {
		if h.Choices == nil && !h.Integer {
			names = append(names, h.Name)
		}
	}
	if len(names) == 0 {
		return " (it takes none)"
	}
	return " (it takes " + strings.Join(names, ", ") + ")"
}

func (j *HyperJob) resolveAxis(field, name string, a *Axis) (AxisOut, error) {
	var h optim.HyperSpec
	found := false
	for _, s := range j.info.Hyper {
		if s.Name == name && s.Choices == nil {
			h, found = s, true
		}
	}
	if !found {
		return AxisOut{}, fielderr.New(field+".name", "%s has no numeric hyperparameter %q%s", j.info.ID, name, hyperNames(j.info))
	}
	if h.Integer {
		return AxisOut{}, fielderr.New(field+".name", "%q takes whole numbers; map a continuous hyperparameter%s", name, hyperNames(j.info))
	}
	out := AxisOut{Name: name, Symbol: h.Symbol, N: DefaultCells, Log: h.Log}
	out.Range = j.defaultRange(h)
	if a != nil {
		if a.N != nil {
			out.N = *a.N
		}
		if a.Log != nil {
			out.Log = *a.Log
		}
		if a.Range != nil {
			out.Range = *a.Range
		}
	}
	if out.N < MinCells || out.N > MaxCells {
		return AxisOut{}, fielderr.New(field+".n", "must be a whole number from %d to %d, got %d", MinCells, MaxCells, out.N)
	}
	lo, hi := out.Range[0], out.Range[1]
	if err := fielderr.Range(field+".range", lo, h.Min, h.Max); err != nil {
		return AxisOut{}, err
	}
	if err := fielderr.Range(field+".range", hi, h.Min, h.Max); err != nil {
		return AxisOut{}, err
	}
	if !(lo < hi) {
		return AxisOut{}, fielderr.New(field+".range", "must be [lo, hi] with lo < hi, got [%g, %g]", lo, hi)
	}
	if out.Log && lo <= 0 {
		return AxisOut{}, fielderr.New(field+".range", "a log axis starts above 0, got %g", lo)
	}
	out.Values = make([]float64, out.N)
	for i := range out.Values {
		t := float64(i) / float64(out.N-1)
		if out.Log {
			out.Values[i] = lo * math.Pow(hi/lo, t)
		} else {
			out.Values[i] = lo + t*(hi-lo)
		}
	}
	out.Values[out.N-1] = hi
	return out, nil
}

// defaultRange spans a hyperparameter: the learning rate around the scale
// the curvature at the start allows (from 0.01/λmax to 8/λmax, past every
// method's stability limit), or around the suggested or default rate when
// the curvature says nothing; a decay rate or momentum from 0 to 0.99;
// anything else over its whole range.
func (j *HyperJob) defaultRange(h optim.HyperSpec) [2]float64 {
	clamp := func(lo, hi float64) [2]float64 {
		return [2]float64{max(lo, h.Min), min(hi, h.Max)}
	}
	switch h.Name {
	case "lr":
		l := scene.Local(j.sc)
		curv := j.info.ID == "gd" || j.info.ID == "sgd" || j.info.ID == "momentum" || j.info.ID == "nesterov"
		if curv && finite(l.LambdaMax) && l.LambdaMax > 0 {
			return clamp(1e-2/l.LambdaMax, 8/l.LambdaMax)
		}
		if sg, ok := optim.Suggest(j.info.ID, l); ok && sg.Hyper["lr"] > 0 {
			s := sg.Hyper["lr"]
			return clamp(s/100, s*10)
		}
		return clamp(h.Default/100, h.Default*100)
	case "momentum", "beta1", "rho", "beta2", "theta":
		return clamp(0, 0.99)
	}
	if h.Log {
		return clamp(h.Default/100, h.Default*100)
	}
	return [2]float64{h.Min, h.Max}
}

func (j *HyperJob) canonical(p HyperParams) HyperParams {
	ax := func(a AxisOut) *Axis {
		r, n, l := a.Range, a.N, a.Log
		return &Axis{Name: a.Name, Range: &r, N: &n, Log: &l}
	}
	c := HyperParams{X: ax(j.x), Steps: &j.steps, Measure: &j.meas}
	if j.y != nil {
		c.Y = ax(*j.y)
	} else {
		c.NoY = true
	}
	if j.meas == MeasureSteps {
		c.Tol = &j.tol
	}
	return c
}

// hyperWorker is one worker's run and buffers, reused from cell to cell.
type hyperWorker struct {
	run  *optim.Run
	set  map[string]float64
	path []float64 // θ_k, two coordinates a step
	gn   []float64 // ‖∇J(θ_k)‖
}

// Compute runs the map. On a quadratic it also fills the theory.
func (j *HyperJob) Compute(ctx context.Context, opt Options) (*HyperMap, error) {
	nx, ny := j.x.N, 1
	if j.y != nil {
		ny = j.y.N
	}
	m := &HyperMap{Optimizer: j.info.ID, X: j.x, Y: j.y, Steps: j.steps, Measure: j.meas,
		Values: make([]float64, nx*ny), Status: make([]int8, nx*ny), Stride: firstStride(nx, ny)}
	if j.meas == MeasureSteps {
		m.Tol = j.tol
	}
	m.Theory = j.theory()
	done := make([]bool, nx*ny)
	workers := make([]*hyperWorker, opt.workers(nx*ny))
	for w := range workers {
		cfg := j.cfg
		cfg.Hyper = map[string]float64{} // the run's Set writes into its config's map: one per worker
		for k, v := range j.cfg.Hyper {
			cfg.Hyper[k] = v
		}
		r, err := optim.NewRun(j.sc.Obj, j.sc.Start, cfg, optim.SeedFor(j.sc.Request.Seed, 0))
		if err != nil {
			return nil, err
		}
		workers[w] = &hyperWorker{run: r, set: map[string]float64{},
			path: make([]float64, 2*(j.steps+1)), gn: make([]float64, j.steps+1)}
	}
	minima := j.sc.Info.Minima
	run := func(w, cell int) {
		hw := workers[w]
		i, jj := cell%nx, cell/nx
		hw.set[j.x.Name] = j.x.Values[i]
		if j.y != nil {
			hw.set[j.y.Name] = j.y.Values[jj]
		}
		v, st := j.runCell(hw, minima)
		m.Values[cell], m.Status[cell] = v, st
		done[cell] = true
	}
	fill := func(s int) {
		for c := range m.Values {
			if !done[c] {
				src := corner(c, nx, s)
				m.Values[c], m.Status[c] = m.Values[src], m.Status[src]
			}
		}
		m.Stride = s
		m.Best = nil
		for c, v := range m.Values {
			if !done[c] || m.Status[c] != CellOK {
				continue
			}
			if m.Best == nil || v < m.Best.Value {
				i, jj := c%nx, c/nx
				m.Best = &Cell{I: i, J: jj, X: j.x.Values[i], Value: v}
				if j.y != nil {
					m.Best.Y = j.y.Values[jj]
				}
			}
		}
	}
	if err := passes(ctx, nx, ny, opt, m, run, fill); err != nil {
		return nil, err
	}
	return m, nil
}

// runCell runs one cell with hw.set's hyperparameters and returns its
// measure and status.
func (j *HyperJob) runCell(hw *hyperWorker, minima [][]float64) (float64, int8) {
	r := hw.run
	if err := r.Set(hw.set, nil, nil, nil); err != nil {
		// Axis values were checked against the specs: cannot happen.
		panic("maps: " + err.Error())
	}
	r.Reset()
	st := r.Current()
	loss0 := st.Loss
	reached := -1
	if st.GradNorm <= j.tol {
		reached = 0
	}
	// θ* is the known minimum nearest the end of the run.
	nearest := func(theta []float64) int {
		best, bd := -1, math.Inf(1)
		for q, mn := range minima {
			if d := dist(theta, mn); d < bd {
				best, bd = q, d
			}
		}
		return best
	}
	// The path θ_k (2-D) and ‖∇J(θ_k)‖ of every step, in reused buffers.
	path, gn := hw.path, hw.gn
	path[0], path[1], gn[0] = st.Theta[0], st.Theta[1], st.GradNorm
	k := 0
	for k < j.steps && !r.Done() {
		st = r.Step()
		if st.K == k { // a step that could not be taken (the run ended where it stood)
			break
		}
		k = st.K
		path[2*k], path[2*k+1], gn[k] = st.Theta[0], st.Theta[1], st.GradNorm
		if reached < 0 && st.GradNorm <= j.tol {
			reached = k
		}
	}
	if st.Status == optim.Diverged || !finite(st.Loss) || st.Loss > loss0+1e-12*(1+math.Abs(loss0)) {
		return 0, CellDiverged
	}
	switch j.meas {
	case MeasureLoss:
		return st.Loss, CellOK
	case MeasureSteps:
		if reached < 0 {
			return 0, CellNotReached
		}
		return float64(reached), CellOK
	}
	// The empirical rate: exp of the slope of log e_k fitted by least
	// squares over the whole run, e_k the norm of the state
	// (θ_k − θ*, θ_{k−1} − θ*), which a complex pair of eigenvalues turns
	// round without the zeros ‖θ_k − θ*‖ dips through. (A fit over the late
	// steps alone, or with a k^(m−1) Jordan factor, scatters more: the few
	// steps a fast run takes before it converges make it noisy.)
	if k < 2 {
		return 0, CellOK
	}
	q := nearest(path[2*k : 2*k+2])
	e := func(s int) float64 {
		if q < 0 {
			return gn[s]
		}
		return math.Hypot(path[2*s]-minima[q][0], path[2*s+1]-minima[q][1])
	}
	var sx, sy, sxx, sxy, cnt float64
	for s := 1; s <= k; s++ {
		v := math.Hypot(e(s), e(s-1))
		if v == 0 {
			break
		}
		x, y := float64(s), math.Log(v)
		sx, sy, sxx, sxy, cnt = sx+x, sy+y, sxx+x*x, sxy+x*y, cnt+1
	}
	if cnt < 2 {
		return 0, CellOK
	}
	slope := (cnt*sxy - sx*sy) / (cnt*sxx - sx*sx)
	rate := math.Exp(slope)
	if !finite(rate) {
		return 0, CellDiverged
	}
	return rate, CellOK
}
