package api

import (
	"math"
	"net/http"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
)

// Limits of /api/landscape.
const (
	MinGridSide     = 2
	MaxGridSide     = 1024
	DefaultGridSide = 128
)

// hessianRequest is the body of POST /api/hessian.
type hessianRequest struct {
	Objective landscape.Spec `json:"objective"`
	At        []float64      `json:"at"`
}

// landscapeRequest is the body of POST /api/landscape. Ranges left out are
// the objective's default domain; sides left out are DefaultGridSide.
type landscapeRequest struct {
	Objective landscape.Spec `json:"objective"`
	X         []float64      `json:"x"`
	Y         []float64      `json:"y"`
	NX        *int           `json:"nx"`
	NY        *int           `json:"ny"`
}

// buildObjective is landscape.New with its errors placed under "objective".
func buildObjective(spec landscape.Spec) (landscape.Objective, landscape.Info, *httpError) {
	obj, info, err := landscape.New(spec)
	if err != nil {
		return nil, info, userError(fielderr.Prefix("objective", err))
	}
	return obj, info, nil
}

func (h *handlers) hessian(w http.ResponseWriter, r *http.Request) {
	var req hessianRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	obj, _, e := buildObjective(req.Objective)
	if e != nil {
		writeError(w, e)
		return
	}
	if req.At == nil {
		writeError(w, badRequest("at", "missing: give the point, such as [1, 2]"))
		return
	}
	if len(req.At) != obj.Dim() {
		writeError(w, badRequest("at", "has %d coordinates, the objective has %d", len(req.At), obj.Dim()))
		return
	}
	c, err := curvature(obj, req.At)
	if err != nil {
		writeError(w, userError(err))
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// checkRange validates a [lo, hi] range, defaulting to def when left out.
func checkRange(field string, r []float64, def [2]float64) ([2]float64, *httpError) {
	if r == nil {
		return def, nil
	}
	if len(r) != 2 {
		return def, badRequest(field, "must be a range [lo, hi], got %d numbers", len(r))
	}
	if !(r[0] < r[1]) || math.IsInf(r[1]-r[0], 0) {
		return def, badRequest(field, "must be a range [lo, hi] with lo < hi, got [%g, %g]", r[0], r[1])
	}
	return [2]float64{r[0], r[1]}, nil
}

func checkSide(field string, n *int) (int, *httpError) {
	if n == nil {
		return DefaultGridSide, nil
	}
	if *n < MinGridSide || *n > MaxGridSide {
		return 0, badRequest(field, "must be between %d and %d, got %d", MinGridSide, MaxGridSide, *n)
	}
	return *n, nil
}

func (h *handlers) landscape(w http.ResponseWriter, r *http.Request) {
	var req landscapeRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	job, e := prepareLandscape(req)
	if e != nil {
		writeError(w, e)
		return
	}
	g, err := h.grids.grid(r.Context(), job.spec, job.obj, job.x, job.y, job.nx, job.ny)
	if err != nil {
		writeError(w, gridError(err))
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// landscapeJob is a validated landscape request, defaults filled in.
type landscapeJob struct {
	spec   landscape.Spec
	obj    landscape.Objective
	x, y   [2]float64
	nx, ny int
}

// canonical is the request that asks for exactly this grid.
func (j landscapeJob) canonical() landscapeRequest {
	return landscapeRequest{Objective: j.spec, X: j.x[:], Y: j.y[:], NX: &j.nx, NY: &j.ny}
}

// prepareLandscape validates a landscape request (POST body or GET scene).
func prepareLandscape(req landscapeRequest) (landscapeJob, *httpError) {
	var j landscapeJob
	obj, info, e := buildObjective(req.Objective)
	if e != nil {
		return j, e
	}
	j.spec, j.obj = req.Objective, obj
	if j.x, e = checkRange("x", req.X, info.Domain.X); e != nil {
		return j, e
	}
	if j.y, e = checkRange("y", req.Y, info.Domain.Y); e != nil {
		return j, e
	}
	if j.nx, e = checkSide("nx", req.NX); e != nil {
		return j, e
	}
	if j.ny, e = checkSide("ny", req.NY); e != nil {
		return j, e
	}
	return j, nil
}
