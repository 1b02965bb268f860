package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/saddle-viz/saddle/internal/budget"
	"github.com/saddle-viz/saddle/internal/fielderr"
	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// Limits of one /api/run request.
const (
	// MaxSteps caps "steps" per run.
	MaxSteps = scene.MaxSteps
	// DefaultSteps is used when "steps" is left out.
	DefaultSteps = 100
	// MaxPoints caps the points of one answer, summed over runs: full-detail
	// points are a few hundred bytes each, so this keeps an answer under
	// about 60 MB. Objectives of more than 2 dimensions that are not drawn
	// on a plane count dim/2 per point, since their gradients and updates
	// travel in full; a projected objective's points are as small as 2-D ones.
	MaxPoints = 200_000
)

type handlers struct {
	log   *slog.Logger
	grids *grids
	pool  *budget.Pool // heavy work (budget.go)
}

func (h *handlers) objectives(w http.ResponseWriter, _ *http.Request) {
	cat := zoo.Catalogue()
	for i := range cat {
		// Lists are lists on the wire, even when empty.
		if cat[i].Params == nil {
			cat[i].Params = []landscape.Param{}
		}
		if cat[i].Minima == nil {
			cat[i].Minima = [][]float64{}
		}
	}
	writeJSON(w, http.StatusOK, cat)
}

func (h *handlers) optimizers(w http.ResponseWriter, _ *http.Request) {
	cat := optim.Catalogue()
	for i := range cat {
		if cat[i].Hyper == nil {
			cat[i].Hyper = []optim.HyperSpec{}
		}
	}
	writeJSON(w, http.StatusOK, cat)
}

// runRequest is a scene plus how many steps to take.
type runRequest struct {
	scene.Request
	Steps *int `json:"steps"`
}

func (h *handlers) run(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Accept")
	format, e := negotiateRun(r)
	if e != nil {
		writeError(w, e)
		return
	}
	fields, e := runFields(r, format)
	if e != nil {
		writeError(w, e)
		return
	}
	var req runRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	s, steps, e := prepareRun(req)
	if e != nil {
		writeError(w, e)
		return
	}
	release := func() {}
	if runIsHeavy(s, steps) {
		var ok bool
		if release, ok = h.heavy(w, &r); !ok {
			return
		}
		defer release()
	}
	runs, err := s.RunFieldsContext(r.Context(), steps, fields)
	if err != nil {
		writeError(w, timeoutError(err))
		return
	}
	// The answer streams out after the slot is freed: its encoding is a
	// few milliseconds, and a client reading slowly must not hold the pool.
	release()
	writeRun(w, format, fields, runs)
}

// runIsHeavy reports whether a run goes through the heavy pool: many
// points, or a projected model (each step a pass over its data).
func runIsHeavy(s *scene.Scene, steps int) bool {
	return s.Projected() || steps*len(s.Runs) > cheapRunPoints
}

// prepareRun validates a run request (POST body or GET scene) and builds
// its scene, ready to step.
func prepareRun(req runRequest) (*scene.Scene, int, *httpError) {
	steps := DefaultSteps
	if req.Steps != nil {
		steps = *req.Steps
	}
	if steps < 0 || steps > MaxSteps {
		return nil, 0, badRequest("steps", "must be between 0 and %d (the cap on steps per run), got %d", MaxSteps, steps)
	}
	s, err := scene.Build(req.Request)
	if err != nil {
		return nil, 0, userError(err)
	}
	weight := max(1, s.Obj.Dim()/2)
	if s.Projected() {
		weight = 1 // its points carry plane coordinates, not full vectors
	}
	if points := (steps + 1) * len(s.Runs) * weight; points > MaxPoints {
		return nil, 0, badRequest("steps", "%d runs × %d steps is more than one answer may hold (%d points%s); ask for at most %d steps",
			len(s.Runs), steps, MaxPoints, weightNote(weight), MaxPoints/(len(s.Runs)*weight)-1)
	}
	return s, steps, nil
}

func weightNote(weight int) string {
	if weight == 1 {
		return ""
	}
	return ", a point of this objective counting as " + strconv.Itoa(weight)
}

// userError maps an error from validation to its answer: a *fielderr.Error
// is the user's mistake (400); anything else is a bug (500).
func userError(err error) *httpError {
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fromFieldErr(fe)
	}
	return &httpError{Status: http.StatusInternalServerError, Offset: -1,
		Msg: "internal error: " + err.Error()}
}

// suggestRequest is the body of POST /api/suggest: an objective and a start,
// as /api/run takes them (a projected objective's start on its plane, or
// left out for θ₀ drawn from seed).
type suggestRequest struct {
	Objective landscape.Spec `json:"objective"`
	Start     []float64      `json:"start,omitempty"`
	Seed      uint64         `json:"seed,omitempty"`
	Plane     *zoo.PlaneSpec `json:"plane,omitempty"`
}

// suggest answers POST /api/suggest: learning rates fitted to the objective
// at the start (scene.Suggestions; the rules are optim.Suggest's).
func (h *handlers) suggest(w http.ResponseWriter, r *http.Request) {
	var req suggestRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	if req.Plane != nil && req.Plane.Run != nil {
		writeError(w, badRequest("plane.run", "a suggestion is for a start, before any run: leave the plane's run out"))
		return
	}
	// Any run resolves the start as /api/run would; gradient descent runs
	// on every objective.
	s, err := scene.Build(scene.Request{Objective: req.Objective, Start: req.Start, Seed: req.Seed, Plane: req.Plane,
		Runs: []scene.RunSpec{{Optimizer: "gd"}}})
	if err != nil {
		writeError(w, userError(err))
		return
	}
	writeJSON(w, http.StatusOK, s.Suggest())
}
