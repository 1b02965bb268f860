// Package maps computes the theory-beside-the-run maps of a 2-D objective
// (issue 11): the hyperparameter map (one N-step run per cell of a grid over
// two of an optimizer's hyperparameters, coloured by a measure) and the
// basins of attraction (one N-step run per start on a grid of the view,
// coloured by the minimum it reaches). On a quadratic the hyperparameter map
// carries the closed-form answers beside the measurement (theory.go).
//
// Both maps are computed in passes, coarse to fine: the first pass runs
// every cell on a stride-s lattice (about 8×8 cells), each later pass halves
// the stride and runs the cells not yet run, so a first picture exists after
// about 1/64 of the work. After each pass the cells not yet run are filled
// from the run cell at the corner of their block and the map is handed to
// the caller. Cells of a pass run in parallel over GOMAXPROCS workers; each
// worker reuses its buffers, so a step inside a cell allocates nothing.
//
// The package knows optim, landscape and scene, and nothing of HTTP or the
// WebSocket: internal/api and internal/stream call it.
package maps

import (
	"context"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
)

// Limits on one map.
const (
	DefaultSteps = 200
	MaxSteps     = 10_000
	// MaxWork bounds one map in optimizer steps (cells × steps, a step of a
	// method that needs the Hessian counting as HessianWeight, a step on a
	// typed expression as its nodes/20). A 128×128 map of 200 steps is
	// 3.3·10⁶; the limit allows five times that.
	MaxWork       = 1.6e7
	HessianWeight = 3
)

// Options control a computation.
type Options struct {
	// Workers is how many goroutines run cells (0: GOMAXPROCS).
	Workers int
	// Frame, when set, is called after every pass with the map as it
	// stands (a *HyperMap or *Basins; cells not yet run filled from their
	// block's corner); the map is modified by the next pass, so encode it
	// before returning.
	Frame func(m any, stride int, final bool)
	// Count, when set, is called once per cell run (from any worker).
	Count func()
}

func (o Options) workers(cells int) int {
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, cells))
}

// firstStride is the stride of the first pass: the largest power of two
// leaving at least 8 cells along the longer side.
func firstStride(nx, ny int) int {
	s := 1
	for max(nx, ny)/(2*s) >= 8 {
		s *= 2
	}
	return s
}

// passCells lists the cells (index j*nx+i) the pass of stride s runs: the
// cells on the stride-s lattice that the pass of stride 2s did not (every
// lattice cell when first).
func passCells(dst []int, nx, ny, s int, first bool) []int {
	dst = dst[:0]
	for j := 0; j < ny; j += s {
		for i := 0; i < nx; i += s {
			if !first && i%(2*s) == 0 && j%(2*s) == 0 {
				continue
			}
			dst = append(dst, j*nx+i)
		}
	}
	return dst
}

// passes runs every cell, coarse to fine. run(w, cell) runs one cell on
// worker w; after each pass, fill(s) completes the picture at stride s and
// opt.Frame (if any) sees m. It returns ctx's error if ctx ended first.
func passes(ctx context.Context, nx, ny int, opt Options, m any, run func(w, cell int), fill func(s int)) error {
	s := firstStride(nx, ny)
	var cells []int
	workers := opt.workers(nx * ny)
	for first := true; s >= 1; s, first = s/2, false {
		cells = passCells(cells, nx, ny, s, first)
		if err := parallel(ctx, cells, workers, opt.Count, run); err != nil {
			return err
		}
		fill(s)
		if opt.Frame != nil {
			opt.Frame(m, s, s == 1)
		}
	}
	return nil
}

// parallel runs run(w, cell) for every cell over workers goroutines.
func parallel(ctx context.Context, cells []int, workers int, count func(), run func(w, cell int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, len(cells)) {
		wg.Go(func() {
			for {
				if ctx.Err() != nil {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(cells) {
					return
				}
				run(w, cells[i])
				if count != nil {
					count()
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// corner is the cell whose value a not-yet-run cell shows at stride s.
func corner(cell, nx, s int) int {
	i, j := cell%nx, cell/nx
	return (j-j%s)*nx + i - i%s
}

// checkScene refuses what a map cannot be computed for: a projected
// objective (its plane is not its parameter space) or one not 2-D.
func checkScene(sc *scene.Scene) error {
	if sc.Projected() || sc.Obj.Dim() != 2 {
		return fielderr.New("objective", "maps are computed for 2-D objectives; %s has %d parameters (projected on a plane)", sc.Info.ID, sc.Obj.Dim())
	}
	return nil
}

// stepWeight is the cost of one step relative to a first-order step on a
// built-in objective.
func stepWeight(sc *scene.Scene, info optim.Info) float64 {
	w := max(1, float64(info.GradsPerStep)) // SAM's two gradients a step
	needs := info.Needs
	obj := sc.Obj
	if e, ok := obj.(interface{ Unblurred() landscape.Objective }); ok {
		obj = e.Unblurred()
		if b := sc.Request.Objective.Blur; b > 0 {
			w *= float64(landscape.BlurEvals(b, 2))
		}
	}
	if f, ok := obj.(interface{ Nodes() int }); ok {
		w *= max(1, float64(f.Nodes())/20)
	}
	if needs != "" {
		w *= HessianWeight
	}
	return w
}

func checkWork(field string, work float64, what string) error {
	if work > MaxWork {
		return fielderr.New(field, "%s would take about %.3g optimizer steps; the limit is %.3g: ask for fewer cells or steps", what, work, float64(MaxWork))
	}
	return nil
}

func dist(a, b []float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
