package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// PENDING: landscape.EvalGrid, GridCache and Curvature are being written;
// until then both endpoints validate their input and answer 501.

var errPending = errors.New("not implemented yet")

type grids struct{}

func newGrids() *grids { return &grids{} }

func (g *grids) grid(ctx context.Context, spec landscape.Spec, obj landscape.Objective, x, y [2]float64, nx, ny int) (any, error) {
	return nil, errPending
}

func curvature(obj landscape.Objective, at []float64) (any, error) { return nil, errPending }

func gridError(err error) *httpError {
	return &httpError{Status: http.StatusNotImplemented, Offset: -1, Msg: err.Error()}
}
