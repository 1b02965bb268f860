package api

import (
	"context"
	"net/http"

	"github.com/saddle-viz/saddle/internal/landscape"
	"github.com/saddle-viz/saddle/internal/landscape/hd"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/scene"
	"github.com/saddle-viz/saddle/internal/zoo"
)

// spectrumRequest is the body of POST /api/spectrum: the Hessian's spectrum
// at an objective's start (θ₀ drawn from seed for a projected objective).
type spectrumRequest struct {
	Objective landscape.Spec `json:"objective"`
	Seed      uint64         `json:"seed"`
	At        *string        `json:"at"`
	K         *int           `json:"k"`
}

// spectrumResponse is the WebSocket's spectrum message without its type.
type spectrumResponse struct {
	At string `json:"at"`
	K  int    `json:"k"`
	*zoo.Spectrum
}

func (h *handlers) spectrum(w http.ResponseWriter, r *http.Request) {
	var req spectrumRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	if req.At != nil && *req.At != "start" {
		writeError(w, badRequest("at", `must be "start" (a run's current point is asked over /ws), got %q`, *req.At))
		return
	}
	k := zoo.DefaultEigenpairs
	if req.K != nil {
		k = *req.K
	}
	if k < 1 || k > hd.MaxEigenpairs {
		writeError(w, badRequest("k", "must be from 1 to %d, got %d", hd.MaxEigenpairs, k))
		return
	}
	obj, info, model, e := buildObjective(req.Objective)
	if e != nil {
		writeError(w, e)
		return
	}
	theta, key := info.Start, landscape.SpecKey(req.Objective)
	if model != nil {
		var err error
		if theta, err = model.Init(req.Seed); err != nil {
			writeError(w, userError(err))
			return
		}
		key = model.Key()
	}
	release, ok := h.heavy(w, &r)
	if !ok {
		return
	}
	defer release()
	s, err := zoo.ComputeSpectrum(r.Context(), obj, key, theta, k, nil)
	if err != nil {
		writeError(w, gridError(err))
		return
	}
	writeJSON(w, http.StatusOK, spectrumResponse{At: "start", Spectrum: s}, release)
}

// interpolateRequest is the body of POST /api/interpolate: a scene of one
// run, stepped steps times, and the loss along the segment from its start
// to its end.
type interpolateRequest struct {
	scene.Request
	Steps *int `json:"steps"`
	N     *int `json:"n"`
	Eigs  *int `json:"eigs"` // top Hessian eigenvectors to follow, 0..zoo.MaxEigenLines
}

// interpolateResponse is the WebSocket's interpolation message without its
// type.
type interpolateResponse struct {
	Run int `json:"run"`
	K   int `json:"k"`
	*zoo.Interpolation
}

func (h *handlers) interpolate(w http.ResponseWriter, r *http.Request) {
	var req interpolateRequest
	if e := decode(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	if len(req.Runs) != 1 {
		writeError(w, badRequest("runs", "give exactly one run to interpolate along, got %d", len(req.Runs)))
		return
	}
	steps := DefaultSteps
	if req.Steps != nil {
		steps = *req.Steps
	}
	if steps < 0 || steps > MaxSteps {
		writeError(w, badRequest("steps", "must be between 0 and %d, got %d", MaxSteps, steps))
		return
	}
	n := zoo.DefaultLinePoints
	if req.N != nil {
		n = *req.N
	}
	if n < zoo.MinLinePoints || n > zoo.MaxLinePoints {
		writeError(w, badRequest("n", "must be from %d to %d, got %d", zoo.MinLinePoints, zoo.MaxLinePoints, n))
		return
	}
	eigs := zoo.DefaultEigenLines
	if req.Eigs != nil {
		eigs = *req.Eigs
	}
	if eigs < 0 || eigs > zoo.MaxEigenLines {
		writeError(w, badRequest("eigs", "must be from 0 to %d top Hessian eigenvectors, got %d", zoo.MaxEigenLines, eigs))
		return
	}
	sc, err := scene.Build(req.Request)
	if err != nil {
		writeError(w, userError(err))
		return
	}
	release, ok := h.heavy(w, &r)
	if !ok {
		return
	}
	defer release()
	end, err := stepTo(r.Context(), sc.Runs[0], steps)
	if err != nil {
		writeError(w, timeoutError(err))
		return
	}
	in, err := zoo.InterpolateAlong(r.Context(), sc.Obj, sc.Start, end.Theta, n, eigs)
	if err != nil {
		writeError(w, gridError(err))
		return
	}
	writeJSON(w, http.StatusOK, interpolateResponse{K: end.K, Interpolation: in}, release)
}

// stepTo steps run up to steps times (fewer when it ends), giving up when
// ctx ends.
func stepTo(ctx context.Context, run *optim.Run, steps int) (*optim.Step, error) {
	for k := 0; k < steps && !run.Done(); k++ {
		if k%64 == 63 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		run.Step()
	}
	return run.Current(), nil
}
