package maps

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// Limits of a basins map.
const (
	MinBasinSide     = 8
	MaxBasinSide     = 256
	DefaultBasinSide = 128
	// NearFrac is how close (a fraction of the objective's domain's longer
	// side) a run must end to a minimum to be in its basin.
	NearFrac = 1e-3
	// StationaryTol is the gradient norm below which a run that ends away
	// from every known minimum counts as at a stationary point.
	StationaryTol = 1e-6
)

// Basin codes of a cell that reached no minimum.
const (
	BasinDiverged     = -1
	BasinNotConverged = -2
	BasinSaddle       = -3
	BasinMaximum      = -4
)

// BasinParams are what a basins map asks beyond the scene: the same fields
// in POST /api/basins's body and in the basins message.
type BasinParams struct {
	X     *[2]float64 `json:"x,omitempty"` // nil: the objective's domain
	Y     *[2]float64 `json:"y,omitempty"`
	N     *int        `json:"n,omitempty"`
	Steps *int        `json:"steps,omitempty"`
}

// Basins is a basins-of-attraction map: the start of cell (i, j) is the
// centre of pixel i, j of the view (j = 0 at y lo), Basin[j*n+i] the index
// in Minima of the minimum its run ends at (within NearFrac of the domain),
// or a negative code (BasinDiverged ...); K the steps it took.
type Basins struct {
	Optimizer string      `json:"optimizer"`
	X         [2]float64  `json:"x"`
	Y         [2]float64  `json:"y"`
	N         int         `json:"n"`
	Steps     int         `json:"steps"`
	Minima    [][]float64 `json:"minima"`
	// Known is how many of Minima the objective lists; the rest were found
	// by runs that ended at a stationary point with a positive-definite
	// Hessian.
	Known int   `json:"known"`
	Basin []int `json:"basin"`
	K     []int `json:"k"`
	// Counts[q] is the number of cells of minimum q.
	Counts []int `json:"counts"`
	// Boundary is the number of cells with a 4-neighbour in another basin:
	// how fragmented the boundaries are.
	Boundary int `json:"boundary"`
	Stride   int `json:"stride"`
}

// BasinJob is a validated basins map, ready to compute.
type BasinJob struct {
	sc        *scene.Scene
	cfg       optim.Config
	info      optim.Info
	x, y      [2]float64
	n, steps  int
	near      float64
	Canonical BasinParams
}

// NewBasinJob validates p for run of sc (its optimizer and current
// settings; the start varies over the view).
func NewBasinJob(sc *scene.Scene, run int, p BasinParams) (*BasinJob, error) {
	if err := checkScene(sc); err != nil {
		return nil, err
	}
	r := sc.Runs[run]
	d := sc.Info.Domain
	j := &BasinJob{sc: sc, cfg: r.Config(), info: r.Info(), x: d.X, y: d.Y, n: DefaultBasinSide, steps: DefaultSteps}
	for _, ax := range []struct {
		name string
		in   *[2]float64
		out  *[2]float64
	}{{"x", p.X, &j.x}, {"y", p.Y, &j.y}} {
		if ax.in == nil {
			continue
		}
		lo, hi := ax.in[0], ax.in[1]
		if !finite(lo) || !finite(hi) || !(lo < hi) || hi-lo > 1e6 || math.Abs(lo) > 1e6 || math.Abs(hi) > 1e6 {
			return nil, fielderr.New(ax.name, "must be [lo, hi] with lo < hi, finite and within ±10⁶, got [%g, %g]", lo, hi)
		}
		*ax.out = *ax.in
	}
	if p.N != nil {
		j.n = *p.N
	}
	if j.n < MinBasinSide || j.n > MaxBasinSide {
		return nil, fielderr.New("n", "must be a whole number from %d to %d, got %d", MinBasinSide, MaxBasinSide, j.n)
	}
	if p.Steps != nil {
		j.steps = *p.Steps
	}
	if j.steps < 1 || j.steps > MaxSteps {
		return nil, fielderr.New("steps", "must be a whole number from 1 to %d, got %d", MaxSteps, j.steps)
	}
	j.near = NearFrac * math.Max(d.X[1]-d.X[0], d.Y[1]-d.Y[0])
	if err := checkWork("steps", j.Work(), fmt.Sprintf("this map (%d×%d starts of %d steps)", j.n, j.n, j.steps)); err != nil {
		return nil, err
	}
	x, y, n, steps := j.x, j.y, j.n, j.steps
	j.Canonical = BasinParams{X: &x, Y: &y, N: &n, Steps: &steps}
	return j, nil
}

// Work is the job's cost in optimizer steps (see MaxWork).
func (j *BasinJob) Work() float64 {
	return float64(j.n*j.n*j.steps) * stepWeight(j.sc, j.info)
}

