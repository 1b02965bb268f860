package zoo

import (
	"context"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
)

// CoarsestStride is the stride of the first pass of a coarse-to-fine grid:
// it holds about 1/64 of the points, so a 51×51 plane's first picture costs
// 49 evaluations.
const CoarsestStride = 8

// planeValuer is an objective with a faster Value for drawing, equal to
// Value to about 1e-15 relative (nn.MLP.PlaneValue): a plane is thousands
// of evaluations, and nobody steps from its values.
type planeValuer interface {
	PlaneValue(theta []float64) float64
}

// Key names the model (its objective with every default filled in) for
// caches.
func (m *Model) Key() string { return m.key }

// GridPasses is Grid computed coarse to fine. Before the grid is complete,
// pass (when not nil) receives each coarser picture, a new Grid the caller
// may keep (points not yet evaluated repeat their evaluated neighbour's
// value), and count (when not nil) is called once per point evaluated, from
// many goroutines. A grid already in cache is returned at once, without
// passes; concurrent callers for one grid share one computation (only the
// first sees passes).
func (v *View) GridPasses(ctx context.Context, cache *landscape.GridCache, x, y [2]float64, nx, ny int,
	pass func(*landscape.Grid), count func()) (*landscape.Grid, error) {
	if err := CheckGrid(x, y, nx, ny); err != nil {
		return nil, err
	}
	value := v.Model.Obj.Value
	if pv, ok := v.Model.Obj.(planeValuer); ok {
		value = pv.PlaneValue
	}
	f := hd.Func(value)
	if count != nil {
		f = func(theta []float64) float64 {
			j := value(theta)
			count()
			return j
		}
	}
	compute := func(ctx context.Context) (*landscape.Grid, error) {
		vals := make([]float64, nx*ny)
		opt := hd.GridOptions{Coarsest: CoarsestStride}
		if pass != nil {
			opt.Pass = func(stride int, g []float64) {
				if stride == 1 {
					return // the final grid is the answer itself
				}
				lo, hi := minMax(g)
				pass(&landscape.Grid{X: x, Y: y, NX: nx, NY: ny, Values: append([]float64(nil), g...), Min: lo, Max: hi})
			}
		}
		st, err := hd.EvalGrid(ctx, vals, f, v.Plane, x, y, nx, ny, opt)
		if err != nil {
			return nil, err
		}
		return &landscape.Grid{X: x, Y: y, NX: nx, NY: ny, Values: vals, Min: st.Min, Max: st.Max,
			Clamped: st.NonFinite > 0}, nil
	}
	if cache == nil {
		return compute(ctx)
	}
	return cache.Compute(ctx, landscape.GridKey{Objective: v.key, X: x, Y: y, NX: nx, NY: ny}, compute)
}

// minMax is the range of g (finite: EvalGrid sanitises every pass).
func minMax(g []float64) (lo, hi float64) {
	if len(g) == 0 {
		return 0, 0
	}
	lo, hi = g[0], g[0]
	for _, x := range g[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}
