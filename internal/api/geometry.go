package api

import (
	"context"
	"math"
	"net/http"

	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/zoo"
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
// the objective's default domain; sides left out are DefaultGridSide. A
// projected objective also takes the plane and the seed its initialisation
// θ₀ is drawn from (as /api/run's); its ranges default to the plane's domain
// and its sides are at most zoo.MaxGridSide (zoo.DefaultGridSide when left
// out).
type landscapeRequest struct {
	Objective landscape.Spec `json:"objective"`
	X         []float64      `json:"x"`
	Y         []float64      `json:"y"`
	NX        *int           `json:"nx"`
	NY        *int           `json:"ny"`
	Plane     *zoo.PlaneSpec `json:"plane,omitempty"`
	Seed      uint64         `json:"seed,omitempty"`
}

// planeLandscape is the answer for a projected objective: the grid, and the
// plane it lies on (origin and axes included up to zoo.MaxSentDim).
type planeLandscape struct {
	*landscape.Grid
	Plane zoo.PlaneInfo `json:"plane"`
}

// buildObjective is zoo.New with its errors placed under "objective". The
// model is nil for a 2-D objective.
func buildObjective(spec landscape.Spec) (landscape.Objective, landscape.Info, *zoo.Model, *httpError) {
	obj, info, model, err := zoo.New(spec)
	if err != nil {
		return nil, info, nil, userError(fielderr.Prefix("objective", err))
	}
	return obj, info, model, nil
}

func (h *handlers) hessian(w http.ResponseWriter, r *http.Request) {
	var req hessianRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	obj, info, model, e := buildObjective(req.Objective)
	if e != nil {
		writeError(w, e)
		return
	}
	if model != nil {
		writeError(w, badRequest("objective", "%s has %d parameters; /api/hessian answers for objectives of up to %d dimensions (for a projected objective, /api/landscape with \"plane\": \"hessian\" gives its top two eigenvalues)",
			info.ID, obj.Dim(), MaxHessianDim))
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
	release := func() {}
	if job.heavy {
		var ok bool
		if release, ok = h.heavy(w, &r); !ok {
			return
		}
		defer release()
	}
	ans, err := h.landscapeAnswer(r.Context(), job)
	if err != nil {
		writeError(w, gridError(err))
		return
	}
	writeLandscape(w, ans, release)
}

// landscapeJob is a validated landscape request, defaults filled in.
type landscapeJob struct {
	spec   landscape.Spec
	obj    landscape.Objective
	x, y   [2]float64
	nx, ny int
	// A projected objective's plane, as asked for and as made.
	plane *zoo.PlaneSpec
	seed  uint64
	view  *zoo.View
	// heavy: the grid goes through the heavy pool (budget.go).
	heavy bool
}

// canonical is the request that asks for exactly this grid.
func (j landscapeJob) canonical() landscapeRequest {
	return landscapeRequest{Objective: j.spec, X: j.x[:], Y: j.y[:], NX: &j.nx, NY: &j.ny, Plane: j.plane, Seed: j.seed}
}

// landscapeAnswer computes the job's grid through the shared cache: the
// grid alone for a 2-D objective, with its plane for a projected one.
func (h *handlers) landscapeAnswer(ctx context.Context, j landscapeJob) (any, error) {
	if j.view != nil {
		g, err := j.view.Grid(ctx, h.grids.cache, j.x, j.y, j.nx, j.ny)
		if err != nil {
			return nil, err
		}
		return planeLandscape{Grid: g, Plane: j.view.Info(true)}, nil
	}
	return h.grids.grid(ctx, j.spec, j.obj, j.x, j.y, j.nx, j.ny)
}

// prepareLandscape validates a landscape request (POST body or GET scene).
func prepareLandscape(req landscapeRequest) (landscapeJob, *httpError) {
	var j landscapeJob
	obj, info, model, e := buildObjective(req.Objective)
	if e != nil {
		return j, e
	}
	j.spec, j.obj = req.Objective, obj
	side := checkSide
	switch {
	case model == nil && req.Plane != nil:
		return j, badRequest("plane", "%s is drawn on its own axes; a plane is chosen only for a projected, high-dimensional objective", info.ID)
	case model != nil:
		var ps zoo.PlaneSpec
		if req.Plane != nil {
			ps = *req.Plane
		}
		if ps.Run != nil {
			return j, badRequest("plane.run", "/api/landscape takes no runs, so it cannot replay run %d to its current point: leave \"run\" and \"k\" out for the pilot's halfway point, or ask /api/run or the WebSocket", *ps.Run)
		}
		view, err := model.View(ps, req.Seed)
		if err != nil {
			return j, userError(err)
		}
		j.view, j.seed = view, req.Seed
		j.plane = &zoo.PlaneSpec{Kind: ps.KindOrDefault(), Seed: ps.Seed, Run: ps.Run, K: ps.K}
		info.Domain = view.Info(false).Domain
		side = checkPlaneSide
	}
	if j.x, e = checkRange("x", req.X, info.Domain.X); e != nil {
		return j, e
	}
	if j.y, e = checkRange("y", req.Y, info.Domain.Y); e != nil {
		return j, e
	}
	if j.nx, e = side("nx", req.NX); e != nil {
		return j, e
	}
	if j.ny, e = side("ny", req.NY); e != nil {
		return j, e
	}
	if j.view != nil {
		j.heavy = true // each point is a pass of the model over its data
		return j, nil
	}
	work := landscapeWork(j.spec, j.obj, j.nx, j.ny)
	if e := checkLandscapeWork(work, j.nx, j.ny); e != nil {
		return j, e
	}
	j.heavy = work > cheapLandscapeWork
	return j, nil
}

// checkPlaneSide is checkSide for a projected objective's landscape.
func checkPlaneSide(field string, n *int) (int, *httpError) {
	if n == nil {
		return zoo.DefaultGridSide, nil
	}
	if *n > zoo.MaxGridSide {
		return 0, badRequest(field, "a projected objective's landscape is at most %d×%d points (each point is a full pass of the model over its data), got %d",
			zoo.MaxGridSide, zoo.MaxGridSide, *n)
	}
	return checkSide(field, n)
}
