package hd

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/fielderr"
)

// Func is a loss J(θ); it must be safe to call from many goroutines at once
// (nn.MLP.Value and Quadratic.Value are).
type Func func(theta []float64) float64

// MaxGridSide bounds nx and ny.
const MaxGridSide = 1024

// GridOptions tunes EvalGrid.
type GridOptions struct {
	// Workers evaluating points at once; 0 means GOMAXPROCS.
	Workers int
	// Coarsest is the stride of the first pass of a coarse-to-fine
	// evaluation (a power of two; 0 or 1 means a single pass).
	Coarsest int
	// Pass, when not nil, is called after each pass with its stride and
	// the grid so far: points not yet evaluated hold the value of the
	// nearest evaluated point above-left of them, so every pass is a
	// complete, blockier picture. The slice is dst; do not keep it.
	Pass func(stride int, grid []float64)
}

// GridStats summarises an evaluated grid.
type GridStats struct {
	Min, Max float64
	// NonFinite counts points where J was NaN or ±Inf (a diverged model);
	// they are replaced by Max so the grid stays drawable.
	NonFinite int
}

// EvalGrid evaluates f on the nx×ny grid of the plane with a in x[0]..x[1]
// and b in y[0]..y[1] into dst (row-major, b outermost: dst[j*nx+i] is
// J(θ(aᵢ, bⱼ))), in parallel on all cores. Each point costs one call of f
// (for an MLP, Dgemms over the whole data set). With Coarsest > 1 the grid
// is evaluated coarse-to-fine, every point exactly once in total, so a
// first picture appears after 1/Coarsest² of the work. It stops early with
// ctx's error when ctx is cancelled.
func EvalGrid(ctx context.Context, dst []float64, f Func, p *Plane, x, y [2]float64, nx, ny int, opt GridOptions) (GridStats, error) {
	if nx < 1 || ny < 1 || nx > MaxGridSide || ny > MaxGridSide {
		return GridStats{}, fielderr.New("nx", "grid sides must be between 1 and %d, got %d×%d", MaxGridSide, nx, ny)
	}
	for _, r := range []struct {
		name string
		v    [2]float64
	}{{"x", x}, {"y", y}} {
		if err := fielderr.Finite(r.name, r.v[:]); err != nil {
			return GridStats{}, err
		}
	}
	if len(dst) != nx*ny {
		panic("hd: EvalGrid: len(dst) != nx*ny")
	}
	if _, _, _, ok := p.gram(); !ok {
		return GridStats{}, fielderr.New("plane", "the plane's directions are parallel or zero")
	}
	coord := func(r [2]float64, i, n int) float64 {
		if n == 1 {
			return (r[0] + r[1]) / 2
		}
		return r[0] + (r[1]-r[0])*float64(i)/float64(n-1)
	}
	stride := 1
	for stride*2 <= opt.Coarsest {
		stride *= 2
	}
	done := make([]bool, nx*ny)
	for ; stride >= 1; stride /= 2 {
		var idx []int
		for j := 0; j < ny; j += stride {
			for i := 0; i < nx; i += stride {
				if !done[j*nx+i] {
					idx = append(idx, j*nx+i)
				}
			}
		}
		err := parallel(ctx, opt.Workers, len(p.Origin), len(idx), func(theta []float64, k int) {
			i, j := idx[k]%nx, idx[k]/nx
			p.Point(theta, coord(x, i, nx), coord(y, j, ny))
			dst[idx[k]] = f(theta)
		})
		if err != nil {
			return GridStats{}, err
		}
		for _, k := range idx {
			done[k] = true
		}
		if opt.Pass != nil {
			if stride > 1 {
				fillBlocks(dst, nx, ny, stride)
			}
			sanitize(dst)
			opt.Pass(stride, dst)
		}
	}
	return sanitize(dst), nil
}

// fillBlocks copies each evaluated point (i, j multiples of s) over the
// s×s block to its lower right.
func fillBlocks(g []float64, nx, ny, s int) {
	for j := range ny {
		for i := range nx {
			g[j*nx+i] = g[(j/s*s)*nx+i/s*s]
		}
	}
}

// sanitize replaces non-finite values by the largest finite one (0 if
// none) and returns the grid's range.
func sanitize(g []float64) GridStats {
	st := GridStats{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			st.NonFinite++
			continue
		}
		st.Min, st.Max = min(st.Min, v), max(st.Max, v)
	}
	if st.NonFinite == len(g) {
		st.Min, st.Max = 0, 0
	}
	if st.NonFinite > 0 {
		for i, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				g[i] = st.Max
			}
		}
	}
	return st
}

// parallel calls point(theta, k) for k in [0, count) on workers goroutines,
// each with its own scratch theta of length dim, handing out indices in
// small chunks so fast and slow points balance. It returns ctx's error if
// ctx is cancelled before all points are done.
func parallel(ctx context.Context, workers, dim, count int, point func(theta []float64, k int)) error {
	if workers <= 0 {
		workers = budget.Workers(ctx)
	}
	workers = max(1, min(workers, count))
	const chunk = 4
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			theta := make([]float64, dim)
			for ctx.Err() == nil {
				lo := int(next.Add(chunk)) - chunk
				if lo >= count {
					return
				}
				for k := lo; k < min(lo+chunk, count); k++ {
					point(theta, k)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// EvalLine evaluates f at θ(t) for each t of ts into dst, in parallel: with
// Segment(θ_init, θ_final) and ts in [0, 1] (or beyond), the 1-D
// interpolation of Goodfellow et al. (2015); with Line{θ, v} for a unit
// eigenvector v, the loss along that eigen-direction. Non-finite values are
// replaced as in EvalGrid.
func EvalLine(ctx context.Context, dst []float64, f Func, l *Line, ts []float64) (GridStats, error) {
	if len(dst) != len(ts) {
		panic("hd: EvalLine: len(dst) != len(ts)")
	}
	if err := fielderr.Finite("t", ts); err != nil {
		return GridStats{}, err
	}
	err := parallel(ctx, 0, len(l.Origin), len(ts), func(theta []float64, k int) {
		l.Point(theta, ts[k])
		dst[k] = f(theta)
	})
	if err != nil {
		return GridStats{}, err
	}
	return sanitize(dst), nil
}

// Fidelity compares, along a trajectory, the true loss J(θₖ) with the loss
// read off the plane at θₖ's projection, J(θ(aₖ, bₖ)): where they differ,
// the picture misleads. Both slices have one value per point.
func Fidelity(ctx context.Context, f Func, p *Plane, traj [][]float64, proj Projection) (trueLoss, planeLoss []float64, err error) {
	trueLoss = make([]float64, len(traj))
	planeLoss = make([]float64, len(traj))
	err = parallel(ctx, 0, len(p.Origin), len(traj), func(theta []float64, k int) {
		trueLoss[k] = f(traj[k])
		p.Point(theta, proj.Coords[k][0], proj.Coords[k][1])
		planeLoss[k] = f(theta)
	})
	if err != nil {
		return nil, nil, err
	}
	sanitize(trueLoss)
	sanitize(planeLoss)
	return trueLoss, planeLoss, nil
}
