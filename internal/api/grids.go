package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// GridCacheEntries is how many landscapes the server keeps: a 1024×1024 grid
// is 8 MB, so this bounds the cache at 128 MB.
const GridCacheEntries = 16

// MaxHessianDim bounds the dimension /api/hessian answers for: the answer
// holds a dim×dim matrix and its eigenvectors.
const MaxHessianDim = 64

// grids computes landscapes through a shared cache.
type grids struct{ cache *landscape.GridCache }

func (g *grids) grid(ctx context.Context, spec landscape.Spec, obj landscape.Objective, x, y [2]float64, nx, ny int) (*landscape.Grid, error) {
	if obj.Dim() != 2 {
		return nil, fielderr.New("objective", "is %d-dimensional; its landscape needs a plane through its parameter space, which this endpoint does not take yet", obj.Dim())
	}
	key := landscape.GridKey{Objective: landscape.SpecKey(spec), X: x, Y: y, NX: nx, NY: ny}
	return g.cache.Grid(ctx, key, obj)
}

// gridError maps a failed grid to its answer.
func gridError(err error) *httpError {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return timeoutError(err)
	}
	return userError(err)
}

// curvature is landscape.Curvature for the API: bounded in size, with
// "no Hessian" as the user's choice of objective rather than a bug.
func curvature(obj landscape.Objective, at []float64) (landscape.Geometry, error) {
	if obj.Dim() > MaxHessianDim {
		return landscape.Geometry{}, fielderr.New("objective", "is %d-dimensional; /api/hessian answers up to dimension %d", obj.Dim(), MaxHessianDim)
	}
	geo, err := landscape.Curvature(obj, at)
	if errors.Is(err, landscape.ErrNoHessian) {
		return geo, fielderr.New("objective", "gives no Hessian, so its curvature cannot be shown")
	}
	if err != nil {
		var fe *fielderr.Error
		if !errors.As(err, &fe) {
			return geo, fmt.Errorf("curvature: %w", err)
		}
	}
	return geo, err
}