// Cells is the number of runs.
func (j *BasinJob) Cells() int { return j.n * j.n }

// basinEnd is how one start's run ended.
type basinEnd struct {
	theta    [2]float64
	k        int
	status   optim.Status
	gradNorm float64
}

// Compute runs every start. Runs record how they ended in parallel; the
// ends are then named (minimum q, saddle ...) in order, so the map is the
// same whatever the number of workers.
func (j *BasinJob) Compute(ctx context.Context, opt Options) (*Basins, error) {
	n := j.n
	b := &Basins{Optimizer: j.info.ID, X: j.x, Y: j.y, N: n, Steps: j.steps,
		Basin: make([]int, n*n), K: make([]int, n*n), Stride: firstStride(n, n)}
	b.Minima = append(b.Minima, j.sc.Info.Minima...)
	b.Known = len(b.Minima)
	ends := make([]basinEnd, n*n)
	done := make([]bool, n*n)
	named := make([]bool, n*n)
	nw := opt.workers(n * n)
	starts := make([][]float64, nw)
	for w := range starts {
		starts[w] = make([]float64, 2)
	}
	run := func(w, cell int) {
		i, jj := cell%n, cell/n
		st := starts[w]
		st[0] = j.x[0] + (float64(i)+0.5)*(j.x[1]-j.x[0])/float64(n)
		st[1] = j.y[0] + (float64(jj)+0.5)*(j.y[1]-j.y[0])/float64(n)
		// NewRun only reads the config (no Set follows), so workers share it.
		r, err := optim.NewRun(j.sc.Obj, st, j.cfg, optim.SeedFor(j.sc.Request.Seed, 0))
		if err != nil { // a start where the objective is not finite: drawn as diverged
			ends[cell] = basinEnd{status: optim.Diverged}
			done[cell] = true
			return
		}
		s := r.Current()
		for s.K < j.steps && !r.Done() {
			k := s.K
			s = r.Step()
			if s.K == k {
				break
			}
		}
		ends[cell] = basinEnd{theta: [2]float64{s.Theta[0], s.Theta[1]}, k: s.K, status: s.Status, gradNorm: s.GradNorm}
		done[cell] = true
	}
	hess := mat.NewSymDense(2, nil)
	hs, _ := j.sc.Obj.(landscape.Hessianer)
	fill := func(s int) {
		for c := range ends {
			if done[c] && !named[c] {
				b.Basin[c], b.K[c] = j.name(b, ends[c], hs, hess), ends[c].k
				named[c] = true
			}
		}
		for c := range ends {
			if !done[c] {
				src := corner(c, n, s)
				b.Basin[c], b.K[c] = b.Basin[src], b.K[src]
			}
		}
		b.Counts = make([]int, len(b.Minima))
		for _, q := range b.Basin {
			if q >= 0 {
				b.Counts[q]++
			}
		}
		b.Boundary = BoundaryCells(b.Basin, n)
		b.Stride = s
	}
	if err := passes(ctx, n, n, opt, b, run, fill); err != nil {
		return nil, err
	}
	return b, nil
}

// name classifies one run's end, adding a newly found minimum to b.
func (j *BasinJob) name(b *Basins, e basinEnd, hs landscape.Hessianer, h *mat.SymDense) int {
	if e.status == optim.Diverged {
		return BasinDiverged
	}
	th := e.theta[:]
	for q, m := range b.Minima {
		if dist(th, m) <= j.near {
			return q
		}
	}
	if e.status != optim.Converged && !(e.gradNorm < StationaryTol) {
		return BasinNotConverged
	}
	if hs == nil {
		return BasinNotConverged
	}
	hs.Hess(h, th)
	a, bb, c := h.At(0, 0), h.At(0, 1), h.At(1, 1)
	m, d := (a+c)/2, math.Hypot((a-c)/2, bb)
	lo, hi := m-d, m+d
	switch {
	case lo > 0:
		b.Minima = append(b.Minima, []float64{th[0], th[1]})
		return len(b.Minima) - 1
	case hi < 0:
		return BasinMaximum
	case lo < 0 && hi > 0:
		return BasinSaddle
	}
	return BasinNotConverged // degenerate: the Hessian cannot tell
}

// BoundaryCells counts the cells of an n×n map with a 4-neighbour of
// another code.
func BoundaryCells(codes []int, n int) int {
	count := 0
	for c, q := range codes {
		i, j := c%n, c/n
		if (i > 0 && codes[c-1] != q) || (i < n-1 && codes[c+1] != q) ||
			(j > 0 && codes[c-n] != q) || (j < n-1 && codes[c+n] != q) {
			count++
		}
	}
	return count
}
